//! The operating characteristics of a scenario's design at other hazard ratios, in closed form
//! (`enrichsim design --at-hr`): gsDesign's `gsProbability` and rpact's `getPowerSurvival` for
//! the design as specified.
//!
//! The design is kept: its sample size n, its recruitment, its analyses (the event counts D_k
//! of `[design.sequential]` with their bounds, or its single analysis) and its test. For each
//! hazard ratio h the model is rebuilt with h as the hazard ratio in every stratum (each
//! stratum's control hazard, the effect's delay, the dropout and the accrual kept; a piecewise
//! hazard ratio becomes the constant h), so the calendar times of the event-driven looks depend
//! on h: T_k(h) solves E_h(T_k) = D_k (`EventModel::time_for_events`). At a calendar analysis
//! the events are the expected E_h(T). The log-rank z at look k has mean
//! mu_k = -ln(AHR_k) sqrt(D_k r / (1 + r)^2) (Schoenfeld 1981; AHR_k = h with proportional
//! hazards, the events' average hazard ratio with a delay) and the canonical joint distribution
//! at information fractions t_k = D_k / D_K (Jennison and Turnbull 2000, section 3.1); the exit
//! probabilities per look come from [`power_analysis_with`], futility bounds stopping the trial
//! whether binding or not (as gsDesign's `gsProbability` and rpact's `getPowerSurvival` do).
//!
//! With P_k the probability of stopping at look k (efficacy or futility; the last look takes
//! all that reaches it, 1 - sum_{k<K} P_k), the expectations at stopping are
//!
//! ```text
//!   E[events]   = sum_k P_k D_k
//!   E[duration] = sum_k P_k T_k
//!   E[subjects] = sum_k P_k R(T_k)
//! ```
//!
//! with R(t) the expected number randomised by t ([`EventModel::randomised_by`]): rpact's
//! `expectedNumberOfEvents`, `studyDuration` and `expectedNumberOfSubjects`.

use super::events::{Accrual, EventModel};
use super::power::power_analysis_with;
use super::sample_size::Method;
use crate::error::{Error, Result};
use crate::model::{Design, Model};
use serde::Serialize;

/// One look of the design at one hazard ratio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtHrLook {
    /// Events at the look: the design's count, or those expected at a calendar analysis.
    pub events: f64,
    /// Expected calendar time of the look, months from the first screening (infinite, null in
    /// JSON, when its events are never expected).
    pub time: f64,
    /// Expected number randomised by then, R(T_k).
    pub subjects: f64,
    /// Efficacy z bound.
    pub efficacy_bound: f64,
    /// Futility z bound (-inf, null in JSON, where there is none).
    pub futility_bound: f64,
    /// Probability of stopping here with a rejection.
    pub reject_prob: f64,
    /// Probability of stopping here for futility.
    pub futility_prob: f64,
}

/// The design's operating characteristics at one hazard ratio.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtHrPoint {
    /// The hazard ratio (treatment / control) in every stratum.
    pub hazard_ratio: f64,
    /// Probability of rejecting at some look: sum_k of `looks[k].reject_prob`.
    pub power: f64,
    /// Probability of stopping for futility at some look.
    pub futility_stop: f64,
    /// Expected events at stopping, sum_k P_k D_k.
    pub expected_events: f64,
    /// Expected calendar months at stopping, sum_k P_k T_k.
    pub expected_duration: f64,
    /// Expected number randomised at stopping, sum_k P_k R(T_k).
    pub expected_subjects: f64,
    /// The looks.
    pub looks: Vec<AtHrLook>,
}

/// The operating characteristics of a scenario's design over hazard ratios.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AtHrAnalysis {
    /// Scenario name (set by the caller; empty from [`operating_characteristics`]).
    pub scenario: String,
    /// The approximation of the log-rank's mean: "Schoenfeld (1981)" or "Freedman (1982)".
    pub method: String,
    /// One-sided level.
    pub alpha: f64,
    /// The design's sample size.
    pub sample_size: u32,
    /// Number of analyses of the design.
    pub looks: usize,
    /// How randomisations arrive in the expected counts.
    pub accrual: Accrual,
    /// One entry per hazard ratio, in the order given.
    pub at_hr: Vec<AtHrPoint>,
    /// How the figures were obtained.
    pub notes: Vec<String>,
}

/// Checks hazard ratios given on the command line: finite and > 0, at least one.
pub fn check_hazard_ratios(option: &str, values: &[f64]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::usage(
            option,
            "(none)",
            "hazard ratios > 0, e.g. 1,0.8,0.7",
        ));
    }
    match values.iter().find(|h| !(h.is_finite() && **h > 0.0)) {
        Some(h) => Err(Error::usage(
            option,
            h,
            "hazard ratios > 0 (finite numbers), e.g. 1,0.8,0.7",
        )),
        None => Ok(()),
    }
}

/// The model with hazard ratio `h` in every stratum (controls, delays, dropout, recruitment
/// kept; no prior).
pub fn model_at_hr(model: &Model, h: f64) -> Model {
    let mut m = model.clone();
    m.outcomes = model
        .outcomes
        .iter()
        .map(|o| o.with_hazard_ratio(h))
        .collect();
    m.prior = None;
    m
}

/// The design's operating characteristics at each hazard ratio of `hazard_ratios` (see the
/// module documentation), with the log-rank's mean by `method` and the expected counts under
/// `accrual` ([`super::power::default_accrual`] is the simulated process; `Accrual::Fluid` is
/// rpact's convention).
pub fn operating_characteristics(
    model: &Model,
    design: &Design,
    hazard_ratios: &[f64],
    method: Method,
    accrual: Accrual,
) -> Result<AtHrAnalysis> {
    check_hazard_ratios("--at-hr", hazard_ratios)?;
    let n = design.sample_size as f64;
    let mut notes = vec![
        "each hazard ratio is the hazard ratio in every stratum: the scenario's control \
         hazards, effect delay, dropout, recruitment, sample size, analyses and bounds are kept"
            .to_string(),
        format!(
            "looks at the design's event counts, at the calendar times those events are expected \
             under each hazard ratio; expected counts under {}",
            match accrual {
                Accrual::Poisson =>
                    "the simulated accrual (Poisson screening stopped at the n-th randomisation)",
                Accrual::Fluid => "a deterministic accrual flow (rpact's convention)",
            }
        ),
    ];
    if design.sequential.is_some() {
        notes.push(
            "futility bounds stop the trial whether binding or not (gsDesign's gsProbability, \
             rpact's getPowerSurvival); expectations are at stopping"
                .into(),
        );
    }
    let mut points = Vec::with_capacity(hazard_ratios.len());
    for &h in hazard_ratios {
        let at = model_at_hr(model, h);
        let em = EventModel::new(&at, design, accrual);
        let Some(p) = power_analysis_with(&at, design, method, accrual) else {
            return Err(Error::usage(
                "--at-hr",
                h,
                "a hazard ratio at which the design's analyses expect events",
            ));
        };
        for note in &p.notes {
            if note.contains("never expected") && !notes.contains(note) {
                notes.push(format!("at hazard ratio {h}: {note}"));
            }
        }
        let futility: Vec<f64> = match &design.sequential {
            // two-sided: |z| below the bound stops, and a bound of 0 is none
            Some(plan) if plan.design.sided() == 2 => plan
                .futility
                .iter()
                .map(|&a| if a > 0.0 { a } else { f64::NEG_INFINITY })
                .collect(),
            Some(plan) => plan.futility.clone(),
            None => vec![f64::NEG_INFINITY],
        };
        let looks: Vec<AtHrLook> = p
            .looks
            .iter()
            .enumerate()
            .map(|(k, l)| AtHrLook {
                events: l.events,
                time: l.time,
                subjects: if l.time.is_finite() {
                    em.randomised_by(n, l.time)
                } else {
                    n
                },
                efficacy_bound: l.efficacy_bound,
                futility_bound: futility.get(k).copied().unwrap_or(f64::NEG_INFINITY),
                reject_prob: l.efficacy_prob,
                futility_prob: l.futility_prob,
            })
            .collect();
        let last = looks.len() - 1;
        let stop: Vec<f64> = {
            // (two-sided designs also stop for harm, Z_k <= -b_k)
            let early: Vec<f64> = looks[..last]
                .iter()
                .zip(&p.looks)
                .map(|(l, pl)| l.reject_prob + l.futility_prob + pl.harm_prob.unwrap_or(0.0))
                .collect();
            let rest = 1.0 - early.iter().sum::<f64>();
            early.into_iter().chain([rest]).collect()
        };
        let expect = |f: &dyn Fn(&AtHrLook) -> f64| -> f64 {
            stop.iter()
                .zip(&looks)
                .filter(|(p, _)| **p > 0.0)
                .map(|(p, l)| p * f(l))
                .sum()
        };
        points.push(AtHrPoint {
            hazard_ratio: h,
            power: looks.iter().map(|l| l.reject_prob).sum(),
            futility_stop: looks.iter().map(|l| l.futility_prob).sum(),
            expected_events: expect(&|l| l.events),
            expected_duration: expect(&|l| l.time),
            expected_subjects: expect(&|l| l.subjects),
            looks,
        });
    }
    Ok(AtHrAnalysis {
        scenario: String::new(),
        method: method.describe().to_string(),
        alpha: design.alpha,
        sample_size: design.sample_size,
        looks: design.sequential.as_ref().map_or(1, |s| s.events.len()),
        accrual,
        at_hr: points,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::Study;

    fn study(extra: &str) -> Study {
        let text = format!(
            r#"
name = "t"
[control]
all = {{ median = 30.0 }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = 12.5
[design]
sample_size = 300
analysis = {{ events = 150 }}
test = "logrank"
alpha = 0.025
{extra}
"#
        );
        Study::parse(&text, "t.toml", &[]).expect("valid")
    }

    #[test]
    fn at_the_scenarios_own_hazard_ratio_it_is_the_scenarios_power() {
        let s = study("[design.sequential]\nlooks = [0.5]\n");
        let a = operating_characteristics(
            &s.model,
            &s.design,
            &[1.0, 0.7],
            Method::Schoenfeld,
            Accrual::Poisson,
        )
        .unwrap();
        let p = crate::analytic::power_analysis(&s.model, &s.design, Method::Schoenfeld).unwrap();
        assert!((a.at_hr[1].power - p.power).abs() < 1e-12);
        assert!((a.at_hr[0].power - 0.025).abs() < 1e-6);
        // the same looks at events 75 and 150; later under HR 0.7 (fewer events per month)
        assert_eq!(a.at_hr[1].looks[0].events, 75.0);
        assert!(a.at_hr[1].looks[1].time > a.at_hr[0].looks[1].time);
        let e = &a.at_hr[1];
        assert!(e.expected_events > 75.0 && e.expected_events < 150.0);
        assert!(e.expected_subjects <= 300.0 + 1e-9);
    }

    #[test]
    fn bad_hazard_ratios_are_refused() {
        for bad in [[0.0], [-1.0], [f64::NAN]] {
            let e = check_hazard_ratios("--at-hr", &bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains("--at-hr") && e.contains("> 0"), "{e}");
        }
    }
}
