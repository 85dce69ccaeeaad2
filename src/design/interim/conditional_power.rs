//! Conditional and predictive power at an interim look of a group-sequential design.
//!
//! On the information-fraction scale the score S(t) = Z(t) sqrt(t) is Brownian motion with
//! drift theta sqrt(I_max) (theta = -ln HR, I_max = D r / (1 + r)^2 the planned maximum
//! information in events D at allocation r : 1; Jennison and Turnbull 2000, chapter 10).
//! Given Z_k = z_k at fraction t_k, the increments X(u) = S(t_k + u) - S(t_k) are Brownian
//! motion from 0 with the same drift, so a later look j (fraction t_j) rejects when
//!
//! ```text
//!   X(t_j - t_k) >= b_j sqrt(t_j) - z_k sqrt(t_k)
//! ```
//!
//! and stops for futility when X falls below the same shift of a_j. The conditional power is
//! the probability of first crossing an efficacy bound at one of the remaining looks,
//! computed by the recursive integration of [`crate::design::sequential::exit_probabilities`]
//! on the shifted bounds. This is rpact 3.3.4's conditional power for a group-sequential
//! design (`getConditionalPower`, `getAnalysisResults`) when its `nPlanned` are the remaining
//! looks' planned event increments: rpact too counts the stops at (non-binding) futility bounds
//! of the remaining interim looks, and gives a look without a futility bound the bound
//! z = -6 (`C_FUTILITY_BOUNDS_DEFAULT`), which is done here too.
//!
//! The predictive power (Spiegelhalter, Freedman and Blackburn 1986) averages the conditional
//! power over the posterior of theta: a normal prior N(m, s^2) on ln HR and the observed
//! estimate theta_hat = z_k / sqrt(I_k) with precision I_k (the look's observed information)
//! give theta ~ N(mu, 1 / P), P = 1 / s^2 + I_k, mu = (-m / s^2 + z_k sqrt(I_k)) / P (a flat
//! prior: s = inf). With one look remaining it is closed form: X(u_K) is then normal with mean
//! c mu u_K and variance u_K + c^2 u_K^2 / P (c = sqrt(I_max)), so
//!
//! ```text
//!   PP = Phi((c mu u_K - (b_K sqrt(t_K) - z_k sqrt(t_k))) / sqrt(u_K + c^2 u_K^2 / P)).
//! ```
//!
//! With several looks remaining the conditional power is integrated over the posterior
//! numerically (composite Simpson's rule on mu +- 10 posterior SDs, 400 intervals).

use crate::design::sequential::exit_probabilities;
use crate::stats::normal;

/// rpact's futility bound for a look without one (`C_FUTILITY_BOUNDS_DEFAULT`).
pub const NO_FUTILITY: f64 = -6.0;

/// The looks after the current one: fractions, bounds, and the current look's position.
#[derive(Clone, Debug, PartialEq)]
pub struct Remaining {
    /// The current look's information fraction t_k.
    pub t_k: f64,
    /// The current look's z.
    pub z_k: f64,
    /// Information fractions t_j of the remaining looks (increasing, > t_k).
    pub fractions: Vec<f64>,
    /// Their efficacy bounds b_j.
    pub efficacy: Vec<f64>,
    /// Their futility bounds a_j (-inf where there is none; the last is not used).
    pub futility: Vec<f64>,
    /// sqrt(I_max): the drift of Z at t = 1 per unit of theta = -ln HR.
    pub drift_scale: f64,
    /// The grid parameter of the recursive integration.
    pub grid_r: usize,
}

impl Remaining {
    /// Time since the current look, u_j = t_j - t_k.
    fn elapsed(&self) -> Vec<f64> {
        self.fractions.iter().map(|t| t - self.t_k).collect()
    }

    /// A bound c on Z_j as a bound on the standardised increment X(u_j) / sqrt(u_j).
    fn shift(&self, c: f64, t: f64) -> f64 {
        (c * t.sqrt() - self.z_k * self.t_k.sqrt()) / (t - self.t_k).sqrt()
    }

    fn shifted(&self) -> (Vec<f64>, Vec<f64>) {
        let n = self.fractions.len();
        let eff = (0..n)
            .map(|j| self.shift(self.efficacy[j], self.fractions[j]))
            .collect();
        let fut = (0..n)
            .map(|j| {
                let a = self.futility.get(j).copied().unwrap_or(f64::NEG_INFINITY);
                let a = if a.is_finite() { a } else { NO_FUTILITY };
                if j + 1 == n {
                    f64::NEG_INFINITY
                } else {
                    self.shift(a, self.fractions[j])
                }
            })
            .collect();
        (eff, fut)
    }

    /// Conditional power under theta = -ln HR, cumulative over the remaining looks (the last
    /// element is the probability of rejecting at any of them).
    pub fn conditional_power(&self, theta: f64) -> Vec<f64> {
        let u = self.elapsed();
        let (eff, fut) = self.shifted();
        let exit = exit_probabilities(&u, Some(&fut), &eff, theta * self.drift_scale, self.grid_r);
        exit.efficacy
            .iter()
            .scan(0.0, |acc, p| {
                *acc += p;
                Some(*acc)
            })
            .collect()
    }

    /// Predictive power under the posterior N(`mean`, `sd`^2) of theta = -ln HR, cumulative
    /// over the remaining looks: closed form with one look remaining, else numerical.
    pub fn predictive_power(&self, mean: f64, sd: f64) -> Vec<f64> {
        if self.fractions.len() == 1 {
            let u = self.fractions[0] - self.t_k;
            let c = self.drift_scale;
            let gap = self.efficacy[0] * self.fractions[0].sqrt() - self.z_k * self.t_k.sqrt();
            let var = u + c * c * u * u * sd * sd;
            return vec![normal::cdf((c * mean * u - gap) / var.sqrt())];
        }
        self.predictive_power_numerical(mean, sd)
    }

    /// [`Self::predictive_power`] by numerical integration whatever the number of looks left
    /// (composite Simpson on mean +- 10 sd, 400 intervals).
    pub fn predictive_power_numerical(&self, mean: f64, sd: f64) -> Vec<f64> {
        let n = self.fractions.len();
        if sd == 0.0 {
            return self.conditional_power(mean);
        }
        const INTERVALS: usize = 400;
        let (lo, hi) = (mean - 10.0 * sd, mean + 10.0 * sd);
        let h = (hi - lo) / INTERVALS as f64;
        let mut acc = vec![0.0; n];
        for i in 0..=INTERVALS {
            let theta = lo + h * i as f64;
            let w = if i == 0 || i == INTERVALS {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            let density = normal::pdf((theta - mean) / sd) / sd;
            for (a, cp) in acc.iter_mut().zip(self.conditional_power(theta)) {
                *a += w * density * cp;
            }
        }
        acc.iter().map(|a| a * h / 3.0).collect()
    }
}

/// A normal prior on ln HR.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct NormalPrior {
    /// Prior mean of ln HR.
    pub mean_log_hr: f64,
    /// Prior SD of ln HR (infinite: a flat prior).
    pub sd_log_hr: f64,
}

impl NormalPrior {
    /// The flat (improper uniform) prior: the posterior is the likelihood.
    pub const FLAT: NormalPrior = NormalPrior {
        mean_log_hr: 0.0,
        sd_log_hr: f64::INFINITY,
    };

    /// The posterior (mean, SD) of theta = -ln HR given z at observed information `info`
    /// (events r / (1 + r)^2): precision 1 / s^2 + I, mean (-m / s^2 + z sqrt(I)) / precision.
    pub fn posterior(&self, z: f64, info: f64) -> (f64, f64) {
        let prior_precision = if self.sd_log_hr.is_finite() {
            1.0 / (self.sd_log_hr * self.sd_log_hr)
        } else {
            0.0
        };
        let precision = prior_precision + info;
        let mean = (-self.mean_log_hr * prior_precision + z * info.sqrt()) / precision;
        (mean, precision.sqrt().recip())
    }
}
