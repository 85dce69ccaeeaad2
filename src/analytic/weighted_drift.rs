//! The Fleming-Harrington weighted log-rank's expected score and information by integration over
//! the expected risk sets (no proportional-hazards assumption): the weighted form of
//! [`super::logrank_drift`].
//!
//! With the expected numbers at risk `Y_ha(v)` and event densities `d_ha(v)` of
//! [`super::logrank_drift`] (analysis stratum h, arm a, v months after randomisation, calendar
//! time t), and the weights `w_k(v) = S_h(v)^rho_k (1 - S_h(v))^gamma_k` evaluated at the limit
//! of the pooled Kaplan-Meier curve of the stratum, the mixture of the arms' event-free survival
//! (dropout and administrative censoring are common to both arms and cancel from the pooled
//! hazard)
//!
//! ```text
//!   S_h(v) = sum_s sum_a pi_a J_sh S_sa(v) / sum_s sum_a pi_a J_sh,
//! ```
//!
//! the weighted scores `U_k = sum_j w_k (E_j - d1_j)` and their covariances
//! `C_kl = sum_j w_k w_l V_j` (see `crate::analysis::weighted`) have the first-order expectations
//!
//! ```text
//!   U_k  = sum_h int w_k (Y_h0 d_h1 - Y_h1 d_h0) / Y_h dv,
//!   C_kl = sum_h int w_k w_l Y_h0 Y_h1 (d_h0 + d_h1) / Y_h^2 dv,
//! ```
//!
//! and under the model (H1) the scores' covariances are, by the martingale form
//! `U_k = int w_k (Y_1 / Y dN_0 - Y_0 / Y dN_1)`,
//!
//! ```text
//!   Sigma_kl = sum_h int w_k w_l (Y_h1^2 d_h0 + Y_h0^2 d_h1) / Y_h^2 dv,
//! ```
//!
//! equal to `C_kl` under H0. So `Z_k` has mean `-U_k / sqrt(C_kk)` and the components correlation
//! `C_kl / sqrt(C_kk C_ll)` (Lakatos 1988; Yung and Liu 2019, "Sample size and power for the
//! weighted log-rank test and Kaplan-Meier based tests with allowance for nonproportional
//! hazards", Biometrics 76; Karrison 2016). This is gsDesign2's `gs_info_wlr` `info` (its
//! `sigma2` times n; the weight at the mixture survival as its `wlr_weight_fh`), with the
//! information at the H1 risk sets. Across looks at calendar times `t_j <= t_k` the score
//! process has independent increments to first order, so `cov(U_k(t_j), U_l(t_k)) = C_kl(t_j)`
//! (Tsiatis 1982).

use super::events::EventModel;
use super::numerics::integrate;
use crate::analysis::FhWeight;
use crate::model::outcome::Hazard;

/// Expected weighted scores and their covariances at one calendar time.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedMoments {
    /// `U_k` (negative favours treatment), one per weight.
    pub score: Vec<f64>,
    /// `C_kl`, the expected covariances of the scores (`C_kk` the information of component k).
    pub covariance: Vec<Vec<f64>>,
    /// `Sigma_kl`, the scores' covariances under the model (H1): what the `C_kl` estimate
    /// only under H0, where both are equal.
    pub h1_covariance: Vec<Vec<f64>>,
}

impl WeightedMoments {
    /// The mean of component k's z, `-U_k / sqrt(C_kk)` (positive favours treatment).
    pub fn drift(&self, k: usize) -> f64 {
        let v = self.covariance[k][k];
        if v > 0.0 {
            -self.score[k] / v.sqrt()
        } else {
            0.0
        }
    }
}

/// The hazard of a control model at v months.
fn hazard_rate(h: &Hazard, v: f64) -> f64 {
    match h {
        Hazard::Exponential { rate } => *rate,
        Hazard::Weibull { scale, shape, .. } => shape / scale * (v / scale).powf(shape - 1.0),
        Hazard::Piecewise { starts, rates, .. } => {
            rates[starts.partition_point(|&s| s <= v).saturating_sub(1)]
        }
    }
}

/// `U_k` and `C_kl` for `weights` at calendar time t with n randomised; `groups[h][s]` = J_sh as
/// in [`super::logrank_moments`]. FH(0,0) gives the log-rank's U and V.
pub fn weighted_moments(
    em: &EventModel,
    groups: &[Vec<f64>],
    n: f64,
    t: f64,
    weights: &[FhWeight],
) -> WeightedMoments {
    let m = weights.len();
    let mut out = WeightedMoments {
        score: vec![0.0; m],
        covariance: vec![vec![0.0; m]; m],
        h1_covariance: vec![vec![0.0; m]; m],
    };
    let cap = em.follow_up.unwrap_or(f64::INFINITY);
    let v_max = t.min(cap);
    if v_max.is_nan() || v_max <= 0.0 || n <= 0.0 || !t.is_finite() || m == 0 {
        return out;
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
    // the integrand of entry e: e < m the score of weight e, then the covariance pairs (a, b),
    // then the same pairs' H1 covariances
    let pairs: Vec<(usize, usize)> = (0..m).flat_map(|a| (a..m).map(move |b| (a, b))).collect();
    let np = pairs.len();
    let at = |v: f64, e: usize| -> f64 {
        let r = em.randomised_by(n, t - v);
        if r <= 0.0 {
            return 0.0;
        }
        let mut event_free = [[0.0f64; 2]; crate::scenario::MAX_STRATA];
        let mut hazard = [[0.0f64; 2]; crate::scenario::MAX_STRATA];
        for (s, share) in em.strata.iter().enumerate() {
            let o = &share.outcome;
            let h0 = hazard_rate(&o.control, v);
            for (a, treated) in [false, true].into_iter().enumerate() {
                event_free[s][a] = (-o.cumulative(treated, v)).exp();
                hazard[s][a] = if treated {
                    h0 * o.hazard_ratio_at(v)
                } else {
                    h0
                };
            }
        }
        let censor = [(-g[0] * v).exp(), (-g[1] * v).exp()];
        let mut total_value = 0.0;
        for shares in groups {
            let (mut y, mut d, mut pooled, mut mass) = ([0.0; 2], [0.0; 2], 0.0, 0.0);
            for (s, &w) in shares.iter().enumerate() {
                if w <= 0.0 {
                    continue;
                }
                for a in 0..2 {
                    let at_risk = pi[a] * r * w * event_free[s][a] * censor[a];
                    y[a] += at_risk;
                    d[a] += at_risk * hazard[s][a];
                    pooled += pi[a] * w * event_free[s][a];
                    mass += pi[a] * w;
                }
            }
            let total = y[0] + y[1];
            if total <= 0.0 || mass <= 0.0 {
                continue;
            }
            let surv = pooled / mass;
            total_value += if e < m {
                weights[e].weight(surv) * (y[0] * d[1] - y[1] * d[0]) / total
            } else if e < m + np {
                let (a, b) = pairs[e - m];
                weights[a].weight(surv) * weights[b].weight(surv) * y[0] * y[1] * (d[0] + d[1])
                    / (total * total)
            } else {
                let (a, b) = pairs[e - m - np];
                weights[a].weight(surv)
                    * weights[b].weight(surv)
                    * (y[1] * y[1] * d[0] + y[0] * y[0] * d[1])
                    / (total * total)
            };
        }
        total_value
    };
    let tol = 1e-10 * n.max(1.0);
    for e in 0..m + 2 * np {
        let mut sum = 0.0;
        for w in cuts.windows(2) {
            sum += integrate(&mut |v| at(v, e), w[0], w[1], tol);
        }
        if e < m {
            out.score[e] = sum;
        } else if e < m + np {
            let (a, b) = pairs[e - m];
            out.covariance[a][b] = sum;
            out.covariance[b][a] = sum;
        } else {
            let (a, b) = pairs[e - m - np];
            out.h1_covariance[a][b] = sum;
            out.h1_covariance[b][a] = sum;
        }
    }
    out
}

/// The planned weighted information of a sequential design whose primary test is FH(rho,
/// gamma): `C_kk` ([`weighted_moments`]) at the expected calendar time of each look's event
/// count (the simulated accrual, [`super::default_accrual`]), under the scenario's model. None
/// for another test, a fixed design, or a look whose events are never expected.
pub fn planned_weighted_information(
    model: &crate::model::Model,
    design: &crate::model::Design,
) -> Option<Vec<f64>> {
    let plan = design.sequential.as_ref()?;
    let crate::analysis::TestKind::Fh(weight) = design.test.kind else {
        return None;
    };
    let em = EventModel::new(model, design, super::default_accrual(design));
    let groups = super::power::analysis_groups(model, design);
    let n = design.sample_size as f64;
    plan.events
        .iter()
        .map(|&e| {
            let t = em.time_for_events(n, e as f64)?;
            let m = weighted_moments(&em, &groups, n, t, &[weight]);
            Some(m.covariance[0][0])
        })
        .collect()
}

/// The planned covariances of a group-sequential MaxCombo's components: `C_ij(t_k)`
/// ([`weighted_moments`] over all the components) at the expected calendar time of each look's
/// event count (the simulated accrual), under the scenario's model, as
/// `out[k][i][j]`. None for another test, a fixed design, or a look whose events are never
/// expected. These give the joint law of all (look, component) statistics
/// (`crate::design::sequential::maxcombo::joint_correlation`).
pub fn planned_maxcombo_covariances(
    model: &crate::model::Model,
    design: &crate::model::Design,
) -> Option<Vec<Vec<Vec<f64>>>> {
    let plan = design.sequential.as_ref()?;
    let crate::analysis::TestKind::MaxCombo(weights) = &design.test.kind else {
        return None;
    };
    let em = EventModel::new(model, design, super::default_accrual(design));
    let groups = super::power::analysis_groups(model, design);
    let n = design.sample_size as f64;
    plan.events
        .iter()
        .map(|&e| {
            let t = em.time_for_events(n, e as f64)?;
            Some(weighted_moments(&em, &groups, n, t, weights).covariance)
        })
        .collect()
}

/// The closed-form power of a group-sequential weighted log-rank (FH) or MaxCombo design at
/// the scenario's own size and looks.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedSequentialPower {
    /// `P(some look crosses its bound)`.
    pub power: f64,
    /// `P(the first crossing is at look k)`.
    pub per_look: Vec<f64>,
}

/// The closed-form power of a sequential design whose test is `fh(rho,gamma)` or
/// `maxcombo(...)`: at each look's expected calendar time (its planned event count, the
/// simulated accrual) the statistic `Z_kj = U_j(t_k) / sqrt(C_jj(t_k))` has mean
/// `-U_j / sqrt(C_jj)` and, since the score's variance under the model is `Sigma_jj` rather
/// than the `C_jj` that estimates it, standard deviation `sqrt(Sigma_jj / C_jj)`
/// ([`weighted_moments`]: `Sigma - C = int w^2 Y_0 Y_1 (Y_1 - Y_0)(h_0 - h_1) / Y^2`, positive
/// when treatment keeps more patients at risk with a lower hazard, so power above one half is
/// lower than with unit variance); all (look, component) statistics are jointly normal with
/// correlations `Sigma_ij(t_min) / sqrt(Sigma_ii(t_k) Sigma_jj(t_l))` (independent increments
/// of the score martingale); the probability of no crossing through look k is the
/// multivariate normal probability `P(Z_kj < c_k, all j and looks <= k)`
/// ([`crate::stats::mvnormal::mvn_cdf`]), with `c_k` the plan's (planned) efficacy bounds.
/// gsDesign2's `gs_power_wlr` / `gs_power_combo` (without futility) take the variance as 1
/// (after its first look) or `info / info0`; both are the same to first order in the effect.
/// None for another test, a fixed design, a look whose events are never expected, or more
/// than [`crate::stats::mvnormal::MAX_DIM`] statistics.
pub fn weighted_sequential_power(
    model: &crate::model::Model,
    design: &crate::model::Design,
) -> Option<WeightedSequentialPower> {
    weighted_sequential_power_with(model, design, super::default_accrual(design))
}

/// [`weighted_sequential_power`] with the looks' calendar times under the given accrual
/// convention (`Accrual::Fluid` is gsDesign2's).
pub fn weighted_sequential_power_with(
    model: &crate::model::Model,
    design: &crate::model::Design,
    accrual: super::Accrual,
) -> Option<WeightedSequentialPower> {
    use crate::stats::mvnormal::{Corr, MAX_DIM, mvn_cdf};
    let plan = design.sequential.as_ref()?;
    let weights: Vec<FhWeight> = match &design.test.kind {
        crate::analysis::TestKind::Fh(w) => vec![*w],
        crate::analysis::TestKind::MaxCombo(w) => w.clone(),
        _ => return None,
    };
    let m = weights.len();
    let looks = plan.events.len();
    if looks * m > MAX_DIM {
        return None;
    }
    let em = EventModel::new(model, design, accrual);
    let groups = super::power::analysis_groups(model, design);
    let n = design.sample_size as f64;
    let moments: Vec<WeightedMoments> = plan
        .events
        .iter()
        .map(|&e| {
            let t = em.time_for_events(n, e as f64)?;
            Some(weighted_moments(&em, &groups, n, t, &weights))
        })
        .collect::<Option<_>>()?;
    // Z_kj = U_j(t_k) / sqrt(C_jj(t_k)): mean drift(j), sd sqrt(Sigma_jj / C_jj) at look k,
    // correlations Sigma_ij(t_min) / sqrt(Sigma_ii(t_k) Sigma_jj(t_l))
    let h1: Vec<Vec<Vec<f64>>> = moments.iter().map(|w| w.h1_covariance.clone()).collect();
    let corr = crate::design::sequential::maxcombo::joint_correlation(&h1);
    let mut r: Corr = [[0.0; MAX_DIM]; MAX_DIM];
    for (x, row) in corr.iter().enumerate() {
        for (y, v) in row.iter().enumerate() {
            r[x][y] = *v;
        }
    }
    let mut upper = [f64::INFINITY; MAX_DIM];
    let mut per_look = Vec::with_capacity(looks);
    let mut previous = 1.0;
    for k in 0..looks {
        for j in 0..m {
            let w = &moments[k];
            let sd = (w.h1_covariance[j][j] / w.covariance[j][j]).sqrt();
            upper[k * m + j] = (plan.efficacy[k] - w.drift(j)) / sd;
        }
        let none = mvn_cdf(&upper[..(k + 1) * m], &r);
        per_look.push(previous - none);
        previous = none;
    }
    Some(WeightedSequentialPower {
        power: 1.0 - previous,
        per_look,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str) -> (crate::model::Model, crate::model::Design) {
        let sc = crate::scenario::Scenario::parse(text, "s.toml", &[]).unwrap();
        crate::model::resolve(&sc, "s.toml").unwrap()
    }

    /// A piecewise hazard ratio `[{0, 1}, {3, 0.6}]` is the delay form `delay = 3, hr = 0.6`:
    /// the same expected events, scores and (H0 and H1) covariances.
    #[test]
    fn schedule_is_the_delay_form() {
        let base = "name = \"s\"\n[control]\nall = { median = 15.0 }\n[enrolment]\nrate = 30.0\n[design]\nsample_size = 300\nanalysis = { events = 200 }\n[effect]\n";
        let (m1, d1) = resolve(&format!("{base}hazard_ratio = 0.6\ndelay = 3.0\n"));
        let (m2, d2) = resolve(&format!(
            "{base}hazard_ratio = [{{ from = 0.0, hr = 1.0 }}, {{ from = 3.0, hr = 0.6 }}]\n"
        ));
        let w = [FhWeight::new(0.0, 0.0), FhWeight::new(0.0, 1.0)];
        for accrual in [super::super::Accrual::Fluid, super::super::Accrual::Poisson] {
            let e1 = EventModel::new(&m1, &d1, accrual);
            let e2 = EventModel::new(&m2, &d2, accrual);
            for t in [2.0, 9.0, 20.0, 40.0] {
                let (a, b) = (e1.total_events(300.0, t), e2.total_events(300.0, t));
                assert!((a - b).abs() < 1e-8 * a.max(1.0), "events at {t}: {a} {b}");
                let x = weighted_moments(&e1, &[vec![1.0]], 300.0, t, &w);
                let y = weighted_moments(&e2, &[vec![1.0]], 300.0, t, &w);
                for j in 0..2 {
                    assert!((x.score[j] - y.score[j]).abs() < 1e-8);
                    for k in 0..2 {
                        assert!((x.covariance[j][k] - y.covariance[j][k]).abs() < 1e-8);
                        assert!((x.h1_covariance[j][k] - y.h1_covariance[j][k]).abs() < 1e-8);
                    }
                }
            }
        }
    }

    /// Under H0 the model's covariances are the estimated ones; under H1 with a benefit they
    /// are larger (treatment keeps more at risk, with a lower hazard).
    #[test]
    fn h1_covariance_is_c_under_h0() {
        let base = "name = \"s\"\n[control]\nall = { median = 15.0 }\n[enrolment]\nrate = 30.0\n[design]\nsample_size = 300\nallocation = [2, 1]\nanalysis = { events = 200 }\n[effect]\n";
        let w = [FhWeight::new(0.0, 0.0), FhWeight::new(0.0, 1.0)];
        for (hr, h0) in [("1.0", true), ("0.6", false)] {
            let (m, d) = resolve(&format!("{base}hazard_ratio = {hr}\n"));
            let em = EventModel::new(&m, &d, super::super::Accrual::Fluid);
            let x = weighted_moments(&em, &[vec![1.0]], 300.0, 30.0, &w);
            for j in 0..2 {
                let (c, s) = (x.covariance[j][j], x.h1_covariance[j][j]);
                if h0 {
                    assert!((c - s).abs() < 1e-9 * c, "{c} {s}");
                } else {
                    assert!(s > c * 1.001, "{c} {s}");
                }
            }
        }
    }

    #[test]
    fn fh00_is_the_logrank() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/phase3-delayed.toml"
        ))
        .unwrap();
        let sc = crate::scenario::Scenario::parse(&text, "d.toml", &[]).unwrap();
        let (model, design) = crate::model::resolve(&sc, "d.toml").unwrap();
        let em = EventModel::new(&model, &design, super::super::Accrual::Poisson);
        let groups = super::super::power::analysis_groups(&model, &design);
        let n = design.sample_size as f64;
        for t in [12.0, 24.0, 40.0] {
            let lr = super::super::logrank_moments(&em, &groups, n, t);
            let w = weighted_moments(&em, &groups, n, t, &[FhWeight::new(0.0, 0.0)]);
            assert!((lr.score - w.score[0]).abs() < 1e-7 * lr.variance.abs().max(1.0));
            assert!((lr.variance - w.covariance[0][0]).abs() < 1e-7 * lr.variance);
        }
    }
}
