//! Group-sequential designs: spending functions and boundaries.
