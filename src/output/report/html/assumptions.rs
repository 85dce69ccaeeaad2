//! The assumptions of a scenario with their sources: the file's tables and keys with the
//! comments written beside them (where each value comes from: the Phase 2b, a paper, "assumed"),
//! the `[calibration]` targets among them, then the resolved model (`enrichsim validate`) and,
//! beside it, the closed-form design (`enrichsim design`).

use super::markup::{anchor, esc, num, token};
use crate::output::report::Tabular;
use crate::study::report::ScenarioReport;
use std::fmt::Write;

/// The section.
pub(super) fn section(out: &mut String, k: usize, s: &ScenarioReport) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>Assumptions and their sources</h3>",
        anchor(k, "assumptions")
    );
    out.push_str("<p class=\"muted\">The scenario file's values as written, each with the comments beside it in the file (its source or reason; \"assumed\" marks a planning choice). The whole file is in the reproducibility section.</p>\n");
    let a = &s.annotated;
    if !a.header.is_empty() {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(&a.header.join(" ")));
    }
    for table in &a.tables {
        let entries: Vec<_> = table
            .entries
            .iter()
            .filter(|e| !(table.name.is_empty() && (e.key == "name" || e.key == "description")))
            .collect();
        if entries.is_empty() && table.comments.is_empty() {
            continue;
        }
        if !table.name.is_empty() {
            let _ = writeln!(out, "<h4 class=\"toml\">[{}]</h4>", esc(&table.name));
        }
        if !table.comments.is_empty() {
            let _ = writeln!(
                out,
                "<p class=\"note\">{}</p>",
                esc(&table.comments.join(" "))
            );
        }
        if entries.is_empty() {
            continue;
        }
        out.push_str("<div class=\"wide\"><table class=\"assumptions\">\n<thead><tr><th>key</th><th>value</th><th>source, as commented</th></tr></thead>\n<tbody>\n");
        for e in entries {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"src\">{}</td></tr>",
                esc(&e.key),
                esc(&e.value),
                esc(&e.comments.join(" "))
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    out.push_str("<h4>The resolved model (enrichsim validate)</h4>\n");
    tabular(out, &s.description, &format!("validate-{k}"));
    out.push_str("<h4>The closed-form design (enrichsim design)</h4>\n");
    match &s.design {
        Ok(d) => tabular(out, d, &format!("design-{k}")),
        Err(why) => {
            let _ = writeln!(
                out,
                "<p class=\"note\">No closed-form design: {}</p>",
                esc(why)
            );
        }
    }
    out.push_str("</section>\n");
}

/// A [`Tabular`] report as a table per section, its notes as a list. A row whose key is a
/// number of the report's JSON (a top-level field) is tagged with its pointer, so it can be
/// checked against `src`.
pub(super) fn tabular<T: Tabular + serde::Serialize>(out: &mut String, report: &T, src: &str) {
    let json = serde_json::to_value(report).unwrap_or_default();
    out.push_str("<div class=\"wide\"><table class=\"tabular\">\n<tbody>\n");
    for (heading, rows) in report.sections() {
        if !heading.is_empty() {
            let _ = writeln!(
                out,
                "<tr class=\"group\"><th colspan=\"2\">{}</th></tr>",
                esc(&heading)
            );
        }
        for row in rows {
            let pointer = format!("/{}", token(&row.key));
            let value = match json.pointer(&pointer).and_then(serde_json::Value::as_f64) {
                Some(x) if decimals(&row.value).is_some() => {
                    num(src, &pointer, x, decimals(&row.value).unwrap_or(0))
                }
                _ => esc(&row.value),
            };
            // numbers right-aligned on one line, words wrapped
            let class = if decimals(&row.value).is_some() {
                "v"
            } else {
                "t"
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"{class}\">{value}</td></tr>",
                esc(&row.label)
            );
        }
    }
    out.push_str("</tbody></table></div>\n");
    let notes = report.notes();
    if !notes.is_empty() {
        out.push_str("<ul class=\"note\">\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", esc(&n));
        }
        out.push_str("</ul>\n");
    }
}

/// The decimals of a plain decimal number as printed ("0.8877" -> 4, "246" -> 0); None for
/// anything else (a percentage, several numbers, words).
fn decimals(text: &str) -> Option<usize> {
    let t = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!int.is_empty() && digits(int) && digits(frac)).then_some(frac.len())
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_are_read_from_plain_numbers_only() {
        use super::decimals;
        assert_eq!(decimals("0.8877"), Some(4));
        assert_eq!(decimals("246"), Some(0));
        assert_eq!(decimals("-1.50"), Some(2));
        assert_eq!(decimals("11.72%"), None);
        assert_eq!(decimals("0.65 (x)"), None);
        assert_eq!(decimals("NA"), None);
        assert_eq!(decimals(""), None);
    }
}
