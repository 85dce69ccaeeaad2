//! `read_csv`: well-formed files and every kind of malformed file, each giving an
//! `Error::Data` that names the line (header = line 1) and the culprit, or, for the file as a
//! whole (empty, no data rows, an arm with no patients), an `Error::DataFile` whose message
//! says what is at fault instead of a line number.

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

/// Reads `text` expecting a problem of the whole file; returns its message.
fn file_error(text: &str, strata: bool) -> String {
    let (_dir, path) = write(text);
    match read_csv(&path, &columns(strata)) {
        Err(Error::DataFile { file, message }) => {
            assert!(file.ends_with("data.csv"), "file {file}");
            message
        }
        Err(e) => panic!("expected a whole-file error, got {e}"),
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
    for text in ["", "\n\n", "\u{feff}", "  \r\n"] {
        let msg = file_error(text, false);
        assert!(msg.starts_with("the file (empty)"), "{text:?}: {msg}");
        assert!(msg.contains("months, death, arm"), "{msg}");
    }
}

#[test]
fn header_only() {
    let msg = file_error("arm,months,death\n", false);
    assert!(msg.starts_with("no data rows"), "{msg}");
    assert!(msg.contains("line 1"), "{msg}");
}

#[test]
fn an_arm_with_no_patients() {
    let msg = file_error("arm,months,death\ncontrol,3,1\ncontrol,4,0\n", false);
    assert!(msg.starts_with("no patients in the treatment arm"), "{msg}");
    assert!(msg.contains("from line 2 to line 3"), "{msg}");
    let msg = file_error("arm,months,death\n1,3,1\ntreatment,4,0\n", false);
    assert!(msg.starts_with("no patients in the control arm"), "{msg}");
}

#[test]
fn whole_file_errors_print_without_a_line_number() {
    let (_dir, path) = write("arm,months,death\n");
    let s = read_csv(&path, &columns(false))
        .expect_err("header only")
        .to_string();
    assert!(s.contains("data.csv: no data rows"), "{s}");
    assert!(!s.contains("line 0"), "{s}");
}

#[test]
fn unterminated_quote_names_the_line_it_opens() {
    // Before, the rest of the file became one field and the message quoted all of it.
    let mut text = String::from("arm,months,death\ncontrol,3,1\ntreatment,\"4,1\n");
    for i in 0..2000 {
        text.push_str(&format!("control,{i}.5,0\n"));
    }
    let (line, msg) = data_error(&text, false);
    assert_eq!(line, 3);
    assert!(
        msg.starts_with("unterminated quoted field starting at line 3"),
        "{msg}"
    );
    assert!(msg.len() < 200, "{} characters: {msg}", msg.len());
    // Text after a closing quote.
    let (line, msg) = data_error("arm,months,death\ncontrol,\"3\"x,1\n", false);
    assert_eq!(line, 2);
    assert!(msg.contains("after the closing"), "{msg}");
}

#[test]
fn quoted_fields_and_headers() {
    let text = "\"id\",\"arm\",\"months\",\"death\",\"stratum\"\n\
                1,\"treatment\",\"3.5\",1,\"low, very\"\n\
                2,\"control\",4,0,\"say \"\"hi\"\"\"\n";
    let (_dir, path) = write(text);
    let d = read_csv(&path, &columns(true)).expect("reads");
    assert_eq!(d.time, vec![3.5, 4.0]);
    assert_eq!(d.strata_names, vec!["low, very", "say \"hi\""]);
}

#[test]
fn duplicated_header_names_both_positions() {
    let (line, msg) = data_error("arm,months,arm,death\ncontrol,3,control,1\n", false);
    assert_eq!(line, 1);
    assert!(
        msg.contains("`arm` twice, as columns 1 and 3") && msg.contains("header"),
        "{msg}"
    );
    let (line, msg) = data_error("months,arm,death,months\n3,control,1,4\n", false);
    assert_eq!(line, 1);
    assert!(msg.contains("`months` twice, as columns 1 and 4"), "{msg}");
}

#[test]
fn same_column_for_two_roles_is_a_usage_error() {
    let (_dir, path) = write("arm,months,death\ncontrol,3,1\n");
    let cols = Columns {
        event: "months".into(),
        ..columns(false)
    };
    let e = read_csv(&path, &cols).expect_err("two roles");
    assert!(matches!(e, Error::Usage { .. }), "{e}");
    assert!(
        e.to_string().contains("--event") && e.to_string().contains("--time"),
        "{e}"
    );
}

#[test]
fn too_many_fields() {
    let (line, msg) = data_error("arm,months,death\ncontrol,3,1,9\n", false);
    assert_eq!(line, 2);
    assert!(
        msg.contains("4 fields") && msg.contains("header has 3"),
        "{msg}"
    );
}

#[test]
fn nan_and_missing_times() {
    for (value, problem) in [
        ("NaN", "not a finite number"),
        ("nan", "not a finite number"),
        ("-inf", "not a finite number"),
        ("1e999", "not a finite number"),
        ("NA", "missing value"),
        ("3,5", "fields"),
    ] {
        let (line, msg) = data_error(
            &format!("arm,months,death\ncontrol,1,1\ntreatment,{value},1\n"),
            false,
        );
        assert_eq!(line, 3, "{value}");
        assert!(msg.contains(problem), "{value}: {msg}");
    }
}

#[test]
fn bom_and_line_ends() {
    let lf = "arm,months,death\ncontrol,3.25,1\ntreatment,4,0\n";
    let (_dir, path) = write(lf);
    let expected = read_csv(&path, &columns(false)).expect("LF");
    for text in [
        format!("\u{feff}{lf}"),
        lf.replace('\n', "\r\n"),
        format!("\u{feff}{}", lf.replace('\n', "\r\n")),
        lf.replace('\n', "\r"),
        lf.trim_end().to_string(),
        format!("\n\n{lf}\n\n"),
    ] {
        let (_dir, path) = write(&text);
        let d = read_csv(&path, &columns(false)).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(d, expected, "{text:?}");
    }
    // Line numbers count CRLF once.
    let (line, _) = data_error("arm,months,death\r\ncontrol,3,1\r\ncontrol,x,1\r\n", false);
    assert_eq!(line, 3);
}

#[test]
fn not_utf8() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data.csv");
    // Latin-1 "é" (0xE9) on line 3.
    std::fs::write(&path, b"arm,months,death\ncontrol,3,1\ntr\xe9atment,4,0\n").unwrap();
    match read_csv(&path, &columns(false)) {
        Err(Error::Data { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(
                message.contains("not UTF-8") && message.contains("0xE9"),
                "{message}"
            );
        }
        other => panic!("expected a data error, got {other:?}"),
    }
    std::fs::write(&path, [0xFF, 0xFE, b'a', 0, b',', 0]).unwrap();
    let e = read_csv(&path, &columns(false)).expect_err("UTF-16");
    assert!(e.to_string().contains("UTF-16"), "{e}");
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = "x".repeat(5000);
    let (_, msg) = data_error(&format!("arm,months,death\ncontrol,{long},1\n"), false);
    assert!(msg.len() < 300, "{} characters", msg.len());
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
