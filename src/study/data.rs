//! The patient-level data of one replicate, as the analyst would receive them at one of its
//! analyses (`enrichsim simulate-data`): what a user needs to check a replicate in their own
//! software. `enrichsim analyze` on the file reproduces the replicate's statistics.

use super::Study;
use crate::analysis::function::Visits;
use crate::error::{Error, Result};
use crate::simulation::engine::{Workspace, simulate_one};
use crate::simulation::trial::Cut;
use crate::stats::rng::Streams;
use std::fmt::Write;

/// The data of replicate `replicate` (seed `seed`) at its analysis `look` (1-based; None: the
/// last analysis the trial performed), as CSV text with a header line:
///
/// * `id` (1-based, in order of randomisation), `entry` (calendar month of randomisation),
///   `arm` (`treatment`/`control`), `stratum` (the measured stratum, the analysis stratum),
///   `true_stratum`, `months` (follow-up to death, censoring or the cut) and `death` (1/0);
/// * with `[function]`, one row per visit seen by the cut (long format, the survival columns
///   repeated), with `visit` (months after randomisation) and `score`.
///
/// Numbers are written in Rust's shortest round-trip form, so a reader gets the same doubles.
/// Adaptive designs are refused (their second stage's data depend on the selection), as is a
/// look the replicate did not reach.
pub fn replicate_data(
    study: &Study,
    seed: u64,
    replicate: u64,
    look: Option<usize>,
) -> Result<String> {
    let (model, design) = (&study.model, &study.design);
    if design.adaptive.is_some() {
        return Err(Error::usage(
            "simulate-data",
            &study.file,
            "a scenario without [design.adaptive] (the data of an adaptive trial's stages are not exported yet)",
        ));
    }
    let streams = Streams::new(seed);
    let mut ws = Workspace::default();
    let outcome = simulate_one(model, design, &streams, replicate, &mut ws);
    let performed = usize::from(outcome.looks.max(1));
    let k = look.unwrap_or(performed);
    if k == 0 || k > performed {
        return Err(Error::usage(
            "--look",
            k,
            format!("an analysis the replicate performed: 1 to {performed}"),
        ));
    }
    let time = outcome.look_time[k - 1];
    // The workspace holds the replicate's cohort, simulated under its drawn model.
    let cohort = ws.cohort();
    let mut cut = Cut::default();
    cohort.cut(time, &mut cut);
    let mut visits = Visits::default();
    cohort.visits_at(model, time, &mut visits);
    let names = &model.population.strata;
    let function = model.function.is_some();
    let mut out = String::from("id,entry,arm,stratum,true_stratum,months,death");
    out.push_str(if function { ",visit,score\n" } else { "\n" });
    for i in 0..cut.time.len() {
        let row = format!(
            "{},{},{},{},{},{},{}",
            i + 1,
            cohort.entry[i],
            if cut.treated[i] {
                "treatment"
            } else {
                "control"
            },
            names[cut.stratum[i] as usize],
            names[cohort.true_stratum[i] as usize],
            cut.time[i],
            u8::from(cut.event[i])
        );
        if function {
            for r in visits.rows(i) {
                let _ = writeln!(out, "{row},{},{}", visits.time[r], visits.score[r]);
            }
        } else {
            out.push_str(&row);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The blinded data of replicate `replicate` (seed `seed`) at calendar month `cut` (None: its
/// analysis `look`, as [`replicate_data`]), as `enrichsim predict` reads them: CSV with `id`,
/// `entry`, `status` (`event`, `dropout`, `completed` or `ongoing`) and `date` (of the death,
/// the dropout, the end of the planned follow-up, or the cut for an ongoing patient), one row
/// per patient randomised by the cut, in order of randomisation. With `start` (the day number
/// of month 0, the first screening) the entry and the date are ISO dates, the day the month
/// falls in (`start + floor(month * 30.4375)`); without, calendar months.
pub fn blinded_replicate_data(
    study: &Study,
    seed: u64,
    replicate: u64,
    look: Option<usize>,
    cut: Option<f64>,
    start: Option<i64>,
) -> Result<String> {
    let (model, design) = (&study.model, &study.design);
    if design.adaptive.is_some() {
        return Err(Error::usage(
            "simulate-data",
            &study.file,
            "a scenario without [design.adaptive] (the data of an adaptive trial's stages are not exported yet)",
        ));
    }
    let streams = Streams::new(seed);
    let mut ws = Workspace::default();
    let outcome = simulate_one(model, design, &streams, replicate, &mut ws);
    let time = match cut {
        Some(c) => {
            if !(c.is_finite() && c > 0.0) {
                return Err(Error::usage("--cut", c, "a calendar month > 0"));
            }
            c
        }
        None => {
            let performed = usize::from(outcome.looks.max(1));
            let k = look.unwrap_or(performed);
            if k == 0 || k > performed {
                return Err(Error::usage(
                    "--look",
                    k,
                    format!("an analysis the replicate performed: 1 to {performed}"),
                ));
            }
            outcome.look_time[k - 1]
        }
    };
    let data = crate::study::predict::blinded_of_cohort(ws.cohort(), design.follow_up, time);
    let show = |m: f64| match start {
        Some(day) => crate::stats::date::format(
            day + (m * crate::stats::date::DAYS_PER_MONTH).floor() as i64,
        ),
        None => m.to_string(),
    };
    let mut out = String::from("id,entry,status,date\n");
    for i in 0..data.len() {
        let status = match data.status[i] {
            crate::analysis::blinded::Status::Event => "event",
            crate::analysis::blinded::Status::Dropout => "dropout",
            crate::analysis::blinded::Status::Ongoing => "ongoing",
            crate::analysis::blinded::Status::Completed => "completed",
        };
        let _ = writeln!(
            out,
            "{},{},{status},{}",
            i + 1,
            show(data.entry[i]),
            show(data.entry[i] + data.time[i])
        );
    }
    Ok(out)
}
