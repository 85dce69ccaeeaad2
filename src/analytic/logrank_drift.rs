//! The log-rank's drift by integration over the expected risk sets: no proportional-hazards
//! assumption.
//!
//! At calendar time t, in analysis stratum h (the observed stratum for the stratified test, all
//! patients for the unstratified one), the expected number at risk v months after randomisation
//! in arm a, and the expected density of observed events there, are
//!
//! ```text
//!   Y_ha(v) = pi_a R(t - v) sum_s J_sh S_sa(v) e^(-g v) I(v < c)
//!   d_ha(v) = pi_a R(t - v) sum_s J_sh h_sa(v) S_sa(v) e^(-g v) I(v < c)
//! ```
//!
//! with J_sh = P(true s, observed h | randomised) (the assay's joint table), S_sa and h_sa the
//! arm's survival and hazard in true stratum s, and R the expected randomised count (see
//! `events`). The log-rank numerator O_1 - E_1 = int (Y_0 dN_1 - Y_1 dN_0) / Y and its variance
//! int Y_0 Y_1 / Y^2 dN have, to first order, the expectations
//!
//! ```text
//!   U = sum_h int (Y_h0 d_h1 - Y_h1 d_h0) / Y_h dv,    V = sum_h int Y_h0 Y_h1 (d_h0 + d_h1) / Y_h^2 dv
//! ```
//!
//! and the z-statistic (positive favouring treatment) has mean -U / sqrt(V) (Schoenfeld 1981,
//! section 3, under general alternatives; Lakatos 1988). This sees what the average hazard ratio
//! does not: the changing mix of true strata at risk within an analysis stratum (an unstratified
//! test over strata of different prognosis, or an observed stratum that holds misclassified
//! patients), and the imbalance of the arms at risk when the effect is large. Integrated by
//! adaptive Gauss-Legendre quadrature between the same breakpoints as the events.

use super::events::EventModel;
use super::numerics::integrate;
use crate::model::outcome::Hazard;

/// Expected log-rank score, variance and events at one calendar time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogrankMoments {
    /// U: expected observed minus expected treatment-arm events (negative favours treatment).
    pub score: f64,
    /// V: expected variance of the score (the log-rank's information).
    pub variance: f64,
}

impl LogrankMoments {
    /// The mean of the log-rank z, -U / sqrt(V) (positive favours treatment).
    pub fn drift(&self) -> f64 {
        if self.variance > 0.0 {
            -self.score / self.variance.sqrt()
        } else {
            0.0
        }
    }
}

/// The hazard of a control model at v months (the Weibull's k/l (v/l)^(k-1)).
fn hazard_rate(h: &Hazard, v: f64) -> f64 {
    match h {
        Hazard::Exponential { rate } => *rate,
        Hazard::Weibull { scale, shape, .. } => shape / scale * (v / scale).powf(shape - 1.0),
        Hazard::Piecewise { starts, rates, .. } => {
            rates[starts.partition_point(|&s| s <= v).saturating_sub(1)]
        }
    }
}

/// U and V at calendar time t with n randomised; `groups[h][s]` = J_sh, the share of the
/// randomised that is in true stratum s (the model's order) and analysis stratum h.
pub fn logrank_moments(em: &EventModel, groups: &[Vec<f64>], n: f64, t: f64) -> LogrankMoments {
    let cap = em.follow_up.unwrap_or(f64::INFINITY);
    let v_max = t.min(cap);
    if v_max.is_nan() || v_max <= 0.0 || n <= 0.0 || !t.is_finite() {
        return LogrankMoments {
            score: 0.0,
            variance: 0.0,
        };
    }
    let mut cuts = vec![0.0, v_max, t - em.accrual_duration(n)];
    for s in &em.strata {
        if let Hazard::Piecewise { starts, .. } = &s.outcome.control {
            cuts.extend(starts.iter().copied());
        }
        cuts.extend(s.outcome.effect_changes());
    }
    cuts.extend(em.intensity.starts().iter().map(|s| t - s));
    cuts.retain(|&v| (0.0..=v_max).contains(&v));
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let pi = [1.0 - em.treated_fraction, em.treated_fraction];
    let g = [em.dropout_rate, em.treatment_dropout_rate];
    // (score, variance) integrands at v
    let at = |v: f64| -> (f64, f64) {
        let r = em.randomised_by(n, t - v);
        if r <= 0.0 {
            return (0.0, 0.0);
        }
        let (mut u, mut var) = (0.0, 0.0);
        let mut survival = [[0.0f64; 2]; crate::scenario::MAX_STRATA];
        let mut hazard = [[0.0f64; 2]; crate::scenario::MAX_STRATA];
        for (s, share) in em.strata.iter().enumerate() {
            let o = &share.outcome;
            let h0 = hazard_rate(&o.control, v);
            for (a, treated) in [false, true].into_iter().enumerate() {
                survival[s][a] = (-o.cumulative(treated, v) - g[a] * v).exp();
                hazard[s][a] = if treated {
                    h0 * o.hazard_ratio_at(v)
                } else {
                    h0
                };
            }
        }
        for weights in groups {
            let (mut y, mut d) = ([0.0; 2], [0.0; 2]);
            for (s, &w) in weights.iter().enumerate() {
                if w <= 0.0 {
                    continue;
                }
                for a in 0..2 {
                    let at_risk = pi[a] * r * w * survival[s][a];
                    y[a] += at_risk;
                    d[a] += at_risk * hazard[s][a];
                }
            }
            let total = y[0] + y[1];
            if total > 0.0 {
                u += (y[0] * d[1] - y[1] * d[0]) / total;
                var += y[0] * y[1] * (d[0] + d[1]) / (total * total);
            }
        }
        (u, var)
    };
    let tol = 1e-10 * n.max(1.0);
    let (mut score, mut variance) = (0.0, 0.0);
    for w in cuts.windows(2) {
        score += integrate(&mut |v| at(v).0, w[0], w[1], tol);
        variance += integrate(&mut |v| at(v).1, w[0], w[1], tol);
    }
    LogrankMoments { score, variance }
}
