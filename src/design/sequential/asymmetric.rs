//! Asymmetric two-sided group-sequential designs: an upper (efficacy) bound spent with the alpha
//! spending function f and a lower bound spent **under H0** with its own spending function g and
//! total alpha_L (gsDesign's `test.type = 5` and `6`, `sfl` and `astar`; Jennison and Turnbull
//! 2000, section 7.2, and Anderson and Clark's gsDesign manual, section 4).
//!
//! At look k (information fraction t_k), with continuation region a_j < Z_j < b_j at the
//! earlier looks, the bounds solve
//!
//! - upper: P_0(continue to k, Z_k >= b_k) = f(alpha, t_k) - f(alpha, t_{k-1}),
//! - lower: P_0(continue to k, Z_k < a_k) = g(alpha_L, t_k) - g(alpha_L, t_{k-1}),
//!
//! by the recursive integration of [`super::integration`]. **Binding** (gsDesign's test.type 5)
//! both bounds stop the trial in the H0 recursion of both. **Non-binding** (test.type 6) the
//! upper bounds are the one-sided design's (the lower bounds ignored, so the type I error is at
//! most alpha whether or not the trial stops at them) and the lower bounds are solved with the
//! upper bounds stopping the trial. The final look spends the remainders: b_K spends alpha
//! minus what was spent, a_K spends alpha_L minus what was spent (a_K <= b_K); when alpha_L is
//! the whole remainder 1 - alpha (gsDesign's default `astar = 1 - alpha`), a_K = b_K, and every
//! trial ends at a bound. Non-binding with alpha_L = 1 - alpha, the actual type I error alpha' =
//! P_0(upper crossing, both bounds stopping) is below alpha, and the lower spending is rescaled
//! to the total 1 - alpha' as gsDesign's `gsDType6` does: the interim targets are
//! s (g(alpha_L, t_k) - g(alpha_L, t_{k-1})) with s = (1 - alpha') / alpha_L, solved as a fixed
//! point (alpha' depends on the lower bounds).
//!
//! The drift theta (mean of Z at t = 1) gives the power P_theta(upper crossing, both bounds
//! stopping) = 1 - beta, and the inflation factor is (theta / (z_(1-alpha) + z_(1-beta)))^2.
//!
//! Monitoring at observed fractions ([`super::asymmetric_monitoring`]) spends the same functions
//! at the observed fractions (capped at their totals beyond t = 1), the final analysis the
//! remainders; the rescaling factor s of a non-binding design with alpha_L = 1 - alpha is the
//! planned design's.
//!
//! This module knows nothing of [`super::boundaries`] (which calls it): an asymmetric design is
//! given by its [`Asymmetric`] parts.

use super::integration::Stage;
use super::spending::{DesignKind, SpendingFunction};
use crate::{Error, Result};

/// The lower bound of an asymmetric design: its spending function and its total probability
/// under H0 (gsDesign's `sfl` and `astar`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LowerSpending {
    /// The spending function g of the lower bound.
    pub spending: SpendingFunction,
    /// Total lower-crossing probability under H0, alpha_L in (0, 1 - alpha].
    pub alpha: f64,
}

impl LowerSpending {
    /// Whether alpha_L is the whole remainder 1 - alpha (then a_K = b_K).
    pub fn takes_rest(&self, alpha: f64) -> bool {
        self.alpha >= 1.0 - alpha - 1e-12
    }

    /// Checks alpha_L against the one-sided `alpha`: in (0, 1 - alpha]. `option` names it.
    pub fn check(&self, option: &str, alpha: f64) -> Result<()> {
        let rest = 1.0 - alpha;
        if self.alpha.is_finite() && self.alpha > 0.0 && self.alpha <= rest + 1e-12 {
            Ok(())
        } else {
            Err(Error::usage(
                option,
                self.alpha,
                format!("a lower-bound total probability under H0 in (0, 1 - alpha] = (0, {rest}]"),
            ))
        }
    }
}

/// The lower part of a computed asymmetric design.
#[derive(Debug, Clone, PartialEq)]
pub struct LowerBounds {
    /// Lower bounds a_1..a_K (stop when Z_k < a_k; a_K <= b_K).
    pub bounds: Vec<f64>,
    /// Cumulative P_0(stop at the lower bound by look k), both bounds stopping.
    pub spent: Vec<f64>,
    /// The rescaling s of the lower spending (1 except non-binding with alpha_L = 1 - alpha).
    pub scale: f64,
}

/// What defines an asymmetric design, apart from the timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Asymmetric {
    /// The upper bound's alpha-spending function f.
    pub upper: SpendingFunction,
    /// One-sided alpha of the upper bound.
    pub alpha: f64,
    /// The lower bound's spending.
    pub lower: LowerSpending,
    /// Whether the lower bound binds (gsDesign's test.type 5) or not (6).
    pub binding: bool,
    /// Jennison and Turnbull's grid parameter r.
    pub grid_r: usize,
}

/// A solved asymmetric design.
pub struct Solved {
    /// Upper bounds b_k.
    pub upper: Vec<f64>,
    /// Cumulative alpha spent by the upper bounds (as solved).
    pub upper_spent: Vec<f64>,
    /// The lower part.
    pub lower: LowerBounds,
    /// The drift giving the power, when one was asked.
    pub drift: Option<f64>,
}

/// Bounds at fractions `timing` (the last is the final analysis when `final_look`).
struct Pass {
    upper: Vec<f64>,
    lower: Vec<f64>,
    /// Cumulative upper spending used for the upper bounds (binding: both bounds stopping;
    /// non-binding: the one-sided recursion).
    upper_spent: Vec<f64>,
    /// Cumulative P_0(lower crossing), both bounds stopping.
    lower_spent: Vec<f64>,
    /// P_0(upper crossing at any look), both bounds stopping.
    upper_total: f64,
}

/// The upper spending function of an asymmetric design (its kind must be a spending one).
pub fn upper_function(kind: &DesignKind) -> Result<SpendingFunction> {
    match *kind {
        DesignKind::Spending(f) => Ok(f),
        other => Err(Error::usage(
            "--spending",
            other.code(),
            "an alpha-spending upper bound with a lower bound (asOF, asP, asKD, asHSD, asUser), as gsDesign's test.type 5 and 6",
        )),
    }
}

/// One pass of the H0 recursion (see the module's documentation); `scale` multiplies the lower
/// spending of a non-binding design taking the rest.
fn pass(spec: &Asymmetric, timing: &[f64], final_look: bool, scale: f64) -> Pass {
    let (f, lower) = (&spec.upper, &spec.lower);
    let n = timing.len();
    let r = spec.grid_r;
    let alpha = spec.alpha;
    let rest = lower.takes_rest(alpha);
    let g = |t: f64| scale * lower.spending.cumulative(lower.alpha, t);
    // s1: the one-sided recursion of the non-binding upper bounds; s2: both bounds stopping
    let (mut s1, mut s1n, mut s2, mut s2n) =
        (Stage::new(), Stage::new(), Stage::new(), Stage::new());
    let mut out = Pass {
        upper: Vec::with_capacity(n),
        lower: Vec::with_capacity(n),
        upper_spent: Vec::with_capacity(n),
        lower_spent: Vec::with_capacity(n),
        upper_total: 0.0,
    };
    let (mut cu, mut cl, mut t_prev) = (0.0, 0.0, 0.0);
    for (k, &t) in timing.iter().enumerate() {
        let last = final_look && k + 1 == n;
        let target_u = if last {
            alpha - cu
        } else {
            f.cumulative(alpha, t) - f.cumulative(alpha, t_prev)
        };
        let upper_stage = if spec.binding { &s2 } else { &s1 };
        let (b, crossed) = upper_stage.solve_upper(t, 0.0, target_u);
        let a = if last && rest {
            b
        } else {
            let target_l = if last {
                scale * lower.alpha - cl
            } else {
                g(t) - g(t_prev)
            };
            s2.solve_lower(t, 0.0, target_l).0.min(b)
        };
        cu += crossed;
        cl += s2.lower(t, 0.0, a);
        out.upper_total += s2.upper(t, 0.0, b);
        out.upper.push(b);
        out.lower.push(a);
        out.upper_spent.push(cu);
        out.lower_spent.push(cl);
        if k + 1 < n {
            if !spec.binding {
                s1.advance_into(&mut s1n, t, 0.0, f64::NEG_INFINITY, b, r);
                std::mem::swap(&mut s1, &mut s1n);
            }
            s2.advance_into(&mut s2n, t, 0.0, a, b, r);
            std::mem::swap(&mut s2, &mut s2n);
        }
        t_prev = t;
    }
    out
}

/// The rescaling of a non-binding design with alpha_L = 1 - alpha: the fixed point
/// s = (1 - alpha'(s)) / alpha_L (gsDesign's gsDType6 iterates it 10 times; here to 1e-14).
fn rest_scale(spec: &Asymmetric, timing: &[f64]) -> f64 {
    if spec.binding || !spec.lower.takes_rest(spec.alpha) {
        return 1.0;
    }
    let mut s = 1.0;
    for _ in 0..100 {
        let p = pass(spec, timing, true, s);
        let next = (1.0 - p.upper_total) / spec.lower.alpha;
        if (next - s).abs() <= 1e-14 {
            return next;
        }
        s = next;
    }
    s
}

/// The checks of an asymmetric design: an alpha-spending upper `kind`, one side (`sided` 1),
/// no futility rule, a lower spending function other than user-defined, alpha_L in
/// (0, 1 - alpha], the last fraction 1.
pub fn check(
    kind: &DesignKind,
    sided: u8,
    has_futility: bool,
    lower: &LowerSpending,
    alpha: f64,
    timing: &[f64],
) -> Result<()> {
    upper_function(kind)?;
    if sided != 1 {
        return Err(Error::usage(
            "--lower-spending",
            format!("{} with --sided {sided}", lower.spending.code()),
            "a lower bound with its own spending is an asymmetric two-sided design: leave --sided at 1 (--sided 2 is the symmetric design)",
        ));
    }
    if has_futility {
        return Err(Error::usage(
            "--lower-spending",
            format!("{} with a futility rule", lower.spending.code()),
            "either a lower bound spent under H0 (--lower-spending) or a futility rule (--futility), not both",
        ));
    }
    if matches!(lower.spending, SpendingFunction::User(_)) {
        return Err(Error::usage(
            "--lower-spending",
            "asUser",
            "a lower spending function asOF, asP, asKD (kd:RHO) or asHSD (hsd:GAMMA)",
        ));
    }
    lower.check("--lower-alpha", alpha)?;
    if timing.last().is_some_and(|&t| t < 1.0) && timing.len() > 1 {
        return Err(Error::usage(
            "--timing",
            timing[timing.len() - 1],
            "a last fraction of 1 with a lower bound (--lower-spending)",
        ));
    }
    Ok(())
}

/// Solves the asymmetric design at the planned fractions `timing` (checked by [`check`]), with
/// the drift giving `power`.
pub fn solve(spec: &Asymmetric, timing: &[f64], power: Option<f64>) -> Result<Solved> {
    let scale = rest_scale(spec, timing);
    let p = pass(spec, timing, true, scale);
    let drift = match power {
        None => None,
        Some(power) => Some(solve_drift(spec, timing, &p.upper, &p.lower, power)?),
    };
    Ok(Solved {
        upper: p.upper,
        upper_spent: p.upper_spent,
        lower: LowerBounds {
            bounds: p.lower,
            spent: p.lower_spent,
            scale,
        },
        drift,
    })
}

/// The bounds (b_k, a_k) of the last of the fractions `observed` (strictly increasing, > 0),
/// spending f and g there with the lower rescaling `scale` (see the module's documentation);
/// `final_look` when it is the final analysis.
pub fn bounds_at(spec: &Asymmetric, observed: &[f64], final_look: bool, scale: f64) -> (f64, f64) {
    let p = pass(spec, observed, final_look, scale);
    let k = observed.len();
    (p.upper[k - 1], p.lower[k - 1])
}

/// P_theta(upper crossing at some look), both bounds stopping (Z_k >= b_k, Z_k < a_k).
fn upper_crossing(
    spec: &Asymmetric,
    timing: &[f64],
    upper: &[f64],
    lower: &[f64],
    theta: f64,
) -> f64 {
    let (mut s, mut next) = (Stage::new(), Stage::new());
    let mut total = 0.0;
    for (k, &t) in timing.iter().enumerate() {
        total += s.upper(t, theta, upper[k]);
        if k + 1 < timing.len() {
            s.advance_into(&mut next, t, theta, lower[k], upper[k], spec.grid_r);
            std::mem::swap(&mut s, &mut next);
        }
    }
    total
}

/// The drift whose upper-crossing probability, both bounds stopping, is `power`.
fn solve_drift(
    spec: &Asymmetric,
    timing: &[f64],
    upper: &[f64],
    lower: &[f64],
    power: f64,
) -> Result<f64> {
    use crate::stats::normal;
    let z_power = normal::quantile(power);
    let theta0 = -normal::quantile(spec.alpha) + z_power;
    crate::stats::roots::solve_secant(
        |theta| normal::quantile(upper_crossing(spec, timing, upper, lower, theta)) - z_power,
        theta0 * 1.01,
        theta0 * 1.06,
        1e-10,
    )
    .ok_or_else(|| Error::usage("--power", power, "a power the design can reach"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(binding: bool, lower_alpha: f64) -> Asymmetric {
        Asymmetric {
            upper: SpendingFunction::LanDeMetsObf,
            alpha: 0.025,
            lower: LowerSpending {
                spending: SpendingFunction::LanDeMetsPocock,
                alpha: lower_alpha,
            },
            binding,
            grid_r: super::super::integration::DEFAULT_GRID_R,
        }
    }

    #[test]
    fn binding_bounds_spend_both_functions_exactly() {
        let timing = [0.3, 0.6, 1.0];
        let s = spec(true, 0.1);
        let f = SpendingFunction::LanDeMetsObf;
        let p = pass(&s, &timing, true, 1.0);
        for (k, &t) in timing.iter().enumerate() {
            let up = f.cumulative(0.025, t);
            let low = SpendingFunction::LanDeMetsPocock.cumulative(0.1, t);
            assert!((p.upper_spent[k] - up).abs() < 1e-10, "{k}");
            assert!((p.lower_spent[k] - low).abs() < 1e-10, "{k}");
        }
        assert!((p.upper_total - 0.025).abs() < 1e-10);
    }

    #[test]
    fn rest_puts_the_final_lower_bound_on_the_upper() {
        let timing = [0.5, 1.0];
        for binding in [true, false] {
            let s = spec(binding, 0.975);
            let scale = rest_scale(&s, &timing);
            let p = pass(&s, &timing, true, scale);
            assert_eq!(p.upper[1], p.lower[1]);
            // every trial ends at a bound
            let total = p.upper_total + p.lower_spent[1];
            assert!((total - 1.0).abs() < 1e-9, "{total}");
            if !binding {
                assert!((scale - (1.0 - p.upper_total) / 0.975).abs() < 1e-12);
                assert!(scale > 1.0);
            }
        }
    }
}
