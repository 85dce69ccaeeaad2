//! `design --solve follow_up`, `design --solve accrual` and the allocation audit against rpact
//! (tests/data/oracles/solve.expected.json; R 4.2.2, rpact 3.3.4; the script is
//! tests/r/oracle_solve.R). Control median 20, HR 0.7, alpha 0.025, power 0.9, dropout by 12
//! months equal (5%) or by arm (treatment 3%, control 8%), allocation 1, 2 and 0.5 (`[1, 2]`),
//! a fixed design or 3 asOF looks at 1/3 and 2/3 of the events (a calendar-time final analysis
//! after the last randomisation).
//!
//! - `follow_up`: N subjects over 24 months (`rate = N / 24`): rpact's
//!   `getSampleSizeSurvival(accrualTime = c(0, 24), maxNumberOfSubjects = N)` computes the
//!   follow-up; [`analyse_solving`] with `Solve::FollowUp` must give it, the events and the
//!   looks' times.
//! - `accrual`: N subjects and 18 months' follow-up: rpact's accrual time giving
//!   `followUpTime` 18 (uniroot over `accrualTime = c(0, A)`); `Solve::Accrual` must give A,
//!   the rate N / A, the events and the looks' times.
//! - `events`: the fixed design's events and subjects at allocation 2 and 0.5 by Schoenfeld,
//!   Freedman and Hsieh-Freedman (accrual 24 months at rpact's intensity, follow-up 21).
//!
//! - `at_hr`: `design --at-hr 1,0.7` of a 3-look asOF design at 100, 200 and 300 events, 600
//!   subjects over 24 months, allocation 2 and 0.5, against `getPowerSurvival`: rejection per
//!   look and overall to 1e-6 absolute, look times to 1e-5 relative (deterministic accrual).
//!
//! All else to 1e-5 relative.

use crate::common::*;
use enrichsim::analytic::{Method, Solve, analyse_solving, analyse_with};

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// `[t, c]` for allocation r = t / c.
fn allocation(r: f64) -> &'static str {
    if r == 2.0 {
        "[2, 1]"
    } else if r == 0.5 {
        "[1, 2]"
    } else {
        "[1, 1]"
    }
}

fn scenario(row: &serde_json::Value, rate: f64, follow_up: f64) -> String {
    let k = row["looks"].as_u64().unwrap();
    let sequential = if k == 3 {
        "[design.sequential]\nlooks = [0.3333333333333333, 0.6666666666666666]\n\
         efficacy = \"asOF\"\n"
    } else {
        ""
    };
    format!(
        r#"
name = "rpact solve oracle"
[control]
all = {{ median = 20.0 }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = {rate}
[dropout]
treatment_per_year = {}
control_per_year = {}
[design]
sample_size = {}
allocation = {}
analysis = {{ after_last = {follow_up} }}
test = "logrank"
alpha = 0.025
{sequential}"#,
        row["treatment_dropout"].as_f64().unwrap(),
        row["control_dropout"].as_f64().unwrap(),
        row["subjects"].as_u64().unwrap(),
        allocation(row["allocation"].as_f64().unwrap()),
    )
}

fn check_rows(what: &str, solve: Solve) -> (f64, f64, f64, f64) {
    let oracle = oracle_json("solve.expected.json");
    let rows = oracle[what].as_array().expect(what);
    assert_eq!(rows.len(), 8);
    let (mut w_fu, mut w_a, mut w_e, mut w_t): (f64, f64, f64, f64) = (0.0, 0.0, 0.0, 0.0);
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let n = row["subjects"].as_f64().unwrap();
        let a = row["accrual_time"].as_f64().unwrap();
        let f = row["follow_up_time"].as_f64().unwrap();
        let text = match solve {
            // the rate of 24 months' accrual, any follow-up (it is solved)
            Solve::FollowUp => scenario(row, n / 24.0, 21.0),
            // any rate (it is solved), 18 months' follow-up
            _ => scenario(row, 10.0, 18.0),
        };
        let s = study(&text);
        let d = analyse_solving(&s.model, &s.design, 0.9, Method::Schoenfeld, solve)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(d.solve, solve);
        assert_close!(d.subjects, n, 1e-12);
        assert_close!(d.follow_up_months, f, 1e-5);
        assert_close!(d.accrual_months, a, 1e-5);
        assert_close!(d.events, row["events"].as_f64().unwrap(), 1e-5);
        assert_close!(d.screening_rate, n / a, 1e-5);
        w_fu = w_fu.max(relative(d.follow_up_months, f));
        w_a = w_a.max(relative(d.accrual_months, a));
        w_e = w_e.max(relative(d.events, row["events"].as_f64().unwrap()));
        let times = nums(&row["analysis_time"]);
        assert_eq!(d.analysis_times.len(), times.len(), "{name}");
        for (got, want) in d.analysis_times.iter().zip(&times) {
            assert_close!(*got, *want, 1e-5);
            w_t = w_t.max(relative(*got, *want));
        }
        for (got, want) in d.events_per_look.iter().zip(nums(&row["events_per_stage"])) {
            assert_close!(*got, want, 1e-5);
        }
    }
    (w_fu, w_a, w_e, w_t)
}

#[test]
fn solve_follow_up_matches_rpact() {
    let (fu, a, e, t) = check_rows("follow_up", Solve::FollowUp);
    println!(
        "--solve follow_up vs rpact (8 designs): worst relative error follow-up {fu:.3e}, \
         accrual {a:.3e}, events {e:.3e}, look times {t:.3e}"
    );
}

#[test]
fn solve_accrual_matches_rpact() {
    let (fu, a, e, t) = check_rows("accrual", Solve::Accrual);
    println!(
        "--solve accrual vs rpact (8 designs): worst relative error follow-up {fu:.3e}, \
         accrual {a:.3e}, events {e:.3e}, look times {t:.3e}"
    );
}

#[test]
fn events_by_method_at_allocation_2_and_half_match_rpact() {
    let oracle = oracle_json("solve.expected.json");
    let rows = oracle["events"].as_array().expect("events");
    assert_eq!(rows.len(), 6);
    let (mut w_e, mut w_n): (f64, f64) = (0.0, 0.0);
    for row in rows {
        let r = row["allocation"].as_f64().unwrap();
        let method = Method::parse(row["method"].as_str().unwrap()).unwrap();
        let text = format!(
            r#"
name = "rpact allocation audit"
[control]
all = {{ median = 20.0 }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = {}
[design]
sample_size = 600
allocation = {}
analysis = {{ after_last = 21.0 }}
test = "logrank"
alpha = 0.025
"#,
            row["accrual_intensity"].as_f64().unwrap(),
            allocation(r)
        );
        let s = study(&text);
        let d = analyse_with(&s.model, &s.design, 0.9, method).unwrap();
        let events = row["events"].as_f64().unwrap();
        let subjects = row["subjects"].as_f64().unwrap();
        assert_close!(d.events, events, 1e-5);
        assert_close!(d.subjects, subjects, 1e-5);
        assert_close!(d.accrual_months, 24.0, 1e-5);
        w_e = w_e.max(relative(d.events, events));
        w_n = w_n.max(relative(d.subjects, subjects));
    }
    println!(
        "allocation 2 and 0.5, three methods vs rpact: worst relative error events {w_e:.3e}, \
         subjects {w_n:.3e}"
    );
}

#[test]
fn at_hr_at_allocation_2_and_half_matches_rpact() {
    let oracle = oracle_json("solve.expected.json");
    let rows = oracle["at_hr"].as_array().expect("at_hr");
    assert_eq!(rows.len(), 4);
    let (mut w_p, mut w_t): (f64, f64) = (0.0, 0.0);
    for row in rows {
        let r = row["allocation"].as_f64().unwrap();
        let h = row["hazard_ratio"].as_f64().unwrap();
        let text = format!(
            r#"
name = "rpact allocation audit, at_hr"
[control]
all = {{ median = 20.0 }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = 25.0
[design]
sample_size = 600
allocation = {}
analysis = {{ events = 300 }}
test = "logrank"
alpha = 0.025
[design.sequential]
looks = [0.3333333333333333, 0.6666666666666666]
efficacy = "asOF"
"#,
            allocation(r)
        );
        let s = study(&text);
        let a = s
            .at_hr(
                &[h],
                Method::Schoenfeld,
                Some(enrichsim::analytic::Accrual::Fluid),
            )
            .unwrap();
        let point = &a.at_hr[0];
        let reject = nums(&row["reject_per_stage"]);
        let times = nums(&row["analysis_time"]);
        assert_eq!(point.looks.len(), 3);
        for ((look, p), t) in point.looks.iter().zip(&reject).zip(&times) {
            assert_abs_close!(look.reject_prob, *p, 1e-6);
            assert_close!(look.time, *t, 1e-5);
            w_p = w_p.max((look.reject_prob - p).abs());
            w_t = w_t.max(relative(look.time, *t));
        }
        let overall = row["overall_reject"].as_f64().unwrap();
        assert_abs_close!(point.power, overall, 1e-6);
        w_p = w_p.max((point.power - overall).abs());
    }
    println!(
        "at_hr at allocation 2 and 0.5 vs rpact: worst |rejection difference| {w_p:.3e}, look \
         times relative {w_t:.3e}"
    );
}
