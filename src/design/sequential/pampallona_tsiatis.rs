//! Pampallona and Tsiatis (1994) group-sequential designs (rpact's `typeOfDesign = "PT"`):
//! efficacy and futility bounds of power-family shapes, both derived from the level and the
//! power, with the futility bounds binding or not.
//!
//! With K looks at information fractions t_1 < ... < t_K = 1 (Pampallona and Tsiatis 1994,
//! section 2; rpact 3.3.4's getDesignGroupSequentialPampallonaTsiatisCpp):
//!
//! - efficacy: b_k = c1 (K t_k)^(Delta1 - 1/2) (with equal spacing, c1 k^(Delta1 - 1/2): the
//!   Wang-Tsiatis shape);
//! - futility: a_k = sqrt(t_k) theta - c2 (K t_k)^(Delta0 - 1/2), with the drift (mean of Z at
//!   t = 1) theta = c1 K^(Delta1 - 1/2) + c2 K^(Delta0 - 1/2), so that a_K = b_K: under the drift
//!   the futility bounds are the mirror image of the efficacy bounds under H0;
//! - a_k is capped at b_k; two-sided designs (`sided = 2`) stop for futility in the inner
//!   interval (-a_k, a_k), a_k floored at 0 (no futility stop at a look where it is 0), and
//!   reject in the outer regions |Z_k| >= b_k;
//! - c1 and c2 are solved jointly so that the type I error is alpha and the power 1 - beta at
//!   theta. Non-binding futility: c1 from alpha alone (the futility bounds ignored under H0,
//!   which makes b_k the Wang-Tsiatis bounds of Delta1), then c2 from the power. Binding: for
//!   each c2 the c1 giving level alpha with the futility bounds in the H0 recursion, and c2
//!   from the power. Two-sided designs count both outer crossings in the level and in the
//!   power of the solve (as rpact's; the reported power is the upper crossing's).
//!
//! Monitoring at information fractions other than the planned ones keeps c1, c2, theta and K
//! as planned and evaluates the shapes at the observed t (the final look spends the alpha
//! left, as for Wang-Tsiatis designs).

use super::integration::{BOUND_CAP, Stage};
use crate::stats::normal;
use crate::stats::roots::solve_secant;
use crate::{Error, Result};

/// The solved constants of a Pampallona-Tsiatis design and what its bounds depend on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PtConstants {
    /// Constant of the efficacy bounds.
    pub c1: f64,
    /// Constant of the futility bounds.
    pub c2: f64,
    /// Shape of the efficacy bounds (rpact's `deltaPT1`).
    pub delta1: f64,
    /// Shape of the futility bounds (rpact's `deltaPT0`).
    pub delta0: f64,
    /// The planned number of looks K.
    pub looks: usize,
    /// 1 or 2 (two-sided: the futility bounds are floored at 0).
    pub sided: u8,
}

impl PtConstants {
    /// The drift theta = c1 K^(Delta1 - 1/2) + c2 K^(Delta0 - 1/2), the mean of Z at t = 1
    /// under which the power is 1 - beta.
    pub fn drift(&self) -> f64 {
        let k = self.looks as f64;
        self.c1 * k.powf(self.delta1 - 0.5) + self.c2 * k.powf(self.delta0 - 0.5)
    }

    /// The efficacy bound at fraction t, c1 (K t)^(Delta1 - 1/2), before the cap at
    /// [`BOUND_CAP`].
    fn raw_efficacy(&self, t: f64) -> f64 {
        self.c1 * (self.looks as f64 * t).powf(self.delta1 - 0.5)
    }

    /// The efficacy bound at fraction t, capped at [`BOUND_CAP`].
    pub fn efficacy(&self, t: f64) -> f64 {
        self.raw_efficacy(t).min(BOUND_CAP)
    }

    /// The futility bound at fraction t: sqrt(t) theta - c2 (K t)^(Delta0 - 1/2), at most the
    /// efficacy bound there, and at least 0 for a two-sided design.
    pub fn futility(&self, t: f64) -> f64 {
        let a = t.sqrt() * self.drift() - self.c2 * (self.looks as f64 * t).powf(self.delta0 - 0.5);
        let a = a.min(self.raw_efficacy(t)).min(BOUND_CAP);
        if self.sided == 2 { a.max(0.0) } else { a }
    }

    /// The efficacy and futility bounds at the fractions `timing` (the last futility bound is
    /// the last efficacy bound).
    pub fn bounds(&self, timing: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let b: Vec<f64> = timing.iter().map(|&t| self.efficacy(t)).collect();
        let mut a: Vec<f64> = timing.iter().map(|&t| self.futility(t)).collect();
        if let (Some(last), Some(&bk)) = (a.last_mut(), b.last()) {
            *last = bk;
        }
        (b, a)
    }
}

/// Per-look exits under drift `theta` by the recursive integration ([`Stage`]): P(Z_k >= b_k)
/// and, two-sided, P(Z_k <= -b_k), the trial continuing in (a_k, b_k) (one-sided; a_k = -inf
/// without `a`) or in (-b_k, -a_k) U (a_k, b_k) (two-sided; (-b_k, b_k) where a_k <= 0 or
/// without `a`). The same recursion as `super::boundaries::exit_probabilities` and
/// `exit_probabilities_two_sided`, which this module does not call (they depend on it).
fn exits(
    timing: &[f64],
    b: &[f64],
    a: Option<&[f64]>,
    theta: f64,
    sided: u8,
    r: usize,
) -> (Vec<f64>, Vec<f64>) {
    let n = timing.len();
    let (mut s, mut next) = (Stage::new(), Stage::new());
    let (mut up, mut low) = (vec![0.0; n], vec![0.0; n]);
    for k in 0..n {
        let t = timing[k];
        up[k] = s.upper(t, theta, b[k]);
        if sided == 2 {
            low[k] = s.lower(t, theta, -b[k]);
        }
        if k + 1 < n {
            let ak = a.map_or(f64::NEG_INFINITY, |a| a[k]);
            if sided == 1 {
                s.advance_into(&mut next, t, theta, ak, b[k], r.max(8));
            } else if ak > 0.0 {
                s.advance_split_into(&mut next, t, theta, ak, b[k], r.max(8));
            } else {
                s.advance_into(&mut next, t, theta, -b[k], b[k], r.max(8));
            }
            std::mem::swap(&mut s, &mut next);
        }
    }
    (up, low)
}

/// P(reject) under drift `theta`: the upper crossings (with the lower ones for a two-sided
/// design), the futility bounds `a` stopping the trial when given.
fn rejection(timing: &[f64], b: &[f64], a: Option<&[f64]>, theta: f64, sided: u8, r: usize) -> f64 {
    let (up, low) = exits(timing, b, a, theta, sided, r);
    up.iter().sum::<f64>() + low.iter().sum::<f64>()
}

/// The design solved: its constants, bounds (efficacy, futility with a_K = b_K) and the
/// cumulative alpha spent under H0 (futility counted when binding; both sides when two-sided).
pub(crate) struct Solved {
    pub constants: PtConstants,
    pub efficacy: Vec<f64>,
    pub futility: Vec<f64>,
    pub alpha_spent: Vec<f64>,
}

/// Solves c1 and c2 (see the module documentation) for one-sided (`sided` 1) or two-sided
/// level `alpha` (two-sided: the total of both sides), power `power` at the drift, with the
/// futility bounds `binding` or not, on the integration grid `r`. `timing` is checked by the
/// caller (strictly increasing in (0, 1]); its last fraction must be 1.
#[allow(clippy::too_many_arguments)]
pub(crate) fn solve(
    delta1: f64,
    delta0: f64,
    timing: &[f64],
    alpha: f64,
    power: f64,
    binding: bool,
    sided: u8,
    r: usize,
) -> Result<Solved> {
    let n = timing.len();
    if timing.last().is_some_and(|&t| (t - 1.0).abs() > 1e-12) {
        return Err(Error::usage(
            "--timing",
            timing.last().copied().unwrap_or(f64::NAN),
            "a last information fraction of 1 for a Pampallona-Tsiatis design",
        ));
    }
    let sides = f64::from(sided);
    let z_fixed = -normal::quantile(alpha / sides);
    let z_power = normal::quantile(power);
    let k = n as f64;
    let constants = |c1: f64, c2: f64| PtConstants {
        c1,
        c2,
        delta1,
        delta0,
        looks: n,
        sided,
    };
    // -Phi^{-1}(size(c1) / sides) is nearly c1 K^(Delta1 - 1/2): the secant converges fast
    let c1_start = z_fixed / k.powf(delta1 - 0.5);
    let solve_c1 = |c2: f64| -> Option<f64> {
        solve_secant(
            |c1| {
                let pt = constants(c1, c2);
                let (b, a) = pt.bounds(timing);
                let futility = binding.then_some(a.as_slice());
                z_fixed + normal::quantile(rejection(timing, &b, futility, 0.0, sided, r) / sides)
            },
            c1_start,
            c1_start + 0.1 / k.powf(delta1 - 0.5),
            1e-11,
        )
    };
    let power_gap = |c1: f64, c2: f64| -> f64 {
        let pt = constants(c1, c2);
        let (b, a) = pt.bounds(timing);
        normal::quantile(rejection(timing, &b, Some(&a), pt.drift(), sided, r)) - z_power
    };
    let not_solved = || {
        Error::usage(
            "--power",
            power,
            "a power the Pampallona-Tsiatis design can reach (its constants c1 and c2 could not be solved)",
        )
    };
    let nonbinding_c1 = solve_c1(0.0).ok_or_else(not_solved)?;
    // start c2 where the drift is 10% above the fixed design's
    let c2_start =
        (1.1 * (z_fixed + z_power) - nonbinding_c1 * k.powf(delta1 - 0.5)) / k.powf(delta0 - 0.5);
    let (c1, c2) = if binding {
        let c2 = solve_secant(
            |c2| solve_c1(c2).map_or(f64::NAN, |c1| power_gap(c1, c2)),
            c2_start,
            c2_start + 0.05,
            1e-10,
        )
        .ok_or_else(not_solved)?;
        (solve_c1(c2).ok_or_else(not_solved)?, c2)
    } else {
        let c2 = solve_secant(
            |c2| power_gap(nonbinding_c1, c2),
            c2_start,
            c2_start + 0.05,
            1e-10,
        )
        .ok_or_else(not_solved)?;
        (nonbinding_c1, c2)
    };
    if !(c2 > 0.0 && c1 > 0.0) {
        return Err(Error::usage(
            "--power",
            power,
            format!(
                "a power the Pampallona-Tsiatis design reaches with positive constants (it needs c2 = {c2:.4})"
            ),
        ));
    }
    let pt = constants(c1, c2);
    let (efficacy, futility) = pt.bounds(timing);
    let (up, low) = exits(
        timing,
        &efficacy,
        binding.then_some(futility.as_slice()),
        0.0,
        sided,
        r,
    );
    let h0: Vec<f64> = up.iter().zip(&low).map(|(u, l)| u + l).collect();
    let alpha_spent = h0
        .iter()
        .scan(0.0, |acc, &p| {
            *acc += p;
            Some(*acc)
        })
        .collect();
    Ok(Solved {
        constants: pt,
        efficacy,
        futility,
        alpha_spent,
    })
}
