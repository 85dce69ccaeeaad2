//! The ALSFRS-R trajectory of each patient (`[function]`), drawn beside their survival.
//!
//! Patient i of true stratum s has a true score at randomisation `B_i ~ N(mu_B, sd_B^2)` and a
//! rate of decline (points per month)
//!
//! ```text
//! R_i = m_s + sd_s (rho Z_risk,i + sqrt(1 - rho^2) Z_i),   Z_risk,i = Phi^{-1}(exp(-E_i)),
//! ```
//!
//! where `E_i` is the unit exponential that gives the patient's death time by inversion of
//! the cumulative hazard (`T_i = H^{-1}(E_i)`, so `exp(-E_i) = S(T_i)` is uniform and `Z_risk`
//! standard normal, large for an early death) and `Z_i` is the patient's own standard normal:
//! a Gaussian copula between the latent risk of death and the rate of decline, with correlation
//! `rho` (`death_correlation`). Faster decliners die sooner when `rho > 0`, and the survival
//! times are exactly those of the same scenario without `[function]` (the copula reads `E_i`,
//! it does not change it). This is the shared latent progression of joint models of function
//! and survival (e.g. the shared-parameter model of the HEALEY ALS platform, Ann Neurol
//! 2023;94:547), written as a copula so that the survival model stays as specified.
//!
//! The decline to time t is `D(t) = R t + c t^2` (curvature `c`); treatment slows it by the
//! fraction `f_s` of the stratum from `delay` months on:
//! `D_treated(t) = D(min(t, delay)) + (1 - f_s) (D(t) - D(min(t, delay)))`. At a scheduled visit
//! the score is `round(B_i - D(v) + sigma e_iv)` clamped to 0..48, with `e_iv` standard normal
//! measurement noise. A patient has no score at a visit at or after their death, after their
//! censoring (dropout, end of follow-up) or after the data cut.
//!
//! Random numbers: `Z_B` and `Z_i` come from the stream [`Purpose::FunctionPatient`] for
//! every screened patient (so designs that differ in eligibility share them, as they share the
//! survival draws), the noise from [`Purpose::FunctionNoise`], one draw per visit that a
//! randomised patient lives and stays to see (before death, not after censoring), patient after
//! patient in order of entry. No other stream is touched. (`Z_risk` is not computed when `rho`
//! is 0.)
//!
//! [`Purpose::FunctionPatient`]: crate::stats::rng::Purpose::FunctionPatient
//! [`Purpose::FunctionNoise`]: crate::stats::rng::Purpose::FunctionNoise

use crate::scenario::FunctionSpec;
use crate::stats::normal;
use crate::stats::rng::{self, Purpose, Streams};

/// Highest ALSFRS-R total score.
pub const MAX_SCORE: f64 = 48.0;

/// The function model: the checked `[function]` table itself, which needs no resolution (its
/// numbers are used as given); the model's behaviour is in the methods below.
pub type FunctionModel = FunctionSpec;

impl FunctionSpec {
    /// The slowing of replicate `replicate` under `[function.prior]`: one standard normal `Z`
    /// from the stream [`Purpose::FunctionPrior`] (no other stream is touched), and
    /// `f_s = clamp(mu_s + sigma_s Z, -1, 1)` for each stratum the prior covers. None without
    /// a prior.
    pub fn drawn_slowing(&self, streams: &Streams, replicate: u64) -> Option<Vec<f64>> {
        let prior = self.prior.as_ref()?;
        let z = rng::normal(&mut streams.rng(Purpose::FunctionPrior, replicate));
        Some(
            prior
                .entries
                .iter()
                .zip(&self.slowing)
                .map(|(entry, &fixed)| match entry {
                    Some((mu, sigma)) => (mu + sigma * z).clamp(-1.0, 1.0),
                    None => fixed,
                })
                .collect(),
        )
    }

    /// `Z_risk = Phi^{-1}(exp(-e))` for the unit exponential `e` of a death time, computed
    /// without cancellation in either tail (`-Phi^{-1}(1 - exp(-e))` with `expm1` when `e` is
    /// small).
    #[inline]
    pub fn risk_score(e: f64) -> f64 {
        if e < std::f64::consts::LN_2 {
            -normal::quantile(-(-e).exp_m1())
        } else {
            normal::quantile((-e).exp().max(f64::MIN_POSITIVE))
        }
    }

    /// The rate of decline of a patient of true stratum `stratum` from their latent risk score
    /// and own standard normal.
    #[inline]
    pub fn rate(&self, stratum: usize, z_risk: f64, z_own: f64) -> f64 {
        let rho = self.death_correlation;
        let d = self.decline[stratum];
        d.mean + d.sd * (rho * z_risk + (1.0 - rho * rho).max(0.0).sqrt() * z_own)
    }

    /// The expected decline `D(t)` by time `t` of a patient of rate `rate` in `stratum`, on
    /// treatment or not.
    #[inline]
    pub fn decline_by(&self, stratum: usize, treated: bool, rate: f64, t: f64) -> f64 {
        let d = |u: f64| rate * u + self.curvature * u * u;
        if !treated || t <= self.delay {
            d(t)
        } else {
            let before = d(self.delay);
            before + (1.0 - self.slowing[stratum]) * (d(t) - before)
        }
    }

    /// The observed score: the true value plus noise, rounded to a whole number in 0..48.
    #[inline]
    pub fn observed(true_score: f64) -> f64 {
        true_score.round().clamp(0.0, MAX_SCORE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::MeanSd;

    fn model() -> FunctionModel {
        FunctionModel {
            visits: vec![0.0, 3.0, 6.0],
            baseline: MeanSd {
                mean: 38.0,
                sd: 5.0,
            },
            noise_sd: 2.0,
            curvature: 0.01,
            death_correlation: 0.6,
            decline: vec![MeanSd { mean: 1.0, sd: 0.5 }],
            slowing: vec![0.25],
            delay: 3.0,
            prior: None,
        }
    }

    #[test]
    fn risk_score_is_the_normal_score_of_the_survival_probability() {
        for e in [1e-12, 1e-3, 0.2, 0.69, 0.7, 3.0, 30.0, 700.0] {
            let z = FunctionModel::risk_score(e);
            // Phi(z) = exp(-e), checked on the log scale in the upper tail.
            let s = (-e).exp();
            if s > 1e-300 {
                let rel = (normal::cdf(z) - s).abs() / s.min(1.0 - s).max(1e-300);
                assert!(rel < 1e-9 || (normal::cdf(z) - s).abs() < 1e-15, "{e}: {z}");
            }
            assert!(z.is_finite());
        }
        assert!(FunctionModel::risk_score(1e-12) > 6.0);
        assert!(FunctionModel::risk_score(100.0) < -13.0);
    }

    #[test]
    fn decline_is_slowed_after_the_delay_only() {
        let m = model();
        let d = |t: f64| 1.2 * t + 0.01 * t * t;
        assert_eq!(m.decline_by(0, false, 1.2, 6.0), d(6.0));
        assert_eq!(m.decline_by(0, true, 1.2, 2.0), d(2.0));
        let want = d(3.0) + 0.75 * (d(6.0) - d(3.0));
        assert!((m.decline_by(0, true, 1.2, 6.0) - want).abs() < 1e-12);
        assert_eq!(FunctionModel::observed(48.7), 48.0);
        assert_eq!(FunctionModel::observed(-0.6), 0.0);
        assert_eq!(FunctionModel::observed(31.5), 32.0);
    }

    #[test]
    fn rate_mixes_the_two_scores() {
        let m = model();
        assert!((m.rate(0, 1.0, 0.0) - (1.0 + 0.5 * 0.6)).abs() < 1e-15);
        assert!((m.rate(0, 0.0, 1.0) - (1.0 + 0.5 * 0.8)).abs() < 1e-15);
    }
}
