//! The log-rank test (Mantel 1966; Peto and Peto 1972), as R's `survival::survdiff` computes it.

use super::table::{Analyzer, EventRow};
use crate::stats::normal;

/// Result of a (stratified) log-rank test of treatment versus control.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogRank {
    /// Observed events in the treatment arm, `O = sum d1`.
    pub observed: f64,
    /// Expected events in the treatment arm under H0, `E = sum d n1 / n`.
    pub expected: f64,
    /// Hypergeometric variance `V = sum n1 n0 d (n - d) / (n^2 (n - 1))`.
    pub variance: f64,
    /// `chisq = z^2 = (O - E)^2 / V`.
    pub chisq: f64,
    /// `z = (E - O) / sqrt(V)`: positive when the treatment arm has fewer events than expected.
    pub z: f64,
    /// Two-sided p-value `P(chi2_1 > chisq) = 2 (1 - Phi(|z|))`.
    pub p_two_sided: f64,
    /// Total number of events (both arms).
    pub events: usize,
}

impl LogRank {
    /// The result reported when the test is undefined (no events, or never both arms at risk
    /// at an event time, so `V = 0`): `z = 0`, `chisq = 0`, `p = 1`.
    fn undefined(observed: f64, expected: f64, events: usize) -> Self {
        LogRank {
            observed,
            expected,
            variance: 0.0,
            chisq: 0.0,
            z: 0.0,
            p_two_sided: 1.0,
            events,
        }
    }
}

/// Log-rank statistic over an event-time table.
///
/// At each distinct event time (within each stratum when stratified) with `n = n0 + n1` at risk
/// and `d = d0 + d1` events, under H0 the treated events are hypergeometric with mean
/// `d n1 / n` and variance `n1 n0 d (n - d) / (n^2 (n - 1))` (Mantel 1966); the log-rank
/// statistic sums observed minus expected and the variances over times and strata
/// (Peto and Peto 1972; Therneau and Grambsch 2000, section 3.3). Rows with `n = 1` contribute
/// to `E` but not to `V`.
pub(crate) fn logrank_table(rows: &[EventRow], events: usize) -> LogRank {
    let (mut o, mut e, mut v) = (0.0, 0.0, 0.0);
    for r in rows {
        let n = r.n0 + r.n1;
        let d = r.d0 + r.d1;
        o += r.d1;
        e += d * r.n1 / n;
        if n > 1.0 {
            v += r.n1 * r.n0 * d * (n - d) / (n * n * (n - 1.0));
        }
    }
    if v.is_nan() || v <= 0.0 {
        return LogRank::undefined(o, e, events);
    }
    let z = (e - o) / v.sqrt();
    LogRank {
        observed: o,
        expected: e,
        variance: v,
        chisq: z * z,
        z,
        p_two_sided: 2.0 * normal::sf(z.abs()),
        events,
    }
}

impl Analyzer {
    /// Log-rank test of treatment versus control, stratified by the loaded strata when
    /// `stratified` is true (sums of O - E and V over strata, as `survdiff(... + strata(s))`).
    ///
    /// No events, or no event time with both arms at risk, gives `z = 0`, `chisq = 0`, `p = 1`.
    pub fn logrank(&self, stratified: bool) -> LogRank {
        logrank_table(self.table(stratified), self.events())
    }
}
