//! Tolerance helpers shared by the integration tests (as statrs keeps its `prec.rs`).
#![allow(dead_code, unused_macros, unused_imports)]

use assert_cmd::Command;
use std::path::PathBuf;

/// `assert_close!(actual, expected, rel)`: |actual - expected| <= rel * max(|expected|, 1e-300).
macro_rules! assert_close {
    ($actual:expr, $expected:expr, $rel:expr) => {{
        let (a, e, r): (f64, f64, f64) = ($actual, $expected, $rel);
        let tol = r * e.abs().max(1e-300);
        assert!(
            (a - e).abs() <= tol,
            "{} = {a:.12e}, expected {e:.12e} within relative {r:e} (abs diff {:.3e})",
            stringify!($actual),
            (a - e).abs()
        );
    }};
}

/// `assert_abs_close!(actual, expected, abs)`: |actual - expected| <= abs.
macro_rules! assert_abs_close {
    ($actual:expr, $expected:expr, $abs:expr) => {{
        let (a, e, t): (f64, f64, f64) = ($actual, $expected, $abs);
        assert!(
            (a - e).abs() <= t,
            "{} = {a:.12e}, expected {e:.12e} within {t:e} (abs diff {:.3e})",
            stringify!($actual),
            (a - e).abs()
        );
    }};
}

/// `assert_within_mcse!(estimate, expected, se, k)`: |estimate - expected| <= k * se, where `se`
/// is the Monte Carlo standard error of the difference, computed by the test.
macro_rules! assert_within_mcse {
    ($est:expr, $expected:expr, $se:expr, $k:expr) => {{
        let (x, e, s, k): (f64, f64, f64, f64) = ($est, $expected, $se, $k);
        assert!(s > 0.0, "Monte Carlo SE must be positive, got {s}");
        assert!(
            (x - e).abs() <= k * s,
            "{} = {x:.6}, expected {e:.6} within {k} Monte Carlo SE ({s:.6}): off by {:.2} SE",
            stringify!($est),
            (x - e).abs() / s
        );
    }};
}

pub(crate) use {assert_abs_close, assert_close, assert_within_mcse};

/// Path of an oracle file in tests/data/oracles (values computed by R's survival and rpact; the
/// scripts that make them are in tests/r, and tests/data/oracles/README.md says how).
pub fn oracle(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join("oracles")
        .join(name)
}

/// Reads an oracle JSON file and returns its `values` (the file's `source` says which package,
/// version and call produced them).
pub fn oracle_json(name: &str) -> serde_json::Value {
    let path = oracle(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read oracle {}: {e}", path.display()));
    let mut file: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("bad oracle JSON {}: {e}", path.display()));
    assert!(
        file["source"]["software"].is_string(),
        "oracle {} names the software that produced it",
        path.display()
    );
    file["values"].take()
}

/// The `analyze` flags naming the columns of tests/data/oracles/survival-dataset1.csv.
pub const ORACLE_COLUMNS: [&str; 6] = ["--time", "months", "--event", "death", "--arm", "arm"];

/// Binomial Monte Carlo standard error of a proportion p over n replicates.
pub fn binomial_se(p: f64, n: f64) -> f64 {
    (p * (1.0 - p) / n).sqrt()
}

/// Builds a study from scenario text (panics on a bad scenario: test scenarios are valid).
pub fn study(text: &str) -> enrichsim::Study {
    let scenario = enrichsim::scenario::Scenario::parse(text, "test.toml", &[])
        .unwrap_or_else(|e| panic!("test scenario rejected: {e}"));
    enrichsim::Study::from_scenario(scenario, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a study with `reps` replicates and `seed`, on all cores.
pub fn run(study: &enrichsim::Study, reps: u64, seed: u64) -> enrichsim::study::summary::Summary {
    let options = enrichsim::simulation::engine::RunOptions {
        reps,
        seed,
        threads: None,
        replicates: None,
    };
    study
        .run(&options, &|_| {})
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Path of a shipped scenario in scenarios/.
pub fn scenario_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// The one-stratum trial of rpact's simulation oracle (tests/data/oracles/simulation.expected.json):
/// control median 30 months, 300 subjects screened at 12.5 per month (300 over 24 months), 1:1
/// simple randomisation, 150 events, unstratified log-rank; `extra` is appended (e.g. a
/// `[design.sequential]` table).
pub fn rpact_scenario(hr: f64, extra: &str) -> String {
    format!(
        r#"
name = "rpact oracle trial, HR {hr}"
[control]
all = {{ median = 30.0 }}
[effect]
hazard_ratio = {hr}
[enrolment]
rate = 12.5
[design]
sample_size = 300
analysis = {{ events = 150 }}
test = "logrank"
randomisation = "simple"
alpha = 0.025
{extra}
"#
    )
}

/// The binary under test.
pub fn enrichsim() -> Command {
    Command::cargo_bin("enrichsim").expect("the enrichsim binary is built")
}

/// Runs `cmd`, checks that it succeeded (showing its stderr if not) and returns its stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Output lines without the timing field (`"elapsed_s"`, the only field that varies between
/// identical runs).
pub fn without_elapsed(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("\"elapsed_s\""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The replicate outcomes of a study (`reps` replicates, `seed`), in replicate order.
pub fn outcomes(
    study: &enrichsim::Study,
    reps: u64,
    seed: u64,
) -> Vec<enrichsim::simulation::engine::TrialOutcome> {
    enrichsim::simulation::engine::run(
        &study.model,
        &study.design,
        seed,
        enrichsim::simulation::engine::Replicates::all(reps),
        &|_| {},
    )
}

/// Runs `cmd` and checks it failed as a user error: exit code 2, nothing on stdout, one line
/// `enrichsim: error: ...` on stderr and no panic. Returns that line, or what went wrong.
pub fn error_line(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run enrichsim: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if stderr.contains("panicked") {
        return Err(format!("panic: {stderr}"));
    }
    if out.status.code() != Some(2) {
        return Err(format!(
            "exit {:?}, not 2; stderr: {stderr}",
            out.status.code()
        ));
    }
    if !stderr.starts_with("enrichsim: error: ") || !stderr.ends_with('\n') {
        return Err(format!("not an `enrichsim: error:` line: {stderr:?}"));
    }
    if stderr.trim_end().lines().count() != 1 {
        return Err(format!("more than one line: {stderr:?}"));
    }
    if !out.stdout.is_empty() {
        return Err("stdout not empty on error".to_string());
    }
    Ok(stderr.trim_end().to_string())
}

/// [`error_line`], panicking on failure.
pub fn fails_with_one_line(cmd: &mut Command) -> String {
    error_line(cmd).unwrap_or_else(|e| panic!("{e}"))
}

/// The substrings of `expected` missing from `line`, as an error.
pub fn mentions(line: &str, expected: &[&str]) -> Result<(), String> {
    let missing: Vec<&&str> = expected.iter().filter(|e| !line.contains(**e)).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("message lacks {missing:?}: {line}"))
    }
}

pub fn assert_mentions(line: &str, expected: &[&str], what: &str) {
    if let Err(e) = mentions(line, expected) {
        panic!("{what}: {e}");
    }
}
