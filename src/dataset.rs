//! Real survival data read from CSV, for `enrichsim analyze`.
