//! `enrichsim monitor` from the command line: the DMC's interim analysis of CSV data at look 2
//! of scenarios/phase3-enriched-sequential.toml (replicate 3 of `simulate-data`, kept as
//! tests/data/oracles/monitor-look1.csv and monitor-look2.csv) against rpact 3.3.4 and
//! survival's `survdiff` (tests/r/oracle_monitor.R, the case with `files`); every output format;
//! and bad input, each refused in one line with exit code 2.

use crate::common::*;
use serde_json::Value;

const SCENARIO: &str = "phase3-enriched-sequential.toml";

fn columns() -> [&'static str; 8] {
    [
        "--time", "months", "--event", "death", "--arm", "arm", "--strata", "stratum",
    ]
}

fn oracle_case() -> Value {
    let values = oracle_json("monitor.expected.json");
    values["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["files"].is_array())
        .expect("the CSV case")
        .clone()
}

fn monitor(extra: &[&str]) -> assert_cmd::Command {
    monitor_at("2", extra)
}

fn monitor_at(look: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = enrichsim();
    cmd.arg("monitor")
        .arg(scenario_path(SCENARIO))
        .arg(oracle("monitor-look2.csv"))
        .args(["--look", look])
        .args(columns())
        .args(extra);
    cmd
}

fn previous(case: &Value) -> String {
    format!(
        "{}:{:.17}:{:.17}",
        case["events"][0].as_f64().unwrap(),
        case["z"][0].as_f64().unwrap(),
        case["allocation"][0].as_f64().unwrap()
    )
}

#[test]
fn monitor_on_csv_data_matches_rpact_and_survdiff() {
    let case = oracle_case();
    let text = stdout_of(&mut monitor(&[
        "--previous",
        &previous(&case),
        "--planned-hr",
        "0.7",
        "--format",
        "json",
    ]));
    let r: Value = serde_json::from_str(&text).unwrap();
    let num = |v: &Value| v.as_f64().unwrap();
    // the data: survdiff's stratified z, the events
    assert_close!(num(&r["data"]["logrank_z"]), num(&case["z"][1]), 1e-10);
    assert_eq!(r["data"]["events"], case["events"][1]);
    assert_eq!(r["decision"], "reject");
    assert_eq!(r["final_stage"], 2);
    let looks = r["looks"].as_array().unwrap();
    for j in 0..3 {
        assert_close!(
            num(&looks[j]["efficacy_bound"]),
            num(&case["critical_values"][j]),
            1e-6
        );
    }
    for j in 0..2 {
        assert_close!(
            num(&looks[j]["futility_bound"]),
            num(&case["futility_bounds"][j]),
            1e-6
        );
        assert_close!(
            num(&looks[j]["rci_lower"]),
            num(&case["rci_lower"][j]),
            1e-6
        );
        assert_close!(
            num(&looks[j]["rci_upper"]),
            num(&case["rci_upper"][j]),
            1e-6
        );
        assert_close!(
            num(&looks[j]["repeated_p"]),
            num(&case["repeated_p"][j]),
            1e-6
        );
    }
    assert_close!(
        num(&r["conditional_power_planned"]),
        num(&case["conditional_power_planned"][2]),
        1e-6
    );
    assert_close!(
        num(&r["conditional_power_observed"]),
        num(&case["conditional_power_observed"][2]),
        1e-6
    );
    assert_close!(num(&r["observed_hr"]), num(&case["observed_hr"]), 1e-10);
    assert_close!(num(&r["final_p"]), num(&case["final_p"][1]), 1e-6);
    assert_close!(
        num(&r["median_unbiased_hr"]),
        num(&case["median_unbiased"][1]),
        1e-6
    );
    assert_close!(
        num(&r["final_ci_lower"]),
        num(&case["final_ci_lower"][1]),
        1e-6
    );
    assert_close!(
        num(&r["final_ci_upper"]),
        num(&case["final_ci_upper"][1]),
        1e-6
    );
    assert_eq!(r["prior"]["source"], "flat");
}

#[test]
fn every_format_carries_the_looks() {
    let case = oracle_case();
    let prev = previous(&case);
    let text = stdout_of(&mut monitor(&["--previous", &prev]));
    assert!(
        text.contains("reject H0 and stop") && text.contains("Looks"),
        "{text}"
    );
    let md = stdout_of(&mut monitor(&["--previous", &prev, "--format", "markdown"]));
    assert!(
        md.starts_with("## Interim analysis") && md.contains("### Looks"),
        "{md}"
    );
    let csv = stdout_of(&mut monitor(&["--previous", &prev, "--format", "csv"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("look,status,events,fraction,z"));
    assert!(lines[2].starts_with("2,observed,153,") && lines[2].contains(",reject,"));
    // the stage-wise p-value sits on the final stage's row only
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "final_p").unwrap();
    let cell = |row: usize| lines[row].split(',').nth(col).unwrap().to_string();
    assert_eq!(cell(1), "NA");
    assert!(cell(2).parse::<f64>().is_ok());
    assert!(lines[3].starts_with("3,projected,230,"));
    // --output picks the format from the extension
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("look2.json");
    monitor(&["--previous", &prev, "--output", path.to_str().unwrap()])
        .assert()
        .success();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(v["look"], 2);
}

#[test]
fn a_prior_changes_the_predictive_power_only() {
    let case = oracle_case();
    let prev = previous(&case);
    let run = |extra: &[&str]| -> Value {
        let mut args = vec!["--previous", prev.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&stdout_of(&mut monitor(&args))).unwrap()
    };
    let flat = run(&[]);
    let prior = run(&["--prior", "0.8,0.6,1.05"]);
    assert_eq!(prior["prior"]["source"], "--prior");
    assert_eq!(
        flat["conditional_power_planned"],
        prior["conditional_power_planned"]
    );
    assert_ne!(flat["predictive_power"], prior["predictive_power"]);
    // the posterior mean of ln HR lies between the prior's and the estimate's
    let m = prior["posterior_mean_log_hr"].as_f64().unwrap();
    let est = prior["observed_hr"].as_f64().unwrap().ln();
    assert!(m > est && m < 0.8f64.ln(), "{m} {est}");
}

#[test]
fn bad_input_is_refused_in_one_line() {
    let case = oracle_case();
    let prev = previous(&case);
    let data = oracle("monitor-look2.csv");
    let sequential = scenario_path(SCENARIO);
    // a missing column
    let line = fails_with_one_line(
        enrichsim()
            .arg("monitor")
            .arg(&sequential)
            .arg(&data)
            .args(["--look", "2", "--previous", &prev])
            .args(["--time", "follow_up", "--event", "death", "--arm", "arm"]),
    );
    assert_mentions(
        &line,
        &["monitor-look2.csv", "follow_up", "months"],
        "missing column",
    );
    // a look beyond the design
    let line = fails_with_one_line(&mut monitor_at("4", &["--previous", &prev]));
    assert_mentions(&line, &["--look", "4", "1 to 3"], "look beyond the design");
    // a scenario without interim looks
    let line = fails_with_one_line(
        enrichsim()
            .arg("monitor")
            .arg(scenario_path("phase3-enriched.toml"))
            .arg(&data)
            .args(["--look", "1"])
            .args(columns()),
    );
    assert_mentions(
        &line,
        &[
            "phase3-enriched.toml",
            "design.sequential",
            "group-sequential",
        ],
        "non-sequential scenario",
    );
    // earlier looks inconsistent: more events before than now
    let line = fails_with_one_line(&mut monitor(&["--previous", "160:1.0"]));
    assert_mentions(
        &line,
        &["--look", "160", "increasing"],
        "events not increasing",
    );
    // earlier looks missing or too many
    let line = fails_with_one_line(&mut monitor(&[]));
    assert_mentions(
        &line,
        &["--previous", "0 looks", "1 earlier"],
        "no previous looks",
    );
    let line = fails_with_one_line(&mut monitor(&["--previous", "40:0.5,77:1.0"]));
    assert_mentions(&line, &["--previous", "2 looks"], "too many previous looks");
    // a look that already has the next look's events
    let line = fails_with_one_line(&mut monitor_at("1", &[]));
    assert_mentions(
        &line,
        &["--look", "153", "look 2"],
        "look 1 with look 2's events",
    );
    // malformed flags
    for (flag, value, expected) in [
        ("--previous", "77-1.2", "EVENTS:Z"),
        ("--previous", "77.5:1.2", "EVENTS:Z"),
        ("--previous", "77:nan", "EVENTS:Z"),
        ("--previous", "77:1.2:0", "allocation"),
        ("--prior", "0.8,0.9,1.1", "LOWER < HR"),
        ("--prior", "zero", "flat"),
        ("--planned-hr", "-0.7", "hazard ratio"),
    ] {
        let mut args = vec![flag, value];
        if flag != "--previous" {
            args.extend(["--previous", prev.as_str()]);
        }
        let line = fails_with_one_line(&mut monitor(&args));
        assert_mentions(&line, &[flag, expected], value);
    }
    // a two-sided design is not monitored
    let line = fails_with_one_line(&mut monitor(&[
        "--previous",
        &prev,
        "--set",
        "design.sequential.sided=2",
        "--set",
        "design.sequential.futility=\"none\"",
    ]));
    assert_mentions(
        &line,
        &["design.sequential.sided", "one-sided"],
        "two-sided",
    );
}
