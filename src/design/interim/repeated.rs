//! Repeated confidence intervals and repeated p-values of a group-sequential design
//! (Jennison and Turnbull 1989; 2000, chapter 9).
//!
//! With Z_j the log-rank z at look j (z > 0 favouring treatment), I_j = D_j r_j / (1 + r_j)^2
//! its information (D_j events, observed allocation r_j : 1) and b_j the efficacy bound used
//! there, the test of H0: HR = h at look j has statistic Z_j + sqrt(I_j) ln h, so the set of h
//! not rejected at level alpha is the repeated confidence interval
//!
//! ```text
//!   ( exp((-Z_j - b_j) / sqrt(I_j)),  exp((-Z_j + b_j) / sqrt(I_j)) ),
//! ```
//!
//! which covers the true HR at every look at once with probability at least 1 - 2 alpha. With
//! binding futility bounds a_i, the upper limit at look j is raised to the largest
//! exp((a_i - Z_i) / sqrt(I_i)), i < j (the futility correction of rpact 3.3.4's
//! `getAnalysisResults`). There is none where the look spends no alpha (b_j at the cap of 8).
//!
//! The repeated p-value at look j is the smallest level alpha' at which the design (the same
//! spending at the same observed fractions) rejects at look j: b_j(alpha') = Z_j, solved by
//! Brent's method on ln alpha' in [1e-15, 0.4999999]; 0.5 when Z_j is below even that level's
//! bound (rpact reports 0.5 then too). As rpact does, non-binding futility is ignored and a
//! binding one kept (a binding beta-spending futility rule enters as the fixed bounds it gave at
//! the observed fractions, where rpact re-solves it at each alpha').

use crate::design::sequential::integration::BOUND_CAP;
use crate::design::sequential::{Futility, GroupSequentialDesign, MonitoringWorkspace};
use crate::stats::roots::brent;
use crate::{Error, Result};

/// The repeated confidence interval (lower, upper) for the hazard ratio at one look; `None`
/// where the look spends no alpha.
pub fn repeated_interval(z: f64, info: f64, bound: f64) -> Option<(f64, f64)> {
    if bound.is_nan() || bound >= BOUND_CAP {
        return None;
    }
    let s = info.sqrt();
    let lower = ((-z - bound) / s).exp();
    let upper = ((-z + bound) / s).exp();
    (lower <= upper).then_some((lower, upper))
}

/// The binding-futility correction of the upper limit at a look: exp((a_i - z_i) / sqrt(I_i)).
pub fn futility_correction(z: f64, info: f64, futility: f64) -> f64 {
    ((futility - z) / info.sqrt()).exp()
}

/// Smallest level the repeated p-value search tries.
const LEVEL_MIN: f64 = 1e-15;
/// Largest level the repeated p-value search tries (one-sided designs need alpha < 0.5).
const LEVEL_MAX: f64 = 0.4999999;

/// The repeated p-value at look `fractions.len()` with z `z`: the level alpha' whose bound
/// there, at the observed `fractions`, equals `z`. `futility_observed` are the futility bounds
/// used at the earlier looks (for a binding beta-spending rule). `final_look` when the look is
/// the design's last.
pub fn repeated_p_value(
    design: &GroupSequentialDesign,
    fractions: &[f64],
    final_look: bool,
    z: f64,
    futility_observed: &[f64],
) -> Result<f64> {
    let spec = design.spec();
    let mut base = spec.clone();
    match (&spec.futility, spec.binding) {
        (_, false) => base.futility = Futility::None,
        (Futility::BetaSpending(_), true) => {
            let k = design.looks();
            let mut z_fut: Vec<f64> = futility_observed
                .iter()
                .map(|a| if a.is_finite() { *a } else { -BOUND_CAP })
                .collect();
            // bounds of later looks do not enter look `fractions.len()`'s bound
            z_fut.resize(k - 1, -BOUND_CAP);
            base.futility = Futility::Z(z_fut);
        }
        _ => {}
    }
    if !matches!(base.futility, Futility::BetaSpending(_)) {
        base.power = None;
    }
    let mut ws = MonitoringWorkspace::new();
    let mut failure = None;
    let mut bound = |level: f64| -> f64 {
        let mut s = base.clone();
        s.alpha = level;
        match GroupSequentialDesign::new(s, design.timing().to_vec())
            .and_then(|d| d.efficacy_bound_at(fractions, final_look, &mut ws))
        {
            Ok(b) => b,
            Err(e) => {
                failure.get_or_insert(e);
                f64::NAN
            }
        }
    };
    if z.is_infinite() && z > 0.0 {
        return Ok(LEVEL_MIN);
    }
    let hi = bound(LEVEL_MAX) - z;
    if hi >= 0.0 {
        return Ok(0.5);
    }
    let lo = bound(LEVEL_MIN) - z;
    if lo <= 0.0 {
        return Ok(LEVEL_MIN);
    }
    let mut f = |x: f64| bound(x.exp()) - z;
    let root = brent(&mut f, LEVEL_MIN.ln(), LEVEL_MAX.ln(), lo, hi, 1e-13);
    if let Some(e) = failure {
        return Err(e);
    }
    root.map(f64::exp).ok_or_else(|| {
        Error::usage(
            "repeated p-value",
            z,
            "a z whose repeated p-value lies in (1e-15, 0.5)",
        )
    })
}
