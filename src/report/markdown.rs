//! Markdown: a heading and one two-column table per section.

use super::Tabular;

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
