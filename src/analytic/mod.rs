//! The closed-form design engine: events, sample size, duration and power, beside the
//! simulation, for the same scenario.
//!
//! - [`sample_size`]: required events for a log-rank test (Schoenfeld 1981; Freedman 1982),
//!   and the drift of its z-statistic.
//! - [`events`]: expected events at a calendar time for piecewise-constant accrual, per-stratum
//!   hazards (exponential, piecewise exponential, Weibull), a treatment effect with a delay,
//!   exponential dropout and a follow-up cap, summed over the mix of true strata the design
//!   admits (assay misclassification included), by exact integration (Lachin and Foulkes 1986;
//!   Kim and Tsiatis 1990); solved the other way for the calendar time of a target.
//! - [`average_hr`]: the event-weighted average hazard ratio (Kalbfleisch and Prentice 1981;
//!   gsDesign2) that carries the effect of a stratified or delayed-effect scenario.
//! - [`logrank_drift`]: the log-rank's drift by integration over the expected risk sets, with
//!   no proportional-hazards assumption (Schoenfeld 1981; Lakatos 1988), beside the average
//!   hazard ratio's.
//! - [`calendar`]: the group-sequential plan of a calendar-time final analysis (planned
//!   events at the final time, interims at fractions of them or at calendar months).
//! - [`power`]: the closed-form power of a scenario as specified, fixed or group-sequential.
//! - [`design`]: the `design` command's answer: events, subjects, analysis times, screening.
//! - [`at_hr`]: the operating characteristics of the scenario's design at other hazard ratios
//!   (`design --at-hr`; gsDesign's gsProbability, rpact's getPowerSurvival).
//! - `numerics`: Gauss-Legendre quadrature and Brent's root finder.
//!
//! Times are in months; n is the number randomised.

pub mod assurance;
pub mod at_hr;
pub mod average_hr;
pub mod calendar;
pub mod description;
pub mod design;
pub mod events;
pub mod function;
pub mod logrank_drift;
pub mod numerics;
pub mod power;
pub mod prediction;
pub mod sample_size;
pub mod weighted_drift;

pub use assurance::{PriorBin, PriorEntrySummary, PriorSummary, analytic_assurance, prior_summary};
pub use at_hr::{AtHrAnalysis, AtHrLook, AtHrPoint, operating_characteristics};
pub use average_hr::average_hazard_ratio;
pub use calendar::calendar_plan;
pub use description::{CalibrationReport, MixtureSurvival, ModelDescription, StratumDescription};
pub use design::{
    DesignAnalysis, DesignStratum, Solve, accrual_for_events, analyse, analyse_solving,
    analyse_with, subjects_for_duration, subjects_for_follow_up,
};
pub use events::{Accrual, ArmEvents, EventCounts, EventModel, StratumEvents, StratumShare};
pub use logrank_drift::{LogrankMoments, logrank_moments};
pub use power::{
    LookPower, PowerAnalysis, analytic_power, default_accrual, power_analysis, power_analysis_with,
};
pub use sample_size::{Method, freedman_events, power_for_events, schoenfeld_events};
pub use weighted_drift::{WeightedMoments, weighted_moments};

use crate::model::{Design, Model};

/// Expected events by calendar time `t` (months from the first screening) when `n` patients are
/// randomised under the scenario's recruitment, as the engine simulates it (Poisson screening
/// stopped at the n-th randomisation): see [`events`].
pub fn expected_events(model: &Model, design: &Design, n: f64, t: f64) -> f64 {
    EventModel::new(model, design, Accrual::Poisson).total_events(n, t)
}

/// [`expected_events`] per true stratum and arm, split at the effect's delay.
pub fn expected_events_by_stratum(model: &Model, design: &Design, n: f64, t: f64) -> EventCounts {
    EventModel::new(model, design, Accrual::Poisson).events(n, t)
}

/// The calendar time at which `events` are expected with `n` randomised (as simulated); `None`
/// when they never are.
pub fn time_for_events(model: &Model, design: &Design, n: f64, events: f64) -> Option<f64> {
    EventModel::new(model, design, Accrual::Poisson).time_for_events(n, events)
}

/// The average hazard ratio of the events expected by `t` with `n` randomised (as simulated).
pub fn average_hr(model: &Model, design: &Design, n: f64, t: f64) -> f64 {
    let em = EventModel::new(model, design, Accrual::Poisson);
    average_hazard_ratio(&em, &em.events(n, t))
}
