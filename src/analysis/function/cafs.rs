//! (placeholder: written on branch cafs)
