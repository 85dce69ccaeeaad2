//! The group-sequential plan of a calendar-time final analysis (`design.analysis = { calendar
//! = T }` or `{ after_last = F }` with `[design.sequential]`).
//!
//! The planned maximum information is D = E_n(T), the closed-form expected events at the final
//! calendar time T with the scenario's n patients (the `events` module; T = A(n) + F for
//! `after_last`, A(n) the expected time to randomise n): rpact's `maxNumberOfEvents` of
//! `getSampleSizeSurvival(accrualTime, followUpTime)`, where the final analysis is at the end of
//! accrual plus the follow-up. The expected events use [`default_accrual`]: the deterministic
//! accrual flow for `after_last` (rpact's convention, Lachin and Foulkes 1986) and the simulated
//! Poisson accrual for `calendar`, the same as the closed-form power (`power`), so that the
//! final look's expected fraction there is exactly 1.
//!
//! Interims by information fraction t_k are taken at ceil(t_k D) events; interims by calendar
//! month m_k (`look_months`) at the month, their planned fraction E_n(m_k) / D (rpact has no
//! direct equivalent: its designs take `informationRates`, which are these fractions). See
//! [`SequentialPlan::at_calendar`] for the bounds and the engine for the monitoring.

use super::events::EventModel;
use super::power::default_accrual;
use crate::error::{Error, Result};
use crate::model::{Design, Model, SequentialPlan};
use crate::scenario::{AnalysisSpec, SequentialSpec};

/// The expected calendar time of the final analysis of `design` with its own sample size
/// under the accrual convention of [`default_accrual`] (None for an event-driven analysis).
pub fn final_time(em: &EventModel, design: &Design) -> Option<f64> {
    let n = design.sample_size as f64;
    match design.analysis {
        AnalysisSpec::Calendar(t) => Some(t),
        AnalysisSpec::AfterLast(f) => Some(em.accrual_duration(n) + f),
        AnalysisSpec::Events(_) => None,
    }
}

/// The plan of `spec` for the calendar-time final analysis of `design`; `file` names the
/// scenario in errors. `None` for an event-driven final analysis (planned by the model).
pub fn calendar_plan(
    model: &Model,
    design: &Design,
    spec: &SequentialSpec,
    file: &str,
) -> Result<Option<SequentialPlan>> {
    let em = EventModel::new(model, design, default_accrual(design));
    let Some(t_final) = final_time(&em, design) else {
        return Ok(None);
    };
    let n = design.sample_size as f64;
    let planned = em.total_events(n, t_final);
    let expected: Option<Vec<f64>> = match &spec.look_months {
        None => None,
        Some(months) => {
            if let Some(&m) = months.iter().find(|&&m| m >= t_final) {
                return Err(Error::Scenario {
                    file: file.to_string(),
                    key: "design.sequential.look_months".into(),
                    problem: format!(
                        "an interim month is not before the final analysis, expected at month {t_final:.2}"
                    ),
                    value: format!("{m}"),
                    allowed: format!("months in (0, {t_final:.2})"),
                });
            }
            Some(months.iter().map(|&m| em.total_events(n, m)).collect())
        }
    };
    SequentialPlan::at_calendar(
        spec,
        planned,
        expected.as_deref(),
        design.alpha,
        design.allocation,
        file,
    )
    .map(Some)
}
