//! CSV: one header line of keys and one line of values (RFC 4180 quoting).

use super::{Table, Tabular};

/// RFC 4180 quoting of one field.
pub(super) fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Renders a report as a two-line CSV.
pub fn render<T: Tabular>(report: &T) -> String {
    let rows: Vec<_> = report
        .sections()
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect();
    let header: Vec<String> = rows.iter().map(|r| quote(&r.key)).collect();
    let values: Vec<String> = rows.iter().map(|r| quote(&r.raw)).collect();
    format!("{}\n{}\n", header.join(","), values.join(","))
}

/// Renders a table report as CSV: a header line of column keys, then one line per row.
pub fn table<T: Table>(report: &T) -> String {
    let rows = report.rows();
    let mut out = String::new();
    if let Some(first) = rows.first() {
        let header: Vec<String> = first.iter().map(|c| quote(&c.key)).collect();
        out.push_str(&header.join(","));
        out.push('\n');
    }
    for row in &rows {
        let values: Vec<String> = row.iter().map(|c| quote(&c.raw)).collect();
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out
}
