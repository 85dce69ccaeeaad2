//! `enrichsim monitor`: the interim analysis a data monitoring committee (DMC) makes on real,
//! unblinded data at look k of a scenario's group-sequential design.
//!
//! The current look's log-rank z, events and allocation come from the data (the `analyze`
//! machinery: R's timefix, the stratified log-rank with a strata column); the earlier looks'
//! events and z, as the DMC saw them then, come from `--previous` (`EVENTS:Z[:ALLOCATION]`,
//! one per earlier look). The design, its planned events (the last is the maximum information
//! D), the allocation and the hazard ratio it was planned for (the average hazard ratio of the
//! randomised mix at the final analysis, [`crate::analytic::power_analysis`]) come from the
//! scenario; the prior for the predictive power from `--prior`, else the scenario's `[prior]`
//! (its binning entry: the one covering the largest share of the randomised), else flat. The
//! inference itself is [`crate::design::interim::analyse`] (rpact 3.3.4's conventions).

use crate::analysis::dataset::Dataset;
use crate::analysis::{AnalyzeOptions, Ties};
use crate::analytic::{self, Method};
use crate::design::interim::{self, Action, InterimPlan, LookInference, NormalPrior, ObservedLook};
use crate::error::{Error, Result};
use crate::stats::normal;
use crate::study::Study;
use serde::Serialize;

/// An earlier look as recorded by the DMC: `--previous EVENTS:Z[:ALLOCATION]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreviousLook {
    /// Cumulative events at that look.
    pub events: f64,
    /// Its log-rank z (> 0 favouring treatment).
    pub z: f64,
    /// Its allocation r : 1 (treatment : control), if recorded.
    pub allocation: Option<f64>,
}

impl PreviousLook {
    /// Parses `--previous`: comma-separated `EVENTS:Z` or `EVENTS:Z:ALLOCATION`, e.g.
    /// `102:1.21,203:1.95` or `102:1.21:1.04`.
    pub fn parse_list(text: &str) -> Result<Vec<PreviousLook>> {
        const ALLOWED: &str = "comma-separated EVENTS:Z or EVENTS:Z:ALLOCATION, one per earlier look (e.g. 102:1.21,203:1.95): events a whole number > 0, z a finite number, allocation (treatment : control) > 0";
        let bad = |item: &str| Error::usage("--previous", item, ALLOWED);
        let mut out = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            let parts: Vec<&str> = item.split(':').map(str::trim).collect();
            if !(2..=3).contains(&parts.len()) {
                return Err(bad(item));
            }
            let events: f64 = parts[0].parse().map_err(|_| bad(item))?;
            let z: f64 = parts[1].parse().map_err(|_| bad(item))?;
            let allocation = match parts.get(2) {
                Some(a) => Some(a.parse::<f64>().map_err(|_| bad(item))?),
                None => None,
            };
            let whole = events.is_finite() && events >= 1.0 && events.fract() == 0.0;
            if !whole || !z.is_finite() || allocation.is_some_and(|a| !(a.is_finite() && a > 0.0)) {
                return Err(bad(item));
            }
            out.push(PreviousLook {
                events,
                z,
                allocation,
            });
        }
        Ok(out)
    }
}

/// The prior of `--prior`: `flat`, or `HR,LOWER,UPPER` (an estimate and its 95% interval).
pub fn parse_prior(text: &str) -> Result<NormalPrior> {
    const ALLOWED: &str =
        "flat, or HR,LOWER,UPPER: a hazard ratio and its 95% interval (0 < LOWER < HR < UPPER)";
    if text.trim().eq_ignore_ascii_case("flat") {
        return Ok(NormalPrior::FLAT);
    }
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| Error::usage("--prior", text, ALLOWED))?;
    match values[..] {
        [h, l, u] if l > 0.0 && l < h && h < u && u.is_finite() => Ok(NormalPrior {
            mean_log_hr: h.ln(),
            sd_log_hr: (u.ln() - l.ln()) / (2.0 * normal::quantile(0.975)),
        }),
        _ => Err(Error::usage("--prior", text, ALLOWED)),
    }
}

/// What `monitor` needs besides the scenario and the data.
#[derive(Clone, Debug, PartialEq)]
pub struct MonitorOptions {
    /// The current look k (1-based).
    pub look: usize,
    /// The earlier looks 1..k-1.
    pub previous: Vec<PreviousLook>,
    /// Stratify the log-rank by the data's strata column.
    pub stratified: bool,
    /// Merge near-equal times as R does (timefix).
    pub timefix: bool,
    /// The hazard ratio for the conditional power "under the plan" (default: the scenario's).
    pub planned_hr: Option<f64>,
    /// The prior for the predictive power (default: the scenario's, else flat).
    pub prior: Option<NormalPrior>,
}

/// The current look's data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonitorData {
    /// Patients.
    pub n: usize,
    /// Patients in the treatment arm.
    pub n_treatment: usize,
    /// Patients in the control arm.
    pub n_control: usize,
    /// Events (both arms).
    pub events: usize,
    /// Events in the treatment arm.
    pub events_treatment: usize,
    /// Events in the control arm.
    pub events_control: usize,
    /// Whether the log-rank is stratified.
    pub stratified: bool,
    /// Log-rank z, positive favouring treatment.
    pub logrank_z: f64,
    /// Cox hazard ratio with its 95% Wald interval (for reference; the inference uses z).
    pub cox_hr: f64,
    /// Lower 95% Wald limit.
    pub cox_hr_lower: f64,
    /// Upper 95% Wald limit.
    pub cox_hr_upper: f64,
}

/// The prior used for the predictive power.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriorUsed {
    /// `flat`, `--prior`, or `scenario (ENTRY)`.
    pub source: String,
    /// Prior mean of ln HR (0 when flat).
    pub mean_log_hr: f64,
    /// Prior SD of ln HR (null when flat).
    pub sd_log_hr: Option<f64>,
}

/// The `monitor` report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonitorReport {
    /// Scenario name.
    pub scenario: String,
    /// The current look k.
    pub look: usize,
    /// Looks of the design, K.
    pub looks_planned: usize,
    /// The efficacy design, described.
    pub design: String,
    /// One-sided level.
    pub alpha: f64,
    /// The futility rule, described (`none` without one).
    pub futility: String,
    /// Whether the futility bounds bind.
    pub binding_futility: bool,
    /// The maximum information D: planned events at the final analysis.
    pub max_events: f64,
    /// Planned allocation r : 1 (treatment : control).
    pub allocation_planned: f64,
    /// The hazard ratio of "conditional power under the plan".
    pub planned_hr: f64,
    /// Where it came from: `scenario (average hazard ratio at the final analysis)` or
    /// `--planned-hr`.
    pub planned_hr_source: String,
    /// The data at look k.
    pub data: MonitorData,
    /// The hazard-ratio estimate at look k, exp(-z (1 + r) / sqrt(r D_k)).
    pub observed_hr: f64,
    /// The action at look k: reject, futility, continue or accept.
    pub decision: String,
    /// The decision in words.
    pub decision_text: String,
    /// The look at which the trial ended, if it has.
    pub final_stage: Option<usize>,
    /// Stage-wise ordering p-value at the final stage.
    pub final_p: Option<f64>,
    /// Median-unbiased hazard ratio at the final stage.
    pub median_unbiased_hr: Option<f64>,
    /// Lower end of the stage-wise ordering confidence interval (level 1 - 2 alpha).
    pub final_ci_lower: Option<f64>,
    /// Upper end.
    pub final_ci_upper: Option<f64>,
    /// Conditional power (all remaining looks) under `planned_hr`.
    pub conditional_power_planned: Option<f64>,
    /// Conditional power under `observed_hr`.
    pub conditional_power_observed: Option<f64>,
    /// Predictive power under `prior`.
    pub predictive_power: Option<f64>,
    /// The prior of the predictive power.
    pub prior: PriorUsed,
    /// Posterior mean of ln HR at look k.
    pub posterior_mean_log_hr: f64,
    /// Posterior SD of ln HR at look k.
    pub posterior_sd_log_hr: f64,
    /// Every look, observed then remaining.
    pub looks: Vec<LookInference>,
    /// Remarks for people.
    pub notes: Vec<String>,
}

/// A scenario problem of `monitor` (the design it cannot monitor).
fn refuse(study: &Study, key: &str, value: &str, problem: &str, allowed: &str) -> Error {
    Error::Scenario {
        file: study.file.clone(),
        key: key.into(),
        problem: problem.into(),
        value: value.into(),
        allowed: allowed.into(),
    }
}

/// The interim analysis of `data` at look `options.look` of `study`'s design.
pub fn monitor(study: &Study, data: &Dataset, options: &MonitorOptions) -> Result<MonitorReport> {
    if let Some(h) = options.planned_hr
        && !(h.is_finite() && h > 0.0)
    {
        return Err(Error::usage("--planned-hr", h, "a hazard ratio > 0"));
    }
    let design = &study.design;
    let Some(plan) = &design.sequential else {
        return Err(refuse(
            study,
            "design.sequential",
            "(missing)",
            "monitor needs a group-sequential design",
            "a scenario with a [design.sequential] table",
        ));
    };
    if design.hypotheses.is_some() || design.adaptive.is_some() {
        return Err(refuse(
            study,
            "design.hypotheses",
            "(several hypotheses)",
            "monitor handles one hypothesis",
            "a design with one population and no multiplicity or adaptation",
        ));
    }
    if plan.weighted_information.is_some() || plan.maxcombo_time.is_some() {
        return Err(refuse(
            study,
            "design.test",
            &design.test.to_string(),
            "monitor handles the log-rank test",
            "logrank or stratified_logrank",
        ));
    }
    if plan.design.sided() != 1 {
        return Err(refuse(
            study,
            "design.sequential.sided",
            "2",
            "monitor handles one-sided designs",
            "1",
        ));
    }
    let big_k = plan.design.looks();
    if options.look == 0 || options.look > big_k {
        return Err(Error::usage(
            "--look",
            options.look,
            format!("a look of the design: 1 to {big_k}"),
        ));
    }
    if options.previous.len() + 1 != options.look {
        return Err(Error::usage(
            "--previous",
            format!("{} looks", options.previous.len()),
            format!(
                "the {} earlier look(s) of look {} (EVENTS:Z each, comma-separated)",
                options.look - 1,
                options.look
            ),
        ));
    }
    let analysis = crate::analysis::analyze_data(
        data,
        &AnalyzeOptions {
            timefix: options.timefix,
            ..AnalyzeOptions::new(options.stratified, Ties::Efron)
        },
    )?;
    if analysis.events == 0 {
        return Err(Error::usage(
            "DATA",
            "0 events",
            "data with at least one event",
        ));
    }
    let allocation = analysis.n_treatment as f64 / analysis.n_control as f64;
    let mut observed: Vec<ObservedLook> = options
        .previous
        .iter()
        .map(|p| ObservedLook {
            events: p.events,
            z: p.z,
            allocation: p.allocation.unwrap_or(allocation),
        })
        .collect();
    observed.push(ObservedLook {
        events: analysis.events as f64,
        z: analysis.logrank_z,
        allocation,
    });
    let mut planned_events: Vec<f64> = plan.events.iter().map(|&e| f64::from(e)).collect();
    if let Some(last) = planned_events.last_mut() {
        *last = plan.planned_events;
    }
    let allocation_planned = f64::from(design.allocation[0]) / f64::from(design.allocation[1]);
    let (planned_hr, planned_hr_source) = match options.planned_hr {
        Some(h) => (h, "--planned-hr".to_string()),
        None => {
            let hr = analytic::power_analysis(&study.model, design, Method::Schoenfeld)
                .map(|p| p.last().average_hr)
                .filter(|h| h.is_finite() && *h > 0.0)
                .ok_or_else(|| {
                    Error::usage(
                        "--planned-hr",
                        "(none: the scenario expects no events)",
                        "a hazard ratio > 0",
                    )
                })?;
            (
                hr,
                "scenario (average hazard ratio at the final analysis)".to_string(),
            )
        }
    };
    let (prior, prior_used) = match (options.prior, &study.model.prior) {
        (Some(p), _) => (
            p,
            PriorUsed {
                source: if p.sd_log_hr.is_finite() {
                    "--prior".into()
                } else {
                    "flat".into()
                },
                mean_log_hr: p.mean_log_hr,
                sd_log_hr: p.sd_log_hr.is_finite().then_some(p.sd_log_hr),
            },
        ),
        (None, Some(effect)) => {
            let entry = &effect.entries[effect.bin_by];
            let p = NormalPrior {
                mean_log_hr: entry.log_mean,
                sd_log_hr: entry.log_sd,
            };
            (
                p,
                PriorUsed {
                    source: format!("scenario ({})", entry.name),
                    mean_log_hr: p.mean_log_hr,
                    sd_log_hr: Some(p.sd_log_hr),
                },
            )
        }
        (None, None) => (
            NormalPrior::FLAT,
            PriorUsed {
                source: "flat".into(),
                mean_log_hr: 0.0,
                sd_log_hr: None,
            },
        ),
    };
    let inference = interim::analyse(
        &InterimPlan {
            design: &plan.design,
            planned_events,
            allocation_planned,
            planned_hr,
            prior,
        },
        &observed,
    )?;
    let spec = plan.design.spec();
    let futility = match &spec.futility {
        crate::design::sequential::Futility::None => "none".to_string(),
        crate::design::sequential::Futility::Z(z) => format!("z below {z:?}"),
        crate::design::sequential::Futility::BetaSpending(f) => {
            format!("beta spending, {}", f.describe())
        }
    };
    let k = options.look;
    let decision_text = match inference.decision {
        Action::Reject => format!("look {k}: z reached the efficacy bound: reject H0 and stop"),
        Action::Futility if spec.binding => {
            format!("look {k}: z below the binding futility bound: stop for futility")
        }
        Action::Futility => format!(
            "look {k}: z below the non-binding futility bound: the trial may stop for futility"
        ),
        Action::Continue => format!("look {k}: z between the bounds: continue"),
        Action::Accept => format!("look {k} (final): z below the efficacy bound: H0 not rejected"),
    };
    let mut notes = vec![
        "z > 0 favours treatment; hazard ratios are treatment versus control, estimated from z as exp(-z (1 + r) / sqrt(r events)) (rpact's effect size)".to_string(),
        "bounds: the spending function at the observed fractions events / max_events (the final look spends all the alpha left); remaining looks at their planned events".to_string(),
    ];
    if let Some(s) = inference.final_stage
        && s < k
    {
        notes.push(format!(
            "look {s} already ended the trial: the stage-wise inference is at look {s}"
        ));
    }
    if k < big_k {
        notes.push("conditional and predictive power count stops at the remaining futility bounds, as rpact's getConditionalPower does".to_string());
    }
    let sw = inference.stagewise;
    Ok(MonitorReport {
        scenario: study.scenario.name.clone(),
        look: k,
        looks_planned: big_k,
        design: plan.design.describe(),
        alpha: spec.alpha,
        futility,
        binding_futility: spec.binding,
        max_events: plan.planned_events,
        allocation_planned,
        planned_hr,
        planned_hr_source,
        data: MonitorData {
            n: analysis.n,
            n_treatment: analysis.n_treatment,
            n_control: analysis.n_control,
            events: analysis.events,
            events_treatment: analysis.events_treatment,
            events_control: analysis.events_control,
            stratified: analysis.stratified,
            logrank_z: analysis.logrank_z,
            cox_hr: analysis.cox_hr,
            cox_hr_lower: analysis.cox_hr_lower,
            cox_hr_upper: analysis.cox_hr_upper,
        },
        observed_hr: inference.observed_hr,
        decision: inference.decision.as_str().to_string(),
        decision_text,
        final_stage: inference.final_stage,
        final_p: sw.map(|s| s.p_value),
        median_unbiased_hr: sw.map(|s| s.median_unbiased_hr),
        final_ci_lower: sw.map(|s| s.lower_hr),
        final_ci_upper: sw.map(|s| s.upper_hr),
        conditional_power_planned: inference.conditional_power_planned,
        conditional_power_observed: inference.conditional_power_observed,
        predictive_power: inference.predictive_power,
        prior: prior_used,
        posterior_mean_log_hr: inference.posterior_mean_log_hr,
        posterior_sd_log_hr: inference.posterior_sd_log_hr,
        looks: inference.looks,
        notes,
    })
}
