//! Sample-size search: the smallest `design.sample_size` or `design.analysis.events` whose
//! simulated power reaches a target.
//!
//! Monte Carlo power is noisy, so a bisection on simulated powers wanders. Instead the search
//! fits the local power curve and solves it:
//!
//! 1. **Start** from the closed form (`analytic::analyse`: Schoenfeld events, or the subjects
//!    that give them), or the scenario's own value when there is none.
//! 2. **Pilot**: simulate five values around the start (0.7 to 1.3 times it) with the first
//!    [`PILOT_REPS`] replicates, fit the curve, and move the five values until they bracket the
//!    target (at most [`MAX_PILOT_ROUNDS`] rounds).
//! 3. **Final**: simulate five values centred on the pilot's root, spaced to cover about three
//!    of the final standard errors on each side (4% to 15% of the value), with all the
//!    replicates; fit, solve, report.
//!
//! Every value is simulated on the same replicate streams (common random numbers), so the
//! points of one curve differ only by the design, and the curve is smooth.
//!
//! **The curve** is a probit regression of power on the square root of the key,
//! Phi^-1(power) = a + b sqrt(n), the form of Schoenfeld's (1981) approximation (the log-rank
//! drift grows with the square root of the events, and of the patients when the events are
//! proportional to them), fitted by maximum likelihood (binomial GLM with probit link, by
//! iteratively reweighted least squares) to the simulated rejections.
//!
//! **The uncertainty** is Monte Carlo error only. The points share replicates, so they are
//! correlated and the GLM's own standard errors would be too small; the covariance of (a, b) is
//! the cluster-robust sandwich A^-1 B A^-1 with the replicates as clusters (Liang and Zeger
//! 1986): A the Fisher information, B the sum over replicates of the outer products of each
//! replicate's score summed over the points. The root n* = ((Phi^-1(target) - a) / b)^2 gets
//! its standard error by the delta method. The search reports the value (the smallest whole
//! number whose fitted power reaches the target, ceil(n*)) with the **95% Monte Carlo interval
//! n* +- 1.96 SE**, rounded outwards: this interval is the search's stated uncertainty. Two
//! searches with different seeds differ by less than its width with probability about 99%.
//! Its power is the fitted curve's at the value, with a delta-method SE.
//!
//! With `--shard`, every shard runs the whole pilot (a few thousand replicates per point, the
//! same in every shard) and its share of the final replicates; the merged file is fitted as the
//! single run is.

use crate::error::{Error, Result};
use crate::scenario::AnalysisSpec;
use crate::simulation::engine::{Replicates, RunOptions, TrialOutcome};
use crate::stats::normal;
use crate::study::{Simulation, Study};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// Replicates per pilot point (fewer when the search is asked for fewer).
pub const PILOT_REPS: u64 = 2000;
/// Most pilot rounds before the search gives up bracketing the target.
pub const MAX_PILOT_ROUNDS: usize = 8;
/// Pilot points, as multiples of the round's centre.
const PILOT_FACTORS: [f64; 5] = [0.7, 0.85, 1.0, 1.15, 1.3];
/// Final points, as multiples of the half-span around the pilot's root.
const FINAL_OFFSETS: [f64; 5] = [-1.0, -0.5, 0.0, 0.5, 1.0];
/// z_0.975.
const Z95: f64 = 1.959_963_984_540_054;
/// Largest value searched.
const MAX_VALUE: u64 = 1_000_000;

/// The key a search varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizeKey {
    /// `design.sample_size`: patients randomised.
    #[serde(rename = "design.sample_size")]
    SampleSize,
    /// `design.analysis.events`: events at the (final) analysis.
    #[serde(rename = "design.analysis.events")]
    Events,
}

impl SizeKey {
    /// The scenario key.
    pub fn path(self) -> &'static str {
        match self {
            SizeKey::SampleSize => "design.sample_size",
            SizeKey::Events => "design.analysis.events",
        }
    }

    /// Parses `--key`.
    pub fn parse(name: &str) -> Result<SizeKey> {
        match name.trim() {
            "design.sample_size" | "sample_size" => Ok(SizeKey::SampleSize),
            "design.analysis.events" | "events" => Ok(SizeKey::Events),
            _ => Err(Error::usage(
                "--key",
                name,
                "design.sample_size or design.analysis.events",
            )),
        }
    }

    /// The key's unit, for people.
    pub fn unit(self) -> &'static str {
        match self {
            SizeKey::SampleSize => "patients randomised",
            SizeKey::Events => "events",
        }
    }
}

/// Rejections at one simulated value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointPower {
    /// The key's value.
    pub value: u64,
    /// Replicates rejecting.
    pub rejections: u64,
    /// Replicates simulated.
    pub reps: u64,
}

/// What the pilot decided: the pilot's points and the values of the final stage. It depends
/// only on the scenario, the target, the seed and the replicates, so every shard finds the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Replicates per pilot point.
    pub pilot_reps: u64,
    /// Pilot points, ascending.
    pub pilot: Vec<PointPower>,
    /// Values of the final stage, ascending.
    pub grid: Vec<u64>,
}

/// A probit curve Phi^-1(power) = a + b (sqrt(n) - centre) with its sandwich covariance.
#[derive(Clone, Debug, PartialEq)]
pub struct Fit {
    /// sqrt(n) is centred here for a well-conditioned fit.
    pub centre: f64,
    /// Intercept a (at sqrt(n) = centre).
    pub a: f64,
    /// Slope b per unit of sqrt(n).
    pub b: f64,
    /// Cluster-robust covariance of (a, b).
    pub cov: [[f64; 2]; 2],
}

impl Fit {
    /// Fits the curve to `rejects[k][r]` (point k at `values[k]`, replicate r, the same
    /// replicates at every point). None when the likelihood has no finite maximum with a
    /// positive slope (flat or separated data).
    pub fn new(values: &[u64], rejects: &[Vec<bool>]) -> Option<Fit> {
        let k_points = values.len();
        let reps = rejects.first().map_or(0, Vec::len);
        if k_points < 2 || reps == 0 || rejects.iter().any(|r| r.len() != reps) {
            return None;
        }
        let m = reps as f64;
        let roots: Vec<f64> = values.iter().map(|&v| (v as f64).sqrt()).collect();
        let centre = roots.iter().sum::<f64>() / k_points as f64;
        let x: Vec<f64> = roots.iter().map(|s| s - centre).collect();
        if x.iter().all(|v| v.abs() < 1e-12) {
            return None;
        }
        let y: Vec<f64> = rejects.iter().map(|r| count(r) as f64).collect();
        // Start: least squares of the empirical probits on x.
        let z0: Vec<f64> = y
            .iter()
            .map(|&yk| normal::quantile((yk + 0.5) / (m + 1.0)))
            .collect();
        let (mut a, mut b) = weighted_line(&x, &z0, &vec![1.0; k_points])?;
        let mut converged = false;
        for _ in 0..100 {
            let mut w = vec![0.0; k_points];
            let mut z = vec![0.0; k_points];
            for k in 0..k_points {
                let eta = a + b * x[k];
                let (mu, phi) = probit(eta);
                w[k] = m * phi * phi / (mu * (1.0 - mu));
                z[k] = eta + (y[k] / m - mu) / phi;
            }
            let (a1, b1) = weighted_line(&x, &z, &w)?;
            let change = (a1 - a).abs().max((b1 - b).abs());
            a = a1;
            b = b1;
            if !a.is_finite() || !b.is_finite() || b.abs() > 1e6 {
                return None;
            }
            if change < 1e-11 * (1.0 + a.abs() + b.abs()) {
                converged = true;
                break;
            }
        }
        if !converged || b <= 0.0 {
            return None;
        }
        // Bread: the Fisher information. Meat: sum over replicates of score outer products.
        let mut info = [[0.0; 2]; 2];
        let mut factor = vec![0.0; k_points];
        let mut mu = vec![0.0; k_points];
        for k in 0..k_points {
            let (m_k, phi) = probit(a + b * x[k]);
            let w = m * phi * phi / (m_k * (1.0 - m_k));
            info[0][0] += w;
            info[0][1] += w * x[k];
            info[1][1] += w * x[k] * x[k];
            factor[k] = phi / (m_k * (1.0 - m_k));
            mu[k] = m_k;
        }
        info[1][0] = info[0][1];
        let mut meat = [[0.0; 2]; 2];
        #[allow(clippy::needless_range_loop)] // r indexes every point's rejections
        for r in 0..reps {
            let (mut u0, mut u1) = (0.0, 0.0);
            for k in 0..k_points {
                let s = (f64::from(u8::from(rejects[k][r])) - mu[k]) * factor[k];
                u0 += s;
                u1 += s * x[k];
            }
            meat[0][0] += u0 * u0;
            meat[0][1] += u0 * u1;
            meat[1][1] += u1 * u1;
        }
        meat[1][0] = meat[0][1];
        let bread = invert(info)?;
        let cov = multiply(multiply(bread, meat), bread);
        Some(Fit { centre, a, b, cov })
    }

    fn eta(&self, n: f64) -> f64 {
        self.a + self.b * (n.sqrt() - self.centre)
    }

    /// Fitted power at n.
    pub fn power(&self, n: f64) -> f64 {
        normal::cdf(self.eta(n))
    }

    /// Delta-method standard error of the fitted power at n.
    pub fn power_se(&self, n: f64) -> f64 {
        let g = [1.0, n.sqrt() - self.centre];
        normal::pdf(self.eta(n)) * quadratic(&self.cov, g).sqrt()
    }

    /// The root n* of power(n) = target and its delta-method standard error.
    pub fn root(&self, target: f64) -> (f64, f64) {
        let q = normal::quantile(target);
        let s = self.centre + (q - self.a) / self.b;
        let root = s * s;
        // n* = s^2, s = centre + (q - a) / b: dn/da = -2 s / b, dn/db = -2 s (q - a) / b^2.
        let g = [
            -2.0 * s / self.b,
            -2.0 * s * (q - self.a) / (self.b * self.b),
        ];
        (root, quadratic(&self.cov, g).sqrt())
    }
}

/// (Phi(eta), phi(eta)), kept away from 0 and 1 so the IRLS weights stay finite.
fn probit(eta: f64) -> (f64, f64) {
    let mu = normal::cdf(eta).clamp(1e-12, 1.0 - 1e-12);
    (mu, normal::pdf(eta).max(1e-300))
}

/// Weighted least-squares line z = a + b x.
fn weighted_line(x: &[f64], z: &[f64], w: &[f64]) -> Option<(f64, f64)> {
    let (mut s0, mut s1, mut s2, mut t0, mut t1) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for k in 0..x.len() {
        s0 += w[k];
        s1 += w[k] * x[k];
        s2 += w[k] * x[k] * x[k];
        t0 += w[k] * z[k];
        t1 += w[k] * x[k] * z[k];
    }
    let det = s0 * s2 - s1 * s1;
    if det.abs() <= 1e-300 || det.is_nan() {
        return None;
    }
    Some(((s2 * t0 - s1 * t1) / det, (s0 * t1 - s1 * t0) / det))
}

fn invert(m: [[f64; 2]; 2]) -> Option<[[f64; 2]; 2]> {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    if det.abs() <= 1e-300 || det.is_nan() {
        return None;
    }
    Some([
        [m[1][1] / det, -m[0][1] / det],
        [-m[1][0] / det, m[0][0] / det],
    ])
}

fn multiply(p: [[f64; 2]; 2], q: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    let mut out = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            out[i][j] = p[i][0] * q[0][j] + p[i][1] * q[1][j];
        }
    }
    out
}

fn quadratic(m: &[[f64; 2]; 2], g: [f64; 2]) -> f64 {
    (g[0] * (m[0][0] * g[0] + m[0][1] * g[1]) + g[1] * (m[1][0] * g[0] + m[1][1] * g[1])).max(0.0)
}

/// Rejection indicators of outcomes.
fn rejects(outcomes: &[TrialOutcome]) -> Vec<bool> {
    outcomes.iter().map(|o| o.reject).collect()
}

/// Replicates rejecting.
fn count(rejects: &[bool]) -> u64 {
    rejects.iter().filter(|&&b| b).count() as u64
}

/// A sample-size search of one scenario.
#[derive(Clone, Debug)]
pub struct Search {
    text: String,
    file: String,
    sets: Vec<String>,
    /// The key searched.
    pub key: SizeKey,
    /// The target power.
    pub target: f64,
    /// The scenario as given (with its overrides).
    pub base: Study,
    /// The closed-form value of the key for the target, where there is one.
    pub analytic_value: Option<f64>,
    /// Smallest and largest value allowed.
    bounds: (u64, u64),
}

impl Search {
    /// Prepares a search of `key` (default: the events of an event-driven analysis, otherwise the
    /// sample size) for `target` power, and checks that the key can move the power.
    pub fn new(
        text: &str,
        file: &str,
        sets: &[String],
        key: Option<&str>,
        target: f64,
    ) -> Result<Search> {
        let base = Study::parse(text, file, sets)?;
        if !(target > base.design.alpha && target < 1.0) {
            return Err(Error::usage(
                "--target-power",
                target,
                format!(
                    "a power between the design's alpha ({}) and 1",
                    base.design.alpha
                ),
            ));
        }
        let events = match base.design.analysis {
            AnalysisSpec::Events(d) => Some(d),
            _ => None,
        };
        let key = match key {
            Some(name) => SizeKey::parse(name)?,
            None if events.is_some() => SizeKey::Events,
            None => SizeKey::SampleSize,
        };
        let bounds = match (key, events) {
            (SizeKey::Events, Some(_)) => (2, u64::from(base.design.sample_size)),
            (SizeKey::Events, None) => {
                return Err(Error::usage(
                    "--key",
                    key.path(),
                    "design.sample_size: this design is analysed at a calendar time, not at a number of events",
                ));
            }
            (SizeKey::SampleSize, Some(d)) => {
                // The follow-up after the last randomisation at which the d-th event is now
                // expected: analysing there instead makes the sample size matter.
                let after_last = crate::analytic::power_analysis(
                    &base.model,
                    &base.design,
                    crate::analytic::Method::Schoenfeld,
                )
                .and_then(|p| p.looks.last().map(|l| l.time))
                .map(|t| t - base.model.expected_enrolment_time(&base.design))
                .filter(|f| f.is_finite() && *f > 0.0);
                let set = match after_last {
                    Some(f) => format!(
                        "--set 'design.analysis={{ after_last = {f:.1} }}' (the {d}th event is expected {f:.1} months after the last randomisation)"
                    ),
                    None => "--set 'design.analysis={ after_last = MONTHS }'".to_string(),
                };
                return Err(Error::usage(
                    "--key",
                    key.path(),
                    format!(
                        "design.analysis.events: this analysis waits for {d} events whatever the sample size, so the sample size hardly moves the power; to search the sample size, analyse at a fixed follow-up instead: {set}"
                    ),
                ));
            }
            (SizeKey::SampleSize, None) => (2, MAX_VALUE),
        };
        let analytic_value = crate::analytic::analyse(&base.model, &base.design, target)
            .ok()
            .map(|a| match key {
                SizeKey::Events => a.events,
                SizeKey::SampleSize => a.subjects,
            })
            .filter(|v| v.is_finite() && *v > 0.0);
        Ok(Search {
            text: text.to_string(),
            file: file.to_string(),
            sets: sets.to_vec(),
            key,
            target,
            base,
            analytic_value,
            bounds,
        })
    }

    /// The scenario with the key at `value`.
    pub fn study_at(&self, value: u64) -> Result<Study> {
        let mut overrides = self.sets.clone();
        overrides.push(format!("{}={value}", self.key.path()));
        Study::parse(&self.text, &self.file, &overrides)
    }

    fn studies(&self, values: &[u64]) -> Result<Vec<Study>> {
        values.iter().map(|&v| self.study_at(v)).collect()
    }

    /// The scenario's own value of the key.
    fn current(&self) -> u64 {
        match (self.key, self.base.design.analysis) {
            (SizeKey::Events, AnalysisSpec::Events(d)) => u64::from(d),
            _ => u64::from(self.base.design.sample_size),
        }
    }

    /// Rounded, clamped, distinct values.
    fn values(&self, raw: impl Iterator<Item = f64>) -> Vec<u64> {
        let (lo, hi) = self.bounds;
        let mut values: Vec<u64> = raw
            .map(|v| (v.round().max(0.0) as u64).clamp(lo, hi))
            .collect();
        values.sort_unstable();
        values.dedup();
        values
    }

    /// Runs the pilot (all of its replicates, whatever the shard) and plans the final stage.
    /// `progress` gets (replicate-point simulations done, expected in all with the final stage).
    /// None when cancelled.
    pub fn plan(
        &self,
        options: &RunOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: Option<&AtomicBool>,
    ) -> Result<Option<Plan>> {
        options.check()?;
        let pilot_reps = options.reps.min(PILOT_REPS);
        // The pilot runs all its replicates whatever the shard, so every shard plans the same.
        let pilot_options = RunOptions {
            reps: pilot_reps,
            replicates: None,
            ..options.clone()
        };
        let final_count = options
            .replicates
            .unwrap_or(Replicates::all(options.reps))
            .count();
        let (lo, hi) = self.bounds;
        let start = self
            .analytic_value
            .map_or(self.current() as f64, f64::ceil)
            .clamp(lo as f64, hi as f64);
        let mut centre = start;
        let mut cache: BTreeMap<u64, Vec<bool>> = BTreeMap::new();
        let mut done = 0u64;
        let final_work = FINAL_OFFSETS.len() as u64 * final_count;
        for _round in 0..MAX_PILOT_ROUNDS {
            let grid = self.values(PILOT_FACTORS.iter().map(|f| f * centre));
            let missing: Vec<u64> = grid
                .iter()
                .copied()
                .filter(|v| !cache.contains_key(v))
                .collect();
            let studies = self.studies(&missing)?;
            let work = studies.len() as u64 * pilot_reps;
            let total = done + work + final_work;
            let simulations = crate::study::simulate_all(
                &studies,
                &pilot_options,
                &|d| progress(done + d, total),
                cancel,
            )?;
            if simulations.iter().any(|s| !s.complete()) {
                return Ok(None);
            }
            let outcomes: Vec<Vec<TrialOutcome>> =
                simulations.into_iter().map(|s| s.outcomes).collect();
            done += work;
            for (v, o) in missing.iter().zip(&outcomes) {
                cache.insert(*v, rejects(o));
            }
            let power = |v: &u64| count(&cache[v]) as f64 / pilot_reps as f64;
            let (first, last) = (grid[0], grid[grid.len() - 1]);
            let pilot_points = || self.describe(&cache, pilot_reps);
            if grid.iter().all(|v| power(v) >= self.target) {
                if first == lo {
                    return Err(self.unreachable(format!(
                        "the smallest value searched, {lo}, already has power {:.4}",
                        power(&first)
                    )));
                }
                centre = first as f64 * 0.6;
                continue;
            }
            if grid.iter().all(|v| power(v) < self.target) {
                if last == hi {
                    return Err(self.unreachable(format!(
                        "power stays below {} up to the largest value allowed, {hi} (power {:.4}){}; pilot: {}",
                        self.target,
                        power(&last),
                        if self.key == SizeKey::Events {
                            " (events cannot exceed design.sample_size: raise it with --set design.sample_size=...)"
                        } else {
                            ""
                        },
                        pilot_points()
                    )));
                }
                centre = last as f64 * 1.5;
                continue;
            }
            let rejects: Vec<Vec<bool>> = grid.iter().map(|v| cache[v].clone()).collect();
            let Some(fit) = Fit::new(&grid, &rejects) else {
                return Err(self.unreachable(format!(
                    "simulated power does not increase with {}; pilot: {}",
                    self.key.path(),
                    pilot_points()
                )));
            };
            let (root, se) = fit.root(self.target);
            if root < first as f64 || root > last as f64 {
                centre = root.clamp(first as f64 * 0.5, last as f64 * 2.0);
                continue;
            }
            let se_final = se * (pilot_reps as f64 / options.reps as f64).sqrt();
            let half = (3.0 * se_final).clamp(0.04 * root, 0.15 * root).max(2.0);
            let grid = self.values(FINAL_OFFSETS.iter().map(|o| root + o * half));
            if grid.len() < 2 {
                return Err(self.unreachable(format!(
                    "fewer than two values to simulate around {root:.1}"
                )));
            }
            return Ok(Some(Plan {
                pilot_reps,
                pilot: cache
                    .iter()
                    .map(|(&value, r)| PointPower {
                        value,
                        rejections: count(r),
                        reps: pilot_reps,
                    })
                    .collect(),
                grid,
            }));
        }
        Err(self.unreachable(format!(
            "the pilot did not bracket the target in {MAX_PILOT_ROUNDS} rounds; pilot: {}",
            self.describe(&cache, pilot_reps)
        )))
    }

    fn describe(&self, cache: &BTreeMap<u64, Vec<bool>>, reps: u64) -> String {
        cache
            .iter()
            .map(|(v, r)| format!("{v}: {:.3}", count(r) as f64 / reps as f64))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn unreachable(&self, why: String) -> Error {
        Error::usage(
            "--target-power",
            self.target,
            format!(
                "a power that some {} between the bounds reaches: {why}",
                self.key.path()
            ),
        )
    }

    /// Simulates the final stage of `plan` (all the replicates of `options`, or a shard).
    /// `progress` gets replicate-point simulations done in this stage.
    pub fn simulate(
        &self,
        plan: &Plan,
        options: &RunOptions,
        progress: &(dyn Fn(u64) + Sync),
        cancel: Option<&AtomicBool>,
    ) -> Result<Vec<Simulation>> {
        crate::study::simulate_all(&self.studies(&plan.grid)?, options, progress, cancel)
    }

    /// The result from the final stage's outcomes (one vector per value of `plan.grid`, the same
    /// replicates in replicate order) of a search of `reps` replicates.
    pub fn report(
        &self,
        plan: &Plan,
        seed: u64,
        reps: u64,
        outcomes: &[Vec<TrialOutcome>],
        elapsed_s: f64,
    ) -> Result<SizeReport> {
        let rejects: Vec<Vec<bool>> = outcomes.iter().map(|o| rejects(o)).collect();
        let done = rejects.first().map_or(0, Vec::len) as u64;
        let fit = Fit::new(&plan.grid, &rejects).ok_or_else(|| {
            self.unreachable(format!(
                "the final points do not give an increasing power curve ({} replicates each)",
                done
            ))
        })?;
        let (root, root_se) = fit.root(self.target);
        let (lo, hi) = self.bounds;
        let value = ((root - 1e-9).ceil().max(lo as f64) as u64).min(hi);
        let half = Z95 * root_se;
        let first = plan.grid[0] as f64;
        let last = plan.grid[plan.grid.len() - 1] as f64;
        let mut points: Vec<SizePoint> = plan
            .pilot
            .iter()
            .map(|p| SizePoint::new("pilot", p.value, p.rejections, p.reps))
            .collect();
        points.extend(
            plan.grid
                .iter()
                .zip(&rejects)
                .map(|(&v, r)| SizePoint::new("final", v, count(r), done)),
        );
        let scenario = &self.base.scenario;
        Ok(SizeReport {
            scenario: scenario.name.clone(),
            key: self.key.path().to_string(),
            unit: self.key.unit().to_string(),
            target_power: self.target,
            value,
            root,
            root_se,
            uncertainty: half,
            value_lower: (root - half).floor().max(0.0) as u64,
            value_upper: (root + half).ceil() as u64,
            bracketed: root >= first && root <= last,
            power: fit.power(value as f64),
            power_se: fit.power_se(value as f64),
            analytic_value: self.analytic_value,
            over_prior: self.base.model.prior.is_some(),
            alpha: self.base.design.alpha,
            seed,
            reps: done,
            partial: done < reps,
            reps_planned: (done < reps).then_some(reps),
            reps_total: plan.pilot_reps * plan.pilot.len() as u64 + done * plan.grid.len() as u64,
            probit_intercept: fit.a - fit.b * fit.centre,
            probit_slope: fit.b,
            points,
            elapsed_s,
        })
    }
}

/// One simulated value of a search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SizePoint {
    /// `pilot` or `final`.
    pub stage: String,
    /// The key's value.
    pub value: u64,
    /// Simulated power.
    pub power: f64,
    /// Its Monte Carlo standard error.
    pub power_se: f64,
    /// Replicates.
    pub reps: u64,
}

impl SizePoint {
    fn new(stage: &str, value: u64, rejections: u64, reps: u64) -> SizePoint {
        let p = rejections as f64 / reps as f64;
        SizePoint {
            stage: stage.to_string(),
            value,
            power: p,
            power_se: (p * (1.0 - p) / reps as f64).sqrt(),
            reps,
        }
    }
}

/// The result of a sample-size search. Field names are a contract: extend, never rename.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SizeReport {
    /// Scenario name.
    pub scenario: String,
    /// The key searched (`design.sample_size` or `design.analysis.events`).
    pub key: String,
    /// Its unit, for people.
    pub unit: String,
    /// Target power.
    pub target_power: f64,
    /// The smallest whole value whose fitted power reaches the target: ceil(root).
    pub value: u64,
    /// Root of the fitted power curve (fractional).
    pub root: f64,
    /// Monte Carlo standard error of the root (sandwich and delta method).
    pub root_se: f64,
    /// The stated uncertainty: half-width of the 95% Monte Carlo interval, 1.96 root_se.
    pub uncertainty: f64,
    /// Lower end of the 95% Monte Carlo interval of the root, rounded down.
    pub value_lower: u64,
    /// Upper end, rounded up.
    pub value_upper: u64,
    /// Whether the root lies within the final stage's simulated values.
    pub bracketed: bool,
    /// Fitted power at `value`.
    pub power: f64,
    /// Its standard error (delta method on the sandwich covariance).
    pub power_se: f64,
    /// The closed-form value (e.g. Schoenfeld events), where there is one.
    pub analytic_value: Option<f64>,
    /// Whether the scenario has `[prior]`: "power" is then the assurance, the probability of
    /// success averaged over the prior, which levels off below 1 as the trial grows (the
    /// target must be below that level). Absent from the JSON without a prior.
    #[serde(rename = "assurance", skip_serializing_if = "std::ops::Not::not")]
    pub over_prior: bool,
    /// One-sided level.
    pub alpha: f64,
    /// Master seed.
    pub seed: u64,
    /// Replicates per final point.
    pub reps: u64,
    /// True when stopped early (Ctrl-C) in the final stage.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Replicates per final point asked for, when stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reps_planned: Option<u64>,
    /// Replicate simulations in all (pilot and final points).
    pub reps_total: u64,
    /// Fitted curve Phi^-1(power) = probit_intercept + probit_slope sqrt(value): intercept.
    pub probit_intercept: f64,
    /// Its slope per unit of sqrt(value).
    pub probit_slope: f64,
    /// Every value simulated: the pilot's (fewer replicates) and the final stage's.
    pub points: Vec<SizePoint>,
    /// Wall time, seconds.
    pub elapsed_s: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rejections with known probit curve at each value, on shared uniforms (common random
    /// numbers): replicate r rejects at n when u_r < Phi(a + b sqrt n).
    fn crn_rejects(values: &[u64], a: f64, b: f64, reps: usize) -> Vec<Vec<bool>> {
        let mut state = 12345u64;
        let uniforms: Vec<f64> = (0..reps)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
            })
            .collect();
        values
            .iter()
            .map(|&n| {
                let p = normal::cdf(a + b * (n as f64).sqrt());
                uniforms.iter().map(|&u| u < p).collect()
            })
            .collect()
    }

    #[test]
    fn fit_recovers_a_known_curve_and_its_root() {
        // Schoenfeld at HR 0.7: Phi^-1(power) = -1.96 + 0.1783 sqrt(d); 90% at 330.4 events.
        let b = 0.7f64.ln().abs() / 2.0;
        let values = [300, 315, 330, 345, 360];
        let rejects = crn_rejects(&values, -1.959964, b, 200_000);
        let fit = Fit::new(&values, &rejects).unwrap();
        let (root, se) = fit.root(0.9);
        let exact = ((normal::quantile(0.9) + 1.959964) / b).powi(2);
        assert!(
            (root - exact).abs() < 4.0 * se,
            "{root} vs {exact} (se {se})"
        );
        assert!(se > 0.0 && se < 2.0, "se {se}");
        assert!((fit.power(exact) - 0.9).abs() < 0.003);
    }

    #[test]
    fn sandwich_counts_the_correlation_of_common_random_numbers() {
        // On common random numbers the level of the curve is known only as well as one point's
        // power (all points move together), so the root's SE is about that of one point:
        // sqrt(p(1-p)/R) / slope, not sqrt(5) times smaller as independent points would give.
        let b = 0.7f64.ln().abs() / 2.0;
        let values = [300, 315, 330, 345, 360];
        let reps = 20_000;
        let fit = Fit::new(&values, &crn_rejects(&values, -1.959964, b, reps)).unwrap();
        let (root, se) = fit.root(0.9);
        let slope = normal::pdf(normal::quantile(0.9)) * b / (2.0 * root.sqrt());
        let one_point = (0.9f64 * 0.1 / reps as f64).sqrt() / slope;
        assert!(
            se > 0.7 * one_point && se < 1.3 * one_point,
            "se {se} vs one point's {one_point}"
        );
    }

    #[test]
    fn flat_or_decreasing_power_has_no_fit() {
        let values = [100, 200, 300];
        let flat = crn_rejects(&values, 0.5, 0.0, 5000);
        assert!(Fit::new(&values, &flat).is_none());
        let decreasing = crn_rejects(&values, 3.0, -0.1, 5000);
        assert!(Fit::new(&values, &decreasing).is_none());
    }
}
