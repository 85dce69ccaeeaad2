//! One function per command: each checks its flags, calls the library and writes the result.

use super::args::*;
use super::terminal::{Bar, emit_to, interrupt, interrupted, progress_bar, read_scenario};
use crate::error::{Error, Result};
use crate::output::report;
use crate::study::shard::{Job, ShardFile, Simulated};
use std::io::IsTerminal;

/// `enrichsim run`.
pub(super) fn run(args: RunArgs) -> Result<()> {
    let RunArgs {
        scenario,
        reps,
        seed,
        threads,
        quiet,
        shard,
        replicates,
        global_null,
        output,
    } = args;
    if global_null && shard.is_some() {
        return Err(Error::usage(
            "--global-null",
            "with --shard",
            "--global-null without --shard (shard files re-read the scenario as written)",
        ));
    }
    if let Some(path) = &replicates {
        report::check_replicates(path)?;
    }
    let sim = SimulationArgs {
        reps,
        seed,
        threads,
        quiet,
        shard,
    };
    let options = sim.options()?;
    let format = output.prepare(options.replicates.is_some())?;
    let text = read_scenario(&scenario.scenario)?;
    let file = scenario.scenario.display().to_string();
    let mut loaded = crate::Study::parse(&text, &file, &scenario.set)?;
    if global_null {
        loaded = loaded.global_null();
    }
    let count = options.replicates.map_or(reps, |r| r.count());
    let bar = Bar::new(quiet, count);
    let simulation = loaded.simulate(&options, &|done| bar.at(done, count), interrupt())?;
    bar.finish();
    if let Some(path) = &replicates {
        report::write_replicates(path, &loaded.design, &simulation.outcomes)?;
    }
    if options.replicates.is_some() {
        let shard = ShardFile::new(Simulated {
            job: Job::Run,
            scenario_file: &file,
            scenario_text: &text,
            set: &scenario.set,
            seed,
            strata: loaded.scenario.strata.len(),
            points: vec![(Vec::new(), &simulation)],
        });
        emit(&shard.to_json(), &output)?;
    } else {
        let summary = loaded.summarise(seed, reps, &simulation);
        emit(&report::render(&summary, format), &output)?;
    }
    interrupted(simulation.outcomes.len() as u64, count)
}

/// `enrichsim simulate-data`.
pub(super) fn simulate_data(args: SimulateDataArgs) -> Result<()> {
    let SimulateDataArgs {
        scenario,
        replicate,
        seed,
        look,
        blinded,
        cut,
        start,
        output,
    } = args;
    if !blinded && (cut.is_some() || start.is_some()) {
        let option = if cut.is_some() { "--cut" } else { "--start" };
        return Err(Error::usage(
            option,
            cut.map_or_else(|| start.clone().unwrap_or_default(), |c| c.to_string()),
            "together with --blinded",
        ));
    }
    let start = start
        .as_deref()
        .map(|s| {
            crate::stats::date::parse(s.trim())
                .map_err(|_| Error::usage("--start", s, crate::stats::date::DATE_ALLOWED))
        })
        .transpose()?;
    let study = crate::Study::load(&scenario.scenario, &scenario.set)?;
    let text = if blinded {
        crate::study::data::blinded_replicate_data(&study, seed, replicate, look, cut, start)?
    } else {
        crate::study::data::replicate_data(&study, seed, replicate, look)?
    };
    emit_to(&text, output.as_deref())
}

/// `enrichsim predict`.
pub(super) fn predict(args: PredictArgs) -> Result<()> {
    use crate::analysis::blinded::{BlindedColumns, TimeScale, read_blinded_csv};
    use crate::study::predict::{PredictOptions, Recruitment};
    let PredictArgs {
        scenario,
        data,
        entry,
        status,
        date,
        months,
        cut,
        start,
        hazard,
        recruitment,
        sims,
        seed,
        threads,
        events,
        sample_size,
        horizon,
        no_parameter_uncertainty,
        plot,
        output,
    } = args;
    let format = output.prepare(false)?;
    if let Some(path) = &plot {
        report::plot::check_path(path)?;
    }
    let options = PredictOptions {
        hazard: crate::analytic::prediction::HazardChoice::parse(&hazard)?,
        recruitment: Recruitment::parse(&recruitment)?,
        sims,
        seed,
        threads,
        events: events.as_deref().map(event_counts).transpose()?,
        sample_size,
        horizon,
        parameter_uncertainty: !no_parameter_uncertainty,
    };
    let study = crate::Study::load(&scenario.scenario, &scenario.set)?;
    let columns = BlindedColumns {
        entry,
        status,
        date,
    };
    let scale = if months {
        TimeScale::Months
    } else {
        TimeScale::Dates
    };
    let blinded = read_blinded_csv(&data, &columns, scale, cut.as_deref(), start.as_deref())?;
    let file = data.display().to_string();
    let prediction = crate::study::predict::predict(&study, &blinded, &file, &options)?;
    if let Some(path) = &plot {
        report::plot::plot_predict(&prediction, path)?;
    }
    emit(&report::render(&prediction, format), &output)
}

/// `enrichsim report`.
pub(super) fn report(args: ReportArgs) -> Result<()> {
    use crate::study::report::{self, ReportOptions, ScenarioFile};
    let ReportArgs {
        scenarios,
        set,
        vary,
        reps,
        picture_reps,
        seed,
        threads,
        quiet,
        output,
    } = args;
    let html = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if !html {
        return Err(Error::usage(
            "--output",
            output.display(),
            "a file name ending in .html",
        ));
    }
    crate::output::report::check_output(&output)?;
    let files = scenarios
        .iter()
        .map(|path| {
            Ok(ScenarioFile {
                path: path.display().to_string(),
                text: read_scenario(path)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let options = ReportOptions {
        reps,
        seed,
        threads,
        sets: set,
        vary,
        picture_reps,
        command: command_line(),
    };
    let loaded = report::load(&files, &options)?;
    if let Some((_, Some(sweep))) = loaded.first() {
        let first = &sweep.grid.vary[0];
        crate::output::report::plot::check_values(&first.key, &first.values).map_err(
            |e| match e {
                Error::Usage { value, allowed, .. } => Error::Usage {
                    option: "--vary".into(),
                    value,
                    allowed,
                },
                other => other,
            },
        )?;
    }
    let total = report::work(&loaded, &options);
    let bar = Bar::new(quiet, total);
    let built = report::build(
        &files,
        loaded,
        &options,
        &|done| bar.at(done, total),
        interrupt(),
    );
    bar.finish();
    crate::output::report::write_atomic(&output, &crate::output::report::render_report(&built?))
}

/// The command line as typed, each word quoted for a POSIX shell where needed, the program
/// named `enrichsim`.
fn command_line() -> String {
    let mut words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| crate::output::report::shell_word(&a.to_string_lossy()))
        .collect();
    words.insert(0, "enrichsim".into());
    words.join(" ")
}

/// `enrichsim compare`.
pub(super) fn compare(args: CompareArgs) -> Result<()> {
    let CompareArgs {
        scenarios,
        set,
        reps,
        seed,
        threads,
        quiet,
        output,
    } = args;
    let format = output.prepare(false)?;
    let studies = scenarios
        .iter()
        .map(|path| crate::Study::load(path, &set))
        .collect::<Result<Vec<_>>>()?;
    let options = crate::simulation::engine::RunOptions {
        reps,
        seed,
        threads,
        replicates: None,
    };
    let total = reps * studies.len() as u64;
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total));
    let comparison = crate::study::compare::compare(&studies, &options, &|design, done| {
        if let Some(bar) = &bar {
            bar.set_position(design as u64 * reps + done);
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    emit(&report::render_compare(&comparison, format), &output)
}

/// `enrichsim sweep`.
pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    let SweepArgs {
        scenario,
        vary,
        sim,
        target_power,
        plot,
        output,
    } = args;
    let options = sim.options()?;
    let sharded = options.replicates.is_some();
    let format = output.prepare(sharded)?;
    let text = read_scenario(&scenario.scenario)?;
    let file = scenario.scenario.display().to_string();
    let sweep = crate::study::sweep::Sweep::new(&text, &file, &scenario.set, &vary)?;
    if let Some(path) = &plot {
        if sharded {
            return Err(Error::usage(
                "--plot",
                path.display(),
                "no --plot with --shard (plot the merged result: enrichsim merge ... --plot FILE)",
            ));
        }
        report::plot::check_path(path)?;
        report::plot::check_values(&sweep.grid.vary[0].key, &sweep.grid.vary[0].values)?;
    }
    if let Some(t) = target_power
        && !(t > 0.0 && t < 1.0)
    {
        return Err(Error::usage("--target-power", t, "a power in (0, 1)"));
    }
    options.check()?;
    let count = options.replicates.map_or(sim.reps, |r| r.count());
    let total = count * sweep.studies.len() as u64;
    let bar = Bar::new(sim.quiet, total);
    let simulations = sweep.simulate(&options, &|done| bar.at(done, total), interrupt())?;
    bar.finish();
    let completed = simulations.first().map_or(0, |s| s.outcomes.len() as u64);
    if sharded {
        let shard = ShardFile::new(Simulated {
            job: Job::Sweep {
                vary: vary.clone(),
                target_power,
            },
            scenario_file: &file,
            scenario_text: &text,
            set: &scenario.set,
            seed: sim.seed,
            strata: sweep.studies[0].scenario.strata.len(),
            points: simulations
                .iter()
                .enumerate()
                .map(|(i, s)| (sweep.grid.assignments(i), s))
                .collect(),
        });
        emit_to(&shard.to_json(), output.output.as_deref())?;
    } else {
        let elapsed = simulations.first().map_or(0.0, |s| s.elapsed_s);
        let outcomes: Vec<_> = simulations.into_iter().map(|s| s.outcomes).collect();
        let table = sweep.report(sim.seed, sim.reps, &outcomes, target_power, elapsed);
        emit_to(
            &report::render_table(&table, format),
            output.output.as_deref(),
        )?;
        if let Some(path) = &plot {
            report::plot::plot(&table, path)?;
        }
    }
    interrupted(completed, count)
}

/// `enrichsim size`.
pub(super) fn size(args: SizeArgs) -> Result<()> {
    let SizeArgs {
        scenario,
        target_power,
        key,
        sim,
        output,
    } = args;
    let options = sim.options()?;
    let sharded = options.replicates.is_some();
    let format = output.prepare(sharded)?;
    let text = read_scenario(&scenario.scenario)?;
    let file = scenario.scenario.display().to_string();
    let search = crate::study::search::Search::new(
        &text,
        &file,
        &scenario.set,
        key.as_deref(),
        target_power,
    )?;
    options.check()?;
    let count = options.replicates.map_or(sim.reps, |r| r.count());
    let bar = Bar::new(sim.quiet, 0);
    let start = std::time::Instant::now();
    let Some(plan) = search.plan(&options, &|done, total| bar.at(done, total), interrupt())? else {
        bar.finish();
        return Err(Error::Interrupted {
            completed: 0,
            planned: count,
            written: false,
        });
    };
    let offset = plan.pilot.len() as u64 * plan.pilot_reps;
    let total = offset + count * plan.grid.len() as u64;
    let simulations = search.simulate(
        &plan,
        &options,
        &|done| bar.at(offset + done, total),
        interrupt(),
    )?;
    bar.finish();
    let completed = simulations.first().map_or(0, |s| s.outcomes.len() as u64);
    if sharded {
        let shard = ShardFile::new(Simulated {
            job: Job::Size {
                key: search.key,
                target_power,
                plan: plan.clone(),
            },
            scenario_file: &file,
            scenario_text: &text,
            set: &scenario.set,
            seed: sim.seed,
            strata: search.base.scenario.strata.len(),
            points: plan
                .grid
                .iter()
                .zip(&simulations)
                .map(|(v, s)| (vec![format!("{}={v}", search.key.path())], s))
                .collect(),
        });
        emit_to(&shard.to_json(), output.output.as_deref())?;
    } else {
        let outcomes: Vec<_> = simulations.into_iter().map(|s| s.outcomes).collect();
        let elapsed = crate::study::seconds_since(start);
        let result = search.report(&plan, sim.seed, sim.reps, &outcomes, elapsed)?;
        emit_to(&report::render(&result, format), output.output.as_deref())?;
    }
    interrupted(completed, count)
}

/// `enrichsim merge`.
pub(super) fn merge(args: MergeArgs) -> Result<()> {
    let MergeArgs {
        files,
        plot,
        output,
    } = args;
    let format = output.prepare(false)?;
    if let Some(path) = &plot {
        report::plot::check_path(path)?;
    }
    let merged = crate::study::shard::merge(&files)?;
    let text = match &merged {
        crate::study::shard::Merged::Run(summary) => report::render(summary.as_ref(), format),
        crate::study::shard::Merged::Sweep(table) => report::render_table(table.as_ref(), format),
        crate::study::shard::Merged::Size(result) => report::render(result.as_ref(), format),
    };
    match (&plot, &merged) {
        (None, _) => {}
        (Some(path), crate::study::shard::Merged::Sweep(table)) => {
            report::plot::plot(table, path)?;
        }
        (Some(path), _) => {
            return Err(Error::usage(
                "--plot",
                path.display(),
                "no --plot: these shards are not of a sweep",
            ));
        }
    }
    emit_to(&text, output.output.as_deref())
}

/// `enrichsim validate`.
pub(super) fn validate(args: ValidateArgs) -> Result<()> {
    let ValidateArgs { scenario, output } = args;
    let format = output.prepare(false)?;
    let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
    emit(&report::render(&loaded.describe(), format), &output)
}

/// `enrichsim design`.
pub(super) fn design(args: DesignArgs) -> Result<()> {
    let DesignArgs {
        scenario,
        power,
        method,
        solve,
        at_hr,
        plot,
        output,
    } = args;
    let format = output.prepare(false)?;
    let method = crate::analytic::Method::parse(&method)?;
    let solve = crate::analytic::Solve::parse(&solve)?;
    if solve != crate::analytic::Solve::Subjects && at_hr.is_some() {
        return Err(Error::usage(
            "--solve",
            format!("{solve:?}").to_ascii_lowercase(),
            "subjects (the default) with --at-hr, which evaluates the scenario's own design",
        ));
    }
    let hazard_ratios = at_hr.as_deref().map(hazard_ratios).transpose()?;
    if let Some(path) = &plot {
        if hazard_ratios.is_none() {
            return Err(Error::usage(
                "--plot",
                path.display(),
                "--plot together with --at-hr (it draws power against the hazard ratio)",
            ));
        }
        report::plot::check_path(path)?;
    }
    let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
    if let Some(hrs) = hazard_ratios {
        let analysis = loaded.at_hr(&hrs, method, None)?;
        if let Some(path) = &plot {
            report::plot::plot_at_hr(&analysis, path)?;
        }
        return emit(&report::render_table(&analysis, format), &output);
    }
    let analysis = loaded.design_solving(power, method, solve)?;
    emit(&report::render(&analysis, format), &output)
}

/// `enrichsim boundaries`.
pub(super) fn boundaries(args: BoundariesArgs) -> Result<()> {
    let BoundariesArgs { design, output } = args;
    let format = output.prepare(false)?;
    let options = crate::design::sequential::BoundaryOptions {
        looks: design.looks,
        timing: design.timing,
        spending: design.spending,
        gamma: design.gamma,
        rho: design.rho,
        delta: design.delta,
        alpha: design.alpha,
        power: design.power,
        futility: design.futility,
        binding: design.binding,
        events: design.events,
        allocation: design.allocation,
        user_alpha: design.user_alpha,
        user_beta: design.user_beta,
        hp_bound: design.hp_bound,
        optimize: design.optimize,
        sided: design.sided,
        beta_adjustment: design.beta_adjustment,
        lower_spending: design.lower_spending,
        lower_alpha: design.lower_alpha,
        delta_pt1: design.delta_pt1,
        delta_pt0: design.delta_pt0,
    };
    let result = crate::design::sequential::boundaries_report(&options)?;
    emit(&report::render_boundaries(&result, format), &output)
}

/// `enrichsim analyze`.
pub(super) fn analyze(args: AnalyzeArgs) -> Result<()> {
    let AnalyzeArgs {
        data,
        time,
        event,
        arm,
        strata,
        ties,
        test,
        no_timefix,
        id,
        visit_time,
        score,
        output,
    } = args;
    let format = output.prepare(false)?;
    let test = match &test {
        None => None,
        Some(name) => {
            let t = crate::analysis::Test::parse_option("--test", name)?;
            if t.stratified && strata.is_none() {
                return Err(Error::usage(
                    "--test",
                    name,
                    "a stratified_ test together with --strata COL (or the unstratified name)",
                ));
            }
            Some(t)
        }
    };
    let ties = match ties.to_ascii_lowercase().as_str() {
        "efron" => crate::analysis::Ties::Efron,
        "breslow" => crate::analysis::Ties::Breslow,
        _ => return Err(Error::usage("--ties", ties, "efron or breslow")),
    };
    let stratified = strata.is_some();
    let columns = crate::analysis::dataset::Columns {
        time,
        event,
        arm,
        strata,
    };
    let dataset = match (id, visit_time, score) {
        (None, None, None) => crate::analysis::dataset::read_csv(&data, &columns)?,
        (Some(id), Some(visit_time), Some(score)) => {
            let visits = crate::analysis::dataset::VisitColumns {
                id,
                visit_time,
                score,
            };
            crate::analysis::dataset::read_long_csv(&data, &columns, &visits)?
        }
        (id, visit_time, _) => {
            let (option, given) = if id.is_none() {
                ("--id", "--visit-time or --score")
            } else if visit_time.is_none() {
                ("--visit-time", "--id or --score")
            } else {
                ("--score", "--id or --visit-time")
            };
            return Err(Error::usage(
                option,
                "(missing)",
                format!(
                    "long-format data need --id, --visit-time and --score together ({given} was given)"
                ),
            ));
        }
    };
    let options = crate::analysis::AnalyzeOptions {
        stratified,
        ties,
        timefix: !no_timefix,
        test,
    };
    let result = crate::analysis::analyze_data(&dataset, &options)?;
    emit(&report::render(&result, format), &output)
}

/// `enrichsim monitor`.
pub(super) fn monitor(args: MonitorArgs) -> Result<()> {
    let MonitorArgs {
        scenario,
        data,
        look,
        time,
        event,
        arm,
        strata,
        previous,
        planned_hr,
        prior,
        no_timefix,
        output,
    } = args;
    let format = output.prepare(false)?;
    use crate::study::monitor::{MonitorOptions, PreviousLook, parse_prior};
    let previous = match previous.as_deref() {
        None => Vec::new(),
        Some(text) => PreviousLook::parse_list(text)?,
    };
    let prior = prior.as_deref().map(parse_prior).transpose()?;
    let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
    let stratified = strata.is_some();
    let columns = crate::analysis::dataset::Columns {
        time,
        event,
        arm,
        strata,
    };
    let dataset = crate::analysis::dataset::read_csv(&data, &columns)?;
    let options = MonitorOptions {
        look,
        previous,
        stratified,
        timefix: !no_timefix,
        planned_hr,
        prior,
    };
    let result = crate::study::monitor::monitor(&loaded, &dataset, &options)?;
    emit(&report::render_monitor(&result, format), &output)
}

/// Writes a rendered report to the output file (atomically) or standard output.
fn emit(text: &str, output: &OutputArgs) -> Result<()> {
    emit_to(text, output.output.as_deref())
}
