//! `read_csv`: well-formed files and every kind of malformed file, each giving an
//! `Error::Data` that names the line (header = line 1) and the culprit.

use enrichsim::Error;
use enrichsim::analysis::dataset::{Columns, read_csv};
use std::path::PathBuf;

fn columns(strata: bool) -> Columns {
    Columns {
        time: "months".into(),
        event: "death".into(),
        arm: "arm".into(),
        strata: strata.then(|| "stratum".into()),
    }
}

/// Writes `text` to a file in a fresh temporary directory (kept alive by the returned guard).
fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data.csv");
    std::fs::write(&path, text).expect("write csv");
    (dir, path)
}

/// Reads `text` expecting a data error; returns (line, message).
fn data_error(text: &str, strata: bool) -> (u64, String) {
    let (_dir, path) = write(text);
    match read_csv(&path, &columns(strata)) {
        Err(Error::Data {
            file,
            line,
            message,
        }) => {
            assert!(file.ends_with("data.csv"), "file {file}");
            (line, message)
        }
        Err(e) => panic!("expected a data error, got {e}"),
        Ok(d) => panic!("expected an error, read {d:?}"),
    }
}

#[test]
fn reads_a_good_file() {
    let text = "id,stratum,arm,months,death\n\
                1,low,treatment,3.5,1\n\
                2,high,Control,0,0\n\
                3,low,1,12,true\n\
                4,mid,0, 7.25 ,FALSE\n";
    let (_dir, path) = write(text);
    let d = read_csv(&path, &columns(true)).expect("reads");
    assert_eq!(d.time, vec![3.5, 0.0, 12.0, 7.25]);
    assert_eq!(d.event, vec![true, false, true, false]);
    assert_eq!(d.treated, vec![true, false, true, false]);
    assert_eq!(d.stratum, vec![0, 1, 0, 2]);
    assert_eq!(d.strata_names, vec!["low", "high", "mid"]);
    // Without a strata column every patient is in stratum 0 and there are no names.
    let d = read_csv(&path, &columns(false)).expect("reads");
    assert_eq!(d.stratum, vec![0; 4]);
    assert!(d.strata_names.is_empty());
}

#[test]
fn missing_column_lists_the_columns_present() {
    let (line, msg) = data_error("id,arm,time,death\n1,control,3,1\n", false);
    assert_eq!(line, 1);
    assert!(msg.contains("`months`"), "{msg}");
    assert!(msg.contains("id, arm, time, death"), "{msg}");
}

#[test]
fn missing_strata_column() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1\n", true);
    assert_eq!(line, 1);
    assert!(msg.contains("strata column `stratum`"), "{msg}");
}

#[test]
fn non_numeric_time() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1\ntreatment,abc,1\n", false);
    assert_eq!(line, 3);
    assert!(msg.contains("`months`") && msg.contains("`abc`"), "{msg}");
    assert!(msg.contains("finite number of months >= 0"), "{msg}");
}

#[test]
fn negative_or_infinite_time() {
    let (line, msg) = data_error(
        "arm,months,death\ncontrol,3,1\ncontrol,2,0\ntreatment,-1.5,1\n",
        false,
    );
    assert_eq!(line, 4);
    assert!(msg.contains("`-1.5`") && msg.contains(">= 0"), "{msg}");
    let (line, msg) = data_error("arm,months,death\ncontrol,inf,1\n", false);
    assert_eq!(line, 2);
    assert!(msg.contains("`inf`"), "{msg}");
    let (line, msg) = data_error("arm,months,death\ncontrol,,1\n", false);
    assert_eq!(line, 2);
    assert!(msg.contains("`months`: value ``"), "{msg}");
}

#[test]
fn event_not_zero_or_one() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1\ntreatment,4,2\n", false);
    assert_eq!(line, 3);
    assert!(msg.contains("`death`") && msg.contains("`2`"), "{msg}");
    assert!(msg.contains("1 (event) or 0 (censored)"), "{msg}");
}

#[test]
fn unknown_arm_label() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1\nplacebo,4,1\n", false);
    assert_eq!(line, 3);
    assert!(msg.contains("`arm`") && msg.contains("`placebo`"), "{msg}");
    assert!(msg.contains("treatment or control"), "{msg}");
}

#[test]
fn wrong_field_count() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1\ntreatment,4\n", false);
    assert_eq!(line, 3);
    assert!(
        msg.contains("2 fields") && msg.contains("header has 3"),
        "{msg}"
    );
}

#[test]
fn empty_file() {
    let (line, msg) = data_error("", false);
    assert_eq!(line, 0);
    assert!(
        msg.contains("empty") && msg.contains("months, death, arm"),
        "{msg}"
    );
}

#[test]
fn header_only() {
    let (line, msg) = data_error("arm,months,death\n", false);
    assert_eq!(line, 0);
    assert!(msg.contains("no data rows"), "{msg}");
}

#[test]
fn an_arm_with_no_patients() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1\ncontrol,4,0\n", false);
    assert_eq!(line, 0);
    assert!(msg.contains("no patients in the treatment arm"), "{msg}");
}

#[test]
fn empty_stratum_label() {
    let (line, msg) = data_error(
        "stratum,arm,months,death\na,control,3,1\n,treatment,4,0\n",
        true,
    );
    assert_eq!(line, 3);
    assert!(
        msg.contains("`stratum`") && msg.contains("empty stratum label"),
        "{msg}"
    );
}

#[test]
fn error_display_names_file_and_line() {
    let (_dir, path) = write("arm,months,death\ncontrol,x,1\n");
    let e = read_csv(&path, &columns(false)).expect_err("bad time");
    let s = e.to_string();
    assert!(s.contains("data.csv: line 2: column `months`"), "{s}");
}

#[test]
fn unreadable_file_is_an_io_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = read_csv(&dir.path().join("nope.csv"), &columns(false)).expect_err("missing file");
    assert!(matches!(e, Error::Io { .. }), "{e}");
}
