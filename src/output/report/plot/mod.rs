//! Figures drawn with plotters as SVG (and, for sweeps, PNG): one module per figure.
//!
//! * [`power`]: power curves of a sweep (`enrichsim sweep --plot`);
//! * [`at_hr`]: closed-form power against the hazard ratio (`enrichsim design --at-hr --plot`);
//! * [`survival`]: Kaplan-Meier curves with their bands over replicates;
//! * [`accrual`]: cumulative randomisations and deaths over calendar time, with the looks;
//! * [`hazard`]: the histogram of the estimated hazard ratios over replicates;
//! * [`boundaries`]: a group-sequential design's bounds on the z and hazard-ratio scales;
//! * [`predict`]: observed and predicted cumulative deaths of a running trial (`enrichsim
//!   predict --plot`).
//!
//! Text is laid out (and, in PNG, drawn) with DejaVu Sans, embedded in the binary
//! (`assets/fonts`, Bitstream Vera licence), so plots look the same on every machine and need no
//! system font. Colours come from Okabe and Ito's colour-blind-safe palette.

pub mod accrual;
pub mod at_hr;
pub mod boundaries;
pub mod hazard;
pub mod power;
pub mod predict;
pub mod survival;

pub use accrual::accrual_svg;
pub use at_hr::{at_hr_svg, plot_at_hr};
pub use boundaries::{bound_hr, boundaries_svg};
pub use hazard::hr_histogram_svg;
pub use power::{axis_label, plot, power_svg};
pub use predict::{plot_predict, predict_svg};
pub use survival::km_svg;

use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

static FONT: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

/// The font family every text uses.
pub(super) const FAMILY: &str = "sans-serif";

/// Okabe and Ito's (2008) colour-blind-safe palette, without its yellow (weak on white).
pub(super) const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
];

pub(super) fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The embedded font is a valid TrueType file; a failure would show as missing text.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

/// The image kinds a plot can be written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Scalable vector graphics.
    Svg,
    /// PNG bitmap at twice the SVG's size in pixels.
    Png,
}

/// Checks a `--plot` path before any work: `.svg` or `.png` in an existing directory.
pub fn check_path(path: &Path) -> Result<Kind> {
    let kind = match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("svg") => Kind::Svg,
        Some("png") => Kind::Png,
        _ => {
            return Err(Error::usage(
                "--plot",
                path.display(),
                "a file name ending in .svg or .png",
            ));
        }
    };
    super::file::check_output_as("--plot", path)?;
    Ok(kind)
}

/// A temporary file beside `path` with the same extension (the PNG encoder goes by it).
fn temporary(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "plot.png".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{}.{}.tmp.png", name, std::process::id()))
}

/// Draws a PNG of 1920 x 1280 pixels with `draw` into `path`, atomically: into a temporary
/// beside it ([`temporary`]), renamed over `path` once presented, removed on failure.
pub(super) fn write_png(
    path: &Path,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>) -> std::result::Result<(), String>,
) -> Result<()> {
    register_font();
    let failed = |e: String| Error::io(path, std::io::Error::other(format!("drawing failed: {e}")));
    let tmp = temporary(path);
    let result = (|| {
        let root = BitMapBackend::new(&tmp, (1920, 1280)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| e.to_string())
    })();
    let result = result
        .map_err(failed)
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Checks that the first varied key's values are numbers (the plot's x axis).
pub fn check_values(key: &str, values: &[String]) -> Result<()> {
    match values.iter().find(|v| number(v).is_none()) {
        Some(v) => Err(Error::usage(
            "--plot",
            format!("{key}={v}"),
            "a first --vary key with numeric values (it is the x axis)",
        )),
        None => Ok(()),
    }
}

/// A TOML literal as a number, if it is one.
pub(super) fn number(literal: &str) -> Option<f64> {
    match toml::from_str::<toml::Table>(&format!("v = {literal}"))
        .ok()?
        .remove("v")?
    {
        toml::Value::Integer(i) => Some(i as f64),
        toml::Value::Float(x) => Some(x),
        _ => None,
    }
}

/// A tick label: at most 6 decimals, trailing zeros dropped.
pub(super) fn tick(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// The size of the report's figures, pixels (their SVG viewBox).
pub(super) const SIZE: (u32, u32) = (720, 440);

/// A drawing area of an SVG held in memory.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// What drawing returns: plotters' errors as text.
pub(super) type Drawn = std::result::Result<(), String>;

/// A plotters drawing error as text.
pub(super) fn failed<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

/// Dark grey, for reference lines and subtitles.
pub(super) const GREY: RGBColor = RGBColor(80, 80, 80);

/// One standalone `<svg>` element of `size` drawn by `draw` (no XML declaration; plotters
/// escapes the text it writes, so the element is well-formed XML).
pub(super) fn svg_string(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Drawn,
) -> Result<String> {
    register_font();
    let mut svg = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root).and_then(|()| root.present().map_err(|e| e.to_string()))
    };
    drawn.map_err(|e| {
        Error::io(
            "figure.svg",
            std::io::Error::other(format!("drawing failed: {e}")),
        )
    })?;
    Ok(svg)
}

/// A chart of the report's figures: f64 axes on an SVG area.
pub(super) type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// How a tick value is written.
pub(super) type Tick<'f> = &'f dyn Fn(&f64) -> String;

/// The axes of a figure in the house style: descriptions, tick labels by `x_tick`/`y_tick`,
/// about `labels.0` and `labels.1` of them, light grey grid lines.
pub(super) fn mesh<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    (x_desc, y_desc): (&str, &str),
    (x_tick, y_tick): (Tick<'_>, Tick<'_>),
    labels: (usize, usize),
) -> Drawn {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style((FAMILY, 14.0))
        .label_style((FAMILY, 12.0))
        .x_label_formatter(x_tick)
        .y_label_formatter(y_tick)
        .x_labels(labels.0)
        .y_labels(labels.1)
        .bold_line_style(RGBColor(215, 215, 215))
        .max_light_lines(0)
        .axis_style(BLACK)
        .draw()
        .map_err(failed)
}

/// The legend of the labelled series, in the house style, at `position`.
pub(super) fn legend<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    position: SeriesLabelPosition,
    margin: i32,
) -> Drawn {
    chart
        .configure_series_labels()
        .position(position)
        .margin(margin)
        .legend_area_size(28)
        .background_style(WHITE.mix(0.92))
        .border_style(RGBColor(160, 160, 160))
        .label_font((FAMILY, 12.0))
        .draw()
        .map_err(failed)
}

/// (time, lower, median, upper) of a band's points.
pub(super) fn band_points(band: &crate::study::pictures::Band) -> Vec<[f64; 4]> {
    band.time
        .iter()
        .zip(&band.lower)
        .zip(&band.median)
        .zip(&band.upper)
        .map(|(((&t, &l), &m), &u)| [t, l, m, u])
        .collect()
}

/// Fills `root` white and writes the title and a grey subtitle under it; returns the area
/// left for the plot.
pub(super) fn titled<'a>(
    root: &Area<'a>,
    title: &str,
    subtitle: &str,
) -> std::result::Result<Area<'a>, String> {
    root.fill(&WHITE).map_err(failed)?;
    let area = root
        .margin(10, 0, 0, 0)
        .titled(title, (FAMILY, 18.0).into_font().color(&BLACK))
        .map_err(failed)?;
    area.draw(&Text::new(
        subtitle.to_string(),
        (16, 2),
        (FAMILY, 12.0).into_font().color(&GREY),
    ))
    .map_err(failed)?;
    Ok(area.margin(20, 8, 8, 16))
}

/// Writes `message` in the middle of `area` (a figure without data).
pub(super) fn no_data(area: &Area<'_>, message: &str) -> Drawn {
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        (FAMILY, 16.0)
            .into_font()
            .color(&GREY)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            )),
    ))
    .map_err(failed)
}

/// The runs of consecutive points whose values are all finite: a curve or band is drawn in
/// pieces where it is undefined in between.
pub(super) fn finite_runs<const N: usize>(points: &[[f64; N]]) -> Vec<Vec<[f64; N]>> {
    let mut runs: Vec<Vec<[f64; N]>> = Vec::new();
    let mut open = false;
    for p in points {
        if p.iter().all(|v| v.is_finite()) {
            if !open {
                runs.push(Vec::new());
                open = true;
            }
            if let Some(run) = runs.last_mut() {
                run.push(*p);
            }
        } else {
            open = false;
        }
    }
    runs
}

/// The closed polygon of a band: points (x, lower, upper), along the upper edge and back along
/// the lower one.
pub(super) fn band_polygon(run: &[[f64; 3]]) -> Vec<(f64, f64)> {
    run.iter()
        .map(|p| (p[0], p[2]))
        .chain(run.iter().rev().map(|p| (p[0], p[1])))
        .collect()
}

/// Test helpers shared by the figures' tests.
#[cfg(test)]
pub(super) mod testing {
    /// The trimmed texts of the `<text>` elements of an SVG, which must parse as XML with an
    /// `<svg>` root.
    pub fn texts(svg: &str) -> Vec<String> {
        assert!(svg.starts_with("<svg"), "a standalone <svg> element");
        let doc = roxmltree::Document::parse(svg).expect("well-formed XML");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect()
    }

    /// Asserts that every label is the text of some `<text>` element.
    pub fn has_texts(svg: &str, labels: &[&str]) {
        let texts = texts(svg);
        for label in labels {
            assert!(
                texts.iter().any(|t| t == label),
                "no <text> {label:?} in {texts:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::texts;
    use super::*;
    use crate::study::Study;
    use crate::study::pictures::pictures;

    /// The four figures of a shipped scenario's simulated data are well-formed.
    #[test]
    fn plot_figures_of_a_study() {
        let path = Path::new("scenarios/phase3-enriched-sequential.toml");
        let study = Study::load(path, &[]).expect("scenario loads");
        let p = pictures(&study, 5, 60);
        let name = &study.scenario.name;
        let mut svgs = Vec::new();
        for km in &p.km {
            svgs.push(km_svg(km, name).expect("drawn"));
        }
        svgs.push(accrual_svg(&p.accrual, name).expect("drawn"));
        let plan = study.design.sequential.as_ref().expect("sequential");
        svgs.push(
            boundaries_svg(
                &plan.events,
                &plan.efficacy,
                &plan.futility,
                study.design.allocation,
                name,
            )
            .expect("drawn"),
        );
        let outcomes = study
            .simulate(
                &crate::simulation::engine::RunOptions {
                    reps: 60,
                    seed: 5,
                    threads: None,
                    replicates: None,
                },
                &|_| {},
                None,
            )
            .expect("simulated")
            .outcomes;
        let hrs: Vec<f64> = outcomes.iter().map(|o| o.hr).collect();
        svgs.push(hr_histogram_svg(&hrs, Some(0.65), None, name).expect("drawn"));
        // all randomised and two strata, accrual, bounds, histogram
        assert_eq!(svgs.len(), 6);
        for svg in &svgs {
            assert!(texts(svg).iter().any(|t| t.starts_with(name.as_str())));
        }
    }
}
