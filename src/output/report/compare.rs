//! The `compare` report: designs as columns, quantities as rows (text and Markdown); one CSV
//! line per design; JSON is serde.

use super::csv::quote;
use super::{Format, fmt};
use crate::study::compare::{Comparison, DesignColumn};
use std::path::Path;

/// One row of the side-by-side table: a CSV key, a label and one cell per design.
struct Line {
    key: String,
    label: String,
    cells: Vec<Cell>,
}

/// A cell: a number with its decimals and an optional Monte Carlo SE, a word, or nothing (the
/// design has no such hypothesis).
enum Cell {
    Number(f64, usize, Option<f64>),
    Word(String),
    Missing,
}

impl Cell {
    fn shown(&self) -> String {
        match self {
            Cell::Number(x, d, Some(se)) => format!("{} ({})", fmt(*x, *d), fmt(*se, *d)),
            Cell::Number(x, d, None) => fmt(*x, *d),
            Cell::Word(w) => w.clone(),
            Cell::Missing => "-".into(),
        }
    }
}

/// A short column title: the file's stem.
fn short(column: &DesignColumn) -> String {
    Path::new(&column.file)
        .file_stem()
        .map_or_else(|| column.name.clone(), |s| s.to_string_lossy().into_owned())
}

/// Hypothesis names over all designs, in first appearance (each design lists small to large).
fn hypothesis_names(c: &Comparison) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for d in &c.designs {
        for h in &d.summary.hypotheses {
            if !names.contains(&h.name) {
                names.push(h.name.clone());
            }
        }
    }
    names
}

/// Analysis names over all designs (primary tests and `design.tests`), in first appearance.
fn test_names(c: &Comparison) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for d in &c.designs {
        let listed =
            std::iter::once(&d.summary.test).chain(d.summary.tests.0.iter().map(|t| &t.test));
        for name in listed {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// A row of means: key, label, the field, decimals.
type MeanRow = (&'static str, &'static str, fn(&DesignColumn) -> f64, usize);

fn lines(c: &Comparison) -> Vec<Line> {
    let each = |f: &dyn Fn(&DesignColumn) -> Cell| c.designs.iter().map(f).collect::<Vec<_>>();
    let mut out = vec![
        Line {
            key: "primary".into(),
            label: "primary hypothesis".into(),
            cells: each(&|d| Cell::Word(d.primary.clone())),
        },
        Line {
            key: "power".into(),
            label: "power (primary rejected)".into(),
            cells: each(&|d| Cell::Number(d.power, 4, Some(d.power_se))),
        },
    ];
    if c.designs.iter().any(|d| d.assurance.is_some()) {
        out.push(Line {
            key: "assurance".into(),
            label: "assurance (success over the prior)".into(),
            cells: each(&|d| match (d.assurance, d.assurance_se) {
                (Some(a), se) => Cell::Number(a, 4, se),
                _ => Cell::Missing,
            }),
        });
    }
    let names = hypothesis_names(c);
    for name in &names {
        out.push(Line {
            key: format!("reject_{name}"),
            label: format!("{name} rejected"),
            cells: each(
                &|d| match (d.hypotheses.get(name), d.hypotheses_se.get(name)) {
                    (Some(&p), se) => Cell::Number(p, 4, se.copied()),
                    _ => Cell::Missing,
                },
            ),
        });
    }
    out.push(Line {
        key: "reject_any".into(),
        label: "at least one rejected".into(),
        cells: each(&|d| Cell::Number(d.reject_any, 4, Some(d.reject_any_se))),
    });
    for name in &names {
        out.push(Line {
            key: format!("selected_{name}"),
            label: format!("{name} tested at the end (selected)"),
            cells: each(&|d| {
                d.selected
                    .get(name)
                    .map_or(Cell::Missing, |&p| Cell::Number(p, 4, None))
            }),
        });
    }
    // The analyses side by side, when the designs evaluate more than one between them.
    let tests = test_names(c);
    if tests.len() > 1 {
        for name in &tests {
            out.push(Line {
                key: format!("test_{name}"),
                label: format!("{name}: rejects"),
                cells: each(&|d| match (d.tests.get(name), d.tests_se.get(name)) {
                    (Some(&p), se) => Cell::Number(p, 4, se.copied()),
                    _ => Cell::Missing,
                }),
            });
        }
    }
    let means: [MeanRow; 5] = [
        ("screened_mean", "screened, mean", |d| d.screened_mean, 1),
        (
            "randomised_mean",
            "randomised, mean",
            |d| d.randomised_mean,
            1,
        ),
        ("events_mean", "deaths, mean", |d| d.events_mean, 1),
        (
            "duration_mean",
            "duration, months, mean",
            |d| d.duration_mean,
            2,
        ),
        (
            "screened_per_randomised",
            "screened per randomised",
            |d| d.screened_per_randomised,
            3,
        ),
    ];
    for (key, label, f, decimals) in means {
        out.push(Line {
            key: key.into(),
            label: label.into(),
            cells: each(&|d| Cell::Number(f(d), decimals, None)),
        });
    }
    out
}

fn title(c: &Comparison) -> String {
    format!(
        "{} designs on the same {} replicates (seed {})",
        c.designs.len(),
        c.reps,
        c.seed
    )
}

fn legend(c: &Comparison) -> Vec<String> {
    c.designs
        .iter()
        .map(|d| format!("{}: {} ({})", short(d), d.name, d.file))
        .collect()
}

fn text(c: &Comparison) -> String {
    let rows = lines(c);
    let headers: Vec<String> = c.designs.iter().map(short).collect();
    let label_width = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..headers.len())
        .map(|j| {
            rows.iter()
                .map(|r| r.cells[j].shown().chars().count())
                .chain([headers[j].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let t = title(c);
    let mut out = format!("{t}\n{}\n\n", "=".repeat(t.chars().count()));
    out.push_str(&format!("  {:<label_width$}", ""));
    for (h, w) in headers.iter().zip(&widths) {
        out.push_str(&format!("  {h:>w$}"));
    }
    out.push('\n');
    for r in &rows {
        out.push_str(&format!("  {:<label_width$}", r.label));
        for (cell, w) in r.cells.iter().zip(&widths) {
            out.push_str(&format!("  {:>w$}", cell.shown()));
        }
        out.push('\n');
    }
    out.push_str("\nProportions with their Monte Carlo SE in brackets.\n");
    for l in legend(c) {
        out.push_str(&format!("  {l}\n"));
    }
    out
}

fn markdown(c: &Comparison) -> String {
    let rows = lines(c);
    let mut out = format!("## {}\n\n| quantity |", title(c));
    for d in &c.designs {
        out.push_str(&format!(" {} |", short(d)));
    }
    out.push_str("\n| --- |");
    out.push_str(&" ---: |".repeat(c.designs.len()));
    out.push('\n');
    for r in &rows {
        out.push_str(&format!("| {} |", r.label));
        for cell in &r.cells {
            out.push_str(&format!(" {} |", cell.shown().replace('|', "\\|")));
        }
        out.push('\n');
    }
    out.push_str("\nProportions with their Monte Carlo SE in brackets.\n\n");
    for l in legend(c) {
        out.push_str(&format!("- {l}\n"));
    }
    out
}

/// One line per design: name, file, then every row's value (and `_se` column where there is
/// one), full precision, `NA` where a design has no such hypothesis.
fn csv(c: &Comparison) -> String {
    let rows = lines(c);
    let mut header = vec!["name".to_string(), "file".to_string()];
    for r in &rows {
        header.push(r.key.clone());
        if r.cells
            .iter()
            .any(|x| matches!(x, Cell::Number(_, _, Some(_))))
        {
            header.push(format!("{}_se", r.key));
        }
    }
    let mut out = header.join(",");
    out.push('\n');
    for (j, d) in c.designs.iter().enumerate() {
        let mut fields = vec![quote(&d.name), quote(&d.file)];
        for r in &rows {
            let with_se = r
                .cells
                .iter()
                .any(|x| matches!(x, Cell::Number(_, _, Some(_))));
            let (value, se) = match &r.cells[j] {
                Cell::Number(x, _, se) => {
                    (x.to_string(), se.map_or("NA".into(), |s| s.to_string()))
                }
                Cell::Word(w) => (quote(w), "NA".into()),
                Cell::Missing => ("NA".into(), "NA".into()),
            };
            fields.push(value);
            if with_se {
                fields.push(se);
            }
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Renders a comparison in the given format.
pub fn render_compare(c: &Comparison, format: Format) -> String {
    match format {
        Format::Text => text(c),
        Format::Markdown => markdown(c),
        Format::Csv => csv(c),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(c).expect("reports serialise to JSON");
            s.push('\n');
            s
        }
    }
}
