//! Closed-form power against the hazard ratio (`enrichsim design --at-hr ... --plot FILE`):
//! the design's overall rejection probability at each hazard ratio given (the same in every
//! stratum), and with interim looks the cumulative probability of rejecting by each interim,
//! a dashed line at the one-sided level, axis labels with units and a legend. SVG or PNG, in
//! the house style of the parent module (embedded font, Okabe-Ito palette).

use super::super::fmt;
use super::{FAMILY, GREY, Kind, PALETTE, check_path, tick};
use crate::analytic::AtHrAnalysis;
use crate::error::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// One line: its legend label and (hazard ratio, probability) points ascending in the ratio.
struct Curve {
    label: String,
    points: Vec<(f64, f64)>,
}

/// The overall power, then the cumulative rejection by each interim look.
fn curves(a: &AtHrAnalysis) -> Vec<Curve> {
    let mut order: Vec<usize> = (0..a.at_hr.len()).collect();
    order.sort_by(|&i, &j| a.at_hr[i].hazard_ratio.total_cmp(&a.at_hr[j].hazard_ratio));
    let mut out = vec![Curve {
        label: if a.looks > 1 {
            "power (rejection at any look)".into()
        } else {
            "power".into()
        },
        points: order
            .iter()
            .map(|&i| (a.at_hr[i].hazard_ratio, a.at_hr[i].power))
            .collect(),
    }];
    for k in 0..a.looks.saturating_sub(1) {
        out.push(Curve {
            label: format!("rejection by interim {}", k + 1),
            points: order
                .iter()
                .map(|&i| {
                    let p = &a.at_hr[i];
                    let by: f64 = p.looks.iter().take(k + 1).map(|l| l.reject_prob).sum();
                    (p.hazard_ratio, by)
                })
                .collect(),
        });
    }
    out
}

/// The figure as one standalone `<svg>` element (960 x 640).
pub fn at_hr_svg(a: &AtHrAnalysis) -> Result<String> {
    let curves = curves(a);
    super::svg_string((960, 640), |root| draw(root, a, &curves, 1.0))
}

/// Draws power against the hazard ratio into `path` (.svg or .png), atomically.
pub fn plot_at_hr(a: &AtHrAnalysis, path: &Path) -> Result<()> {
    let kind = check_path(path)?;
    match kind {
        Kind::Svg => super::super::write_atomic(path, &at_hr_svg(a)?),
        Kind::Png => {
            let curves = curves(a);
            super::write_png(path, |root| draw(root, a, &curves, 2.0))
        }
    }
}

/// Draws the figure at scale `s` (1 for SVG's 960 x 640, 2 for PNG's 1920 x 1280).
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &AtHrAnalysis,
    curves: &[Curve],
    s: f64,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = |v: f64| (v * s).round() as i32;
    root.fill(&WHITE).map_err(e)?;
    let area = root
        .margin(px(14.0), 0, 0, 0)
        .titled(&a.scenario, (FAMILY, 21.0 * s).into_font().color(&BLACK))
        .map_err(e)?;
    let subtitle = format!(
        "Closed form ({}): {} patients, {}; the hazard ratio in every stratum.",
        a.method,
        a.sample_size,
        if a.looks > 1 {
            format!("{} looks at the design's event counts", a.looks)
        } else {
            "one analysis".to_string()
        }
    );
    area.draw(&Text::new(
        subtitle,
        (px(70.0), px(2.0)),
        (FAMILY, 13.0 * s).into_font().color(&GREY),
    ))
    .map_err(e)?;
    let plot_area = area.margin(px(22.0), px(12.0), px(12.0), px(24.0));
    let xs = curves[0].points.iter().map(|p| p.0);
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let pad = if x_max > x_min {
        0.04 * (x_max - x_min)
    } else {
        0.1 * x_min.abs().max(0.1)
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .x_label_area_size(px(52.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d((x_min - pad)..(x_max + pad), 0.0..1.0)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("Hazard ratio in every stratum (treatment / control)")
        .y_desc(format!(
            "Probability of rejecting (one-sided α = {})",
            fmt(a.alpha, 3).trim_end_matches('0')
        ))
        .axis_desc_style((FAMILY, 16.0 * s))
        .label_style((FAMILY, 13.0 * s))
        .x_label_formatter(&|x| tick(*x))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .x_labels(9)
        .y_labels(11)
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(px(1.0).max(1) as u32))
        .max_light_lines(0)
        .axis_style(BLACK.stroke_width(px(1.0).max(1) as u32))
        .draw()
        .map_err(e)?;
    for (i, curve) in curves.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let width = px(if i == 0 { 2.5 } else { 1.5 }).max(1) as u32;
        chart
            .draw_series(LineSeries::new(
                curve.points.iter().copied(),
                colour.stroke_width(width),
            ))
            .map_err(e)?
            .label(curve.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + px(24.0), y)], colour.stroke_width(width))
            });
        chart
            .draw_series(
                curve
                    .points
                    .iter()
                    .map(|&p| Circle::new(p, px(if i == 0 { 3.5 } else { 2.5 }), colour.filled())),
            )
            .map_err(e)?;
    }
    let level = RGBColor(60, 60, 60).stroke_width(px(1.5).max(1) as u32);
    chart
        .draw_series(DashedLineSeries::new(
            [(x_min - pad, a.alpha), (x_max + pad, a.alpha)],
            px(9.0),
            px(6.0),
            level,
        ))
        .map_err(e)?
        .label(format!("one-sided α {}", tick(a.alpha)))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + px(24.0), y)], level));
    // Power falls as the hazard ratio rises towards 1: the upper right is emptiest.
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .margin(px(12.0))
        .legend_area_size(px(30.0))
        .background_style(WHITE.mix(0.92))
        .border_style(RGBColor(160, 160, 160))
        .label_font((FAMILY, 13.0 * s))
        .draw()
        .map_err(e)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::has_texts;
    use super::*;

    #[test]
    fn at_hr_figure_has_its_labels() {
        let study = crate::Study::load(Path::new("scenarios/phase3-enriched-sequential.toml"), &[])
            .expect("loads");
        let a = study
            .at_hr(&[1.0, 0.8, 0.6], crate::analytic::Method::Schoenfeld, None)
            .expect("computed");
        let svg = at_hr_svg(&a).expect("drawn");
        has_texts(
            &svg,
            &[
                "Hazard ratio in every stratum (treatment / control)",
                "power (rejection at any look)",
                "rejection by interim 1",
            ],
        );
    }
}
