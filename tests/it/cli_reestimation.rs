//! End-to-end tests of `[design.reestimation]` run as a user would: every malformed table exits
//! with code 2 and one line naming the file, the key, the value and what is allowed; a good one
//! runs in every format with the re-estimation figures, the same bytes for any thread count,
//! and its shards merge to the single run's bytes.

use crate::common::*;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A small one-stratum trial whose deaths are re-estimated (rule rpact).
const BASE: &str = r#"name = "small re-estimation"

[control]
all = { median = 30.0 }

[effect]
hazard_ratio = 0.75

[enrolment]
rate = 20.0

[design]
sample_size = 200
analysis = { events = 100 }
test = "logrank"

[design.reestimation]
interim = 0.5
max_events = 160
rule = "rpact"
conditional_power = 0.8
effect = "observed"
test = "chw"
"#;

/// A two-population all-comers trial (S then F) with re-estimation.
const HYPOTHESES: &str = r#"name = "small, S then F, re-estimated"

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
sample_size = 200
analysis = { events = 100 }

[design.hypotheses]
S = ["low", "moderate"]
F = ["low", "moderate", "high"]
primary = "S"
multiplicity = "fixed_sequence"
order = ["S", "F"]

[design.reestimation]
interim = 0.5
max_events = 150
rule = "promising_zone"
conditional_power = 0.9
cp_lower = 0.3
"#;

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

/// (what, two-population base, from, to, substrings the error line must hold)
type Case = (
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const CASES: &[Case] = &[
    (
        "unknown key",
        false,
        "rule = \"rpact\"",
        "rule = \"rpact\"\nmax_deaths = 150",
        &["key `design.reestimation.max_deaths`", "150", "max_events"],
    ),
    (
        "no maximum",
        false,
        "max_events = 160\n",
        "",
        &[
            "key `design.reestimation.max_events`",
            "missing",
            "100..=200",
        ],
    ),
    (
        "maximum above the sample size",
        false,
        "max_events = 160",
        "max_events = 250",
        &["key `design.reestimation.max_events`", "250", "100..=200"],
    ),
    (
        "maximum below the plan",
        false,
        "max_events = 160",
        "max_events = 90",
        &["key `design.reestimation.max_events`", "90", "100..=200"],
    ),
    (
        "minimum at the interim",
        false,
        "max_events = 160",
        "max_events = 160\nmin_events = 50",
        &[
            "key `design.reestimation.min_events`",
            "50",
            "above the interim's 50",
            "at most 100",
        ],
    ),
    (
        "both interim forms",
        false,
        "interim = 0.5",
        "interim = 0.5\ninterim_events = 40",
        &[
            "key `design.reestimation.interim_events`",
            "40",
            "both given",
        ],
    ),
    (
        "no interim",
        false,
        "interim = 0.5\n",
        "",
        &[
            "key `design.reestimation.interim`",
            "missing",
            "interim_events",
        ],
    ),
    (
        "interim past the end",
        false,
        "interim = 0.5",
        "interim = 1.2",
        &[
            "key `design.reestimation.interim`",
            "1.2",
            "a fraction in (0, 1)",
        ],
    ),
    (
        "interim at the final count",
        false,
        "interim = 0.5",
        "interim_events = 100",
        &[
            "key `design.reestimation.interim_events`",
            "100",
            "of 100 planned deaths",
        ],
    ),
    (
        "unknown rule",
        false,
        "rule = \"rpact\"",
        "rule = \"bogus\"",
        &[
            "key `design.reestimation.rule`",
            "\"bogus\"",
            "\"promising_zone\"",
        ],
    ),
    (
        "target out of range",
        false,
        "conditional_power = 0.8",
        "conditional_power = 1.5",
        &[
            "key `design.reestimation.conditional_power`",
            "1.5",
            "(0, 1)",
        ],
    ),
    (
        "promising zone without its lower end",
        false,
        "rule = \"rpact\"",
        "rule = \"promising_zone\"",
        &["key `design.reestimation.cp_lower`", "missing", "(0, 0.8)"],
    ),
    (
        "promising zone upside down",
        false,
        "rule = \"rpact\"",
        "rule = \"promising_zone\"\ncp_lower = 0.85",
        &["key `design.reestimation.cp_lower`", "0.85", "(0, 0.8)"],
    ),
    (
        "cp_lower with rule rpact",
        false,
        "rule = \"rpact\"",
        "rule = \"rpact\"\ncp_lower = 0.3",
        &[
            "key `design.reestimation.cp_lower`",
            "0.3",
            "promising_zone",
        ],
    ),
    (
        "a minimum for the promising zone",
        false,
        "rule = \"rpact\"",
        "rule = \"promising_zone\"\ncp_lower = 0.3\nmin_events = 90",
        &[
            "key `design.reestimation.min_events`",
            "90",
            "only with rule = \"rpact\"",
        ],
    ),
    (
        "planned effect without its hazard ratio",
        false,
        "effect = \"observed\"",
        "effect = \"planned\"",
        &[
            "key `design.reestimation.hazard_ratio`",
            "missing",
            "(0, 1)",
        ],
    ),
    (
        "a hazard ratio for the observed effect",
        false,
        "effect = \"observed\"",
        "effect = \"observed\"\nhazard_ratio = 0.7",
        &[
            "key `design.reestimation.hazard_ratio`",
            "0.7",
            "\"planned\" or \"mix\"",
        ],
    ),
    (
        "mix weight out of range",
        false,
        "effect = \"observed\"",
        "effect = \"mix\"\nhazard_ratio = 0.7\nmix_weight = 2.0",
        &["key `design.reestimation.mix_weight`", "2", "[0, 1]"],
    ),
    (
        "unknown effect",
        false,
        "effect = \"observed\"",
        "effect = \"estimated\"",
        &[
            "key `design.reestimation.effect`",
            "\"estimated\"",
            "\"observed\"",
        ],
    ),
    (
        "unknown test",
        false,
        "test = \"chw\"",
        "test = \"fisher\"",
        &[
            "key `design.reestimation.test`",
            "\"fisher\"",
            "\"conditional_error\"",
        ],
    ),
    (
        "unknown efficacy design",
        false,
        "test = \"chw\"",
        "test = \"chw\"\nefficacy = \"asXX\"",
        &["key `design.reestimation.efficacy`", "\"asXX\"", "\"none\""],
    ),
    (
        "futility bound out of range",
        false,
        "test = \"chw\"",
        "test = \"chw\"\nfutility = { z_below = 20.0 }",
        &[
            "key `design.reestimation.futility.z_below`",
            "20",
            "[-10, 10]",
        ],
    ),
    (
        "futility of two kinds",
        false,
        "test = \"chw\"",
        "test = \"chw\"\nfutility = { z_below = 0.0, hr_above = 1.0 }",
        &[
            "key `design.reestimation.futility`",
            "exactly one of z_below and hr_above",
        ],
    ),
    (
        "with interim looks",
        false,
        "[design.reestimation]",
        "[design.sequential]\nlooks = [0.5]\n\n[design.reestimation]",
        &["key `design.reestimation`", "[design.sequential], not both"],
    ),
    (
        "calendar-time final analysis",
        false,
        "analysis = { events = 100 }",
        "analysis = { calendar = 40.0 }",
        &[
            "key `design.reestimation`",
            "design.analysis = { events = N }",
        ],
    ),
    (
        "another primary test",
        false,
        "test = \"logrank\"",
        "test = \"rmst(12)\"",
        &[
            "key `design.test`",
            "\"rmst(12)\"",
            "\"logrank\" or \"stratified_logrank\"",
        ],
    ),
    (
        "early efficacy with several hypotheses",
        true,
        "cp_lower = 0.3",
        "cp_lower = 0.3\nefficacy = \"asOF\"",
        &[
            "key `design.reestimation.efficacy`",
            "\"asOF\"",
            "efficacy = \"none\"",
        ],
    ),
    (
        "an interim of its own with adaptive enrichment",
        true,
        "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]\n",
        "\n[design.adaptive]\ninterim = 0.5\nselection = \"rbest\"\n",
        &[
            "key `design.reestimation.interim`",
            "design.adaptive.interim",
        ],
    ),
    (
        "the conditional error test with adaptive enrichment",
        true,
        ADAPTIVE_FROM,
        "\n[design.adaptive]\ninterim = 0.5\nselection = \"rbest\"\n\n[design.reestimation]\ntest = \"conditional_error\"\n",
        &[
            "key `design.reestimation.test`",
            "\"conditional_error\"",
            "test = \"chw\"",
        ],
    ),
    (
        "early efficacy of its own with adaptive enrichment",
        true,
        ADAPTIVE_FROM,
        "\n[design.adaptive]\ninterim = 0.5\nselection = \"rbest\"\n\n[design.reestimation]\nefficacy = \"asOF\"\n",
        &[
            "key `design.reestimation.efficacy`",
            "design.adaptive.efficacy",
        ],
    ),
];

/// The part of [`HYPOTHESES`] that [`adaptive`] replaces: the multiple test procedure and the
/// re-estimation's interim.
const ADAPTIVE_FROM: &str = "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]\n\n[design.reestimation]\ninterim = 0.5\n";

/// [`HYPOTHESES`] as an adaptive enrichment design (rbest selection at half the deaths) whose
/// stage-2 deaths are re-estimated.
fn adaptive() -> String {
    HYPOTHESES.replace(
        ADAPTIVE_FROM,
        "\n[design.adaptive]\ninterim = 0.5\nselection = \"rbest\"\n\n[design.reestimation]\n",
    )
}

#[test]
fn malformed_reestimation_tables_are_refused_in_one_line() {
    let dir = TempDir::new().unwrap();
    let mut failures = Vec::new();
    for (i, (what, two, from, to, expect)) in CASES.iter().enumerate() {
        let base = if *two { HYPOTHESES } else { BASE };
        let path = write(dir.path(), &format!("bad{i}.toml"), base, from, to);
        let result = error_line(
            enrichsim()
                .arg("run")
                .arg(&path)
                .args(["--reps", "10", "--quiet"]),
        )
        .and_then(|line| {
            mentions(&line, &[&format!("bad{i}.toml")])?;
            mentions(&line, expect)
        });
        if let Err(e) = result {
            failures.push(format!("{what}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_reestimation_run_reports_in_every_format_and_any_thread_count() {
    let dir = TempDir::new().unwrap();
    let adaptive = adaptive();
    for (name, base) in [
        ("one.toml", BASE),
        ("two.toml", HYPOTHESES),
        ("adaptive.toml", adaptive.as_str()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, base).unwrap();
        let out = |format: &str, threads: &str| {
            stdout_of(
                enrichsim()
                    .arg("run")
                    .arg(&path)
                    .args(["--reps", "400", "--quiet", "--format", format])
                    .args(["--threads", threads]),
            )
        };
        let json: serde_json::Value = serde_json::from_str(&out("json", "1")).unwrap();
        let r = &json["reestimation"];
        let zones: f64 = r["zones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| z["prob"].as_f64().unwrap())
            .sum();
        assert_abs_close!(zones, r["reestimated_prob"].as_f64().unwrap(), 1e-12);
        let counted: u64 = r["final_events_histogram"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        assert_eq!(
            counted as f64,
            (r["reestimated_prob"].as_f64().unwrap() * 400.0).round()
        );
        assert_eq!(
            without_elapsed(&out("json", "1")),
            without_elapsed(&out("json", "3"))
        );
        let text = out("text", "2");
        assert!(text.contains("Event re-estimation"), "{text}");
        assert!(text.contains("final deaths, 50% quantile"), "{text}");
        let csv = out("csv", "2");
        assert!(csv.contains("final_events_mean"), "{csv}");
        let md = out("markdown", "2");
        assert!(md.contains("zone "), "{md}");
    }
}

#[test]
fn reestimation_shards_merge_to_the_single_run() {
    let dir = TempDir::new().unwrap();
    for (name, base) in [
        ("one.toml", HYPOTHESES.to_string()),
        ("adaptive.toml", adaptive()),
    ] {
        shards_merge(dir.path(), name, &base);
    }
}

fn shards_merge(dir: &Path, name: &str, base: &str) {
    let path = dir.join(name);
    std::fs::write(&path, base).unwrap();
    let single = stdout_of(
        enrichsim()
            .arg("run")
            .arg(&path)
            .args(["--reps", "300", "--quiet", "--format", "json"]),
    );
    let mut shards = Vec::new();
    for i in 0..3 {
        let shard = dir.join(format!("{name}.s{i}.json"));
        stdout_of(
            enrichsim()
                .arg("run")
                .arg(&path)
                .args(["--reps", "300", "--quiet", "--shard", &format!("{i}/3")])
                .arg("--output")
                .arg(&shard),
        );
        shards.push(shard);
    }
    let merged = stdout_of(
        enrichsim()
            .arg("merge")
            .args(&shards)
            .args(["--format", "json"]),
    );
    assert!(merged.contains("\"reestimation\""));
    assert_eq!(without_elapsed(&merged), without_elapsed(&single));
}
