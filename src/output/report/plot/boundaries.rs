//! A group-sequential design's bounds at its looks, on two scales side by side: the log-rank z
//! against the deaths at each look, and the hazard ratio at which an estimate just reaches
//! the bound (Schoenfeld 1981): HR = exp(-z / sqrt(d p (1 - p))), d the deaths and p = t / (t + c)
//! the treated fraction of the allocation t : c, since the log-rank z is about
//! -ln(HR) sqrt(d p (1 - p)). This is what rpact calls the hazard ratio boundary.

use super::{Area, Drawn, PALETTE, SIZE, failed, legend, mesh, no_data, svg_string, tick, titled};
use crate::design::sequential::hr_from_z;
use crate::error::Result;
use plotters::prelude::*;

/// The hazard ratio at which the log-rank z reaches `z` with `events` deaths and allocation
/// treatment : control = `allocation`: [`hr_from_z`] (Schoenfeld 1981) at the ratio t / c.
/// NaN when there are no deaths or one arm gets nobody; 0 for z = +inf and +inf for z = -inf
/// (no bound).
pub fn bound_hr(z: f64, events: f64, allocation: [u32; 2]) -> f64 {
    let [t, c] = allocation.map(f64::from);
    if !(events > 0.0 && t > 0.0 && c > 0.0) || z.is_nan() {
        return f64::NAN;
    }
    hr_from_z(z, events, t / c)
}

/// The bounds figure as one standalone `<svg>` element: on the left the efficacy z bound at
/// each look's `events` (line and points) and the futility bound where it is finite
/// (`futility[k] = -inf`, or no entry, means none at look k); on the right the same bounds as
/// hazard ratios ([`bound_hr`]). A figure saying "no data" without looks.
pub fn boundaries_svg(
    events: &[u32],
    efficacy: &[f64],
    futility: &[f64],
    allocation: [u32; 2],
    scenario: &str,
) -> Result<String> {
    svg_string(SIZE, |root| {
        draw(root, events, efficacy, futility, allocation, scenario)
    })
}

/// A bound's finite points (deaths, value) at the looks.
fn finite(events: &[u32], bound: &[f64], scale: impl Fn(f64, f64) -> f64) -> Vec<(f64, f64)> {
    events
        .iter()
        .zip(bound)
        .map(|(&d, &z)| (f64::from(d), scale(z, f64::from(d))))
        .filter(|p| p.1.is_finite())
        .collect()
}

fn draw(
    root: &Area<'_>,
    events: &[u32],
    efficacy: &[f64],
    futility: &[f64],
    allocation: [u32; 2],
    scenario: &str,
) -> Drawn {
    let area = titled(
        root,
        &format!("{scenario}: stopping bounds"),
        &format!(
            "left: log-rank z; right: the hazard ratio exp(-z / sqrt(d p (1 - p))) at the bound (Schoenfeld 1981), allocation {}:{}",
            allocation[0], allocation[1]
        ),
    )?;
    let z = |z: f64, _: f64| z;
    let hr = |z: f64, d: f64| bound_hr(z, d, allocation);
    let sets = [
        (finite(events, efficacy, z), finite(events, futility, z)),
        (finite(events, efficacy, hr), finite(events, futility, hr)),
    ];
    if sets[0].0.is_empty() && sets[0].1.is_empty() {
        return no_data(&area, "no data: no finite bound at any look");
    }
    let panels = area.split_evenly((1, 2));
    let d_max = events.iter().copied().max().unwrap_or(1).max(1) as f64;
    for (p, (panel, (eff, fut))) in panels.iter().zip(&sets).enumerate() {
        let values = eff.iter().chain(fut).map(|p| p.1);
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = if p == 0 {
            (lo.min(0.0), hi.max(0.0))
        } else {
            (lo.min(1.0), hi.max(1.0))
        };
        let pad = 0.08 * (hi - lo).max(0.1);
        let mut chart = ChartBuilder::on(panel)
            .margin(6)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..d_max * 1.05, (lo - pad)..(hi + pad))
            .map_err(failed)?;
        mesh(
            &mut chart,
            ("deaths", if p == 0 { "z" } else { "hazard ratio" }),
            (&|x| tick(x.round()), &|y| tick((y * 100.0).round() / 100.0)),
            (6, 8),
        )?;
        let named = [
            ("efficacy bound", eff, PALETTE[0]),
            ("futility bound", fut, PALETTE[1]),
        ];
        for (name, pts, colour) in named {
            if pts.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), colour.stroke_width(2)))
                .map_err(failed)?
                .label(name)
                .legend(move |(x, y)| {
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (22, 0)], colour.stroke_width(2))
                        + Circle::new((11, 0), 3, colour.filled())
                });
            chart
                .draw_series(pts.iter().map(|&q| Circle::new(q, 4, colour.filled())))
                .map_err(failed)?;
        }
        legend(
            &mut chart,
            if p == 0 {
                SeriesLabelPosition::UpperRight
            } else {
                SeriesLabelPosition::LowerRight
            },
            8,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::has_texts;
    use super::*;

    #[test]
    fn plot_bound_hr_by_hand() {
        // z = 1.96, d = 230, 1:1: p (1 - p) = 1/4, d/4 = 57.5, sqrt(57.5) = 7.582875..,
        // 1.96 / 7.582875 = 0.258477.., exp(-0.258477) = 0.772227..
        let hr = bound_hr(1.96, 230.0, [1, 1]);
        assert!((hr - 0.772_227).abs() < 1e-6, "{hr}");
        // 2:1: p = 2/3, p (1 - p) = 2/9, 230 * 2/9 = 51.111.., sqrt = 7.14920.., z / that
        // = 0.274156.., exp(-) = 0.760213..
        assert!((bound_hr(1.96, 230.0, [2, 1]) - 0.760_213).abs() < 1e-6);
        assert!(bound_hr(1.96, 0.0, [1, 1]).is_nan());
        assert!(bound_hr(1.96, 10.0, [0, 1]).is_nan());
        assert_eq!(bound_hr(f64::NEG_INFINITY, 10.0, [1, 1]), f64::INFINITY);
    }

    #[test]
    fn plot_boundaries_figure_is_labelled_xml() {
        let events = [115, 173, 230];
        let efficacy = [2.96, 2.36, 2.01];
        let futility = [0.1, 0.9, f64::NEG_INFINITY];
        let svg = boundaries_svg(&events, &efficacy, &futility, [1, 1], "S").expect("drawn");
        has_texts(
            &svg,
            &[
                "S: stopping bounds",
                "deaths",
                "z",
                "hazard ratio",
                "efficacy bound",
                "futility bound",
            ],
        );
        assert_eq!(
            svg,
            boundaries_svg(&events, &efficacy, &futility, [1, 1], "S").expect("drawn")
        );
        // Without futility bounds, no futility legend entry.
        let svg = boundaries_svg(&events, &efficacy, &[f64::NEG_INFINITY; 2], [1, 1], "S")
            .expect("drawn");
        assert!(
            !super::super::testing::texts(&svg)
                .iter()
                .any(|t| t == "futility bound")
        );
        let empty = boundaries_svg(&[], &[], &[], [1, 1], "S").expect("drawn");
        has_texts(&empty, &["no data: no finite bound at any look"]);
    }
}
