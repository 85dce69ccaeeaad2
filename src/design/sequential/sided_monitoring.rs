//! Symmetric two-sided designs (`sided = 2`) monitored at the information fractions actually
//! observed (Lan and DeMets 1983), the two-sided counterpart of [`super::monitoring`].
//!
//! At look k with observed fractions t_1..t_k the continuation region of the earlier looks is
//! |Z_j| < b_j, and b_k is solved so that the H0 probability of first crossing |Z_k| >= b_k is
//! the two-sided spending increment 2 f(alpha / 2, t_k) - 2 f(alpha / 2, t_{k-1}) (user values
//! are two-sided cumulative alpha, interpolated as planned; f capped at its total beyond t = 1),
//! each side taking half of it (the H0 sub-density is symmetric on a symmetric region). At the
//! final analysis the bound spends all that remains, alpha minus what was spent. Wang-Tsiatis
//! designs keep their shape c t_k^(Delta - 1/2) at interims and spend the remainder at the
//! final look, and so do Pampallona-Tsiatis designs (c1 (K t_k)^(Delta1 - 1/2) at interims,
//! their binding futility interval (-a_k, a_k) stopping the H0 recursion). The lower bound is
//! -b_k.
//!
//! This is called rarely by the engine (only when a replicate cannot reach its planned
//! looks), so the recursion is run afresh at each call.

use super::boundaries::GroupSequentialDesign;
use super::integration::{BOUND_CAP, Stage};
use super::spending::{DesignKind, SpendingFunction};
use crate::{Error, Result};

impl GroupSequentialDesign {
    /// The upper bound b_k of a two-sided design for look k = `observed.len()` at the observed
    /// information fractions (strictly increasing, > 0, may exceed 1); the lower bound is -b_k.
    /// `final_look` when look k is the final analysis, which spends all remaining alpha.
    /// An error for a one-sided design or impossible fractions.
    pub fn symmetric_bound_at(&self, observed: &[f64], final_look: bool) -> Result<f64> {
        let spec = self.spec();
        if spec.sided != 2 {
            return Err(Error::usage(
                "sided",
                spec.sided,
                "2 (symmetric_bound_at monitors two-sided designs)",
            ));
        }
        let k = observed.len();
        let mut prev = 0.0;
        for &t in observed {
            if !(t.is_finite() && t > prev) {
                return Err(Error::usage(
                    "observed information fractions",
                    format!("{observed:?}"),
                    "strictly increasing, finite and > 0",
                ));
            }
            prev = t;
        }
        if k == 0 {
            return Err(Error::usage(
                "observed information fractions",
                "[]",
                "at least one look",
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
            return Ok(self.efficacy()[k - 1]);
        }
        let alpha = spec.alpha;
        let spend = |f: &SpendingFunction, t: f64| -> f64 {
            match f {
                SpendingFunction::User(_) => f.cumulative(alpha, t),
                _ => 2.0 * f.cumulative(alpha / 2.0, t),
            }
        };
        let (mut s, mut next) = (Stage::new(), Stage::new());
        let (mut spent, mut t_prev) = (0.0, 0.0);
        for (j, &t) in observed.iter().enumerate() {
            let last = j + 1 == k && final_look;
            let remainder = alpha - spent;
            let b = match &spec.kind {
                DesignKind::Spending(_)
                | DesignKind::WangTsiatis { .. }
                | DesignKind::PampallonaTsiatis { .. }
                    if last =>
                {
                    s.solve_upper(t, 0.0, 0.5 * remainder).0
                }
                DesignKind::Spending(f) => {
                    s.solve_upper(t, 0.0, 0.5 * (spend(f, t) - spend(f, t_prev)))
                        .0
                }
                &DesignKind::WangTsiatis { delta } => {
                    let c = self.wt_constant().unwrap_or(f64::NAN);
                    (c * t.powf(delta - 0.5)).min(BOUND_CAP)
                }
                DesignKind::PampallonaTsiatis { .. } => {
                    self.pt_constants().map_or(f64::NAN, |pt| pt.efficacy(t))
                }
                other => {
                    return Err(Error::usage(
                        "efficacy",
                        other.code(),
                        "a two-sided design of a spending or Wang-Tsiatis kind",
                    ));
                }
            };
            if j + 1 == k {
                return Ok(b);
            }
            spent += s.upper(t, 0.0, b) + s.lower(t, 0.0, -b);
            // binding Pampallona-Tsiatis futility: the inner interval (-a, a) stops the trial
            let a = match self.pt_constants() {
                Some(pt) if spec.binding => pt.futility(t).min(b),
                _ => 0.0,
            };
            if a > 0.0 {
                s.advance_split_into(&mut next, t, 0.0, a, b, spec.grid_r);
            } else {
                s.advance_into(&mut next, t, 0.0, -b, b, spec.grid_r);
            }
            std::mem::swap(&mut s, &mut next);
            t_prev = t;
        }
        unreachable!("the loop returns at its last look")
    }
}
