//! Real survival data read from CSV, for `enrichsim analyze`.
//!
//! One row per patient; the header (the first non-blank line) names the columns. The time
//! column holds months from randomisation (a finite number `>= 0`), the event column `1`/`0` (or
//! `true`/`false`), the arm column `treatment`/`control` (any case) or `1`/`0`, and the optional
//! strata column any non-empty label.
//!
//! The format is RFC 4180 CSV, read by the small parser below: fields separated by commas; a
//! field that starts with `"` is quoted and runs to the next lone `"` (a `""` inside stands for
//! one `"`, and commas and line ends inside are part of the field); spaces and tabs around a
//! field are dropped; lines end with LF, CRLF or CR; blank lines are skipped; a UTF-8 byte order
//! mark at the start is ignored. The file must be UTF-8 text.
//!
//! Every problem names the file and says where it is: a problem of one line is an
//! [`Error::Data`] naming that line (the line where the record starts; the header is line 1 in
//! a file without leading blank lines), the column, the value (at most 40 characters of it) and
//! what is allowed; a problem of the whole file (empty, no data rows, an arm with no patients,
//! not a text file) is an [`Error::DataFile`] whose message starts with what is at fault (`the file (empty)`, `no data rows`, ...), so that it prints as
//! `data.csv: the file (empty): ...`, with no line number.

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
    /// Months from randomisation, exactly as read (the `f64` nearest the decimal in the file;
    /// `-0` is read as `0`).
    pub time: Vec<f64>,
    /// True when the event was observed.
    pub event: Vec<bool>,
    /// True for the treatment arm.
    pub treated: Vec<bool>,
    /// Stratum index into `strata_names` (all 0 without a strata column).
    pub stratum: Vec<u32>,
    /// Stratum labels in order of first appearance (empty without a strata column).
    pub strata_names: Vec<String>,
    /// Long-format data ([`read_long_csv`]): the visits of the same patients, in the same
    /// order; None for one row per patient.
    pub visits: Option<crate::analysis::function::Visits>,
}

const TIME_ALLOWED: &str = "a finite number of months >= 0";
const EVENT_ALLOWED: &str = "1 (event) or 0 (censored), or true/false";
const ARM_ALLOWED: &str = "treatment or control (any case), or 1 or 0";

/// Longest part of a value or column name quoted in a message (characters).
const SHOWN_CHARS: usize = 40;
/// Longest list of column names in a message (characters, before the count of the rest).
const LIST_CHARS: usize = 100;

/// Reads a survival data set from a CSV file with a header line (the format: see the module
/// documentation).
///
/// Errors, each one line naming the file:
/// * [`Error::Data`] with the line: a quoted field that never closes (the line where it
///   opens), text after a closing quote, a byte that is not UTF-8; in the header, a column name
///   given twice (both positions named) or a missing column (the columns present listed); in a
///   row, the wrong number of fields, an empty, non-numeric, NaN, infinite or negative time, an
///   event other than 0/1/true/false, an unknown arm label, an empty stratum label, more than
///   [`crate::analysis::MAX_STRATA`] strata;
/// * [`Error::DataFile`] for the file as a whole: empty (no header line), no
///   data rows after the header, an arm with no patients, a UTF-16 file, a ZIP archive (such as
///   an `.xlsx` workbook);
/// * [`Error::Io`] when the file cannot be read;
/// * [`Error::Usage`] when two roles name the same column (`--time x --event x`).
pub fn read_csv(path: &Path, columns: &Columns) -> Result<Dataset> {
    read_rows(path, columns, None).map(|(data, _)| data)
}

/// The columns of long-format function data (`analyze --id --visit-time --score`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitColumns {
    /// Patient identifier (any non-empty label).
    pub id: String,
    /// Visit time, months after randomisation (0 at baseline).
    pub visit_time: String,
    /// Function score at the visit (ALSFRS-R: 0 to 48).
    pub score: String,
}

const SCORE_ALLOWED: &str = "a number from 0 to 48 (ALSFRS-R)";

/// Reads long-format data: one row per visit, the survival columns repeated on every row of a
/// patient (they must agree), the rows of a patient in any order. Returns the survival data set
/// (one row per patient, in order of first appearance) and the visits of the same patients
/// (sorted by time) in its `visits`.
///
/// Besides [`read_csv`]'s errors, each naming the line: an empty id; a visit time that is not
/// a number `>= 0`; a score that is not a number from 0 to 48; a patient whose survival columns
/// (time, event, arm, stratum) differ between rows (both lines named); two visits of a patient
/// at the same time (both lines); a patient without a baseline visit (time 0); a visit at or
/// after the patient's death, or after the end of their follow-up (the time column).
pub fn read_long_csv(
    path: &Path,
    columns: &Columns,
    visit_columns: &VisitColumns,
) -> Result<Dataset> {
    let (mut data, long) = read_rows(path, columns, Some(visit_columns))?;
    let errors = CsvErrors::new(path);
    let mut rows = long.expect("visit columns were given");
    // Stable sort: by patient, then visit time (rows of a patient in file order on ties).
    rows.sort_by(|a, b| a.patient.cmp(&b.patient).then(a.time.total_cmp(&b.time)));
    let mut visits = crate::analysis::function::Visits::default();
    visits.clear();
    let id_col = shown(&visit_columns.id);
    let vt_col = shown(&visit_columns.visit_time);
    for (p, group) in rows.chunk_by(|a, b| a.patient == b.patient).enumerate() {
        debug_assert_eq!(group[0].patient, p);
        let id = shown(&group[0].id);
        let first_line = group.iter().map(|r| r.line).min().unwrap_or(0);
        if group[0].time != 0.0 {
            return Err(errors.at_line(
                first_line,
                format!(
                    "patient `{id}` (column `{id_col}`) has no baseline visit: their first visit is at {} months; allowed: every patient has a visit at time 0 (the baseline)",
                    group[0].time
                ),
            ));
        }
        for w in group.windows(2) {
            if w[1].time == w[0].time {
                let (a, b) = (w[0].line.min(w[1].line), w[0].line.max(w[1].line));
                return Err(errors.at_line(
                    b,
                    format!(
                        "patient `{id}` has two visits at {} months (column `{vt_col}`), on lines {a} and {b}; allowed: one row per patient and visit",
                        w[0].time
                    ),
                ));
            }
        }
        let (end, died) = (data.time[p], data.event[p]);
        for r in group {
            if died && r.time >= end {
                return Err(errors.at_line(
                    r.line,
                    format!(
                        "patient `{id}` has a visit at {} months (column `{vt_col}`), at or after their death at {end} months; allowed: visits before death",
                        r.time
                    ),
                ));
            }
            if !died && r.time > end {
                return Err(errors.at_line(
                    r.line,
                    format!(
                        "patient `{id}` has a visit at {} months (column `{vt_col}`), after the end of their follow-up at {end} months (censored); allowed: visits within follow-up",
                        r.time
                    ),
                ));
            }
        }
        visits.push_patient(data.treated[p], data.stratum[p]);
        for r in group {
            visits.push_visit(r.time, r.score);
        }
    }
    data.visits = Some(visits);
    Ok(data)
}

/// One row of long-format data, before it is grouped by patient.
struct VisitRow {
    patient: usize,
    id: String,
    time: f64,
    score: f64,
    line: u64,
}

/// The work of [`read_csv`] and [`read_long_csv`]: with visit columns, one row per visit, the
/// patients in order of first appearance and the visit rows beside them.
fn read_rows(
    path: &Path,
    columns: &Columns,
    visit_columns: Option<&VisitColumns>,
) -> Result<(Dataset, Option<Vec<VisitRow>>)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let errors = CsvErrors::new(path);

    check_distinct_roles(columns, visit_columns)?;
    let text = errors.text(&bytes)?;

    let mut records = Records::new(text);
    let mut fields = Vec::new();
    let header = Header::read(&mut records, &mut fields, &errors, &wanted(columns))?;
    let find = |role: &str, name: &str| header.find(&errors, role, name);
    let i_time = find("time", &columns.time)?;
    let i_event = find("event", &columns.event)?;
    let i_arm = find("arm", &columns.arm)?;
    let i_strata = match &columns.strata {
        Some(s) => Some(find("strata", s)?),
        None => None,
    };
    let i_visit = match visit_columns {
        Some(v) => Some((
            find("id", &v.id)?,
            find("visit time", &v.visit_time)?,
            find("score", &v.score)?,
        )),
        None => None,
    };
    let mut long: Option<Vec<VisitRow>> = i_visit.map(|_| Vec::new());
    // Long format: the patient of each id, and the line of their first row.
    let mut patients: std::collections::HashMap<String, (usize, u64)> =
        std::collections::HashMap::new();

    let mut data = Dataset::default();
    let (mut first_row, mut last_row) = (0u64, 0u64);
    while let Some((line, end)) = records
        .next(&mut fields)
        .map_err(|(l, m)| errors.at_line(l, m))?
    {
        if first_row == 0 {
            first_row = line;
        }
        last_row = line;
        // A record over several lines holds a quoted field with line ends, most often because
        // of a stray `"`: say so.
        let err = |message: String| {
            if end > line {
                errors.at_line(
                    line,
                    format!(
                        "{message} (this row runs to line {end}: a quoted field holds line ends; a stray `\"`?)"
                    ),
                )
            } else {
                errors.at_line(line, message)
            }
        };
        if fields.len() != header.names.len() {
            return Err(err(format!(
                "{} fields, but the header has {} ({})",
                fields.len(),
                header.names.len(),
                list(&header.names)
            )));
        }
        let time = parse_time(&fields[i_time]).map_err(|problem| {
            err(format!(
                "column `{}`: value `{}` {problem}; allowed: {TIME_ALLOWED}",
                shown(&columns.time),
                shown(&fields[i_time])
            ))
        })?;

        let raw = &fields[i_event];
        let event = match raw.to_ascii_lowercase().as_str() {
            "1" | "true" => true,
            "0" | "false" => false,
            _ => {
                return Err(err(format!(
                    "column `{}`: value `{}` is not an event indicator; allowed: {EVENT_ALLOWED}",
                    shown(&columns.event),
                    shown(raw)
                )));
            }
        };

        let raw = &fields[i_arm];
        let treated = match raw.to_ascii_lowercase().as_str() {
            "treatment" | "1" => true,
            "control" | "0" => false,
            _ => {
                return Err(err(format!(
                    "column `{}`: value `{}` is not an arm; allowed: {ARM_ALLOWED}",
                    shown(&columns.arm),
                    shown(raw)
                )));
            }
        };

        let stratum = match i_strata {
            None => 0,
            Some(i) => {
                let label = fields[i].as_str();
                let column = shown(columns.strata.as_deref().unwrap_or_default());
                if label.is_empty() {
                    return Err(err(format!(
                        "column `{column}`: empty stratum label; allowed: any non-empty label"
                    )));
                }
                match data.strata_names.iter().position(|s| s == label) {
                    Some(k) => k as u32,
                    None if data.strata_names.len() >= crate::analysis::MAX_STRATA as usize => {
                        return Err(err(format!(
                            "column `{column}`: stratum `{}` would be stratum number {}; allowed: at most {} strata",
                            shown(label),
                            data.strata_names.len() + 1,
                            crate::analysis::MAX_STRATA
                        )));
                    }
                    None => {
                        data.strata_names.push(label.to_string());
                        (data.strata_names.len() - 1) as u32
                    }
                }
            }
        };

        if let (Some((i_id, i_vt, i_score)), Some(rows), Some(v)) =
            (i_visit, long.as_mut(), visit_columns)
        {
            let id = fields[i_id].as_str();
            if id.is_empty() {
                return Err(err(format!(
                    "column `{}`: empty patient id; allowed: any non-empty label",
                    shown(&v.id)
                )));
            }
            let visit_time = parse_time(&fields[i_vt]).map_err(|problem| {
                err(format!(
                    "column `{}`: value `{}` {problem}; allowed: {TIME_ALLOWED} after randomisation",
                    shown(&v.visit_time),
                    shown(&fields[i_vt])
                ))
            })?;
            let raw = fields[i_score].as_str();
            let score = match raw.parse::<f64>() {
                Ok(x) if (0.0..=48.0).contains(&x) => x + 0.0,
                _ => {
                    return Err(err(format!(
                        "column `{}`: value `{}` is not a score; allowed: {SCORE_ALLOWED}",
                        shown(&v.score),
                        shown(raw)
                    )));
                }
            };
            let patient = match patients.get(id) {
                Some(&(p, first)) => {
                    let same = data.time[p] == time
                        && data.event[p] == event
                        && data.treated[p] == treated
                        && data.stratum[p] == stratum;
                    if !same {
                        return Err(err(format!(
                            "patient `{}`: the survival columns ({}) differ from those of their row on line {first}; allowed: the same time, event, arm and stratum on every row of a patient",
                            shown(id),
                            wanted(columns)
                        )));
                    }
                    p
                }
                None => {
                    let p = data.time.len();
                    patients.insert(id.to_string(), (p, line));
                    data.time.push(time);
                    data.event.push(event);
                    data.treated.push(treated);
                    data.stratum.push(stratum);
                    p
                }
            };
            rows.push(VisitRow {
                patient,
                id: id.to_string(),
                time: visit_time,
                score,
                line,
            });
            continue;
        }
        data.time.push(time);
        data.event.push(event);
        data.treated.push(treated);
        data.stratum.push(stratum);
    }

    if data.time.is_empty() {
        return Err(errors.whole(format!(
            "no data rows: nothing follows the header (line {}); expected one row per patient",
            header.line
        )));
    }
    for (treated, label, other) in [
        (true, "treatment", "control (or 0)"),
        (false, "control", "treatment (or 1)"),
    ] {
        if !data.treated.contains(&treated) {
            return Err(errors.whole(format!(
                "no patients in the {label} arm: column `{}` is {other} in every row, from line {first_row} to line {last_row}; both arms need at least one patient",
                shown(&columns.arm)
            )));
        }
    }
    Ok((data, long))
}

/// A time from its field: the `f64` nearest the decimal (Rust's correctly rounded parser, as
/// R's `read.csv` reads it), or what is wrong with it.
fn parse_time(raw: &str) -> std::result::Result<f64, &'static str> {
    if raw.is_empty() {
        return Err("(empty) is not a number");
    }
    if raw.eq_ignore_ascii_case("na") || raw == "." {
        return Err("(a missing value) is not a number");
    }
    match raw.parse::<f64>() {
        Err(_) => Err("is not a number"),
        Ok(t) if t.is_nan() => Err("is not a finite number"),
        Ok(t) if t.is_infinite() => Err("is not a finite number"),
        Ok(t) if t < 0.0 => Err("is negative"),
        // `-0` is 0 (`-0.0 + 0.0 = +0.0`).
        Ok(t) => Ok(t + 0.0),
    }
}

/// The same column may not play two roles.
fn check_distinct_roles(columns: &Columns, visit_columns: Option<&VisitColumns>) -> Result<()> {
    let mut roles = vec![
        ("--time", &columns.time),
        ("--event", &columns.event),
        ("--arm", &columns.arm),
    ];
    if let Some(s) = &columns.strata {
        roles.push(("--strata", s));
    }
    if let Some(v) = visit_columns {
        roles.push(("--id", &v.id));
        roles.push(("--visit-time", &v.visit_time));
        roles.push(("--score", &v.score));
    }
    for (j, (option, name)) in roles.iter().enumerate() {
        if let Some((first, _)) = roles[..j].iter().find(|(_, n)| n == name) {
            return Err(Error::usage(
                option,
                format!("`{}`", shown(name)),
                format!("a column other than {first}'s"),
            ));
        }
    }
    Ok(())
}

/// A header in which a (non-empty) column name appears twice is refused: which of the two
/// columns is meant would be a guess.
pub(super) fn check_unique(names: &[String]) -> std::result::Result<(), String> {
    for (j, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if let Some(i) = names[..j].iter().position(|n| n == name) {
            return Err(format!(
                "the header line names column `{}` twice, as columns {} and {}; column names must be unique",
                shown(name),
                i + 1,
                j + 1
            ));
        }
    }
    Ok(())
}

/// The message for a column the header lacks: the columns present, and a hint when a name
/// differs only in case or the file seems to use another separator.
pub(super) fn missing_column(role: &str, name: &str, names: &[String]) -> String {
    let mut message = format!(
        "no {role} column `{}`; columns present: {}",
        shown(name),
        list(names)
    );
    if let Some(close) = names.iter().find(|h| h.eq_ignore_ascii_case(name)) {
        message.push_str(&format!(" (names are case-sensitive: `{}`?)", shown(close)));
    } else if names.len() == 1
        && let Some(sep) = [';', '\t', '|'].into_iter().find(|c| names[0].contains(*c))
    {
        message.push_str(&format!(
            " (one column: is the file separated by {}? enrichsim reads comma-separated files)",
            if sep == '\t' {
                "tabs".to_string()
            } else {
                format!("`{sep}`")
            }
        ));
    }
    message
}

/// A value or name for a message: at most [`SHOWN_CHARS`] characters (then `...`), control
/// characters (a line end inside a quoted field) escaped, so the message stays one short line.
pub(super) fn shown(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push_str("...");
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Column names for a message, comma-separated, cut after about [`LIST_CHARS`] characters
/// with the count of the others.
pub(super) fn list(names: &[String]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let item = shown(name);
        if i > 0 && out.len() + item.len() > LIST_CHARS {
            out.push_str(&format!(", ... ({} columns in all)", names.len()));
            return out;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&item);
    }
    out
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
    v.iter().map(|s| shown(s)).collect::<Vec<_>>().join(", ")
}

/// Why the bytes are not text: a problem of the whole file, or of one line.
pub(super) enum Decode {
    /// The whole file.
    Whole(String),
    /// One line.
    Line(u64, String),
}

/// The file's text: UTF-8, without a leading byte order mark.
pub(super) fn decode(bytes: &[u8]) -> std::result::Result<&str, Decode> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Decode::Whole(
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8; save it as UTF-8 CSV".into(),
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Decode::Whole(
            "the file is a ZIP archive (an .xlsx workbook?), not CSV text; export it as CSV (UTF-8)".into(),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = 1 + line_ends(good);
            // The valid prefix is text, so it can be searched as such.
            let prefix = std::str::from_utf8(good).unwrap_or_default();
            let start = prefix.rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let column = prefix[start..].chars().count() + 1;
            Err(Decode::Line(
                line,
                format!(
                    "not UTF-8 text: byte 0x{:02X} at character {column}; save the file as UTF-8 (e.g. \"CSV UTF-8\")",
                    bytes[e.valid_up_to()]
                ),
            ))
        }
    }
}

/// Line ends in `bytes`: LF, CRLF (one end) or a lone CR.
fn line_ends(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

/// A malformed record: the line and the message.
type ParseError = (u64, String);

/// Where a CSV file's errors point: the file as named, one of its lines, or the whole of it.
pub(super) struct CsvErrors {
    file: String,
}

impl CsvErrors {
    pub(super) fn new(path: &Path) -> CsvErrors {
        CsvErrors {
            file: path.display().to_string(),
        }
    }

    /// A problem on line `line` (1-based; the header is line 1).
    pub(super) fn at_line(&self, line: u64, message: String) -> Error {
        Error::Data {
            file: self.file.clone(),
            line,
            message,
        }
    }

    /// A problem of the file as a whole.
    pub(super) fn whole(&self, message: String) -> Error {
        Error::DataFile {
            file: self.file.clone(),
            message,
        }
    }

    /// The file's bytes as UTF-8 text ([`decode`]).
    pub(super) fn text<'b>(&self, bytes: &'b [u8]) -> Result<&'b str> {
        decode(bytes).map_err(|e| match e {
            Decode::Whole(m) => self.whole(m),
            Decode::Line(line, m) => self.at_line(line, m),
        })
    }
}

/// A CSV file's header: its line and its column names (distinct).
pub(super) struct Header {
    /// The header's line.
    pub(super) line: u64,
    /// The column names, in file order.
    pub(super) names: Vec<String>,
}

impl Header {
    /// Reads the first record of `records` as the header (`fields`: the reader's buffer);
    /// `wanted` names the columns expected, for the message about an empty file.
    pub(super) fn read(
        records: &mut Records,
        fields: &mut Vec<String>,
        errors: &CsvErrors,
        wanted: &str,
    ) -> Result<Header> {
        let Some((line, _)) = records
            .next(fields)
            .map_err(|(l, m)| errors.at_line(l, m))?
        else {
            return Err(errors.whole(format!(
                "the file (empty): expected a header line naming the columns {wanted}"
            )));
        };
        let names = std::mem::take(fields);
        check_unique(&names).map_err(|m| errors.at_line(line, m))?;
        Ok(Header { line, names })
    }

    /// The index of the column `name` (in the role `role`, for the message when it is missing).
    pub(super) fn find(&self, errors: &CsvErrors, role: &str, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| errors.at_line(self.line, missing_column(role, name, &self.names)))
    }
}

/// The records of a CSV text, one at a time, each with the line it starts on.
pub(super) struct Records<'a> {
    text: &'a str,
    pos: usize,
    line: u64,
}

impl<'a> Records<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Records {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// Reads the next non-blank record into `fields` and returns its first and last lines,
    /// `None` at the end of the text, or `(line, message)` for a malformed quoted field.
    pub(super) fn next(
        &mut self,
        fields: &mut Vec<String>,
    ) -> std::result::Result<Option<(u64, u64)>, ParseError> {
        loop {
            if self.pos >= self.text.len() {
                return Ok(None);
            }
            let start = self.line;
            fields.clear();
            let mut quoted_any = false;
            let end = loop {
                let (field, quoted) = self.field()?;
                quoted_any |= quoted;
                fields.push(field);
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    _ => {
                        let end = self.line;
                        self.end_of_line();
                        break end;
                    }
                }
            };
            // A blank line (nothing but spaces) is no record.
            if fields.len() == 1 && fields[0].is_empty() && !quoted_any {
                continue;
            }
            return Ok(Some((start, end)));
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consumes a line end (LF, CRLF or CR) if one is next.
    fn end_of_line(&mut self) {
        match self.peek() {
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                self.line += 1;
            }
            Some(b'\n') => {
                self.pos += 1;
                self.line += 1;
            }
            _ => {}
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// One field, trimmed of spaces and tabs, and whether it was quoted. Stops before the
    /// comma or line end that ends it.
    fn field(&mut self) -> std::result::Result<(String, bool), ParseError> {
        self.skip_blanks();
        if self.peek() != Some(b'"') {
            let start = self.pos;
            while !matches!(self.peek(), None | Some(b',' | b'\n' | b'\r')) {
                self.pos += 1;
            }
            // Delimiters are ASCII, so `start..pos` lies on character boundaries.
            return Ok((self.text[start..self.pos].trim().to_string(), false));
        }
        let opened = self.line;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(q) = rest.find('"') else {
                return Err((
                    opened,
                    format!(
                        "unterminated quoted field starting at line {opened}: a field that opens with `\"` must close with `\"` (write a `\"` inside a field as `\"\"`)"
                    ),
                ));
            };
            let inside = &rest[..q];
            self.line += line_ends(inside.as_bytes());
            value.push_str(inside);
            self.pos += q + 1;
            if self.peek() == Some(b'"') {
                value.push('"');
                self.pos += 1;
                continue;
            }
            break;
        }
        self.skip_blanks();
        if !matches!(self.peek(), None | Some(b',' | b'\n' | b'\r')) {
            let opened = if opened == self.line {
                String::new()
            } else {
                format!(" (opened at line {opened}: a stray `\"`?)")
            };
            return Err((
                self.line,
                format!(
                    "text after the closing `\"` of the quoted field `{}`{opened}; a quoted field ends at its closing quote (write a `\"` inside as `\"\"`)",
                    shown(&value)
                ),
            ));
        }
        Ok((value.trim().to_string(), true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> std::result::Result<Vec<(u64, Vec<String>)>, ParseError> {
        let mut r = Records::new(text);
        let mut out = Vec::new();
        let mut fields = Vec::new();
        while let Some((line, _)) = r.next(&mut fields)? {
            out.push((line, fields.clone()));
        }
        Ok(out)
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn fields_lines_and_quotes() {
        let got =
            records("a, b ,c\r\n\r\n\"x,1\",\"say \"\"hi\"\"\", 3 \n\"two\nlines\",y,z\rlast,,\n")
                .unwrap();
        assert_eq!(
            got,
            vec![
                (1, strings(&["a", "b", "c"])),
                (3, strings(&["x,1", "say \"hi\"", "3"])),
                (4, strings(&["two\nlines", "y", "z"])),
                (6, strings(&["last", "", ""])),
            ]
        );
        // No final line end; a quoted empty field is a record.
        assert_eq!(
            records("a\n\"\"").unwrap(),
            vec![(1, strings(&["a"])), (2, strings(&[""]))]
        );
    }

    #[test]
    fn unterminated_and_trailing_quote() {
        let e = records("a,b\n1,2\n3,\"oops\n4,5\n6,7\n").unwrap_err();
        assert_eq!(e.0, 3);
        assert!(e.1.starts_with("unterminated quoted field starting at line 3"));
        let e = records("a,b\n\"x\"y,2\n").unwrap_err();
        assert_eq!(e.0, 2);
        assert!(e.1.contains("text after the closing"), "{}", e.1);
        // A stray quote that a later quote closes: both lines are named.
        let e = records("a,b\n\"x,1\n2,3\n\"y\",4\n").unwrap_err();
        assert_eq!(e.0, 4);
        assert!(e.1.contains("opened at line 2"), "{}", e.1);
        // A record over several lines reports both.
        let mut r = Records::new("a,b\n\"x\n\n\",1\n");
        let mut f = Vec::new();
        assert_eq!(r.next(&mut f).unwrap(), Some((1, 1)));
        assert_eq!(r.next(&mut f).unwrap(), Some((2, 4)));
        // A CRLF inside a quoted field counts once.
        assert_eq!(
            records("\"a\r\n\",b\r\nc,d\r\n").unwrap(),
            vec![(1, strings(&["a", "b"])), (3, strings(&["c", "d"]))]
        );
    }

    #[test]
    fn shown_is_short_and_one_line() {
        let long = "x".repeat(100);
        assert_eq!(shown(&long).chars().count(), SHOWN_CHARS + 3);
        assert_eq!(shown("a\nb"), "a\\nb");
        let names: Vec<String> = (0..50).map(|i| format!("column{i}")).collect();
        let l = list(&names);
        assert!(
            l.len() < LIST_CHARS + 40 && l.ends_with("(50 columns in all)"),
            "{l}"
        );
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("43.7"), Ok(43.7));
        assert_eq!(parse_time("-0").map(f64::to_bits), Ok(0));
        for bad in ["", "NA", "abc", "nan", "inf", "-1", "1e400"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
