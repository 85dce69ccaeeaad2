//! Bad input found by trying the binary hard (issue 14), each refused as a user would meet it:
//! one line on standard error naming the option or key, the value and what is allowed, exit
//! code 2; never a panic, a hang or a run that ignores SIGTERM. And what a newcomer tripped on:
//! one `--output` rule for every command, sweeps that move several keys together, the design's
//! whole numbers, the notes of a sequential run, the sample-size search's advice.

use crate::common::*;

use serde_json::Value;
use std::fs::File;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_enrichsim"))
}

/// Runs `args`, expecting exit code 2 and one line on stderr containing every `needles`.
fn refused(args: &[&str], needles: &[&str]) {
    let out = bin().args(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: one line: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    for n in needles {
        assert!(
            stderr.contains(n),
            "{args:?}: message lacks {n:?}: {stderr}"
        );
    }
}

fn enriched() -> String {
    scenario_path("phase3-enriched.toml").display().to_string()
}

#[test]
fn absurd_thread_counts_are_refused_and_large_ones_capped() {
    let s = enriched();
    refused(
        &["run", &s, "--reps", "5", "--threads", "100000"],
        &["--threads", "got 100000", "1..=1024"],
    );
    refused(&["run", &s, "--threads", "0"], &["--threads", "got 0"]);
    // 1,000 threads asked for 5 replicates: the pool has at most one per replicate, so the run
    // is as quick as any, and its bytes are those of one thread.
    let start = Instant::now();
    let many = stdout_of(enrichsim().args([
        "run",
        &s,
        "--reps",
        "5",
        "--threads",
        "1000",
        "--format",
        "json",
    ]));
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    let one = stdout_of(enrichsim().args([
        "run",
        &s,
        "--reps",
        "5",
        "--threads",
        "1",
        "--format",
        "json",
    ]));
    assert_eq!(without_elapsed(&many), without_elapsed(&one));
}

#[test]
fn sigterm_stops_a_run_with_the_largest_pool() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("run.json");
    let mut child = bin()
        .args([
            "run",
            &enriched(),
            "--reps",
            "100000000",
            "--threads",
            "1024",
            "--format",
            "json",
        ])
        .arg("--output")
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "did not stop within 30 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130));
    let partial: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(partial["partial"], true);
}

#[test]
fn derived_hazards_must_be_finite_and_positive() {
    let s = enriched();
    refused(
        &["run", &s, "--set", "control.low.median=1e-320"],
        &["key `control.low.median`", "got 1e-320", "[0.01, 100000]"],
    );
    refused(
        &["validate", &s, "--set", "effect.hazard_ratio=1e300"],
        &["key `effect.hazard_ratio`", "[0.001, 1000]"],
    );
    refused(
        &[
            "validate",
            &s,
            "--set",
            "control.low={ survival = 0.999999999999, at = 1.0 }",
        ],
        &["key `control.low`", "implies a median of", "[0.01, 100000]"],
    );
    refused(
        &[
            "validate",
            &s,
            "--set",
            "control.high={ piecewise = { starts = [0.0], rates = [1e9] } }",
        ],
        &["key `control.high.piecewise.rates`", "[0, 1000]"],
    );
    // A hazard that is 0 for the first year, then positive, is a valid model.
    stdout_of(enrichsim().args([
        "validate",
        &s,
        "--set",
        "control.high={ piecewise = { starts = [0.0, 12.0], rates = [0.0, 0.05] } }",
    ]));
    refused(
        &["validate", &s, "--set", "enrolment.rate=1e300"],
        &["key `enrolment.rate`", "1000000"],
    );
}

#[test]
fn a_failed_write_never_panics() {
    let dir = TempDir::new().unwrap();
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    // The error message cannot be written (standard error is full): exit 2 all the same.
    let status = bin()
        .arg("validate")
        .arg(&empty)
        .stderr(File::create("/dev/full").unwrap())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    // The report cannot be written (standard output is full, or closed by the reader).
    let out = bin()
        .args(["validate", &enriched()])
        .stdout(File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut child = bin()
        .args(["run", &enriched(), "--reps", "200", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Neither is help written to a full standard output a panic.
    let status = bin()
        .arg("--help")
        .stdout(File::create("/dev/full").unwrap())
        .status()
        .unwrap();
    assert!(status.code().is_some_and(|c| c != 101), "{status:?}");
}

#[test]
fn a_set_value_that_looks_like_toml_must_be_toml() {
    let s = enriched();
    refused(
        &["validate", &s, "--set", "design.sample_size=[1,"],
        &["key `design.sample_size`", "not valid TOML", "[1,"],
    );
    refused(
        &["validate", &s, "--set", "design.sample_size="],
        &["an empty value"],
    );
    refused(
        &["validate", &s, "--set", "design.alpha=0.02.5"],
        &["not valid TOML"],
    );
    // A bare word is still a string.
    stdout_of(enrichsim().args(["validate", &s, "--set", "design.test=logrank"]));
}

#[test]
fn control_characters_in_names_are_refused() {
    let s = enriched();
    refused(
        &["validate", &s, "--set", r#"name="a\u0000b""#],
        &["key `name`", "control character", r#""a\0b""#],
    );
    refused(
        &["validate", &s, "--set", r#"name="two\nlines""#],
        &["key `name`", "line break"],
    );
    refused(
        &[
            "validate",
            &s,
            "--set",
            r#"biomarker.strata=["low","mo\u0007derate","high"]"#,
        ],
        &["key `biomarker.strata`", "control character"],
    );
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("key.toml");
    let text = std::fs::read_to_string(&s).unwrap();
    std::fs::write(
        &file,
        text.replace("[control]", "[control]\n\"lo\\u0001w\" = { median = 3.0 }"),
    )
    .unwrap();
    refused(
        &["validate", file.to_str().unwrap()],
        &["a control character in a key"],
    );
}

#[test]
fn flags_that_would_do_nothing_are_refused() {
    refused(
        &["boundaries", "--gamma", "2"],
        &["--gamma", "only with --spending asHSD"],
    );
    refused(
        &["boundaries", "--rho", "2"],
        &["--rho", "only with --spending asKD"],
    );
    refused(
        &["boundaries", "--delta", "0.2"],
        &["--delta", "only with --spending WT"],
    );
    refused(
        &["boundaries", "--binding"],
        &["--binding", "only with a futility rule"],
    );
    refused(
        &["run", &enriched(), "--shard", "7/10", "--reps", "5"],
        &["--shard", "got 7/10", "--reps 5"],
    );
    // The parameters still work where they are used.
    stdout_of(enrichsim().args(["boundaries", "--spending", "asHSD", "--gamma", "-4"]));
    stdout_of(enrichsim().args([
        "boundaries",
        "--futility",
        "asOF",
        "--power",
        "0.9",
        "--binding",
    ]));
}

#[test]
fn negative_and_malformed_numbers_get_the_tools_own_message() {
    let s = enriched();
    refused(
        &["run", &s, "--reps", "-1"],
        &["option `--reps`: got -1", "1..=1000000000"],
    );
    refused(&["run", &s, "--reps", "1e3"], &["option `--reps`: got 1e3"]);
    refused(&["run", &s, "--seed", "-5"], &["option `--seed`: got -5"]);
    refused(
        &["boundaries", "--looks", "-2"],
        &["option `--looks`: got -2", "1..=20"],
    );
    refused(
        &["boundaries", "--alpha", "x"],
        &["option `--alpha`: got x", "a finite number"],
    );
    refused(&["run", &s, "--bogus"], &["unexpected argument '--bogus'"]);
    refused(&["run"], &["required arguments", "<SCENARIO>"]);
}

#[test]
fn every_command_follows_the_output_files_extension() {
    let dir = TempDir::new().unwrap();
    let s = enriched();
    let json = dir.path().join("r.json");
    stdout_of(enrichsim().args([
        "run",
        &s,
        "--reps",
        "50",
        "--output",
        json.to_str().unwrap(),
    ]));
    let run: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).expect("JSON");
    assert_eq!(run["reps"], 50);
    let md = dir.path().join("v.md");
    stdout_of(enrichsim().args(["validate", &s, "-o", md.to_str().unwrap()]));
    assert!(std::fs::read_to_string(&md).unwrap().starts_with("## "));
    let csv = dir.path().join("b.csv");
    stdout_of(enrichsim().args(["boundaries", "-o", csv.to_str().unwrap()]));
    assert!(
        std::fs::read_to_string(&csv)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .contains(',')
    );
    // --format still wins over the extension.
    stdout_of(enrichsim().args([
        "design",
        &s,
        "--format",
        "json",
        "-o",
        csv.to_str().unwrap(),
    ]));
    let _: Value = serde_json::from_str(&std::fs::read_to_string(&csv).unwrap()).expect("JSON");
}

#[test]
fn one_sweep_axis_may_set_several_keys_alike() {
    let s = enriched();
    let axis = "effect.hazard_ratio.low,effect.hazard_ratio.moderate=0.55,0.75";
    let table: Value = serde_json::from_str(&stdout_of(enrichsim().args([
        "sweep", &s, "--vary", axis, "--reps", "300", "--format", "json",
    ])))
    .unwrap();
    let points = table["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    // Each point is the run with both keys set to its value.
    for (point, hr) in points.iter().zip(["0.55", "0.75"]) {
        let run: Value = serde_json::from_str(&stdout_of(enrichsim().args([
            "run",
            &s,
            "--reps",
            "300",
            "--format",
            "json",
            "--set",
            &format!("effect.hazard_ratio.low={hr}"),
            "--set",
            &format!("effect.hazard_ratio.moderate={hr}"),
        ])))
        .unwrap();
        assert_eq!(point["power"], run["power"], "{hr}");
    }
    assert!(points[0]["power"].as_f64() > points[1]["power"].as_f64());
    refused(
        &[
            "sweep",
            &s,
            "--vary",
            axis,
            "--vary",
            "effect.hazard_ratio.low=0.6",
        ],
        &["--vary", "effect.hazard_ratio.low", "each key varied once"],
    );
}

#[test]
fn design_gives_the_whole_numbers_to_plan() {
    let d: Value = serde_json::from_str(&stdout_of(enrichsim().args([
        "design",
        &enriched(),
        "--power",
        "0.9",
        "--format",
        "json",
    ])))
    .unwrap();
    let events = d["events"].as_f64().unwrap();
    let subjects = d["subjects"].as_f64().unwrap();
    let events_to_plan = d["events_to_plan"].as_u64().unwrap();
    let subjects_to_plan = d["subjects_to_plan"].as_u64().unwrap();
    assert_eq!(events_to_plan as f64, events.ceil(), "{events}");
    // 1:1 allocation: a multiple of 2, the smallest at or above the subjects.
    assert_eq!(subjects_to_plan % 2, 0);
    assert!(subjects_to_plan as f64 >= subjects && (subjects_to_plan as f64) < subjects + 2.0);
    // 2:1: a multiple of 3.
    let d: Value = serde_json::from_str(&stdout_of(enrichsim().args([
        "design",
        &enriched(),
        "--set",
        "design.allocation=[2, 1]",
        "--set",
        "design.block_size=6",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(d["subjects_to_plan"].as_u64().unwrap() % 3, 0);
}

#[test]
fn a_sequential_run_labels_the_fixed_bound_and_says_what_its_looks_need() {
    let s = scenario_path("phase3-enriched-sequential.toml")
        .display()
        .to_string();
    let text = stdout_of(enrichsim().args(["run", &s, "--reps", "200"]));
    assert!(
        text.contains("critical z, fixed design (unused with looks)"),
        "{text}"
    );
    let run: Value = serde_json::from_str(&stdout_of(
        enrichsim().args(["run", &s, "--reps", "200", "--format", "json"]),
    ))
    .unwrap();
    let note = run["notes"][0].as_str().expect("a note");
    assert!(
        note.contains("the 3 looks cost power") && note.contains("230 deaths"),
        "{note}"
    );
    // Its figure is `design`'s at the power of a single analysis of those deaths.
    let needed: f64 = note
        .split("needs ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .unwrap();
    let power: String = note
        .split("design --power ")
        .nth(1)
        .unwrap()
        .trim_end_matches(')')
        .to_string();
    let d: Value = serde_json::from_str(&stdout_of(
        enrichsim().args(["design", &s, "--power", &power, "--format", "json"]),
    ))
    .unwrap();
    assert!(
        (d["events"].as_f64().unwrap() - needed).abs() < 0.5,
        "{needed} vs {}",
        d["events"]
    );
    // A fixed design has no such note.
    let fixed: Value = serde_json::from_str(&stdout_of(enrichsim().args([
        "run",
        &enriched(),
        "--reps",
        "50",
        "--format",
        "json",
    ])))
    .unwrap();
    assert!(fixed.get("notes").is_none());
}

#[test]
fn searching_the_sample_size_of_an_event_driven_trial_says_what_to_set() {
    refused(
        &[
            "size",
            &enriched(),
            "--target-power",
            "0.9",
            "--key",
            "design.sample_size",
        ],
        &[
            "waits for 230 events",
            "--set 'design.analysis={ after_last = ",
        ],
    );
}

/// Two-sided beta spending (`--sided 2 --futility bsOF [--beta-adjustment true|false]`) and a
/// final information fraction below 1: the values against rpact 3.3.4 (JSON fields of the
/// command), and their bad input refused with one line naming the flag.
#[test]
fn two_sided_beta_spending_and_final_below_one_flags() {
    let json = |args: &[&str]| -> Value {
        let mut all = vec!["boundaries"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        serde_json::from_str(&stdout_of(enrichsim().args(&all))).expect("json")
    };
    let v = json(&[
        "--sided",
        "2",
        "--alpha",
        "0.05",
        "--spending",
        "asOF",
        "--futility",
        "bsOF",
        "--power",
        "0.8",
        "--beta-adjustment",
        "false",
    ]);
    let v = if v["boundaries"].is_object() {
        v["boundaries"].clone()
    } else {
        v
    };
    assert_eq!(v["beta_adjustment"], Value::Bool(false));
    let fut = v["futility_z"].as_array().expect("futility");
    // rpact 3.3.4: NA (none), 1.20527643492
    assert_eq!(fut[0].as_f64(), Some(0.0));
    assert_abs_close!(fut[1].as_f64().unwrap(), 1.20527643492, 1e-6);
    let v = json(&["--timing", "0.3,0.6,0.9"]);
    let v = if v["boundaries"].is_object() {
        v["boundaries"].clone()
    } else {
        v
    };
    let spent = v["alpha_spent"].as_array().expect("spent");
    assert_abs_close!(spent[2].as_f64().unwrap(), 0.01814499, 1e-7);
    refused(
        &[
            "boundaries",
            "--sided",
            "2",
            "--alpha",
            "0.05",
            "--power",
            "0.8",
            "--futility",
            "bsOF",
            "--beta-adjustment",
            "maybe",
        ],
        &["--beta-adjustment", "maybe", "true or false"],
    );
    refused(
        &["boundaries", "--beta-adjustment", "false"],
        &["--beta-adjustment", "only with --sided 2"],
    );
    refused(
        &[
            "boundaries",
            "--sided",
            "2",
            "--alpha",
            "0.05",
            "--futility",
            "z:0",
        ],
        &["--sided", "beta spending"],
    );
    refused(
        &[
            "boundaries",
            "--sided",
            "2",
            "--alpha",
            "0.05",
            "--power",
            "0.8",
            "--futility",
            "bsOF",
            "--spending",
            "OF",
        ],
        &["--sided", "alpha-spending design"],
    );
    refused(
        &["boundaries", "--timing", "0.3,0.6,0.9", "--spending", "OF"],
        &["--timing", "0.9", "last fraction of 1"],
    );
    refused(
        &[
            "boundaries",
            "--timing",
            "0.3,0.6,0.9",
            "--power",
            "0.8",
            "--futility",
            "bsOF",
        ],
        &["--timing", "without beta spending"],
    );
}

/// Asymmetric two-sided designs (`--lower-spending NAME --lower-alpha A [--binding]`, gsDesign's
/// test.type 6 and 5): the JSON fields of the lower bound (values against gsDesign's printed
/// test.type 5 design, tests/data/oracles/gsdesign-asymmetric.expected.json), the text table's
/// columns, and bad input refused with one line naming the flag.
#[test]
fn asymmetric_lower_bound_flags() {
    let json = |args: &[&str]| -> Value {
        let mut all = vec!["boundaries"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        serde_json::from_str(&stdout_of(enrichsim().args(&all))).expect("json")
    };
    let args = [
        "--looks",
        "5",
        "--spending",
        "hsd:-4",
        "--lower-spending",
        "hsd:-2",
        "--binding",
        "--power",
        "0.9",
        "--events",
        "300",
    ];
    let v = json(&args);
    assert_eq!(v["lower_spending_code"], "asHSD");
    assert_abs_close!(v["lower_alpha"].as_f64().unwrap(), 0.975, 1e-15);
    assert_eq!(v["binding"], Value::Bool(true));
    assert!(v.get("sided").is_none());
    let lower = v["lower_z"].as_array().expect("lower_z");
    // gsDesign(k = 5, test.type = 5): -1.44 -0.98 -0.47 0.21 2.02 (printed to 2 decimals)
    for (got, want) in lower.iter().zip([-1.44, -0.98, -0.47, 0.21, 2.02]) {
        assert_abs_close!(got.as_f64().unwrap(), want, 0.005);
    }
    let spent = v["alpha_spent_lower"].as_array().expect("lower spent");
    assert_abs_close!(spent[4].as_f64().unwrap(), 0.975, 1e-7);
    assert_eq!(v["hr_at_lower"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["lower_nominal_p"].as_array().map(Vec::len), Some(5));
    assert_eq!(v["lower_prob_h1"].as_array().map(Vec::len), Some(5));
    assert_abs_close!(v["inflation_factor"].as_f64().unwrap(), 1.026, 0.0005);
    let text = stdout_of(enrichsim().arg("boundaries").args(args));
    for needle in [
        "asymmetric two-sided",
        "Lower bound:",
        "z lower",
        "HR lower",
        "P(low|H1)",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    refused(
        &[
            "boundaries",
            "--lower-spending",
            "asOF",
            "--lower-alpha",
            "0.99",
        ],
        &["--lower-alpha", "0.99", "(0, 0.975]"],
    );
    refused(
        &[
            "boundaries",
            "--lower-spending",
            "asOF",
            "--lower-alpha",
            "0",
        ],
        &["--lower-alpha", "(0, 0.975]"],
    );
    refused(
        &["boundaries", "--lower-spending", "bogus"],
        &["--lower-spending", "bogus", "hsd:GAMMA"],
    );
    refused(
        &["boundaries", "--lower-spending", "asUser"],
        &["--lower-spending", "asUser"],
    );
    refused(
        &["boundaries", "--lower-alpha", "0.01"],
        &["--lower-alpha", "only with --lower-spending"],
    );
    refused(
        &[
            "boundaries",
            "--lower-spending",
            "asOF",
            "--sided",
            "2",
            "--alpha",
            "0.05",
        ],
        &["--lower-spending", "--sided"],
    );
    refused(
        &[
            "boundaries",
            "--lower-spending",
            "asOF",
            "--futility",
            "z:0",
        ],
        &["--lower-spending", "futility"],
    );
    refused(
        &["boundaries", "--lower-spending", "asOF", "--spending", "OF"],
        &["--spending", "OF", "test.type 5 and 6"],
    );
    refused(
        &[
            "boundaries",
            "--lower-spending",
            "asOF",
            "--timing",
            "0.3,0.6,0.9",
        ],
        &["--timing", "0.9", "last fraction of 1"],
    );
    refused(
        &[
            "boundaries",
            "--lower-spending",
            "asOF",
            "--lower-alpha",
            "x",
        ],
        &["--lower-alpha", "x"],
    );
}
