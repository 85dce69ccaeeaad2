//! Figures drawn with plotters as SVG (and, for sweeps, PNG): one module per figure.
//!
//! * [`power`]: power curves of a sweep (`enrichsim sweep --plot`);
//! * [`survival`]: Kaplan-Meier curves with their bands over replicates;
//! * [`accrual`]: cumulative randomisations and deaths over calendar time, with the looks;
//! * [`hazard`]: the histogram of the estimated hazard ratios over replicates;
//! * [`boundaries`]: a group-sequential design's bounds on the z and hazard-ratio scales.
//!
//! Text is laid out (and, in PNG, drawn) with DejaVu Sans, embedded in the binary
//! (`assets/fonts`, Bitstream Vera licence), so plots look the same on every machine and need no
//! system font. Colours come from Okabe and Ito's colour-blind-safe palette.

pub mod power;

pub use power::{axis_label, plot};

use crate::error::{Error, Result};
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
