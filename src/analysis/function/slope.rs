//! (placeholder: written on branch slope)
