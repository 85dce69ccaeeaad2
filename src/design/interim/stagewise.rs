//! Inference at the end of a group-sequential trial under the stage-wise ordering (Armitage
//! 1957; Tsiatis, Rosner and Mehta 1984; Jennison and Turnbull 2000, chapter 8): the p-value,
//! the median-unbiased estimate and the confidence interval of the hazard ratio, as rpact 3.3.4
//! computes them (`getAnalysisResults`: `finalPValues`, `medianUnbiasedEstimates`,
//! `finalConfidenceIntervalLowerBounds`/`UpperBounds`).
//!
//! The trial ends at look s: the first look whose z reaches its efficacy bound (or, with binding
//! futility, falls to its futility bound), or the last look. Outcomes are ordered by the look at
//! which they stop (earlier efficacy stops are more extreme) and then by z; with theta = -ln HR
//! and Z_j ~ N(theta sqrt(I_s t_j / t_s), 1) (I_s = D_s r_s / (1 + r_s)^2 at the final look),
//!
//! ```text
//!   g(theta) = P_theta(Z_j >= b_j at some look j < s first, or reach look s with Z_s >= z_s),
//! ```
//!
//! increasing in theta. The p-value is g(0); the median-unbiased estimate solves g = 1/2; the
//! confidence interval's ends solve g = alpha and g = 1 - alpha (a two-sided 1 - 2 alpha
//! interval). The continuation regions are rpact's: the futility bounds when they bind, else
//! z = -6 (`C_FUTILITY_BOUNDS_DEFAULT`). A trial stopping at look 1 has the fixed-sample
//! answers: p = 1 - Phi(z_1), theta = (z_1 -+ z_{1-alpha}) / sqrt(I_1). There is no answer for a
//! trial still running or stopped at a non-binding futility bound (rpact neither), nor when
//! z_s >= 8.

use super::conditional_power::NO_FUTILITY;
use crate::design::sequential::exit_probabilities;
use crate::stats::normal;
use crate::stats::roots::solve_monotone;

/// The stage-wise-ordering inference at the final look s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StagewiseInference {
    /// p-value g(0).
    pub p_value: f64,
    /// Median-unbiased estimate of the hazard ratio.
    pub median_unbiased_hr: f64,
    /// Lower end of the 1 - 2 alpha interval for the hazard ratio.
    pub lower_hr: f64,
    /// Upper end.
    pub upper_hr: f64,
}

/// The stage-wise-ordering inference at final look s = `fractions.len()`: `fractions` t_1..t_s,
/// `efficacy` b_1..b_{s-1} (the last entry is ignored), `futility` the continuation's lower
/// bounds a_1..a_{s-1} when they bind (None: non-binding), `z` the final look's z, `info` its
/// information I_s, `alpha` the one-sided level.
pub fn stagewise(
    fractions: &[f64],
    efficacy: &[f64],
    futility: Option<&[f64]>,
    z: f64,
    info: f64,
    alpha: f64,
    grid_r: usize,
) -> Option<StagewiseInference> {
    let s = fractions.len();
    if s == 0 || z.is_nan() || z >= 8.0 {
        return None;
    }
    let sqrt_info = info.sqrt();
    if s == 1 {
        let c = normal::quantile(1.0 - alpha);
        let hr = |theta: f64| (-theta / sqrt_info).exp();
        return Some(StagewiseInference {
            p_value: normal::sf(z),
            median_unbiased_hr: hr(z),
            lower_hr: hr(z + c),
            upper_hr: hr(z - c),
        });
    }
    let mut upper: Vec<f64> = efficacy[..s - 1].to_vec();
    upper.push(z);
    let lower: Vec<f64> = (0..s)
        .map(|j| match futility {
            Some(a) if j + 1 < s && a[j].is_finite() => a[j],
            _ => NO_FUTILITY,
        })
        .collect();
    let t_s = fractions[s - 1];
    let g = |theta: f64| {
        exit_probabilities(
            fractions,
            Some(&lower),
            &upper,
            theta * sqrt_info / t_s.sqrt(),
            grid_r,
        )
        .reject
    };
    // theta on the scale of the final z: theta sqrt(I_s) near z
    let solve = |target: f64| {
        solve_monotone(|x: f64| g(x / sqrt_info) - target, z, 0.5, 1e-11)
            .map(|x| (-x / sqrt_info).exp())
    };
    let median = solve(0.5)?;
    let upper_hr = solve(alpha)?;
    let lower_hr = solve(1.0 - alpha)?;
    Some(StagewiseInference {
        p_value: g(0.0),
        median_unbiased_hr: median,
        lower_hr,
        upper_hr,
    })
}
