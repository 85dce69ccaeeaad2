//! Closed-form events, sample size and power.
//!
//! PLACEHOLDER: replaced by the issue-4 module at merge. Only the public signatures below are
//! relied on elsewhere (`sweep` calls [`analytic_power`], `search` calls [`analyse`]); the bodies
//! are a plain Schoenfeld (1981) approximation with a crude event probability, enough to give
//! the sample-size search a starting point and the sweep table a closed-form column.

// PLACEHOLDER: replaced by the issue-4 module at merge

use crate::error::{Error, Result};
use crate::model::{Design, Model};
use crate::normal;
use crate::scenario::AnalysisSpec;

/// The closed-form analysis of a design at a target power.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignAnalysis {
    /// Events required for the target power.
    pub events: f64,
    /// Patients to randomise.
    pub subjects: f64,
    /// Calendar time of each analysis, months.
    pub analysis_times: Vec<f64>,
    /// Expected patients screened to randomise `subjects`.
    pub expected_screened: f64,
    /// The target power.
    pub power: f64,
    /// The average hazard ratio the events are computed for.
    pub average_hr: f64,
}

/// Schoenfeld's (1981) events for a one-sided level `alpha`, `power`, a hazard ratio and an
/// allocation ratio r (treatment : control = r : 1): (z_(1-alpha) + z_power)^2 (1 + r)^2 / (r ln^2 HR).
pub fn schoenfeld_events(alpha: f64, power: f64, hazard_ratio: f64, allocation: f64) -> f64 {
    let z = normal::quantile(1.0 - alpha) + normal::quantile(power);
    let r = allocation;
    z * z * (1.0 + r) * (1.0 + r) / (r * hazard_ratio.ln().powi(2))
}

/// Hazard ratio averaged on the log scale over the randomised mix of true strata.
fn average_hr(model: &Model, design: &Design) -> f64 {
    let mix = model.population.randomised_mix(&design.eligible_strata);
    mix.iter()
        .zip(&model.outcomes)
        .map(|(w, o)| w * o.hazard_ratio.ln())
        .sum::<f64>()
        .exp()
}

fn ratio(design: &Design) -> f64 {
    design.allocation[0] as f64 / design.allocation[1] as f64
}

/// Probability that a randomised patient has had the event by calendar time `t`, with entry
/// uniform over the enrolment period (midpoint rule, 200 steps; dropout ignored).
fn event_probability(model: &Model, design: &Design, t: f64) -> f64 {
    let mix = model.population.randomised_mix(&design.eligible_strata);
    let r = ratio(design);
    let accrual = model.expected_enrolment_time(design);
    let steps = 200;
    let mut total = 0.0;
    for i in 0..steps {
        let entry = accrual * (i as f64 + 0.5) / steps as f64;
        let follow = (t - entry).max(0.0);
        for (w, o) in mix.iter().zip(&model.outcomes) {
            let dead = (r * (1.0 - o.survival(true, follow)) + (1.0 - o.survival(false, follow)))
                / (1.0 + r);
            total += w * dead;
        }
    }
    total / steps as f64
}

/// Calendar time of the analysis for the fixed-time designs.
fn calendar_time(model: &Model, design: &Design) -> Option<f64> {
    match design.analysis {
        AnalysisSpec::Calendar(t) => Some(t),
        AnalysisSpec::AfterLast(t) => Some(model.expected_enrolment_time(design) + t),
        AnalysisSpec::Events(_) => None,
    }
}

/// Closed-form power of the scenario as specified (Schoenfeld, fixed designs only).
pub fn analytic_power(model: &Model, design: &Design) -> Option<f64> {
    if design.sequential.is_some() {
        return None;
    }
    let events = match design.analysis {
        AnalysisSpec::Events(d) => d as f64,
        _ => {
            let t = calendar_time(model, design)?;
            design.sample_size as f64 * event_probability(model, design, t)
        }
    };
    let r = ratio(design);
    let drift = (events * r).sqrt() / (1.0 + r) * average_hr(model, design).ln().abs();
    Some(normal::cdf(drift - design.z_critical))
}

/// Required events and subjects for `power`.
pub fn analyse(model: &Model, design: &Design, power: f64) -> Result<DesignAnalysis> {
    let hr = average_hr(model, design);
    if !(power > design.alpha && power < 1.0) || (hr - 1.0).abs() < 1e-12 {
        return Err(Error::usage(
            "power",
            power,
            "a power in (alpha, 1) and a hazard ratio other than 1",
        ));
    }
    let events = schoenfeld_events(design.alpha, power, hr, ratio(design));
    let mut trial = design.clone();
    let subjects = match calendar_time(model, design) {
        None => design.sample_size as f64,
        Some(_) => {
            // Fixed point: n = events / P(event by the analysis | n).
            let mut n = design.sample_size as f64;
            for _ in 0..50 {
                trial.sample_size = n.ceil().max(1.0) as u32;
                let t = calendar_time(model, &trial).unwrap_or(0.0);
                let p = event_probability(model, &trial, t).max(1e-9);
                n = (events / p).min(1.0e7);
            }
            n
        }
    };
    trial.sample_size = subjects.ceil().max(1.0) as u32;
    let time = match design.analysis {
        AnalysisSpec::Events(_) => f64::NAN,
        _ => calendar_time(model, &trial).unwrap_or(f64::NAN),
    };
    Ok(DesignAnalysis {
        events,
        subjects,
        analysis_times: vec![time],
        expected_screened: model.expected_screened(&trial),
        power,
        average_hr: hr,
    })
}
