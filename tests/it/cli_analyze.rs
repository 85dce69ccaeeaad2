//! `enrichsim analyze` run as a user would (issue 14): every malformed CSV gives one short
//! line naming the file and the line (or what of the file is at fault) and exit code 2, never a
//! panic; CRLF, a byte order mark and quoted fields work; Kaplan-Meier medians are the data's
//! times exactly (R's survival::retinopathy, tests/r/oracle_retinopathy.R); the sidedness of
//! each p-value is in its JSON name and its label; stratified RMST and milestone say which
//! strata they leave out; `--no-timefix`.
//!
//! `cargo test --release --test it cli_analyze -- --nocapture` prints every error line.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Writes `bytes` as `name` in `dir`.
fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `enrichsim analyze FILE --time months --event death --arm arm [extra]`.
fn analyze(path: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = enrichsim();
    cmd.arg("analyze")
        .arg(path)
        .args(["--time", "months", "--event", "death", "--arm", "arm"])
        .args(extra);
    cmd
}

fn json(cmd: &mut assert_cmd::Command) -> Value {
    serde_json::from_str(&stdout_of(cmd.args(["--format", "json"]))).unwrap()
}

struct Bad {
    what: &'static str,
    bytes: Vec<u8>,
    /// Substrings of the error line.
    expect: &'static [&'static str],
}

fn bad(what: &'static str, text: &str, expect: &'static [&'static str]) -> Bad {
    Bad {
        what,
        bytes: text.as_bytes().to_vec(),
        expect,
    }
}

fn bad_csvs() -> Vec<Bad> {
    let mut stray = String::from("arm,months,death\ncontrol,3,1\ntreatment,\"4,1\n");
    for i in 0..1000 {
        stray.push_str(&format!("control,{i}.25,0\n"));
    }
    vec![
        Bad {
            what: "stray quote",
            bytes: stray.into_bytes(),
            expect: &["line 3: unterminated quoted field starting at line 3"],
        },
        bad(
            "stray quote closed later",
            "arm,months,death\ncontrol,3,1\ntreatment,\"4,1\ncontrol,5,0\n\"control\",6,1\n",
            &["line 5:", "after the closing", "opened at line 3"],
        ),
        bad(
            "a row over two lines",
            "arm,months,death\ncontrol,3,1\n\"treatment\ncontrol\",4,1\n",
            &[
                "line 3:",
                "`treatment\\ncontrol` is not an arm",
                "runs to line 4",
            ],
        ),
        bad(
            "duplicated arm column",
            "arm,months,arm,death\ncontrol,3,control,1\n",
            &["line 1:", "header line", "`arm` twice, as columns 1 and 3"],
        ),
        bad(
            "time column twice",
            "months,arm,death,months\n3,control,1,3\n",
            &["line 1:", "`months` twice, as columns 1 and 4"],
        ),
        bad(
            "empty file",
            "",
            &["the file (empty)", "months, death, arm"],
        ),
        bad(
            "header only",
            "arm,months,death\n",
            &["no data rows", "line 1"],
        ),
        bad(
            "too few cells",
            "arm,months,death\ncontrol,3,1\ntreatment,4\n",
            &["line 3:", "2 fields", "header has 3"],
        ),
        bad(
            "too many cells",
            "arm,months,death\ncontrol,3,1,7\n",
            &["line 2:", "4 fields", "header has 3"],
        ),
        bad(
            "non-numeric time",
            "arm,months,death\ncontrol,3,1\ntreatment,three,1\n",
            &[
                "line 3:",
                "column `months`",
                "`three`",
                "not a number",
                ">= 0",
            ],
        ),
        bad(
            "negative time",
            "arm,months,death\ncontrol,-2,1\n",
            &["line 2:", "`-2` is negative", ">= 0"],
        ),
        bad(
            "NaN time",
            "arm,months,death\ncontrol,NaN,1\n",
            &["line 2:", "`NaN` is not a finite number"],
        ),
        bad(
            "infinite time",
            "arm,months,death\ncontrol,1,1\ntreatment,inf,1\n",
            &["line 3:", "`inf` is not a finite number"],
        ),
        bad(
            "missing time (NA)",
            "arm,months,death\ncontrol,NA,1\n",
            &["line 2:", "`NA` (a missing value)"],
        ),
        bad(
            "event not 0/1",
            "arm,months,death\ncontrol,3,2\n",
            &[
                "line 2:",
                "column `death`",
                "`2`",
                "1 (event) or 0 (censored)",
            ],
        ),
        bad(
            "unknown arm",
            "arm,months,death\ncontrol,3,1\nplacebo,4,1\n",
            &[
                "line 3:",
                "column `arm`",
                "`placebo`",
                "treatment or control",
            ],
        ),
        bad(
            "only one arm",
            "arm,months,death\ncontrol,3,1\n0,4,0\n",
            &[
                "no patients in the treatment arm",
                "column `arm`",
                "from line 2 to line 3",
            ],
        ),
        bad(
            "missing column",
            "arm,time,death\ncontrol,3,1\n",
            &["line 1:", "no time column `months`", "arm, time, death"],
        ),
        bad(
            "semicolons",
            "arm;months;death\ncontrol;3;1\n",
            &["line 1:", "no time column", "separated by `;`"],
        ),
        bad(
            "text after a closing quote",
            "arm,months,death\n\"control\"x,3,1\n",
            &["line 2:", "after the closing"],
        ),
        Bad {
            what: "not UTF-8 (Latin-1)",
            bytes: b"arm,months,death\ncontrol,3,1\ntr\xe8s,4,0\n".to_vec(),
            expect: &["line 3:", "not UTF-8", "0xE8"],
        },
        Bad {
            what: "UTF-16",
            bytes: {
                let mut v = vec![0xFF, 0xFE];
                for c in "arm,months,death\n".encode_utf16() {
                    v.extend(c.to_le_bytes());
                }
                v
            },
            expect: &["UTF-16"],
        },
        Bad {
            what: "an xlsx workbook",
            bytes: b"PK\x03\x04\x14\x00\x06\x00".to_vec(),
            expect: &["ZIP archive", "export it as CSV"],
        },
        bad(
            "a 5000-character value",
            &format!("arm,months,death\ncontrol,{},1\n", "9x".repeat(2500)),
            &["line 2:", "column `months`", "...` is not a number"],
        ),
    ]
}

#[test]
fn every_malformed_csv_gives_one_short_line_and_exit_2() {
    let dir = TempDir::new().unwrap();
    let mut failures = Vec::new();
    for (i, case) in bad_csvs().iter().enumerate() {
        let path = write(dir.path(), &format!("bad{i:02}.csv"), &case.bytes);
        let line = match error_line(&mut analyze(&path, &[])) {
            Ok(line) => line,
            Err(e) => {
                failures.push(format!("{}: {e}", case.what));
                continue;
            }
        };
        eprintln!("{:<26} {line}", case.what);
        let shown = path.display().to_string();
        let message = line
            .strip_prefix("enrichsim: error: ")
            .and_then(|l| l.strip_prefix(shown.as_str()))
            .unwrap_or(&line);
        if !line.contains(&shown) {
            failures.push(format!("{}: no file name: {line}", case.what));
        }
        if message.chars().count() >= 300 {
            failures.push(format!(
                "{}: {} characters after the file name: {line}",
                case.what,
                message.chars().count()
            ));
        }
        if line.contains("line 0") {
            failures.push(format!("{}: line 0: {line}", case.what));
        }
        if let Err(e) = mentions(&line, case.expect) {
            failures.push(format!("{}: {e}", case.what));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_same_column_for_two_roles_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = write(dir.path(), "d.csv", b"arm,months,death\ncontrol,3,1\n");
    let line = fails_with_one_line(
        enrichsim()
            .arg("analyze")
            .arg(&path)
            .args(["--time", "months", "--event", "months", "--arm", "arm"]),
    );
    assert_mentions(&line, &["--event", "`months`", "--time"], "two roles");
}

/// A small data set with strata, as text with LF line ends.
const SMALL: &str = "id,arm,months,death,stratum\n\
1,treatment,2.5,1,a\n2,control,1.25,1,a\n3,treatment,7,0,a\n4,control,3.75,1,a\n\
5,treatment,4.5,1,b\n6,control,6,1,b\n7,treatment,9.5,1,b\n8,control,2,0,b\n\
9,control,5.5,1,a\n10,treatment,8.25,1,b\n";

#[test]
fn crlf_bom_and_quotes_give_the_same_report() {
    let dir = TempDir::new().unwrap();
    let lf = write(dir.path(), "lf.csv", SMALL.as_bytes());
    let expected = stdout_of(&mut analyze(
        &lf,
        &["--strata", "stratum", "--format", "json"],
    ));
    let crlf = SMALL.replace('\n', "\r\n");
    let quoted = SMALL
        .replace(",a\n", ",\"a\"\n")
        .replace("treatment", "\"treatment\"");
    for (name, text) in [
        ("crlf.csv", crlf.clone()),
        ("bom.csv", format!("\u{feff}{SMALL}")),
        ("bom-crlf.csv", format!("\u{feff}{crlf}")),
        ("quoted.csv", quoted),
    ] {
        let path = write(dir.path(), name, text.as_bytes());
        let got = stdout_of(&mut analyze(
            &path,
            &["--strata", "stratum", "--format", "json"],
        ));
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn kaplan_meier_medians_are_the_data_times_exactly() {
    // R: survfit(Surv(futime, status) ~ trt, retinopathy): control median 43.7, a time in the
    // data (tests/r/oracle_retinopathy.R). The table's truncated sort key gave
    // 43.69999999998254.
    let o = oracle_json("retinopathy.expected.json");
    let mut cmd = enrichsim();
    cmd.arg("analyze")
        .arg(oracle("retinopathy.csv"))
        .args(["--time", "futime", "--event", "status", "--arm", "trt"]);
    let text = stdout_of(cmd.args(["--format", "json"]));
    let v: Value = serde_json::from_str(&text).unwrap();
    let want = o["km_median"]["control"].as_f64().unwrap();
    assert_eq!(want.to_bits(), 43.7f64.to_bits());
    assert_eq!(
        v["km_median_control"].as_f64().unwrap().to_bits(),
        want.to_bits()
    );
    assert!(text.contains("\"km_median_control\": 43.7,"), "{text}");
    assert!(v["km_median_treatment"].is_null() && o["km_median"]["treatment"].is_null());
    assert_eq!(v["n"], o["n"]);
    assert_eq!(v["events"], o["events"]);
    assert_close!(
        v["logrank_z"].as_f64().unwrap(),
        o["logrank"]["z"].as_f64().unwrap(),
        1e-6
    );
    assert_close!(
        v["logrank_p_two_sided"].as_f64().unwrap(),
        o["logrank"]["p"].as_f64().unwrap(),
        1e-6
    );
    assert_close!(
        v["cox_hr"].as_f64().unwrap(),
        o["cox_efron"]["hr"].as_f64().unwrap(),
        1e-6
    );
    // CSV carries the exact value too.
    let mut cmd = enrichsim();
    cmd.arg("analyze")
        .arg(oracle("retinopathy.csv"))
        .args(["--time", "futime", "--event", "status", "--arm", "trt"]);
    let csv = stdout_of(cmd.args(["--format", "csv"]));
    let (header, values) = csv.split_once('\n').unwrap();
    let i = header
        .split(',')
        .position(|k| k == "km_median_control")
        .unwrap();
    assert_eq!(values.trim_end().split(',').nth(i), Some("43.7"));
}

#[test]
fn midpoint_medians_are_midpoints_of_the_data_times() {
    // Control: deaths at 0.1 and 0.3 among 4 patients, S = 0.75, 0.5 (flat at 0.5), next death
    // at 0.7: R's median is (0.3 + 0.7) / 2 computed from the data's doubles. Treatment: S =
    // 0.5 at its last death 0.2, then censored at 0.9: the midpoint with the last follow-up.
    let dir = TempDir::new().unwrap();
    let path = write(
        dir.path(),
        "mid.csv",
        b"arm,months,death\ncontrol,0.1,1\ncontrol,0.3,1\ncontrol,0.7,1\ncontrol,0.8,0\n\
          treatment,0.2,1\ntreatment,0.9,0\n",
    );
    let v = json(&mut analyze(&path, &[]));
    assert_eq!(
        v["km_median_control"].as_f64().unwrap().to_bits(),
        ((0.3f64 + 0.7) / 2.0).to_bits()
    );
    assert_eq!(
        v["km_median_treatment"].as_f64().unwrap().to_bits(),
        ((0.2f64 + 0.9) / 2.0).to_bits()
    );
}

#[test]
fn p_values_name_their_sidedness() {
    let data = oracle("survival-dataset1.csv");
    let o = oracle_json("survival-dataset1.expected.json");
    let base = || {
        let mut cmd = enrichsim();
        cmd.arg("analyze").arg(&data).args([
            "--time",
            "months",
            "--event",
            "death",
            "--arm",
            "arm",
            "--strata",
            "pnfh_stratum",
            "--test",
            "fh(0,1)",
        ]);
        cmd
    };
    let v = json(&mut base());
    // The new names and the old carry the same values.
    assert_eq!(v["logrank_p_two_sided"], v["logrank_p"]);
    assert_eq!(v["cox_wald_p_two_sided"], v["cox_wald_p"]);
    assert_eq!(v["p_one_sided"], v["p"]);
    assert_close!(
        v["logrank_p_two_sided"].as_f64().unwrap(),
        o["stratified_logrank_p"].as_f64().unwrap(),
        1e-6
    );
    // One-sided: 1 - Phi(z).
    assert_close!(
        v["p_one_sided"].as_f64().unwrap(),
        enrichsim::stats::normal::sf(v["z"].as_f64().unwrap()),
        1e-12
    );
    // Text and Markdown: labelled, fixed decimals (no exponent); p = 0.325751975903314 for
    // the stratified log-rank.
    for format in ["text", "markdown"] {
        let out = stdout_of(base().args(["--format", format]));
        let line = |label: &str| {
            out.lines()
                .find(|l| l.contains(label))
                .unwrap_or_else(|| panic!("{format}: no `{label}` in\n{out}"))
                .to_string()
        };
        assert!(line("two-sided p").contains("0.3258"), "{format}:\n{out}");
        assert!(line("Wald test, two-sided p").contains("0."), "{format}");
        assert!(line("one-sided p").contains("0."), "{format}");
        for l in out.lines().filter(|l| l.contains("-sided p")) {
            let chars: Vec<char> = l.chars().collect();
            let exponent = chars
                .windows(2)
                .any(|w| w[0].is_ascii_digit() && (w[1] == 'e' || w[1] == 'E'));
            assert!(!exponent, "{format}: exponent in `{l}`");
        }
    }
    // Very small p: "< 0.0001" (retinopathy: log-rank p = 2.4e-6).
    let mut cmd = enrichsim();
    cmd.arg("analyze")
        .arg(oracle("retinopathy.csv"))
        .args(["--time", "futime", "--event", "status", "--arm", "trt"]);
    let out = stdout_of(&mut cmd);
    let l = out.lines().find(|l| l.contains("  two-sided p")).unwrap();
    assert!(l.trim_end().ends_with("< 0.0001"), "{l}");
}

/// Three strata: `c` has treated patients only.
const ONE_ARM_STRATUM: &str = "arm,months,death,stratum\n\
treatment,2.5,1,a\ncontrol,1.25,1,a\ntreatment,7,0,a\ncontrol,3.75,1,a\ncontrol,5.5,1,a\n\
treatment,4.5,1,b\ncontrol,6,1,b\ntreatment,9.5,1,b\ncontrol,2,0,b\ntreatment,8.25,1,b\n\
treatment,3,1,c\ntreatment,6.5,0,c\ntreatment,1.5,1,c\n";

#[test]
fn stratified_rmst_and_milestone_say_which_strata_they_drop() {
    let dir = TempDir::new().unwrap();
    let with_c = write(dir.path(), "with_c.csv", ONE_ARM_STRATUM.as_bytes());
    let without: String = ONE_ARM_STRATUM
        .lines()
        .filter(|l| !l.ends_with(",c"))
        .map(|l| format!("{l}\n"))
        .collect();
    let without_c = write(dir.path(), "without_c.csv", without.as_bytes());
    for test in ["stratified_rmst(6)", "stratified_milestone(4)"] {
        let args = ["--strata", "stratum", "--test", test];
        let v = json(&mut analyze(&with_c, &args));
        assert_eq!(v["dropped_strata"], serde_json::json!(["c"]), "{test}");
        let notes: Vec<&str> = v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        let note = notes
            .iter()
            .find(|n| n.contains("left out"))
            .unwrap_or_else(|| panic!("{test}: no note in {notes:?}"));
        assert_mentions(
            note,
            &[
                test,
                "stratum `c` (treatment 3, control 0)",
                "one arm only",
                "10 patients",
            ],
            test,
        );
        // The rule: the same estimate as without the stratum (weights renormalised).
        let w = json(&mut analyze(&without_c, &args));
        assert_eq!(w["dropped_strata"], serde_json::json!([]), "{test}");
        assert!(w["notes"].as_array().unwrap().len() == 1, "{w}");
        for key in ["estimate", "se", "z", "p_one_sided", "estimate_treatment"] {
            assert_close!(v[key].as_f64().unwrap(), w[key].as_f64().unwrap(), 1e-13);
        }
        // The text report prints the note.
        let text = stdout_of(&mut analyze(&with_c, &args));
        assert!(text.contains("stratum `c`"), "{text}");
    }
    // Every stratum with one arm only: undefined, and said.
    let all_one = write(
        dir.path(),
        "split.csv",
        b"arm,months,death,stratum\ntreatment,1,1,a\ntreatment,2,0,a\ncontrol,1.5,1,b\ncontrol,3,1,b\n",
    );
    let v = json(&mut analyze(
        &all_one,
        &["--strata", "stratum", "--test", "stratified_rmst(1.8)"],
    ));
    assert_eq!(v["dropped_strata"], serde_json::json!(["a", "b"]));
    assert_eq!(v["z"], 0.0);
    assert_eq!(v["p_one_sided"], 1.0);
    assert!(v["notes"].to_string().contains("undefined"), "{v}");
}

#[test]
fn no_timefix_is_said_in_the_notes() {
    let v = json(&mut analyze(&oracle("timefix-dataset.csv"), &[]));
    assert_eq!(v["timefix"], true);
    assert_eq!(v["timefix_changed"], 24);
    assert!(
        v["notes"][0].as_str().unwrap().contains("timefix = TRUE"),
        "{v}"
    );
    let w = json(&mut analyze(
        &oracle("timefix-dataset.csv"),
        &["--no-timefix"],
    ));
    assert_eq!(w["timefix"], false);
    assert_eq!(w["timefix_changed"], 0);
    assert!(
        w["notes"][0].as_str().unwrap().starts_with("--no-timefix"),
        "{w}"
    );
    // The near ties decide the log-rank's sign here (tests/it/oracle_timefix.rs has R's values).
    assert!(v["logrank_z"].as_f64().unwrap() > 0.0);
    assert!(w["logrank_z"].as_f64().unwrap() < 0.0);
    let text = stdout_of(&mut analyze(&oracle("timefix-dataset.csv"), &[]));
    assert!(text.contains("Notes\n  - timefix"), "{text}");
}
