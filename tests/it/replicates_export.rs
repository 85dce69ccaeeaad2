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
fn a_replicate_file_must_be_csv() {
    let line = fails_with_one_line(
        enrichsim()
            .arg("run")
            .arg(scenario_path("phase3-enriched.toml"))
            .args(["--reps", "10", "--quiet", "--replicates", "out.txt"]),
    );
    assert!(
        line.contains("--replicates") && line.contains(".csv"),
        "{line}"
    );
}
