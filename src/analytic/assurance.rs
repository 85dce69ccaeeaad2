//! The prior of the true hazard ratios as reported, and the closed-form assurance: the
//! probability of success averaged over the prior (O'Hagan, Stevens and Campbell 2005,
//! "Assurance in clinical trial design", Pharmaceutical Statistics 4: 187-201), the
//! closed-form power integrated over the prior's normal scores.

use super::numerics::gauss_hermite;
use crate::model::prior::EffectPrior;
use crate::model::{Design, Model};
use crate::scenario::MAX_STRATA;
use crate::stats::normal;
use serde::Serialize;

/// The report of `model`'s prior (None without one), with the closed-form assurance and the bins
/// of the drawn hazard ratio still empty.
pub fn prior_summary(model: &Model, design: &Design, strata: &[String]) -> Option<PriorSummary> {
    let prior = model.prior.as_ref()?;
    let mut summary = describe(prior, strata);
    summary.analytic_assurance = analytic_assurance(model, design);
    Some(summary)
}

/// The closed-form assurance: the closed-form power ([`crate::analytic::analytic_power`],
/// Schoenfeld's drift at the average hazard ratio) averaged over the prior,
/// E[power(HR)] = int power(HR(z)) phi(z) dz over the standard normal scores z: by two
/// 16-point Gauss-Legendre panels on [-7, 7] when the prior varies along one dimension (one
/// entry of positive width, or correlation 1; checked against O'Hagan et al.'s closed form to
/// 1e-7 in tests/it/mc_prior.rs), and by the product Gauss-Hermite rule of [`TWO_DIMENSIONS`]
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
        crate::analytic::analytic_power(
            &model.with_drawn_hazard_ratios(prior, &hrs[..prior.entries.len()]),
            design,
        )
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
    let (x, w) = super::numerics::rule();
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

/// The prior as reported, with its bins empty (no replicate yet: [`crate::study::summary`] fills
/// them from the simulated outcomes) and no closed-form assurance.
fn describe(prior: &EffectPrior, strata: &[String]) -> PriorSummary {
    let bins: Vec<PriorBin> = (0..=prior.edges.len())
        .map(|i| PriorBin {
            hr_from: if i == 0 { 0.0 } else { prior.edges[i - 1] },
            hr_to: prior.edges.get(i).copied().unwrap_or(f64::INFINITY),
            reps: 0,
            power: f64::NAN,
            power_se: f64::NAN,
            power_lower: f64::NAN,
            power_upper: f64::NAN,
        })
        .collect();
    PriorSummary {
        entries: prior
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
                median: prior.quantile(e, 0.5),
                hr_lower: prior.quantile(e, 0.025),
                hr_upper: prior.quantile(e, 0.975),
            })
            .collect(),
        discount: prior.discount,
        sd_inflation: prior.sd_inflation,
        correlation: prior.correlation,
        level: prior.level,
        bin_by: prior.entries[prior.bin_by].name.clone(),
        bins,
        analytic_assurance: None,
    }
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
