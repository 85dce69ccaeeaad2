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

use crate::scenario::{MAX_STRATA, PriorSpec};
use crate::stats::normal;
use crate::stats::rng::{self, Purpose, Streams};

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

    /// The hazard ratios of every entry at score `z` along the prior's single dimension.
    pub fn along(&self, z: f64) -> [f64; MAX_STRATA] {
        let mut hrs = [f64::NAN; MAX_STRATA];
        for (e, hr) in hrs.iter_mut().enumerate().take(self.entries.len()) {
            *hr = self.hazard_ratio(e, z);
        }
        hrs
    }
}

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
