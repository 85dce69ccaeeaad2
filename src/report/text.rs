//! Plain text: a title, then each section's labels and values in aligned columns.

use super::Tabular;

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
