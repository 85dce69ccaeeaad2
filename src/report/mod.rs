//! Rendering results for people and programs: text, JSON, CSV and Markdown, and writing files
//! atomically (to a temporary file beside the target, then renamed), so a failed run never
//! leaves a half-written output.
//!
//! A report type implements [`Tabular`] (a title and labelled rows) and `serde::Serialize`;
//! each format lives in its own file and works from those, so adding a format touches one file.

mod analyze;
mod boundaries;
mod compare;
mod csv;
mod markdown;
mod run;
mod text;
mod validate;

pub use boundaries::render_boundaries;
pub use compare::render_compare;

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal.
    Text,
    /// One JSON object.
    Json,
    /// A header line and one line of values.
    Csv,
    /// A Markdown table.
    Markdown,
}

impl Format {
    /// Parses a format name.
    pub fn parse(name: &str) -> Result<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "markdown" | "md" => Ok(Format::Markdown),
            _ => Err(Error::usage(
                "--format",
                name,
                "text, json, csv or markdown",
            )),
        }
    }
}

/// One line of a report: a machine key, a human label and the value as text.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Column name in CSV (the JSON field where there is one).
    pub key: String,
    /// Label for people.
    pub label: String,
    /// The value, formatted for people.
    pub value: String,
    /// The value for machines (CSV): full precision.
    pub raw: String,
}

impl Row {
    /// A row.
    pub fn new(key: impl Into<String>, label: impl Into<String>, value: impl Into<String>) -> Self {
        let value = value.into();
        Row {
            key: key.into(),
            label: label.into(),
            raw: value.clone(),
            value,
        }
    }

    /// A numeric row: shown with `decimals` decimals, written in full in CSV (`NA` for NaN).
    pub fn num(key: impl Into<String>, label: impl Into<String>, x: f64, decimals: usize) -> Self {
        Row {
            key: key.into(),
            label: label.into(),
            value: fmt(x, decimals),
            raw: if x.is_nan() {
                "NA".into()
            } else {
                x.to_string()
            },
        }
    }

    /// A fraction shown as a percentage with 2 decimals, written in CSV as the plain fraction in
    /// full precision (`NA` for NaN), so the column stays numeric.
    pub fn pct(key: impl Into<String>, label: impl Into<String>, x: f64) -> Self {
        let row = Row::num(key, label, x, 0);
        Row {
            value: format!("{}%", fmt(100.0 * x, 2)),
            ..row
        }
    }
}

/// A report that can be shown as labelled rows, grouped in sections.
pub trait Tabular {
    /// The report's title.
    fn title(&self) -> String;
    /// Sections of rows: (section heading, rows).
    fn sections(&self) -> Vec<(String, Vec<Row>)>;
}

/// Renders a report in the given format.
pub fn render<T: Tabular + Serialize>(report: &T, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialise to JSON");
            s.push('\n');
            s
        }
        Format::Csv => csv::render(report),
        Format::Markdown => markdown::render(report),
    }
}

/// Checks, before any work, that a report can be written to `path`: a file name (not an
/// existing directory) in an existing directory. [`write_atomic`] still reports what fails later.
pub fn check_output(path: &Path) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if path.file_name().is_none() || path.is_dir() {
        return Err(Error::usage(
            "--output",
            path.display(),
            "a file path, not a directory",
        ));
    }
    if !dir.is_dir() {
        return Err(Error::usage(
            "--output",
            path.display(),
            format!(
                "a file in an existing directory ({} does not exist)",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target. On failure the target is untouched and the temporary removed.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::usage("--output", path.display(), "a file path"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Formats a number for people: fixed decimals, `NA` for NaN.
pub fn fmt(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        "NA".to_string()
    } else {
        format!("{x:.decimals$}")
    }
}

/// Formats an optional number for people.
pub fn fmt_opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "not reached".to_string(), |v| fmt(v, decimals))
}
