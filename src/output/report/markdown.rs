//! Markdown: a heading and one two-column table per section.

use super::{Table, Tabular};

/// Renders a report as Markdown tables.
pub fn render<T: Tabular>(report: &T) -> String {
    let mut out = format!("## {}\n", report.title());
    for (heading, rows) in report.sections() {
        out.push('\n');
        if !heading.is_empty() {
            out.push_str(&format!("### {heading}\n\n"));
        }
        out.push_str("| quantity | value |\n| --- | ---: |\n");
        for row in rows {
            out.push_str(&format!(
                "| {} | {} |\n",
                row.label.replace('|', "\\|"),
                row.value.replace('|', "\\|")
            ));
        }
    }
    let notes = report.notes();
    if !notes.is_empty() {
        out.push_str("\n### Notes\n\n");
        for note in notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    out
}

/// Renders a table report as one Markdown table, with its notes as a list under it.
pub fn table<T: Table>(report: &T) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let rows = report.rows();
    let mut out = format!("## {}\n\n", report.title());
    if let Some(first) = rows.first() {
        let header: Vec<String> = first.iter().map(|c| cell(&c.label)).collect();
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        out.push_str(&format!("|{}\n", " ---: |".repeat(first.len())));
    }
    for row in &rows {
        let values: Vec<String> = row.iter().map(|c| cell(&c.value)).collect();
        out.push_str(&format!("| {} |\n", values.join(" | ")));
    }
    let notes = report.notes();
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    out
}
