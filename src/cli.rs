//! The command line: clap definitions and the calls into the library. No statistics here.

use crate::error::{Error, Result};
use crate::report::{self, Format};
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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
    /// Check a scenario and print the resolved model in closed form.
    Validate {
        #[command(flatten)]
        scenario: ScenarioArgs,
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
        #[command(flatten)]
        output: OutputArgs,
    },
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
    match &output.output {
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
            output,
        } => {
            let format = prepare(&output)?;
            let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
            let options = crate::engine::RunOptions {
                reps,
                seed,
                threads,
                replicates: None,
            };
            let bar = (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(reps));
            let summary = loaded.run(&options, &|done| {
                if let Some(bar) = &bar {
                    bar.set_position(done);
                }
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            emit(&report::render(&summary, format), &output)
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
        Command::Validate { scenario, output } => {
            let format = prepare(&output)?;
            let loaded = crate::Study::load(&scenario.scenario, &scenario.set)?;
            emit(&report::render(&loaded.describe(), format), &output)
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
            output,
        } => {
            let format = prepare(&output)?;
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
            let result = crate::analysis::analyze(&dataset, stratified, ties);
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
