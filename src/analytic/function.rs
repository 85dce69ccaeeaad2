//! The closed-form power of the `slope` test without death: every randomised patient seen at
//! every scheduled visit (no death, no dropout, no data cut before the last visit).
//!
//! Under the mixed model `y_ij = b0 + b1 t_j + b2 trt_i + b3 trt_i t_j + u0i + u1i t_j + e_ij`
//! with complete, identical visits for every patient, the REML (GLS) estimate of `b3` is the
//! difference of the arms' mean per-patient least-squares slopes, with variance
//!
//! ```text
//! Var(b3_hat) = v_t / n_t + v_c / n_c,   v = [(Z' V^-1 Z)^-1]_(2,2),   V = Z D Z' + sigma^2 I,
//! ```
//!
//! `Z = [1, t_j]` (Laird and Ware 1982; Diggle, Heagerty, Liang and Zeger 2002, section 2.4),
//! and the power of the one-sided test at level `alpha` is `Phi(|delta| / sqrt(Var) - z_alpha)`
//! for the expected difference `delta` (signed: `Phi(delta / sqrt(Var) - z_alpha)`).
//!
//! with `v_t` and `v_c` the arms' `v`: treatment slows each patient's decline by a fraction, so
//! it shrinks the between-patient spread of the slopes too (`sd_R (1 - slowing)` on treatment).
//! From the scenario: `D = diag(sd_B^2, sd_R^2)` (baseline and rate independent), `sigma^2` the
//! noise variance plus 1/12 for the rounding to whole points; `delta` the difference in the
//! least-squares slopes of the arms' mean trajectories over the schedule (exact with a delay or
//! curvature), averaged over the randomised mix of true strata. Unstratified, `sd_R^2` includes
//! the spread of the strata's mean rates (the control arm's mixture variance); stratified (a
//! slope per stratum), only the within-stratum variance. Flooring at 0 is ignored.

use crate::analysis::Test;
use crate::analysis::function::slope::slope_variance;
use crate::model::{Design, Model};
use crate::scenario::CalibrationPopulation;
use crate::stats::normal;

/// The closed form of one slope test.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SlopePower {
    /// Expected difference in slopes, treatment - control, points per month.
    pub difference: f64,
    /// Its standard error with complete follow-up.
    pub se: f64,
    /// One-sided power at the design's alpha.
    pub power: f64,
}

/// The least-squares slope of `y(t)` over the visits `t`.
fn ls_slope(t: &[f64], y: impl Fn(f64) -> f64) -> f64 {
    let n = t.len() as f64;
    let mean = t.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for &u in t {
        sxy += (u - mean) * y(u);
        sxx += (u - mean) * (u - mean);
    }
    sxy / sxx
}

/// The closed-form power of `test` (a `slope` test) for the scenario, or None when the model
/// has no `[function]` or the test is not a slope test.
pub fn slope_power(model: &Model, design: &Design, test: &Test) -> Option<SlopePower> {
    let f = model.function.as_ref()?;
    if !matches!(test.kind, crate::analysis::TestKind::Slope) {
        return None;
    }
    let w = model.population_weights(CalibrationPopulation::Randomised, design);
    // A patient's least-squares slope over the schedule is linear in their rate R:
    // -(a R + b) with a, b from the arm's mean trajectory (a = 1, b = 0 on control without
    // curvature; a = 1 - slowing on treatment without a delay). So the treatment scales the
    // between-patient spread of the slopes as well as their mean.
    let slope_of = |s: usize, treated: bool, rate: f64| {
        ls_slope(&f.visits, |t| -f.decline_by(s, treated, rate, t))
    };
    let arm = |treated: bool| {
        let (mut mean, mut within, mut second) = (0.0, 0.0, 0.0);
        for (s, (w, d)) in w.iter().zip(&f.decline).enumerate() {
            let m = slope_of(s, treated, d.mean);
            let a = slope_of(s, treated, d.mean + 1.0) - m;
            mean += w * m;
            within += w * (a * d.sd).powi(2);
            second += w * m * m;
        }
        let between = (second - mean * mean).max(0.0);
        let slope_var = if test.stratified {
            within
        } else {
            within + between
        };
        (mean, slope_var)
    };
    let ((treated_mean, treated_var), (control_mean, control_var)) = (arm(true), arm(false));
    let difference = treated_mean - control_mean;
    let sigma2 = f.noise_sd.powi(2) + 1.0 / 12.0;
    let v = |slope_var: f64| {
        slope_variance(
            &f.visits,
            [[f.baseline.sd.powi(2), 0.0], [0.0, slope_var]],
            sigma2,
        )
    };
    let [a, b] = design.allocation;
    let n = design.sample_size as f64;
    let (n_t, n_c) = (n * a as f64 / (a + b) as f64, n * b as f64 / (a + b) as f64);
    let se = (v(treated_var) / n_t + v(control_var) / n_c).sqrt();
    Some(SlopePower {
        difference,
        se,
        power: normal::cdf(difference / se - design.z_critical),
    })
}
