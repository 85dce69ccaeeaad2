//! The output formats, how one is chosen (`--format`, or the extension of `--output`), and
//! rendering a report in one.

use super::table::{Table, Tabular};
use super::{csv, markdown, text};
use crate::error::{Error, Result};
use serde::Serialize;
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
