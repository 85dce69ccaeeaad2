//! The histogram of the estimated Cox hazard ratios (treatment / control) over replicates, with
//! reference lines at the planning hazard ratio and at the hazard ratio that just rejects.
//!
//! The x axis is linear from 0.2 to 1.6 in bins of 0.05 (28 bins; a bin holds [a, a + 0.05)),
//! the range of hazard ratios a Phase 3 plans for; estimates outside it are counted in the
//! subtitle, not drawn. NaN estimates (not estimable, e.g. no deaths in an arm) are left out
//! and counted in the subtitle.

use super::{Area, Drawn, PALETTE, SIZE, failed, legend, mesh, no_data, svg_string, tick, titled};
use crate::error::Result;
use plotters::prelude::*;

/// The x axis: lowest and highest hazard ratio, and the bin width.
const RANGE: (f64, f64) = (0.2, 1.6);
const WIDTH: f64 = 0.05;

/// The histogram of `hrs` as one standalone `<svg>` element, with a vertical line at
/// `planning_hr` (the true average hazard ratio) and at `bound_hr` (the estimate that just
/// rejects at the final analysis) when given. A figure saying "no data" when no estimate is
/// finite.
pub fn hr_histogram_svg(
    hrs: &[f64],
    planning_hr: Option<f64>,
    bound_hr: Option<f64>,
    scenario: &str,
) -> Result<String> {
    svg_string(SIZE, |root| {
        draw(root, hrs, planning_hr, bound_hr, scenario)
    })
}

/// Counts per bin, and the finite estimates below and above the range.
fn bins(hrs: &[f64]) -> (Vec<usize>, usize, usize) {
    let n = ((RANGE.1 - RANGE.0) / WIDTH).round() as usize;
    let mut counts = vec![0usize; n];
    let (mut below, mut above) = (0, 0);
    for &h in hrs.iter().filter(|h| h.is_finite()) {
        if h < RANGE.0 {
            below += 1;
        } else if h >= RANGE.1 {
            above += 1;
        } else {
            // (the guard puts an estimate on a bin edge, up to rounding, in the bin it starts)
            let i = (((h - RANGE.0) / WIDTH + 1e-9).floor() as usize).min(n - 1);
            counts[i] += 1;
        }
    }
    (counts, below, above)
}

fn draw(
    root: &Area<'_>,
    hrs: &[f64],
    planning_hr: Option<f64>,
    bound_hr: Option<f64>,
    scenario: &str,
) -> Drawn {
    let finite = hrs.iter().filter(|h| h.is_finite()).count();
    let missing = hrs.len() - finite;
    let (counts, below, above) = bins(hrs);
    let mut subtitle = format!(
        "Cox estimates over {} replicates, bins of {WIDTH}; {missing} not estimable",
        hrs.len()
    );
    if below + above > 0 {
        subtitle.push_str(&format!(
            "; {below} below {} and {above} above {} not shown",
            RANGE.0, RANGE.1
        ));
    }
    let area = titled(
        root,
        &format!("{scenario}: estimated hazard ratios"),
        &subtitle,
    )?;
    if finite == 0 {
        return no_data(&area, "no data: no estimable hazard ratio");
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.1;
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(RANGE.0..RANGE.1, 0.0..top)
        .map_err(failed)?;
    mesh(
        &mut chart,
        ("estimated hazard ratio (treatment / control)", "replicates"),
        (&|x| tick((x * 100.0).round() / 100.0), &|y| tick(y.round())),
        (15, 8),
    )?;
    let colour = PALETTE[0];
    chart
        .draw_series(
            counts
                .iter()
                .enumerate()
                .filter(|c| *c.1 > 0)
                .map(|(i, &c)| {
                    let a = RANGE.0 + i as f64 * WIDTH;
                    Rectangle::new([(a, 0.0), (a + WIDTH, c as f64)], colour.mix(0.55).filled())
                }),
        )
        .map_err(failed)?
        .label("replicates per bin")
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 5), (x + 22, y + 5)], colour.mix(0.55).filled())
        });
    let lines = [
        (planning_hr, "planning hazard ratio", PALETTE[1]),
        (bound_hr, "hazard ratio that just rejects", PALETTE[6]),
    ];
    for (value, name, colour) in lines {
        let Some(v) = value.filter(|v| v.is_finite()) else {
            continue;
        };
        let shown = v.clamp(RANGE.0, RANGE.1);
        chart
            .draw_series(DashedLineSeries::new(
                [(shown, 0.0), (shown, top)],
                6,
                4,
                colour.stroke_width(2),
            ))
            .map_err(failed)?
            .label(format!("{name} {}", tick((v * 1000.0).round() / 1000.0)))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(2))
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 10)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{has_texts, texts};
    use super::*;

    #[test]
    fn plot_hr_histogram_is_labelled_xml() {
        let mut hrs: Vec<f64> = (0..200).map(|i| 0.5 + 0.3 * (i as f64 / 199.0)).collect();
        hrs.extend([f64::NAN, f64::NAN, 0.1, 2.0, f64::INFINITY]);
        let svg = hr_histogram_svg(&hrs, Some(0.65), Some(0.7723), "S").expect("drawn");
        has_texts(
            &svg,
            &[
                "S: estimated hazard ratios",
                "estimated hazard ratio (treatment / control)",
                "replicates",
                "replicates per bin",
                "planning hazard ratio 0.65",
                "hazard ratio that just rejects 0.772",
            ],
        );
        let subtitle = texts(&svg)
            .into_iter()
            .find(|t| t.starts_with("Cox estimates"))
            .expect("subtitle");
        assert_eq!(
            subtitle,
            "Cox estimates over 205 replicates, bins of 0.05; 3 not estimable; 1 below 0.2 and 1 above 1.6 not shown"
        );
        assert_eq!(
            svg,
            hr_histogram_svg(&hrs, Some(0.65), Some(0.7723), "S").expect("drawn")
        );
        let (counts, below, above) = bins(&[0.2, 0.2499, 0.25, 1.5999, 1.6]);
        assert_eq!(
            (counts[0], counts[1], counts[27], below, above),
            (2, 1, 1, 0, 1)
        );
        let empty = hr_histogram_svg(&[f64::NAN], None, None, "S").expect("drawn");
        has_texts(&empty, &["no data: no estimable hazard ratio"]);
    }
}
