//! `enrichsim predict` run as a user would: the worked example of docs/predict.md, the same
//! bytes for the same seed whatever the threads, the plot, and every kind of bad input refused
//! in one line naming the file and line (or option), exit code 2.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("predict")
        .join(name)
}

fn predict(data: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = enrichsim();
    cmd.arg("predict")
        .arg(example("trial.toml"))
        .arg(data)
        .args(["--sims", "300"])
        .args(extra);
    cmd
}

#[test]
fn the_worked_example_predicts_both_looks() {
    let data = example("blinded.csv");
    let json: Value = serde_json::from_str(&stdout_of(&mut predict(
        &data,
        &["--format", "json", "--threads", "1"],
    )))
    .unwrap();
    assert_eq!(json["patients"], 248);
    assert_eq!(json["cut_date"], "2025-07-15");
    let looks = json["looks"].as_array().unwrap();
    assert_eq!(looks.len(), 2);
    assert_eq!(looks[0]["events"], 130);
    assert_eq!(looks[1]["events"], 260);
    for l in looks {
        let d = &l["date"];
        let dates: Vec<&str> = ["lower_95", "lower_80", "median", "upper_80", "upper_95"]
            .iter()
            .map(|k| d[k].as_str().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
        assert!(dates[0] > "2025-07-15", "{dates:?}");
    }
    // Same seed, same bytes, whatever the threads.
    let two = stdout_of(&mut predict(&data, &["--format", "json", "--threads", "2"]));
    assert_eq!(json, serde_json::from_str::<Value>(&two).unwrap());
    // The plot.
    let dir = TempDir::new().unwrap();
    let svg = dir.path().join("p.svg");
    stdout_of(&mut predict(&data, &["--plot", svg.to_str().unwrap()]));
    let text = std::fs::read_to_string(&svg).unwrap();
    for label in [
        "observed",
        "predicted median",
        "95% prediction band",
        "look 2: 260 deaths",
    ] {
        assert!(text.contains(label), "{label}");
    }
    let png = dir.path().join("p.png");
    stdout_of(&mut predict(&data, &["--plot", png.to_str().unwrap()]));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn months_data_and_options() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("m.csv");
    let mut text = String::from("entry,status,date\n");
    for i in 0..120 {
        let entry = i as f64 * 0.1;
        let status = ["event", "ongoing", "ongoing", "dropout", "ongoing"][i % 5];
        let last = if status == "ongoing" {
            String::new()
        } else {
            format!("{}", entry + (i % 7) as f64 * 0.3 + 0.05)
        };
        text.push_str(&format!("{entry},{status},{last}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let json: Value = serde_json::from_str(&stdout_of(&mut predict(
        &path,
        &[
            "--months",
            "--cut",
            "14",
            "--events",
            "40,80",
            "--hazard",
            "piecewise:1",
            "--format",
            "json",
        ],
    )))
    .unwrap();
    assert_eq!(json["cut"], 14.0);
    assert_eq!(json["cut_date"], Value::Null);
    assert_eq!(json["hazard"]["model"], "piecewise");
    assert_eq!(json["looks"][0]["events"], 40);
    assert_eq!(json["looks"][0]["date"]["median"], Value::Null);
    assert!(json["looks"][0]["month"]["median"].as_f64().unwrap() > 14.0);
    for format in ["csv", "markdown", "text"] {
        stdout_of(&mut predict(
            &path,
            &["--months", "--events", "40", "--format", format],
        ));
    }
}

#[test]
fn bad_input_is_refused_in_one_line() {
    let dir = TempDir::new().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let head = "entry,status,date\n2024-01-01,event,2024-03-01\n";
    let cases: Vec<(&str, PathBuf, &[&str], Vec<&str>)> = vec![
        (
            "an unparsable entry date",
            write("a.csv", &format!("{head}2024-02-30,ongoing,\n")),
            &[],
            vec![
                "a.csv: line 3:",
                "column `entry`",
                "2024-02-30",
                "allowed: a date YYYY-MM-DD",
            ],
        ),
        (
            "an unparsable event date",
            write("b.csv", &format!("{head}2024-01-05,event,5/3/2024\n")),
            &[],
            vec!["b.csv: line 3:", "column `date`", "5/3/2024"],
        ),
        (
            "an entry after the cut",
            write("c.csv", &format!("{head}2024-05-01,ongoing,\n")),
            &["--cut", "2024-04-01"],
            vec![
                "c.csv: line 3:",
                "entry 2024-05-01 is after the cut 2024-04-01",
            ],
        ),
        (
            "an event after the cut",
            write("d.csv", &format!("{head}2024-01-05,event,2024-04-20\n")),
            &["--cut", "2024-04-01"],
            vec!["d.csv: line 3:", "2024-04-20 is after the cut"],
        ),
        (
            "censoring after the cut",
            write("e.csv", &format!("{head}2024-01-05,dropout,2024-04-20\n")),
            &["--cut", "2024-04-01"],
            vec!["e.csv: line 3:", "2024-04-20 is after the cut"],
        ),
        (
            "an event before entry",
            write("f.csv", &format!("{head}2024-03-05,event,2024-02-20\n")),
            &[],
            vec![
                "f.csv: line 3:",
                "2024-02-20 is before the entry 2024-03-05",
            ],
        ),
        (
            "an unknown status",
            write("g.csv", &format!("{head}2024-01-05,unknown,2024-02-20\n")),
            &[],
            vec![
                "g.csv: line 3:",
                "column `status`",
                "`unknown` is not a status",
            ],
        ),
        (
            "an empty file",
            write("h.csv", ""),
            &[],
            vec!["h.csv: the file (empty)"],
        ),
        (
            "no rows",
            write("i.csv", "entry,status,date\n"),
            &[],
            vec!["i.csv: no data rows"],
        ),
        (
            "a missing column",
            write("j.csv", "entry,state,date\n2024-01-01,event,2024-02-01\n"),
            &[],
            vec!["j.csv: line 1:", "no status column `status`"],
        ),
        (
            "no deaths",
            write(
                "k.csv",
                "entry,status,date\n2024-01-01,ongoing,\n2024-02-01,ongoing,\n",
            ),
            &["--cut", "2024-05-01"],
            vec!["k.csv:", "no deaths by the cut"],
        ),
        (
            "a bad --cut",
            write("l.csv", head),
            &["--cut", "yesterday"],
            vec!["option `--cut`: got yesterday"],
        ),
        (
            "a bad --hazard",
            write("m.csv", head),
            &["--hazard", "gompertz"],
            vec!["option `--hazard`: got gompertz"],
        ),
        (
            "bad --events",
            write("n.csv", head),
            &["--events", "300,150"],
            vec!["option `--events`: got 300,150"],
        ),
        (
            "a bad --plot",
            write("o.csv", head),
            &["--plot", "p.pdf"],
            vec!["option `--plot`"],
        ),
    ];
    for (what, path, extra, expect) in cases {
        let line = error_line(&mut predict(&path, extra)).unwrap_or_else(|e| panic!("{what}: {e}"));
        println!("{what}: {line}");
        assert_mentions(&line, &expect, what);
    }
}
