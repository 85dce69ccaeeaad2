//! Kaplan-Meier curves of one group of the randomised over replicates (Kaplan and Meier 1958):
//! per arm the pointwise median of the replicates' estimates
//! S(t) = prod over event times u <= t of (1 - d_u / n_u), with its shaded pointwise 2.5-97.5%
//! band (see [`crate::study::pictures`]).

use super::{
    Area, Drawn, GREY, PALETTE, SIZE, band_points, band_polygon, failed, finite_runs, legend, mesh,
    no_data, svg_string, tick, titled,
};
use crate::error::Result;
use crate::study::pictures::KmBands;
use plotters::prelude::*;

/// The Kaplan-Meier figure of `bands` (one group, both arms) as one standalone `<svg>`
/// element: the median curves as lines through the grid points, the bands shaded, x in months
/// since randomisation, y the survival probability from 0 to 1. A figure saying "no data" when
/// neither arm has a finite value.
pub fn km_svg(bands: &KmBands, scenario: &str) -> Result<String> {
    svg_string(SIZE, |root| draw(root, bands, scenario))
}

fn draw(root: &Area<'_>, bands: &KmBands, scenario: &str) -> Drawn {
    let area = titled(
        root,
        &format!("{scenario}: survival, {}", bands.stratum),
        "Kaplan-Meier estimate at the final analysis: median over replicates; shaded: pointwise 2.5-97.5% of replicates",
    )?;
    let arms = [
        ("treatment", band_points(&bands.treatment), PALETTE[0]),
        ("control", band_points(&bands.control), PALETTE[1]),
    ];
    let x_max = arms
        .iter()
        .flat_map(|a| a.1.iter())
        .filter(|p| p.iter().all(|v| v.is_finite()))
        .map(|p| p[0])
        .fold(f64::NEG_INFINITY, f64::max);
    if x_max.is_nan() || x_max <= 0.0 {
        return no_data(&area, "no data: no Kaplan-Meier estimate in any replicate");
    }
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, 0.0..1.0)
        .map_err(failed)?;
    mesh(
        &mut chart,
        ("months since randomisation", "survival probability"),
        (&|x| tick(*x), &|y| format!("{y:.1}")),
        (10, 11),
    )?;
    for (_, pts, colour) in &arms {
        let colour = *colour;
        let band: Vec<[f64; 3]> = pts.iter().map(|p| [p[0], p[1], p[3]]).collect();
        for run in finite_runs(&band) {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band_polygon(&run),
                    colour.mix(0.18).filled(),
                )))
                .map_err(failed)?;
        }
    }
    for (name, pts, colour) in &arms {
        let colour = *colour;
        let median: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], p[2]]).collect();
        let runs = finite_runs(&median);
        for (i, run) in runs.iter().enumerate() {
            let series = chart
                .draw_series(LineSeries::new(
                    run.iter().map(|p| (p[0], p[1])),
                    colour.stroke_width(2),
                ))
                .map_err(failed)?;
            if i == 0 {
                series
                    .label(format!("{name} (median over replicates)"))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(2))
                    });
            }
        }
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(failed)?
        .label("95% band (2.5-97.5% of replicates)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 22, y + 5)], GREY.mix(0.25).filled()));
    legend(&mut chart, SeriesLabelPosition::UpperRight, 10)
}

#[cfg(test)]
mod tests {
    use super::super::testing::has_texts;
    use super::*;
    use crate::study::pictures::Band;

    fn band(scale: f64) -> Band {
        let time: Vec<f64> = (0..=20).map(|i| i as f64 * 3.0).collect();
        let median: Vec<f64> = time.iter().map(|t| (-scale * t).exp()).collect();
        let mut b = Band {
            lower: median.iter().map(|m| m * 0.9).collect(),
            upper: median.iter().map(|m| (m * 1.1).min(1.0)).collect(),
            median,
            time,
        };
        // Undefined at the end (nobody at risk in most replicates).
        for v in [&mut b.lower, &mut b.median, &mut b.upper] {
            v[20] = f64::NAN;
        }
        b
    }

    #[test]
    fn plot_km_figure_is_labelled_xml() {
        let bands = KmBands {
            stratum: "all randomised".into(),
            treatment: band(0.015),
            control: band(0.023),
        };
        let svg = km_svg(&bands, "A <scenario> & more").expect("drawn");
        has_texts(
            &svg,
            &[
                "months since randomisation",
                "survival probability",
                "treatment (median over replicates)",
                "control (median over replicates)",
                "95% band (2.5-97.5% of replicates)",
                "A <scenario> & more: survival, all randomised",
            ],
        );
        assert!(svg.contains("viewBox=\"0 0 720 440\""));
        assert_eq!(svg, km_svg(&bands, "A <scenario> & more").expect("drawn"));
        let empty = km_svg(&KmBands::default(), "s").expect("drawn");
        has_texts(
            &empty,
            &["no data: no Kaplan-Meier estimate in any replicate"],
        );
    }
}
