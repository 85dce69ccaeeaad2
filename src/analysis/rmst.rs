//! Restricted mean survival time: the difference of the two arms' areas under their
//! Kaplan-Meier curves up to a truncation time `tau`, with the Greenwood-type variance
//! (Royston and Parmar 2013, "Restricted mean survival time: an alternative to the hazard
//! ratio for the design and analysis of randomized trials with a time-to-event outcome", BMC
//! Med Res Methodol 13:152; Uno et al. 2014, "Moving beyond the hazard ratio in quantifying
//! the between-group difference in survival analysis", J Clin Oncol 32), as `survRM2::rmst2`
//! and `print(survfit(...), rmean = tau)` compute them.

use super::km::combine_strata;
use super::table::Analyzer;
use super::test::TestResult;

/// Per stratum slot and arm: survival, area so far, time of the last event, area to tau,
/// variance sum.
const FIELDS: usize = 5;

impl Analyzer {
    /// Test of the difference in RMST to `tau` months, treatment - control, stratified
    /// (stratum-size weights, see `combine_strata` in `km.rs`; a stratum with one arm only is
    /// left out and the weights renormalised over the others) when `stratified`.
    ///
    /// In each arm (and stratum) with Kaplan-Meier curve `S` and event times `t_j <= tau`:
    /// `RMST = int_0^tau S(u) du = sum_j S(t_{j-1}) (t_j - t_{j-1}) + S(t_J) (tau - t_J)`
    /// (`t_0 = 0`, `S(t_0) = 1`), and
    /// `Var = sum_{t_j <= tau} A_j^2 d_j / (n_j (n_j - d_j))` with `A_j = int_{t_j}^tau S(u) du`
    /// the area after `t_j` (Klein and Moeschberger 2003, section 4.5; a time with `n_j = d_j`
    /// adds 0, as in survRM2). Two passes: the first finds each curve's area to `tau`, the
    /// second sums the `A_j^2` terms directly (no cancellation).
    ///
    /// Past an arm's last follow-up the curve stays at its last value (survRM2 instead refuses
    /// a `tau` beyond the smaller of the arms' last times; `enrichsim analyze` does too).
    pub fn rmst(&mut self, stratified: bool, tau: f64) -> TestResult {
        let mut acc = std::mem::take(&mut self.scratch);
        let table = self.strata_rows(stratified);
        let width = 2 * FIELDS;
        acc.clear();
        acc.resize(table.slots() * width, 0.0);
        // Pass 1: the areas to tau.
        let start = |acc: &mut [f64]| {
            for slot in 0..table.slots() {
                for arm in 0..2 {
                    let a = &mut acc[slot * width + arm * FIELDS..][..FIELDS];
                    a[0] = 1.0;
                    a[1] = 0.0;
                    a[2] = 0.0;
                }
            }
        };
        start(&mut acc);
        for pass in 0..2 {
            for i in (0..table.rows.len()).rev() {
                let r = &table.rows[i];
                if r.time > tau {
                    continue;
                }
                let base = table.slot_of(i) * width;
                for (arm, n, d) in [(0, r.n0, r.d0), (1, r.n1, r.d1)] {
                    if d == 0.0 {
                        continue;
                    }
                    let a = &mut acc[base + arm * FIELDS..][..FIELDS];
                    a[1] += a[0] * (r.time - a[2]);
                    a[2] = r.time;
                    if pass == 1 && n > d {
                        let after = a[3] - a[1];
                        a[4] += after * after * d / (n * (n - d));
                    }
                    a[0] *= 1.0 - d / n;
                }
            }
            if pass == 0 {
                for slot in 0..table.slots() {
                    for arm in 0..2 {
                        let a = &mut acc[slot * width + arm * FIELDS..][..FIELDS];
                        a[3] = a[1] + a[0] * (tau - a[2]);
                    }
                }
                start(&mut acc);
            }
        }
        let result = combine_strata(table.sizes, |slot| {
            let a = &acc[slot * width..][..width];
            (a[FIELDS + 3], a[3], a[FIELDS + 4], a[4])
        });
        self.scratch = acc;
        result
    }
}
