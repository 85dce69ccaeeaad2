//! Interim inference on a group-sequential survival design from the data actually observed: what
//! a data monitoring committee (DMC) asks at look k.
//!
//! Given the design (at its planned information fractions), the planned events of every look
//! (the last, D, is the maximum information) and, for looks 1..k, the cumulative events D_j, the
//! log-rank z_j (z > 0 favouring treatment, enrichsim's and rpact's `directionUpper = FALSE`
//! convention) and the allocation r_j : 1 observed, [`analyse`] computes:
//!
//! - the observed information fractions t_j = D_j / D and the bounds recomputed by the spending
//!   function at them ([`GroupSequentialDesign::bounds_at`]: Lan and DeMets 1983), the final
//!   look spending all the alpha left; the remaining looks' bounds projected at their planned
//!   fractions;
//! - each look's action (reject, futility stop, continue; at the last look reject or accept)
//!   and the decision at look k;
//! - the hazard-ratio estimate exp(-z_j (1 + r_j) / sqrt(r_j D_j)) (rpact's effect size),
//!   repeated confidence intervals and repeated p-values ([`repeated`]);
//! - before the last look, the conditional power at the remaining looks under the planned
//!   hazard ratio and under the observed one, and the predictive power under a normal prior
//!   ([`conditional_power`]), with allocation `allocation_planned` for the future events;
//! - once the trial has ended (efficacy, binding futility, or the last look), the stage-wise
//!   ordering p-value, median-unbiased estimate and confidence interval ([`stagewise`]).
//!
//! Every number is rpact 3.3.4's for a group-sequential design whose `informationRates` are the
//! observed fractions followed by the remaining planned ones (tests/it/oracle_monitor.rs).

pub mod conditional_power;
pub mod repeated;
pub mod stagewise;

pub use conditional_power::{NormalPrior, Remaining};

use crate::design::sequential::{Futility, GroupSequentialDesign, MonitoringWorkspace, hr_from_z};
use crate::{Error, Result};

/// One look as observed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ObservedLook {
    /// Cumulative events (both arms).
    pub events: f64,
    /// Log-rank z, positive favouring treatment.
    pub z: f64,
    /// Allocation observed, treatment : control (patients randomised), as r : 1.
    pub allocation: f64,
}

/// What the inference needs besides the data.
#[derive(Clone, Debug)]
pub struct InterimPlan<'a> {
    /// The design at its planned fractions.
    pub design: &'a GroupSequentialDesign,
    /// Planned cumulative events at each look; the last is the maximum information D.
    pub planned_events: Vec<f64>,
    /// Allocation r : 1 of the events still to come (conditional and predictive power).
    pub allocation_planned: f64,
    /// The hazard ratio the trial was planned for (conditional power "under the plan").
    pub planned_hr: f64,
    /// The prior of ln HR for the predictive power.
    pub prior: NormalPrior,
}

/// What a look's z led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// z reached the efficacy bound: reject H0 (and stop).
    Reject,
    /// An interim z below the futility bound: stop for futility (binding), or may stop
    /// (non-binding).
    Futility,
    /// An interim look with z between the bounds.
    Continue,
    /// The last look without rejection: H0 not rejected.
    Accept,
}

impl Action {
    /// The action as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Reject => "reject",
            Action::Futility => "futility",
            Action::Continue => "continue",
            Action::Accept => "accept",
        }
    }
}

/// One look of the design: observed (1..k) or still to come (projected).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LookInference {
    /// The look, 1-based.
    pub look: usize,
    /// Whether the look has been observed (false: a remaining look, at its planned events).
    pub observed: bool,
    /// Cumulative events: observed, or planned for a remaining look.
    pub events: f64,
    /// Planned cumulative events.
    pub planned_events: f64,
    /// Information fraction events / D.
    pub fraction: f64,
    /// Log-rank z (observed looks).
    pub z: Option<f64>,
    /// Observed allocation r : 1 (observed looks).
    pub allocation: Option<f64>,
    /// Hazard-ratio estimate exp(-z (1 + r) / sqrt(r events)) (observed looks).
    pub hazard_ratio: Option<f64>,
    /// One-sided p-value 1 - Phi(z) of this look alone (observed looks).
    pub nominal_p: Option<f64>,
    /// Efficacy bound on z (recomputed at the observed fractions; projected for later looks).
    pub efficacy_bound: f64,
    /// The hazard ratio at the efficacy bound (allocation observed, or planned for later looks).
    pub efficacy_bound_hr: f64,
    /// Futility bound on z (None where there is none; at the last look it is the efficacy bound
    /// and not reported).
    pub futility_bound: Option<f64>,
    /// What z led to (observed looks).
    pub action: Option<Action>,
    /// Lower end of the repeated confidence interval for the hazard ratio.
    pub rci_lower: Option<f64>,
    /// Upper end of the repeated confidence interval.
    pub rci_upper: Option<f64>,
    /// Repeated p-value.
    pub repeated_p: Option<f64>,
    /// Conditional power of rejecting by this (remaining) look, under the planned hazard ratio.
    pub conditional_power_planned: Option<f64>,
    /// The same under the observed hazard ratio at look k.
    pub conditional_power_observed: Option<f64>,
    /// Predictive power of rejecting by this (remaining) look.
    pub predictive_power: Option<f64>,
}

/// Everything [`analyse`] computes.
#[derive(Clone, Debug, PartialEq)]
pub struct InterimInference {
    /// The current look k (1-based).
    pub look: usize,
    /// Every look of the design, observed then remaining.
    pub looks: Vec<LookInference>,
    /// The action at look k.
    pub decision: Action,
    /// The look at which the trial ended (first efficacy crossing, binding futility crossing,
    /// or the last look), if it has.
    pub final_stage: Option<usize>,
    /// Stage-wise ordering inference at `final_stage` (None when the trial goes on, stopped at a
    /// non-binding futility bound, or z >= 8).
    pub stagewise: Option<stagewise::StagewiseInference>,
    /// Total conditional power under the planned hazard ratio (before the last look).
    pub conditional_power_planned: Option<f64>,
    /// Total conditional power under the observed hazard ratio.
    pub conditional_power_observed: Option<f64>,
    /// Total predictive power.
    pub predictive_power: Option<f64>,
    /// Posterior mean of ln HR at look k.
    pub posterior_mean_log_hr: f64,
    /// Posterior SD of ln HR at look k.
    pub posterior_sd_log_hr: f64,
    /// The observed hazard ratio at look k (rpact's effect size).
    pub observed_hr: f64,
}

/// Information D r / (1 + r)^2 of `events` at allocation r : 1.
pub fn information(events: f64, allocation: f64) -> f64 {
    events * allocation / ((1.0 + allocation) * (1.0 + allocation))
}

/// The interim inference at look k = `observed.len()` (see the module documentation).
///
/// Errors ([`Error::Usage`] naming `--look` or `--previous`): no look, more looks than the
/// design has, events not strictly increasing or not positive, a z or allocation not finite (or
/// an allocation not positive), a look before the last whose events reach the next look's
/// planned events; a one-sided design only.
pub fn analyse(plan: &InterimPlan, observed: &[ObservedLook]) -> Result<InterimInference> {
    let design = plan.design;
    let big_k = design.looks();
    let k = observed.len();
    if design.sided() != 1 {
        return Err(Error::usage(
            "design.sequential.sided",
            design.sided(),
            "1 (interim inference is for one-sided designs)",
        ));
    }
    if k == 0 || k > big_k {
        return Err(Error::usage(
            "--look",
            k,
            format!("a look of the design, 1 to {big_k}"),
        ));
    }
    if plan.planned_events.len() != big_k {
        return Err(Error::usage(
            "planned events",
            plan.planned_events.len(),
            format!("one count per look ({big_k})"),
        ));
    }
    let max_events = plan.planned_events[big_k - 1];
    let mut prev = 0.0;
    for (j, o) in observed.iter().enumerate() {
        let option = if j + 1 == k { "--look" } else { "--previous" };
        if !(o.events.is_finite() && o.events > prev) {
            return Err(Error::usage(
                option,
                format!("look {} with {} events after {prev}", j + 1, o.events),
                "events increasing strictly from look to look",
            ));
        }
        if !o.z.is_finite() {
            return Err(Error::usage(
                option,
                format!("look {} with z {}", j + 1, o.z),
                "a finite z",
            ));
        }
        if !(o.allocation.is_finite() && o.allocation > 0.0) {
            return Err(Error::usage(
                option,
                format!("look {} with allocation {}", j + 1, o.allocation),
                "a positive allocation ratio",
            ));
        }
        prev = o.events;
    }
    let final_look = k == big_k;
    if !final_look && observed[k - 1].events >= plan.planned_events[k] {
        return Err(Error::usage(
            "--look",
            format!("{k} with {} events", observed[k - 1].events),
            format!(
                "fewer events than look {} plans ({}): with as many, call it look {}",
                k + 1,
                plan.planned_events[k],
                k + 1
            ),
        ));
    }
    let grid_r = design.spec().grid_r;
    let mut fractions: Vec<f64> = observed.iter().map(|o| o.events / max_events).collect();
    let observed_fractions = fractions.clone();
    fractions.extend(plan.planned_events[k..].iter().map(|e| e / max_events));
    let mut ws = MonitoringWorkspace::new();
    let mut bounds = Vec::with_capacity(big_k);
    for j in 1..=big_k {
        bounds.push(design.bounds_at(&fractions[..j], j == big_k, &mut ws)?);
    }
    let has_futility = !matches!(design.spec().futility, Futility::None);
    let binding = design.spec().binding && has_futility;
    let futility_at = |j: usize| -> Option<f64> {
        let a = bounds[j].futility;
        (has_futility && j + 1 < big_k && a.is_finite()).then_some(a)
    };
    // observed looks
    let mut looks = Vec::with_capacity(big_k);
    let mut final_stage = None;
    let mut max_correction = f64::NEG_INFINITY;
    for (j, o) in observed.iter().enumerate() {
        let b = bounds[j].efficacy;
        let a = futility_at(j);
        let action = if o.z >= b {
            Action::Reject
        } else if j + 1 == big_k {
            Action::Accept
        } else if a.is_some_and(|a| o.z < a) {
            Action::Futility
        } else {
            Action::Continue
        };
        if final_stage.is_none() {
            let binding_stop = binding && j + 1 < big_k && a.is_some_and(|a| o.z <= a);
            if o.z >= b || binding_stop || j + 1 == big_k {
                final_stage = Some(j + 1);
            }
        }
        let info = information(o.events, o.allocation);
        let mut rci = repeated::repeated_interval(o.z, info, b);
        if binding && j > 0 && max_correction.is_finite() {
            rci = rci.map(|(l, u)| (l, u.max(max_correction)));
        }
        if binding && let Some(a) = a {
            max_correction = max_correction.max(repeated::futility_correction(o.z, info, a));
        }
        let futility_used: Vec<f64> = (0..j)
            .map(|i| futility_at(i).unwrap_or(f64::NEG_INFINITY))
            .collect();
        let repeated_p = if b < crate::design::sequential::integration::BOUND_CAP {
            Some(repeated::repeated_p_value(
                design,
                &observed_fractions[..=j],
                j + 1 == big_k,
                o.z,
                &futility_used,
            )?)
        } else {
            None
        };
        looks.push(LookInference {
            look: j + 1,
            observed: true,
            events: o.events,
            planned_events: plan.planned_events[j],
            fraction: fractions[j],
            z: Some(o.z),
            allocation: Some(o.allocation),
            hazard_ratio: Some(hr_from_z(o.z, o.events, o.allocation)),
            nominal_p: Some(crate::stats::normal::sf(o.z)),
            efficacy_bound: b,
            efficacy_bound_hr: hr_from_z(b, o.events, o.allocation),
            futility_bound: a,
            action: Some(action),
            rci_lower: rci.map(|r| r.0),
            rci_upper: rci.map(|r| r.1),
            repeated_p,
            conditional_power_planned: None,
            conditional_power_observed: None,
            predictive_power: None,
        });
    }
    let current = observed[k - 1];
    let info_k = information(current.events, current.allocation);
    let observed_hr = hr_from_z(current.z, current.events, current.allocation);
    let (post_mean, post_sd) = plan.prior.posterior(current.z, info_k);
    // remaining looks
    let mut cp_planned = None;
    let mut cp_observed = None;
    let mut predictive = None;
    if !final_look {
        let remaining = Remaining {
            t_k: fractions[k - 1],
            z_k: current.z,
            fractions: fractions[k..].to_vec(),
            efficacy: bounds[k..].iter().map(|b| b.efficacy).collect(),
            futility: (k..big_k)
                .map(|j| futility_at(j).unwrap_or(f64::NEG_INFINITY))
                .collect(),
            drift_scale: information(max_events, plan.allocation_planned).sqrt(),
            grid_r,
        };
        let planned = remaining.conditional_power(-plan.planned_hr.ln());
        let obs = remaining.conditional_power(-observed_hr.ln());
        let pred = remaining.predictive_power(post_mean, post_sd);
        for (i, j) in (k..big_k).enumerate() {
            looks.push(LookInference {
                look: j + 1,
                observed: false,
                events: plan.planned_events[j],
                planned_events: plan.planned_events[j],
                fraction: fractions[j],
                z: None,
                allocation: None,
                hazard_ratio: None,
                nominal_p: None,
                efficacy_bound: bounds[j].efficacy,
                efficacy_bound_hr: hr_from_z(
                    bounds[j].efficacy,
                    plan.planned_events[j],
                    plan.allocation_planned,
                ),
                futility_bound: futility_at(j),
                action: None,
                rci_lower: None,
                rci_upper: None,
                repeated_p: None,
                conditional_power_planned: Some(planned[i]),
                conditional_power_observed: Some(obs[i]),
                predictive_power: Some(pred[i]),
            });
        }
        cp_planned = planned.last().copied();
        cp_observed = obs.last().copied();
        predictive = pred.last().copied();
    }
    let stagewise = final_stage.and_then(|s| {
        let last = observed[s - 1];
        let efficacy: Vec<f64> = bounds[..s].iter().map(|b| b.efficacy).collect();
        let futility: Vec<f64> = (0..s)
            .map(|j| futility_at(j).unwrap_or(f64::NEG_INFINITY))
            .collect();
        stagewise::stagewise(
            &fractions[..s],
            &efficacy,
            binding.then_some(&futility[..]),
            last.z,
            information(last.events, last.allocation),
            design.spec().alpha,
            grid_r,
        )
    });
    Ok(InterimInference {
        look: k,
        decision: looks[k - 1].action.unwrap_or(Action::Continue),
        looks,
        final_stage,
        stagewise,
        conditional_power_planned: cp_planned,
        conditional_power_observed: cp_observed,
        predictive_power: predictive,
        posterior_mean_log_hr: -post_mean,
        posterior_sd_log_hr: post_sd,
        observed_hr,
    })
}
