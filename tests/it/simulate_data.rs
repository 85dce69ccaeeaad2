//! `enrichsim simulate-data`: the patient-level data of a replicate, read back by `analyze`,
//! give that replicate's own statistics (the engine's log-rank z and Cox hazard ratio, its
//! events and randomised; its function tests' decisions).

use crate::common::*;
use serde_json::Value;

fn data(scenario: &str, replicate: u64, extra: &[&str]) -> String {
    stdout_of(
        enrichsim()
            .arg("simulate-data")
            .arg(scenario_path(scenario))
            .args(["--replicate", &replicate.to_string()])
            .args(extra),
    )
}

fn analyze(csv: &str, extra: &[&str]) -> Value {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("trial.csv");
    std::fs::write(&path, csv).unwrap();
    let out = stdout_of(
        enrichsim()
            .arg("analyze")
            .arg(&path)
            .args(["--time", "months", "--event", "death", "--arm", "arm"])
            .args(["--strata", "stratum", "--no-timefix", "--format", "json"])
            .args(extra),
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn analyze_on_a_replicates_data_gives_its_statistics() {
    let study = study(&std::fs::read_to_string(scenario_path("phase3-enriched.toml")).unwrap());
    let outcomes = outcomes(&study, 6, 1);
    for r in [0u64, 5] {
        let o = &outcomes[r as usize];
        let csv = data("phase3-enriched.toml", r, &[]);
        assert_eq!(csv.lines().count() - 1, o.randomised as usize);
        let a = analyze(&csv, &[]);
        assert_eq!(a["events"].as_u64().unwrap(), u64::from(o.events));
        assert_close!(a["logrank_z"].as_f64().unwrap(), o.z, 1e-12);
        assert_close!(a["cox_hr"].as_f64().unwrap(), o.hr, 1e-12);
    }
}

#[test]
fn each_look_of_a_sequential_replicate_has_its_events() {
    let study =
        study(&std::fs::read_to_string(scenario_path("phase3-enriched-sequential.toml")).unwrap());
    let o = &outcomes(&study, 3, 1)[2];
    for look in 1..=usize::from(o.looks) {
        let csv = data(
            "phase3-enriched-sequential.toml",
            2,
            &["--look", &look.to_string()],
        );
        let a = analyze(&csv, &[]);
        assert_eq!(
            a["events"].as_u64().unwrap(),
            u64::from(o.look_events[look - 1])
        );
        assert_eq!(
            csv.lines().count() - 1,
            o.look_randomised[look - 1] as usize
        );
    }
    let line = fails_with_one_line(
        enrichsim()
            .arg("simulate-data")
            .arg(scenario_path("phase3-enriched-sequential.toml"))
            .args(["--replicate", "2", "--look", "9"]),
    );
    assert!(line.contains("--look"), "{line}");
}

#[test]
fn function_data_reproduce_the_function_tests_decisions() {
    let text = std::fs::read_to_string(scenario_path("phase3-enriched-function.toml")).unwrap();
    let study = study(&text);
    let outcomes = outcomes(&study, 8, 1);
    let long = ["--id", "id", "--visit-time", "visit", "--score", "score"];
    for r in 0..8u64 {
        let o = &outcomes[r as usize];
        let csv = data("phase3-enriched-function.toml", r, &[]);
        for (i, test) in study.design.tests.iter().enumerate() {
            let a = analyze(&csv, &[&long[..], &["--test", &test.to_string()]].concat());
            let rejects = a["p_one_sided"].as_f64().unwrap() <= study.design.alpha;
            assert_eq!(
                rejects,
                o.tests_reject >> i & 1 == 1,
                "replicate {r}, {test}"
            );
        }
    }
}
