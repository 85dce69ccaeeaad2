//! `run --replicates FILE.csv`: one row per replicate (as rpact's `getRawData`), the data
//! behind a run's summary: its decisions, statistics and sizes, so any aggregate can be
//! recomputed (the mean of `reject` is `power`, of `events` `events_mean`, ...).

use crate::error::{Error, Result};
use crate::model::Design;
use crate::simulation::engine::TrialOutcome;
use std::fmt::Write;
use std::path::Path;

/// Checks, before the run, that the replicate file can be written (a `.csv` file in an
/// existing folder).
pub fn check_replicates(path: &Path) -> Result<()> {
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !csv {
        return Err(Error::usage(
            "--replicates",
            path.display(),
            "a file name ending in .csv",
        ));
    }
    super::file::check_output_as("--replicates", path)
}

/// The replicate table as CSV: `replicate, reject, futility, z, hr, events, randomised,
/// screened, duration, reached, looks, misclassified, true_hr`, then per look performed or not
/// `look<k>_events`, `look<k>_months`, `look<k>_randomised` (empty after the last look
/// performed), per hypothesis `rejected_<name>` and per further test `test_<name>` (1/0).
/// Numbers in shortest round-trip form; NaN (an HR not estimable, no prior) as `NA`.
pub fn render_replicates(design: &Design, outcomes: &[TrialOutcome]) -> String {
    let looks = design.sequential.as_ref().map_or(1, |p| p.events.len());
    let hypotheses = design.hypothesis_names();
    let mut out = String::from(
        "replicate,reject,futility,z,hr,events,randomised,screened,duration,reached,looks,misclassified,true_hr",
    );
    for k in 1..=looks {
        let _ = write!(out, ",look{k}_events,look{k}_months,look{k}_randomised");
    }
    for h in &hypotheses {
        let _ = write!(out, ",\"rejected_{h}\"");
    }
    for t in &design.tests {
        let _ = write!(out, ",\"test_{t}\"");
    }
    out.push('\n');
    let num = |x: f64| {
        if x.is_finite() {
            x.to_string()
        } else {
            "NA".to_string()
        }
    };
    for o in outcomes {
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            o.replicate,
            u8::from(o.reject),
            u8::from(o.futility),
            num(o.z),
            num(o.hr),
            o.events,
            o.randomised,
            o.screened,
            num(o.duration),
            u8::from(o.reached),
            o.looks,
            o.misclassified,
            num(o.true_hr)
        );
        for k in 0..looks {
            if k < usize::from(o.looks) {
                let _ = write!(
                    out,
                    ",{},{},{}",
                    o.look_events[k],
                    num(o.look_time[k]),
                    o.look_randomised[k]
                );
            } else {
                out.push_str(",,,");
            }
        }
        for h in 0..hypotheses.len() {
            let _ = write!(out, ",{}", o.rejected >> h & 1);
        }
        for i in 0..design.tests.len() {
            let _ = write!(out, ",{}", o.tests_reject >> i & 1);
        }
        out.push('\n');
    }
    out
}
