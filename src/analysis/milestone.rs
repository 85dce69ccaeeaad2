//! Survival at a milestone time: the difference of the two arms' Kaplan-Meier estimates with
//! Greenwood's variance (Kaplan and Meier 1958; Greenwood 1926; Klein and Moeschberger 2003,
//! section 4.2), as `summary(survfit(...), times = t)` reports them and simtrial's
//! `milestone()` tests them.

use super::km::combine_strata;
use super::table::Analyzer;
use super::test::TestResult;

/// Per stratum slot and arm: survival, Greenwood sum.
const FIELDS: usize = 2;

impl Analyzer {
    /// Test of the difference in survival at `time` months, treatment - control, stratified
    /// (stratum-size weights, see `combine_strata` in `km.rs`; a stratum with one arm only is
    /// left out and the weights renormalised over the others) when `stratified`.
    ///
    /// In each arm (and stratum), `S(t) = prod_{t_j <= t} (1 - d_j / n_j)` over the arm's event
    /// times, `n_j` its patients at risk (time `>= t_j`) and `d_j` its events at `t_j`, with
    /// Greenwood's variance `S(t)^2 sum_{t_j <= t} d_j / (n_j (n_j - d_j))` (a time with
    /// `n_j = d_j` sets `S = 0` and adds nothing: the variance is then 0). Past an arm's last
    /// follow-up the curve stays at its last value. `z = (S_1(t) - S_0(t)) / se`, one-sided
    /// `p = 1 - Phi(z)`; the estimate carries the difference and its 95% Wald interval.
    ///
    /// The event-time table holds exactly what this needs: the curve moves only at event
    /// times, where the table has each arm's risk set and events.
    pub fn milestone(&mut self, stratified: bool, time: f64) -> TestResult {
        let mut acc = std::mem::take(&mut self.scratch);
        let table = self.strata_rows(stratified);
        acc.clear();
        acc.resize(table.slots() * 2 * FIELDS, 0.0);
        for slot in 0..table.slots() {
            acc[slot * 2 * FIELDS] = 1.0;
            acc[slot * 2 * FIELDS + FIELDS] = 1.0;
        }
        for i in (0..table.rows.len()).rev() {
            let r = &table.rows[i];
            if r.time > time {
                continue;
            }
            let base = table.slot_of(i) * 2 * FIELDS;
            for (arm, n, d) in [(0, r.n0, r.d0), (1, r.n1, r.d1)] {
                if d == 0.0 {
                    continue;
                }
                let a = &mut acc[base + arm * FIELDS..base + arm * FIELDS + FIELDS];
                if n > d {
                    a[1] += d / (n * (n - d));
                }
                a[0] *= 1.0 - d / n;
            }
        }
        let result = combine_strata(table.sizes, |slot| {
            let a = &acc[slot * 2 * FIELDS..slot * 2 * FIELDS + 2 * FIELDS];
            let (s0, g0, s1, g1) = (a[0], a[1], a[2], a[3]);
            (s1, s0, s1 * s1 * g1, s0 * s0 * g0)
        });
        self.scratch = acc;
        result
    }
}
