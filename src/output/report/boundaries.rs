//! The `boundaries` report: text and Markdown come with the report; JSON is serde; CSV is one
//! row per look.

use super::Format;
use crate::design::sequential::BoundaryReport;

/// Renders a boundary table in the given format.
pub fn render_boundaries(report: &BoundaryReport, format: Format) -> String {
    match format {
        Format::Text => report.to_text(),
        Format::Markdown => report.to_markdown(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialise to JSON");
            s.push('\n');
            s
        }
        Format::Csv => csv(report),
    }
}

/// One row per look: look, timing, z, nominal_p, alpha_spent, then the optional columns.
fn csv(report: &BoundaryReport) -> String {
    let mut header = vec![
        "look",
        "timing",
        "z",
        "nominal_p",
        "alpha_spent",
        "efficacy_prob_h0",
    ];
    let optional: [(&str, Option<&Vec<f64>>); 5] = [
        ("futility_z", report.futility_z.as_ref()),
        ("efficacy_prob_h1", report.efficacy_prob_h1.as_ref()),
        ("futility_prob_h1", report.futility_prob_h1.as_ref()),
        ("hr_at_bound", report.hr_at_bound.as_ref()),
        ("hr_at_futility", report.hr_at_futility.as_ref()),
    ];
    header.extend(
        optional
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(name, _)| *name),
    );
    let mut out = header.join(",");
    out.push('\n');
    for k in 0..report.looks {
        let mut row = vec![
            (k + 1).to_string(),
            report.timing[k].to_string(),
            report.z[k].to_string(),
            report.nominal_p[k].to_string(),
            report.alpha_spent[k].to_string(),
            report.efficacy_prob_h0[k].to_string(),
        ];
        row.extend(
            optional
                .iter()
                .filter_map(|(_, v)| v.map(|v| v[k].to_string())),
        );
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
