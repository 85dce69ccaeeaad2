//! The integration tests, one binary (each file of tests/ would be a binary of its own, each
//! linking the whole crate): `cargo test --release` runs them all, `cargo test --release --test
//! it NAME` those whose path contains NAME (a module, e.g. `mc_prior`, or a test).
//!
//! Modules are named by how the answer is known: `oracle_*` (values computed by R and rpact,
//! kept in tests/data/oracles with the scripts of tests/r), `mc_*` (Monte Carlo, tolerances in
//! Monte Carlo standard errors computed in the test), `double_programming_*` and `hand_*`
//! (independent re-implementations and hand computations), `stability` (pinned fixed-seed
//! outcomes), `cli*` (the binary run as a user would).

mod common;

mod analytic_events;
mod architecture;
mod boundaries_api;
mod calibration;
mod cli;
mod cli_analyze;
mod cli_analyze_long;
mod cli_design;
mod cli_hardening;
mod cli_hypotheses;
mod cli_monitor;
mod cli_predict;
mod cli_pt;
mod cli_reestimation;
mod cli_scale;
mod cli_solve;
mod closed_form_boundaries;
mod compare_analyses;
mod csv_dataset;
mod docs;
mod double_programming_survival;
mod fuzz;
mod hand_survival;
mod interrupt;
mod mc_adaptive_reestimation;
mod mc_adaptive_rpact;
mod mc_analytic;
mod mc_asymmetric;
mod mc_at_hr;
mod mc_boundaries;
mod mc_calendar;
mod mc_calibration;
mod mc_function;
mod mc_generators;
mod mc_global_null;
mod mc_gs_maxcombo;
mod mc_gs_weighted;
mod mc_mirocals_replay;
mod mc_monitor;
mod mc_multiplicity;
mod mc_nph;
mod mc_predict;
mod mc_prior;
mod mc_pt;
mod mc_reestimation;
mod mc_rpact;
mod mc_sequential;
mod mc_sided;
mod oracle_asymmetric;
mod oracle_at_hr;
mod oracle_boundaries;
mod oracle_boundaries_kinds;
mod oracle_boundaries_pt;
mod oracle_boundaries_twosided;
mod oracle_boundaries_twosided2;
mod oracle_cafs;
mod oracle_calendar;
mod oracle_events_methods;
mod oracle_gs_wlr;
mod oracle_mmrm;
mod oracle_monitor;
mod oracle_predict;
mod oracle_reestimation;
mod oracle_samplesize;
mod oracle_sided;
mod oracle_slope;
mod oracle_solve;
mod oracle_survival;
mod oracle_timefix;
mod oracle_weighted;
mod plot;
mod replicates_export;
mod report_html;
mod shards;
mod simulate_data;
mod size;
mod stability;
mod sweep;
