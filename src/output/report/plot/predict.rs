//! Observed and predicted cumulative deaths (`enrichsim predict --plot`): the deaths seen by the
//! cut as a step curve, the predicted median from the cut on with its 80% and 95% prediction
//! bands, each look's death count as a dashed horizontal line, and the cut.

use super::{FAMILY, GREY, Kind, PALETTE, check_path, tick};
use crate::error::Result;
use crate::study::predict::Prediction;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The figure as one standalone `<svg>` element (960 x 640).
pub fn predict_svg(p: &Prediction) -> Result<String> {
    super::svg_string((960, 640), |root| draw(root, p, 1.0))
}

/// Draws the figure into `path` (.svg or .png), atomically.
pub fn plot_predict(p: &Prediction, path: &Path) -> Result<()> {
    match check_path(path)? {
        Kind::Svg => super::super::write_atomic(path, &predict_svg(p)?),
        Kind::Png => super::write_png(path, |root| draw(root, p, 2.0)),
    }
}

/// The x tick of calendar month `m`: `YYYY-MM` with dates, else the month.
fn x_tick(p: &Prediction, m: f64) -> String {
    match p.origin_day() {
        Some(_) => p.date_at(m).map_or_else(|| tick(m), |d| d[..7].to_string()),
        None => tick(m),
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &Prediction,
    s: f64,
) -> std::result::Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let px = |v: f64| (v * s).round() as i32;
    root.fill(&WHITE).map_err(e)?;
    let area = root
        .margin(px(14.0), 0, 0, 0)
        .titled(
            &format!("{}: observed and predicted deaths", p.scenario),
            (FAMILY, 21.0 * s).into_font().color(&BLACK),
        )
        .map_err(e)?;
    let subtitle = format!(
        "{} deaths of {} patients by the cut; {} hazard, {} simulations{}",
        p.deaths,
        p.patients,
        p.hazard.model,
        p.sims,
        if p.parameter_uncertainty {
            " with parameter uncertainty"
        } else {
            ", parameters fixed"
        }
    );
    area.draw(&Text::new(
        subtitle,
        (px(70.0), px(2.0)),
        (FAMILY, 13.0 * s).into_font().color(&GREY),
    ))
    .map_err(e)?;
    let plot_area = area.margin(px(22.0), px(12.0), px(12.0), px(24.0));
    let x_min = p.recruitment.origin.min(p.cut);
    let x_max = p
        .months
        .last()
        .map_or(p.cut + 1.0, |m| m.month)
        .max(p.cut + 1.0);
    let top_looks = p.looks.iter().map(|l| l.events as f64).fold(0.0, f64::max);
    let top_band = p
        .months
        .iter()
        .filter_map(|m| m.deaths.upper_95)
        .fold(p.deaths as f64, f64::max);
    let y_top = (top_looks.max(top_band) * 1.08).max(1.0);
    let mut chart = ChartBuilder::on(&plot_area)
        .x_label_area_size(px(52.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(x_min..x_max, 0.0..y_top)
        .map_err(e)?;
    let x_desc = if p.cut_date.is_some() {
        "calendar date"
    } else {
        "calendar month"
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("deaths (cumulative)")
        .axis_desc_style((FAMILY, 16.0 * s))
        .label_style((FAMILY, 13.0 * s))
        .x_label_formatter(&|x| x_tick(p, *x))
        .y_label_formatter(&|y| tick(*y))
        .x_labels(10)
        .y_labels(10)
        .bold_line_style(RGBColor(215, 215, 215).stroke_width(px(1.0).max(1) as u32))
        .max_light_lines(0)
        .axis_style(BLACK.stroke_width(px(1.0).max(1) as u32))
        .draw()
        .map_err(e)?;
    let colour = PALETTE[1];
    // The bands: from the cut (the deaths seen) to each month's quantiles.
    let start = [p.cut, p.deaths as f64, p.deaths as f64];
    for (level, alpha, name) in [
        (95, 0.15, "95% prediction band"),
        (80, 0.30, "80% prediction band"),
    ] {
        let points: Vec<[f64; 3]> = std::iter::once(start)
            .chain(p.months.iter().filter_map(|m| {
                let (lo, hi) = if level == 95 {
                    (m.deaths.lower_95, m.deaths.upper_95)
                } else {
                    (m.deaths.lower_80, m.deaths.upper_80)
                };
                Some([m.month, lo?, hi?])
            }))
            .collect();
        if points.len() > 1 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    super::band_polygon(&points),
                    colour.mix(alpha).filled(),
                )))
                .map_err(e)?
                .label(name)
                .legend(move |(x, y)| {
                    Rectangle::new(
                        [(x, y - px(5.0)), (x + px(22.0), y + px(5.0))],
                        colour.mix(alpha).filled(),
                    )
                });
        }
    }
    let width = px(2.0).max(1) as u32;
    let median: Vec<(f64, f64)> = std::iter::once((p.cut, p.deaths as f64))
        .chain(
            p.months
                .iter()
                .filter_map(|m| Some((m.month, m.deaths.median?))),
        )
        .collect();
    chart
        .draw_series(LineSeries::new(median, colour.stroke_width(width)))
        .map_err(e)?
        .label("predicted median")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + px(22.0), y)], colour.stroke_width(width))
        });
    let seen = PALETTE[0];
    let mut steps = vec![(x_min, 0.0)];
    for (i, &t) in p.observed_deaths.iter().enumerate() {
        steps.push((t, i as f64));
        steps.push((t, i as f64 + 1.0));
    }
    steps.push((p.cut, p.observed_deaths.len() as f64));
    chart
        .draw_series(LineSeries::new(steps, seen.stroke_width(width)))
        .map_err(e)?
        .label("observed")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + px(22.0), y)], seen.stroke_width(width))
        });
    let thin = GREY.stroke_width(px(1.0).max(1) as u32);
    chart
        .draw_series(DashedLineSeries::new(
            [(p.cut, 0.0), (p.cut, y_top)],
            px(4.0),
            px(4.0),
            thin,
        ))
        .map_err(e)?;
    chart
        .draw_series(std::iter::once(Text::new(
            "cut",
            (p.cut, y_top * 0.99),
            (FAMILY, 12.0 * s).into_font().color(&GREY),
        )))
        .map_err(e)?;
    for l in &p.looks {
        let y = l.events as f64;
        chart
            .draw_series(DashedLineSeries::new(
                [(x_min, y), (x_max, y)],
                px(8.0),
                px(5.0),
                thin,
            ))
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(Text::new(
                format!("look {}: {} deaths", l.look, l.events),
                (x_min + 0.01 * (x_max - x_min), y + 0.01 * y_top),
                (FAMILY, 12.0 * s).into_font().color(&GREY),
            )))
            .map_err(e)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .margin(px(12.0))
        .legend_area_size(px(30.0))
        .background_style(WHITE.mix(0.92))
        .border_style(RGBColor(160, 160, 160))
        .label_font((FAMILY, 13.0 * s))
        .draw()
        .map_err(e)?;
    Ok(())
}
