//! The Rust part of the R package enrichsim: thin extendr glue over the `enrichsim` library.
//!
//! Every entry point makes the same library calls as the matching CLI command
//! (src/output/cli/commands.rs) and returns the same JSON the CLI writes with `--format json`
//! (the library's own renderers, serde_json with `float_roundtrip`, so every double is exact).
//! R parses it with jsonlite. No number is computed here.
//!
//! Errors never unwind or long-jump through Rust frames: each function returns a character
//! vector `c(status, payload)`, status `"ok"` (payload: the JSON) or `"error"` (payload: the
//! library's one-line message), and the R side raises the error.
//!
//! Simulations run on a worker thread (which never touches R); the R main thread polls every
//! 50 ms for a user interrupt (Esc / Ctrl-C) through `R_ToplevelExec`, so that
//! `R_CheckUserInterrupt`'s long jump stops there, raises the engine's cancel flag on one, and
//! prints the progress with `REprintf` when asked to.

use enrichsim::Error;
use enrichsim::output::report::{self, Format};
use enrichsim::simulation::engine::RunOptions;
use extendr_api::prelude::*;
use std::ffi::{CString, c_void};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

unsafe extern "C" {
    fn R_ToplevelExec(fun: extern "C" fn(*mut c_void), data: *mut c_void) -> i32;
    fn R_CheckUserInterrupt();
    fn REprintf(format: *const std::ffi::c_char, ...);
}

extern "C" fn check_interrupt(_: *mut c_void) {
    unsafe { R_CheckUserInterrupt() }
}

/// True when the user asked R to interrupt (R's pending interrupt is consumed). Main thread only.
fn interrupt_pending() -> bool {
    // FALSE (0) when R_CheckUserInterrupt jumped out, i.e. an interrupt was pending.
    unsafe { R_ToplevelExec(check_interrupt, std::ptr::null_mut()) == 0 }
}

/// Writes `text` to R's console (standard error stream). Main thread only.
fn console(text: &str) {
    if let Ok(c) = CString::new(text) {
        unsafe { REprintf(c"%s".as_ptr(), c.as_ptr()) }
    }
}

/// The result handed to R: `c("ok", json)` or `c("error", message)`.
fn answer(result: enrichsim::Result<String>) -> Vec<String> {
    match result {
        Ok(json) => vec!["ok".into(), json],
        Err(e) => vec!["error".into(), e.to_string()],
    }
}

/// Progress shared between the worker and the main thread.
struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    fn at(&self, done: u64, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }
}

/// Runs `work` on a worker thread while the R main thread polls for interrupts and, when
/// `verbose`, prints "done/total replicates" to the console. On an interrupt the cancel flag is
/// raised, the worker finishes the replicates under way, and the result is the error
/// `interrupted`.
fn supervised<T: Send>(
    verbose: bool,
    work: impl FnOnce(&Progress, &AtomicBool) -> enrichsim::Result<T> + Send,
) -> enrichsim::Result<T> {
    let progress = Progress {
        done: AtomicU64::new(0),
        total: AtomicU64::new(0),
    };
    let cancel = AtomicBool::new(false);
    let (result, stopped) = std::thread::scope(|scope| {
        let worker = scope.spawn(|| work(&progress, &cancel));
        let mut stopped = false;
        let mut shown = (u64::MAX, u64::MAX);
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(50));
            if !stopped && interrupt_pending() {
                stopped = true;
                cancel.store(true, Ordering::SeqCst);
                if verbose {
                    console("\nenrichsim: interrupted, stopping ...\n");
                }
            }
            let now = (
                progress.done.load(Ordering::Relaxed),
                progress.total.load(Ordering::Relaxed),
            );
            if verbose && !stopped && now != shown && now.1 > 0 {
                console(&format!("\renrichsim: {} / {} replicates", now.0, now.1));
                shown = now;
            }
        }
        let result = match worker.join() {
            Ok(r) => r,
            Err(_) => Err(Error::usage(
                "(internal)",
                "a panic in the simulation",
                "no panic: please report this as a bug",
            )),
        };
        (result, stopped)
    });
    if verbose && shown_any(&progress) {
        console("\n");
    }
    if stopped {
        return Err(Error::Interrupted {
            completed: progress.done.load(Ordering::Relaxed),
            planned: progress.total.load(Ordering::Relaxed),
            written: false,
        });
    }
    result
}

fn shown_any(progress: &Progress) -> bool {
    progress.total.load(Ordering::Relaxed) > 0
}

/// The engine's options, as `SimulationArgs::options` makes them (no shard). `seed` is the
/// decimal text of a `u64`; `threads` 0 means all cores.
fn run_options(reps: f64, seed: &str, threads: i32) -> enrichsim::Result<RunOptions> {
    if !(reps.fract() == 0.0 && (1.0..=1e9).contains(&reps)) {
        return Err(Error::usage(
            "reps",
            reps,
            "a whole number in 1..=1000000000",
        ));
    }
    let seed = seed
        .trim()
        .parse::<u64>()
        .map_err(|_| Error::usage("seed", seed, "a whole number in 0..=18446744073709551615"))?;
    let max = enrichsim::simulation::engine::MAX_THREADS as i32;
    if !(0..=max).contains(&threads) {
        return Err(Error::usage(
            "threads",
            threads,
            format!("NULL (all cores) or a whole number in 1..={max}"),
        ));
    }
    Ok(RunOptions {
        reps: reps as u64,
        seed,
        threads: (threads > 0).then_some(threads as usize),
        replicates: None,
    })
}

fn option_f64(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

fn option_str(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn option_vec(v: Vec<f64>) -> Option<Vec<f64>> {
    (!v.is_empty()).then_some(v)
}

/// Parses, checks and resolves a scenario as every command does first (no closed forms):
/// `{"scenario": name}`.
#[extendr]
fn es_rs_check(text: &str, file: &str, set: Vec<String>) -> Vec<String> {
    answer(
        enrichsim::Study::parse(text, file, &set)
            .map(|study| serde_json::json!({ "scenario": study.scenario.name }).to_string()),
    )
}

/// `enrichsim validate`: the resolved model in closed form.
#[extendr]
fn es_rs_validate(text: &str, file: &str, set: Vec<String>) -> Vec<String> {
    answer((|| {
        let study = enrichsim::Study::parse(text, file, &set)?;
        Ok(report::render(&study.describe(), Format::Json))
    })())
}

/// `enrichsim run` (optionally `--global-null`).
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_run(
    text: &str,
    file: &str,
    set: Vec<String>,
    reps: f64,
    seed: &str,
    threads: i32,
    global_null: bool,
    verbose: bool,
) -> Vec<String> {
    answer((|| {
        let options = run_options(reps, seed, threads)?;
        let mut study = enrichsim::Study::parse(text, file, &set)?;
        if global_null {
            study = study.global_null();
        }
        let count = options.reps;
        let simulation = supervised(verbose, |progress, cancel| {
            study.simulate(&options, &|done| progress.at(done, count), Some(cancel))
        })?;
        let summary = study.summarise(options.seed, options.reps, &simulation);
        Ok(report::render(&summary, Format::Json))
    })())
}

/// `enrichsim design` (`--power`, `--method`, `--solve`, `--at-hr`).
#[extendr]
fn es_rs_design(
    text: &str,
    file: &str,
    set: Vec<String>,
    power: f64,
    method: &str,
    solve: &str,
    at_hr: Vec<f64>,
) -> Vec<String> {
    answer((|| {
        let method = enrichsim::analytic::Method::parse(method)?;
        let solve = enrichsim::analytic::Solve::parse(solve)?;
        if solve != enrichsim::analytic::Solve::Subjects && !at_hr.is_empty() {
            return Err(Error::usage(
                "solve",
                format!("{solve:?}").to_ascii_lowercase(),
                "\"subjects\" (the default) with at_hr, which evaluates the scenario's own design",
            ));
        }
        if let Some(h) = at_hr.iter().find(|h| !(h.is_finite() && **h > 0.0)) {
            return Err(Error::usage("at_hr", h, "hazard ratios > 0"));
        }
        let study = enrichsim::Study::parse(text, file, &set)?;
        if !at_hr.is_empty() {
            let analysis = study.at_hr(&at_hr, method, None)?;
            return Ok(report::render_table(&analysis, Format::Json));
        }
        let analysis = study.design_solving(option_f64(power), method, solve)?;
        Ok(report::render(&analysis, Format::Json))
    })())
}

/// `enrichsim boundaries`: every option of `BoundaryOptions`; NaN, "" and empty vectors stand
/// for an option not given.
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_boundaries(
    looks: i32,
    spending: &str,
    gamma: f64,
    rho: f64,
    delta: f64,
    delta_pt1: f64,
    delta_pt0: f64,
    user_alpha: Vec<f64>,
    user_beta: Vec<f64>,
    hp_bound: f64,
    optimize: &str,
    timing: Vec<f64>,
    alpha: f64,
    sided: i32,
    power: f64,
    futility: &str,
    binding: bool,
    beta_adjustment: &str,
    lower_spending: &str,
    lower_alpha: f64,
    events: f64,
    allocation: f64,
) -> Vec<String> {
    answer((|| {
        let beta_adjustment = match beta_adjustment {
            "" => None,
            "true" => Some(true),
            "false" => Some(false),
            other => return Err(Error::usage("beta_adjustment", other, "TRUE or FALSE")),
        };
        let options = enrichsim::design::sequential::BoundaryOptions {
            looks: looks as usize,
            timing: option_vec(timing),
            spending: spending.to_string(),
            gamma: option_f64(gamma),
            rho: option_f64(rho),
            delta: option_f64(delta),
            alpha,
            power: option_f64(power),
            futility: option_str(futility),
            binding,
            events: option_f64(events),
            allocation,
            user_alpha: option_vec(user_alpha),
            user_beta: option_vec(user_beta),
            hp_bound: option_f64(hp_bound),
            optimize: option_str(optimize),
            sided: sided as u8,
            beta_adjustment,
            lower_spending: option_str(lower_spending),
            lower_alpha: option_f64(lower_alpha),
            delta_pt1: option_f64(delta_pt1),
            delta_pt0: option_f64(delta_pt0),
        };
        let result = enrichsim::design::sequential::boundaries_report(&options)?;
        Ok(report::render_boundaries(&result, Format::Json))
    })())
}

/// `enrichsim sweep --vary ...` (one table, one row per grid point).
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_sweep(
    text: &str,
    file: &str,
    set: Vec<String>,
    vary: Vec<String>,
    reps: f64,
    seed: &str,
    threads: i32,
    target_power: f64,
    verbose: bool,
) -> Vec<String> {
    answer((|| {
        let options = run_options(reps, seed, threads)?;
        let sweep = enrichsim::study::sweep::Sweep::new(text, file, &set, &vary)?;
        let target_power = option_f64(target_power);
        if let Some(t) = target_power
            && !(t > 0.0 && t < 1.0)
        {
            return Err(Error::usage("target_power", t, "a power in (0, 1)"));
        }
        options.check()?;
        let total = options.reps * sweep.studies.len() as u64;
        let simulations = supervised(verbose, |progress, cancel| {
            sweep.simulate(&options, &|done| progress.at(done, total), Some(cancel))
        })?;
        let elapsed = simulations.first().map_or(0.0, |s| s.elapsed_s);
        let outcomes: Vec<_> = simulations.into_iter().map(|s| s.outcomes).collect();
        let table = sweep.report(options.seed, options.reps, &outcomes, target_power, elapsed);
        Ok(report::render_table(&table, Format::Json))
    })())
}

/// `enrichsim size --target-power P [--key K]`.
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_size(
    text: &str,
    file: &str,
    set: Vec<String>,
    target_power: f64,
    key: &str,
    reps: f64,
    seed: &str,
    threads: i32,
    verbose: bool,
) -> Vec<String> {
    answer((|| {
        let options = run_options(reps, seed, threads)?;
        let key = option_str(key);
        let search =
            enrichsim::study::search::Search::new(text, file, &set, key.as_deref(), target_power)?;
        options.check()?;
        let start = std::time::Instant::now();
        let (plan, simulations) = supervised(verbose, |progress, cancel| {
            let Some(plan) = search.plan(
                &options,
                &|done, total| progress.at(done, total),
                Some(cancel),
            )?
            else {
                return Err(Error::Interrupted {
                    completed: 0,
                    planned: options.reps,
                    written: false,
                });
            };
            let offset = plan.pilot.len() as u64 * plan.pilot_reps;
            let total = offset + options.reps * plan.grid.len() as u64;
            let simulations = search.simulate(
                &plan,
                &options,
                &|done| progress.at(offset + done, total),
                Some(cancel),
            )?;
            Ok((plan, simulations))
        })?;
        let outcomes: Vec<_> = simulations.into_iter().map(|s| s.outcomes).collect();
        let elapsed = enrichsim::study::seconds_since(start);
        let result = search.report(&plan, options.seed, options.reps, &outcomes, elapsed)?;
        Ok(report::render(&result, Format::Json))
    })())
}

/// `enrichsim compare A B ...`: `texts[i]` is the scenario read from `files[i]`.
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_compare(
    texts: Vec<String>,
    files: Vec<String>,
    set: Vec<String>,
    reps: f64,
    seed: &str,
    threads: i32,
    verbose: bool,
) -> Vec<String> {
    answer((|| {
        let options = run_options(reps, seed, threads)?;
        let studies = texts
            .iter()
            .zip(&files)
            .map(|(text, file)| enrichsim::Study::parse(text, file, &set))
            .collect::<enrichsim::Result<Vec<_>>>()?;
        let reps = options.reps;
        let total = reps * studies.len() as u64;
        let comparison = supervised(verbose, |progress, cancel| {
            enrichsim::study::compare::compare_with_cancel(
                &studies,
                &options,
                &|design, done| progress.at(design as u64 * reps + done, total),
                Some(cancel),
            )
        })?;
        Ok(report::render_compare(&comparison, Format::Json))
    })())
}

/// The survival data handed over from a data frame (`event` and `treated` 0/1, `stratum`
/// 0-based indices into `strata_names`, empty without strata) as the library's data set, after
/// the checks the R side cannot make.
fn dataset_of(
    time: Vec<f64>,
    event: Vec<i32>,
    treated: Vec<i32>,
    stratum: Vec<i32>,
    strata_names: Vec<String>,
) -> std::result::Result<enrichsim::analysis::dataset::Dataset, Error> {
    let stratified = !strata_names.is_empty();
    let n = time.len();
    let stratum = if stratified { stratum } else { vec![0; n] };
    if event.len() != n || treated.len() != n || stratum.len() != n {
        return Err(Error::usage(
            "data",
            "columns of different lengths",
            "columns of one data frame",
        ));
    }
    let max = enrichsim::analysis::MAX_STRATA as usize;
    if strata_names.len() > max {
        return Err(Error::usage(
            "strata",
            format!("{} strata", strata_names.len()),
            format!("at most {max} strata"),
        ));
    }
    if stratum
        .iter()
        .any(|&s| s < 0 || s as usize >= strata_names.len().max(1))
    {
        return Err(Error::usage(
            "strata",
            "stratum indices out of range",
            "0-based indices into the strata labels",
        ));
    }
    Ok(enrichsim::analysis::dataset::Dataset {
        time,
        event: event.iter().map(|&e| e == 1).collect(),
        treated: treated.iter().map(|&t| t == 1).collect(),
        stratum: stratum.iter().map(|&s| s as u32).collect(),
        strata_names,
        visits: None,
    })
}

/// `enrichsim analyze` on columns handed over from a data frame: `event` and `treated` 0/1,
/// `stratum` 0-based indices into `strata_names` (empty without strata). `test` "" for none.
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_analyze(
    time: Vec<f64>,
    event: Vec<i32>,
    treated: Vec<i32>,
    stratum: Vec<i32>,
    strata_names: Vec<String>,
    ties: &str,
    test: &str,
    timefix: bool,
) -> Vec<String> {
    answer((|| {
        let stratified = !strata_names.is_empty();
        let test = match test {
            "" => None,
            name => {
                let t = enrichsim::analysis::Test::parse_option("test", name)?;
                if t.stratified && !stratified {
                    return Err(Error::usage(
                        "test",
                        name,
                        "a stratified_ test together with strata (or the unstratified name)",
                    ));
                }
                Some(t)
            }
        };
        let ties = match ties.to_ascii_lowercase().as_str() {
            "efron" => enrichsim::analysis::Ties::Efron,
            "breslow" => enrichsim::analysis::Ties::Breslow,
            _ => return Err(Error::usage("ties", ties, "\"efron\" or \"breslow\"")),
        };
        let dataset = dataset_of(time, event, treated, stratum, strata_names)?;
        let options = enrichsim::analysis::AnalyzeOptions {
            stratified,
            ties,
            timefix,
            test,
        };
        let result = enrichsim::analysis::analyze_data(&dataset, &options)?;
        Ok(report::render(&result, Format::Json))
    })())
}

/// `enrichsim monitor` on columns handed over from a data frame (as [`es_rs_analyze`]): the
/// scenario `text` read from `file` with `set`, the current `look`, the earlier looks
/// `previous` (`--previous`'s text, "" for none), `planned_hr` (NaN: the scenario's) and
/// `prior` (`--prior`'s text, "" for the default).
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_monitor(
    text: &str,
    file: &str,
    set: Vec<String>,
    look: i32,
    previous: &str,
    planned_hr: f64,
    prior: &str,
    time: Vec<f64>,
    event: Vec<i32>,
    treated: Vec<i32>,
    stratum: Vec<i32>,
    strata_names: Vec<String>,
    timefix: bool,
) -> Vec<String> {
    answer((|| {
        use enrichsim::study::monitor::{MonitorOptions, PreviousLook, parse_prior};
        let previous = match previous {
            "" => Vec::new(),
            text => PreviousLook::parse_list(text)?,
        };
        let prior = match prior {
            "" => None,
            text => Some(parse_prior(text)?),
        };
        if look < 1 {
            return Err(Error::usage(
                "--look",
                look,
                "a look of the design, 1 or more",
            ));
        }
        let study = enrichsim::Study::parse(text, file, &set)?;
        let stratified = !strata_names.is_empty();
        let dataset = dataset_of(time, event, treated, stratum, strata_names)?;
        let options = MonitorOptions {
            look: look as usize,
            previous,
            stratified,
            timefix,
            planned_hr: (!planned_hr.is_nan()).then_some(planned_hr),
            prior,
        };
        let result = enrichsim::study::monitor::monitor(&study, &dataset, &options)?;
        Ok(report::render_monitor(&result, Format::Json))
    })())
}

/// `enrichsim predict` on a CSV file of blinded data (`path`, written by the R side from a
/// data frame with every number to 17 significant digits, or the user's own file), named
/// `label` in the result: the CLI's own reader checks it (dates, statuses, the cut) and names
/// the line at fault. `cut`, `start` "" for the defaults; `events` empty for the scenario's
/// looks; `sample_size` 0 for the scenario's; `horizon` NaN for none.
#[extendr]
#[allow(clippy::too_many_arguments)]
fn es_rs_predict(
    text: &str,
    file: &str,
    set: Vec<String>,
    path: &str,
    label: &str,
    entry: &str,
    status: &str,
    date: &str,
    months: bool,
    cut: &str,
    start: &str,
    hazard: &str,
    recruitment: &str,
    sims: f64,
    seed: &str,
    threads: i32,
    events: Vec<i32>,
    sample_size: i32,
    horizon: f64,
    parameter_uncertainty: bool,
) -> Vec<String> {
    answer((|| {
        use enrichsim::analysis::blinded::{BlindedColumns, TimeScale, read_blinded_csv};
        use enrichsim::study::predict::{PredictOptions, Recruitment};
        // (seed and threads read as for a run; predict() checks the number of simulations
        // and the death counts)
        let run = run_options(1.0, seed, threads)?;
        if !(sims.fract() == 0.0 && sims >= 1.0 && sims <= u64::MAX as f64) {
            return Err(Error::usage(
                "sims",
                sims,
                "a whole number of simulations, 1 or more",
            ));
        }
        let options = PredictOptions {
            hazard: enrichsim::analytic::prediction::HazardChoice::parse(hazard)?,
            recruitment: Recruitment::parse(recruitment)?,
            sims: sims as u64,
            seed: run.seed,
            threads: run.threads,
            events: (!events.is_empty()).then(|| events.iter().map(|&n| n as u32).collect()),
            sample_size: (sample_size > 0).then_some(sample_size as u32),
            horizon: option_f64(horizon),
            parameter_uncertainty,
        };
        let study = enrichsim::Study::parse(text, file, &set)?;
        let columns = BlindedColumns {
            entry: entry.to_string(),
            status: status.to_string(),
            date: date.to_string(),
        };
        let scale = if months {
            TimeScale::Months
        } else {
            TimeScale::Dates
        };
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let blinded = read_blinded_csv(
            std::path::Path::new(path),
            &columns,
            scale,
            opt(cut).as_deref(),
            opt(start).as_deref(),
        )
        .map_err(|e| relabel(e, path, label))?;
        let prediction = enrichsim::study::predict::predict(&study, &blinded, label, &options)?;
        Ok(report::render(&prediction, Format::Json))
    })())
}

/// An error about the file `path` told as about `label` (the data frame's name).
fn relabel(e: Error, path: &str, label: &str) -> Error {
    match e {
        Error::Data {
            file,
            line,
            message,
        } if file == path => Error::Data {
            file: label.to_string(),
            line,
            message,
        },
        Error::DataFile { file, message } if file == path => Error::DataFile {
            file: label.to_string(),
            message,
        },
        e => e,
    }
}

extendr_module! {
    mod enrichsim;
    fn es_rs_check;
    fn es_rs_validate;
    fn es_rs_run;
    fn es_rs_design;
    fn es_rs_boundaries;
    fn es_rs_sweep;
    fn es_rs_size;
    fn es_rs_compare;
    fn es_rs_analyze;
    fn es_rs_monitor;
    fn es_rs_predict;
}
