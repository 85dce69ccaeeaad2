//! Effect priors and assurance: the true hazard ratio drawn once per replicate.
//!
//! A Phase 2b subgroup estimate is noisy and selected, so a Phase 3 sized on it is usually
//! underpowered. A prior turns the reported estimate and interval into a distribution of the
//! true hazard ratio, and the probability of success averaged over it, the **assurance**
//! (O'Hagan, Stevens and Campbell 2005, "Assurance in clinical trial design", Pharmaceutical
//! Statistics 4: 187-201), is what the simulation then estimates.
//!
//! Each entry e of `[prior.hazard_ratio]` is log-normal: from the reported estimate h and
//! interval (l, u) at level 1 - a (a paper's 95% interval on the log scale),
//!
//!   mu_e = d ln h,    sigma_e = k (ln u - ln l) / (2 z_(1 - a/2)),
//!
//! with the discount d in [0, 1] (shrinking the log hazard ratio toward 0, no effect) and the
//! SD inflation k. Entries are correlated through a shared standard normal Z_0:
//!
//!   ln HR_e = mu_e + sigma_e (sqrt(rho) Z_0 + sqrt(1 - rho) Z_e),
//!
//! so every pair has correlation rho and each margin is N(mu_e, sigma_e^2). An entry's strata
//! share its draw; the other strata keep `[effect]`'s hazard ratio. The draws come from their
//! own random stream ([`Purpose::Prior`]): Z_0 first, then Z_e in entry order, so the rest of
//! the replicate (screening, randomisation, event times, dropout) uses the same numbers as a
//! run without a prior, and a prior of zero width gives exactly the fixed-effect run.

use crate::analytic::numerics::gauss_hermite;
use crate::engine::TrialOutcome;
use crate::model::{Design, Model};
use crate::normal;
use crate::rng::{self, Purpose, Streams};
use crate::scenario::{MAX_STRATA, PriorSpec};
use crate::summary::wilson;
use serde::Serialize;

/// One log-normal entry of the prior.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorEntry {
    /// The entry's name (a stratum, or a group of strata).
    pub name: String,
    /// The TRUE strata whose hazard ratio it draws.
    pub strata: Vec<usize>,
    /// The reported estimate.
    pub estimate: f64,
    /// The reported interval's lower end.
    pub lower: f64,
    /// The reported interval's upper end.
    pub upper: f64,
    /// mu = discount * ln(estimate).
    pub log_mean: f64,
    /// sigma = sd_inflation * (ln upper - ln lower) / (2 z_(1 - a/2)).
    pub log_sd: f64,
}

/// The resolved prior of a model.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectPrior {
    /// The entries, ordered by their first stratum.
    pub entries: Vec<PriorEntry>,
    /// Factor on the log estimate.
    pub discount: f64,
    /// Factor on the log SD.
    pub sd_inflation: f64,
    /// Correlation of the entries' log hazard ratios.
    pub correlation: f64,
    /// Level of the reported intervals.
    pub level: f64,
    /// The entry whose draw bins the conditional power.
    pub bin_by: usize,
    /// Bin edges (ascending): bins (0, e_0), [e_0, e_1), ..., [e_last, inf).
    pub edges: Vec<f64>,
}

impl EffectPrior {
    /// The prior of `spec`; `shares[j]` is true stratum j's expected share of the randomised,
    /// which chooses the binning entry when the scenario does not.
    pub fn new(spec: &PriorSpec, shares: &[f64]) -> EffectPrior {
        let z = normal::quantile(0.5 + spec.level / 2.0);
        let entries: Vec<PriorEntry> = spec
            .entries
            .iter()
            .map(|e| PriorEntry {
                name: e.name.clone(),
                strata: e.strata.clone(),
                estimate: e.estimate,
                lower: e.lower,
                upper: e.upper,
                log_mean: spec.discount * e.estimate.ln(),
                log_sd: spec.sd_inflation * (e.upper.ln() - e.lower.ln()) / (2.0 * z),
            })
            .collect();
        let bin_by = spec.bin_by.unwrap_or_else(|| {
            let share = |e: &PriorEntry| e.strata.iter().map(|&j| shares[j]).sum::<f64>();
            // The largest share; the first entry on ties.
            (0..entries.len())
                .rev()
                .max_by(|&a, &b| share(&entries[a]).total_cmp(&share(&entries[b])))
                .unwrap_or(0)
        });
        let mut prior = EffectPrior {
            entries,
            discount: spec.discount,
            sd_inflation: spec.sd_inflation,
            correlation: spec.correlation,
            level: spec.level,
            bin_by,
            edges: Vec::new(),
        };
        prior.edges = match &spec.bins {
            Some(edges) => edges.clone(),
            None => default_edges(prior.quantile(bin_by, 0.025), prior.quantile(bin_by, 0.975)),
        };
        prior
    }

    /// The p-quantile of entry `e`'s hazard ratio: exp(mu + sigma Phi^{-1}(p)).
    pub fn quantile(&self, e: usize, p: f64) -> f64 {
        let entry = &self.entries[e];
        (entry.log_mean + entry.log_sd * normal::quantile(p)).exp()
    }

    /// Entry `e`'s hazard ratio at standard normal score `z`: h^d exp(sigma z), which is
    /// exactly h when d = 1 and sigma z = 0 (so a prior of zero width reproduces the fixed
    /// hazard ratio to the bit).
    pub fn hazard_ratio(&self, e: usize, z: f64) -> f64 {
        let entry = &self.entries[e];
        entry.estimate.powf(self.discount) * (entry.log_sd * z).exp()
    }

    /// Draws every entry's hazard ratio for replicate `replicate` from its own stream.
    pub fn draw(&self, streams: &Streams, replicate: u64) -> [f64; MAX_STRATA] {
        let mut rng = streams.rng(Purpose::Prior, replicate);
        let shared = rng::normal(&mut rng);
        let (a, b) = (self.correlation.sqrt(), (1.0 - self.correlation).sqrt());
        let mut hrs = [f64::NAN; MAX_STRATA];
        for (e, hr) in hrs.iter_mut().enumerate().take(self.entries.len()) {
            let own = rng::normal(&mut rng);
            *hr = self.hazard_ratio(e, a * shared + b * own);
        }
        hrs
    }

    /// The model with the entries' hazard ratios `hrs` in their strata (no prior).
    pub fn apply(&self, model: &Model, hrs: &[f64]) -> Model {
        let mut outcomes = model.outcomes.clone();
        for (entry, &hr) in self.entries.iter().zip(hrs) {
            for &j in &entry.strata {
                outcomes[j] = outcomes[j].with_hazard_ratio(hr);
            }
        }
        Model {
            population: model.population.clone(),
            screening: model.screening.clone(),
            screen_failure: model.screen_failure,
            outcomes,
            dropout: model.dropout,
            prior: None,
        }
    }

    /// The hazard ratios of every entry at score `z` along the prior's single dimension.
    fn along(&self, z: f64) -> [f64; MAX_STRATA] {
        let mut hrs = [f64::NAN; MAX_STRATA];
        for (e, hr) in hrs.iter_mut().enumerate().take(self.entries.len()) {
            *hr = self.hazard_ratio(e, z);
        }
        hrs
    }

    /// Describes the prior and bins the simulated outcomes by their drawn hazard ratio.
    pub fn summarise(&self, strata: &[String], outcomes: &[TrialOutcome]) -> PriorSummary {
        let mut bins: Vec<PriorBin> = (0..=self.edges.len())
            .map(|i| PriorBin {
                hr_from: if i == 0 { 0.0 } else { self.edges[i - 1] },
                hr_to: self.edges.get(i).copied().unwrap_or(f64::INFINITY),
                reps: 0,
                power: f64::NAN,
                power_se: f64::NAN,
                power_lower: f64::NAN,
                power_upper: f64::NAN,
            })
            .collect();
        let mut successes = vec![0u64; bins.len()];
        for o in outcomes {
            let i = self.edges.partition_point(|&e| e <= o.true_hr);
            bins[i].reps += 1;
            successes[i] += u64::from(o.reject);
        }
        for (bin, &x) in bins.iter_mut().zip(&successes) {
            if bin.reps > 0 {
                let n = bin.reps as f64;
                let p = x as f64 / n;
                let (lo, hi) = wilson(x as f64, n);
                bin.power = p;
                bin.power_se = (p * (1.0 - p) / n).sqrt();
                bin.power_lower = lo;
                bin.power_upper = hi;
            }
        }
        PriorSummary {
            entries: self
                .entries
                .iter()
                .enumerate()
                .map(|(e, entry)| PriorEntrySummary {
                    name: entry.name.clone(),
                    strata: entry.strata.iter().map(|&j| strata[j].clone()).collect(),
                    estimate: entry.estimate,
                    lower: entry.lower,
                    upper: entry.upper,
                    log_mean: entry.log_mean,
                    log_sd: entry.log_sd,
                    median: self.quantile(e, 0.5),
                    hr_lower: self.quantile(e, 0.025),
                    hr_upper: self.quantile(e, 0.975),
                })
                .collect(),
            discount: self.discount,
            sd_inflation: self.sd_inflation,
            correlation: self.correlation,
            level: self.level,
            bin_by: self.entries[self.bin_by].name.clone(),
            bins,
            analytic_assurance: None,
        }
    }
}

/// The report of `model`'s prior (None without one): [`EffectPrior::summarise`] of `outcomes`
/// (none for a description without simulation) with the closed-form assurance.
pub fn summary(
    model: &Model,
    design: &Design,
    strata: &[String],
    outcomes: &[TrialOutcome],
) -> Option<PriorSummary> {
    let prior = model.prior.as_ref()?;
    let mut summary = prior.summarise(strata, outcomes);
    summary.analytic_assurance = analytic_assurance(model, design);
    Some(summary)
}

/// The closed-form assurance: the closed-form power ([`crate::analytic::analytic_power`],
/// Schoenfeld's drift at the average hazard ratio) averaged over the prior,
/// E[power(HR)] = int power(HR(z)) phi(z) dz over the standard normal scores z: by two
/// 16-point Gauss-Legendre panels on [-7, 7] when the prior varies along one dimension (one
/// entry of positive width, or correlation 1; checked against O'Hagan et al.'s closed form to
/// 1e-7 in tests/mc_prior.rs), and by the product Gauss-Hermite rule of [`TWO_DIMENSIONS`]
/// points per score when two entries vary (their scores correlated rho through the Cholesky
/// factor; within 3e-4 of the 32 x 32 Gauss-Legendre rule on phase3-enriched-prior.toml).
/// None with three or more varying entries (correlation below 1), or where the closed-form
/// power does not apply.
pub fn analytic_assurance(model: &Model, design: &Design) -> Option<f64> {
    let prior = model.prior.as_ref()?;
    let varying: Vec<usize> = (0..prior.entries.len())
        .filter(|&e| prior.entries[e].log_sd > 0.0)
        .collect();
    let power = |hrs: &[f64; MAX_STRATA]| {
        crate::analytic::analytic_power(&prior.apply(model, &hrs[..prior.entries.len()]), design)
    };
    if prior.correlation == 1.0 || varying.len() <= 1 {
        // z moves every varying entry (all of them share it, or only one varies).
        let mut total = 0.0;
        for (z, w) in legendre(-7.0, 7.0, 2) {
            total += w * normal::pdf(z) * power(&prior.along(z))?;
        }
        return Some(total.clamp(0.0, 1.0));
    }
    if varying.len() == 2 {
        // The two scores are standard normal with correlation rho: (z1, rho z1 + sqrt(1 -
        // rho^2) z2) for independent z1, z2 (the Cholesky factor of their correlation matrix).
        let rho = prior.correlation;
        let rest = (1.0 - rho * rho).sqrt();
        let nodes = gauss_hermite(TWO_DIMENSIONS);
        let mut total = 0.0;
        for &(z1, w1) in &nodes {
            for &(z2, w2) in &nodes {
                let mut hrs = prior.along(0.0);
                hrs[varying[0]] = prior.hazard_ratio(varying[0], z1);
                hrs[varying[1]] = prior.hazard_ratio(varying[1], rho * z1 + rest * z2);
                total += w1 * w2 * power(&hrs)?;
            }
        }
        return Some(total.clamp(0.0, 1.0));
    }
    None
}

/// Nodes and weights of `panels` 16-point Gauss-Legendre panels on [a, b].
fn legendre(a: f64, b: f64, panels: usize) -> Vec<(f64, f64)> {
    let (x, w) = crate::analytic::numerics::rule();
    let half = 0.5 * (b - a) / panels as f64;
    (0..panels)
        .flat_map(|i| {
            let mid = a + (2 * i + 1) as f64 * half;
            x.iter()
                .zip(w)
                .map(move |(x, w)| (mid + half * x, w * half))
        })
        .collect()
}

/// Gauss-Hermite points per score of the closed-form assurance over two scores.
const TWO_DIMENSIONS: usize = 12;

/// Bin edges from the prior's central 95% range (lo, hi) of the binning hazard ratio: the
/// multiples of the roundest step (0.05, 0.1, 0.2, 0.25, 0.5, 1, ...) that cut it into at most
/// eight bins. A prior of zero width gets the two edges around its value.
pub fn default_edges(lo: f64, hi: f64) -> Vec<f64> {
    let steps = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0];
    let span = hi - lo;
    let step = steps
        .iter()
        .copied()
        .find(|s| span / s <= 8.0)
        .unwrap_or(10.0);
    let first = (lo / step).floor().max(1.0);
    let last = (hi / step).ceil().max(first + 1.0);
    ((first as u64)..=(last as u64))
        .map(|k| round_edge(k as f64 * step))
        .collect()
}

/// Removes the binary noise of k * step (0.30000000000000004 -> 0.3).
fn round_edge(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The prior as reported, with the conditional power by drawn hazard ratio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriorSummary {
    /// Per entry.
    pub entries: Vec<PriorEntrySummary>,
    /// Factor on the log estimate.
    pub discount: f64,
    /// Factor on the log SD.
    pub sd_inflation: f64,
    /// Correlation of the entries' log hazard ratios.
    pub correlation: f64,
    /// Level of the reported intervals.
    pub level: f64,
    /// The entry whose drawn hazard ratio bins the power.
    pub bin_by: String,
    /// Power conditional on the drawn hazard ratio, by bin (every bin of the edges, so the
    /// columns of a CSV are the same from run to run; NaN power where a bin is empty).
    pub bins: Vec<PriorBin>,
    /// The closed-form assurance ([`analytic_assurance`]), where it applies.
    pub analytic_assurance: Option<f64>,
}

/// One entry of the prior, as reported and as drawn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriorEntrySummary {
    /// Entry name.
    pub name: String,
    /// Its TRUE strata.
    pub strata: Vec<String>,
    /// The reported estimate.
    pub estimate: f64,
    /// The reported interval's lower end.
    pub lower: f64,
    /// The reported interval's upper end.
    pub upper: f64,
    /// Mean of the drawn log hazard ratio (after the discount).
    pub log_mean: f64,
    /// SD of the drawn log hazard ratio (after the inflation).
    pub log_sd: f64,
    /// Median of the drawn hazard ratio.
    pub median: f64,
    /// 2.5% quantile of the drawn hazard ratio.
    pub hr_lower: f64,
    /// 97.5% quantile of the drawn hazard ratio.
    pub hr_upper: f64,
}

/// The power among replicates whose drawn hazard ratio fell in [hr_from, hr_to).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriorBin {
    /// Lower edge (0 for the first bin).
    pub hr_from: f64,
    /// Upper edge (infinite for the last bin: written as null in JSON).
    #[serde(serialize_with = "finite_or_null")]
    pub hr_to: f64,
    /// Replicates in the bin.
    pub reps: u64,
    /// Fraction of them rejecting the primary hypothesis.
    pub power: f64,
    /// Its Monte Carlo SE.
    pub power_se: f64,
    /// 95% Wilson interval, lower end.
    pub power_lower: f64,
    /// 95% Wilson interval, upper end.
    pub power_upper: f64,
}

fn finite_or_null<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(*x)
    } else {
        s.serialize_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_edges_are_round_and_cover_the_range() {
        assert_eq!(
            default_edges(0.31, 0.88),
            vec![0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
        );
        let point = default_edges(0.65, 0.65);
        assert!(point.len() == 2 && point[0] <= 0.65 && 0.65 < point[1]);
        let e = default_edges(0.2, 4.9);
        // Step 1: the first bin, below 1, holds the low end.
        assert_eq!(e, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    }
}
