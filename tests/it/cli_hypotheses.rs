//! End-to-end tests of `[design.hypotheses]`, `[design.adaptive]` and `enrichsim compare`, run as
//! a user would: malformed tables exit with code 2 and one line naming the file, the key, the
//! value and what is allowed; `compare` prints the designs side by side in every format, the
//! same bytes for any thread count.

use crate::common::*;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A small all-comers trial with S and F tested in a fixed sequence.
const BASE: &str = r#"name = "small, S then F"

[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.1
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]

[control]
low = { median = 30.0 }
moderate = { median = 30.0 }
high = { median = 12.0 }

[effect]
hazard_ratio = { low = 0.7, moderate = 0.7, high = 1.0 }

[enrolment]
rate = 20.0

[design]
eligible = ["low", "moderate", "high"]
sample_size = 80
analysis = { events = 50 }

[design.hypotheses]
S = ["low", "moderate"]
F = ["low", "moderate", "high"]
primary = "S"
multiplicity = "fixed_sequence"
order = ["S", "F"]
"#;

/// BASE made adaptive: the closed test replaces the procedure.
fn adaptive() -> String {
    BASE.replace(
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]\n",
        "\n[design.adaptive]\ninterim = 0.5\nselection = \"rbest\"\nr = 1\nintersection_test = \"simes\"\n",
    )
}

fn enrichsim() -> Command {
    Command::cargo_bin("enrichsim").expect("the enrichsim binary is built")
}

/// Writes `base` with `from` replaced by `to` (`from` must occur exactly once).
fn write(dir: &Path, name: &str, base: &str, from: &str, to: &str) -> PathBuf {
    assert_eq!(
        base.matches(from).count(),
        1,
        "mutation target {from:?} must occur once"
    );
    let path = dir.join(name);
    std::fs::write(&path, base.replacen(from, to, 1)).unwrap();
    path
}

/// (what, base, from, to, substrings the error line must hold besides the file name)
type Case = (
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const CASES: &[Case] = &[
    (
        "unknown stratum in a population",
        false,
        "S = [\"low\", \"moderate\"]",
        "S = [\"low\", \"medium\"]",
        &[
            "key `design.hypotheses.S`",
            "unknown stratum \"medium\"",
            "low, moderate, high",
        ],
    ),
    (
        "population outside the eligible strata",
        false,
        "eligible = [\"low\", \"moderate\", \"high\"]",
        "eligible = [\"low\", \"moderate\"]",
        &[
            "key `design.hypotheses`",
            "population F",
            "not eligible: high",
            "low, moderate",
        ],
    ),
    (
        "population that is not an array",
        false,
        "S = [\"low\", \"moderate\"]",
        "S = \"low\"",
        &[
            "key `design.hypotheses.S`",
            "\"low\"",
            "primary, multiplicity",
        ],
    ),
    (
        "unknown procedure",
        false,
        "multiplicity = \"fixed_sequence\"",
        "multiplicity = \"hochberg\"",
        &[
            "key `design.hypotheses.multiplicity`",
            "unknown procedure",
            "\"hochberg\"",
            "spiessens_debois",
            "graphical",
        ],
    ),
    (
        "no procedure for two populations",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]\n",
        "",
        &[
            "key `design.hypotheses.multiplicity`",
            "required",
            "bonferroni",
        ],
    ),
    (
        "unknown primary",
        false,
        "primary = \"S\"",
        "primary = \"G\"",
        &["key `design.hypotheses.primary`", "\"G\"", "one of S, F"],
    ),
    (
        "order missing a population",
        false,
        "order = [\"S\", \"F\"]",
        "order = [\"S\"]",
        &[
            "key `design.hypotheses.order`",
            "[\"S\"]",
            "every population once",
        ],
    ),
    (
        "weights with a fixed sequence",
        false,
        "order = [\"S\", \"F\"]",
        "order = [\"S\", \"F\"]\nweights = { S = 0.5, F = 0.5 }",
        &[
            "key `design.hypotheses.weights`",
            "not used by multiplicity = \"fixed_sequence\"",
            "bonferroni",
        ],
    ),
    (
        "Bonferroni weights summing above 1",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "multiplicity = \"bonferroni\"\nweights = { S = 0.8, F = 0.4 }",
        &[
            "key `design.hypotheses.weights`",
            "sum to 1.2 > 1",
            "S = 0.8",
            "at most 1",
        ],
    ),
    (
        "weight for an unknown population",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "multiplicity = \"holm\"\nweights = { S = 0.5, G = 0.5 }",
        &[
            "key `design.hypotheses.weights.G`",
            "unknown key",
            "one of S, F",
        ],
    ),
    (
        "transition weight above 1",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "multiplicity = \"graphical\"\nweights = { S = 0.5, F = 0.5 }\ntransitions = { S = { F = 1.5 }, F = { S = 1.0 } }",
        &[
            "key `design.hypotheses.transitions`",
            "from S",
            "[0, 1]",
            "F = 1.5",
        ],
    ),
    (
        "transition to itself",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "multiplicity = \"graphical\"\nweights = { S = 0.5, F = 0.5 }\ntransitions = { S = { S = 0.5, F = 0.5 } }",
        &[
            "key `design.hypotheses.transitions`",
            "from S",
            "itself",
            "no self-loops",
        ],
    ),
    (
        "graphical without transitions",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "multiplicity = \"graphical\"\nweights = { S = 0.5, F = 0.5 }",
        &[
            "key `design.hypotheses.transitions`",
            "required",
            "FROM = { TO = g }",
        ],
    ),
    (
        "Spiessens-Debois on populations that are not nested",
        false,
        "F = [\"low\", \"moderate\", \"high\"]\nprimary = \"S\"\nmultiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "H = [\"high\"]\nprimary = \"S\"\nmultiplicity = \"spiessens_debois\"",
        &[
            "key `design.hypotheses.multiplicity`",
            "two nested populations",
        ],
    ),
    (
        "Spiessens-Debois with interim looks",
        false,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        "multiplicity = \"spiessens_debois\"\n[design.sequential]\nlooks = [0.5]",
        &[
            "key `design.hypotheses.multiplicity`",
            "single analysis",
            "fixed_sequence, bonferroni",
        ],
    ),
    (
        "unknown key in [design.adaptive]",
        true,
        "r = 1",
        "r = 1\nselction = \"rbest\"",
        &["key `design.adaptive.selction`", "unknown key", "interim"],
    ),
    (
        "unknown selection rule",
        true,
        "selection = \"rbest\"\nr = 1",
        "selection = \"best\"",
        &[
            "key `design.adaptive.selection`",
            "\"best\"",
            "rbest",
            "epsilon",
            "complement",
        ],
    ),
    (
        "r out of range",
        true,
        "r = 1",
        "r = 3",
        &["key `design.adaptive.r`", "3", "1 or 2"],
    ),
    (
        "epsilon with rbest",
        true,
        "r = 1",
        "r = 1\nepsilon = 0.1",
        &[
            "key `design.adaptive.epsilon`",
            "not used by selection = \"rbest\"",
        ],
    ),
    (
        "complement rule without a threshold",
        true,
        "selection = \"rbest\"\nr = 1",
        "selection = \"complement\"",
        &["key `design.adaptive.threshold`", "needs a threshold"],
    ),
    (
        "unknown intersection test",
        true,
        "intersection_test = \"simes\"",
        "intersection_test = \"hommel\"",
        &[
            "key `design.adaptive.intersection_test`",
            "\"hommel\"",
            "bonferroni",
            "spiessens_debois",
        ],
    ),
    (
        "interim outside (0, 1)",
        true,
        "interim = 0.5",
        "interim = 1.2",
        &["key `design.adaptive.interim`", "1.2", "fraction in (0, 1)"],
    ),
    (
        "multiplicity with [design.adaptive]",
        true,
        "primary = \"S\"",
        "primary = \"S\"\nmultiplicity = \"holm\"",
        &[
            "key `design.hypotheses.multiplicity`",
            "closed test",
            "intersection_test",
        ],
    ),
    (
        "adaptive without hypotheses",
        true,
        "[design.hypotheses]\nS = [\"low\", \"moderate\"]\nF = [\"low\", \"moderate\", \"high\"]\nprimary = \"S\"\n",
        "",
        &[
            "key `design.adaptive.selection`",
            "no [design.hypotheses]",
            "two populations",
        ],
    ),
    (
        "adaptive with interim looks",
        true,
        "intersection_test = \"simes\"",
        "intersection_test = \"simes\"\n[design.sequential]\nlooks = [0.5]",
        &["key `design.adaptive`", "its own two stages", "not both"],
    ),
    (
        "adaptive with a larger population that is not all comers",
        true,
        "S = [\"low\", \"moderate\"]\nF = [\"low\", \"moderate\", \"high\"]",
        "S = [\"low\"]\nF = [\"low\", \"moderate\"]",
        &[
            "key `design.adaptive.selection`",
            "two nested populations",
            "all of design.eligible",
        ],
    ),
];

#[test]
fn malformed_hypotheses_and_adaptive_tables_name_file_key_and_value() {
    let dir = TempDir::new().unwrap();
    let adaptive = adaptive();
    let mut failures = Vec::new();
    for (i, (what, is_adaptive, from, to, expect)) in CASES.iter().enumerate() {
        let base = if *is_adaptive {
            adaptive.as_str()
        } else {
            BASE
        };
        let path = write(dir.path(), &format!("case{i:02}.toml"), base, from, to);
        let file = path.display().to_string();
        let result = error_line(enrichsim().arg("validate").arg(&path))
            .and_then(|line| mentions(&line, &[&file]).and(mentions(&line, expect)));
        if let Err(e) = result {
            failures.push(format!("{what}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn valid_tables_run() {
    let dir = TempDir::new().unwrap();
    for (name, text) in [
        ("fixed.toml", BASE.to_string()),
        ("adaptive.toml", adaptive()),
    ] {
        let path = write(dir.path(), name, &text, "name", "name");
        let out = enrichsim()
            .args(["run", "--reps", "50", "--quiet", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        let names: Vec<&str> = json["hypotheses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["S", "F"], "{name}");
        assert!(json["reject_any"].as_f64().unwrap() >= json["power"].as_f64().unwrap());
    }
}

/// `compare` of the three shipped IL-2LD strategies in `format`, with `threads`.
fn compare(format: &str, threads: &str, reps: &str) -> String {
    let out = enrichsim()
        .args([
            "compare",
            "--reps",
            reps,
            "--seed",
            "3",
            "--threads",
            threads,
            "--quiet",
            "--format",
            format,
        ])
        .args(
            [
                "phase3-enriched.toml",
                "phase3-allcomers-hierarchical.toml",
                "phase3-adaptive-enrichment.toml",
            ]
            .map(scenario_path),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn compare_json_has_the_contract_fields() {
    let json: Value = serde_json::from_str(&compare("json", "2", "200")).unwrap();
    let designs = json["designs"].as_array().unwrap();
    assert_eq!(designs.len(), 3);
    for d in designs {
        for key in [
            "name",
            "power",
            "hypotheses",
            "selected",
            "screened_mean",
            "randomised_mean",
            "events_mean",
            "duration_mean",
            "screened_per_randomised",
            "power_se",
            "reject_any",
        ] {
            assert!(!d[key].is_null(), "{key} missing in {d}");
        }
        assert!(d["hypotheses"]["S"].as_f64().is_some());
    }
    // The enriched trial tests S only; the others S and F; the adaptive one selects.
    assert!(designs[0]["hypotheses"]["F"].is_null());
    assert!(designs[1]["selected"]["F"].as_f64() == Some(1.0));
    let selected_f = designs[2]["selected"]["F"].as_f64().unwrap();
    assert!(selected_f > 0.0 && selected_f < 1.0, "{selected_f}");
    // Common random numbers: the same screening stream; the all-comers designs randomise
    // everyone, so until the adaptive one's interim they screen the same patients.
    assert!(designs[0]["screened_mean"].as_f64() > designs[1]["screened_mean"].as_f64());
}

#[test]
fn compare_is_the_same_for_any_thread_count() {
    let one = compare("csv", "1", "100");
    let two = compare("csv", "2", "100");
    assert_eq!(one, two);
    let lines: Vec<&str> = one.lines().collect();
    assert_eq!(lines.len(), 4, "{one}");
    assert!(
        lines[0].starts_with("name,file,primary,power,power_se,reject_S,reject_S_se,reject_F"),
        "{}",
        lines[0]
    );
}

#[test]
fn compare_text_and_markdown_are_side_by_side() {
    let text = compare("text", "2", "100");
    let header = text
        .lines()
        .find(|l| l.contains("phase3-enriched"))
        .unwrap();
    assert!(
        header.contains("phase3-allcomers-hierarchical")
            && header.contains("phase3-adaptive-enrichment"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("F rejected"))
    );
    let md = compare("markdown", "2", "100");
    assert!(
        md.lines()
            .any(|l| l.starts_with("| quantity | phase3-enriched |")),
        "{md}"
    );
}

#[test]
fn compare_refuses_a_bad_scenario_and_a_single_one() {
    let dir = TempDir::new().unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        BASE,
        "multiplicity = \"fixed_sequence\"",
        "multiplicity = \"hochberg\"",
    );
    let line = error_line(
        enrichsim()
            .args(["compare", "--reps", "10", "--quiet"])
            .arg(scenario_path("phase3-enriched.toml"))
            .arg(&bad),
    )
    .unwrap();
    assert!(
        line.contains("bad.toml") && line.contains("hochberg"),
        "{line}"
    );
    let out = enrichsim()
        .args(["compare", "--reps", "10"])
        .arg(scenario_path("phase3-enriched.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
