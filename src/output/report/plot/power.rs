//! Power curves of a sweep, drawn with plotters as SVG or PNG: power against the first varied
//! key, one line per value of the others, each with its shaded 95% Monte Carlo (Wilson) band,
//! axis labels with units, a legend, and a dashed line at the target power when one is given.
//! The drawing's shared pieces (font, palette, path checks) are in the parent module.

use super::super::fmt;
use super::{FAMILY, Kind, PALETTE, check_path, number, register_font, tick};
use crate::error::{Error, Result};
use crate::study::sweep::{SweepPoint, SweepReport};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The stratum names of an axis that sets the hazard ratio of several strata alike
/// (`effect.hazard_ratio.low,effect.hazard_ratio.moderate`), if that is what it sets.
fn hazard_ratio_strata(key: &str) -> Option<Vec<&str>> {
    key.split(',')
        .map(|k| k.strip_prefix("effect.hazard_ratio."))
        .collect::<Option<Vec<_>>>()
        .filter(|s| s.len() > 1 && s.iter().all(|s| !s.contains('.')))
}

/// An axis title with units for a scenario key (or several keys set alike).
pub fn axis_label(key: &str) -> String {
    if let Some(strata) = hazard_ratio_strata(key) {
        return format!(
            "Hazard ratio in strata {} alike (treatment / control)",
            strata.join(", ")
        );
    }
    if key.contains(',') {
        return key
            .split(',')
            .map(axis_label)
            .collect::<Vec<_>>()
            .join("; ");
    }
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["design", "sample_size"] => "Sample size (patients randomised)".into(),
        ["design", "analysis", "events"] => "Events at the final analysis (deaths)".into(),
        ["design", "analysis", "calendar"] => "Analysis time (months from first screening)".into(),
        ["design", "analysis", "after_last"] => {
            "Follow-up after the last randomisation (months)".into()
        }
        ["design", "follow_up"] => "Follow-up per patient (months)".into(),
        ["design", "alpha"] => "One-sided significance level".into(),
        ["effect", "hazard_ratio"] => "Hazard ratio (treatment / control)".into(),
        ["effect", "hazard_ratio", s] => {
            format!("Hazard ratio in stratum {s} (treatment / control)")
        }
        ["effect", "delay"] => "Delay before the effect (months)".into(),
        ["control", s, "median"] => format!("Control median, stratum {s} (months)"),
        ["enrolment", "rate", ..] => "Screening rate (patients per month)".into(),
        ["enrolment", "screen_failure"] => "Screen failure (fraction)".into(),
        ["dropout", "per_year"] => "Dropout (probability within 12 months)".into(),
        ["biomarker", "assay_cv"] => "Assay coefficient of variation".into(),
        ["biomarker", "cutpoints", i] => format!("Biomarker cut-point {i} (biomarker units)"),
        _ => key.to_string(),
    }
}

/// A short name for a key (or several keys set alike) in a legend.
fn short_label(key: &str) -> String {
    if let Some(strata) = hazard_ratio_strata(key) {
        return format!("HR {}", strata.join(", "));
    }
    if key.contains(',') {
        return key
            .split(',')
            .map(short_label)
            .collect::<Vec<_>>()
            .join(" = ");
    }
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["design", "sample_size"] => "N".into(),
        ["design", "analysis", "events"] => "events".into(),
        ["effect", "hazard_ratio"] => "HR".into(),
        ["effect", "hazard_ratio", s] => format!("HR {s}"),
        ["control", s, "median"] => format!("control median {s}"),
        _ => parts.last().copied().unwrap_or(key).replace('_', " "),
    }
}

/// One line of the plot: its legend label and (x, power, lower, upper) points ascending in x.
struct Curve {
    label: String,
    points: Vec<(f64, f64, f64, f64)>,
}

fn curves(report: &SweepReport) -> Result<Vec<Curve>> {
    let mut curves: Vec<Curve> = Vec::new();
    for p in &report.points {
        let SweepPoint { values, .. } = p;
        let (key, literal) = &values[0];
        let x = number(literal).ok_or_else(|| {
            Error::usage(
                "--plot",
                format!("{key}={literal}"),
                "a first --vary key with numeric values (it is the x axis)",
            )
        })?;
        let label = if values.len() > 1 {
            values[1..]
                .iter()
                .map(|(k, v)| format!("{} = {v}", short_label(k)))
                .collect::<Vec<_>>()
                .join(", ")
        } else if p.over_prior {
            "simulated assurance".to_string()
        } else {
            "simulated power".to_string()
        };
        let point = (x, p.power, p.power_lower, p.power_upper);
        match curves.iter_mut().find(|c| c.label == label) {
            Some(c) => c.points.push(point),
            None => curves.push(Curve {
                label,
                points: vec![point],
            }),
        }
    }
    for c in &mut curves {
        c.points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    Ok(curves)
}

/// The power curves of `report` as one standalone `<svg>` element (960 x 640), for the HTML
/// report: the same drawing as [`plot`] writes to an SVG file.
pub fn power_svg(report: &SweepReport) -> Result<String> {
    let curves = curves(report)?;
    super::svg_string((960, 640), |root| draw(root, report, &curves, 1.0))
}

/// Draws the power curves of `report` into `path` (.svg or .png), atomically.
pub fn plot(report: &SweepReport, path: &Path) -> Result<()> {
    let kind = check_path(path)?;
    let curves = curves(report)?;
    register_font();
    let failed = |e: String| Error::io(path, std::io::Error::other(format!("drawing failed: {e}")));
    match kind {
        Kind::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (960, 640)).into_drawing_area();
                draw(&root, report, &curves, 1.0).map_err(failed)?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            super::super::write_atomic(path, &svg)
        }
        Kind::Png => super::write_png(path, |root| draw(root, report, &curves, 2.0)),
    }
}

/// Draws the plot at scale `s` (1 for SVG's 960 x 640, 2 for PNG's 1920 x 1280).
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &SweepReport,
    curves: &[Curve],
    s: f64,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = |v: f64| (v * s).round() as i32;
    root.fill(&WHITE).map_err(e)?;
    let area = root
        .margin(px(14.0), 0, 0, 0)
        .titled(
            &report.scenario,
            (FAMILY, 21.0 * s).into_font().color(&BLACK),
        )
        .map_err(e)?;
    let subtitle = format!(
        "{} replicates per point, seed {}, common random numbers. Shaded: 95% Monte Carlo (Wilson) intervals.",
        report.reps, report.seed
    );
    area.draw(&Text::new(
        subtitle,
        (px(70.0), px(2.0)),
        (FAMILY, 13.0 * s).into_font().color(&RGBColor(80, 80, 80)),
    ))
    .map_err(e)?;
    let plot_area = area.margin(px(22.0), px(12.0), px(12.0), px(24.0));

    let xs = curves.iter().flat_map(|c| c.points.iter().map(|p| p.0));
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    let pad = if x_max > x_min {
        0.04 * (x_max - x_min)
    } else {
        0.1 * x_min.abs().max(1.0)
    };
    let lowest = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.2))
        .chain(report.target_power)
        .filter(|v| v.is_finite())
        .fold(1.0f64, f64::min);
    let y_min = (((lowest - 0.03) * 10.0).floor() / 10.0).clamp(0.0, 0.9);
    let alpha = report.points.first().map_or(f64::NAN, |p| p.alpha);

    let mut chart = ChartBuilder::on(&plot_area)
        .x_label_area_size(px(52.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d((x_min - pad)..(x_max + pad), y_min..1.0)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(axis_label(&report.keys[0]))
        .y_desc(format!(
            "{} (one-sided α = {})",
            if report.points.iter().any(|p| p.over_prior) {
                "Assurance (probability of success over the prior)"
            } else {
                "Power (probability of rejecting)"
            },
            fmt(alpha, 3).trim_end_matches('0')
        ))
        .axis_desc_style((FAMILY, 16.0 * s))
        .label_style((FAMILY, 13.0 * s))
        .x_label_formatter(&|x| tick(*x))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .x_labels(9)
        .y_labels(((1.0 - y_min) * 10.0).round() as usize + 1)
        .bold_line_style(RGBColor(200, 200, 200).stroke_width(px(1.0).max(1) as u32))
        .max_light_lines(0)
        .axis_style(BLACK.stroke_width(px(1.0).max(1) as u32))
        .draw()
        .map_err(e)?;

    let line_width = px(2.5).max(1) as u32;
    for (i, curve) in curves.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let band: Vec<(f64, f64)> = curve
            .points
            .iter()
            .map(|p| (p.0, p.3))
            .chain(curve.points.iter().rev().map(|p| (p.0, p.2)))
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                colour.mix(0.18).filled(),
            )))
            .map_err(e)?;
        chart
            .draw_series(LineSeries::new(
                curve.points.iter().map(|p| (p.0, p.1)),
                colour.stroke_width(line_width),
            ))
            .map_err(e)?
            .label(curve.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(24.0), y)],
                    colour.stroke_width(line_width),
                )
            });
        chart
            .draw_series(
                curve
                    .points
                    .iter()
                    .map(|p| Circle::new((p.0, p.1), px(3.5), colour.filled())),
            )
            .map_err(e)?;
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(e)?
        .label("95% Monte Carlo interval")
        .legend(move |(x, y)| {
            Rectangle::new(
                [(x, y - px(6.0)), (x + px(24.0), y + px(6.0))],
                PALETTE[0].mix(0.18).filled(),
            )
        });
    if let Some(target) = report.target_power {
        chart
            .draw_series(DashedLineSeries::new(
                [(x_min - pad, target), (x_max + pad, target)],
                px(9.0),
                px(6.0),
                RGBColor(60, 60, 60).stroke_width(px(1.5).max(1) as u32),
            ))
            .map_err(e)?
            .label(format!("target power {}", tick(target)))
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + px(24.0), y)],
                    RGBColor(60, 60, 60).stroke_width(px(1.5).max(1) as u32),
                )
            });
    }
    // The legend goes in the corner the curves and their bands cross least.
    let entries = curves.len() + 1 + usize::from(report.target_power.is_some());
    let position = legend_corner(curves, entries, (x_min, x_max), (y_min, 1.0));
    chart
        .configure_series_labels()
        .position(position)
        .margin(px(12.0))
        .legend_area_size(px(30.0))
        .background_style(WHITE.mix(0.92))
        .border_style(RGBColor(160, 160, 160))
        .label_font((FAMILY, 13.0 * s))
        .draw()
        .map_err(e)?;
    Ok(())
}

/// Where the legend covers the fewest points of the curves and their bands (each segment
/// sampled at 16 points): the legend's box is taken as the outer 35% of the x axis and
/// 0.04 + 0.04 n of the y axis for n entries, at each corner and at mid-height on either side;
/// ties go to the lower right, the upper left, the right middle, the upper right, the lower
/// left and the left middle, in that order.
fn legend_corner(
    curves: &[Curve],
    entries: usize,
    x: (f64, f64),
    y: (f64, f64),
) -> SeriesLabelPosition {
    let h = (0.04 + 0.04 * entries as f64).min(0.5);
    // (position, right side, lowest y of the box as a fraction of the axis)
    let boxes = [
        (SeriesLabelPosition::LowerRight, true, 0.0),
        (SeriesLabelPosition::UpperLeft, false, 1.0 - h),
        (SeriesLabelPosition::MiddleRight, true, 0.5 - h / 2.0),
        (SeriesLabelPosition::UpperRight, true, 1.0 - h),
        (SeriesLabelPosition::LowerLeft, false, 0.0),
        (SeriesLabelPosition::MiddleLeft, false, 0.5 - h / 2.0),
    ];
    let unit = |v: f64, (lo, hi): (f64, f64)| {
        if hi > lo { (v - lo) / (hi - lo) } else { 0.5 }
    };
    let mut counts = [0usize; 6];
    for c in curves {
        for w in c.points.windows(2).chain(c.points.windows(1).take(1)) {
            let (a, b) = (w[0], w[w.len() - 1]);
            for k in 0..16 {
                let t = k as f64 / 15.0;
                let px = unit(a.0 + t * (b.0 - a.0), x);
                for v in [
                    a.1 + t * (b.1 - a.1),
                    a.2 + t * (b.2 - a.2),
                    a.3 + t * (b.3 - a.3),
                ] {
                    let py = unit(v, y);
                    for (count, &(_, right, bottom)) in counts.iter_mut().zip(&boxes) {
                        let in_x = if right { px >= 0.65 } else { px <= 0.35 };
                        let in_y = py >= bottom && py <= bottom + h;
                        *count += usize::from(in_x && in_y);
                    }
                }
            }
        }
    }
    let best = (0..boxes.len())
        .min_by_key(|&i| (counts[i], i))
        .unwrap_or(0);
    boxes[best].0.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_carry_units() {
        assert_eq!(
            axis_label("design.sample_size"),
            "Sample size (patients randomised)"
        );
        assert!(axis_label("effect.hazard_ratio.low").contains("stratum low"));
        assert!(axis_label("design.analysis.calendar").contains("months"));
        assert_eq!(axis_label("x.y"), "x.y");
        assert_eq!(short_label("effect.hazard_ratio.low"), "HR low");
        assert_eq!(
            short_label("effect.hazard_ratio.low,effect.hazard_ratio.moderate"),
            "HR low, moderate"
        );
        assert_eq!(
            axis_label("effect.hazard_ratio.low,effect.hazard_ratio.moderate"),
            "Hazard ratio in strata low, moderate alike (treatment / control)"
        );
        assert_eq!(tick(0.65), "0.65");
        assert_eq!(tick(400.0), "400");
        assert_eq!(number("400"), Some(400.0));
        assert_eq!(number("logrank"), None);
    }
}
