//! Real survival data read from CSV, for `enrichsim analyze`.
//!
//! One row per patient; the header (line 1) names the columns. The time column holds months from
//! randomisation (a finite number `>= 0`), the event column `1`/`0` (or `true`/`false`), the arm
//! column `treatment`/`control` (any case) or `1`/`0`, and the optional strata column any
//! non-empty label. Every problem is an [`Error::Data`] naming the line (header = line 1, line 0
//! for the file as a whole), the column, the value and what is allowed.

use crate::{Error, Result};
use std::path::Path;

/// Which CSV columns hold what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    /// Time from randomisation to event or censoring (months).
    pub time: String,
    /// Event indicator: 1 = event observed, 0 = censored.
    pub event: String,
    /// Arm: treatment/control or 1/0.
    pub arm: String,
    /// Optional stratification column.
    pub strata: Option<String>,
}

/// A survival data set as struct of arrays, ready for [`crate::analysis::Analyzer::load`].
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Dataset {
    /// Months from randomisation.
    pub time: Vec<f64>,
    /// True when the event was observed.
    pub event: Vec<bool>,
    /// True for the treatment arm.
    pub treated: Vec<bool>,
    /// Stratum index into `strata_names` (all 0 without a strata column).
    pub stratum: Vec<u32>,
    /// Stratum labels in order of first appearance (empty without a strata column).
    pub strata_names: Vec<String>,
}

const TIME_ALLOWED: &str = "a finite number of months >= 0";
const EVENT_ALLOWED: &str = "1 (event) or 0 (censored), or true/false";
const ARM_ALLOWED: &str = "treatment or control (any case), or 1 or 0";

/// Reads a survival data set from a CSV file with a header line.
///
/// Errors ([`Error::Data`]): a missing column (line 1, listing the columns present); a row with
/// the wrong number of fields; an empty, non-numeric, infinite or negative time; an event other
/// than 0/1/true/false; an unknown arm label; an empty stratum label; an empty file or a file
/// with no data rows; an arm with no patients (line 0). Unreadable files give [`Error::Io`].
pub fn read_csv(path: &Path, columns: &Columns) -> Result<Dataset> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let err = |line: u64, message: String| Error::Data {
        file: file.clone(),
        line,
        message,
    };

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| {
            err(
                csv_line(&e).unwrap_or(1),
                format!("cannot read the header: {e}"),
            )
        })?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers.get(0) == Some("")) {
        return Err(err(
            0,
            format!(
                "the file is empty; expected a header line naming the columns {}",
                wanted(columns)
            ),
        ));
    }
    let names: Vec<&str> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            }
        })
        .collect();
    let find = |role: &str, name: &str| -> Result<usize> {
        names.iter().position(|h| *h == name).ok_or_else(|| {
            err(
                1,
                format!(
                    "no {role} column `{name}`; columns present: {}",
                    names.join(", ")
                ),
            )
        })
    };
    let i_time = find("time", &columns.time)?;
    let i_event = find("event", &columns.event)?;
    let i_arm = find("arm", &columns.arm)?;
    let i_strata = match &columns.strata {
        Some(s) => Some(find("strata", s)?),
        None => None,
    };

    let mut data = Dataset::default();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(err(
                    csv_line(&e).unwrap_or(0),
                    format!("unreadable CSV: {e}"),
                ));
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != names.len() {
            return Err(err(
                line,
                format!(
                    "{} fields, but the header has {} ({})",
                    record.len(),
                    names.len(),
                    names.join(", ")
                ),
            ));
        }
        let field = |i: usize| record.get(i).unwrap_or("");

        let raw = field(i_time);
        let time: f64 = raw.parse().map_err(|_| {
            err(
                line,
                format!(
                    "column `{}`: value `{raw}` is not a number; allowed: {TIME_ALLOWED}",
                    columns.time
                ),
            )
        })?;
        if !time.is_finite() || time < 0.0 {
            return Err(err(
                line,
                format!(
                    "column `{}`: value `{raw}` is out of range; allowed: {TIME_ALLOWED}",
                    columns.time
                ),
            ));
        }

        let raw = field(i_event);
        let event = match raw.to_ascii_lowercase().as_str() {
            "1" | "true" => true,
            "0" | "false" => false,
            _ => {
                return Err(err(
                    line,
                    format!(
                        "column `{}`: value `{raw}` is not an event indicator; allowed: {EVENT_ALLOWED}",
                        columns.event
                    ),
                ));
            }
        };

        let raw = field(i_arm);
        let treated = match raw.to_ascii_lowercase().as_str() {
            "treatment" | "1" => true,
            "control" | "0" => false,
            _ => {
                return Err(err(
                    line,
                    format!(
                        "column `{}`: value `{raw}` is not an arm; allowed: {ARM_ALLOWED}",
                        columns.arm
                    ),
                ));
            }
        };

        let stratum = match i_strata {
            None => 0,
            Some(i) => {
                let label = field(i);
                if label.is_empty() {
                    return Err(err(
                        line,
                        format!(
                            "column `{}`: empty stratum label; allowed: any non-empty label",
                            columns.strata.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                match data.strata_names.iter().position(|s| s == label) {
                    Some(k) => k as u32,
                    None if data.strata_names.len() >= crate::analysis::MAX_STRATA as usize => {
                        return Err(err(
                            line,
                            format!(
                                "column `{}`: stratum {label:?} would be stratum number {}; allowed: at most {} strata",
                                columns.strata.as_deref().unwrap_or_default(),
                                data.strata_names.len() + 1,
                                crate::analysis::MAX_STRATA
                            ),
                        ));
                    }
                    None => {
                        data.strata_names.push(label.to_string());
                        (data.strata_names.len() - 1) as u32
                    }
                }
            }
        };

        data.time.push(time);
        data.event.push(event);
        data.treated.push(treated);
        data.stratum.push(stratum);
    }

    if data.time.is_empty() {
        return Err(err(
            0,
            "no data rows after the header; expected one row per patient".to_string(),
        ));
    }
    for (treated, label) in [(true, "treatment"), (false, "control")] {
        if !data.treated.contains(&treated) {
            return Err(err(
                0,
                format!(
                    "no patients in the {label} arm (column `{}`); both arms need at least one patient",
                    columns.arm
                ),
            ));
        }
    }
    Ok(data)
}

/// The line of a CSV error, when the csv crate knows it.
fn csv_line(e: &csv::Error) -> Option<u64> {
    e.position().map(|p| p.line())
}

fn wanted(columns: &Columns) -> String {
    let mut v = vec![
        columns.time.as_str(),
        columns.event.as_str(),
        columns.arm.as_str(),
    ];
    if let Some(s) = &columns.strata {
        v.push(s);
    }
    v.join(", ")
}
