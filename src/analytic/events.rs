//! Expected events at a calendar time, by exact integration over entry times and event times.
//!
//! Patients are randomised at calendar times u with expected cumulative count R(u) (so R(inf)
//! = n), each is in TRUE stratum s with probability w_s (the randomised mix, misclassification
//! by the assay included: `Population::randomised_mix`) and in the treatment arm with
//! probability r / (1 + r). A patient randomised at u contributes an observed event by calendar
//! time t when the event comes at v <= t - u months after randomisation, before dropout (an
//! exponential with the arm's rate g_a) and before the per-patient follow-up cap c. With f_sa(v) = h_sa(v)
//! S_sa(v) e^(-g_a v) the density of an observed event (h_sa the arm's hazard: the control hazard,
//! times the hazard ratio from the delay d on), the expected events are
//!
//! ```text
//!   E(t) = sum_s sum_a w_s pi_a int_0^t f_sa(v) I(v <= c) R(t - v) dv          (1)
//! ```
//!
//! the convolution of the accrual with the event density (Lachin and Foulkes 1986, eq. 2.5, for
//! uniform accrual and exponential hazards; Kim and Tsiatis 1990 for piecewise accrual; written
//! here with the order of integration swapped, so there is one integral, over v).
//!
//! Accrual, two ways ([`Accrual`]):
//! - `Fluid`: the planning convention of Lachin and Foulkes, rpact and gsDesign2: patients flow
//!   in at the expected rate p q(u) (q the screening intensity, p the fraction randomised among
//!   the screened) until n are in: R(u) = min(p Q(u), n), Q(u) = int_0^u q.
//! - `Poisson`: the process enrichsim simulates: randomisations are the Poisson screening
//!   process thinned by p, stopped at the n-th, so R(u) = E[min(N(u), n)] with N(u) ~
//!   Poisson(L), L = p Q(u), which is L Q(n - 1, L) + n P(n, L) with P and Q the regularised
//!   incomplete gamma functions (P(N <= n - 1) = Q(n, L)). The last randomisation then comes
//!   about half an inter-arrival time later on average than in the fluid model, so about
//!   n / (2 p q) patient-months less exposure: a fraction of an event, but a systematic one that
//!   4000 replicates can see.
//!
//! Integration. Between consecutive breakpoints (the hazard's pieces, the delay, t minus the
//! starts of the accrual pieces, t minus the end of the fluid accrual, and c), a piecewise-
//! exponential hazard gives f(v) = l K e^(-(l + g)(v - v1)) and fluid accrual gives a linear R,
//! so each piece of (1) is l K [a L phi1(m L) - rho L^2 phi2(m L)] with m = l + g, a = R(t - v1),
//! rho the accrual rate, L the piece's length, phi1(z) = (1 - e^-z)/z and phi2(z) =
//! (1 - e^-z (1 + z))/z^2: exact. Weibull hazards and Poisson accrual have no such closed form:
//! (1) is then integrated by adaptive 16-point Gauss-Legendre quadrature on the same pieces,
//! after the substitution y = H(v) (H the control cumulative hazard), which turns f_sa(v) dv
//! into e^(-H_sa(v) - g v) m(v) dy with m the hazard-ratio multiplier, and removes the
//! Weibull's singular density at v = 0 when its shape is below 1. The tolerance is 1e-10 n.

use super::numerics::{brent, integrate, phi1, phi2};
use crate::model::enrolment::Screening;
use crate::model::outcome::{Hazard, StratumOutcome};
use crate::model::{Design, Model};
use serde::Serialize;

/// How randomisations arrive in calendar time (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Accrual {
    /// A deterministic flow at the expected rate until n are randomised (Lachin and Foulkes
    /// 1986; rpact and gsDesign2 plan this way).
    Fluid,
    /// The simulated process: Poisson screening thinned by eligibility, stopped at the n-th
    /// randomisation.
    Poisson,
}

/// One TRUE stratum of the randomised: its share and its event-time model.
#[derive(Clone, Debug, PartialEq)]
pub struct StratumShare {
    /// P(true stratum | randomised).
    pub share: f64,
    /// Control hazard, hazard ratio and delay.
    pub outcome: StratumOutcome,
}

/// Everything that the expected event count depends on.
#[derive(Clone, Debug, PartialEq)]
pub struct EventModel {
    /// The true strata of the randomised (shares summing to 1).
    pub strata: Vec<StratumShare>,
    /// P(treatment) = r / (1 + r) for allocation r : 1.
    pub treated_fraction: f64,
    /// Control-arm dropout hazard per month.
    pub dropout_rate: f64,
    /// Treatment-arm dropout hazard per month.
    pub treatment_dropout_rate: f64,
    /// Per-patient follow-up cap, months after randomisation.
    pub follow_up: Option<f64>,
    /// Randomisation intensity per month while recruiting: the screening intensity times the
    /// fraction randomised among the screened.
    pub intensity: Screening,
    /// How randomisations arrive.
    pub accrual: Accrual,
}

/// Expected events in one arm of one stratum, split at the effect's delay (the periods of
/// gsDesign2's average hazard ratio).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct ArmEvents {
    /// Events less than `delay` months after randomisation (hazard ratio 1).
    pub before_delay: f64,
    /// Events from `delay` months on (the stratum's hazard ratio).
    pub after_delay: f64,
}

impl ArmEvents {
    /// Both periods.
    pub fn total(&self) -> f64 {
        self.before_delay + self.after_delay
    }
}

/// Expected events per true stratum and arm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct StratumEvents {
    /// Control arm.
    pub control: ArmEvents,
    /// Treatment arm.
    pub treatment: ArmEvents,
}

impl StratumEvents {
    /// Both arms.
    pub fn total(&self) -> f64 {
        self.control.total() + self.treatment.total()
    }
}

/// Expected events at one calendar time, per true stratum (in the model's order).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EventCounts {
    /// Per stratum.
    pub strata: Vec<StratumEvents>,
}

impl EventCounts {
    /// All events.
    pub fn total(&self) -> f64 {
        self.strata.iter().map(StratumEvents::total).sum()
    }
}

/// Integration tolerance, relative to n.
const TOLERANCE: f64 = 1e-10;

impl EventModel {
    /// The model of a resolved scenario: the randomised mix of true strata, the allocation, the
    /// dropout, the follow-up cap and the randomisation intensity
    /// q(u) (1 - screen failure) P(observed stratum eligible).
    pub fn new(model: &Model, design: &Design, accrual: Accrual) -> EventModel {
        let mix = model.population.randomised_mix(&design.eligible_strata);
        let p = model.population.eligible_fraction(&design.eligible_strata)
            * (1.0 - model.screen_failure);
        let [t, c] = design.allocation;
        EventModel {
            strata: mix
                .iter()
                .zip(&model.outcomes)
                .map(|(&share, outcome)| StratumShare {
                    share,
                    outcome: outcome.clone(),
                })
                .collect(),
            treated_fraction: t as f64 / (t + c) as f64,
            dropout_rate: model.dropout.rate,
            treatment_dropout_rate: model.dropout.treatment_rate,
            follow_up: design.follow_up,
            intensity: model.screening.scaled(p),
            accrual,
        }
    }

    /// The same model with another accrual convention.
    pub fn with_accrual(&self, accrual: Accrual) -> EventModel {
        EventModel {
            accrual,
            ..self.clone()
        }
    }

    /// The same model with the intensity scaled so that n patients are expected to be
    /// randomised by `duration` months (the shape of the intensity kept): rpact's
    /// `accrualTime` given, `accrualIntensity` solved.
    pub fn with_accrual_duration(&self, n: f64, duration: f64) -> EventModel {
        let factor = n / self.intensity.expected_by(duration);
        EventModel {
            intensity: self.intensity.scaled(factor),
            ..self.clone()
        }
    }

    /// The arm's dropout hazard per month.
    pub fn dropout_of(&self, treated: bool) -> f64 {
        if treated {
            self.treatment_dropout_rate
        } else {
            self.dropout_rate
        }
    }

    /// Allocation ratio r (treatment : control = r : 1).
    pub fn allocation_ratio(&self) -> f64 {
        self.treated_fraction / (1.0 - self.treated_fraction)
    }

    /// Months until n patients are randomised in the fluid model: Q_p^(-1)(n), the expected
    /// randomisation count reaching n (also the centre of the Poisson model's last arrival).
    pub fn accrual_duration(&self, n: f64) -> f64 {
        self.intensity.time_to_expect(n)
    }

    /// Expected number randomised by calendar time w, R(w).
    pub fn randomised_by(&self, n: f64, w: f64) -> f64 {
        if w <= 0.0 || n <= 0.0 {
            return 0.0;
        }
        let lambda = self.intensity.expected_by(w);
        match self.accrual {
            Accrual::Fluid => lambda.min(n),
            Accrual::Poisson => poisson_stopped_mean(lambda, n),
        }
    }

    /// Expected events by calendar time t (months; `f64::INFINITY` for all there will ever
    /// be) with n patients randomised, per stratum and arm.
    pub fn events(&self, n: f64, t: f64) -> EventCounts {
        EventCounts {
            strata: self
                .strata
                .iter()
                .map(|s| {
                    let mut control = self.arm_events(&s.outcome, false, n, t);
                    let mut treatment = self.arm_events(&s.outcome, true, n, t);
                    let wc = s.share * (1.0 - self.treated_fraction);
                    let wt = s.share * self.treated_fraction;
                    control.before_delay *= wc;
                    control.after_delay *= wc;
                    treatment.before_delay *= wt;
                    treatment.after_delay *= wt;
                    StratumEvents { control, treatment }
                })
                .collect(),
        }
    }

    /// Expected events by calendar time t with n randomised.
    pub fn total_events(&self, n: f64, t: f64) -> f64 {
        self.events(n, t).total()
    }

    /// All the events there will ever be (every patient followed to the event, dropout or cap).
    pub fn max_events(&self, n: f64) -> f64 {
        self.total_events(n, f64::INFINITY)
    }

    /// The calendar time at which `events` are expected with n randomised; `None` when they
    /// never are (more than [`EventModel::max_events`]).
    pub fn time_for_events(&self, n: f64, events: f64) -> Option<f64> {
        if events <= 0.0 {
            return Some(0.0);
        }
        if events.is_nan() || events >= self.max_events(n) {
            return None;
        }
        let mut hi = self.accrual_duration(n).max(1.0);
        while self.total_events(n, hi) < events {
            hi *= 2.0;
            if hi > 1e7 {
                return None;
            }
        }
        brent(|t| self.total_events(n, t) - events, 0.0, hi, 1e-10)
    }

    /// Expected events of one patient-equivalent in one arm: (1) without w_s pi_a, split at
    /// the delay.
    fn arm_events(&self, outcome: &StratumOutcome, treated: bool, n: f64, t: f64) -> ArmEvents {
        let cap = self.follow_up.unwrap_or(f64::INFINITY);
        let v_max = t.min(cap);
        if v_max <= 0.0 || n <= 0.0 {
            return ArmEvents::default();
        }
        // Breakpoints in v: the hazard's pieces, the delay, and t minus the accrual's kinks.
        let mut cuts: Vec<f64> = vec![0.0, v_max];
        if let Hazard::Piecewise { starts, .. } = &outcome.control {
            cuts.extend(starts.iter().copied());
        }
        cuts.extend(outcome.effect_changes().into_iter().filter(|&v| v > 0.0));
        if t.is_finite() {
            cuts.extend(self.intensity.starts().iter().map(|s| t - s));
            cuts.push(t - self.accrual_duration(n));
        }
        cuts.retain(|&v| (0.0..=v_max).contains(&v));
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let closed_form = !matches!(outcome.control, Hazard::Weibull { .. })
            && (self.accrual == Accrual::Fluid || t.is_infinite());
        let mut out = ArmEvents::default();
        for w in cuts.windows(2) {
            let (v1, v2) = (w[0], w[1]);
            if v2 <= v1 {
                continue;
            }
            let piece = if closed_form {
                self.piece_closed_form(outcome, treated, n, t, v1, v2)
            } else {
                self.piece_quadrature(outcome, treated, n, t, v1, v2)
            };
            if 0.5 * (v1 + v2) < outcome.delay {
                out.before_delay += piece;
            } else {
                out.after_delay += piece;
            }
        }
        out
    }

    /// The arm's hazard at v (piecewise-exponential controls only).
    fn arm_rate(outcome: &StratumOutcome, treated: bool, v: f64) -> f64 {
        let control = match &outcome.control {
            Hazard::Exponential { rate } => *rate,
            Hazard::Piecewise { starts, rates, .. } => {
                rates[starts.partition_point(|&s| s <= v).saturating_sub(1)]
            }
            Hazard::Weibull { .. } => unreachable!("closed form only for piecewise hazards"),
        };
        if treated {
            control * outcome.hazard_ratio_at(v)
        } else {
            control
        }
    }

    /// int_{v1}^{v2} f(v) R(t - v) dv where the hazard is constant and R linear.
    fn piece_closed_form(
        &self,
        outcome: &StratumOutcome,
        treated: bool,
        n: f64,
        t: f64,
        v1: f64,
        v2: f64,
    ) -> f64 {
        let mid = if v2.is_finite() {
            0.5 * (v1 + v2)
        } else {
            v1 + 1.0
        };
        let lambda = Self::arm_rate(outcome, treated, mid);
        if lambda <= 0.0 {
            return 0.0;
        }
        let g = self.dropout_of(treated);
        let mu = lambda + g;
        let k = (-outcome.cumulative(treated, v1) - g * v1).exp();
        let (alpha, rho) = if t.is_finite() {
            let w_mid = t - mid;
            let rho = if self.intensity.expected_by(w_mid) < n && w_mid > 0.0 {
                self.intensity.rate_at(w_mid)
            } else {
                0.0
            };
            (self.randomised_by(n, t - v1), rho)
        } else {
            (n, 0.0)
        };
        if v2.is_infinite() {
            // int_0^inf (alpha - rho x) e^(-mu x) dx with rho = 0 (the accrual is over)
            return lambda * k * alpha / mu;
        }
        let len = v2 - v1;
        let z = mu * len;
        lambda * k * (alpha * len * phi1(z) - rho * len * len * phi2(z))
    }

    /// int_{v1}^{v2} f(v) R(t - v) dv by quadrature in y = H(v).
    fn piece_quadrature(
        &self,
        outcome: &StratumOutcome,
        treated: bool,
        n: f64,
        t: f64,
        v1: f64,
        v2: f64,
    ) -> f64 {
        let control = &outcome.control;
        let y1 = control.cumulative(v1);
        // Beyond an arm's cumulative hazard of 40 the remaining mass is below e^-40.
        let y_cap = match (treated, outcome.schedule()) {
            // the treated cumulative hazard is at least the smallest piece's ratio times H
            (true, Some(s)) => {
                let hr = s.hrs.iter().copied().fold(1.0, f64::min);
                40.0 / hr
            }
            (true, None) if outcome.hazard_ratio < 1.0 => {
                let h_delay = control.cumulative(outcome.delay);
                h_delay + (40.0 - h_delay).max(0.0) / outcome.hazard_ratio
            }
            _ => 40.0,
        };
        let y2 = if v2.is_finite() {
            control.cumulative(v2).min(y_cap.max(y1))
        } else {
            y_cap.max(y1)
        };
        if y2.is_nan() || y2 <= y1 {
            return 0.0;
        }
        let g = self.dropout_of(treated);
        let mut integrand = |y: f64| {
            let v = control.inverse_cumulative(y);
            if !v.is_finite() {
                return 0.0;
            }
            let m = if treated {
                outcome.hazard_ratio_at(v)
            } else {
                1.0
            };
            let r = if t.is_finite() {
                self.randomised_by(n, t - v)
            } else {
                n
            };
            m * (-outcome.cumulative(treated, v) - g * v).exp() * r
        };
        integrate(&mut integrand, y1, y2, TOLERANCE * n.max(1.0))
    }
}

/// E[min(N, n)] for N ~ Poisson(lambda): the expected randomised count when randomisation stops
/// at the n-th. Since E[N I(N <= n - 1)] = lambda P(N <= n - 2) and P(N <= k - 1) = Q(k, lambda),
/// E[min(N, n)] = lambda Q(n - 1, lambda) + n P(n, lambda), with P = 1 - Q the regularised
/// lower incomplete gamma function (a smooth function of real n; exact for whole n).
///
/// More than 12 standard deviations sqrt(n) + 1 from n, the terms beyond min(lambda, n) are
/// below e^-70 relative and are skipped (which also spares the incomplete gamma functions'
/// rounding at large n).
pub fn poisson_stopped_mean(lambda: f64, n: f64) -> f64 {
    use statrs::function::gamma::{gamma_lr, gamma_ur};
    if lambda <= 0.0 || n <= 0.0 {
        return 0.0;
    }
    let window = 12.0 * (n.sqrt() + 1.0);
    if lambda < n - window {
        return lambda;
    }
    if lambda > n + window {
        return n;
    }
    let below = if n > 1.0 {
        lambda * gamma_ur(n - 1.0, lambda)
    } else {
        0.0
    };
    below + n * gamma_lr(n, lambda)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::RatePiece;

    fn single(control: Hazard, hr: f64, delay: f64, dropout: f64) -> EventModel {
        EventModel {
            strata: vec![StratumShare {
                share: 1.0,
                outcome: StratumOutcome::new(control, hr, delay),
            }],
            treated_fraction: 0.5,
            dropout_rate: dropout,
            treatment_dropout_rate: dropout,
            follow_up: None,
            intensity: Screening::new(&[
                RatePiece {
                    from: 0.0,
                    per_month: 8.0,
                },
                RatePiece {
                    from: 5.0,
                    per_month: 20.0,
                },
            ]),
            accrual: Accrual::Fluid,
        }
    }

    #[test]
    fn poisson_stopped_mean_by_summation() {
        for &(lambda, n) in &[(3.0f64, 5.0f64), (50.0, 40.0), (120.0, 130.0), (0.2, 2.0)] {
            // sum_{j=1}^{n} P(N >= j)
            let mut pmf = (-lambda).exp();
            let mut cdf = 0.0;
            let mut sum = 0.0;
            for j in 1..=(n as usize) {
                cdf += pmf;
                pmf *= lambda / j as f64;
                sum += 1.0 - cdf;
            }
            let got = poisson_stopped_mean(lambda, n);
            assert!((got - sum).abs() < 1e-9 * n, "{lambda} {n}: {got} vs {sum}");
        }
    }

    #[test]
    fn quadrature_agrees_with_the_closed_form() {
        // A piecewise hazard with a delayed effect, dropout and a cap: the closed form (fluid)
        // against the quadrature path (forced by asking for it piece by piece).
        let mut m = single(
            Hazard::from_spec(&crate::scenario::HazardSpec::Piecewise {
                starts: vec![0.0, 4.0, 13.0],
                rates: vec![0.01, 0.04, 0.025],
            }),
            0.6,
            3.0,
            0.004,
        );
        m.follow_up = Some(30.0);
        let s = m.strata[0].outcome.clone();
        for &t in &[2.0, 7.5, 20.0, 45.0] {
            for treated in [false, true] {
                let mut cuts = vec![0.0, 3.0, 4.0, 13.0, t - 5.0, t - m.accrual_duration(300.0)];
                cuts.push(t.min(30.0));
                cuts.retain(|&v| (0.0..=t.min(30.0)).contains(&v));
                cuts.sort_by(f64::total_cmp);
                let (mut a, mut b) = (0.0, 0.0);
                for w in cuts.windows(2) {
                    a += m.piece_closed_form(&s, treated, 300.0, t, w[0], w[1]);
                    b += m.piece_quadrature(&s, treated, 300.0, t, w[0], w[1]);
                }
                assert!((a - b).abs() < 1e-8, "t {t} treated {treated}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn unequal_dropout_matches_rpact() {
        // rpact 3.3.4: getPowerSurvival(alpha = 0.025, lambda2 = log(2)/12, hazardRatio = 0.7,
        //   dropoutRate1 = 0.2, dropoutRate2 = 0.05, dropoutTime = 12, accrualTime = c(0, 20),
        //   maxNumberOfSubjects = 400, maxNumberOfEvents = 250, directionUpper = FALSE)
        //   $analysisTime = 35.4493641007
        let d = crate::model::outcome::Dropout::by_arm(0.2, 0.05);
        let m = EventModel {
            strata: vec![StratumShare {
                share: 1.0,
                outcome: StratumOutcome::new(
                    Hazard::Exponential {
                        rate: std::f64::consts::LN_2 / 12.0,
                    },
                    0.7,
                    0.0,
                ),
            }],
            treated_fraction: 0.5,
            dropout_rate: d.rate,
            treatment_dropout_rate: d.treatment_rate,
            follow_up: None,
            intensity: Screening::new(&[RatePiece {
                from: 0.0,
                per_month: 20.0,
            }]),
            accrual: Accrual::Fluid,
        };
        let t = m.time_for_events(400.0, 250.0).unwrap();
        assert!((t - 35.449_364_100_7).abs() < 1e-6 * 35.45, "{t}");
    }
}
