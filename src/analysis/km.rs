//! Kaplan-Meier median survival of one arm (Kaplan and Meier 1958), with R's `survfit`
//! convention for the median.

use super::table::Analyzer;
use super::test::{Estimate, TestResult};
use crate::stats::normal;

/// Tolerance for "the curve equals 0.5 exactly": R's `quantile.survfit` uses
/// `sqrt(.Machine$double.eps)`.
const FLAT_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// Where an arm's Kaplan-Meier median lies (see [`Analyzer::km_median`]), in the times of the
/// event-time table (whose low bits are truncated, see [`super::table::PAYLOAD_BITS`]; the
/// `analyze` report maps them back to the times of the data).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum MedianAt {
    /// At an event time of the arm.
    Event(f64),
    /// Midway between an event time and the arm's next event time.
    Midpoint(f64, f64),
    /// Midway between the arm's last event time and its last follow-up time (an exact time of
    /// the data: [`Analyzer`] keeps each arm's largest time as read).
    MidpointToLast(f64, f64),
}

impl MedianAt {
    /// The median.
    pub(crate) fn value(self) -> f64 {
        match self {
            MedianAt::Event(t) => t,
            MedianAt::Midpoint(a, b) | MedianAt::MidpointToLast(a, b) => 0.5 * (a + b),
        }
    }
}

impl Analyzer {
    /// Kaplan-Meier median survival (months) of one arm, pooled over strata, `None` if the curve
    /// never reaches 0.5.
    ///
    /// The Kaplan-Meier estimate is `S(t) = prod_{t_j <= t} (1 - d_j / n_j)` over the arm's event
    /// times `t_j`, with `n_j` the arm's patients at risk (time `>= t_j`) and `d_j` its events at
    /// `t_j` (Kaplan and Meier 1958). The median follows R's `survfit`/`quantile.survfit`: the
    /// smallest event time `t_j` with `S(t_j) <= 0.5`; but when `S(t_j) = 0.5` (within
    /// `sqrt(machine epsilon)`), so that the curve is flat at 0.5, the median is the midpoint of
    /// `t_j` and the next event time of the arm, or, if no event follows, of `t_j` and the arm's
    /// last follow-up time.
    ///
    /// The times are those of the event-time table, equal to the data's to a relative 2^-40
    /// ([`super::table::PAYLOAD_BITS`]); `enrichsim analyze` reports the data's times exactly.
    pub fn km_median(&self, treated: bool) -> Option<f64> {
        self.km_median_at(treated).map(MedianAt::value)
    }

    /// Where the median of [`Analyzer::km_median`] lies.
    pub(crate) fn km_median_at(&self, treated: bool) -> Option<MedianAt> {
        let mut surv = 1.0;
        let mut flat_start: Option<f64> = None;
        // The pooled table is in decreasing time order.
        for r in self.table(false).iter().rev() {
            let (n, d) = if treated { (r.n1, r.d1) } else { (r.n0, r.d0) };
            if d == 0.0 {
                continue;
            }
            if let Some(t0) = flat_start {
                return Some(MedianAt::Midpoint(t0, r.time));
            }
            surv *= 1.0 - d / n;
            if (surv - 0.5).abs() < FLAT_TOLERANCE {
                flat_start = Some(r.time);
            } else if surv < 0.5 {
                return Some(MedianAt::Event(r.time));
            }
        }
        flat_start.map(|t0| MedianAt::MidpointToLast(t0, self.max_time[usize::from(treated)]))
    }
}

/// `Phi^{-1}(0.975)`, for the 95% Wald intervals of the differences.
const Z_975: f64 = 1.959_963_984_540_054;

/// Combines per-stratum arm estimates `(treatment, control, variance of treatment, variance of
/// control)` into a [`TestResult`] for the difference treatment - control.
///
/// Unstratified there is one "stratum". Stratified, the strata are weighted by their size
/// (patients in both arms, `w_s = N_s / N`), the estimate being `sum_s w_s (x1_s - x0_s)` with
/// variance `sum_s w_s^2 (v1_s + v0_s)`: the stratified (standardised) difference of e.g. Tian
/// et al. (2018, "Efficiency of two sample tests via the restricted mean survival time for
/// analyzing event time observations", Biometrics 74) and Wang et al. (2019).
///
/// A stratum with patients in one arm only has no difference to contribute: it is left out,
/// and the weights are renormalised over the strata kept, `w_s = N_s / sum_{k kept} N_k` (the
/// estimate is then exactly that of the data without the stratum). When every stratum is left
/// out the result is undefined (`z = 0`, `p = 1`, no estimate). `enrichsim analyze` lists the
/// strata left out (`dropped_strata`) and names them in its notes.
///
/// `z = difference / se`, one-sided `p = 1 - Phi(z)`; a zero variance (no event before the
/// horizon in any arm) gives `z = 0`, `p = 1` with the estimate still reported.
pub(crate) fn combine_strata(
    sizes: &[[u32; 2]],
    per_stratum: impl Fn(usize) -> (f64, f64, f64, f64),
) -> TestResult {
    let total: f64 = sizes
        .iter()
        .filter(|s| s[0] > 0 && s[1] > 0)
        .map(|s| f64::from(s[0] + s[1]))
        .sum();
    if total == 0.0 {
        return TestResult::undefined();
    }
    let (mut x1, mut x0, mut var) = (0.0, 0.0, 0.0);
    for (slot, s) in sizes.iter().enumerate() {
        if s[0] == 0 || s[1] == 0 {
            continue;
        }
        let w = f64::from(s[0] + s[1]) / total;
        let (t, c, vt, vc) = per_stratum(slot);
        x1 += w * t;
        x0 += w * c;
        var += w * w * (vt + vc);
    }
    let difference = x1 - x0;
    let se = var.sqrt();
    let estimate = Some(Estimate {
        treatment: x1,
        control: x0,
        difference,
        se,
        lower: difference - Z_975 * se,
        upper: difference + Z_975 * se,
    });
    if se > 0.0 && se.is_finite() {
        let z = difference / se;
        TestResult {
            z,
            p: normal::sf(z),
            estimate,
        }
    } else {
        TestResult {
            estimate,
            ..TestResult::undefined()
        }
    }
}
