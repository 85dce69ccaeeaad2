//! The figures of a scenario, inline SVG: the bounds of a design with interim analyses (in the
//! design section), Kaplan-Meier
//! curves of the simulated arms per stratum, expected and simulated enrolment and deaths over
//! calendar time, the distribution of the estimated hazard ratio, and the power curves of a
//! sweep. Each is a `<figure data-plot="KIND">` with a caption saying what it shows.

use super::markup::{anchor, esc};
use crate::error::Result;
use crate::output::report::plot;
use crate::study::report::{Report, ScenarioReport};
use std::fmt::Write;

/// Writes one figure, or a note when it could not be drawn.
fn figure(out: &mut String, kind: &str, id: &str, svg: Result<String>, caption: &str) {
    match svg {
        Ok(svg) => {
            let _ = writeln!(
                out,
                "<figure data-plot=\"{kind}\" id=\"{id}\">\n{}\n<figcaption>{}</figcaption>\n</figure>",
                svg.trim(),
                esc(caption)
            );
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "<p class=\"note\">Figure not drawn ({kind}): {}</p>",
                esc(&e.to_string())
            );
        }
    }
}

/// The bounds figure (z and hazard-ratio scales), for the design section.
pub(super) fn boundaries(out: &mut String, k: usize, s: &ScenarioReport) {
    let stages = &s.summary.stages;
    let events: Vec<u32> = stages.iter().filter_map(|st| st.planned_events).collect();
    if events.len() != stages.len() || stages.len() < 2 {
        // a single analysis (its bound is in the table), or one at a calendar time (no
        // deaths to draw the bounds against)
        return;
    }
    let efficacy: Vec<f64> = stages.iter().map(|st| st.efficacy_bound).collect();
    let futility: Vec<f64> = stages
        .iter()
        .map(|st| st.futility_bound.unwrap_or(f64::NEG_INFINITY))
        .collect();
    let svg = plot::boundaries_svg(
        &events,
        &efficacy,
        &futility,
        s.study.design.allocation,
        &s.summary.scenario,
    );
    figure(
        out,
        "boundaries",
        &anchor(k, "bounds-figure"),
        svg,
        "The efficacy (and futility) bounds at each analysis's planned deaths, on the z scale (left) and as the hazard ratio the bound corresponds to (right).",
    );
}

/// The section.
pub(super) fn section(out: &mut String, k: usize, s: &ScenarioReport, report: &Report) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>Figures</h3>",
        anchor(k, "figures")
    );
    let p = &s.pictures;
    let name = &s.summary.scenario;
    for (i, bands) in p.km.iter().enumerate() {
        figure(
            out,
            "km",
            &anchor(k, &format!("km-{i}")),
            plot::km_svg(bands, name),
            &format!(
                "Kaplan-Meier curves of the simulated arms, {} (measured stratum), at the final analysis of each of the first {} replicates: the median over replicates at each time and the pointwise 95% band.",
                bands.stratum, p.replicates
            ),
        );
    }
    figure(
        out,
        "accrual",
        &anchor(k, "accrual"),
        plot::accrual_svg(&p.accrual, name),
        &format!(
            "Cumulative patients randomised and deaths observed over calendar months, simulated (median and 95% band of the first {} replicates; flat after a replicate's last analysis) and expected in closed form, with the analyses' median times.",
            p.replicates
        ),
    );
    let planning = s.design.as_ref().ok().map(|d| d.average_hr_at_scenario);
    let rejecting = s
        .summary
        .stages
        .last()
        .and_then(|st| st.planned_events.map(|e| (st.efficacy_bound, e)))
        .map(|(z, e)| plot::bound_hr(z, f64::from(e), s.study.design.allocation));
    figure(
        out,
        "hr",
        &anchor(k, "hr"),
        plot::hr_histogram_svg(&s.hazard_ratios, planning, rejecting, name),
        &format!(
            "The Cox hazard ratio estimated at the last analysis of each of the {} replicates, with the planning (average) hazard ratio and the hazard ratio that just rejects at the final analysis.",
            s.hazard_ratios.len()
        ),
    );
    if let Some(sweep) = &s.sweep {
        figure(
            out,
            "power",
            &anchor(k, "power"),
            plot::power_svg(sweep),
            &format!(
                "Power over {} ({} replicates per point, common random numbers): --vary {}.",
                sweep.keys.join(", "),
                sweep.reps,
                report.options.vary.join(" --vary ")
            ),
        );
    }
    if !p.notes.is_empty() {
        out.push_str("<ul class=\"note\">\n");
        for n in &p.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}
