//! The Fleming-Harrington weighted log-rank test FH(rho, gamma) (Harrington and Fleming 1982;
//! Fleming and Harrington 1991, section 7.3), as `nph::logrank.test` and simtrial's `wlr()`
//! compute it, stratified as in Klein and Moeschberger (2003, section 7.5).

// Matrix code: index loops read as the formulas do.
#![allow(clippy::needless_range_loop)]

use super::table::{Analyzer, StrataRows};
use super::test::{FhWeight, MAX_COMBO, TestResult};
use crate::stats::normal;

/// Sums of one pass of weighted log-rank statistics over an event-time table, for up to
/// [`MAX_COMBO`] weight functions at once.
///
/// At each distinct event time `t_j` (within each stratum when stratified) with `n = n0 + n1`
/// at risk and `d = d0 + d1` events, the treated events have hypergeometric mean
/// `E_j = d n1 / n` and variance `V_j = n1 n0 d (n - d) / (n^2 (n - 1))` under H0 (0 when
/// `n = 1`). With the weight `w_k(t_j) = S(t_j-)^rho_k (1 - S(t_j-))^gamma_k`, `S` the
/// Kaplan-Meier curve of both arms pooled, left-continuous (the product over event times
/// strictly before `t_j`; within the stratum for the stratified form):
///
/// * `U_k = sum_j w_k (E_j - d1_j)` (positive when treatment has fewer events than expected);
/// * `C_kl = sum_j w_k w_l V_j`, so `C_kk` is the variance of `U_k` and
///   `C_kl / sqrt(C_kk C_ll)` the correlation of two statistics (Karrison 2016).
///
/// The stratified form sums `U` and `C` over strata, each stratum with its own curve `S`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WeightedSums {
    /// Number of weight functions used.
    pub k: usize,
    /// `U_k`.
    pub u: [f64; MAX_COMBO],
    /// `C_kl`.
    pub c: [[f64; MAX_COMBO]; MAX_COMBO],
}

/// One pass over the rows computing [`WeightedSums`] for `weights` (at most [`MAX_COMBO`]).
/// `km` is scratch with at least one entry per stratum slot.
pub(crate) fn weighted_sums(
    table: StrataRows<'_>,
    weights: &[FhWeight],
    km: &mut Vec<f64>,
) -> WeightedSums {
    let k = weights.len().min(MAX_COMBO);
    km.clear();
    km.resize(table.slots().max(1), 1.0);
    let mut u = [0.0; MAX_COMBO];
    let mut c = [[0.0; MAX_COMBO]; MAX_COMBO];
    let mut w = [0.0; MAX_COMBO];
    // The rows are in decreasing time (within each stratum): walk them backwards.
    for i in (0..table.rows.len()).rev() {
        let r = &table.rows[i];
        let slot = table.slot_of(i);
        let s = km[slot];
        let n = r.n0 + r.n1;
        let d = r.d0 + r.d1;
        let oe = d * r.n1 / n - r.d1;
        let v = if n > 1.0 {
            r.n1 * r.n0 * d * (n - d) / (n * n * (n - 1.0))
        } else {
            0.0
        };
        for a in 0..k {
            w[a] = weights[a].weight(s);
            u[a] += w[a] * oe;
        }
        for a in 0..k {
            for b in a..k {
                c[a][b] += w[a] * w[b] * v;
            }
        }
        km[slot] = s * (1.0 - d / n);
    }
    for a in 0..k {
        for b in 0..a {
            c[a][b] = c[b][a];
        }
    }
    WeightedSums { k, u, c }
}

impl WeightedSums {
    /// The standardised statistic of component `a`, `U_a / sqrt(C_aa)`, or `None` when its
    /// variance is 0 (no event time with both arms at risk and a non-zero weight).
    pub fn z(&self, a: usize) -> Option<f64> {
        let v = self.c[a][a];
        (v > 0.0 && v.is_finite()).then(|| self.u[a] / v.sqrt())
    }
}

impl Analyzer {
    /// Fleming-Harrington weighted log-rank test FH(rho, gamma) of treatment versus control,
    /// stratified by the loaded strata when `stratified` (see [`WeightedSums`] for the
    /// formulas): `z = sum w (E - O) / sqrt(sum w^2 V)`, positive favouring treatment,
    /// one-sided `p = 1 - Phi(z)`. FH(0,0) is the log-rank test.
    ///
    /// No information (`sum w^2 V = 0`, e.g. no events, or FH(0, gamma > 0) with a single
    /// event time) gives `z = 0`, `p = 1`.
    pub fn weighted_logrank(&mut self, stratified: bool, weight: FhWeight) -> TestResult {
        let mut km = std::mem::take(&mut self.scratch);
        let sums = weighted_sums(self.strata_rows(stratified), &[weight], &mut km);
        self.scratch = km;
        match sums.z(0) {
            Some(z) => TestResult {
                z,
                p: normal::sf(z),
                estimate: None,
            },
            None => TestResult::undefined(),
        }
    }

    /// The weighted log-rank z and its variance `C = sum w^2 V` (the statistic's observed
    /// information), for group-sequential monitoring; `(0, 0)` when the variance is 0.
    pub(crate) fn weighted_z_and_information(
        &mut self,
        stratified: bool,
        weight: FhWeight,
    ) -> (f64, f64) {
        let mut km = std::mem::take(&mut self.scratch);
        let sums = weighted_sums(self.strata_rows(stratified), &[weight], &mut km);
        self.scratch = km;
        match sums.z(0) {
            Some(z) => (z, sums.c[0][0]),
            None => (0.0, 0.0),
        }
    }
}
