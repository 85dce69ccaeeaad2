//! `run --replicates FILE.csv`: the per-replicate table aggregates back to the run's summary
//! (power, per-hypothesis rejection, further tests, futility, events, sizes, duration, mean z).

use crate::common::*;
use serde_json::Value;

/// Runs `scenario` with a replicate file; returns the JSON summary and the table (header, rows).
fn run_with_table(scenario: &str, reps: u32) -> (Value, Vec<String>, Vec<Vec<String>>) {
    let dir = tempfile::TempDir::new().unwrap();
    let table = dir.path().join("replicates.csv");
    let out = stdout_of(
        enrichsim()
            .arg("run")
            .arg(scenario_path(scenario))
            .args(["--reps", &reps.to_string(), "--quiet", "--format", "json"])
            .arg("--replicates")
            .arg(&table),
    );
    let text = std::fs::read_to_string(&table).unwrap();
    // (quoted names hold commas: split the header on `,` outside quotes)
    let mut lines = text.lines();
    let header_line = lines.next().unwrap();
    let mut header = Vec::new();
    let (mut cell, mut quoted) = (String::new(), false);
    for c in header_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => header.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    header.push(cell);
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    (serde_json::from_str(&out).unwrap(), header, rows)
}

fn mean(header: &[String], rows: &[Vec<String>], column: &str) -> f64 {
    let j = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}: {header:?}"));
    rows.iter()
        .map(|r| r[j].parse::<f64>().unwrap())
        .sum::<f64>()
        / rows.len() as f64
}

#[test]
fn the_replicate_table_aggregates_to_the_summary() {
    for (scenario, reps) in [
        ("phase3-enriched-sequential.toml", 400),
        ("phase3-allcomers-hierarchical.toml", 400),
        ("phase3-enriched-function.toml", 200),
    ] {
        let (s, header, rows) = run_with_table(scenario, reps);
        assert_eq!(rows.len(), reps as usize);
        let m = |c: &str| mean(&header, &rows, c);
        assert_close!(m("reject"), s["power"].as_f64().unwrap(), 1e-12);
        assert_close!(m("events"), s["events_mean"].as_f64().unwrap(), 1e-12);
        assert_close!(
            m("randomised"),
            s["randomised_mean"].as_f64().unwrap(),
            1e-12
        );
        assert_close!(m("screened"), s["screened_mean"].as_f64().unwrap(), 1e-12);
        assert_close!(m("duration"), s["duration_mean"].as_f64().unwrap(), 1e-12);
        assert_close!(m("z"), s["z_mean"].as_f64().unwrap(), 1e-12);
        assert_abs_close!(m("futility"), s["futility_prob"].as_f64().unwrap(), 1e-12);
        for h in s["hypotheses"].as_array().unwrap() {
            let name = h["name"].as_str().unwrap();
            assert_abs_close!(
                m(&format!("rejected_{name}")),
                h["reject_prob"].as_f64().unwrap(),
                1e-12
            );
        }
        if let Some(tests) = s["tests"].as_object() {
            for (name, t) in tests {
                assert_abs_close!(
                    m(&format!("test_{name}")),
                    t["power"].as_f64().unwrap(),
                    1e-12
                );
            }
        }
    }
}

#[test]
fn the_json_export_holds_the_csv_records() {
    let dir = tempfile::TempDir::new().unwrap();
    let (csv, json) = (dir.path().join("r.csv"), dir.path().join("r.json"));
    for path in [&csv, &json] {
        stdout_of(
            enrichsim()
                .arg("run")
                .arg(scenario_path("phase3-allcomers-hierarchical.toml"))
                .args(["--reps", "150", "--quiet", "--format", "json"])
                .arg("--replicates")
                .arg(path),
        );
    }
    let records: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|h| h.trim_matches('"').to_string())
        .collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(records.len(), 150);
    assert_eq!(rows.len(), 150);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (r, row) in records.iter().zip(&rows) {
        for key in [
            "replicate",
            "events",
            "randomised",
            "screened",
            "misclassified",
        ] {
            assert_eq!(r[key].as_u64().unwrap().to_string(), row[col(key)], "{key}");
        }
        for key in ["z", "hr", "duration"] {
            let x: f64 = row[col(key)].parse().unwrap();
            assert_eq!(r[key].as_f64().unwrap(), x, "{key}");
        }
        assert_eq!(r["reject"].as_bool().unwrap(), row[col("reject")] == "1");
        assert!(r["true_hr"].is_null());
        for name in ["S", "F"] {
            assert_eq!(
                r["rejected"][name].as_bool().unwrap(),
                row[col(&format!("rejected_{name}"))] == "1"
            );
        }
        let look = &r["looks"][0];
        assert_eq!(
            look["events"].as_u64().unwrap().to_string(),
            row[col("look1_events")]
        );
        let months: f64 = row[col("look1_months")].parse().unwrap();
        assert_eq!(look["months"].as_f64().unwrap(), months);
    }
}

#[test]
fn a_replicate_file_must_be_csv_or_json() {
    let line = fails_with_one_line(
        enrichsim()
            .arg("run")
            .arg(scenario_path("phase3-enriched.toml"))
            .args(["--reps", "10", "--quiet", "--replicates", "out.txt"]),
    );
    assert!(
        line.contains("--replicates") && line.contains(".csv") && line.contains(".json"),
        "{line}"
    );
}
