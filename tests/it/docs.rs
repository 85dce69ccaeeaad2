//! The reference documents cannot drift from the code:
//! - docs/scenario.md has a row for every key the scenario parser accepts (the tables of
//!   `enrichsim::scenario::schema`, which the parser's readers check against), and every key it
//!   documents is one the parser accepts;
//! - docs/output.md has a row for every field of the JSON output of every command, collected by
//!   running the binary on the shipped scenarios and on variants that reach the optional fields.
//!
//! A row is a line of a Markdown table whose first cell is the dotted path in backticks:
//! `` | `design.sequential.looks` | ... ``. In a path, `<name>` stands for a name chosen in the
//! file or the data (a stratum, a hypothesis, a prior entry, a test, a varied key) and `[]` for
//! an element of an array.

use crate::common::*;
use enrichsim::scenario::schema;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn doc(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The paths of a document's rows: the first cell of each table line, when it is in backticks.
fn rows(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let cell = line.strip_prefix("| `")?;
            let end = cell.find("` |").or_else(|| cell.find('`'))?;
            Some(cell[..end].to_string())
        })
        .collect()
}

fn is_placeholder(component: &str) -> bool {
    component.starts_with('<') && component.trim_end_matches("[]").ends_with('>')
}

/// Scenario tables whose keys are names the file chooses, as docs/scenario.md writes them.
const NAMED: &[&str] = &[
    "control",
    "effect.hazard_ratio",
    "design.hypotheses",
    "design.hypotheses.weights",
    "design.hypotheses.transitions",
    "design.hypotheses.transitions.<hypothesis>",
    "prior.hazard_ratio",
    "function.decline",
    "function.effect.slowing",
    "function.prior.slowing",
];

#[test]
fn every_scenario_key_the_parser_accepts_is_documented() {
    let documented = rows(&doc("scenario.md"));
    let mut missing = Vec::new();
    for table in schema::ALL {
        for path in table.paths {
            for key in table.keys {
                let full = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                if !documented.contains(&full) {
                    missing.push(full);
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys the parser accepts without a row in docs/scenario.md: {missing:?}"
    );
}

#[test]
fn every_documented_scenario_key_is_accepted() {
    let mut accepted: BTreeSet<(String, String)> = BTreeSet::new();
    for table in schema::ALL {
        for path in table.paths {
            for key in table.keys {
                accepted.insert((path.to_string(), key.to_string()));
            }
        }
    }
    let mut unknown = Vec::new();
    for row in rows(&doc("scenario.md")) {
        let (table, key) = row.rsplit_once('.').unwrap_or(("", row.as_str()));
        let ok = if is_placeholder(key) {
            NAMED.contains(&table)
        } else {
            accepted.contains(&(table.to_string(), key.to_string()))
        };
        if !ok {
            unknown.push(row.clone());
        }
    }
    assert!(
        unknown.is_empty(),
        "rows of docs/scenario.md for keys the parser refuses: {unknown:?}"
    );
}

#[test]
fn the_scenario_check_fails_without_a_row() {
    // The check above must be able to fail: the document less one row misses that key.
    let text = doc("scenario.md");
    let less: String = text
        .lines()
        .filter(|l| !l.starts_with("| `design.sequential.looks`"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(rows(&text).contains("design.sequential.looks"));
    assert!(!rows(&less).contains("design.sequential.looks"));
}

/// The paths of every field of a JSON value, each a list of components: a field's name, `[]`
/// appended for the elements of an array of objects or arrays.
fn flatten(value: &Value, prefix: &mut Vec<String>, out: &mut BTreeSet<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                prefix.push(k.clone());
                out.insert(prefix.clone());
                flatten(v, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
            let last = prefix.pop().expect("arrays are fields");
            prefix.push(format!("{last}[]"));
            for v in items {
                flatten(v, prefix, out);
            }
            prefix.pop();
            prefix.push(last);
        }
        _ => {}
    }
}

/// Whether a documented path (`run.tests.<test>.power`) covers a field's path.
fn covers(row: &[&str], path: &[String]) -> bool {
    row.len() == path.len()
        && row
            .iter()
            .zip(path)
            .all(|(r, p)| r == p || (is_placeholder(r) && r.ends_with("[]") == p.ends_with("[]")))
}

/// Runs `enrichsim ARGS --format json` and returns its output's field paths under `command`.
fn fields(command: &str, args: &[&str]) -> BTreeSet<Vec<String>> {
    let mut cmd = enrichsim();
    cmd.arg(command).args(args).args(["--format", "json"]);
    let text = stdout_of(&mut cmd);
    let value: Value = serde_json::from_str(&text).expect("JSON output");
    let mut out = BTreeSet::new();
    flatten(&value, &mut vec![command.to_string()], &mut out);
    out
}

#[test]
fn every_json_output_field_is_documented() {
    let documented = rows(&doc("output.md"));
    let documented: Vec<Vec<&str>> = documented.iter().map(|r| r.split('.').collect()).collect();
    let scenario = |name: &str| scenario_path(name).display().to_string();
    let data = oracle("survival-dataset1.csv").display().to_string();
    let enriched = scenario("phase3-enriched.toml");
    let sequential = scenario("phase3-enriched-sequential.toml");
    let hierarchical = scenario("phase3-allcomers-hierarchical.toml");
    let adaptive = scenario("phase3-adaptive-enrichment.toml");
    let prior = scenario("phase3-enriched-prior.toml");
    let reestimation = scenario("phase3-enriched-reestimation.toml");
    let reps = ["--reps", "200", "--quiet"];
    let mut seen = BTreeSet::new();
    for f in [
        &enriched,
        &sequential,
        &hierarchical,
        &adaptive,
        &prior,
        &reestimation,
    ] {
        seen.extend(fields("run", &[&[f.as_str()][..], &reps].concat()));
        seen.extend(fields("validate", &[f.as_str()]));
        seen.extend(fields("design", &[f.as_str()]));
    }
    seen.extend(fields("design", &[sequential.as_str(), "--at-hr", "1,0.7"]));
    seen.extend(fields("design", &[enriched.as_str(), "--at-hr", "1,0.7"]));
    seen.extend(fields(
        "run",
        &[
            &[
                scenario("mirocals-phase2b.toml").as_str(),
                "--set",
                r#"design.tests=["logrank","fh(0,1)","rmst(18)"]"#,
            ][..],
            &reps,
        ]
        .concat(),
    ));
    seen.extend(fields("validate", &[&scenario("mirocals-phase2b.toml")]));
    let function = scenario("phase3-enriched-function.toml");
    seen.extend(fields(
        "run",
        &[
            &[
                function.as_str(),
                "--set",
                r#"design.tests=["slope","cafs(12)"]"#,
            ][..],
            &reps,
        ]
        .concat(),
    ));
    seen.extend(fields("validate", &[function.as_str()]));
    let dir = tempfile::TempDir::new().unwrap();
    let long = dir.path().join("long.csv");
    std::fs::write(
        &long,
        "id,arm,months,death,time,score\na,treatment,10,1,0,40\na,treatment,10,1,6,37\nb,control,12,0,0,41\nb,control,12,0,6,33\nc,treatment,9,0,0,39\nc,treatment,9,0,6,36\nd,control,20,1,0,44\nd,control,20,1,6,38\n",
    )
    .unwrap();
    let long = long.display().to_string();
    for test in ["slope", "mmrm(6)", "cafs(6)"] {
        seen.extend(fields(
            "analyze",
            &[
                long.as_str(),
                "--time",
                "months",
                "--event",
                "death",
                "--arm",
                "arm",
                "--id",
                "id",
                "--visit-time",
                "time",
                "--score",
                "score",
                "--test",
                test,
            ],
        ));
    }
    let blinded = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/predict");
    for extra in [&["--hazard", "auto:6,12"][..], &["--horizon", "24"]] {
        seen.extend(fields(
            "predict",
            &[
                &[
                    blinded.join("trial.toml").to_str().unwrap(),
                    blinded.join("blinded.csv").to_str().unwrap(),
                    "--sims",
                    "200",
                ][..],
                extra,
            ]
            .concat(),
        ));
    }
    seen.extend(fields(
        "boundaries",
        &[
            "--looks",
            "3",
            "--spending",
            "asOF",
            "--power",
            "0.9",
            "--futility",
            "asOF",
            "--events",
            "230",
        ],
    ));
    seen.extend(fields(
        "boundaries",
        &["--spending", "WToptimum", "--optimize", "ASNsum"],
    ));
    seen.extend(fields(
        "boundaries",
        &[
            "--lower-spending",
            "asP",
            "--lower-alpha",
            "0.1",
            "--power",
            "0.9",
            "--events",
            "230",
        ],
    ));
    for extra in [
        &["--strata", "pnfh_stratum"][..],
        &["--test", "maxcombo"],
        &["--test", "rmst(18)"],
    ] {
        seen.extend(fields(
            "analyze",
            &[&[data.as_str()][..], &ORACLE_COLUMNS, extra].concat(),
        ));
    }
    // monitor: look 2 of a simulated trial (the stage-wise inference and the conditional power
    // at the look to come), with a prior (its SD)
    let look2 = oracle("monitor-look2.csv").display().to_string();
    seen.extend(fields(
        "monitor",
        &[
            sequential.as_str(),
            look2.as_str(),
            "--look",
            "2",
            "--previous",
            "77:0.978",
            "--time",
            "months",
            "--event",
            "death",
            "--arm",
            "arm",
            "--strata",
            "stratum",
            "--prior",
            "0.65,0.45,0.95",
        ],
    ));
    seen.extend(fields(
        "sweep",
        &[
            &[prior.as_str(), "--vary", "design.sample_size=400,500"][..],
            &reps,
        ]
        .concat(),
    ));
    seen.extend(fields(
        "compare",
        &[
            &[enriched.as_str(), hierarchical.as_str(), adaptive.as_str()][..],
            &reps,
        ]
        .concat(),
    ));
    seen.extend(fields(
        "size",
        &[
            enriched.as_str(),
            "--target-power",
            "0.8",
            "--reps",
            "400",
            "--quiet",
        ],
    ));
    let missing: Vec<String> = seen
        .iter()
        .filter(|path| !documented.iter().any(|row| covers(row, path)))
        .map(|path| path.join("."))
        .collect();
    assert!(
        missing.is_empty(),
        "JSON fields without a row in docs/output.md: {missing:#?}"
    );
    // The check can fail: a made-up field is not covered.
    let made_up = vec!["run".to_string(), "no_such_field".to_string()];
    assert!(!documented.iter().any(|row| covers(row, &made_up)));
}

#[test]
fn help_names_the_reference_documents() {
    let help = stdout_of(enrichsim().arg("--help"));
    assert!(
        help.contains("docs/scenario.md") && help.contains("docs/output.md"),
        "{help}"
    );
}

/// The number after `marker` in `text` (digits, a point, a minus sign).
fn number_after(text: &str, marker: &str) -> Option<f64> {
    let rest = &text[text.find(marker)? + marker.len()..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(rest.len());
    rest[..end].trim_end_matches('.').parse().ok()
}

#[test]
fn the_shipped_scenarios_comments_state_their_closed_form_design() {
    // Each shipped scenario whose analysis line says what `enrichsim design --power 0.9` gives
    // (`# design --power 0.9: 241.4 deaths (242) at the average HR 0.659; these 230: power 0.886
    // (closed form)`) must say it truly, to the digits written.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let Some(line) = text.lines().find(|l| l.contains("# design --power 0.9:")) else {
            continue;
        };
        let comment = &line[line.find("# design --power 0.9:").unwrap()..];
        let design: Value = serde_json::from_str(&stdout_of(
            enrichsim()
                .arg("design")
                .arg(path)
                .args(["--power", "0.9", "--format", "json"]),
        ))
        .unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let said = |marker: &str| {
            number_after(comment, marker).unwrap_or_else(|| panic!("{name}: no `{marker}` figure"))
        };
        let round = |x: f64, d: i32| (x * 10f64.powi(d)).round() / 10f64.powi(d);
        let f = |k: &str| design[k].as_f64().unwrap();
        assert_eq!(said("0.9: "), round(f("events"), 1), "{name}: {comment}");
        assert_eq!(said("deaths ("), f("events_to_plan"), "{name}: {comment}");
        assert_eq!(
            said("average HR "),
            round(f("average_hr_at_scenario"), 3),
            "{name}: {comment}"
        );
        assert_eq!(said(": power "), round(f("power"), 3), "{name}: {comment}");
        let events = number_after(line, "events = ").unwrap();
        assert_eq!(said("these "), events, "{name}: {comment}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} scenarios state their design");
}
