//! enrichsim: Monte Carlo simulation of Phase 3 survival trials with biomarker enrichment.
//!
//! The data flow runs one way (see DESIGN.md beside the project):
//! scenario -> model and design -> replicate -> analysis -> decision -> summary -> report.

pub mod error;
pub mod normal;

pub use error::{Error, Result};
pub mod analysis;
pub mod dataset;
pub mod sequential;
