//! The command line: clap definitions and the calls into the library. No statistics here.

use crate::engine::RunOptions;
use crate::error::{Error, Result};
use crate::report::{self, Format};
use crate::shard::{Job, ShardFile, Simulated};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Monte Carlo simulation of Phase 3 survival trials with biomarker enrichment.
#[derive(Parser, Debug)]
#[command(name = "enrichsim", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by commands that read a scenario.
#[derive(Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Override one scenario value: KEY.PATH=VALUE (TOML syntax), repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// Options for where and how a report is written.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format: text, json, csv or markdown.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario: power, events, sample size, screening, duration.
    Run {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Number of replicates.
        #[arg(long, default_value_t = 10_000)]
        reps: u64,
        /// Master seed: the same seed gives the same bytes of output.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (default: all cores). The result does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// No progress bar.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Simulate only shard I of N (replicates r with r mod N == I) and write a shard file
        /// for `enrichsim merge`.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Several designs side by side on the same replicates (common random numbers): power per
    /// hypothesis and for at least one, selection, screened, randomised, deaths, duration.
    Compare {
        /// The scenario files (TOML), two or more.
        #[arg(required = true, num_args = 2..)]
        scenarios: Vec<PathBuf>,
        /// Override one value in every scenario: KEY.PATH=VALUE (TOML syntax), repeatable.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Number of replicates per design.
        #[arg(long, default_value_t = 10_000)]
        reps: u64,
        /// Master seed, the same for every design.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (default: all cores). The result does not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// No progress bar.
        #[arg(long, short = 'q')]
        quiet: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Power table over a grid of scenario values, on common random numbers.
    Sweep {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// A key and its values: KEY=V1,V2,... or KEY=START:STOP:STEP (repeatable: the grid is
        /// the Cartesian product).
        #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
        vary: Vec<String>,
        #[command(flatten)]
        sim: SimulationArgs,
        /// Target power: a dashed line on the plot.
        #[arg(long)]
        target_power: Option<f64>,
        /// Draw the power curves (against the first varied key) to FILE.svg or FILE.png.
        #[arg(long, value_name = "FILE")]
        plot: Option<PathBuf>,
        #[command(flatten)]
        output: ReportArgs,
    },
    /// Smallest sample size or event count reaching a target power, by simulation.
    Size {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// The power to reach.
        #[arg(long)]
        target_power: f64,
        /// The key to search: design.sample_size or design.analysis.events (default: the events
        /// of an event-driven analysis, otherwise the sample size).
        #[arg(long)]
        key: Option<String>,
        #[command(flatten)]
        sim: SimulationArgs,
        #[command(flatten)]
        output: ReportArgs,
    },
    /// Combine the shard files of a run, sweep or size search into the single run's result.
    Merge {
        /// The shard files (all N of one run, in any order).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// For a sweep: draw the power curves to FILE.svg or FILE.png.
        #[arg(long, value_name = "FILE")]
        plot: Option<PathBuf>,
        #[command(flatten)]
        output: ReportArgs,
    },
    /// Check a scenario and print the resolved model in closed form.
    Validate {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Closed-form design: events, subjects, analysis times, screening, and the power of the
    /// scenario as specified (Schoenfeld or Freedman, average hazard ratio, Lachin-Foulkes).
    Design {
        #[command(flatten)]
        scenario: ScenarioArgs,
        /// Target power (default: the scenario's design.sequential.power, else 0.9).
        #[arg(long, allow_hyphen_values = true)]
        power: Option<f64>,
        /// Required events by schoenfeld or freedman.
        #[arg(long, default_value = "schoenfeld")]
        method: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Group-sequential boundaries: z bounds, nominal p, alpha spent, inflation factor.
    Boundaries {
        #[command(flatten)]
        design: BoundaryArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Log-rank, Cox and Kaplan-Meier on real data from a CSV file.
    Analyze {
        /// The data file (CSV with a header line).
        data: PathBuf,
        /// Column of follow-up times.
        #[arg(long)]
        time: String,
        /// Column of event indicators (1 = event, 0 = censored).
        #[arg(long)]
        event: String,
        /// Column of arms (treatment/control or 1/0).
        #[arg(long)]
        arm: String,
        /// Column of strata: stratifies the log-rank and the Cox model.
        #[arg(long)]
        strata: Option<String>,
        /// Ties in the Cox model: efron or breslow.
        #[arg(long, default_value = "efron")]
        ties: String,
        /// A further test, reported with its z, one-sided p (and estimate with 95% CI): logrank,
        /// fh(rho,gamma), maxcombo, maxcombo(r1,g1;r2,g2;...), rmst(tau), milestone(t), or a
        /// stratified_ form (needs --strata).
        #[arg(long, value_name = "NAME")]
        test: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// How the commands that simulate run.
#[derive(Args, Debug, Clone)]
pub struct SimulationArgs {
    /// Replicates (per point).
    #[arg(long, default_value_t = 10_000)]
    pub reps: u64,
    /// Master seed: the same seed gives the same bytes of output, and the same replicate streams
    /// at every point.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Simulate only shard I of N (replicates r with r mod N == I) and write a shard file for
    /// `enrichsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// Where and how a table or search report is written.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Output format: text, json, csv or markdown (default: from the --output extension, CSV
    /// for other files; text on standard output).
    #[arg(long)]
    pub format: Option<String>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl ReportArgs {
    /// The format, and the output checked before any work. A shard file is always JSON: no
    /// --format with --shard.
    fn prepare(&self, shard: bool) -> Result<Format> {
        let format = match (&self.format, shard) {
            (Some(format), true) => return Err(shard_format(format)),
            (None, true) => Format::Json,
            _ => report::format_for(self.format.as_deref(), self.output.as_deref())?,
        };
        if let Some(path) = &self.output {
            report::check_output(path)?;
        }
        Ok(format)
    }
}

impl SimulationArgs {
    fn options(&self) -> Result<RunOptions> {
        Ok(RunOptions {
            reps: self.reps,
            seed: self.seed,
            threads: self.threads,
            replicates: self
                .shard
                .as_deref()
                .map(|s| crate::shard::parse(s, self.reps))
                .transpose()?,
        })
    }
}

/// Options of `enrichsim boundaries`.
#[derive(Args, Debug, Clone)]
pub struct BoundaryArgs {
    /// Number of looks K (interims plus the final analysis).
    #[arg(long, default_value_t = 3)]
    pub looks: usize,
    /// Design: asOF (ldobf), asP (ldpocock), asHSD/hsd:G, asKD/kd:RHO, OF (obf), P (pocock), WT/wt:DELTA.
    #[arg(long, default_value = "asOF")]
    pub spending: String,
    /// Hwang-Shih-DeCani gamma (with asHSD).
    #[arg(long, allow_hyphen_values = true)]
    pub gamma: Option<f64>,
    /// Kim-DeMets rho (with asKD).
    #[arg(long)]
    pub rho: Option<f64>,
    /// Wang-Tsiatis Delta (with WT).
    #[arg(long, allow_hyphen_values = true)]
    pub delta: Option<f64>,
    /// Information fractions t1,...,tK (default: equally spaced).
    #[arg(long, value_delimiter = ',')]
    pub timing: Option<Vec<f64>>,
    /// One-sided significance level.
    #[arg(long, default_value_t = 0.025)]
    pub alpha: f64,
    /// Target power: adds the drift, the inflation factor and exit probabilities under H1.
    #[arg(long)]
    pub power: Option<f64>,
    /// Futility: none, z:V1,..., hr:V1,... (needs --events), or a beta-spending name (asOF, hsd:G, ...).
    #[arg(long, allow_hyphen_values = true)]
    pub futility: Option<String>,
    /// Binding futility (efficacy bounds computed assuming the trial stops at them).
    #[arg(long)]
    pub binding: bool,
    /// Events at the final look: adds the hazard ratio at each bound.
    #[arg(long)]
    pub events: Option<f64>,
    /// Allocation ratio r (treatment : control = r : 1), for the hazard ratios.
    #[arg(long, default_value_t = 1.0)]
    pub allocation: f64,
}

/// Writes a rendered report to the output file (atomically) or standard output.
fn emit(text: &str, output: &OutputArgs) -> Result<()> {
    emit_to(text, output.output.as_deref())
}

/// Writes a rendered report to `path` (atomically) or, without one, standard output.
fn emit_to(text: &str, path: Option<&Path>) -> Result<()> {
    match path {
        Some(path) => report::write_atomic(path, text),
        None => {
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|_| stdout.flush())
                .map_err(|e| Error::io(Path::new("(standard output)"), e))
        }
    }
}

/// Parses `--format` and checks `--output` before any work, so a long run does not end in a
/// write error.
fn prepare(output: &OutputArgs) -> Result<Format> {
    let format = Format::parse(&output.format)?;
    if let Some(path) = &output.output {
        report::check_output(path)?;
    }
    Ok(format)
}

/// Runs the parsed command line.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            reps,
            seed,
            threads,
            quiet,
            shard,
            output,
        } => {
            let format = prepare(&output)?;
            let sim = SimulationArgs {
                reps,
                seed,
                threads,
                quiet,
                shard,
            };
            let options = sim.options()?;
            if options.replicates.is_some() && format != Format::Text {
                return Err(shard_format(&output.format));
            }
            let text = read_scenario(&scenario.scenario)?;
            let file = scenario.scenario.display().to_string();
            let loaded = crate::Study::parse(&text, &file, &scenario.set)?;
            let count = options.replicates.map_or(reps, |r| r.count());
            let bar = Bar::new(quiet, count);
            let simulation = loaded.simulate(&options, &|done| bar.at(done, count), interrupt())?;
            bar.finish();
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
        Command::Compare {
            scenarios,
            set,
            reps,
            seed,
            threads,
            quiet,
            output,
        } => {
            let format = prepare(&output)?;
            let studies = scenarios
                .iter()
                .map(|path| crate::Study::load(path, &set))
                .collect::<Result<Vec<_>>>()?;
            let options = crate::engine::RunOptions {
                reps,
                seed,
                threads,
                replicates: None,
            };
            let total = reps * studies.len() as u64;
            let bar = (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total));
            let comparison = crate::compare::compare(&studies, &options, &|design, done| {
                if let Some(bar) = &bar {
                    bar.set_position(design as u64 * reps + done);
                }
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            emit(&report::render_compare(&comparison, format), &output)
        }
        Command::Sweep {
            scenario,
            vary,
            sim,
            target_power,
            plot,
            output,
        } => {
            let options = sim.options()?;
            let sharded = options.replicates.is_some();
            let format = output.prepare(sharded)?;
            let text = read_scenario(&scenario.scenario)?;
            let file = scenario.scenario.display().to_string();
            let sweep = crate::sweep::Sweep::new(&text, &file, &scenario.set, &vary)?;
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
        Command::Size {
            scenario,
            target_power,
            key,
            sim,
            output,
        } => {
            let options = sim.options()?;
            let sharded = options.replicates.is_some();
            let format = output.prepare(sharded)?;
            let text = read_scenario(&scenario.scenario)?;
            let file = scenario.scenario.display().to_string();
            let search = crate::search::Search::new(
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
            let Some(plan) =
                search.plan(&options, &|done, total| bar.at(done, total), interrupt())?
            else {
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
        Command::Merge {
            files,
            plot,
            output,
        } => {
            let format = output.prepare(false)?;
            if let Some(path) = &plot {
                report::plot::check_path(path)?;
            }
            let merged = crate::shard::merge(&files)?;
            let text = match &merged {
                crate::shard::Merged::Run(summary) => report::render(summary.as_ref(), format),
                crate::shard::Merged::Sweep(table) => report::render_table(table.as_ref(), format),
                crate::shard::Merged::Size(result) => report::render(result.as_ref(), format),
            };
            match (&plot, &merged) {
                (None, _) => {}
                (Some(path), crate::shard::Merged::Sweep(table)) => {
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
        Command::Validate { scenario, output } => {
            let format = prepare(&output)?;
            let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
            emit(&report::render(&loaded.describe(), format), &output)
        }
        Command::Design {
            scenario,
            power,
            method,
            output,
        } => {
            let format = prepare(&output)?;
            let method = crate::analytic::Method::parse(&method)?;
            let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
            let analysis = loaded.design(power, method)?;
            emit(&report::render(&analysis, format), &output)
        }
        Command::Boundaries { design, output } => {
            let format = prepare(&output)?;
            let options = crate::sequential::BoundaryOptions {
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
            };
            let result = crate::sequential::boundaries_report(&options)?;
            emit(&report::render_boundaries(&result, format), &output)
        }
        Command::Analyze {
            data,
            time,
            event,
            arm,
            strata,
            ties,
            test,
            output,
        } => {
            let format = prepare(&output)?;
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
            let columns = crate::dataset::Columns {
                time,
                event,
                arm,
                strata,
            };
            let dataset = crate::dataset::read_csv(&data, &columns)?;
            let result = match &test {
                None => crate::analysis::analyze(&dataset, stratified, ties),
                Some(t) => crate::analysis::analyze_with_test(&dataset, stratified, ties, t)?,
            };
            emit(&report::render(&result, format), &output)
        }
    }
}

/// A progress bar with ETA on stderr.
fn progress_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} replicates, ETA {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// The error for --format given with --shard.
fn shard_format(format: &str) -> Error {
    Error::usage(
        "--format",
        format,
        "no --format with --shard (a shard file is JSON; give --format to merge)",
    )
}

/// Reads a scenario file's text (it is kept in shard files).
fn read_scenario(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// The flag raised by Ctrl-C (SIGINT) or SIGTERM: the engine then finishes the replicates under
/// way and the command writes those done, marked partial. A second signal quits at once. The
/// handler is installed on first use; None if it cannot be.
fn interrupt() -> Option<&'static AtomicBool> {
    static FLAG: AtomicBool = AtomicBool::new(false);
    static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if FLAG.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            eprintln!(
                "\nenrichsim: stopping: writing the replicates finished so far (again to quit at once)"
            );
        })
        .is_ok()
    });
    installed.then_some(&FLAG)
}

/// Ok for a complete run; [`Error::Interrupted`] (exit code 130) once a partial result is written.
fn interrupted(completed: u64, planned: u64) -> Result<()> {
    if completed < planned {
        Err(Error::Interrupted {
            completed,
            planned,
            written: true,
        })
    } else {
        Ok(())
    }
}

/// A progress bar with ETA on stderr, shown only on a terminal and without --quiet.
struct Bar {
    bar: Option<indicatif::ProgressBar>,
}

impl Bar {
    fn new(quiet: bool, total: u64) -> Bar {
        Bar {
            bar: (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(total)),
        }
    }

    /// `done` of `total` replicate simulations finished.
    fn at(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            if bar.length() != Some(total) {
                bar.set_length(total);
            }
            bar.set_position(done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
