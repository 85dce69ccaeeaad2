//! enrichsim: Monte Carlo simulation of Phase 3 survival trials with biomarker enrichment.
//!
//! The source tree is grouped by layer, and data flow one way, from the bottom of this list to
//! the top (a module uses only modules of its own layer or of the layers before it; the test
//! `architecture` in tests/it checks it, and that no module cycle exists):
//!
//! 1. [`stats`]: the numerical tools every layer shares (normal and bivariate normal laws,
//!    root finding, random streams, Wilson intervals and quantiles).
//! 2. [`analysis`]: statistics on one data cut (log-rank, Cox, Kaplan-Meier, weighted log-rank,
//!    MaxCombo, RMST, milestone) and the CSV data sets `analyze` reads.
//! 3. [`design`]: the decision rules (group-sequential boundaries, multiplicity procedures,
//!    hypotheses and their populations, adaptive enrichment).
//! 4. [`scenario`]: the input, a TOML scenario parsed and checked (docs/scenario.md).
//! 5. [`model`]: the scenario resolved into who is screened and what happens to them
//!    (population, enrolment, outcome, effect prior, calibration targets) and what the trial
//!    does (the resolved design).
//! 6. [`simulation`]: one cohort and its data cuts (`trial`), and the replicates (`engine`).
//! 7. [`analytic`]: the closed forms beside the simulation (expected events, power, sample
//!    size, assurance, the model described for `validate`).
//! 8. [`study`]: what is done with a scenario (run and summary, sweep, sample-size search,
//!    compare, shards).
//! 9. [`output`]: the renderers (`report`) and the command line (`cli`), which only parses
//!    arguments and calls the library.
//!
//! [`Study`] is the front door.

pub mod analysis;
pub mod analytic;
pub mod design;
pub mod model;
pub mod output;
pub mod scenario;
pub mod simulation;
pub mod stats;
pub mod study;

pub mod error;

pub use error::{Error, Result};
pub use study::Study;
