//! The `design` command run as a user would (assert_cmd): its JSON fields, the other formats,
//! a group-sequential scenario, bad `--power`, `--method` and no-benefit scenarios (exit code 2,
//! one line on stderr), and `run` printing the closed-form power beside the simulated one.

use crate::common::{enrichsim, stdout_of};
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn project_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn design_json(scenario: &str, extra: &[&str]) -> Value {
    let text = stdout_of(
        enrichsim()
            .arg("design")
            .arg(project_file(scenario))
            .args(["--format", "json"])
            .args(extra),
    );
    serde_json::from_str(&text).expect("JSON")
}

/// Runs a command expected to fail as a user error: exit 2, empty stdout, one stderr line.
fn error_line(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "exit code");
    assert!(out.stdout.is_empty(), "no output on failure");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    stderr
}

#[test]
fn design_json_has_the_contract_fields() {
    let v = design_json("scenarios/phase3-enriched.toml", &[]);
    for field in [
        "events",
        "subjects",
        "power",
        "average_hr",
        "expected_screened",
        "accrual_months",
        "events_at_scenario",
        "schoenfeld_events",
    ] {
        assert!(v[field].is_number(), "{field}: {}", v[field]);
    }
    assert!(v["method"].as_str().unwrap().contains("Schoenfeld"));
    assert!(!v["notes"].as_array().unwrap().is_empty());
    let times = v["analysis_times"].as_array().unwrap();
    assert_eq!(times.len(), 1);
    // 90% power by default (no [design.sequential]); the scenario's own 230 events
    assert_eq!(v["target_power"].as_f64(), Some(0.9));
    assert_eq!(v["events_at_scenario"].as_f64(), Some(230.0));
    let ahr = v["average_hr"].as_f64().unwrap();
    assert!(
        ahr > 0.65 && ahr < 0.7,
        "misclassified high-pNFH patients dilute HR 0.65: {ahr}"
    );
    let events = v["events"].as_f64().unwrap();
    let subjects = v["subjects"].as_f64().unwrap();
    assert!(events > 227.0 && subjects > events);
    assert!(v["expected_screened"].as_f64().unwrap() > subjects);
    let power = v["power"].as_f64().unwrap();
    assert!(power > 0.8 && power < 0.95, "{power}");

    // a lower target needs fewer events
    let lower = design_json("scenarios/phase3-enriched.toml", &["--power", "0.8"]);
    assert!(lower["events"].as_f64().unwrap() < events);
    // Freedman's events exceed Schoenfeld's at 1:1
    let freedman = design_json("scenarios/phase3-enriched.toml", &["--method", "freedman"]);
    assert!(freedman["events"].as_f64().unwrap() > events);
}

#[test]
fn design_of_a_group_sequential_scenario() {
    let v = design_json("scenarios/phase3-enriched-sequential.toml", &[]);
    assert_eq!(v["looks"].as_u64(), Some(3));
    assert!(v["inflation_factor"].as_f64().unwrap() > 1.0);
    let times: Vec<f64> = v["analysis_times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    assert_eq!(times.len(), 3);
    assert!(times.windows(2).all(|w| w[1] > w[0]), "{times:?}");
    let events = v["events"].as_f64().unwrap();
    assert!(
        (v["events"].as_f64().unwrap()
            - v["schoenfeld_events"].as_f64().unwrap() * v["inflation_factor"].as_f64().unwrap())
        .abs()
            < 1e-9 * events
    );
}

#[test]
fn design_text_csv_and_markdown() {
    let scenario = project_file("scenarios/phase3-allcomers.toml");
    let text = stdout_of(enrichsim().arg("design").arg(&scenario));
    for cue in [
        "events required",
        "subjects to randomise",
        "Notes",
        "average hazard ratio",
    ] {
        assert!(text.contains(cue), "text lacks {cue:?}:\n{text}");
    }
    let csv = stdout_of(
        enrichsim()
            .arg("design")
            .arg(&scenario)
            .args(["--format", "csv"]),
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    let header: Vec<&str> = lines[0].split(',').collect();
    let values: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(header.len(), values.len());
    assert!(header.contains(&"events") && header.contains(&"look1_time"));
    for (h, v) in header.iter().zip(&values) {
        assert!(v.parse::<f64>().is_ok() || *v == "NA", "{h}: {v}");
    }
    let md = stdout_of(
        enrichsim()
            .arg("design")
            .arg(&scenario)
            .args(["--format", "markdown"]),
    );
    assert!(md.contains("| --- |") && md.contains("### Notes"));
}

#[test]
fn bad_power_method_or_effect_is_a_usage_error() {
    let scenario = project_file("scenarios/phase3-enriched.toml");
    for bad in ["1.5", "0", "-0.2", "0.01", "NaN"] {
        let line = error_line(
            enrichsim()
                .arg("design")
                .arg(&scenario)
                .args(["--power", bad]),
        );
        assert!(
            line.contains("--power") && line.contains("allowed"),
            "--power {bad}: {line}"
        );
    }
    let line = error_line(
        enrichsim()
            .arg("design")
            .arg(&scenario)
            .args(["--power", "high"]),
    );
    assert!(line.contains("--power"), "{line}");
    let line = error_line(
        enrichsim()
            .arg("design")
            .arg(&scenario)
            .args(["--method", "lakatos"]),
    );
    assert!(
        line.contains("--method") && line.contains("schoenfeld"),
        "{line}"
    );
    // No benefit: the hazard ratios of the eligible strata at 1.
    let line = error_line(enrichsim().arg("design").arg(&scenario).args([
        "--set",
        "effect.hazard_ratio.low=1.0",
        "--set",
        "effect.hazard_ratio.moderate=1.0",
    ]));
    assert!(
        line.contains("phase3-enriched.toml") && line.contains("effect.hazard_ratio"),
        "{line}"
    );
}

#[test]
fn run_reports_the_closed_form_beside_the_simulation() {
    let text = stdout_of(
        enrichsim()
            .arg("run")
            .arg(project_file("scenarios/phase3-enriched.toml"))
            .args(["--reps", "200", "--quiet", "--format", "json"]),
    );
    let v: Value = serde_json::from_str(&text).unwrap();
    let sim = v["power"].as_f64().unwrap();
    let closed = v["analytic_power"].as_f64().unwrap();
    assert!((sim - closed).abs() < 0.1, "{sim} vs {closed}");
    assert!(v["analytic_power_logrank"].is_number());
    assert!(v["analytic_notes"].is_array());
    let text = stdout_of(
        enrichsim()
            .arg("run")
            .arg(project_file("scenarios/phase3-enriched.toml"))
            .args(["--reps", "200", "--quiet"]),
    );
    assert!(text.contains("power, closed form"), "{text}");
}

/// `design --at-hr`: one point per hazard ratio with its looks, in every format; at hazard
/// ratio 1 at most alpha (non-binding futility stops some trials that would have rejected), and
/// power rising as the hazard ratio falls.
#[test]
fn design_at_hr_reports_each_hazard_ratio() {
    let scenario = "scenarios/phase3-enriched-sequential.toml";
    let v = design_json(scenario, &["--at-hr", "1,0.8,0.7,0.6"]);
    let points = v["at_hr"].as_array().expect("at_hr");
    assert_eq!(points.len(), 4);
    let looks = v["looks"].as_u64().unwrap() as usize;
    assert!(looks > 1);
    for p in points {
        for field in [
            "hazard_ratio",
            "power",
            "futility_stop",
            "expected_events",
            "expected_duration",
            "expected_subjects",
        ] {
            assert!(p[field].is_number(), "{field} in {p}");
        }
        let l = p["looks"].as_array().unwrap();
        assert_eq!(l.len(), looks);
        let sum: f64 = l.iter().map(|l| l["reject_prob"].as_f64().unwrap()).sum();
        assert!((sum - p["power"].as_f64().unwrap()).abs() < 1e-12);
    }
    let power = |i: usize| points[i]["power"].as_f64().unwrap();
    assert!(
        power(0) <= v["alpha"].as_f64().unwrap() + 1e-6,
        "{}",
        power(0)
    );
    assert!(power(0) < power(1) && power(1) < power(2) && power(2) < power(3));
    for format in ["csv", "markdown", "text"] {
        let out = stdout_of(
            enrichsim()
                .arg("design")
                .arg(project_file(scenario))
                .args(["--at-hr", "1,0.7", "--format", format]),
        );
        assert!(out.contains("0.7"), "{format}: {out}");
        if format == "csv" {
            assert_eq!(out.lines().count(), 3, "{out}");
            assert!(out.starts_with("hazard_ratio,power,"), "{out}");
        }
    }
}

#[test]
fn design_at_hr_plot_writes_an_svg_and_a_png() {
    let dir = tempfile::TempDir::new().unwrap();
    for name in ["power.svg", "power.png"] {
        let path = dir.path().join(name);
        stdout_of(
            enrichsim()
                .arg("design")
                .arg(project_file("scenarios/phase3-enriched-sequential.toml"))
                .args(["--at-hr", "1,0.8,0.7,0.6", "--plot"])
                .arg(&path),
        );
        let bytes = std::fs::read(&path).expect("plot written");
        if name.ends_with(".svg") {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(svg.contains("Hazard ratio in every stratum (treatment / control)"));
            assert!(svg.contains("power (rejection at any look)"));
        } else {
            assert!(bytes.starts_with(b"\x89PNG"));
        }
    }
}

#[test]
fn design_at_hr_bad_input_is_one_line_naming_the_flag() {
    let scenario = project_file("scenarios/phase3-enriched-sequential.toml");
    for (args, value) in [
        (&["--at-hr", "0,x,-1"][..], "0"),
        (&["--at-hr", "1,x"][..], "x"),
        (&["--at-hr", "-1"][..], "-1"),
        (
            &["--at-hr", "1,0.7", "--plot", "power.gif"][..],
            "power.gif",
        ),
        (&["--plot", "power.svg"][..], "power.svg"),
    ] {
        let line = error_line(enrichsim().arg("design").arg(&scenario).args(args));
        assert_eq!(line.trim_end().lines().count(), 1, "{line}");
        let flag = if args.contains(&"--plot") && !args.contains(&"0,x,-1") {
            "--plot"
        } else {
            "--at-hr"
        };
        assert!(line.contains(flag) && line.contains(value), "{line}");
        if flag == "--at-hr" {
            assert!(line.contains("hazard ratios > 0"), "{line}");
        }
    }
}
