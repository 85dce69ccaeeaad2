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
//!
//! Or by a piecewise-constant hazard ratio `hr_j` on `[b_j, b_{j+1})` (`b_0 = 0`), which covers
//! delayed onset, waning and crossing hazards:
//! H_1(t) = sum_j hr_j (H(min(t, b_{j+1})) - H(b_j)) over the pieces with `b_j < t`. It is
//! inverted exactly: for E ~ Exp(1), find the piece j with H_1(b_j) <= E < H_1(b_{j+1}), then
//! T = H^{-1}(H(b_j) + (E - H_1(b_j)) / hr_j).

use crate::scenario::{HazardSpec, HrPiece};

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
    /// A piecewise-constant hazard ratio, if the scenario gives one (then `delay` is 0 and
    /// `hazard_ratio` is the last piece's).
    schedule: Option<Box<HrSchedule>>,
}

/// A piecewise-constant hazard ratio with the cumulative hazards at its change points.
#[derive(Clone, Debug, PartialEq)]
pub struct HrSchedule {
    /// Start of each piece, months after randomisation (first 0, ascending).
    pub starts: Vec<f64>,
    /// Hazard ratio on each piece.
    pub hrs: Vec<f64>,
    /// Control cumulative hazard H(starts[j]).
    control_at: Vec<f64>,
    /// Treated cumulative hazard H_1(starts[j]).
    treated_at: Vec<f64>,
}

impl HrSchedule {
    fn new(control: &Hazard, pieces: &[HrPiece]) -> Self {
        let starts: Vec<f64> = pieces.iter().map(|p| p.from).collect();
        let hrs: Vec<f64> = pieces.iter().map(|p| p.hr).collect();
        let control_at: Vec<f64> = starts.iter().map(|&b| control.cumulative(b)).collect();
        let mut treated_at = Vec::with_capacity(starts.len());
        let mut h1 = 0.0;
        for j in 0..starts.len() {
            treated_at.push(h1);
            if j + 1 < starts.len() {
                h1 += hrs[j] * (control_at[j + 1] - control_at[j]);
            }
        }
        HrSchedule {
            starts,
            hrs,
            control_at,
            treated_at,
        }
    }

    /// Treated cumulative hazard at t, given the control's `h = H(t)`.
    fn cumulative(&self, t: f64, h: f64) -> f64 {
        let j = self.starts.partition_point(|&b| b <= t).saturating_sub(1);
        self.treated_at[j] + self.hrs[j] * (h - self.control_at[j])
    }

    /// The control cumulative hazard at which the treated one reaches `e`.
    fn control_target(&self, e: f64) -> f64 {
        let j = self
            .treated_at
            .partition_point(|&c| c <= e)
            .saturating_sub(1);
        self.control_at[j] + (e - self.treated_at[j]) / self.hrs[j]
    }
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
            schedule: None,
        }
    }

    /// A stratum's model with a piecewise-constant hazard ratio (`pieces`: the first from 0,
    /// strictly ascending; checked by the scenario reader). One piece is a constant hazard ratio.
    pub fn with_schedule(control: Hazard, pieces: &[HrPiece]) -> Self {
        let last = pieces.last().map_or(1.0, |p| p.hr);
        let mut outcome = StratumOutcome::new(control, last, 0.0);
        if pieces.len() > 1 {
            outcome.schedule = Some(Box::new(HrSchedule::new(&outcome.control, pieces)));
        }
        outcome
    }

    /// The same stratum with a constant hazard ratio `hazard_ratio` from the same delay (as
    /// [`StratumOutcome::new`] builds it, so an unchanged value gives an identical model).
    pub fn with_hazard_ratio(&self, hazard_ratio: f64) -> Self {
        StratumOutcome::new(self.control.clone(), hazard_ratio, self.delay)
    }

    /// The piecewise hazard ratio, if any.
    pub fn schedule(&self) -> Option<&HrSchedule> {
        self.schedule.as_deref()
    }

    /// The hazard ratio treatment / control at t months after randomisation: the schedule's
    /// piece containing t, else 1 before the delay and `hazard_ratio` from it.
    pub fn hazard_ratio_at(&self, t: f64) -> f64 {
        match &self.schedule {
            Some(s) => s.hrs[s.starts.partition_point(|&b| b <= t).saturating_sub(1)],
            None if t >= self.delay => self.hazard_ratio,
            None => 1.0,
        }
    }

    /// The months after randomisation at which the hazard ratio changes (the delay, or the
    /// schedule's piece starts): breakpoints for integrating over v.
    pub fn effect_changes(&self) -> Vec<f64> {
        match &self.schedule {
            Some(s) => s.starts.clone(),
            None => vec![self.delay],
        }
    }

    /// Cumulative hazard of the given arm at t months after randomisation.
    pub fn cumulative(&self, treated: bool, t: f64) -> f64 {
        let h = self.control.cumulative(t);
        if let Some(s) = &self.schedule {
            return if treated { s.cumulative(t, h) } else { h };
        }
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
        if self.schedule.is_some() {
            return self.scheduled_event_time(treated, e);
        }
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

impl StratumOutcome {
    /// [`StratumOutcome::event_time`] with a piecewise hazard ratio: the control arm inverts H,
    /// the treated arm finds its piece and inverts H there (see the module documentation).
    #[inline(never)]
    fn scheduled_event_time(&self, treated: bool, e: f64) -> f64 {
        let h = match (&self.schedule, treated) {
            (Some(s), true) => s.control_target(e),
            _ => e,
        };
        match self.control {
            Hazard::Exponential { .. } => h * self.exponential_mean,
            _ => self.control.inverse_cumulative(h),
        }
    }
}

/// Exponential loss to follow-up, with a rate per arm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    /// Control-arm hazard per month: -ln(1 - p) / 12 for a probability p of loss within 12
    /// months.
    pub rate: f64,
    /// Treatment-arm hazard per month (equal to `rate` unless the scenario sets
    /// `dropout.treatment_per_year` or `dropout.control_per_year`).
    pub treatment_rate: f64,
}

impl Dropout {
    /// From the probability of loss to follow-up within 12 months, the same in both arms.
    pub fn from_per_year(p: f64) -> Self {
        Dropout::by_arm(p, p)
    }

    /// From the probabilities of loss within 12 months on treatment and on control.
    pub fn by_arm(treatment: f64, control: f64) -> Self {
        Dropout {
            rate: -(1.0 - control).ln() / 12.0,
            treatment_rate: -(1.0 - treatment).ln() / 12.0,
        }
    }

    /// The arm's hazard per month.
    #[inline]
    pub fn rate_of(&self, treated: bool) -> f64 {
        if treated {
            self.treatment_rate
        } else {
            self.rate
        }
    }

    /// Whether any arm loses patients.
    pub fn any(&self) -> bool {
        self.rate > 0.0 || self.treatment_rate > 0.0
    }

    /// Dropout time in the given arm for a unit exponential draw `e` (+inf without dropout):
    /// the same draw divided by the arm's rate, so equal rates give the times of one rate.
    #[inline]
    pub fn time(&self, treated: bool, e: f64) -> f64 {
        // (callers skip the draw entirely when no arm drops out)
        let rate = self.rate_of(treated);
        if rate > 0.0 { e / rate } else { f64::INFINITY }
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
    fn piecewise_hazard_ratio_inverts_exactly() {
        let pieces = [
            HrPiece { from: 0.0, hr: 1.0 },
            HrPiece { from: 3.0, hr: 0.5 },
            HrPiece {
                from: 12.0,
                hr: 1.4,
            },
        ];
        for control in [
            Hazard::Exponential { rate: 0.03 },
            Hazard::from_spec(&HazardSpec::Weibull {
                median: 12.0,
                shape: 1.3,
            }),
            Hazard::from_spec(&HazardSpec::Piecewise {
                starts: vec![0.0, 6.0],
                rates: vec![0.02, 0.05],
            }),
        ] {
            let s = StratumOutcome::with_schedule(control.clone(), &pieces);
            // H_1(t) by its definition, piece by piece.
            let h1 = |t: f64| {
                let h = |x: f64| control.cumulative(x);
                let mut total = 0.0;
                for (j, p) in pieces.iter().enumerate() {
                    let end = pieces.get(j + 1).map_or(f64::INFINITY, |q| q.from);
                    if p.from < t {
                        total += p.hr * (h(t.min(end)) - h(p.from));
                    }
                }
                total
            };
            for &t in &[0.5, 3.0, 7.0, 12.0, 20.0, 60.0] {
                assert!((s.cumulative(true, t) - h1(t)).abs() < 1e-13);
                let e = h1(t);
                assert!(
                    (s.event_time(true, e) - t).abs() < 1e-10 * t.max(1.0),
                    "{t}"
                );
                let e0 = control.cumulative(t);
                assert!((s.event_time(false, e0) - t).abs() < 1e-10 * t.max(1.0));
            }
        }
        // Equivalent to the delay form [{0, 1}, {d, hr}] (up to rounding).
        let c = Hazard::Exponential { rate: 0.04 };
        let delay = StratumOutcome::new(c.clone(), 0.6, 3.0);
        let pw = StratumOutcome::with_schedule(
            c,
            &[
                HrPiece { from: 0.0, hr: 1.0 },
                HrPiece { from: 3.0, hr: 0.6 },
            ],
        );
        for &e in &[0.01, 0.12, 0.5, 2.0] {
            let (a, b) = (delay.event_time(true, e), pw.event_time(true, e));
            assert!((a - b).abs() < 1e-12 * a, "{a} {b}");
        }
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
