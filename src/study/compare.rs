//! Designs side by side on the same replicates: `enrichsim compare A.toml B.toml ...`.
//!
//! Every design is simulated with the same master seed and replicate indices, so replicate r
//! of each design draws from the same random streams: the same patients are screened in the
//! same order with the same biomarker values and fates (common random numbers; see
//! [`crate::stats::rng`]). Designs then differ only by what they do with those patients, and the
//! differences between their figures are much more precise than each figure alone.

use crate::error::{Error, Result};
use crate::simulation::engine::RunOptions;
use crate::study::Study;
use crate::study::summary::Summary;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// One design's column of the comparison. Field names are a contract (the JSON).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesignColumn {
    /// Scenario name.
    pub name: String,
    /// Scenario file, as given.
    pub file: String,
    /// Name of the primary hypothesis.
    pub primary: String,
    /// Fraction of replicates rejecting the primary hypothesis.
    pub power: f64,
    /// Its Monte Carlo SE.
    pub power_se: f64,
    /// With `[prior]`: the assurance (the probability of success averaged over the prior,
    /// which `power` then also is); absent without a prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<f64>,
    /// Its Monte Carlo SE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance_se: Option<f64>,
    /// Fraction rejecting at least one hypothesis.
    pub reject_any: f64,
    /// Its Monte Carlo SE.
    pub reject_any_se: f64,
    /// Rejection fraction per hypothesis.
    pub hypotheses: BTreeMap<String, f64>,
    /// Monte Carlo SE per hypothesis.
    pub hypotheses_se: BTreeMap<String, f64>,
    /// Fraction of replicates testing each population at the last analysis (for an adaptive
    /// design: selected at the interim for stage 2; 1 otherwise).
    pub selected: BTreeMap<String, f64>,
    /// Mean patients screened.
    pub screened_mean: f64,
    /// Mean patients randomised.
    pub randomised_mean: f64,
    /// Mean events (deaths) at the last analysis.
    pub events_mean: f64,
    /// Mean duration (calendar time of the last analysis), months.
    pub duration_mean: f64,
    /// Screened per randomised (ratio of means).
    pub screened_per_randomised: f64,
    /// Rejection fraction of each analysis evaluated on the design's replicates, by name: the
    /// primary test (`design.test`, which decides `power`) and the further `design.tests`.
    pub tests: BTreeMap<String, f64>,
    /// Monte Carlo SE per analysis.
    pub tests_se: BTreeMap<String, f64>,
    /// The full run summary of the design.
    #[serde(skip)]
    pub summary: Summary,
}

/// Several designs on the same replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Replicates per design.
    pub reps: u64,
    /// Master seed (the same for every design).
    pub seed: u64,
    /// One column per design, in the order given.
    pub designs: Vec<DesignColumn>,
    /// Wall time of all the simulations, seconds.
    pub elapsed_s: f64,
}

impl DesignColumn {
    /// A design's column from its run summary.
    pub fn new(file: &str, summary: Summary) -> DesignColumn {
        let by_name = |f: fn(&crate::study::summary::HypothesisSummary) -> f64| {
            summary
                .hypotheses
                .iter()
                .map(|h| (h.name.clone(), f(h)))
                .collect::<BTreeMap<_, _>>()
        };
        DesignColumn {
            name: summary.scenario.clone(),
            file: file.to_string(),
            primary: summary
                .hypotheses
                .iter()
                .find(|h| h.primary)
                .map_or_else(String::new, |h| h.name.clone()),
            power: summary.power,
            power_se: summary.power_se,
            assurance: summary.assurance,
            assurance_se: summary.assurance_se,
            reject_any: summary.reject_any,
            reject_any_se: summary.reject_any_se,
            hypotheses: by_name(|h| h.reject_prob),
            hypotheses_se: by_name(|h| h.reject_se),
            selected: by_name(|h| h.selected_prob),
            screened_mean: summary.screened_mean,
            randomised_mean: summary.randomised_mean,
            events_mean: summary.events_mean,
            duration_mean: summary.duration_mean,
            screened_per_randomised: summary.screened_per_randomised,
            tests: std::iter::once((summary.test.clone(), summary.power))
                .chain(summary.tests.0.iter().map(|t| (t.test.clone(), t.power)))
                .collect(),
            tests_se: std::iter::once((summary.test.clone(), summary.power_se))
                .chain(summary.tests.0.iter().map(|t| (t.test.clone(), t.power_se)))
                .collect(),
            summary,
        }
    }
}

/// Runs every study with the same options (seed, replicates, threads) and collects the columns.
/// `progress(design, done)` is called now and then.
pub fn compare(
    studies: &[Study],
    options: &RunOptions,
    progress: &(dyn Fn(usize, u64) + Sync),
) -> Result<Comparison> {
    compare_with_cancel(studies, options, progress, None)
}

/// [`compare`], stopping when `cancel` is raised (the R package's interrupt): then
/// [`Error::Interrupted`] and no comparison (a comparison is never partial). Each design is
/// simulated and summarised as [`Study::run`] does, so the numbers are [`compare`]'s.
pub fn compare_with_cancel(
    studies: &[Study],
    options: &RunOptions,
    progress: &(dyn Fn(usize, u64) + Sync),
    cancel: Option<&AtomicBool>,
) -> Result<Comparison> {
    options.check()?;
    let start = Instant::now();
    let designs = studies
        .iter()
        .enumerate()
        .map(|(i, study)| {
            let simulation = study.simulate(options, &|done| progress(i, done), cancel)?;
            if !simulation.complete() {
                return Err(Error::Interrupted {
                    completed: simulation.outcomes.len() as u64,
                    planned: options.reps,
                    written: false,
                });
            }
            let summary = study.summarise(options.seed, options.reps, &simulation);
            Ok(DesignColumn::new(&study.file, summary))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Comparison {
        reps: options.reps,
        seed: options.seed,
        designs,
        elapsed_s: (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    })
}
