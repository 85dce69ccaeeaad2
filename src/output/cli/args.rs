//! The command line's grammar: clap's definitions of every command and flag.

use crate::error::{Error, Result};
use crate::output::report::{self, Format};
use crate::simulation::engine::{MAX_THREADS, RunOptions};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Monte Carlo simulation of Phase 3 survival trials with biomarker enrichment.
#[derive(Parser, Debug)]
#[command(
    name = "enrichsim",
    version,
    about,
    long_about = None,
    after_help = "The scenario file's keys, their types, units, defaults and allowed values: docs/scenario.md.\nThe fields of every command's JSON output: docs/output.md.\n(Both in the enrichsim repository, beside README.md.)"
)]
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

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario: power, events, sample size, screening, duration.
    Run(RunArgs),
    /// Several designs side by side on the same replicates (common random numbers): power per
    /// hypothesis and for at least one, selection, screened, randomised, deaths, duration.
    Compare(CompareArgs),
    /// Power table over a grid of scenario values, on common random numbers.
    Sweep(SweepArgs),
    /// Smallest sample size or event count reaching a target power, by simulation.
    Size(SizeArgs),
    /// Combine the shard files of a run, sweep or size search into the single run's result.
    Merge(MergeArgs),
    /// Check a scenario and print the resolved model in closed form.
    Validate(ValidateArgs),
    /// Closed-form design: events, subjects, analysis times, screening, and the power of the
    /// scenario as specified (Schoenfeld or Freedman, average hazard ratio, Lachin-Foulkes).
    Design(DesignArgs),
    /// Group-sequential boundaries: z bounds, nominal p, alpha spent, inflation factor.
    Boundaries(BoundariesArgs),
    /// Log-rank, Cox and Kaplan-Meier on real data from a CSV file.
    Analyze(AnalyzeArgs),
    /// Interim analysis of real (unblinded) data at look k of a scenario's group-sequential
    /// design, for a data monitoring committee: bounds at the observed information, the
    /// decision, repeated confidence intervals and p-values, conditional power under the planned
    /// and the observed hazard ratio, predictive power, and at the end the stage-wise p-value,
    /// median-unbiased estimate and confidence interval (docs/monitor.md).
    Monitor(MonitorArgs),
    /// The patient-level data of one simulated replicate at one of its analyses, as CSV that
    /// `analyze` (and R) reads: entry, arm, stratum, follow-up, death (and the visits with
    /// [function]).
    SimulateData(SimulateDataArgs),
    /// Blinded event prediction for a running trial: from entry dates and the deaths, dropouts
    /// and follow-up so far (no arm), the date of each planned look's deaths with 80% and 95%
    /// prediction intervals, the expected deaths by month, and a plot.
    Predict(PredictArgs),
    /// One self-contained HTML report of one or more designs: the design, its assumptions and
    /// their sources, operating characteristics beside the global null's type I error, figures
    /// (bounds, Kaplan-Meier bands, enrolment and deaths, hazard ratios, power curves with
    /// --vary) and what is needed to reproduce them.
    Report(ReportArgs),
}

// The arguments of `enrichsim report` (documented on [`Command::Report`]).
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The scenario files (TOML), one or more (e.g. a family: scenarios/phase3-*.toml).
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// Override one value in every scenario: KEY.PATH=VALUE (TOML syntax), repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Power curves of a sweep: KEY=V1,V2,... or KEY=START:STOP:STEP (repeatable; the first
    /// key is the x axis and must be numeric).
    #[arg(long = "vary", value_name = "KEY=VALUES")]
    pub vary: Vec<String>,
    /// Replicates per run (the scenario's, the global null's and each sweep point's).
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true, value_parser = replicates)]
    pub reps: u64,
    /// Replicates drawn in the Kaplan-Meier and accrual figures (the run's first ones).
    #[arg(long, default_value_t = 400, allow_negative_numbers = true, value_parser = replicates)]
    pub picture_reps: u64,
    /// Master seed, the same for every design.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). The report does not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// The HTML file to write (atomically).
    #[arg(long, short = 'o', value_name = "FILE.html", required = true)]
    pub output: PathBuf,
}

// The arguments of `enrichsim simulate-data` (documented on [`Command::SimulateData`]).
#[derive(Args, Debug)]
pub struct SimulateDataArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The replicate (0-based, as in a run of the same seed).
    #[arg(long, allow_negative_numbers = true, value_parser = seed)]
    pub replicate: u64,
    /// Master seed of the run the replicate belongs to.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = seed)]
    pub seed: u64,
    /// The analysis (1-based look; default: the last the replicate performed).
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    pub look: Option<usize>,
    /// Write the blinded data `enrichsim predict` reads instead: id, entry, status (event,
    /// dropout, completed, ongoing) and date, with no arm.
    #[arg(long)]
    pub blinded: bool,
    /// With --blinded: cut the data at this calendar month (months from the first screening)
    /// instead of at the analysis.
    #[arg(long, value_name = "MONTH", allow_negative_numbers = true, value_parser = number)]
    pub cut: Option<f64>,
    /// With --blinded: the date of month 0 (the first screening), YYYY-MM-DD; the entry and
    /// date columns are then dates (else calendar months).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Write the CSV to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

// The arguments of `enrichsim predict` (documented on [`Command::Predict`]).
#[derive(Args, Debug)]
pub struct PredictArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The blinded data (CSV with a header line): per patient the entry date, the status at
    /// the cut and the date of the event, dropout or last contact.
    pub data: PathBuf,
    /// Column of entry (randomisation) dates.
    #[arg(long, default_value = "entry")]
    pub entry: String,
    /// Column of statuses: event, dropout, ongoing or completed.
    #[arg(long, default_value = "status")]
    pub status: String,
    /// Column of the dates of the event, the dropout or the last contact (may be empty for an
    /// ongoing patient: alive at the cut).
    #[arg(long, default_value = "date")]
    pub date: String,
    /// The entry and date columns (and --cut, --start) are calendar months, not dates.
    #[arg(long)]
    pub months: bool,
    /// The cut: the date the data are complete to (default: the latest date in the file).
    #[arg(long, value_name = "DATE")]
    pub cut: Option<String>,
    /// The start of recruitment (default: the first entry, which then counts as its origin).
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// The pooled hazard of death: exponential, weibull, piecewise:B1,B2,... (months after
    /// randomisation), auto (smallest AIC of exponential and Weibull) or auto:B1,B2,... (and
    /// piecewise).
    #[arg(long, default_value = "auto")]
    pub hazard: String,
    /// The recruitment intensity: constant (Poisson) or scenario (the scenario's enrolment
    /// ramp, scaled to the recruitment so far).
    #[arg(long, default_value = "constant")]
    pub recruitment: String,
    /// Forward simulations.
    #[arg(long, default_value_t = 2000, allow_negative_numbers = true, value_parser = replicates)]
    pub sims: u64,
    /// Master seed: the same seed gives the same bytes of output.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    pub threads: Option<usize>,
    /// The looks' death counts, N1,N2,... (default: the scenario's looks).
    #[arg(long, value_name = "N1,N2,...", allow_hyphen_values = true)]
    pub events: Option<String>,
    /// Patients to randomise in all (default: design.sample_size).
    #[arg(long, allow_negative_numbers = true, value_parser = sample_size)]
    pub sample_size: Option<u32>,
    /// Count no death later than this many months after the cut.
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub horizon: Option<f64>,
    /// Fix the parameters at their estimates (only the randomness of the events and recruits;
    /// intervals too narrow: for comparison).
    #[arg(long)]
    pub no_parameter_uncertainty: bool,
    /// Draw observed and predicted cumulative deaths to FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--events`: comma-separated death counts, read as whole numbers (that they are >= 1 and
/// strictly ascending is checked by [`crate::study::predict::predict`]).
pub(super) fn event_counts(text: &str) -> Result<Vec<u32>> {
    text.split(',')
        .map(|v| v.trim().parse::<u32>().ok())
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| {
            Error::usage(
                "--events",
                text,
                "death counts >= 1, strictly ascending, separated by commas, e.g. 150,300",
            )
        })
}

// The arguments of `enrichsim run` (documented on [`Command::Run`]).
#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Number of replicates.
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true, value_parser = replicates)]
    pub reps: u64,
    /// Master seed: the same seed gives the same bytes of output.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Simulate only shard I of N (replicates r with r mod N == I) and write a shard file
    /// for `enrichsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Also write one record per replicate (decisions, z, HR, events, sizes, analysis times)
    /// to FILE.csv or FILE.json (docs/output.md).
    #[arg(long, value_name = "FILE.csv|FILE.json")]
    pub replicates: Option<PathBuf>,
    /// Simulate the design under the global null: no effect in any stratum (hazard ratio 1,
    /// no function slowing) and no prior, so the rejection rates are type I errors.
    #[arg(long)]
    pub global_null: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim compare` (documented on [`Command::Compare`]).
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The scenario files (TOML), two or more.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    /// Override one value in every scenario: KEY.PATH=VALUE (TOML syntax), repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Number of replicates per design.
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true, value_parser = replicates)]
    pub reps: u64,
    /// Master seed, the same for every design.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim sweep` (documented on [`Command::Sweep`]).
#[derive(Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// A key and its values: KEY=V1,V2,... or KEY=START:STOP:STEP (repeatable: the grid is
    /// the Cartesian product).
    #[arg(long = "vary", value_name = "KEY=VALUES", required = true)]
    pub vary: Vec<String>,
    #[command(flatten)]
    pub sim: SimulationArgs,
    /// Target power: a dashed line on the plot.
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub target_power: Option<f64>,
    /// Draw the power curves (against the first varied key) to FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim size` (documented on [`Command::Size`]).
#[derive(Args, Debug)]
pub struct SizeArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The power to reach.
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub target_power: f64,
    /// The key to search: design.sample_size or design.analysis.events (default: the events
    /// of an event-driven analysis, otherwise the sample size).
    #[arg(long)]
    pub key: Option<String>,
    #[command(flatten)]
    pub sim: SimulationArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim merge` (documented on [`Command::Merge`]).
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shard files (all N of one run, in any order).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// For a sweep: draw the power curves to FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim validate` (documented on [`Command::Validate`]).
#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim design` (documented on [`Command::Design`]).
#[derive(Args, Debug)]
pub struct DesignArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Target power (default: the scenario's design.sequential.power, else 0.9).
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub power: Option<f64>,
    /// Required events by schoenfeld, freedman or hsieh_freedman (Hsieh 1992).
    #[arg(long, default_value = "schoenfeld")]
    pub method: String,
    /// What to solve for, the rest of the scenario kept: subjects (at the recruitment rate and
    /// follow-up), accrual (the accrual duration, i.e. the screening rate, at design.sample_size
    /// and the follow-up) or follow_up (the months after the last randomisation, at
    /// design.sample_size and the recruitment rate).
    #[arg(long, default_value = "subjects")]
    pub solve: String,
    /// Instead of the design: its operating characteristics at these hazard ratios (in every
    /// stratum), e.g. 1,0.8,0.7,0.6: power, rejection and futility per look, analysis times,
    /// expected events, months and subjects at stopping.
    #[arg(long, value_name = "HR1,HR2,...", allow_hyphen_values = true)]
    pub at_hr: Option<String>,
    /// With --at-hr: draw power against the hazard ratio to FILE.svg or FILE.png.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `--at-hr`: comma-separated hazard ratios, each a finite number > 0.
pub(super) fn hazard_ratios(text: &str) -> Result<Vec<f64>> {
    let allowed = "hazard ratios > 0 separated by commas, e.g. 1,0.8,0.7";
    text.split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|h| h.is_finite() && *h > 0.0)
                .ok_or_else(|| Error::usage("--at-hr", v.trim(), allowed))
        })
        .collect()
}

// The arguments of `enrichsim boundaries` (documented on [`Command::Boundaries`]).
#[derive(Args, Debug)]
pub struct BoundariesArgs {
    #[command(flatten)]
    pub design: BoundaryArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim monitor` (documented on [`Command::Monitor`]).
#[derive(Args, Debug)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The data at this look (CSV with a header line, one row per patient).
    pub data: PathBuf,
    /// The look the data are (1-based; the design's last is the final analysis).
    #[arg(long, allow_negative_numbers = true, value_parser = looks)]
    pub look: usize,
    /// Column of follow-up times.
    #[arg(long)]
    pub time: String,
    /// Column of event indicators (1 = event, 0 = censored).
    #[arg(long)]
    pub event: String,
    /// Column of arms (treatment/control or 1/0).
    #[arg(long)]
    pub arm: String,
    /// Column of strata: stratifies the log-rank.
    #[arg(long)]
    pub strata: Option<String>,
    /// The earlier looks as the DMC saw them: EVENTS:Z[:ALLOCATION] per look, comma-separated
    /// (e.g. 102:1.21,203:1.95); needed for look 2 and later.
    #[arg(long, allow_hyphen_values = true, value_name = "EVENTS:Z,...")]
    pub previous: Option<String>,
    /// Hazard ratio of the conditional power "under the plan" (default: the scenario's average
    /// hazard ratio at the final analysis).
    #[arg(long, value_name = "HR", allow_negative_numbers = true)]
    pub planned_hr: Option<f64>,
    /// Prior of ln HR for the predictive power: flat, or HR,LOWER,UPPER (an estimate and its 95%
    /// interval; default: the scenario's [prior], else flat).
    #[arg(long, value_name = "HR,LOWER,UPPER", allow_hyphen_values = true)]
    pub prior: Option<String>,
    /// Keep the times as read (by default near-equal times are merged, as R's timefix).
    #[arg(long)]
    pub no_timefix: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

// The arguments of `enrichsim analyze` (documented on [`Command::Analyze`]).
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// The data file (CSV with a header line).
    pub data: PathBuf,
    /// Column of follow-up times.
    #[arg(long)]
    pub time: String,
    /// Column of event indicators (1 = event, 0 = censored).
    #[arg(long)]
    pub event: String,
    /// Column of arms (treatment/control or 1/0).
    #[arg(long)]
    pub arm: String,
    /// Column of strata: stratifies the log-rank and the Cox model.
    #[arg(long)]
    pub strata: Option<String>,
    /// Ties in the Cox model: efron or breslow.
    #[arg(long, default_value = "efron")]
    pub ties: String,
    /// A further test, reported with its z, one-sided p (and estimate with 95% CI): logrank,
    /// fh(rho,gamma), maxcombo, maxcombo(r1,g1;r2,g2;...), rmst(tau), milestone(t), or, with
    /// long-format data, slope, mmrm(t), cafs(t); or a stratified_ form (needs --strata).
    #[arg(long, value_name = "NAME")]
    pub test: Option<String>,
    /// Keep the times as read. By default times equal within 1.49e-8 (absolutely, or relative
    /// to the mean time) are merged first, as R's survival does (timefix = TRUE).
    #[arg(long)]
    pub no_timefix: bool,
    /// Long-format data (one row per visit): column of patient ids. With --visit-time and
    /// --score; the survival columns repeat on every row of a patient.
    #[arg(long)]
    pub id: Option<String>,
    /// Long-format data: column of visit times (months after randomisation, 0 at baseline).
    #[arg(long)]
    pub visit_time: Option<String>,
    /// Long-format data: column of function scores (ALSFRS-R, 0 to 48).
    #[arg(long)]
    pub score: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How the commands that simulate run.
#[derive(Args, Debug, Clone)]
pub struct SimulationArgs {
    /// Replicates (per point).
    #[arg(long, default_value_t = 10_000, allow_negative_numbers = true, value_parser = replicates)]
    pub reps: u64,
    /// Master seed: the same seed gives the same bytes of output, and the same replicate streams
    /// at every point.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = seed)]
    pub seed: u64,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Simulate only shard I of N (replicates r with r mod N == I) and write a shard file for
    /// `enrichsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

/// Where and how a report is written (every command alike).
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format: text, json, csv or markdown (default: from the --output file's extension,
    /// .json, .md, .txt and CSV for any other; text on standard output).
    #[arg(long)]
    pub format: Option<String>,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The format, and the output checked before any work. A shard file is always JSON: no
    /// --format with --shard.
    pub(super) fn prepare(&self, shard: bool) -> Result<Format> {
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
    pub(super) fn options(&self) -> Result<RunOptions> {
        Ok(RunOptions {
            reps: self.reps,
            seed: self.seed,
            threads: self.threads,
            replicates: self
                .shard
                .as_deref()
                .map(|s| crate::study::shard::parse(s, self.reps))
                .transpose()?,
        })
    }
}

/// Options of `enrichsim boundaries`.
#[derive(Args, Debug, Clone)]
pub struct BoundaryArgs {
    /// Number of looks K (interims plus the final analysis).
    #[arg(long, default_value_t = 3, allow_negative_numbers = true, value_parser = looks)]
    pub looks: usize,
    /// Design: asOF (ldobf), asP (ldpocock), asHSD/hsd:G, asKD/kd:RHO, asUser (with --user-alpha),
    /// OF (obf), P (pocock), WT/wt:DELTA, WToptimum (with --optimize), HP (Haybittle-Peto, with
    /// --hp-bound), noEarlyEfficacy, PT (Pampallona-Tsiatis, with --delta-pt1 and --delta-pt0).
    #[arg(long, default_value = "asOF")]
    pub spending: String,
    /// Hwang-Shih-DeCani gamma (with asHSD).
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub gamma: Option<f64>,
    /// Kim-DeMets rho (with asKD).
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub rho: Option<f64>,
    /// Wang-Tsiatis Delta (with WT).
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub delta: Option<f64>,
    /// Pampallona-Tsiatis Delta of the efficacy bounds, in [-0.5, 1] (with PT; rpact's deltaPT1).
    #[arg(long = "delta-pt1", allow_hyphen_values = true, value_parser = number)]
    pub delta_pt1: Option<f64>,
    /// Pampallona-Tsiatis Delta of the futility bounds, in [-0.5, 1] (with PT; rpact's deltaPT0).
    #[arg(long = "delta-pt0", allow_hyphen_values = true, value_parser = number)]
    pub delta_pt0: Option<f64>,
    /// Cumulative alpha spent by each look, A1,...,AK, non-decreasing, AK = alpha (with asUser).
    #[arg(long, value_name = "A1,...", value_delimiter = ',', allow_negative_numbers = true, value_parser = number)]
    pub user_alpha: Option<Vec<f64>>,
    /// Cumulative beta spent by each look, B1,...,BK, non-decreasing, BK = 1 - power (with
    /// --futility bsUser).
    #[arg(long, value_name = "B1,...", value_delimiter = ',', allow_negative_numbers = true, value_parser = number)]
    pub user_beta: Option<Vec<f64>>,
    /// Haybittle-Peto constant interim bound in z, in (0, 8] (with HP; default 3).
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub hp_bound: Option<f64>,
    /// What WToptimum minimises: ASNH1 (default), ASNIFH1 or ASNsum.
    #[arg(long)]
    pub optimize: Option<String>,
    /// Information fractions t1,...,tK (default: equally spaced).
    #[arg(long, value_delimiter = ',')]
    pub timing: Option<Vec<f64>>,
    /// Significance level: one-sided, or two-sided with --sided 2.
    #[arg(long, default_value_t = 0.025, allow_negative_numbers = true, value_parser = number)]
    pub alpha: f64,
    /// 1 (one-sided, default) or 2: symmetric two-sided bounds, reject when |Z| >= b_k, with
    /// --alpha the two-sided level (as rpact's sided = 2).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = sides)]
    pub sided: u8,
    /// Target power: adds the drift, the inflation factor and exit probabilities under H1.
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub power: Option<f64>,
    /// Futility: none, z:V1,..., hr:V1,... (needs --events), or a beta-spending name (asOF, hsd:G,
    /// bsUser with --user-beta, ...).
    #[arg(long, allow_hyphen_values = true)]
    pub futility: Option<String>,
    /// Binding futility or lower bound (efficacy bounds computed assuming the trial stops at
    /// them).
    #[arg(long)]
    pub binding: bool,
    /// With --sided 2 and beta-spending futility: true (default) or false, rpact's
    /// betaAdjustment (rescale the beta spending when the first looks get no futility bound).
    #[arg(long, value_name = "true|false", value_parser = boolean)]
    pub beta_adjustment: Option<bool>,
    /// Asymmetric two-sided design: a lower bound spent under H0 with this spending function
    /// (asOF, asP, hsd:G, kd:RHO), stopping when Z_k < a_k (gsDesign's test.type 6, or 5 with
    /// --binding).
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub lower_spending: Option<String>,
    /// The lower bound's total probability under H0 (gsDesign's astar), in (0, 1 - alpha];
    /// default 1 - alpha (the final lower bound then equals the upper one).
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub lower_alpha: Option<f64>,
    /// Events at the final look: adds the hazard ratio at each bound.
    #[arg(long, allow_negative_numbers = true, value_parser = number)]
    pub events: Option<f64>,
    /// Allocation ratio r (treatment : control = r : 1), for the hazard ratios.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true, value_parser = number)]
    pub allocation: f64,
}

/// The error for --format given with --shard.
pub(super) fn shard_format(format: &str) -> Error {
    Error::usage(
        "--format",
        format,
        "no --format with --shard (a shard file is JSON; give --format to merge)",
    )
}

/// A whole number in `lo..=hi`, or the range as the message.
fn whole(text: &str, lo: u64, hi: u64) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|v| (lo..=hi).contains(v))
        .ok_or_else(|| format!("a whole number in {lo}..={hi}"))
}

/// `--reps`: replicates, 1 to 10^9.
fn replicates(text: &str) -> Result<u64, String> {
    whole(text, 1, 1_000_000_000)
}

/// `--seed`: any 64-bit whole number.
fn seed(text: &str) -> Result<u64, String> {
    whole(text, 0, u64::MAX)
}

/// `--threads`: 1 to [`MAX_THREADS`].
fn threads(text: &str) -> Result<usize, String> {
    whole(text, 1, MAX_THREADS as u64).map(|t| t as usize)
}

/// `--looks`: 1 to 20 analyses.
fn looks(text: &str) -> Result<usize, String> {
    whole(text, 1, 20).map(|k| k as usize)
}

/// `--sample-size`: 1 to 1000000 patients.
fn sample_size(text: &str) -> Result<u32, String> {
    whole(text, 1, 1_000_000).map(|n| n as u32)
}

/// `--sided`: 1 or 2.
fn sides(text: &str) -> Result<u8, String> {
    whole(text, 1, 2).map(|k| k as u8)
}

/// `true` or `false`.
fn boolean(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("true or false".to_string()),
    }
}

/// A finite number.
fn number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| "a finite number".to_string())
}
