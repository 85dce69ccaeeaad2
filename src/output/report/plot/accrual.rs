//! Cumulative randomisations and observed deaths over calendar time: the simulated pointwise
//! medians with their 2.5-97.5% bands, the closed-form expectations (the expected count
//! randomised R(w) and the expected deaths E(t) of [`crate::analytic::events`]) dashed, and a
//! vertical marker at each planned analysis's median time.

use super::{
    Area, Drawn, FAMILY, GREY, PALETTE, SIZE, band_points, band_polygon, failed, finite_runs,
    legend, mesh, no_data, svg_string, tick, titled,
};
use crate::error::Result;
use crate::study::pictures::Accrual;
use plotters::prelude::*;

/// The accrual figure of `a` as one standalone `<svg>` element: patients randomised and deaths
/// against months since the first screening, with the looks ("look k", or "analysis" for a
/// single one) at their simulated median times. A figure saying "no data" when nothing was
/// simulated.
pub fn accrual_svg(a: &Accrual, scenario: &str) -> Result<String> {
    svg_string(SIZE, |root| draw(root, a, scenario))
}

fn draw(root: &Area<'_>, a: &Accrual, scenario: &str) -> Drawn {
    let area = titled(
        root,
        &format!("{scenario}: accrual and deaths"),
        "simulated: median over replicates, shaded 2.5-97.5%; dashed: closed-form expectation (not stopped at the analysis)",
    )?;
    let series = [
        (
            "randomised",
            band_points(&a.randomised),
            &a.expected_randomised,
            PALETTE[0],
        ),
        (
            "deaths",
            band_points(&a.deaths),
            &a.expected_deaths,
            PALETTE[1],
        ),
    ];
    let finite = |v: &f64| v.is_finite();
    let x_max = a
        .time
        .iter()
        .copied()
        .filter(finite)
        .fold(f64::NEG_INFINITY, f64::max);
    let y_max = series
        .iter()
        .flat_map(|s| s.1.iter().map(|p| p[3]).chain(s.2.iter().copied()))
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let simulated = series
        .iter()
        .any(|s| s.1.iter().any(|p| p.iter().all(|v| v.is_finite())));
    if x_max.is_nan() || x_max <= 0.0 || !simulated {
        return no_data(&area, "no data: no replicate simulated");
    }
    let y_top = (y_max * 1.08).max(1.0);
    let mut chart = ChartBuilder::on(&area)
        .x_label_area_size(44)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, 0.0..y_top)
        .map_err(failed)?;
    mesh(
        &mut chart,
        ("months since the first screening", "patients (cumulative)"),
        (&|x| tick(*x), &|y| tick(*y)),
        (10, 8),
    )?;
    for (_, pts, _, colour) in &series {
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
    for (name, pts, expected, colour) in &series {
        let colour = *colour;
        let median: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], p[2]]).collect();
        for (i, run) in finite_runs(&median).iter().enumerate() {
            let drawn = chart
                .draw_series(LineSeries::new(
                    run.iter().map(|p| (p[0], p[1])),
                    colour.stroke_width(2),
                ))
                .map_err(failed)?;
            if i == 0 {
                drawn
                    .label(format!("{name}, simulated median"))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 22, y)], colour.stroke_width(2))
                    });
            }
        }
        let closed: Vec<[f64; 2]> = a
            .time
            .iter()
            .zip(expected.iter())
            .map(|(&t, &e)| [t, e])
            .collect();
        for (i, run) in finite_runs(&closed).iter().enumerate() {
            let drawn = chart
                .draw_series(DashedLineSeries::new(
                    run.iter().map(|p| (p[0], p[1])),
                    6,
                    4,
                    colour.stroke_width(2),
                ))
                .map_err(failed)?;
            if i == 0 {
                drawn
                    .label(format!("{name}, expected (closed form)"))
                    .legend(move |(x, y)| {
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(0, 0), (8, 0)], colour.stroke_width(2))
                            + PathElement::new(vec![(14, 0), (22, 0)], colour.stroke_width(2))
                    });
            }
        }
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(failed)?
        .label("95% band (2.5-97.5% of replicates)")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 22, y + 5)], GREY.mix(0.25).filled()));
    let single = a.looks.len() == 1;
    let mut marked = false;
    for look in &a.looks {
        if !(look.median.is_finite() && look.median <= x_max) {
            continue;
        }
        let name = if single {
            "analysis".to_string()
        } else {
            format!("look {}", look.look)
        };
        let drawn = chart
            .draw_series(DashedLineSeries::new(
                [(look.median, 0.0), (look.median, y_top)],
                3,
                3,
                GREY.stroke_width(1),
            ))
            .map_err(failed)?;
        if !marked {
            marked = true;
            drawn
                .label("analysis times (simulated median)")
                .legend(|(x, y)| PathElement::new(vec![(x + 11, y - 6), (x + 11, y + 6)], GREY));
        }
        chart
            .draw_series(std::iter::once(Text::new(
                name,
                (look.median, y_top * 0.99),
                (FAMILY, 12.0).into_font().color(&GREY),
            )))
            .map_err(failed)?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 10)
}

#[cfg(test)]
mod tests {
    use super::super::testing::has_texts;
    use super::*;
    use crate::study::pictures::Band;
    use crate::study::pictures::LookTime;

    fn accrual() -> Accrual {
        let time: Vec<f64> = (0..=40).map(|i| i as f64).collect();
        let r: Vec<f64> = time.iter().map(|t| (20.0 * t).min(500.0)).collect();
        let d: Vec<f64> = time.iter().map(|t| (0.2 * t * t).min(230.0)).collect();
        let band = |m: &[f64]| Band {
            time: time.clone(),
            lower: m.iter().map(|v| v * 0.95).collect(),
            median: m.to_vec(),
            upper: m.iter().map(|v| v * 1.05).collect(),
        };
        let look = |k, t| LookTime {
            look: k,
            events: Some(115 * k as u32),
            median: t,
            lower: t - 2.0,
            upper: t + 2.0,
            expected: Some(t),
        };
        Accrual {
            expected_randomised: r.clone(),
            expected_deaths: d.iter().map(|v| v * 1.01).collect(),
            randomised: band(&r),
            deaths: band(&d),
            looks: vec![look(1, 24.0), look(2, 34.0)],
            time,
        }
    }

    #[test]
    fn plot_accrual_figure_is_labelled_xml() {
        let a = accrual();
        let svg = accrual_svg(&a, "S").expect("drawn");
        has_texts(
            &svg,
            &[
                "S: accrual and deaths",
                "months since the first screening",
                "patients (cumulative)",
                "randomised, simulated median",
                "deaths, simulated median",
                "randomised, expected (closed form)",
                "deaths, expected (closed form)",
                "95% band (2.5-97.5% of replicates)",
                "analysis times (simulated median)",
                "look 1",
                "look 2",
            ],
        );
        assert_eq!(svg, accrual_svg(&a, "S").expect("drawn"));
        let mut one = accrual();
        one.looks.truncate(1);
        has_texts(&accrual_svg(&one, "S").expect("drawn"), &["analysis"]);
        let empty = accrual_svg(&Accrual::default(), "S").expect("drawn");
        has_texts(&empty, &["no data: no replicate simulated"]);
    }
}
