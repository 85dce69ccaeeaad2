//! Event-time models: control hazards per stratum, the treatment effect, and dropout.
//!
//! Every model is defined by its cumulative hazard H(t) (months) and sampled by inversion:
//! with E ~ Exp(1), T = H^{-1}(E) has survival S(t) = exp(-H(t)), exactly, for all three
//! families (Lancaster's inversion; e.g. Bender, Augustin and Blettner, Stat Med 2005):
//! - exponential, rate lambda = ln 2 / median: H(t) = lambda t;
//! - Weibull, shape k, scale l = median / (ln 2)^(1/k): H(t) = (t / l)^k;
//! - piecewise exponential, rates r_j from s_j: H(t) = sum_j r_j |[s_j, s_{j+1}) cap [0, t)|.
//!
//! The treatment multiplies the hazard by `hr` from `delay` months after randomisation:
//! H_1(t) = H(t) for t < d and H(d) + hr (H(t) - H(d)) after, inverted piece by piece.

use crate::scenario::HazardSpec;

/// A control-arm event-time distribution, built once from the scenario and sampled by inversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Hazard {
    /// Constant hazard `rate` per month.
    Exponential {
        /// Hazard per month.
        rate: f64,
    },
    /// Weibull with H(t) = (t / scale)^shape.
    Weibull {
        /// Scale l, months.
        scale: f64,
        /// Shape k.
        shape: f64,
        /// 1 / k, precomputed for the inversion.
        inv_shape: f64,
    },
    /// Piecewise-constant hazard.
    Piecewise {
        /// Start of each piece (first 0), months.
        starts: Vec<f64>,
        /// Hazard per month on each piece.
        rates: Vec<f64>,
        /// H(starts[j]), precomputed.
        cumulative: Vec<f64>,
    },
}

impl Hazard {
    /// Builds the model for one stratum from the scenario (already checked).
    pub fn from_spec(spec: &HazardSpec) -> Self {
        match spec {
            HazardSpec::Exponential { median } => Hazard::Exponential {
                rate: std::f64::consts::LN_2 / median,
            },
            HazardSpec::Weibull { median, shape } => Hazard::Weibull {
                scale: median / std::f64::consts::LN_2.powf(1.0 / shape),
                shape: *shape,
                inv_shape: 1.0 / shape,
            },
            HazardSpec::Piecewise { starts, rates } => {
                let mut cumulative = Vec::with_capacity(starts.len());
                let mut h = 0.0;
                for j in 0..starts.len() {
                    cumulative.push(h);
                    if j + 1 < starts.len() {
                        h += rates[j] * (starts[j + 1] - starts[j]);
                    }
                }
                Hazard::Piecewise {
                    starts: starts.clone(),
                    rates: rates.clone(),
                    cumulative,
                }
            }
        }
    }

    /// Cumulative hazard H(t), t >= 0 months.
    pub fn cumulative(&self, t: f64) -> f64 {
        match self {
            Hazard::Exponential { rate } => rate * t,
            Hazard::Weibull { scale, shape, .. } => (t / scale).powf(*shape),
            Hazard::Piecewise {
                starts,
                rates,
                cumulative,
            } => {
                let j = starts.partition_point(|&s| s <= t).saturating_sub(1);
                cumulative[j] + rates[j] * (t - starts[j])
            }
        }
    }

    /// Inverse cumulative hazard: the t with H(t) = h (+inf if the hazard never reaches h).
    #[inline]
    pub fn inverse_cumulative(&self, h: f64) -> f64 {
        match self {
            Hazard::Exponential { rate } => h / rate,
            Hazard::Weibull {
                scale, inv_shape, ..
            } => scale * h.powf(*inv_shape),
            Hazard::Piecewise {
                starts,
                rates,
                cumulative,
            } => piecewise_inverse(starts, rates, cumulative, h),
        }
    }

    /// Survival S(t) = exp(-H(t)).
    pub fn survival(&self, t: f64) -> f64 {
        (-self.cumulative(t)).exp()
    }

    /// Median: H^{-1}(ln 2).
    pub fn median(&self) -> f64 {
        self.inverse_cumulative(std::f64::consts::LN_2)
    }
}

/// Inverse of a piecewise-linear cumulative hazard (kept out of line so the common
/// exponential case inlines into the sampling loop).
#[inline(never)]
fn piecewise_inverse(starts: &[f64], rates: &[f64], cumulative: &[f64], h: f64) -> f64 {
    let j = cumulative.partition_point(|&c| c <= h).saturating_sub(1);
    // A zero-rate piece is skipped: its end carries the same cumulative hazard as the next
    // piece's start. A final zero rate means the event never happens.
    if rates[j] > 0.0 {
        starts[j] + (h - cumulative[j]) / rates[j]
    } else {
        f64::INFINITY
    }
}

/// The event-time model of one stratum in both arms.
#[derive(Clone, Debug, PartialEq)]
pub struct StratumOutcome {
    /// Control-arm hazard.
    pub control: Hazard,
    /// Hazard ratio treatment / control after the delay.
    pub hazard_ratio: f64,
    /// Months after randomisation before the effect starts.
    pub delay: f64,
    /// H(delay), precomputed.
    cumulative_at_delay: f64,
    /// 1 / hazard_ratio, precomputed.
    inverse_hr: f64,
    /// For an exponential control hazard, its mean 1 / rate (the inversion H^{-1}(h) = h / rate
    /// is then a product, cheaper than a division per patient); 0 otherwise.
    exponential_mean: f64,
}

impl StratumOutcome {
    /// A stratum's model from its control hazard and effect.
    pub fn new(control: Hazard, hazard_ratio: f64, delay: f64) -> Self {
        let cumulative_at_delay = control.cumulative(delay);
        let exponential_mean = match control {
            Hazard::Exponential { rate } => 1.0 / rate,
            _ => 0.0,
        };
        StratumOutcome {
            exponential_mean,
            control,
            hazard_ratio,
            delay,
            cumulative_at_delay,
            inverse_hr: 1.0 / hazard_ratio,
        }
    }

    /// Cumulative hazard of the given arm at t months after randomisation.
    pub fn cumulative(&self, treated: bool, t: f64) -> f64 {
        let h = self.control.cumulative(t);
        if !treated || t <= self.delay {
            h
        } else {
            self.cumulative_at_delay + self.hazard_ratio * (h - self.cumulative_at_delay)
        }
    }

    /// Survival of the given arm at t months after randomisation.
    pub fn survival(&self, treated: bool, t: f64) -> f64 {
        (-self.cumulative(treated, t)).exp()
    }

    /// Event time (months after randomisation) for a unit exponential draw `e`, by inversion.
    /// Written without a branch on the arm (a coin toss for the branch predictor): the control
    /// arm is the treatment formula with a hazard ratio of 1, and
    /// h = min(e, H(d)) + max(e - H(d), 0) / hr.
    #[inline]
    pub fn event_time(&self, treated: bool, e: f64) -> f64 {
        let d = self.cumulative_at_delay;
        let inverse_hr = 1.0 + f64::from(u8::from(treated)) * (self.inverse_hr - 1.0);
        // min and max by comparison (one instruction each; e and d are never NaN), where
        // f64::min/max would add a NaN fix-up to a per-patient path.
        let before = if e < d { e } else { d };
        let after = if e > d { e - d } else { 0.0 };
        let h = before + after * inverse_hr;
        match self.control {
            Hazard::Exponential { .. } => h * self.exponential_mean,
            _ => self.control.inverse_cumulative(h),
        }
    }
}

/// Exponential loss to follow-up, the same in both arms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    /// Hazard per month: -ln(1 - p) / 12 for a probability p of loss within 12 months.
    pub rate: f64,
}

impl Dropout {
    /// From the probability of loss to follow-up within 12 months.
    pub fn from_per_year(p: f64) -> Self {
        Dropout {
            rate: -(1.0 - p).ln() / 12.0,
        }
    }

    /// Dropout time for a unit exponential draw `e` (+inf without dropout).
    #[inline]
    pub fn time(&self, e: f64) -> f64 {
        // (callers skip the draw entirely when the rate is 0)
        if self.rate > 0.0 {
            e / self.rate
        } else {
            f64::INFINITY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_round_trip() {
        for spec in [
            HazardSpec::Exponential { median: 30.0 },
            HazardSpec::Weibull {
                median: 12.0,
                shape: 1.3,
            },
            HazardSpec::Piecewise {
                starts: vec![0.0, 12.0],
                rates: vec![0.02, 0.035],
            },
        ] {
            let h = Hazard::from_spec(&spec);
            let m = h.median();
            assert!((h.survival(m) - 0.5).abs() < 1e-14, "{spec:?}");
            if let HazardSpec::Exponential { median } | HazardSpec::Weibull { median, .. } = spec {
                assert!((m - median).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn piecewise_inverse_is_exact() {
        // H(12) = 0.24; H(t) = 0.24 + 0.035 (t - 12) after 12 months.
        let h = Hazard::from_spec(&HazardSpec::Piecewise {
            starts: vec![0.0, 12.0],
            rates: vec![0.02, 0.035],
        });
        assert!((h.cumulative(20.0) - (0.24 + 0.035 * 8.0)).abs() < 1e-15);
        for &t in &[0.0, 3.0, 12.0, 12.5, 40.0] {
            assert!((h.inverse_cumulative(h.cumulative(t)) - t).abs() < 1e-12);
        }
        // A zero final hazard: some never have the event.
        let cure = Hazard::from_spec(&HazardSpec::Piecewise {
            starts: vec![0.0, 24.0],
            rates: vec![0.05, 0.0],
        });
        assert!(cure.inverse_cumulative(1.3).is_infinite());
        assert!((cure.inverse_cumulative(0.6) - 12.0).abs() < 1e-12);
    }

    #[test]
    fn delayed_effect_inverts_piece_by_piece() {
        let s = StratumOutcome::new(Hazard::Exponential { rate: 0.03 }, 0.5, 3.0);
        for &t in &[1.0, 3.0, 10.0, 50.0] {
            let e = s.cumulative(true, t);
            assert!((s.event_time(true, e) - t).abs() < 1e-12);
        }
        assert_eq!(s.cumulative(true, 2.0), s.cumulative(false, 2.0));
        assert!((s.cumulative(true, 13.0) - (0.09 + 0.5 * 0.3)).abs() < 1e-15);
    }
}
