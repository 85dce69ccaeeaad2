//! Kaplan-Meier median survival of one arm (Kaplan and Meier 1958), with R's `survfit`
//! convention for the median.

use super::table::Analyzer;

/// Tolerance for "the curve equals 0.5 exactly": R's `quantile.survfit` uses
/// `sqrt(.Machine$double.eps)`.
const FLAT_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

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
    pub fn km_median(&self, treated: bool) -> Option<f64> {
        let mut surv = 1.0;
        let mut flat_start: Option<f64> = None;
        // The pooled table is in decreasing time order.
        for r in self.table(false).iter().rev() {
            let (n, d) = if treated { (r.n1, r.d1) } else { (r.n0, r.d0) };
            if d == 0.0 {
                continue;
            }
            if let Some(t0) = flat_start {
                return Some(0.5 * (t0 + r.time));
            }
            surv *= 1.0 - d / n;
            if (surv - 0.5).abs() < FLAT_TOLERANCE {
                flat_start = Some(r.time);
            } else if surv < 0.5 {
                return Some(r.time);
            }
        }
        flat_start.map(|t0| 0.5 * (t0 + self.max_time[usize::from(treated)]))
    }
}
