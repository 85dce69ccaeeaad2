//! R's `timefix`: times that are equal up to rounding error are made equal, as the `survival`
//! package does before `survdiff`, `coxph` and `survfit` (their default `timefix = TRUE`; the
//! rule is that of its function `aeqSurv`, Therneau 2023, survival 3.5, and of the vignette
//! "Roundoff error and tied times").
//!
//! Times computed by arithmetic (days / 30.4375, differences of dates, a unit conversion) may
//! differ in their last bits where the recorded times were the same; whether two such times are
//! a tie or not changes the risk sets, and can change the log-rank statistic's sign. R merges
//! them; `enrichsim analyze` does the same unless `--no-timefix` is given. The simulation
//! engine never calls this: simulated times have no such ties.
//!
//! The rule, on the sorted distinct times `u_1 < u_2 < ... < u_m` of the whole data set (all
//! strata and arms, events and censored times together), with `tol = sqrt(machine epsilon) =
//! 2^-26 = 1.4901e-8`:
//!
//! * the gap after `u_i` is *tied* when `u_{i+1} - u_i <= tol` (absolutely) or
//!   `(u_{i+1} - u_i) / mean(|u|) <= tol` (relative to the mean of the distinct times);
//! * every time is replaced by the first time of its run of tied gaps: `u_{i+1}` becomes the
//!   value `u_i` became when the gap after `u_i` is tied, and stays itself otherwise.
//!
//! A chain of small gaps therefore merges into its smallest time even when its ends are further
//! apart than the tolerance, as in R. The value kept is a time of the data, exactly.

/// The tolerance, `sqrt(f64::EPSILON) = 2^-26`: R's `sqrt(.Machine$double.eps)`.
pub const TIMEFIX_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// What [`timefix`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TimefixSummary {
    /// Patients whose time was replaced by a (smaller) time equal to it within the tolerance.
    pub changed: usize,
    /// Distinct times before.
    pub distinct_before: usize,
    /// Distinct times after.
    pub distinct_after: usize,
}

/// Applies R's timefix rule (module documentation) to `times` in place. Times must be finite
/// (non-finite values are left as they are and take no part, as in R).
pub fn timefix(times: &mut [f64]) -> TimefixSummary {
    let mut unique: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
    unique.sort_by(f64::total_cmp);
    unique.dedup();
    let m = unique.len();
    let mut summary = TimefixSummary {
        changed: 0,
        distinct_before: m,
        distinct_after: m,
    };
    if m < 2 {
        return summary;
    }
    let mean_abs = mean(unique.iter().map(|u| u.abs()), m);
    // cut[i]: what unique[i] becomes.
    let mut cut = Vec::with_capacity(m);
    cut.push(unique[0]);
    for i in 1..m {
        let gap = unique[i] - unique[i - 1];
        let tied = gap <= TIMEFIX_TOLERANCE || gap / mean_abs <= TIMEFIX_TOLERANCE;
        cut.push(if tied { cut[i - 1] } else { unique[i] });
    }
    if cut.iter().zip(&unique).all(|(c, u)| c == u) {
        return summary;
    }
    let mut distinct = cut.clone();
    distinct.dedup();
    summary.distinct_after = distinct.len();
    for t in times.iter_mut().filter(|t| t.is_finite()) {
        if let Ok(i) = unique.binary_search_by(|u| u.total_cmp(t))
            && cut[i] != *t
        {
            *t = cut[i];
            summary.changed += 1;
        }
    }
    summary
}

/// The mean of `n` values, with one correction pass (the sum of the residuals), as R's `mean`
/// refines its first estimate.
fn mean(values: impl Iterator<Item = f64> + Clone, n: usize) -> f64 {
    let n = n as f64;
    let first = values.clone().sum::<f64>() / n;
    first + values.map(|x| x - first).sum::<f64>() / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_near_ties_into_the_smallest() {
        let mut t = vec![10.0, 10.000000001, 5.0, 20.0, 10.0];
        let s = timefix(&mut t);
        assert_eq!(t, vec![10.0, 10.0, 5.0, 20.0, 10.0]);
        assert_eq!(
            s,
            TimefixSummary {
                changed: 1,
                distinct_before: 4,
                distinct_after: 3
            }
        );
    }

    #[test]
    fn leaves_distinct_times_alone() {
        let mut t = vec![1.0, 2.0, 2.0, 3.5];
        let before = t.clone();
        assert_eq!(timefix(&mut t).changed, 0);
        assert_eq!(t, before);
        let mut one = vec![4.0];
        assert_eq!(timefix(&mut one).changed, 0);
        let mut none: Vec<f64> = Vec::new();
        assert_eq!(timefix(&mut none).changed, 0);
    }

    #[test]
    fn chains_merge() {
        // mean of the distinct times = 2.4, so tol x mean = 3.6e-8: each 2e-8 gap is tied.
        let mut t = vec![3.00000004, 3.0, 1.0, 3.00000002, 2.0];
        timefix(&mut t);
        assert_eq!(t, vec![3.0, 3.0, 1.0, 3.0, 2.0]);
    }
}
