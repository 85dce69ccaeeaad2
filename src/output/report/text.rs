//! Plain text: a title, then each section's labels and values in aligned columns.

use super::{Table, Tabular};

/// Renders a report as aligned text.
pub fn render<T: Tabular>(report: &T) -> String {
    let sections = report.sections();
    let width = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|r| r.label.chars().count()))
        .max()
        .unwrap_or(0);
    let title = report.title();
    let mut out = format!("{title}\n{}\n", "=".repeat(title.chars().count()));
    for (heading, rows) in sections {
        if !heading.is_empty() {
            out.push_str(&format!("\n{heading}\n"));
        }
        for row in rows {
            out.push_str(&format!("  {:<width$}  {}\n", row.label, row.value));
        }
    }
    let notes = report.notes();
    if !notes.is_empty() {
        out.push_str("\nNotes\n");
        for note in notes {
            out.push_str(&format!("  - {note}\n"));
        }
    }
    out
}

/// Renders a table report as aligned text: a title, a header of labels, right-aligned columns,
/// then the notes.
pub fn table<T: Table>(report: &T) -> String {
    let rows = report.rows();
    let title = report.title();
    let mut out = format!("{title}\n{}\n", "=".repeat(title.chars().count()));
    if let Some(first) = rows.first() {
        let widths: Vec<usize> = (0..first.len())
            .map(|j| {
                rows.iter()
                    .map(|r| r[j].value.chars().count())
                    .chain([first[j].label.chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, &w)| format!("{c:>w$}"))
                .collect();
            format!("{}\n", padded.join("  ").trim_end())
        };
        out.push_str(&line(first.iter().map(|c| c.label.as_str()).collect()));
        for row in &rows {
            out.push_str(&line(row.iter().map(|c| c.value.as_str()).collect()));
        }
    }
    for note in report.notes() {
        out.push_str(&format!("{note}\n"));
    }
    out
}
