//! Asymmetric two-sided designs (a lower bound spent under H0, [`super::asymmetric`]) monitored
//! at the information fractions actually observed (Lan and DeMets 1983): both bounds spend
//! their functions at the observed fractions, the final analysis the remainders (see
//! [`super::asymmetric`]). Called rarely by the engine (only when a replicate cannot reach its
//! planned looks), so the recursion is run afresh at each call.

use super::asymmetric::{Asymmetric, bounds_at, upper_function};
use super::boundaries::GroupSequentialDesign;
use crate::{Error, Result};

impl GroupSequentialDesign {
    /// The upper and lower bounds (b_k, a_k) of an asymmetric design (a lower bound spent under
    /// H0, [`super::DesignSpec::lower`]) for look k = `observed.len()` at the observed information
    /// fractions (strictly increasing, > 0, may exceed 1), spending f and g at them (see the
    /// module's documentation); `final_look` when look k is the final analysis, which spends the
    /// remainders. The planned bounds when the fractions are the planned ones. An error for a
    /// design without such a lower bound or impossible fractions.
    pub fn asymmetric_bounds_at(&self, observed: &[f64], final_look: bool) -> Result<(f64, f64)> {
        let spec = self.spec();
        let (Some(lower), Some(parts)) = (&spec.lower, self.lower_bounds()) else {
            return Err(Error::usage(
                "lower",
                "none",
                "a design with a lower bound spent under H0 (asymmetric_bounds_at)",
            ));
        };
        let k = observed.len();
        let increasing = observed
            .iter()
            .try_fold(0.0, |prev, &t| (t.is_finite() && t > prev).then_some(t))
            .is_some();
        if k == 0 || !increasing {
            return Err(Error::usage(
                "observed information fractions",
                format!("{observed:?}"),
                "at least one, strictly increasing, finite and > 0",
            ));
        }
        let planned = self.looks();
        if k <= planned
            && final_look == (k == planned)
            && observed
                .iter()
                .zip(self.timing())
                .all(|(a, b)| (a - b).abs() <= 1e-12)
        {
            return Ok((self.efficacy()[k - 1], parts.bounds[k - 1]));
        }
        let plan = Asymmetric {
            upper: upper_function(&spec.kind)?,
            alpha: spec.alpha,
            lower: *lower,
            binding: spec.binding,
            grid_r: spec.grid_r,
        };
        Ok(bounds_at(&plan, observed, final_look, parts.scale))
    }
}
