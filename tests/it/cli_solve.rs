//! `design --solve subjects|accrual|follow_up` run as a user would: the JSON fields of each
//! (`solve`, `subjects` kept at design.sample_size, the solved `accrual_months` or
//! `follow_up_months`, `screening_rate`), the text rows, the default unchanged, and the bad
//! values (exit 2, one line naming the flag or key): an unknown `--solve`, `--solve` with
//! `--at-hr`, too few subjects for the events, and a follow-up too long for `--solve accrual`.

use crate::common::{enrichsim, stdout_of};
use serde_json::Value;
use std::path::{Path, PathBuf};

const SCENARIO: &str = "scenarios/phase3-enriched.toml";

fn project_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn design(extra: &[&str]) -> String {
    stdout_of(
        enrichsim()
            .arg("design")
            .arg(project_file(SCENARIO))
            .args(extra),
    )
}

fn design_json(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&design(&args)).expect("JSON")
}

fn error_line(extra: &[&str]) -> String {
    let out = enrichsim()
        .arg("design")
        .arg(project_file(SCENARIO))
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "exit code");
    assert!(out.stdout.is_empty(), "no output on failure");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}: {}", v[key]))
}

#[test]
fn solve_subjects_is_the_default() {
    let default = design_json(&[]);
    let subjects = design_json(&["--solve", "subjects"]);
    assert_eq!(default, subjects);
    assert_eq!(default["solve"], "subjects");
    let rate = num(&default, "screening_rate");
    assert!(
        (rate * num(&default, "accrual_months") - num(&default, "expected_screened")).abs() < 1e-6
    );
}

#[test]
fn solve_follow_up_keeps_subjects_and_rate() {
    let v = design_json(&["--solve", "follow_up"]);
    assert_eq!(v["solve"], "follow_up");
    let n = num(&v, "scenario_sample_size");
    assert_eq!(num(&v, "subjects"), n);
    // the recruitment is kept: the mean screening rate is over the months the scenario takes
    let rate = num(&v, "screening_rate");
    assert!((rate * num(&v, "accrual_months") - num(&v, "expected_screened")).abs() < 1e-6);
    let times = v["analysis_times"].as_array().unwrap();
    let last = times.last().unwrap().as_f64().unwrap();
    assert!(
        (last - num(&v, "accrual_months") - num(&v, "follow_up_months")).abs() < 1e-9,
        "final analysis at the end of accrual plus the solved follow-up"
    );
    let text = design(&["--solve", "follow_up"]);
    assert!(text.contains("follow_up"), "{text}");
    assert!(text.contains("solved for"), "{text}");
}

#[test]
fn solve_accrual_keeps_subjects_and_follow_up() {
    let v = design_json(&["--solve", "accrual"]);
    assert_eq!(v["solve"], "accrual");
    assert_eq!(num(&v, "subjects"), num(&v, "scenario_sample_size"));
    let rate = num(&v, "screening_rate");
    assert!((rate * num(&v, "accrual_months") - num(&v, "expected_screened")).abs() < 1e-6);
    let text = design(&["--solve", "accrual"]);
    assert!(text.contains("screening rate per month"), "{text}");
    assert!(text.contains("accrual"), "{text}");
}

#[test]
fn bad_solve_values_exit_2_with_one_line() {
    let e = error_line(&["--solve", "duration"]);
    assert!(e.contains("--solve") && e.contains("duration"), "{e}");
    assert!(e.contains("subjects, accrual or follow_up"), "{e}");
    let e = error_line(&["--solve", "accrual", "--at-hr", "1,0.7"]);
    assert!(e.contains("--solve") && e.contains("--at-hr"), "{e}");
    for solve in ["accrual", "follow_up"] {
        let e = error_line(&["--solve", solve, "--set", "design.sample_size=240"]);
        assert!(
            e.contains("design.sample_size") && e.contains("too few subjects"),
            "{e}"
        );
    }
    let e = error_line(&[
        "--solve",
        "accrual",
        "--set",
        "design.analysis={ after_last = 600.0 }",
    ]);
    assert!(
        e.contains("design.analysis") && e.contains("follow-up too long"),
        "{e}"
    );
}
