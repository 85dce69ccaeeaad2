//! R's timefix against enrichsim's (issue 14): tests/r/oracle_timefix.R builds a near-tied data
//! set (times differing by 1e-10 relative, a chain of gaps each below the tolerance, a pair just
//! above it), writes it as tests/data/oracles/timefix-dataset.csv, and records survival 3.5-3's
//! `aeqSurv` times and the `survdiff`, `coxph` (Efron, Breslow, stratified) and `survfit` values
//! with timefix = TRUE and FALSE, to 17 significant digits, in timefix.expected.json.
//!
//! - `timefix` must give `aeqSurv`'s times bit for bit;
//! - `enrichsim analyze` (default: timefix) must give R's defaults, and `--no-timefix` R's
//!   timefix = FALSE, to 1e-6 relative (oracles/README.md), including the log-rank's sign, which
//!   the near ties flip.

use crate::common::*;
use enrichsim::analysis::dataset::{Columns, read_csv};
use enrichsim::analysis::timefix::{TIMEFIX_TOLERANCE, timefix};
use serde_json::Value;

const REL: f64 = 1e-6;
const ORACLE: &str = "timefix.expected.json";
const DATA: &str = "timefix-dataset.csv";

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn columns() -> Columns {
    Columns {
        time: "months".into(),
        event: "death".into(),
        arm: "arm".into(),
        strata: Some("stratum".into()),
    }
}

#[test]
fn tolerance_is_r_s() {
    let o = oracle_json(ORACLE);
    assert_eq!(num(&o, "tolerance").to_bits(), TIMEFIX_TOLERANCE.to_bits());
    assert_eq!(TIMEFIX_TOLERANCE, f64::EPSILON.sqrt());
}

#[test]
fn the_csv_reads_as_r_read_it() {
    let o = oracle_json(ORACLE);
    let d = read_csv(&oracle(DATA), &columns()).expect("reads");
    let r = numbers(&o["times_read"]);
    assert_eq!(d.time.len(), r.len());
    for (i, (a, b)) in d.time.iter().zip(&r).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "row {}: {a:?} vs R {b:?}", i + 1);
    }
    assert_eq!(d.time.len() as u64, o["n"].as_u64().unwrap());
}

#[test]
fn timefix_gives_aeqsurv_s_times_exactly() {
    let o = oracle_json(ORACLE);
    let mut t = numbers(&o["times_read"]);
    let before = t.clone();
    let summary = timefix(&mut t);
    let want = numbers(&o["times_fixed"]);
    for (i, (a, b)) in t.iter().zip(&want).enumerate() {
        assert_eq!(a.to_bits(), b.to_bits(), "row {}: {a:?} vs R {b:?}", i + 1);
    }
    let changed = before.iter().zip(&want).filter(|(a, b)| a != b).count();
    assert_eq!(summary.changed, changed);
    assert!(changed > 0);
    for (name, case) in o["aeq_cases"].as_object().unwrap() {
        let mut t = numbers(&case["times"]);
        timefix(&mut t);
        let want = numbers(&case["fixed"]);
        assert_eq!(
            t.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            "{name}: {t:?} vs R {want:?}"
        );
    }
}

/// `enrichsim analyze` on the data set as JSON.
fn analyze(extra: &[&str]) -> Value {
    let out = stdout_of(
        enrichsim()
            .arg("analyze")
            .arg(oracle(DATA))
            .args(["--time", "months", "--event", "death", "--arm", "arm"])
            .args(["--format", "json"])
            .args(extra),
    );
    serde_json::from_str(&out).unwrap()
}

/// Compares one run of `analyze` against one block of the oracle; prints the comparison.
fn compare(got: &Value, logrank: &Value, cox: &Value, what: &str) {
    let pairs = [
        ("logrank_z", num(logrank, "z")),
        ("logrank_chisq", num(logrank, "chisq")),
        ("logrank_p_two_sided", num(logrank, "p")),
        ("cox_hr", num(cox, "hr")),
        ("cox_hr_lower", num(cox, "lower")),
        ("cox_hr_upper", num(cox, "upper")),
        ("cox_se_log_hr", num(cox, "se_log_hr")),
        ("cox_wald_p_two_sided", num(cox, "wald_p")),
        ("cox_score_chisq", num(cox, "score_chisq")),
        ("cox_loglik", num(cox, "loglik")),
    ];
    for (key, want) in pairs {
        let g = num(got, key);
        eprintln!(
            "{what:<34} {key:<22} enrichsim {g:>22.15e}  R {want:>22.15e}  rel {:.1e}",
            ((g - want) / want).abs()
        );
        assert_close!(g, want, REL);
    }
    assert_eq!(got["cox_converged"], true);
}

#[test]
fn analyze_matches_r_with_and_without_timefix() {
    let o = oracle_json(ORACLE);
    for (block, extra) in [("timefix", None), ("no_timefix", Some("--no-timefix"))] {
        let r = &o[block];
        for ties in ["efron", "breslow"] {
            for stratified in [false, true] {
                let mut args = vec!["--ties", ties];
                args.extend(extra);
                if stratified {
                    args.extend(["--strata", "stratum"]);
                }
                let got = analyze(&args);
                assert_eq!(got["timefix"], extra.is_none());
                let (lr, cox) = if stratified {
                    ("stratified_logrank", format!("cox_{ties}_stratified"))
                } else {
                    ("logrank", format!("cox_{ties}"))
                };
                compare(&got, &r[lr], &r[&cox], &format!("{block} {cox}"));
                for arm in ["control", "treatment"] {
                    let g = num(&got, &format!("km_median_{arm}"));
                    let want = num(&r["km_median"], arm);
                    // A median that is a time of the data is that time exactly.
                    assert_eq!(g.to_bits(), want.to_bits(), "{block} median {arm}");
                }
            }
        }
    }
}

#[test]
fn near_ties_flip_the_log_rank_sign() {
    let o = oracle_json(ORACLE);
    for (lr, strata) in [
        ("logrank", &[][..]),
        ("stratified_logrank", &["--strata", "stratum"][..]),
    ] {
        assert!(num(&o["timefix"][lr], "z") > 0.0 && num(&o["no_timefix"][lr], "z") < 0.0);
        let merged = analyze(strata);
        let apart = analyze(&[strata, &["--no-timefix"]].concat());
        assert!(num(&merged, "logrank_z") > 0.0, "{lr}: {merged}");
        assert!(num(&apart, "logrank_z") < 0.0, "{lr}: {apart}");
        // The hazard ratio crosses 1 too.
        assert!(num(&merged, "cox_hr") < 1.0 && num(&apart, "cox_hr") > 1.0);
    }
}
