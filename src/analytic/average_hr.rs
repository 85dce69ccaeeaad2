//! The average hazard ratio: the event-weighted geometric mean of the hazard ratios in force.
//!
//! With strata s and periods j (before and after the effect's delay) in which the hazard ratio
//! HR_sj is constant (1 before the delay, the stratum's HR after), and D_sj the expected events
//! of both arms in that stratum and period by the analysis,
//!
//! ```text
//!   AHR = exp( sum_sj D_sj ln HR_sj / sum_sj D_sj )
//! ```
//!
//! (Kalbfleisch and Prentice 1981, the average hazard ratio of a non-proportional-hazards
//! comparison; as computed by gsDesign2's `ahr()`, Yung and Liu 2020). Under proportional
//! hazards within each stratum, the log-rank score is a sum over events of terms with mean
//! about r ln HR / (1 + r)^2, so the statistic's drift is -ln(AHR) sqrt(D r / (1 + r)^2): the
//! Schoenfeld drift at the AHR, for the stratified log-rank, and approximately for the
//! unstratified one where the strata's baseline hazards differ.

use super::events::{EventCounts, EventModel};

/// The average hazard ratio of the expected events `counts` of `model`; NaN without events.
pub fn average_hazard_ratio(model: &EventModel, counts: &EventCounts) -> f64 {
    let mut weighted = 0.0;
    let mut total = 0.0;
    for (s, e) in model.strata.iter().zip(&counts.strata) {
        let after = e.control.after_delay + e.treatment.after_delay;
        weighted += after * s.outcome.hazard_ratio.ln();
        total += after + e.control.before_delay + e.treatment.before_delay;
    }
    if total > 0.0 {
        (weighted / total).exp()
    } else {
        f64::NAN
    }
}
