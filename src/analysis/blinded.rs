//! Blinded event data of a running trial, read from CSV for `enrichsim predict`: per patient the
//! entry (randomisation) date, the status at the cut and the date of the event or of the last
//! contact, and no arm.
//!
//! The file is CSV as [`crate::analysis::dataset`] reads it (RFC 4180, a header line naming the
//! columns, blank lines skipped, UTF-8), with three columns named by the caller:
//!
//! * entry: the date of randomisation, ISO `YYYY-MM-DD` (or, with [`TimeScale::Months`], a
//!   calendar month, any finite number);
//! * status: `event` (also `death`, `dead`, `1`), `dropout` (also `lost`, `withdrawn`),
//!   `ongoing` (also `alive`, `censored`, `0`: followed and alive at the date) or `completed`
//!   (alive at the end of the follow-up the design plans per patient, `design.follow_up`:
//!   no longer at risk), in any case;
//! * date: the date of the death, of the dropout (the last contact of a patient lost), or of the
//!   last contact of a patient ongoing or completed; an ongoing patient's may be empty, meaning
//!   alive at the cut.
//!
//! The cut is `--cut` or, by default, the latest date in the file. Times are months of
//! [`crate::stats::date::DAYS_PER_MONTH`] = 30.4375 days from month 0, the earliest entry date
//! (with months, the column's own 0). Every problem of a row is an [`Error::Data`] naming the
//! file, the line, the column, the value and what is allowed; an empty file or one with no rows
//! is an [`Error::DataFile`].

use super::dataset::{CsvErrors, Header, Records, list, shown};
use crate::stats::date::{self, DATE_ALLOWED, DAYS_PER_MONTH};
use crate::{Error, Result};
use std::path::Path;

/// Which CSV columns hold what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlindedColumns {
    /// Date (or month) of randomisation.
    pub entry: String,
    /// Status at the cut: event, dropout, ongoing or completed.
    pub status: String,
    /// Date (or month) of the event, the dropout, or the last contact.
    pub date: String,
}

/// How the entry and date columns (and `--cut`, `--start`) give calendar time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeScale {
    /// ISO dates `YYYY-MM-DD`.
    Dates,
    /// Calendar months, any finite numbers (e.g. months since the first screening).
    Months,
}

/// A patient's status at the cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Died at the date.
    Event,
    /// Lost to follow-up at the date (censored, for good).
    Dropout,
    /// Alive at the date and still followed.
    Ongoing,
    /// Alive at the date, at the end of the follow-up planned per patient (no longer at risk).
    Completed,
}

const STATUS_ALLOWED: &str = "event (or death, dead, 1), dropout (or lost, withdrawn), ongoing (or alive, censored, 0) or completed, any case";

impl Status {
    /// Reads a status (any case), or None.
    pub fn parse(text: &str) -> Option<Status> {
        match text.to_ascii_lowercase().as_str() {
            "event" | "death" | "dead" | "1" => Some(Status::Event),
            "dropout" | "lost" | "withdrawn" => Some(Status::Dropout),
            "ongoing" | "alive" | "censored" | "0" => Some(Status::Ongoing),
            "completed" => Some(Status::Completed),
            _ => None,
        }
    }
}

/// Blinded data, struct of arrays in file order, times in months.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindedData {
    /// Calendar month of each patient's entry, from month 0.
    pub entry: Vec<f64>,
    /// Months from entry to the event, the dropout or the last contact (an ongoing patient
    /// without a date: to the cut).
    pub time: Vec<f64>,
    /// Status at the cut.
    pub status: Vec<Status>,
    /// The file's line of each patient (for messages).
    pub line: Vec<u64>,
    /// The cut, calendar month from month 0.
    pub cut: f64,
    /// The start of recruitment (`--start`), calendar month, if given.
    pub start: Option<f64>,
    /// With dates: the day number of month 0 (the earliest entry date).
    pub origin_day: Option<i64>,
    /// With dates: the day number of the cut.
    pub cut_day: Option<i64>,
}

impl BlindedData {
    /// Number of patients.
    pub fn len(&self) -> usize {
        self.entry.len()
    }

    /// Whether there is no patient.
    pub fn is_empty(&self) -> bool {
        self.entry.is_empty()
    }

    /// The ISO date of calendar month `m` (the day it falls in), with dates; None with months.
    pub fn date_of(&self, m: f64) -> Option<String> {
        let origin = self.origin_day?;
        m.is_finite()
            .then(|| date::format(origin + (m * DAYS_PER_MONTH + 1e-9).floor() as i64))
    }

    /// The calendar month of a day number, with dates.
    pub fn month_of_day(&self, day: i64) -> Option<f64> {
        self.origin_day.map(|o| (day - o) as f64 / DAYS_PER_MONTH)
    }
}

/// A calendar value as read: a day number or a month.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    Day(i64),
    Month(f64),
}

impl Value {
    fn as_f64(self) -> f64 {
        match self {
            Value::Day(d) => d as f64,
            Value::Month(m) => m,
        }
    }
    fn show(self) -> String {
        match self {
            Value::Day(d) => date::format(d),
            Value::Month(m) => format!("month {m}"),
        }
    }
}

/// One calendar value from a field, or what is wrong with it.
fn parse_value(raw: &str, scale: TimeScale) -> std::result::Result<Value, String> {
    match scale {
        TimeScale::Dates => {
            if raw.is_empty() {
                return Err("(empty) is not a date".into());
            }
            date::parse(raw).map(Value::Day)
        }
        TimeScale::Months => match raw.parse::<f64>() {
            Ok(m) if m.is_finite() => Ok(Value::Month(m + 0.0)),
            _ if raw.is_empty() => Err("(empty) is not a number".into()),
            _ => Err("is not a finite number".into()),
        },
    }
}

fn allowed(scale: TimeScale) -> &'static str {
    match scale {
        TimeScale::Dates => DATE_ALLOWED,
        TimeScale::Months => "a calendar month, a finite number",
    }
}

/// Reads `--cut` or `--start` (a date, or a month with [`TimeScale::Months`]).
fn option_value(option: &str, raw: &str, scale: TimeScale) -> Result<Value> {
    parse_value(raw.trim(), scale).map_err(|_| Error::usage(option, raw, allowed(scale)))
}

/// One data row before the cut is known.
struct RawRow {
    line: u64,
    entry: Value,
    status: Status,
    date: Option<Value>,
}

/// Reads blinded data from `path`. `cut` and `start` are the `--cut` and `--start` options as
/// typed (dates or months by `scale`); the cut defaults to the latest entry or date in the
/// file.
///
/// Errors: [`Error::Data`] naming the line for an entry or date that is not a date (or number),
/// an unknown status, a missing date (allowed empty only for `ongoing`), a date before the
/// entry, an entry or a date after the cut; [`Error::DataFile`] for an empty file or one
/// without rows, and [`Error::Usage`] for a bad `--cut` or `--start`, two roles given the same
/// column, or a start after the first entry.
pub fn read_blinded_csv(
    path: &Path,
    columns: &BlindedColumns,
    scale: TimeScale,
    cut: Option<&str>,
    start: Option<&str>,
) -> Result<BlindedData> {
    let cut = cut.map(|c| option_value("--cut", c, scale)).transpose()?;
    let start_value = start
        .map(|s| option_value("--start", s, scale))
        .transpose()?;
    let roles = [
        ("--entry", &columns.entry),
        ("--status", &columns.status),
        ("--date", &columns.date),
    ];
    for (j, (option, name)) in roles.iter().enumerate() {
        if let Some((first, _)) = roles[..j].iter().find(|(_, n)| n == name) {
            return Err(Error::usage(
                option,
                format!("`{}`", shown(name)),
                format!("a column other than {first}'s"),
            ));
        }
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let errors = CsvErrors::new(path);
    let text = errors.text(&bytes)?;
    let mut records = Records::new(text);
    let mut fields = Vec::new();
    let wanted = format!(
        "{}, {}, {}",
        shown(&columns.entry),
        shown(&columns.status),
        shown(&columns.date)
    );
    let header = Header::read(&mut records, &mut fields, &errors, &wanted)?;
    let find = |role: &str, name: &str| header.find(&errors, role, name);
    let i_entry = find("entry", &columns.entry)?;
    let i_status = find("status", &columns.status)?;
    let i_date = find("date", &columns.date)?;
    let mut rows: Vec<RawRow> = Vec::new();
    while let Some((line, _)) = records
        .next(&mut fields)
        .map_err(|(l, m)| errors.at_line(l, m))?
    {
        if fields.len() != header.names.len() {
            return Err(errors.at_line(
                line,
                format!(
                    "{} fields, but the header has {} ({})",
                    fields.len(),
                    header.names.len(),
                    list(&header.names)
                ),
            ));
        }
        let bad = |column: &str, raw: &str, problem: String, allowed: &str| {
            errors.at_line(
                line,
                format!(
                    "column `{}`: value `{}` {problem}; allowed: {allowed}",
                    shown(column),
                    shown(raw)
                ),
            )
        };
        let raw = fields[i_entry].as_str();
        let entry =
            parse_value(raw, scale).map_err(|p| bad(&columns.entry, raw, p, allowed(scale)))?;
        let raw = fields[i_status].as_str();
        let status = Status::parse(raw).ok_or_else(|| {
            bad(
                &columns.status,
                raw,
                "is not a status".into(),
                STATUS_ALLOWED,
            )
        })?;
        let raw = fields[i_date].as_str();
        let date = if raw.is_empty() && status == Status::Ongoing {
            None
        } else if raw.is_empty() {
            return Err(errors.at_line(
                line,
                format!(
                    "column `{}`: (empty) for a patient with status `{}`; allowed: the date of the {} (empty only for an ongoing patient, meaning alive at the cut)",
                    shown(&columns.date),
                    fields[i_status],
                    match status {
                        Status::Event => "death",
                        Status::Dropout => "dropout (the last contact)",
                        _ => "last contact",
                    }
                ),
            ));
        } else {
            Some(parse_value(raw, scale).map_err(|p| bad(&columns.date, raw, p, allowed(scale)))?)
        };
        if let Some(d) = date
            && d.as_f64() < entry.as_f64()
        {
            return Err(errors.at_line(
                line,
                format!(
                    "column `{}`: {} is before the entry {} (column `{}`); allowed: a date on or after the patient's entry",
                    shown(&columns.date),
                    d.show(),
                    entry.show(),
                    shown(&columns.entry)
                ),
            ));
        }
        rows.push(RawRow {
            line,
            entry,
            status,
            date,
        });
    }
    if rows.is_empty() {
        return Err(errors.whole(format!(
            "no data rows: nothing follows the header (line {}); expected one row per patient randomised",
            header.line
        )));
    }
    let latest = rows
        .iter()
        .flat_map(|r| [Some(r.entry), r.date].into_iter().flatten())
        .max_by(|a, b| a.as_f64().total_cmp(&b.as_f64()))
        .expect("rows");
    let cut = cut.unwrap_or(latest);
    for r in &rows {
        if r.entry.as_f64() > cut.as_f64() {
            return Err(errors.at_line(
                r.line,
                format!(
                    "column `{}`: entry {} is after the cut {}; allowed: patients randomised by the cut (--cut)",
                    shown(&columns.entry),
                    r.entry.show(),
                    cut.show()
                ),
            ));
        }
        if let Some(d) = r.date
            && d.as_f64() > cut.as_f64()
        {
            return Err(errors.at_line(
                r.line,
                format!(
                    "column `{}`: {} is after the cut {}; allowed: events, dropouts and contacts by the cut (--cut)",
                    shown(&columns.date),
                    d.show(),
                    cut.show()
                ),
            ));
        }
    }
    let first = rows
        .iter()
        .map(|r| r.entry)
        .min_by(|a, b| a.as_f64().total_cmp(&b.as_f64()))
        .expect("rows");
    if let Some(s) = start_value
        && s.as_f64() > first.as_f64()
    {
        return Err(Error::usage(
            "--start",
            s.show(),
            format!(
                "the start of recruitment, on or before the first entry ({})",
                first.show()
            ),
        ));
    }
    let (origin_day, origin) = match first {
        Value::Day(d) => (Some(d), d as f64),
        Value::Month(_) => (None, 0.0),
    };
    let month = |v: Value| match v {
        Value::Day(d) => (d as f64 - origin) / DAYS_PER_MONTH,
        Value::Month(m) => m,
    };
    let span = |a: Value, b: Value| match (a, b) {
        (Value::Day(a), Value::Day(b)) => (b - a) as f64 / DAYS_PER_MONTH,
        _ => b.as_f64() - a.as_f64(),
    };
    let mut data = BlindedData {
        entry: Vec::with_capacity(rows.len()),
        time: Vec::with_capacity(rows.len()),
        status: Vec::with_capacity(rows.len()),
        line: Vec::with_capacity(rows.len()),
        cut: month(cut),
        start: start_value.map(month),
        origin_day,
        cut_day: match cut {
            Value::Day(d) => Some(d),
            Value::Month(_) => None,
        },
    };
    for r in &rows {
        data.entry.push(month(r.entry));
        data.time.push(span(r.entry, r.date.unwrap_or(cut)));
        data.status.push(r.status);
        data.line.push(r.line);
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, cut: Option<&str>) -> Result<BlindedData> {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("d.csv");
        std::fs::write(&path, text).unwrap();
        let columns = BlindedColumns {
            entry: "entry".into(),
            status: "status".into(),
            date: "date".into(),
        };
        read_blinded_csv(&path, &columns, TimeScale::Dates, cut, None)
    }

    #[test]
    fn reads_dates_as_months() {
        let d = read(
            "entry,status,date\n2024-01-01,event,2024-03-01\n2024-02-01,ongoing,\n2024-01-11,dropout,2024-02-10\n",
            Some("2024-04-01"),
        )
        .unwrap();
        assert_eq!(d.origin_day, Some(date::parse("2024-01-01").unwrap()));
        assert_eq!(d.time[0], 60.0 / DAYS_PER_MONTH);
        assert_eq!(d.time[1], 60.0 / DAYS_PER_MONTH);
        assert_eq!(d.entry[2], 10.0 / DAYS_PER_MONTH);
        assert_eq!(d.cut, 91.0 / DAYS_PER_MONTH);
        assert_eq!(
            d.status,
            vec![Status::Event, Status::Ongoing, Status::Dropout]
        );
        assert_eq!(d.line, vec![2, 3, 4]);
        assert_eq!(d.date_of(d.cut).as_deref(), Some("2024-04-01"));
        // The cut defaults to the latest date.
        let d = read("entry,status,date\n2024-01-01,event,2024-03-01\n", None).unwrap();
        assert_eq!(d.cut, d.time[0]);
    }

    #[test]
    fn bad_rows_name_their_line() {
        let cases = [
            (
                "entry,status,date\n2024-01-01,event,2024-03-01\n2024-13-01,event,2024-03-01\n",
                3,
                "month 13",
            ),
            (
                "entry,status,date\n2024-01-01,maybe,2024-03-01\n",
                2,
                "not a status",
            ),
            ("entry,status,date\n2024-01-01,event,\n", 2, "(empty)"),
            (
                "entry,status,date\n2024-03-01,event,2024-02-01\n",
                2,
                "before the entry",
            ),
            (
                "entry,status,date\n2024-01-01,event,2024-02-01\n2024-05-01,ongoing,\n",
                3,
                "after the cut",
            ),
            (
                "entry,status,date\n2024-01-01,event,2024-05-01\n",
                2,
                "after the cut",
            ),
        ];
        for (text, line, words) in cases {
            match read(text, Some("2024-04-01")) {
                Err(Error::Data {
                    line: l, message, ..
                }) => {
                    assert_eq!(l, line, "{message}");
                    assert!(message.contains(words), "{message}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(read("", None), Err(Error::DataFile { .. })));
        assert!(matches!(
            read("entry,status,date\n", None),
            Err(Error::DataFile { .. })
        ));
        assert!(matches!(
            read(
                "entry,status,date\n2024-01-01,event,2024-02-01\n",
                Some("2024-02-30")
            ),
            Err(Error::Usage { .. })
        ));
    }
}
