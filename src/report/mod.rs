//! Rendering results for people and programs: text, JSON, CSV and Markdown, and writing files
//! atomically (to a temporary file beside the target, then renamed), so a failed run never
//! leaves a half-written output.
//!
//! A report type implements [`Tabular`] (a title and labelled rows) or [`Table`] (a title and
//! one row of cells per record, such as a sweep's grid points) and `serde::Serialize`; each
//! format lives in its own file and works from those, so adding a format touches one file.

mod analyze;
mod boundaries;
mod compare;
mod csv;
mod design;
mod markdown;
pub mod plot;
mod run;
mod size;
mod sweep;
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
    /// Remarks for people, after the rows (text and Markdown; CSV has no place for them, JSON
    /// carries them as a field of the report).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
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

/// A report that is one table: a row of cells per record. Each cell is a [`Row`] whose `key`
/// heads its column in CSV and JSON-like uses and whose `label` heads it for people; every row
/// has the same columns.
pub trait Table {
    /// The report's title.
    fn title(&self) -> String;
    /// The rows.
    fn rows(&self) -> Vec<Vec<Row>>;
    /// Lines shown under the table in text and Markdown (not in CSV).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Renders a table report in the given format.
pub fn render_table<T: Table + Serialize>(report: &T, format: Format) -> String {
    match format {
        Format::Text => text::table(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialise to JSON");
            s.push('\n');
            s
        }
        Format::Csv => csv::table(report),
        Format::Markdown => markdown::table(report),
    }
}

/// The format of a report written to `output`: `--format` when given; otherwise from the file's
/// extension (`.json`, `.md`, `.txt`, anything else CSV); text on standard output.
pub fn format_for(format: Option<&str>, output: Option<&Path>) -> Result<Format> {
    if let Some(name) = format {
        return Format::parse(name);
    }
    let Some(path) = output else {
        return Ok(Format::Text);
    };
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    Ok(match extension.as_deref() {
        Some("json") => Format::Json,
        Some("md" | "markdown") => Format::Markdown,
        Some("txt" | "text") => Format::Text,
        _ => Format::Csv,
    })
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

/// The title's note on a run stopped early: " (PARTIAL: stopped after k of n)", or nothing.
pub fn partial_note(reps: u64, planned: Option<u64>) -> String {
    planned.map_or_else(String::new, |planned| {
        format!(" (PARTIAL: stopped after {reps} of {planned})")
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
