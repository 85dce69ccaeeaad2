//! The MaxCombo test: the largest of several Fleming-Harrington statistics, with its p-value
//! from their joint normal law (Lee 2007, "On the versatility of the combination of the
//! weighted log-rank statistics", CSDA 51; Karrison 2016, "Versatile tests for comparing
//! survival curves based on weighted log-rank statistics", Stata Journal 16).

use super::table::Analyzer;
use super::test::{FhWeight, MAX_COMBO, TestResult};
use super::weighted::weighted_sums;
use crate::stats::mvnormal::{self, Corr, MAX_DIM};
use crate::stats::normal;

/// A MaxCombo test in detail.
#[derive(Clone, Debug, PartialEq)]
pub struct MaxCombo {
    /// The components, in the order given.
    pub weights: Vec<FhWeight>,
    /// Each component's z (`None` when its variance is 0: it is then left out).
    pub z: Vec<Option<f64>>,
    /// Correlations of the components, `C_kl / sqrt(C_kk C_ll)` (NaN for a left-out one).
    pub correlation: Vec<Vec<f64>>,
    /// `z_max`, the largest component z (0 when no component is defined).
    pub z_max: f64,
    /// One-sided p-value `1 - P(Z_k < z_max for all k)`, `Z ~ N(0, correlation)` (1 when no
    /// component is defined).
    pub p: f64,
}

/// The components that enter the p-value: those with a positive variance, and of two whose
/// correlation is 1 (to 1e-12, the same statistic) only the first. Returns their number, their
/// indices and their correlation matrix.
fn active(sums: &super::weighted::WeightedSums) -> (usize, [usize; MAX_COMBO], Corr) {
    let mut idx = [0usize; MAX_COMBO];
    let mut m = 0;
    for a in 0..sums.k {
        if sums.z(a).is_none() {
            continue;
        }
        let duplicate = idx[..m]
            .iter()
            .any(|&b| sums.c[a][b] / (sums.c[a][a] * sums.c[b][b]).sqrt() > 1.0 - 1e-12);
        if !duplicate {
            idx[m] = a;
            m += 1;
        }
    }
    let mut r: Corr = [[0.0; MAX_DIM]; MAX_DIM];
    for x in 0..m {
        for y in 0..m {
            let (a, b) = (idx[x], idx[y]);
            r[x][y] = if x == y {
                1.0
            } else {
                sums.c[a][b] / (sums.c[a][a] * sums.c[b][b]).sqrt()
            };
        }
    }
    (m, idx, r)
}

/// `1 - P(Z < z_max)` over the active components.
fn p_value(z_max: f64, m: usize, r: &Corr) -> f64 {
    let upper = [z_max; MAX_DIM];
    1.0 - mvnormal::mvn_cdf(&upper[..m], r)
}

impl Analyzer {
    /// The MaxCombo test over FH components `weights` (2 to [`MAX_COMBO`]), stratified by the
    /// loaded strata when `stratified`.
    ///
    /// Each component is the weighted log-rank statistic `Z_k = U_k / sqrt(C_kk)` of
    /// [`Analyzer::weighted_logrank`]; under H0 the vector `Z` is asymptotically normal with
    /// correlations `C_kl / sqrt(C_kk C_ll)`, `C_kl = sum_j w_k(t_j) w_l(t_j) V_j` (Karrison
    /// 2016; the same sums over strata when stratified). The statistic is `z_max = max_k Z_k`
    /// and the one-sided p-value `p = 1 - P(Z_k < z_max, all k)`, computed exactly by
    /// [`mvnormal::mvn_cdf`] (not by Monte Carlo).
    pub fn maxcombo(&mut self, stratified: bool, weights: &[FhWeight]) -> MaxCombo {
        let mut km = std::mem::take(&mut self.scratch);
        let sums = weighted_sums(self.strata_rows(stratified), weights, &mut km);
        self.scratch = km;
        let k = sums.k;
        let z: Vec<Option<f64>> = (0..k).map(|a| sums.z(a)).collect();
        let correlation = (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| {
                        if z[a].is_some() && z[b].is_some() {
                            sums.c[a][b] / (sums.c[a][a] * sums.c[b][b]).sqrt()
                        } else {
                            f64::NAN
                        }
                    })
                    .collect()
            })
            .collect();
        let (m, idx, r) = active(&sums);
        let (z_max, p) = if m == 0 {
            (0.0, 1.0)
        } else {
            let z_max = idx[..m]
                .iter()
                .map(|&a| z[a].unwrap_or(f64::NEG_INFINITY))
                .fold(f64::NEG_INFINITY, f64::max);
            (z_max, p_value(z_max, m, &r))
        };
        MaxCombo {
            weights: weights[..k].to_vec(),
            z,
            correlation,
            z_max,
            p,
        }
    }

    /// The MaxCombo decision at one-sided level `alpha` without allocating, for the simulation:
    /// returns `(z_max, p <= alpha)`. The multivariate normal integral is skipped when the answer
    /// is already known: `p >= 1 - Phi(z_max) > alpha` when `z_max < Phi^{-1}(1 - alpha)`, and
    /// `p <= m (1 - Phi(z_max)) <= alpha` (Bonferroni) when `z_max` is at least the
    /// `1 - alpha / m` quantile.
    pub(crate) fn maxcombo_decision(
        &mut self,
        stratified: bool,
        weights: &[FhWeight],
        alpha: f64,
        z_alpha: f64,
    ) -> (f64, bool) {
        let mut km = std::mem::take(&mut self.scratch);
        let sums = weighted_sums(self.strata_rows(stratified), weights, &mut km);
        self.scratch = km;
        let (m, idx, r) = active(&sums);
        if m == 0 {
            return (0.0, false);
        }
        let z_max = idx[..m]
            .iter()
            .map(|&a| sums.z(a).unwrap_or(f64::NEG_INFINITY))
            .fold(f64::NEG_INFINITY, f64::max);
        let reject = if z_max < z_alpha {
            false
        } else if m as f64 * normal::sf(z_max) <= alpha {
            true
        } else {
            p_value(z_max, m, &r) <= alpha
        };
        (z_max, reject)
    }

    /// `z_max = max_k Z_k` over the components with a positive variance (0 when none), without
    /// allocating: the statistic a group-sequential MaxCombo compares with its look's bound.
    pub(crate) fn maxcombo_z_max(&mut self, stratified: bool, weights: &[FhWeight]) -> f64 {
        let mut km = std::mem::take(&mut self.scratch);
        let sums = weighted_sums(self.strata_rows(stratified), weights, &mut km);
        self.scratch = km;
        let z_max = (0..sums.k)
            .filter_map(|a| sums.z(a))
            .fold(f64::NEG_INFINITY, f64::max);
        if z_max.is_finite() { z_max } else { 0.0 }
    }

    /// The MaxCombo test as a [`TestResult`] (z = z_max).
    pub(crate) fn maxcombo_result(&mut self, stratified: bool, weights: &[FhWeight]) -> TestResult {
        let mc = self.maxcombo(stratified, weights);
        TestResult {
            z: mc.z_max,
            p: mc.p,
            estimate: None,
        }
    }
}
