//! The shapes of a report: labelled rows in sections ([`Tabular`]) or one row of cells per
//! record ([`Table`]), and how numbers are written for people.

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
