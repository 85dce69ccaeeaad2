//! `enrichsim analyze` on long-format function data (`--id --visit-time --score`): the
//! function tests through the command line against the R oracles' values, and every kind of
//! bad long-format file refused with one line naming the line, exit code 2.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const LONG: [&str; 14] = [
    "--time",
    "months",
    "--event",
    "death",
    "--arm",
    "arm",
    "--strata",
    "stratum",
    "--id",
    "id",
    "--visit-time",
    "time",
    "--score",
    "score",
];

fn analyze_json(path: &Path, test: &str) -> Value {
    let out = stdout_of(
        enrichsim()
            .arg("analyze")
            .arg(path)
            .args(LONG)
            .args(["--test", test, "--format", "json"]),
    );
    serde_json::from_str(&out).unwrap()
}

/// The slope oracle's simulated ALS trial (tests/data/oracles/slope-als.csv, visits only) with
/// survival columns added: each patient alive and censored one month after their last visit.
fn als_long(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(oracle("slope-als.csv")).unwrap();
    let mut last: std::collections::HashMap<String, f64> = Default::default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let t: f64 = f[3].parse().unwrap();
        let e = last.entry(f[0].to_string()).or_insert(0.0);
        *e = e.max(t);
    }
    let mut out = String::from("id,arm,stratum,time,score,months,death\n");
    for line in text.lines().skip(1) {
        let id = line.split(',').next().unwrap();
        out.push_str(&format!("{line},{},0\n", last[id] + 1.0));
    }
    write(dir, "als-long.csv", &out)
}

#[test]
fn slope_through_the_command_line_matches_nlme() {
    let dir = TempDir::new().unwrap();
    let path = als_long(dir.path());
    let o = oracle_json("slope.expected.json");
    for (test, key) in [("slope", "als"), ("stratified_slope", "als_stratified")] {
        let j = analyze_json(&path, test);
        let fixed = &o[key]["fixed"];
        let se = &o[key]["fixed_se"];
        // time:armtreatment is the 4th fixed effect in nlme's order for both models? The
        // stratified model's interaction is named; find it.
        let names: Vec<&str> = o[key]["fixed_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let k = names
            .iter()
            .position(|n| *n == "time:armtreatment")
            .unwrap_or_else(|| panic!("{key}: {names:?}"));
        let (b, s) = (fixed[k].as_f64().unwrap(), se[k].as_f64().unwrap());
        assert_close!(j["estimate"].as_f64().unwrap(), b, 2e-6);
        assert_close!(j["se"].as_f64().unwrap(), s, 2e-6);
        assert_close!(j["z"].as_f64().unwrap(), b / s, 4e-6);
        assert_eq!(j["test"], test);
    }
}

/// A small valid long-format file: two patients per arm, visits 0, 3, 6.
const GOOD: &str = "id,arm,stratum,months,death,time,score
a,treatment,s,10,1,0,40
a,treatment,s,10,1,3,38
a,treatment,s,10,1,6,37
b,control,s,12,0,0,41
b,control,s,12,0,3,37
b,control,s,12,0,6,33
c,treatment,s,7,0,0,39
c,treatment,s,7,0,6,36
d,control,s,20,1,0,44
d,control,s,20,1,3,42
d,control,s,20,1,6,38
";

#[test]
fn a_good_long_file_is_read_in_any_row_order() {
    let dir = TempDir::new().unwrap();
    let a = write(dir.path(), "a.csv", GOOD);
    let mut lines: Vec<&str> = GOOD.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let b = write(
        dir.path(),
        "b.csv",
        &format!("{header}\n{}\n", lines.join("\n")),
    );
    let (ja, jb) = (analyze_json(&a, "slope"), analyze_json(&b, "slope"));
    // (the patients come in another order, so sums round differently in the last bits)
    assert_close!(
        ja["estimate"].as_f64().unwrap(),
        jb["estimate"].as_f64().unwrap(),
        1e-12
    );
    assert_eq!(ja["n_treatment"], 2);
    assert_eq!(ja["n_control"], 2);
    let cafs = analyze_json(&a, "cafs(6)");
    assert!(cafs["pairs"]["win_probability"].is_number(), "{cafs}");
    let mmrm = analyze_json(&a, "mmrm(6)");
    assert_eq!(mmrm["method"], "mmrm", "{mmrm}");
}

#[test]
fn bad_long_files_name_the_line() {
    let dir = TempDir::new().unwrap();
    let cases: [(&str, String, &[&str]); 8] = [
        (
            "a visit after death",
            GOOD.replace("a,treatment,s,10,1,6,37", "a,treatment,s,10,1,12,37"),
            &["line 4", "at or after their death", "`a`"],
        ),
        (
            "a visit after the end of follow-up",
            GOOD.replace("c,treatment,s,7,0,6,36", "c,treatment,s,7,0,9,36"),
            &["line 9", "after the end of their follow-up"],
        ),
        (
            "a score above 48",
            GOOD.replace("b,control,s,12,0,3,37", "b,control,s,12,0,3,49"),
            &["line 6", "`score`", "`49`", "0 to 48"],
        ),
        (
            "a negative score",
            GOOD.replace("b,control,s,12,0,3,37", "b,control,s,12,0,3,-1"),
            &["line 6", "`-1`"],
        ),
        (
            "duplicated visits",
            GOOD.replace("d,control,s,20,1,3,42", "d,control,s,20,1,6,42"),
            &["line 12", "two visits at 6 months", "lines 11 and 12"],
        ),
        (
            "no baseline",
            GOOD.replace("c,treatment,s,7,0,0,39", "c,treatment,s,7,0,3,39"),
            &["line 8", "no baseline visit", "`c`"],
        ),
        (
            "survival columns that differ between rows",
            GOOD.replace("b,control,s,12,0,6,33", "b,control,s,13,0,6,33"),
            &["line 7", "line 5", "`b`"],
        ),
        (
            "an empty id",
            GOOD.replace("d,control,s,20,1,0,44", ",control,s,20,1,0,44"),
            &["line 10", "empty patient id"],
        ),
    ];
    for (what, text, expect) in cases {
        let path = write(dir.path(), "bad.csv", &text);
        let line = fails_with_one_line(
            enrichsim()
                .arg("analyze")
                .arg(&path)
                .args(LONG)
                .args(["--test", "slope"]),
        );
        assert!(line.contains("bad.csv"), "{what}: {line}");
        for e in expect {
            assert!(line.contains(e), "{what}: {line:?} lacks {e:?}");
        }
    }
}

#[test]
fn function_options_come_together_and_function_tests_need_them() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "a.csv", GOOD);
    let line = fails_with_one_line(enrichsim().arg("analyze").arg(&path).args([
        "--time", "months", "--event", "death", "--arm", "arm", "--id", "id", "--test", "slope",
    ]));
    assert!(line.contains("--visit-time"), "{line}");
    let survival = write(
        dir.path(),
        "s.csv",
        "months,death,arm\n3,1,treatment\n5,0,control\n",
    );
    let line = fails_with_one_line(enrichsim().arg("analyze").arg(&survival).args([
        "--time", "months", "--event", "death", "--arm", "arm", "--test", "slope",
    ]));
    assert!(line.contains("--id, --visit-time and --score"), "{line}");
    let line = fails_with_one_line(
        enrichsim()
            .arg("analyze")
            .arg(&path)
            .args(LONG)
            .args(["--test", "mmrm(9)"]),
    );
    assert!(line.contains("no visit at 9 months"), "{line}");
}
