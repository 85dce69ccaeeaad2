//! Ctrl-C: a long run stops cleanly, writes the replicates finished so far marked partial, and
//! exits with code 130. The partial result is exactly a complete run of that many replicates
//! (replicate r depends only on the seed and r, and the engine keeps the first replicates).

use crate::common::*;

use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn start(args: &[&str], output: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_enrichsim"))
        .args(args)
        .arg("--output")
        .arg(output)
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

/// Sends SIGINT after `after`, waits, and returns (exit code, stderr).
fn interrupt(mut child: Child, after: Duration) -> (Option<i32>, String) {
    std::thread::sleep(after);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        assert!(
            Instant::now() < deadline,
            "did not stop within 60 s of Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn without(text: &str, keys: &[&str]) -> String {
    text.lines()
        .filter(|l| !keys.iter().any(|k| l.contains(&format!("\"{k}\""))))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn ctrl_c_writes_a_partial_run_equal_to_a_shorter_complete_run() {
    let dir = TempDir::new().unwrap();
    let output = dir.path().join("run.json");
    let scenario = scenario_path("phase3-enriched.toml");
    let scenario = scenario.to_str().unwrap();
    let args = [
        "run",
        scenario,
        "--reps",
        "100000000",
        "--seed",
        "9",
        "--format",
        "json",
    ];
    let (code, stderr) = interrupt(start(&args, &output), Duration::from_millis(1500));
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted") && stderr.contains("partial"),
        "{stderr}"
    );
    let partial_text = std::fs::read_to_string(&output).expect("partial result written");
    let partial: Value = serde_json::from_str(&partial_text).unwrap();
    assert_eq!(partial["partial"], true);
    assert_eq!(partial["reps_planned"], 100_000_000);
    let k = partial["reps"].as_u64().unwrap();
    assert!(k > 0 && k < 100_000_000, "{k}");
    let complete = enrichsim()
        .args(["run", scenario, "--reps", &k.to_string(), "--seed", "9"])
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(complete.status.success());
    let complete = String::from_utf8(complete.stdout).unwrap();
    assert!(!complete.contains("\"partial\""));
    assert_eq!(
        without(&partial_text, &["elapsed_s", "partial", "reps_planned"]),
        without(&complete, &["elapsed_s"])
    );
}

#[test]
fn ctrl_c_stops_a_sweep_with_the_same_replicates_at_every_point() {
    let dir = TempDir::new().unwrap();
    let output = dir.path().join("sweep.json");
    let scenario = scenario_path("phase3-enriched.toml");
    let args = [
        "sweep",
        scenario.to_str().unwrap(),
        "--vary",
        "design.analysis.events=150:250:50",
        "--reps",
        "100000000",
    ];
    let (code, stderr) = interrupt(start(&args, &output), Duration::from_millis(1500));
    assert_eq!(code, Some(130), "{stderr}");
    let table: Value =
        serde_json::from_str(&std::fs::read_to_string(&output).expect("written")).unwrap();
    assert_eq!(table["partial"], true);
    let k = table["reps"].as_u64().unwrap();
    assert!(k > 0);
    let points = table["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    for p in points {
        assert_eq!(p["reps"].as_u64(), Some(k));
    }
}
