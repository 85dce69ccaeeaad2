//! `run --replicates FILE.csv` (or `FILE.json`): one record per replicate (as rpact's
//! `getRawData`), the data behind a run's summary: its decisions, statistics and sizes, so any
//! aggregate can be recomputed (the mean of `reject` is `power`, of `events` `events_mean`, ...).
//!
//! The records are streamed to the file through a buffer, one replicate at a time: writing
//! the export holds no more than one record in memory, whatever the number of replicates.

use crate::error::{Error, Result};
use crate::model::Design;
use crate::simulation::engine::TrialOutcome;
use std::io::Write;
use std::path::Path;

/// The forms of the replicate export, by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicatesForm {
    /// One line per replicate with a header line.
    Csv,
    /// An array of objects, one replicate per line.
    Json,
}

/// Checks, before the run, that the replicate file can be written (a `.csv` or `.json` file in
/// an existing folder), and returns its form.
pub fn check_replicates(path: &Path) -> Result<ReplicatesForm> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let form = match ext.as_deref() {
        Some("csv") => ReplicatesForm::Csv,
        Some("json") => ReplicatesForm::Json,
        _ => {
            return Err(Error::usage(
                "--replicates",
                path.display(),
                "a file name ending in .csv or .json",
            ));
        }
    };
    super::file::check_output_as("--replicates", path)?;
    Ok(form)
}

/// Writes the replicate export of `outcomes` to `path` (atomically, streamed), in the form
/// its extension names ([`check_replicates`]).
pub fn write_replicates(path: &Path, design: &Design, outcomes: &[TrialOutcome]) -> Result<()> {
    let form = check_replicates(path)?;
    super::file::write_atomic_with(path, |w| match form {
        ReplicatesForm::Csv => write_csv(w, design, outcomes),
        ReplicatesForm::Json => write_json(w, design, outcomes),
    })
}

/// The replicate table as CSV text (see [`write_csv`]).
pub fn render_replicates(design: &Design, outcomes: &[TrialOutcome]) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_csv(&mut out, design, outcomes);
    String::from_utf8(out).unwrap_or_default()
}

/// Numbers in shortest round-trip form; NaN and infinities as `missing`.
fn num(x: f64, missing: &str) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        missing.to_string()
    }
}

/// Looks the design plans (1 for a fixed design, 2 with `[design.reestimation]`).
fn planned_looks(design: &Design) -> usize {
    match (&design.sequential, &design.reestimation) {
        (Some(p), _) => p.events.len(),
        (None, Some(_)) => 2,
        (None, None) => 1,
    }
}

/// With `[design.reestimation]`, the name of the zone the interim put replicate `o` in (empty
/// when it stopped at or before the interim); None for other designs.
fn zone_name(design: &Design, o: &TrialOutcome) -> Option<&'static str> {
    let plan = design.reestimation.as_ref()?;
    Some(match o.zone {
        1..=3 => plan.rule.zone_names()[usize::from(o.zone) - 1],
        _ => "",
    })
}

/// The replicate table as CSV: `replicate, reject, futility, z, hr, events, randomised,
/// screened, duration, reached, looks, misclassified, true_hr`, then per look performed or not
/// `look<k>_events`, `look<k>_months`, `look<k>_randomised` (empty after the last look
/// performed), per hypothesis `rejected_<name>` and per further test `test_<name>` (1/0), and
/// with `[design.reestimation]` the `zone` the interim put the trial in (empty when it stopped
/// at or before the interim). Numbers in shortest round-trip form; NaN (an HR not estimable, no
/// prior) as `NA`.
pub fn write_csv(
    out: &mut dyn Write,
    design: &Design,
    outcomes: &[TrialOutcome],
) -> std::io::Result<()> {
    let looks = planned_looks(design);
    let hypotheses = design.hypothesis_names();
    write!(
        out,
        "replicate,reject,futility,z,hr,events,randomised,screened,duration,reached,looks,misclassified,true_hr"
    )?;
    for k in 1..=looks {
        write!(out, ",look{k}_events,look{k}_months,look{k}_randomised")?;
    }
    for h in &hypotheses {
        write!(out, ",\"rejected_{h}\"")?;
    }
    for t in &design.tests {
        write!(out, ",\"test_{t}\"")?;
    }
    if design.reestimation.is_some() {
        out.write_all(b",zone")?;
    }
    writeln!(out)?;
    for o in outcomes {
        write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            o.replicate,
            u8::from(o.reject),
            u8::from(o.futility),
            num(o.z, "NA"),
            num(o.hr, "NA"),
            o.events,
            o.randomised,
            o.screened,
            num(o.duration, "NA"),
            u8::from(o.reached),
            o.looks,
            o.misclassified,
            num(o.true_hr, "NA")
        )?;
        for k in 0..looks {
            if k < usize::from(o.looks) {
                write!(
                    out,
                    ",{},{},{}",
                    o.look_events[k],
                    num(o.look_time[k], "NA"),
                    o.look_randomised[k]
                )?;
            } else {
                out.write_all(b",,,")?;
            }
        }
        for h in 0..hypotheses.len() {
            write!(out, ",{}", o.rejected >> h & 1)?;
        }
        for i in 0..design.tests.len() {
            write!(out, ",{}", o.tests_reject >> i & 1)?;
        }
        if let Some(zone) = zone_name(design, o) {
            write!(out, ",{zone}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The replicate records as a JSON array, one object per line, with the CSV's quantities:
/// `replicate`, `reject`, `futility` (booleans), `z`, `hr`, `events`, `randomised`,
/// `screened`, `duration`, `reached`, `misclassified`, `true_hr`, `looks` (an array of the
/// analyses performed: `events`, `months`, `randomised`), `rejected` (hypothesis name to
/// boolean), `tests` (further test to boolean) and with `[design.reestimation]` `zone` (the
/// zone's name, `null` when the trial stopped at or before the interim). NaN (an HR not
/// estimable, no prior) as `null`.
pub fn write_json(
    out: &mut dyn Write,
    design: &Design,
    outcomes: &[TrialOutcome],
) -> std::io::Result<()> {
    let hypotheses: Vec<String> = design
        .hypothesis_names()
        .iter()
        .map(|h| json_string(h))
        .collect();
    let tests: Vec<String> = design
        .tests
        .iter()
        .map(|t| json_string(&t.to_string()))
        .collect();
    out.write_all(b"[")?;
    for (i, o) in outcomes.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        write!(
            out,
            "{{\"replicate\":{},\"reject\":{},\"futility\":{},\"z\":{},\"hr\":{},\"events\":{},\"randomised\":{},\"screened\":{},\"duration\":{},\"reached\":{},\"misclassified\":{},\"true_hr\":{},\"looks\":[",
            o.replicate,
            o.reject,
            o.futility,
            num(o.z, "null"),
            num(o.hr, "null"),
            o.events,
            o.randomised,
            o.screened,
            num(o.duration, "null"),
            o.reached,
            o.misclassified,
            num(o.true_hr, "null")
        )?;
        for k in 0..usize::from(o.looks) {
            write!(
                out,
                "{}{{\"events\":{},\"months\":{},\"randomised\":{}}}",
                if k == 0 { "" } else { "," },
                o.look_events[k],
                num(o.look_time[k], "null"),
                o.look_randomised[k]
            )?;
        }
        out.write_all(b"],\"rejected\":{")?;
        for (h, name) in hypotheses.iter().enumerate() {
            let sep = if h == 0 { "" } else { "," };
            write!(out, "{sep}{name}:{}", o.rejected >> h & 1 == 1)?;
        }
        out.write_all(b"},\"tests\":{")?;
        for (t, name) in tests.iter().enumerate() {
            let sep = if t == 0 { "" } else { "," };
            write!(out, "{sep}{name}:{}", o.tests_reject >> t & 1 == 1)?;
        }
        out.write_all(b"}")?;
        match zone_name(design, o) {
            Some("") => out.write_all(b",\"zone\":null")?,
            Some(zone) => write!(out, ",\"zone\":\"{zone}\"")?,
            None => {}
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"\n]\n")
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
