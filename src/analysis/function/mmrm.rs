//! (placeholder: written on branch mmrm)
