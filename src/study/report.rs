//! The simulation report (`enrichsim report`): for each scenario of a family, everything a
//! protocol, a statistical analysis plan or a briefing book needs about its design — the run
//! under the scenario's assumptions, the same design under the global null (its type I error,
//! without the user writing a null scenario), the closed-form design, the resolved model, the
//! scenario's comments (the sources of its assumptions), the pictures' data and, when asked, a
//! sweep — and what is needed to reproduce them. `output::report::html` writes it as one page.
//!
//! Every number is computed as the commands `run`, `run --global-null`, `design` and `sweep`
//! compute it with the same seed and replicates, so each table can be checked against their
//! JSON (the tests do).

use super::summary::Summary;
use super::sweep::{Sweep, SweepReport};
use super::{Simulation, Study, seconds_since, simulate_all};
use crate::analytic::{DesignAnalysis, Method, ModelDescription};
use crate::error::{Error, Result};
use crate::scenario::comments::{Annotated, annotate};
use crate::simulation::engine::RunOptions;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// One scenario file as given: its path (as written on the command line) and its text.
#[derive(Clone, Debug)]
pub struct ScenarioFile {
    /// The path, as given.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// How the report is made.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// Replicates per run (the scenario's and the global null's), and per sweep point.
    pub reps: u64,
    /// Master seed of every run.
    pub seed: u64,
    /// Worker threads (None: all cores). Never changes the report.
    pub threads: Option<usize>,
    /// `--set` overrides applied to every scenario.
    pub sets: Vec<String>,
    /// `--vary` specifications of a sweep drawn as power curves (empty: none).
    pub vary: Vec<String>,
    /// Replicates whose Kaplan-Meier curves and accrual are drawn (the first ones of the run).
    pub picture_reps: u64,
    /// The command line, for the reproducibility block.
    pub command: String,
}

/// What the report says of one scenario.
#[derive(Debug)]
pub struct ScenarioReport {
    /// The file, as given.
    pub file: ScenarioFile,
    /// SHA-256 of the file's bytes, lowercase hexadecimal.
    pub sha256: String,
    /// The checked, resolved study (with the `--set` overrides).
    pub study: Study,
    /// The file's keys and tables with their comments.
    pub annotated: Annotated,
    /// The run under the scenario's assumptions (as `enrichsim run`).
    pub summary: Summary,
    /// The same design under the global null (as `enrichsim run --global-null`).
    pub null_summary: Summary,
    /// The Cox hazard-ratio estimates of the run's replicates, in replicate order (NaN where
    /// not estimable).
    pub hazard_ratios: Vec<f64>,
    /// The closed-form design (as `enrichsim design`), or why there is none.
    pub design: std::result::Result<DesignAnalysis, String>,
    /// The resolved model in closed form (as `enrichsim validate`).
    pub description: ModelDescription,
    /// The Kaplan-Meier bands and accrual of the first replicates.
    pub pictures: super::pictures::Pictures,
    /// The sweep's power table, when `--vary` was given.
    pub sweep: Option<SweepReport>,
}

/// The whole report.
#[derive(Debug)]
pub struct Report {
    /// One entry per scenario, in the order given.
    pub scenarios: Vec<ScenarioReport>,
    /// How it was made.
    pub options: ReportOptions,
    /// The worker threads the runs used.
    pub threads: usize,
    /// enrichsim's version.
    pub version: &'static str,
    /// The commit enrichsim was built from ("unknown" outside a git checkout; "+changes" when
    /// the work tree differed from it).
    pub commit: &'static str,
    /// Wall time of the whole report, seconds.
    pub elapsed_s: f64,
}

/// SHA-256 of `bytes` in lowercase hexadecimal (FIPS 180-4).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads every scenario (with the overrides) and checks the options before any simulation,
/// so a bad file or flag fails at once.
pub fn load(
    files: &[ScenarioFile],
    options: &ReportOptions,
) -> Result<Vec<(Study, Option<Sweep>)>> {
    if files.is_empty() {
        return Err(Error::usage(
            "SCENARIO",
            "(none)",
            "one or more scenario files",
        ));
    }
    if options.picture_reps == 0 || options.picture_reps > 100_000 {
        return Err(Error::usage(
            "--picture-reps",
            options.picture_reps,
            "a whole number in 1..=100000",
        ));
    }
    run_options(options, options.reps).check()?;
    files
        .iter()
        .map(|f| {
            let study = Study::parse(&f.text, &f.path, &options.sets)?;
            let sweep = if options.vary.is_empty() {
                None
            } else {
                Some(Sweep::new(&f.text, &f.path, &options.sets, &options.vary)?)
            };
            Ok((study, sweep))
        })
        .collect()
}

fn run_options(options: &ReportOptions, reps: u64) -> RunOptions {
    RunOptions {
        reps,
        seed: options.seed,
        threads: options.threads,
        replicates: None,
    }
}

/// The work units of a report, for a progress bar: per scenario, its run, its global-null
/// run, its pictures' replicates and its sweep's replicate-point simulations.
pub fn work(loaded: &[(Study, Option<Sweep>)], options: &ReportOptions) -> u64 {
    loaded
        .iter()
        .map(|(_, sweep)| {
            2 * options.reps
                + options.picture_reps.min(options.reps)
                + sweep
                    .as_ref()
                    .map_or(0, |s| s.studies.len() as u64 * options.reps)
        })
        .sum()
}

/// Makes the report of the loaded scenarios ([`load`]). `progress` gets the work units done
/// so far ([`work`]); when `cancel` is raised the report is abandoned (no partial report: its
/// tables would not be those of its stated replicates).
pub fn build(
    files: &[ScenarioFile],
    loaded: Vec<(Study, Option<Sweep>)>,
    options: &ReportOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: Option<&AtomicBool>,
) -> Result<Report> {
    let start = Instant::now();
    let run = run_options(options, options.reps);
    let mut done = 0u64;
    let mut scenarios = Vec::with_capacity(loaded.len());
    for (file, (study, sweep)) in files.iter().zip(loaded) {
        // The scenario and its global null on the same replicate streams, in one pool.
        let null = study.global_null();
        let pair = [study, null];
        let base = done;
        let mut sims = simulate_all(&pair, &run, &|d| progress(base + d), cancel)?;
        let [study, null] = pair;
        check_complete(&sims)?;
        done += 2 * options.reps;
        let null_sim = sims.pop().expect("two simulations");
        let sim = sims.pop().expect("two simulations");
        let summary = study.summarise(options.seed, options.reps, &sim);
        let null_summary = null.summarise(options.seed, options.reps, &null_sim);
        let hazard_ratios = sim.outcomes.iter().map(|o| o.hr).collect();
        drop((sim, null_sim));

        let picture_reps = options.picture_reps.min(options.reps);
        let pictures =
            run.in_pool(|| super::pictures::pictures(&study, options.seed, picture_reps))?;
        done += picture_reps;
        progress(done);

        let sweep = match sweep {
            None => None,
            Some(sweep) => {
                let base = done;
                let sims = sweep.simulate(&run, &|d| progress(base + d), cancel)?;
                check_complete(&sims)?;
                done += sweep.studies.len() as u64 * options.reps;
                let elapsed = sims.first().map_or(0.0, |s| s.elapsed_s);
                let outcomes: Vec<_> = sims.into_iter().map(|s| s.outcomes).collect();
                Some(sweep.report(options.seed, options.reps, &outcomes, None, elapsed))
            }
        };
        let design = study
            .design(None, Method::Schoenfeld)
            .map_err(|e| e.to_string());
        let description = study.describe();
        scenarios.push(ScenarioReport {
            sha256: sha256_hex(file.text.as_bytes()),
            annotated: annotate(&file.text),
            file: file.clone(),
            summary,
            null_summary,
            hazard_ratios,
            design,
            description,
            pictures,
            sweep,
            study,
        });
    }
    Ok(Report {
        scenarios,
        options: options.clone(),
        threads: run.pool_threads(),
        version: env!("CARGO_PKG_VERSION"),
        commit: env!("ENRICHSIM_COMMIT"),
        elapsed_s: seconds_since(start),
    })
}

/// Err when a run was stopped before its replicates were done.
fn check_complete(sims: &[Simulation]) -> Result<()> {
    match sims.iter().find(|s| !s.complete()) {
        None => Ok(()),
        Some(s) => Err(Error::Interrupted {
            completed: s.outcomes.len() as u64,
            planned: s.replicates.count(),
            written: false,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_fips_examples() {
        // FIPS 180-4 / NIST CSRC example values.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
