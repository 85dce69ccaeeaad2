//! Pampallona-Tsiatis designs through the binary: `boundaries --spending PT --delta-pt1 D1
//! --delta-pt0 D0 [--binding] [--sided 2]` against rpact 3.3.4 (values of
//! tests/data/oracles/boundaries-pt.expected.json), `[design.sequential] efficacy = "PT"` in
//! `design`, `design --at-hr` and `run`, and every bad input refused with one line naming the
//! flag or key, exit code 2.

use crate::common::*;
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(
        enrichsim().args(args).args(["--format", "json"]),
    ))
    .expect("JSON")
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// The oracle entry with these inputs.
fn oracle_entry(timing: &[f64], d1: f64, d0: f64, binding: bool, sided: u64) -> Value {
    let oracle = oracle_json("boundaries-pt.expected.json");
    oracle
        .as_array()
        .expect("designs")
        .iter()
        .find(|d| {
            f64s(&d["timing"]) == timing
                && d["delta_pt1"].as_f64() == Some(d1)
                && d["delta_pt0"].as_f64() == Some(d0)
                && d["binding"].as_bool() == Some(binding)
                && d["sided"].as_u64() == Some(sided)
        })
        .expect("oracle entry")
        .clone()
}

#[test]
fn boundaries_pt_matches_rpact() {
    // one-sided, binding, unequal timing
    let v = json(&[
        "boundaries",
        "--looks",
        "3",
        "--timing",
        "0.3,0.7,1",
        "--spending",
        "PT",
        "--delta-pt1",
        "0.25",
        "--delta-pt0",
        "0.1",
        "--binding",
        "--power",
        "0.8",
    ]);
    let o = oracle_entry(&[0.3, 0.7, 1.0], 0.25, 0.1, true, 1);
    assert_eq!(v["spending_code"], "PT");
    assert_eq!(v["binding"], Value::Bool(true));
    for (a, b) in f64s(&v["z"]).iter().zip(f64s(&o["z"])) {
        assert_abs_close!(*a, b, 1e-7);
    }
    let fut = f64s(&v["futility_z"]);
    for (a, b) in fut.iter().zip(f64s(&o["futility"])) {
        assert_abs_close!(*a, b, 1e-7);
    }
    assert_eq!(fut[2], f64s(&v["z"])[2]);
    assert_close!(
        v["inflation_factor"].as_f64().unwrap(),
        o["inflation_factor"].as_f64().unwrap(),
        1e-6
    );
    assert!(v["pt_c1"].as_f64().unwrap() > 0.0 && v["pt_c2"].as_f64().unwrap() > 0.0);
    // two-sided, non-binding: the futility bound at 0 is rpact's NA
    let v = json(&[
        "boundaries",
        "--looks",
        "3",
        "--timing",
        "0.5,0.8,1",
        "--spending",
        "PT",
        "--delta-pt1",
        "0",
        "--delta-pt0",
        "0.5",
        "--sided",
        "2",
        "--alpha",
        "0.02",
        "--power",
        "0.75",
    ]);
    let o = oracle_entry(&[0.5, 0.8, 1.0], 0.0, 0.5, false, 2);
    assert_eq!(v["sided"].as_u64(), Some(2));
    assert!(v.get("beta_adjustment").is_none());
    for (a, b) in f64s(&v["z"]).iter().zip(f64s(&o["z"])) {
        assert_abs_close!(*a, b, 1e-7);
    }
    for (a, b) in f64s(&v["futility_z"]).iter().zip(f64s(&o["futility"])) {
        if b.is_nan() {
            assert_eq!(*a, 0.0);
        } else {
            assert_abs_close!(*a, b, 1e-7);
        }
    }
    for (a, b) in f64s(&v["alpha_spent"]).iter().zip(f64s(&o["alpha_spent"])) {
        assert_abs_close!(*a, b, 1e-7);
    }
    // the text and Markdown tables render
    let text = stdout_of(enrichsim().args([
        "boundaries",
        "--spending",
        "PT",
        "--delta-pt1",
        "0.25",
        "--delta-pt0",
        "0.1",
    ]));
    assert!(
        text.contains("Pampallona-Tsiatis, deltaPT1 = 0.25, deltaPT0 = 0.1 (PT)"),
        "{text}"
    );
    assert!(text.contains("z futility"), "{text}");
}

#[test]
fn boundaries_pt_bad_input_is_refused() {
    let pt = [
        "--spending",
        "PT",
        "--delta-pt1",
        "0.25",
        "--delta-pt0",
        "0.1",
    ];
    let with =
        |extra: &[&str]| -> Vec<String> { pt.iter().chain(extra).map(|s| s.to_string()).collect() };
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            vec!["--spending".into(), "PT".into()],
            vec!["--spending", "needs deltaPT1"],
        ),
        (
            vec![
                "--spending".into(),
                "PT".into(),
                "--delta-pt1".into(),
                "0.2".into(),
            ],
            vec!["--spending", "needs deltaPT0"],
        ),
        (
            vec!["--spending", "PT", "--delta-pt1", "1.5", "--delta-pt0", "0"]
                .into_iter()
                .map(String::from)
                .collect(),
            vec!["--delta-pt1", "1.5", "[-0.5, 1]"],
        ),
        (
            vec![
                "--spending",
                "PT",
                "--delta-pt1",
                "0",
                "--delta-pt0",
                "-0.7",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            vec!["--delta-pt0", "-0.7", "[-0.5, 1]"],
        ),
        (
            vec!["--spending", "PT", "--delta-pt1", "0", "--delta-pt0", "abc"]
                .into_iter()
                .map(String::from)
                .collect(),
            vec!["--delta-pt0", "abc"],
        ),
        (
            vec!["--delta-pt1".to_string(), "0.2".into()],
            vec!["--delta-pt1", "only with --spending PT"],
        ),
        (
            vec!["--spending", "WT", "--delta", "0.2", "--delta-pt0", "0.2"]
                .into_iter()
                .map(String::from)
                .collect(),
            vec!["--delta-pt0", "only with --spending PT"],
        ),
        (
            with(&["--futility", "bsOF", "--power", "0.8"]),
            vec!["--futility", "own futility bounds"],
        ),
        (
            with(&["--futility", "z:0"]),
            vec!["--futility", "own futility bounds"],
        ),
        (
            with(&["--delta", "0.3"]),
            vec!["--delta", "only with --spending WT"],
        ),
        (with(&["--timing", "0.3,0.6,0.9"]), vec!["--timing", "0.9"]),
        (with(&["--power", "0.3"]), vec!["--power", "0.3"]),
        (
            with(&[
                "--sided",
                "2",
                "--alpha",
                "0.05",
                "--beta-adjustment",
                "true",
            ]),
            vec!["--beta-adjustment"],
        ),
        (
            with(&["--hp-bound", "3"]),
            vec!["--hp-bound", "only with --spending HP"],
        ),
        (
            with(&["--user-alpha", "0.01,0.02,0.025"]),
            vec!["--user-alpha"],
        ),
    ];
    for (args, needles) in cases {
        let line = error_line(enrichsim().arg("boundaries").args(&args))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        for n in needles {
            assert!(line.contains(n), "{args:?}: {line} lacks {n:?}");
        }
    }
}

fn pt_scenario(extra: &str) -> String {
    rpact_scenario(
        0.7,
        &format!("[design.sequential]\nlooks = [0.3333, 0.6667]\nefficacy = \"PT\"\n{extra}"),
    )
}

#[test]
fn scenario_pt_design_at_hr_and_run() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("pt.toml");
    std::fs::write(
        &path,
        pt_scenario("delta_pt1 = 0.25\ndelta_pt0 = 0.1\npower = 0.8\n"),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    // the design's inflation factor at --power 0.8 is rpact's (K = 3, looks 0.3333, 0.6667)
    let d = json(&["design", p, "--power", "0.8"]);
    let inflation = d["inflation_factor"].as_f64().expect("inflation factor");
    let gs = boundaries_inflation(&["--power", "0.8"]);
    assert_close!(inflation, gs, 1e-9);
    let a = json(&["design", p, "--at-hr", "1,0.7"]);
    let rows = a["at_hr"].as_array().expect("at_hr rows");
    assert_eq!(rows.len(), 2);
    // at HR 1 the futility stops are most of the trials, the rejections about alpha
    assert!(rows[0]["futility_stop"].as_f64().unwrap() > 0.5);
    assert!((rows[0]["power"].as_f64().unwrap() - 0.025).abs() < 0.005);
    assert!(rows[0]["looks"][0]["futility_bound"].as_f64().is_some());
    let r = json(&["run", p, "--reps", "400", "--seed", "3"]);
    let stages = r["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), 3);
    assert!(stages[0]["futility_bound"].as_f64().is_some());
    assert!(stages[2]["futility_bound"].is_null());
    // two-sided: the inner futility interval, the harm bounds
    std::fs::write(
        &path,
        pt_scenario(
            "delta_pt1 = 0.25\ndelta_pt0 = 0.1\npower = 0.8\nsided = 2\nbinding_futility = true\n",
        ),
    )
    .unwrap();
    let r = json(&["run", p, "--reps", "400", "--seed", "3"]);
    assert_eq!(r["sided"].as_u64(), Some(2));
    assert!(r["stages"][0]["lower_bound"].as_f64().unwrap() < 0.0);
    let text = stdout_of(enrichsim().args(["run", p, "--reps", "200"]));
    assert!(text.contains("futility bound, |z| <"), "{text}");
}

fn boundaries_inflation(extra: &[&str]) -> f64 {
    let mut args = vec![
        "boundaries",
        "--spending",
        "PT",
        "--delta-pt1",
        "0.25",
        "--delta-pt0",
        "0.1",
    ];
    args.extend_from_slice(extra);
    json(&args)["inflation_factor"]
        .as_f64()
        .expect("inflation factor")
}

#[test]
fn scenario_pt_bad_input_is_refused() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let cases: [(&str, &[&str]); 7] = [
        (
            "delta_pt1 = 0.25\n",
            &["design.sequential.efficacy", "needs deltaPT0"],
        ),
        (
            "delta_pt0 = 0.1\n",
            &["design.sequential.efficacy", "needs deltaPT1"],
        ),
        (
            "delta_pt1 = 1.5\ndelta_pt0 = 0.1\n",
            &["design.sequential.delta_pt1", "1.5", "[-0.5, 1]"],
        ),
        (
            "delta_pt1 = \"a\"\ndelta_pt0 = 0.1\n",
            &["design.sequential.delta_pt1"],
        ),
        (
            "delta_pt1 = 0.25\ndelta_pt0 = 0.1\nfutility = \"asOF\"\n",
            &["design.sequential.futility", "own futility bounds"],
        ),
        (
            "delta_pt1 = 0.25\ndelta_pt0 = 0.1\nfutility = { z_below = 0 }\n",
            &["design.sequential.futility", "own futility bounds"],
        ),
        (
            "delta_pt1 = 0.25\ndelta_pt0 = 0.1\ndelta = 0.2\n",
            &["design.sequential.delta", "not used"],
        ),
    ];
    for (i, (extra, needles)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, pt_scenario(extra)).unwrap();
        let line = error_line(enrichsim().args(["validate", path.to_str().unwrap()]))
            .unwrap_or_else(|e| panic!("{extra}: {e}"));
        for n in *needles {
            assert!(line.contains(n), "{extra}: {line} lacks {n:?}");
        }
    }
    // a key of PT with another design
    let path = dir.path().join("other.toml");
    std::fs::write(
        &path,
        rpact_scenario(
            0.7,
            "[design.sequential]\nlooks = [0.5]\nefficacy = \"asOF\"\ndelta_pt0 = 0.1\n",
        ),
    )
    .unwrap();
    let line = error_line(enrichsim().args(["validate", path.to_str().unwrap()])).unwrap();
    assert!(
        line.contains("design.sequential.delta_pt0")
            && line.contains("only with efficacy = \"PT\""),
        "{line}"
    );
    // a power the design cannot reach with positive constants
    std::fs::write(
        &path,
        pt_scenario("delta_pt1 = 0.25\ndelta_pt0 = 0.1\npower = 0.3\n"),
    )
    .unwrap();
    let line = error_line(enrichsim().args(["validate", path.to_str().unwrap()])).unwrap();
    assert!(
        line.contains("design.sequential") && line.contains("Pampallona-Tsiatis"),
        "{line}"
    );
}
