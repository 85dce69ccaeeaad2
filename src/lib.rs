//! enrichsim: Monte Carlo simulation of Phase 3 survival trials with biomarker enrichment.
//!
//! The data flow runs one way (see DESIGN.md beside the project):
//! `scenario` (parse, check) -> `model` (resolve: `population`, `enrolment`, `outcome`; and the
//! design) -> `trial` (one cohort and its data cut) -> `analysis` (log-rank, Cox, Kaplan-Meier)
//! -> `engine` (replicates, random streams from `rng`, parallelism) -> `summary` -> `report`.
//! On top: `sweep` (power over grids), `search` (sample size for a target power), `analytic`
//! (closed forms) and `shard` (runs split over machines, and their merge).
//! Designs with several hypotheses name their populations (`hypotheses`), control the
//! family-wise error with `multiplicity` (with `sequential` bounds at each local level) or, for
//! adaptive enrichment, with `adaptive` (selection, inverse normal combination, closed test);
//! `compare` runs several designs on the same replicates.
//! [`Study`] is the front door; `cli` only parses arguments and calls it.

pub mod adaptive;
pub mod analysis;
pub mod analytic;
pub mod calibration;
pub mod cli;
pub mod compare;
pub mod dataset;
pub mod engine;
pub mod enrolment;
pub mod error;
pub mod hypotheses;
pub mod model;
pub mod multiplicity;
pub mod mvnormal;
pub mod normal;
pub mod outcome;
pub mod population;
pub mod prior;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod search;
pub mod sequential;
pub mod shard;
pub mod study;
pub mod summary;
pub mod sweep;
pub mod trial;

pub use error::{Error, Result};
pub use study::Study;
