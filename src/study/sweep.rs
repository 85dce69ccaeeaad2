//! Sweeps: the same scenario over a grid of values of some of its keys, every point on the same
//! replicate streams (common random numbers), summarised as a power table.
//!
//! `--vary KEY=V1,V2,...` lists values (TOML syntax each, split at top-level commas, so
//! `design.allocation=[1, 1],[2, 1]` and `design.test=logrank,stratified_logrank` work);
//! `--vary KEY=START:STOP:STEP` is an arithmetic range computed in exact decimal arithmetic, so
//! `0.6:0.8:0.05` gives 0.6, 0.65, 0.7, 0.75 and 0.8 and never 0.7000000000000001 (as
//! hyperfine's `src/parameter/range_step.rs` does with decimals). A range of whole numbers gives
//! whole numbers (TOML integers), as integer keys such as `design.sample_size` need. Each key is
//! addressed as `--set` addresses it, and each point is the scenario with the `--set` overrides
//! and then the point's values applied, checked like any scenario before anything runs.
//!
//! The grid is the Cartesian product of the keys' values, the first key varying slowest.
//!
//! One axis may set several keys to the same value: `--vary
//! 'effect.hazard_ratio.low,effect.hazard_ratio.moderate=0.55,0.65'` moves the hazard ratio of
//! both strata together (the keys separated by commas before `=`), so a sweep can vary the
//! effect in a population made of several strata. The axis is named by its keys as given.

use crate::error::{Error, Result};
use crate::simulation::engine::{RunOptions, TrialOutcome};
use crate::study::summary::Summary;
use crate::study::{Simulation, Study};
use std::sync::atomic::AtomicBool;

/// Most values one `--vary` may give.
pub const MAX_VALUES: usize = 10_000;
/// Most points a grid may have.
pub const MAX_POINTS: usize = 100_000;

/// One axis of the grid: a varied key (or several keys set alike) and its values, as TOML
/// literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vary {
    /// The dotted key, as `--set` addresses it; several keys set to the same values are
    /// separated by commas (`effect.hazard_ratio.low,effect.hazard_ratio.moderate`).
    pub key: String,
    /// The values, as TOML literals (`400`, `0.65`, `"logrank"`, `[1, 2]`).
    pub values: Vec<String>,
}

fn bad_vary(spec: &str, allowed: impl ToString) -> Error {
    Error::usage("--vary", format!("{spec:?}"), allowed)
}

const VARY_FORMS: &str =
    "KEY=V1,V2,... or KEY=START:STOP:STEP (e.g. design.sample_size=300:500:100)";

impl Vary {
    /// Parses `KEY=V1,V2,...` or `KEY=START:STOP:STEP`.
    pub fn parse(spec: &str) -> Result<Vary> {
        let Some((key, values)) = spec.split_once('=') else {
            return Err(bad_vary(spec, VARY_FORMS));
        };
        let keys: Vec<&str> = key.split(',').map(str::trim).collect();
        if keys
            .iter()
            .any(|k| k.is_empty() || k.split('.').any(|s| s.trim().is_empty()))
        {
            return Err(bad_vary(
                spec,
                format!(
                    "a dotted scenario key (or several, separated by commas) before `=`: {VARY_FORMS}"
                ),
            ));
        }
        let key = keys.join(",");
        let values = values.trim();
        let values = match range(values) {
            Some(range) => range.map_err(|why| bad_vary(spec, why))?,
            None => split_values(values).map_err(|why| bad_vary(spec, why))?,
        };
        if values.is_empty() || values.iter().any(|v| v.is_empty()) {
            return Err(bad_vary(spec, format!("non-empty values: {VARY_FORMS}")));
        }
        if values.len() > MAX_VALUES {
            return Err(bad_vary(
                spec,
                format!("at most {MAX_VALUES} values per key"),
            ));
        }
        Ok(Vary { key, values })
    }

    /// The keys this axis sets (one, or several set to the same value).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.key.split(',')
    }
}

/// Splits a value list at the commas outside brackets, braces and quotes.
fn split_values(text: &str) -> std::result::Result<Vec<String>, String> {
    let mut values = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                current.push(c);
                current.extend(chars.next());
                continue;
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                values.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        if depth < 0 {
            return Err(format!(
                "balanced brackets: `{text}` closes one it never opened"
            ));
        }
        current.push(c);
    }
    if quote.is_some() || depth != 0 {
        return Err(format!("balanced brackets and quotes in `{text}`"));
    }
    values.push(current.trim().to_string());
    Ok(values)
}

/// A decimal number as an integer mantissa and a count of decimal places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decimal {
    mantissa: i128,
    places: u32,
}

impl Decimal {
    /// Parses `-12`, `0.65`, `+3.0` (no exponent).
    fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let valid = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !valid(whole) || !valid(fraction) || digits.ends_with('.') {
            return None;
        }
        if whole.len() + fraction.len() > 18 {
            return None;
        }
        let mantissa: i128 = format!("{whole}{fraction}").parse().ok()?;
        Some(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            places: fraction.len() as u32,
        })
    }

    /// The mantissa at `places` decimal places (places >= self.places).
    fn scaled(self, places: u32) -> i128 {
        self.mantissa * 10i128.pow(places - self.places)
    }
}

/// Formats mantissa / 10^places: whole numbers without a point when `places` is 0, otherwise
/// with trailing zeros removed but one decimal kept (`0.6`, `0.65`, `1.0`).
fn format_decimal(mantissa: i128, places: u32) -> String {
    if places == 0 {
        return mantissa.to_string();
    }
    let sign = if mantissa < 0 { "-" } else { "" };
    let digits = format!(
        "{:0>width$}",
        mantissa.unsigned_abs(),
        width = places as usize + 1
    );
    let (whole, fraction) = digits.split_at(digits.len() - places as usize);
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.is_empty() { "0" } else { fraction };
    format!("{sign}{whole}.{fraction}")
}

/// `START:STOP:STEP` in exact decimal arithmetic: None when `text` is not a range (no colon, or
/// a quoted, bracketed or listed value).
fn range(text: &str) -> Option<std::result::Result<Vec<String>, String>> {
    // A range is a bare value with colons; a quoted string, array or table is a list item.
    if !text.contains(':') || text.contains(',') || text.starts_with(['"', '\'', '[', '{']) {
        return None;
    }
    let numbers: Vec<Option<Decimal>> = text.split(':').map(Decimal::parse).collect();
    let [Some(start), Some(stop), Some(step)] = numbers[..] else {
        return Some(Err(format!(
            "START:STOP:STEP with three decimal numbers, got `{text}`"
        )));
    };
    let places = start.places.max(stop.places).max(step.places);
    let (a, b, h) = (
        start.scaled(places),
        stop.scaled(places),
        step.scaled(places),
    );
    if h == 0 || (b - a).signum() * h.signum() < 0 {
        return Some(Err(format!(
            "a STEP that is not 0 and goes from START towards STOP, got `{text}`"
        )));
    }
    let count = (b - a) / h + 1;
    if count > MAX_VALUES as i128 {
        return Some(Err(format!(
            "at most {MAX_VALUES} values per key; `{text}` has {count}"
        )));
    }
    Some(Ok((0..count)
        .map(|k| format_decimal(a + k * h, places))
        .collect()))
}

/// The grid: the Cartesian product of the varied keys' values, the first key varying slowest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// The varied keys with their values, in `--vary` order.
    pub vary: Vec<Vary>,
}

impl Grid {
    /// Parses the `--vary` specifications; a key may be varied once.
    pub fn parse(specs: &[String]) -> Result<Grid> {
        if specs.is_empty() {
            return Err(Error::usage("--vary", "(none)", VARY_FORMS));
        }
        let vary = specs
            .iter()
            .map(|s| Vary::parse(s))
            .collect::<Result<Vec<_>>>()?;
        let mut seen: Vec<&str> = Vec::new();
        for key in vary.iter().flat_map(Vary::keys) {
            if seen.contains(&key) {
                return Err(Error::usage(
                    "--vary",
                    key,
                    "each key varied once (list all its values in one --vary)",
                ));
            }
            seen.push(key);
        }
        let points = vary
            .iter()
            .try_fold(1usize, |n, v| n.checked_mul(v.values.len()))
            .filter(|&n| n <= MAX_POINTS);
        if points.is_none() {
            return Err(Error::usage(
                "--vary",
                specs.join(" "),
                format!("grids of at most {MAX_POINTS} points"),
            ));
        }
        Ok(Grid { vary })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.vary.iter().map(|v| v.values.len()).product()
    }

    /// Whether the grid has no point (never, for a parsed grid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of point `i`, one per varied key.
    pub fn values(&self, i: usize) -> Vec<&str> {
        let mut rest = i;
        let mut values = vec![""; self.vary.len()];
        for (k, v) in self.vary.iter().enumerate().rev() {
            values[k] = &v.values[rest % v.values.len()];
            rest /= v.values.len();
        }
        values
    }

    /// The `--set` assignments of point `i`: `key=value`, one per varied key (every key of an
    /// axis that sets several).
    pub fn assignments(&self, i: usize) -> Vec<String> {
        self.vary
            .iter()
            .zip(self.values(i))
            .flat_map(|(v, value)| v.keys().map(move |key| format!("{key}={value}")))
            .collect()
    }
}

/// A sweep ready to run: the scenario, its overrides and the checked study at every point.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The grid.
    pub grid: Grid,
    /// One study per grid point, in grid order.
    pub studies: Vec<Study>,
}

impl Sweep {
    /// Builds and checks every point of the grid: the scenario text (from `file`), the `--set`
    /// overrides, then the point's values. An error names the point.
    pub fn new(text: &str, file: &str, sets: &[String], vary: &[String]) -> Result<Sweep> {
        let grid = Grid::parse(vary)?;
        let studies = (0..grid.len())
            .map(|i| {
                let point = grid.assignments(i);
                let overrides: Vec<String> = sets.iter().chain(&point).cloned().collect();
                let label = format!("{file} (sweep point {})", point.join(", "));
                let mut study = Study::parse(text, &label, &overrides)?;
                study.file = file.to_string();
                Ok(study)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Sweep { grid, studies })
    }

    /// Simulates the replicates of `options` (all, or a shard) at every point on the same
    /// streams; stops early when `cancel` is raised, keeping the first replicates finished at
    /// every point. `progress` gets the replicate-point simulations finished so far.
    pub fn simulate(
        &self,
        options: &RunOptions,
        progress: &(dyn Fn(u64) + Sync),
        cancel: Option<&AtomicBool>,
    ) -> Result<Vec<Simulation>> {
        crate::study::simulate_all(&self.studies, options, progress, cancel)
    }

    /// The power table of simulated outcomes (one vector per point, in replicate order) of a
    /// sweep of `reps` replicates per point; marked partial when fewer were simulated.
    pub fn report(
        &self,
        seed: u64,
        reps: u64,
        outcomes: &[Vec<TrialOutcome>],
        target_power: Option<f64>,
        elapsed_s: f64,
    ) -> SweepReport {
        let points: Vec<SweepPoint> = self
            .studies
            .iter()
            .zip(outcomes)
            .enumerate()
            .map(|(i, (study, outcomes))| {
                let s = Summary::new(
                    &study.scenario.name,
                    seed,
                    &study.scenario.strata,
                    &study.design,
                    outcomes,
                );
                SweepPoint {
                    values: self
                        .grid
                        .vary
                        .iter()
                        .zip(self.grid.values(i))
                        .map(|(v, value)| (v.key.clone(), value.to_string()))
                        .collect(),
                    alpha: s.alpha,
                    power: s.power,
                    power_se: s.power_se,
                    power_lower: s.power_lower,
                    power_upper: s.power_upper,
                    events_mean: s.events_mean,
                    randomised_mean: s.randomised_mean,
                    screened_mean: s.screened_mean,
                    duration_mean: s.duration_mean,
                    analytic_power: crate::analytic::analytic_power(&study.model, &study.design),
                    over_prior: study.model.prior.is_some(),
                    analytic_assurance: crate::analytic::analytic_assurance(
                        &study.model,
                        &study.design,
                    ),
                    reps: s.reps,
                }
            })
            .collect();
        let done = points.first().map_or(0, |p| p.reps);
        SweepReport {
            scenario: self
                .studies
                .first()
                .map_or_else(String::new, |s| s.scenario.name.clone()),
            seed,
            reps: done,
            partial: done < reps,
            reps_planned: (done < reps).then_some(reps),
            keys: self.grid.vary.iter().map(|v| v.key.clone()).collect(),
            target_power,
            points,
            elapsed_s,
        }
    }
}

/// One row of the power table.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    /// (key, value as a TOML literal) for each varied key.
    pub values: Vec<(String, String)>,
    /// One-sided level at this point.
    pub alpha: f64,
    /// Fraction of replicates rejecting.
    pub power: f64,
    /// Its Monte Carlo standard error.
    pub power_se: f64,
    /// 95% Wilson lower bound.
    pub power_lower: f64,
    /// 95% Wilson upper bound.
    pub power_upper: f64,
    /// Mean events at the analysis.
    pub events_mean: f64,
    /// Mean patients randomised.
    pub randomised_mean: f64,
    /// Mean patients screened.
    pub screened_mean: f64,
    /// Mean calendar time of the analysis, months.
    pub duration_mean: f64,
    /// Closed-form power where it applies (`analytic::analytic_power`; with a prior, at
    /// `[effect]`'s fixed hazard ratios).
    pub analytic_power: Option<f64>,
    /// Whether the scenario has `[prior]`: `power` and `power_se` are then averaged over the
    /// prior, and reported as the assurance too.
    pub over_prior: bool,
    /// With `[prior]`: the closed-form assurance where it applies
    /// ([`crate::analytic::analytic_assurance`]).
    pub analytic_assurance: Option<f64>,
    /// Replicates simulated at this point.
    pub reps: u64,
}

/// The power table of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepReport {
    /// Scenario name.
    pub scenario: String,
    /// Master seed (the same streams at every point).
    pub seed: u64,
    /// Replicates per point.
    pub reps: u64,
    /// True when stopped early (Ctrl-C): every point has the first `reps` replicates.
    pub partial: bool,
    /// Replicates per point asked for, when stopped early.
    pub reps_planned: Option<u64>,
    /// The varied keys, in `--vary` order.
    pub keys: Vec<String>,
    /// Target power (drawn on plots), if given.
    pub target_power: Option<f64>,
    /// One row per grid point, the first key varying slowest.
    pub points: Vec<SweepPoint>,
    /// Wall time of the simulation, seconds.
    pub elapsed_s: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(spec: &str) -> Vec<String> {
        Vary::parse(spec).unwrap().values
    }

    #[test]
    fn decimal_ranges_are_exact() {
        assert_eq!(
            values("effect.hazard_ratio.low=0.6:0.8:0.05"),
            ["0.6", "0.65", "0.7", "0.75", "0.8"]
        );
        assert_eq!(values("x=0.1:0.3:0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(values("x=300:500:100"), ["300", "400", "500"]);
        assert_eq!(values("x=1:2:0.5"), ["1.0", "1.5", "2.0"]);
        assert_eq!(values("x=10:0:-5"), ["10", "5", "0"]);
        assert_eq!(values("x=-0.1:0.1:0.1"), ["-0.1", "0.0", "0.1"]);
        // STOP not on the lattice: the last value is the last one not beyond it.
        assert_eq!(values("x=300:450:100"), ["300", "400"]);
    }

    #[test]
    fn lists_split_at_top_level_commas() {
        assert_eq!(
            values("design.sample_size=300, 400,500"),
            ["300", "400", "500"]
        );
        assert_eq!(
            values("design.allocation=[1, 1],[2, 1]"),
            ["[1, 1]", "[2, 1]"]
        );
        assert_eq!(
            values(r#"design.analysis={ events = 200 },{ calendar = 48.0 }"#),
            ["{ events = 200 }", "{ calendar = 48.0 }"]
        );
        assert_eq!(values(r#"name="a,b","c""#), [r#""a,b""#, r#""c""#]);
        assert_eq!(values("design.test=logrank"), ["logrank"]);
    }

    #[test]
    fn malformed_specifications_are_refused() {
        for spec in [
            "design.sample_size",
            "=1,2",
            "design..x=1",
            "x=",
            "x=1,,2",
            "x=1:2",
            "x=1:2:0",
            "x=1:2:-1",
            "x=a:2:1",
            "x=0:1000000:1",
            "x=[1,2",
            "x=1]",
        ] {
            let err = Vary::parse(spec).unwrap_err().to_string();
            assert!(err.contains("--vary"), "{spec}: {err}");
        }
        assert!(Grid::parse(&["a=1,2".into(), "a=3".into()]).is_err());
        assert!(Grid::parse(&[]).is_err());
    }

    #[test]
    fn grid_is_the_cartesian_product_first_key_slowest() {
        let grid = Grid::parse(&["a=1,2".into(), "b=x,y,z".into()]).unwrap();
        assert_eq!(grid.len(), 6);
        assert_eq!(grid.values(0), ["1", "x"]);
        assert_eq!(grid.values(2), ["1", "z"]);
        assert_eq!(grid.values(3), ["2", "x"]);
        assert_eq!(grid.assignments(5), ["a=2", "b=z"]);
    }
}
