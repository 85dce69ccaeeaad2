//! Survival analysis of one data cut: log-rank, Cox proportional hazards, Kaplan-Meier.
//!
//! With a single binary covariate (treatment arm), every statistic here is a function of the
//! *event-time table*: one row per distinct event time (per stratum when stratified) holding the
//! numbers at risk and the numbers of events in each arm, `(n0, n1, d0, d1)`. [`Analyzer::load`]
//! sorts the patients once and builds that table (pooled over strata, and per stratum when there
//! is more than one stratum); afterwards
//!
//! * the log-rank test ([`Analyzer::logrank`], `logrank.rs`) is one pass over the table;
//! * each Newton-Raphson iteration of the Cox model ([`Analyzer::cox`], `cox.rs`), including
//!   Efron's tie correction, is one pass over the table, never over patients;
//! * the Kaplan-Meier median of an arm ([`Analyzer::km_median`], `km.rs`) is one pass over the
//!   pooled table.
//!
//! Conventions follow R's `survival` package (Therneau, version 3.5): `survdiff` for the log-rank,
//! `coxph` for the Cox model, `survfit` for Kaplan-Meier medians. At a tied time, subjects
//! censored at `t` are still at risk for the events at `t`. Times are in months.
//!
//! For delayed or non-proportional effects, the same table gives (one file per statistic):
//!
//! * the Fleming-Harrington weighted log-rank test FH(rho, gamma) (`weighted.rs`);
//! * MaxCombo, the largest of several FH statistics with its exact multivariate normal p-value
//!   (`maxcombo.rs`, with `crate::stats::mvnormal`);
//! * the difference in restricted mean survival time to `tau` (`rmst.rs`);
//! * the difference in Kaplan-Meier survival at a milestone time (`milestone.rs`);
//!
//! each selected by a [`Test`] (`test.rs`: names such as `fh(0,1)`, `stratified_rmst(18)`).
//!
//! [`analyze`] wraps all three into an [`AnalyzeReport`] for the `enrichsim analyze` command
//! ([`analyze_data`] with every option), after R's `timefix` (`timefix.rs`: times equal within
//! about 1.5e-8 are merged, as `survdiff`, `coxph` and `survfit` do by default).

pub mod blinded;
mod cox;
pub mod dataset;
pub mod function;
mod km;
mod logrank;
mod maxcombo;
mod milestone;
mod report;
mod rmst;
mod table;
mod test;
pub mod timefix;
mod weighted;

pub use cox::{CoxFit, Ties};
pub use logrank::LogRank;
pub use maxcombo::MaxCombo;
pub use report::{
    AnalyzeOptions, AnalyzeReport, TestReport, analyze, analyze_data, analyze_with_test,
};
pub use table::{Analyzer, EventRow, MAX_STRATA, PAYLOAD_BITS};
pub use test::{
    Estimate, FhWeight, MAX_COMBO, MAXCOMBO_DEFAULT, TEST_NAMES, Test, TestKind, TestResult,
};
