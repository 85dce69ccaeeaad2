//! End-to-end tests of the `enrichsim` binary, run as a user would: malformed scenarios and data
//! files (exit code 2, one line on stderr naming the file, the key or line, and the value),
//! `--output`, determinism across thread counts, `--set`, `analyze` against the R oracle, and the
//! report formats.

use crate::common::*;

use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A small valid scenario (3 strata, all three control forms reachable by substitution) that
/// simulates in milliseconds. Each malformed case below changes exactly one thing in it.
const SMALL: &str = r#"name = "small"

[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.1
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]

[control]
low = { median = 30.0 }
moderate = { median = 30.0 }
high = { weibull = { median = 12.0, shape = 1.3 } }

[effect]
hazard_ratio = { low = 0.7, moderate = 0.7, high = 1.0 }

[enrolment]
rate = [ { from = 0.0, per_month = 10.0 }, { from = 6.0, per_month = 25.0 } ]
screen_failure = 0.1

[dropout]
per_year = 0.05

[design]
eligible = ["low", "moderate"]
sample_size = 60
allocation = [1, 1]
block_size = 4
analysis = { events = 40 }
test = "stratified_logrank"
alpha = 0.025
"#;

/// A file shipped with the project, e.g. `scenarios/phase3-enriched.toml`.
fn project_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Writes `SMALL` with the one substitution `from` -> `to` (`from` must occur exactly once) to
/// `dir/name` and returns its path.
fn write_scenario(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    assert_eq!(
        SMALL.matches(from).count(),
        1,
        "mutation target {from:?} must occur exactly once in the base scenario"
    );
    let path = dir.join(name);
    std::fs::write(&path, SMALL.replacen(from, to, 1)).expect("write scenario");
    path
}

/// A malformed scenario: description, (from, to) substitution in `SMALL`, extra `--set`
/// arguments, and the substrings the error line must contain (besides the file name).
struct BadScenario {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    set: &'static [&'static str],
    expect: &'static [&'static str],
}

const fn bad(
    what: &'static str,
    from: &'static str,
    to: &'static str,
    expect: &'static [&'static str],
) -> BadScenario {
    BadScenario {
        what,
        from,
        to,
        set: &[],
        expect,
    }
}

const fn bad_set(
    what: &'static str,
    set: &'static [&'static str],
    expect: &'static [&'static str],
) -> BadScenario {
    BadScenario {
        what,
        from: "name = \"small\"",
        to: "name = \"small\"",
        set,
        expect,
    }
}

const BAD_SCENARIOS: &[BadScenario] = &[
    bad(
        "TOML syntax error",
        "sample_size = 60",
        "sample_size = = 60",
        &["not valid TOML", "line 27", "sample_size = = 60"],
    ),
    bad(
        "unknown top-level key",
        "name = \"small\"",
        "name = \"small\"\ncolour = \"blue\"",
        &["key `colour`", "unknown key", "\"blue\""],
    ),
    bad(
        "unknown key in [design]",
        "alpha = 0.025",
        "alpha = 0.025\npower = 0.9",
        &["key `design.power`", "unknown key", "got 0.9"],
    ),
    bad(
        "misspelt key in [biomarker]",
        "gsd = 2.1",
        "gds = 2.1",
        &["key `biomarker.gds`", "unknown key", "got 2.1", "gsd"],
    ),
    bad(
        "missing name",
        "name = \"small\"\n",
        "",
        &["key `name`", "missing", "got (missing)"],
    ),
    bad(
        "missing [control] stratum",
        "high = { weibull = { median = 12.0, shape = 1.3 } }\n",
        "",
        &[
            "key `control.high`",
            "got (missing)",
            "{ survival = s, at = t }",
        ],
    ),
    bad(
        "hazard ratio 0",
        "high = 1.0 }",
        "high = 0.0 }",
        &["key `effect.hazard_ratio.high`", "got 0.0", "[0.001, 1000]"],
    ),
    bad(
        "negative hazard ratio",
        "low = 0.7,",
        "low = -0.7,",
        &["key `effect.hazard_ratio.low`", "got -0.7"],
    ),
    bad(
        "negative enrolment rate",
        "per_month = 10.0",
        "per_month = -10.0",
        &["key `enrolment.rate.0.per_month`", "got -10.0"],
    ),
    bad(
        "last enrolment rate 0",
        "per_month = 25.0",
        "per_month = 0.0",
        &["key `enrolment.rate.1.per_month`", "got 0.0", "> 0"],
    ),
    bad(
        "cut-points not ascending",
        "cutpoints = [750.0, 3700.0]",
        "cutpoints = [3700.0, 750.0]",
        &[
            "key `biomarker.cutpoints`",
            "got [3700.0, 750.0]",
            "ascending",
        ],
    ),
    bad(
        "strata not matching cut-points",
        "strata = [\"low\", \"moderate\", \"high\"]",
        "strata = [\"low\", \"moderate\"]",
        &[
            "key `biomarker.strata`",
            "got [\"low\", \"moderate\"]",
            "3 names",
        ],
    ),
    bad(
        "eligible names an unknown stratum",
        "eligible = [\"low\", \"moderate\"]",
        "eligible = [\"low\", \"medium\"]",
        &["key `design.eligible`", "\"medium\"", "low, moderate, high"],
    ),
    bad(
        "events > sample_size",
        "events = 40",
        "events = 61",
        &["key `design.analysis.events`", "got 61", "1..=60"],
    ),
    bad(
        "events = 0",
        "events = 40",
        "events = 0",
        &["key `design.analysis.events`", "got 0"],
    ),
    bad(
        "block_size not a multiple of the allocation sum",
        "block_size = 4",
        "block_size = 5",
        &["key `design.block_size`", "got 5", "multiple of 2"],
    ),
    bad(
        "alpha out of range",
        "alpha = 0.025",
        "alpha = 0.7",
        &["key `design.alpha`", "got 0.7", "(0, 0.5)"],
    ),
    bad(
        "string for sample_size",
        "sample_size = 60",
        "sample_size = \"60\"",
        &["key `design.sample_size`", "a string", "got \"60\""],
    ),
    bad(
        "weibull without shape",
        "median = 12.0, shape = 1.3",
        "median = 12.0",
        &["key `control.high.weibull.shape`", "missing"],
    ),
    bad(
        "piecewise rates and starts of different lengths",
        "high = { weibull = { median = 12.0, shape = 1.3 } }",
        "high = { piecewise = { starts = [0.0, 12.0], rates = [0.05] } }",
        &[
            "key `control.high.piecewise.rates`",
            "got [0.05]",
            "2 rates",
        ],
    ),
    bad(
        "control survival point out of range",
        "low = { median = 30.0 }",
        "low = { survival = 1.2, at = 21.0 }",
        &[
            "key `control.low.survival`",
            "got 1.2",
            "strictly between 0 and 1",
        ],
    ),
    bad(
        "control survival point at time 0",
        "low = { median = 30.0 }",
        "low = { survival = 0.55, at = 0.0 }",
        &["key `control.low.at`", "got 0.0", "months > 0"],
    ),
    bad(
        "control with both median and survival",
        "low = { median = 30.0 }",
        "low = { median = 30.0, survival = 0.55, at = 21.0 }",
        &[
            "key `control.low`",
            "both a median and a survival point",
            "median = 30.0",
        ],
    ),
    bad(
        "calibration target with more alive than followed",
        "alpha = 0.025",
        "alpha = 0.025\n\n[calibration]\ntargets = [ { arm = \"control\", at = 21.0, alive = 61, of = 60 } ]",
        &["key `calibration.targets.0.alive`", "got 61", "0..=60"],
    ),
    bad(
        "control with both median and weibull",
        "low = { median = 30.0 }",
        "low = { median = 30.0, weibull = { median = 30.0, shape = 1.0 } }",
        &[
            "key `control.low`",
            "median = 30.0",
            "weibull",
            "exactly one",
        ],
    ),
    bad(
        "analysis with two forms",
        "analysis = { events = 40 }",
        "analysis = { events = 40, calendar = 50.0 }",
        &["key `design.analysis`", "events = 40", "calendar = 50.0"],
    ),
    bad(
        "dropout per_year = 1",
        "per_year = 0.05",
        "per_year = 1.0",
        &["key `dropout.per_year`", "got 1.0", "[0, 1)"],
    ),
    bad(
        "screen_failure = 1",
        "screen_failure = 0.1",
        "screen_failure = 1.0",
        &["key `enrolment.screen_failure`", "got 1.0", "[0, 1)"],
    ),
    bad(
        "gsd = 1",
        "gsd = 2.1",
        "gsd = 1.0",
        &["key `biomarker.gsd`", "got 1.0", "> 1"],
    ),
    bad_set(
        "--set without =",
        &["design.sample_size"],
        &[
            "--set design.sample_size",
            "key `design.sample_size`",
            "`=`",
        ],
    ),
    bad_set(
        "--set to an unknown key",
        &["design.sample_sise=300"],
        &["key `design.sample_sise`", "unknown key", "got 300"],
    ),
    bad_set(
        "--set to an out-of-range value",
        &["design.alpha=0.9"],
        &["key `design.alpha`", "got 0.9"],
    ),
    bad(
        "interim looks not ascending",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.6, 0.3]",
        &[
            "key `design.sequential.looks`",
            "got [0.6, 0.3]",
            "strictly ascending",
        ],
    ),
    bad(
        "interim look at the final analysis",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5, 1.0]",
        &["key `design.sequential.looks`", "(0, 1)"],
    ),
    bad(
        "unknown spending function",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nefficacy = \"asXX\"",
        &["key `design.sequential.efficacy`", "\"asXX\"", "asOF"],
    ),
    bad(
        "futility table with both rules",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nfutility = { z_below = 0.0, hr_above = 1.0 }",
        &["key `design.sequential.futility`", "exactly one"],
    ),
    bad(
        "interim look months with an event-driven final analysis",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025\n[design.sequential]\nlook_months = [10.0]",
        &[
            "key `design.sequential.look_months`",
            "calendar-time final analysis",
        ],
    ),
    bad(
        "both looks and look months",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { calendar = 40.0 }\ntest = \"stratified_logrank\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlook_months = [10.0]",
        &[
            "key `design.sequential.look_months`",
            "exactly one of looks",
        ],
    ),
    bad(
        "look months after the calendar final analysis",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { calendar = 40.0 }\ntest = \"stratified_logrank\"\nalpha = 0.025\n[design.sequential]\nlook_months = [10.0, 45.0]",
        &["key `design.sequential.look_months`", "45"],
    ),
    bad(
        "unknown key in [design.sequential]",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nspendng = \"asOF\"",
        &["key `design.sequential.spendng`", "unknown key"],
    ),
    bad(
        "unknown test name",
        "test = \"stratified_logrank\"",
        "test = \"wilcoxon\"",
        &[
            "key `design.test`",
            "\"wilcoxon\"",
            "fh(rho,gamma)",
            "maxcombo",
        ],
    ),
    bad(
        "FH test with one exponent",
        "test = \"stratified_logrank\"",
        "test = \"fh(1)\"",
        &["key `design.test`", "\"fh(1)\"", "two numbers"],
    ),
    bad(
        "RMST with a negative tau in design.tests",
        "alpha = 0.025",
        "alpha = 0.025\ntests = [\"logrank\", \"rmst(-1)\"]",
        &["key `design.tests`", "rmst(-1)", "tau"],
    ),
    bad(
        "a test listed twice in design.tests",
        "alpha = 0.025",
        "alpha = 0.025\ntests = [\"fh(0,1)\", \"fh( 0 , 1 )\"]",
        &["key `design.tests`", "twice"],
    ),
    bad(
        "weighted log-rank with interim looks and futility",
        "test = \"stratified_logrank\"\nalpha = 0.025",
        "test = \"fh(0,1)\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nfutility = \"asOF\"",
        &[
            "key `design.sequential.futility`",
            "weighted log-rank",
            "\"asOF\"",
        ],
    ),
    bad(
        "weighted log-rank with a calendar-time final analysis",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { calendar = 40.0 }\ntest = \"fh(0,1)\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]",
        &["key `design.analysis`", "weighted log-rank", "calendar"],
    ),
    bad(
        "MaxCombo with looks beyond the 6-dimensional normal law",
        "test = \"stratified_logrank\"\nalpha = 0.025",
        "test = \"maxcombo\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]",
        &["key `design.test`", "\"maxcombo\"", "<= 6"],
    ),
    bad(
        "MaxCombo with interim looks and futility",
        "test = \"stratified_logrank\"\nalpha = 0.025",
        "test = \"maxcombo(0,0;0,1)\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nfutility = \"asOF\"",
        &["key `design.sequential.futility`", "MaxCombo", "\"asOF\""],
    ),
    bad(
        "MaxCombo with a Wang-Tsiatis efficacy shape",
        "test = \"stratified_logrank\"\nalpha = 0.025",
        "test = \"maxcombo(0,0;0,1)\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nefficacy = \"OF\"",
        &["key `design.sequential.efficacy`", "\"OF\"", "asOF"],
    ),
    bad(
        "MaxCombo with looks at calendar months",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { calendar = 40.0 }\ntest = \"maxcombo(0,0;0,1)\"\nalpha = 0.025\n[design.sequential]\nlook_months = [10.0]",
        &["key `design.sequential.look_months`", "MaxCombo"],
    ),
    bad(
        "sided neither 1 nor 2",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = 3",
        &["key `design.sequential.sided`", "got 3", "1 (one-sided"],
    ),
    bad(
        "sided not a number",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = \"two\"",
        &["key `design.sequential.sided`", "\"two\"", "or 2"],
    ),
    bad(
        "two-sided design with a futility rule",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = 2\nfutility = \"asOF\"",
        &["key `design.sequential.futility`", "\"asOF\"", "sided = 2"],
    ),
    bad(
        "two-sided Haybittle-Peto design",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = 2\nefficacy = \"HP\"\nhp_bound = 3.0",
        &["key `design.sequential.efficacy`", "two-sided", "asOF"],
    ),
    bad(
        "two-sided design with a calendar-time final analysis",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { calendar = 40.0 }\ntest = \"stratified_logrank\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = 2",
        &["key `design.sequential.sided`", "got 2", "event-driven"],
    ),
    bad(
        "two-sided design on a weighted log-rank",
        "test = \"stratified_logrank\"\nalpha = 0.025",
        "test = \"fh(0,1)\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = 2",
        &["key `design.sequential.sided`", "got 2", "log-rank only"],
    ),
    bad(
        "asymmetric lower bound total above 1 - alpha",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"asOF\", alpha = 0.99 }",
        &[
            "key `design.sequential.lower.alpha`",
            "got 0.99",
            "(0, 0.975]",
        ],
    ),
    bad(
        "asymmetric lower bound total of 0",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"asOF\", alpha = 0.0 }",
        &[
            "key `design.sequential.lower.alpha`",
            "got 0.0",
            "(0, 0.975]",
        ],
    ),
    bad(
        "asymmetric lower bound with an unknown spending function",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"bogus\", alpha = 0.01 }",
        &[
            "key `design.sequential.lower.spending`",
            "\"bogus\"",
            "hsd:GAMMA",
        ],
    ),
    bad(
        "asymmetric lower bound with an unknown key",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"asOF\", total = 0.01 }",
        &[
            "key `design.sequential.lower.total`",
            "unknown key",
            "spending, alpha, binding",
        ],
    ),
    bad(
        "asymmetric lower bound binding not a boolean",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"asOF\", binding = \"yes\" }",
        &[
            "key `design.sequential.lower.binding`",
            "\"yes\"",
            "true or false",
        ],
    ),
    bad(
        "asymmetric lower bound with sided = 2",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nsided = 2\nlower = { spending = \"asOF\", alpha = 0.01 }",
        &["key `design.sequential.lower`", "sided = 2", "sided = 1"],
    ),
    bad(
        "asymmetric lower bound with a futility rule",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nfutility = \"asOF\"\nlower = { spending = \"asOF\", alpha = 0.01 }",
        &[
            "key `design.sequential.lower`",
            "futility rule",
            "either lower",
        ],
    ),
    bad(
        "asymmetric lower bound with a Wang-Tsiatis efficacy shape",
        "alpha = 0.025",
        "alpha = 0.025\n[design.sequential]\nlooks = [0.5]\nefficacy = \"OF\"\nlower = { spending = \"asOF\", alpha = 0.01 }",
        &[
            "key `design.sequential.lower`",
            "OF has no asymmetric design",
            "asHSD",
        ],
    ),
    bad(
        "asymmetric lower bound with a calendar-time final analysis",
        "analysis = { events = 40 }\ntest = \"stratified_logrank\"\nalpha = 0.025",
        "analysis = { calendar = 40.0 }\ntest = \"stratified_logrank\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"asOF\" }",
        &["key `design.sequential.lower`", "event-driven"],
    ),
    bad(
        "asymmetric lower bound on a weighted log-rank",
        "test = \"stratified_logrank\"\nalpha = 0.025",
        "test = \"fh(0,1)\"\nalpha = 0.025\n[design.sequential]\nlooks = [0.5]\nlower = { spending = \"asOF\" }",
        &["key `design.sequential.lower`", "log-rank"],
    ),
    bad(
        "further tests with interim looks",
        "alpha = 0.025",
        "alpha = 0.025\ntests = [\"maxcombo\"]\n[design.sequential]\nlooks = [0.5]",
        &["key `design.tests`", "fixed design"],
    ),
    bad(
        "piecewise hazard ratio not starting at 0",
        "low = 0.7,",
        "low = [{ from = 1.0, hr = 0.7 }],",
        &["key `effect.hazard_ratio.low`", "from = 0"],
    ),
    bad(
        "piecewise hazard ratio not ascending",
        "low = 0.7,",
        "low = [{ from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.7 }, { from = 2.0, hr = 0.5 }],",
        &["key `effect.hazard_ratio.low`", "ascend"],
    ),
    bad(
        "piecewise hazard ratio of 0",
        "low = 0.7,",
        "low = [{ from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.0 }],",
        &[
            "key `effect.hazard_ratio.low.1.hr`",
            "got 0.0",
            "[0.001, 1000]",
        ],
    ),
    bad(
        "piecewise hazard ratio with an unknown key",
        "low = 0.7,",
        "low = [{ from = 0.0, ratio = 1.0 }],",
        &["key `effect.hazard_ratio.low.0.ratio`", "unknown key"],
    ),
    bad(
        "piecewise hazard ratio piece not a table",
        "hazard_ratio = { low = 0.7, moderate = 0.7, high = 1.0 }",
        "hazard_ratio = [0.7, 0.5]",
        &["key `effect.hazard_ratio.0`", "expected a table"],
    ),
    bad(
        "a delay with a piecewise hazard ratio",
        "hazard_ratio = { low = 0.7, moderate = 0.7, high = 1.0 }",
        "hazard_ratio = [{ from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.7 }]\ndelay = 2.0",
        &["key `effect.delay`", "piecewise", "got 2.0"],
    ),
];

#[test]
fn base_scenario_is_valid_and_runs() {
    let dir = TempDir::new().unwrap();
    let path = write_scenario(
        dir.path(),
        "small.toml",
        "name = \"small\"",
        "name = \"small\"",
    );
    enrichsim().arg("validate").arg(&path).assert().success();
    enrichsim()
        .args(["run", "--reps", "10", "--quiet", "--format", "json"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"power\""));
}

/// Checks one malformed scenario through `validate` and `run --reps 10`.
fn check_bad_scenario(dir: &Path, i: usize, case: &BadScenario) -> Result<(), String> {
    let path = write_scenario(dir, &format!("case{i:02}.toml"), case.from, case.to);
    let file = path.display().to_string();
    let sets: Vec<String> = case.set.iter().map(|s| format!("--set={s}")).collect();

    let line = error_line(enrichsim().arg("validate").arg(&path).args(&sets))
        .map_err(|e| format!("validate: {e}"))?;
    mentions(&line, &[&file]).map_err(|e| format!("validate, file name: {e}"))?;
    mentions(&line, case.expect).map_err(|e| format!("validate: {e}"))?;

    let again = error_line(
        enrichsim()
            .args(["run", "--reps", "10", "--quiet"])
            .arg(&path)
            .args(&sets),
    )
    .map_err(|e| format!("run: {e}"))?;
    if again != line {
        return Err(format!("run and validate disagree:\n  {line}\n  {again}"));
    }
    Ok(())
}

#[test]
fn malformed_scenarios_name_file_key_and_value() {
    assert!(BAD_SCENARIOS.len() >= 20);
    let dir = TempDir::new().unwrap();
    let failures: Vec<String> = BAD_SCENARIOS
        .iter()
        .enumerate()
        .filter_map(|(i, case)| {
            check_bad_scenario(dir.path(), i, case)
                .err()
                .map(|e| format!("{}: {e}", case.what))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} malformed scenarios badly reported:\n{}",
        failures.len(),
        BAD_SCENARIOS.len(),
        failures.join("\n")
    );
}

/// A malformed data file: description, file contents, extra arguments, expected substrings.
struct BadCsv {
    what: &'static str,
    text: &'static str,
    strata: bool,
    expect: &'static [&'static str],
}

const BAD_CSVS: &[BadCsv] = &[
    BadCsv {
        what: "missing column",
        text: "t,event,arm\n1.0,1,treatment\n2.0,0,control\n",
        strata: false,
        expect: &["line 1:", "no time column `time`", "t, event, arm"],
    },
    BadCsv {
        what: "non-numeric time",
        text: "time,event,arm\n1.0,1,treatment\nabc,0,control\n",
        strata: false,
        expect: &["line 3:", "column `time`", "`abc`"],
    },
    BadCsv {
        what: "negative time",
        text: "time,event,arm\n1.0,1,treatment\n2.0,0,control\n-1.5,1,control\n",
        strata: false,
        expect: &["line 4:", "column `time`", "`-1.5`", ">= 0"],
    },
    BadCsv {
        what: "event not 0/1",
        text: "time,event,arm\n1.0,2,treatment\n2.0,0,control\n",
        strata: false,
        expect: &["line 2:", "column `event`", "`2`"],
    },
    BadCsv {
        what: "unknown arm label",
        text: "time,event,arm\n1.0,1,treatment\n2.0,0,placebo\n",
        strata: false,
        expect: &[
            "line 3:",
            "column `arm`",
            "`placebo`",
            "treatment or control",
        ],
    },
    BadCsv {
        what: "wrong field count",
        text: "time,event,arm\n1.0,1,treatment\n2.0,0\n3.0,1,control\n",
        strata: false,
        expect: &["line 3:", "2 fields", "header has 3"],
    },
    BadCsv {
        what: "empty file",
        text: "",
        strata: false,
        expect: &["empty", "time, event, arm"],
    },
    BadCsv {
        what: "header only",
        text: "time,event,arm\n",
        strata: false,
        expect: &["no data rows"],
    },
    BadCsv {
        what: "an arm with no patients",
        text: "time,event,arm\n1.0,1,control\n2.0,0,control\n",
        strata: false,
        expect: &["no patients in the treatment arm", "column `arm`"],
    },
    BadCsv {
        what: "empty stratum label",
        text: "time,event,arm,stratum\n1.0,1,treatment,a\n2.0,0,control,\n",
        strata: true,
        expect: &["line 3:", "column `stratum`", "empty stratum label"],
    },
    BadCsv {
        what: "missing strata column",
        text: "time,event,arm\n1.0,1,treatment\n2.0,0,control\n",
        strata: true,
        expect: &["line 1:", "no strata column `stratum`"],
    },
];

#[test]
fn malformed_csvs_name_file_line_and_value() {
    let dir = TempDir::new().unwrap();
    for (i, case) in BAD_CSVS.iter().enumerate() {
        let path = dir.path().join(format!("data{i:02}.csv"));
        std::fs::write(&path, case.text).unwrap();
        let mut cmd = enrichsim();
        cmd.arg("analyze")
            .arg(&path)
            .args(["--time", "time", "--event", "event", "--arm", "arm"]);
        if case.strata {
            cmd.args(["--strata", "stratum"]);
        }
        let line = fails_with_one_line(&mut cmd);
        assert!(
            line.contains(&path.display().to_string()),
            "{}: no file name: {line}",
            case.what
        );
        assert!(line.contains("line "), "{}: no line: {line}", case.what);
        assert_mentions(&line, case.expect, case.what);
    }
}

#[test]
fn analyze_refuses_unknown_ties() {
    let line = fails_with_one_line(
        enrichsim()
            .arg("analyze")
            .arg(oracle("survival-dataset1.csv"))
            .args(["--time", "months", "--event", "death", "--arm", "arm"])
            .args(["--ties", "exact"]),
    );
    assert_mentions(&line, &["--ties", "exact", "efron or breslow"], "ties");
}

/// Names of the files in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn output_with_a_bad_scenario_leaves_no_file() {
    let dir = TempDir::new().unwrap();
    let scenario = write_scenario(dir.path(), "bad.toml", "events = 40", "events = 0");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("report.json");
    for command in ["run", "validate"] {
        fails_with_one_line(
            enrichsim()
                .arg(command)
                .arg(&scenario)
                .args(["--format", "json", "--output"])
                .arg(&out),
        );
        assert!(
            !out.exists(),
            "{command}: report written for a bad scenario"
        );
        assert!(
            listing(&out_dir).is_empty(),
            "{command}: files left: {:?}",
            listing(&out_dir)
        );
    }
}

#[test]
fn output_with_a_good_scenario_writes_the_whole_report() {
    let dir = TempDir::new().unwrap();
    let scenario = write_scenario(dir.path(), "good.toml", "events = 40", "events = 40");
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("report.json");
    enrichsim()
        .args([
            "run", "--reps", "50", "--seed", "3", "--quiet", "--format", "json",
        ])
        .arg(&scenario)
        .arg("--output")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    assert_eq!(listing(&out_dir), vec!["report.json".to_string()]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.ends_with("}\n") || text.ends_with('}'),
        "truncated: {text}"
    );
    let json: Value = serde_json::from_str(&text).expect("complete JSON");
    assert_eq!(json["reps"], 50);
    assert_eq!(json["seed"], 3);
    assert!(json["power"].is_f64());

    // Same report as on standard output.
    let stdout = enrichsim()
        .args([
            "run", "--reps", "50", "--seed", "3", "--quiet", "--format", "json",
        ])
        .arg(&scenario)
        .output()
        .unwrap();
    let mut a = json;
    let mut b: Value = serde_json::from_slice(&stdout.stdout).unwrap();
    a.as_object_mut().unwrap().remove("elapsed_s");
    b.as_object_mut().unwrap().remove("elapsed_s");
    assert_eq!(a, b);
}

#[test]
fn output_into_a_missing_directory_fails_clearly_and_early() {
    let dir = TempDir::new().unwrap();
    let scenario = write_scenario(dir.path(), "good.toml", "events = 40", "events = 40");
    let missing = dir.path().join("no-such-dir");
    let out = missing.join("report.json");
    let expect = [
        "option `--output`",
        &out.display().to_string(),
        "existing directory",
        &missing.display().to_string(),
        "does not exist",
    ];
    let line = fails_with_one_line(
        enrichsim()
            .args(["validate", "--output"])
            .arg(&out)
            .arg(&scenario),
    );
    assert_mentions(&line, &expect, "validate into a missing directory");

    // Refused before simulating: a million replicates would take minutes.
    let line = fails_with_one_line(
        enrichsim()
            .args(["run", "--reps", "1000000", "--quiet", "--output"])
            .arg(&out)
            .arg(project_file("scenarios/phase3-enriched.toml"))
            .timeout(std::time::Duration::from_secs(60)),
    );
    assert_mentions(&line, &expect, "run into a missing directory");

    let line = fails_with_one_line(
        enrichsim()
            .arg("analyze")
            .arg(oracle("survival-dataset1.csv"))
            .args(["--time", "months", "--event", "death", "--arm", "arm"])
            .arg("--output")
            .arg(&out),
    );
    assert_mentions(&line, &expect, "analyze into a missing directory");
    assert!(!missing.exists());
}

#[test]
fn output_onto_a_directory_is_refused() {
    let dir = TempDir::new().unwrap();
    let scenario = write_scenario(dir.path(), "good.toml", "events = 40", "events = 40");
    let line = fails_with_one_line(
        enrichsim()
            .args(["validate", "--output"])
            .arg(dir.path())
            .arg(&scenario),
    );
    assert_mentions(
        &line,
        &["option `--output`", "not a directory"],
        "output onto a directory",
    );
}

/// Runs the enriched Phase 3 scenario and returns the JSON text.
fn run_enriched_json(reps: &str, seed: &str, threads: &str) -> String {
    let out = enrichsim()
        .arg("run")
        .arg(project_file("scenarios/phase3-enriched.toml"))
        .args(["--reps", reps, "--seed", seed, "--threads", threads])
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON re-serialised without `elapsed_s`.
fn without_elapsed(text: &str) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    assert!(v.as_object_mut().unwrap().remove("elapsed_s").is_some());
    serde_json::to_string_pretty(&v).unwrap()
}

/// The raw text with the `elapsed_s` line removed.
fn drop_elapsed_line(text: &str) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"elapsed_s\""))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count(), "one elapsed_s line");
    kept.join("\n")
}

#[test]
fn results_do_not_depend_on_threads_but_on_seed() {
    let one = run_enriched_json("2000", "7", "1");
    let two = run_enriched_json("2000", "7", "2");
    assert_eq!(without_elapsed(&one), without_elapsed(&two));
    assert_eq!(drop_elapsed_line(&one), drop_elapsed_line(&two));

    let other = run_enriched_json("2000", "8", "2");
    assert_ne!(without_elapsed(&one), without_elapsed(&other));
    let (a, b): (Value, Value) = (
        serde_json::from_str(&one).unwrap(),
        serde_json::from_str(&other).unwrap(),
    );
    assert_eq!(b["seed"], 8);
    assert_ne!(a["screened_mean"], b["screened_mean"]);
    assert_ne!(a["hr_median"], b["hr_median"]);
}

/// Runs `enrichsim COMMAND scenarios/phase3-enriched.toml ARGS --format json` with `--set`
/// overrides and returns the parsed JSON.
fn json_with_sets(command: &str, args: &[&str], sets: &[&str]) -> Value {
    let mut cmd = enrichsim();
    cmd.arg(command)
        .arg(project_file("scenarios/phase3-enriched.toml"))
        .args(args)
        .args(["--format", "json"]);
    for s in sets {
        cmd.args(["--set", s]);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{command} {sets:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `run` of the enriched Phase 3 scenario (20 replicates) with `--set` overrides.
fn run_with_sets(sets: &[&str]) -> Value {
    json_with_sets("run", &["--reps", "20", "--quiet"], sets)
}

#[test]
fn set_overrides_values() {
    let base = run_with_sets(&["design.sample_size=400"]);
    assert_eq!(base["randomised_mean"].as_f64(), Some(400.0));

    let v = run_with_sets(&["design.sample_size=300"]);
    assert_eq!(v["randomised_mean"].as_f64(), Some(300.0));

    let v = run_with_sets(&["design.sample_size=400", "effect.hazard_ratio.low=0.7"]);
    assert_eq!(v["randomised_mean"].as_f64(), Some(400.0));
    assert_ne!(
        v["z_mean"], base["z_mean"],
        "the hazard ratio changed nothing"
    );

    // A bare word is taken as a string.
    let bare = run_with_sets(&["design.sample_size=400", "design.test=logrank"]);
    let quoted = run_with_sets(&["design.sample_size=400", "design.test=\"logrank\""]);
    let strip = |mut v: Value| {
        v.as_object_mut().unwrap().remove("elapsed_s");
        v
    };
    let (bare, quoted, base) = (strip(bare), strip(quoted), strip(base));
    assert_eq!(bare, quoted);
    assert_ne!(bare["z_mean"], base["z_mean"], "the test changed nothing");

    // Several overrides apply in order.
    let v = run_with_sets(&[
        "design.sample_size=300",
        "design.analysis.events=150",
        "enrolment.rate.1.per_month=30",
    ]);
    assert_eq!(v["randomised_mean"].as_f64(), Some(300.0));
    assert_eq!(v["events_mean"].as_f64(), Some(150.0));
}

/// `validate` of the enriched Phase 3 scenario with `--set` overrides, as JSON.
fn validate_with_sets(sets: &[&str]) -> Value {
    json_with_sets("validate", &[], sets)
}

#[test]
fn set_applies_to_validate_too() {
    let base = validate_with_sets(&["design.sample_size=400"]);
    let smaller = validate_with_sets(&["design.sample_size=300"]);
    let (a, b) = (
        num(&base, "expected_screened"),
        num(&smaller, "expected_screened"),
    );
    assert_close!(b / a, 0.75, 1e-9);
}

/// `analyze` on the oracle data set, as JSON.
fn analyze_oracle(extra: &[&str]) -> Value {
    let out = enrichsim()
        .arg("analyze")
        .arg(oracle("survival-dataset1.csv"))
        .args(["--time", "months", "--event", "death", "--arm", "arm"])
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Oracle tolerance for statistics on the data set (oracles/README.md).
const REL: f64 = 1e-6;

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// Checks the Cox fields of an `analyze` report against one oracle block.
fn check_cox(got: &Value, want: &Value) {
    assert_close!(num(got, "cox_hr"), num(want, "hr"), REL);
    assert_close!(num(got, "cox_hr_lower"), num(want, "lower"), REL);
    assert_close!(num(got, "cox_hr_upper"), num(want, "upper"), REL);
    assert_close!(num(got, "cox_se_log_hr"), num(want, "se_log_hr"), REL);
    assert_close!(num(got, "cox_wald_p"), num(want, "wald_p"), REL);
    assert_close!(num(got, "cox_score_chisq"), num(want, "score_chisq"), REL);
    assert_close!(num(got, "cox_loglik"), num(want, "loglik"), REL);
    assert_eq!(got["cox_converged"], true);
}

#[test]
fn analyze_matches_the_oracle_unstratified() {
    let o = oracle_json("survival-dataset1.expected.json");
    for (ties, block) in [("efron", "cox_efron"), ("breslow", "cox_breslow")] {
        let got = analyze_oracle(&["--ties", ties]);
        assert_eq!(got["n"], o["n"]);
        assert_eq!(got["events"], o["events"]);
        assert_eq!(got["stratified"], false);
        assert_eq!(got["ties"], ties);
        assert_close!(num(&got, "logrank_z"), num(&o, "logrank_z"), REL);
        assert_close!(num(&got, "logrank_chisq"), num(&o, "logrank_chisq"), REL);
        assert_close!(num(&got, "logrank_p"), num(&o, "logrank_p"), REL);
        check_cox(&got, &o[block]);
        assert_close!(
            num(&got, "km_median_control"),
            num(&o["km_median"], "control"),
            REL
        );
        assert_close!(
            num(&got, "km_median_treatment"),
            num(&o["km_median"], "treatment"),
            REL
        );
    }
}

#[test]
fn analyze_matches_the_oracle_stratified() {
    let o = oracle_json("survival-dataset1.expected.json");
    for (ties, block) in [
        ("efron", "cox_efron_stratified"),
        ("breslow", "cox_breslow_stratified"),
    ] {
        let got = analyze_oracle(&["--strata", "pnfh_stratum", "--ties", ties]);
        assert_eq!(got["stratified"], true);
        assert_eq!(got["strata"].as_array().map(Vec::len), Some(3));
        assert_close!(num(&got, "logrank_z"), num(&o, "stratified_logrank_z"), REL);
        assert_close!(
            num(&got, "logrank_chisq"),
            num(&o, "stratified_logrank_chisq"),
            REL
        );
        assert_close!(num(&got, "logrank_p"), num(&o, "stratified_logrank_p"), REL);
        check_cox(&got, &o[block]);
    }
}

/// Runs the small scenario in `format` and returns standard output.
fn run_small(format: &str) -> String {
    let dir = TempDir::new().unwrap();
    let path = write_scenario(dir.path(), "small.toml", "events = 40", "events = 40");
    let out = enrichsim()
        .args(["run", "--reps", "20", "--quiet", "--format", format])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn csv_format_has_a_header_and_one_numeric_data_line() {
    let text = run_small("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let header: Vec<&str> = lines[0].split(',').collect();
    let values: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(header.len(), values.len());
    let i = header
        .iter()
        .position(|h| *h == "power")
        .expect("power column");
    let power: f64 = values[i].parse().expect("power is a number");
    assert!((0.0..=1.0).contains(&power));
    // A machine-readable file: every value a plain number (or NA), no "4.25%".
    for (h, v) in header.iter().zip(&values) {
        assert!(
            *v == "NA" || v.parse::<f64>().is_ok(),
            "CSV column {h} is not numeric: {v:?}"
        );
    }
}

#[test]
fn csv_and_json_agree() {
    let csv = run_small("csv");
    let json: Value = serde_json::from_str(&run_small("json")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap().split(',');
    let values = lines.next().unwrap().split(',');
    let mut compared = 0;
    for (h, v) in header.zip(values) {
        if h == "elapsed_s" {
            continue;
        }
        if let Some(j) = json[h].as_f64() {
            // serde_json's default float parser may be 1 ulp off; the texts are the same.
            let c: f64 = v.parse().unwrap_or_else(|_| panic!("column {h}: {v:?}"));
            assert_close!(c, j, 1e-14);
            compared += 1;
        }
    }
    assert!(compared >= 15, "only {compared} columns in common");
}

#[test]
fn markdown_format_is_a_table() {
    let text = run_small("markdown");
    assert!(
        text.lines()
            .any(|l| l.starts_with('|') && l.contains("power"))
    );
    assert!(text.lines().any(|l| l.starts_with("| ---")));
}

#[test]
fn text_format_names_power() {
    assert!(run_small("text").contains("power"));
}

#[test]
fn json_format_parses() {
    let v: Value = serde_json::from_str(&run_small("json")).unwrap();
    assert_eq!(v["reps"], 20);
    assert!(v["power"].is_number());
}

#[test]
fn unknown_format_is_refused() {
    let line = fails_with_one_line(
        enrichsim()
            .arg("run")
            .arg(project_file("scenarios/phase3-enriched.toml"))
            .args(["--reps", "10", "--format", "yaml"]),
    );
    assert_mentions(&line, &["--format", "yaml"], "format");
}

#[test]
fn zero_reps_or_threads_are_refused() {
    let scenario = project_file("scenarios/phase3-enriched.toml");
    let line = fails_with_one_line(
        enrichsim()
            .arg("run")
            .arg(&scenario)
            .args(["--reps", "0", "--quiet"]),
    );
    assert_mentions(&line, &["option `--reps`", "got 0"], "--reps 0");
    let line = fails_with_one_line(enrichsim().arg("run").arg(&scenario).args([
        "--reps",
        "10",
        "--threads",
        "0",
        "--quiet",
    ]));
    assert_mentions(&line, &["option `--threads`", "got 0"], "--threads 0");
}

#[test]
fn missing_scenario_file_fails_clearly() {
    let line = fails_with_one_line(enrichsim().args(["validate", "no-such-scenario.toml"]));
    assert_mentions(
        &line,
        &["no-such-scenario.toml", "No such file or directory"],
        "missing scenario",
    );
}

#[test]
fn boundaries_command_prints_the_oracle_design() {
    // rpact 3.3.4 getDesignGroupSequential(kMax = 3, alpha = 0.025, typeOfDesign = "asOF"):
    // z = 3.7103028733, 2.5114274845, 1.9930474833 (tests/data/oracles/boundaries.expected.json).
    let out = enrichsim()
        .args([
            "boundaries",
            "--looks",
            "3",
            "--spending",
            "asOF",
            "--alpha",
            "0.025",
        ])
        .args(["--power", "0.9", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let z: Vec<f64> = v["z"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    for (got, want) in z.iter().zip([3.7103028733, 2.5114274845, 1.9930474833]) {
        assert!((got - want).abs() < 1e-4, "z {got} vs {want}");
    }
    assert_eq!(v["looks"].as_u64(), Some(3));
    assert!(v["inflation_factor"].as_f64().unwrap() > 1.0);
    for field in ["timing", "nominal_p", "alpha_spent"] {
        assert_eq!(v[field].as_array().map(Vec::len), Some(3), "{field}");
    }
    let csv = enrichsim()
        .args([
            "boundaries",
            "--looks",
            "4",
            "--spending",
            "hsd:-4",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(csv.status.success());
    assert_eq!(String::from_utf8(csv.stdout).unwrap().lines().count(), 5);
    let line =
        fails_with_one_line(enrichsim().args(["boundaries", "--looks", "3", "--spending", "asXX"]));
    assert_mentions(&line, &["--spending", "asXX", "asOF"], "bad spending name");
    let line = fails_with_one_line(enrichsim().args([
        "boundaries",
        "--looks",
        "2",
        "--timing",
        "0.7,0.3",
    ]));
    assert_mentions(&line, &["0.7"], "bad timing");
}

#[test]
fn analyze_test_adds_z_p_and_the_estimate() {
    // Without --test the report is unchanged: no `test` field.
    let plain = analyze_oracle(&[]);
    assert!(plain.get("test").is_none(), "{plain}");
    // FH(0,1): R value from tests/r/nph_oracle.R (see tests/it/oracle_weighted.rs).
    let fh = analyze_oracle(&["--test", "fh(0,1)"]);
    assert_eq!(fh["test"], "fh(0,1)");
    assert_abs_close!(num(&fh, "z"), 1.0497670616578445, 1e-8);
    assert_abs_close!(
        num(&fh, "p"),
        enrichsim::stats::normal::sf(1.0497670616578445),
        1e-8
    );
    assert_close!(
        num(&fh, "logrank_z"),
        plain["logrank_z"].as_f64().unwrap(),
        1e-15
    );
    // Milestone and RMST: the difference with its 95% CI.
    let m = analyze_oracle(&["--test", "milestone(12)"]);
    assert_abs_close!(
        num(&m, "estimate"),
        0.710_284_724_524_001 - 0.641_250_686_966_917,
        1e-8
    );
    assert!(num(&m, "lower") < num(&m, "estimate") && num(&m, "estimate") < num(&m, "upper"));
    let r = analyze_oracle(&["--strata", "pnfh_stratum", "--test", "stratified_rmst(18)"]);
    assert_eq!(r["test"], "stratified_rmst(18)");
    for key in ["z", "p", "estimate", "lower", "upper"] {
        assert!(r[key].is_number(), "{key}: {r}");
    }
    // MaxCombo: the components too.
    let mc = analyze_oracle(&["--test", "maxcombo"]);
    assert_abs_close!(num(&mc, "p"), 0.18201236609155425, 1e-8);
    assert_eq!(mc["components"].as_array().map(Vec::len), Some(4));
}

#[test]
fn analyze_refuses_bad_test_names() {
    let base = |extra: &[&str]| {
        let mut cmd = enrichsim();
        cmd.arg("analyze")
            .arg(oracle("survival-dataset1.csv"))
            .args(["--time", "months", "--event", "death", "--arm", "arm"])
            .args(extra);
        cmd
    };
    for (args, expect) in [
        (
            vec!["--test", "wilcoxon"],
            vec!["--test", "wilcoxon", "fh(rho,gamma)"],
        ),
        (vec!["--test", "fh(0,-1)"], vec!["--test", "gamma"]),
        (vec!["--test", "rmst(0)"], vec!["--test", "tau"]),
        (
            vec!["--test", "stratified_fh(0,1)"],
            vec!["--test", "--strata"],
        ),
        (
            vec!["--test", "rmst(500)"],
            vec!["--test", "rmst(500)", "last follow-up"],
        ),
    ] {
        let line = fails_with_one_line(&mut base(&args));
        assert_mentions(&line, &expect, &args.join(" "));
    }
}

#[test]
fn run_reports_further_tests_side_by_side() {
    let dir = TempDir::new().unwrap();
    let path = write_scenario(
        dir.path(),
        "tests.toml",
        "alpha = 0.025",
        "alpha = 0.025\ntests = [\"stratified_logrank\", \"fh(0,1)\", \"maxcombo\", \"rmst(12)\"]",
    );
    let out = enrichsim()
        .args(["run", "--reps", "200", "--quiet", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tests = v["tests"].as_object().expect("a tests object");
    assert_eq!(tests.len(), 4);
    // In the order of design.tests (serde_json's Value sorts keys, so look at the text).
    let raw = String::from_utf8_lossy(&out.stdout);
    let at = |name: &str| raw.find(&format!("\"{name}\": {{")).expect(name);
    assert!(at("stratified_logrank") < at("fh(0,1)"));
    assert!(at("fh(0,1)") < at("maxcombo") && at("maxcombo") < at("rmst(12)"));
    // The primary test is the stratified log-rank: the same rejections.
    assert_eq!(tests["stratified_logrank"]["power"], v["power"]);
    for t in tests.values() {
        assert!(t["power"].is_number() && t["power_se"].is_number(), "{t}");
    }
    // Text and CSV show them too (CSV columns stay numeric).
    let text = enrichsim()
        .args(["run", "--reps", "50", "--quiet"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("fh(0,1): rejects"), "{text}");
    let csv = enrichsim()
        .args(["run", "--reps", "50", "--quiet", "--format", "csv"])
        .arg(&path)
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(
        csv.lines().next().unwrap().contains("test_fh_0_1_power"),
        "{csv}"
    );
    // Without design.tests the JSON has no `tests` field.
    assert!(
        serde_json::from_str::<Value>(&run_small("json"))
            .unwrap()
            .get("tests")
            .is_none()
    );
}

#[test]
fn piecewise_hazard_ratio_runs_and_validates() {
    let dir = TempDir::new().unwrap();
    let path = write_scenario(
        dir.path(),
        "pw.toml",
        "hazard_ratio = { low = 0.7, moderate = 0.7, high = 1.0 }",
        "hazard_ratio = { low = [{ from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.6 }], moderate = 0.7, high = [{ from = 0.0, hr = 0.8 }, { from = 6.0, hr = 1.5 }] }",
    );
    let out = enrichsim()
        .args(["validate", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["strata"][0]["hazard_ratio_schedule"],
        "1 from 0, 0.6 from 3"
    );
    assert_eq!(v["strata"][0]["hazard_ratio"], 0.6);
    assert_eq!(v["strata"][1]["hazard_ratio_schedule"], "0.7");
    assert_eq!(
        v["strata"][2]["hazard_ratio_schedule"],
        "0.8 from 0, 1.5 from 6"
    );
    enrichsim()
        .args(["run", "--reps", "20", "--quiet"])
        .arg(&path)
        .assert()
        .success();
}

/// The design kinds asUser, bsUser, HP, noEarlyEfficacy and WToptimum from the command line:
/// the JSON's bounds (noEarlyEfficacy's +inf interims as null), and bad input as one line with
/// exit code 2 naming the flag.
#[test]
fn boundaries_design_kinds_and_their_bad_input() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut cmd = enrichsim();
        cmd.arg("boundaries").args(args).args(["--format", "json"]);
        serde_json::from_str(&stdout_of(&mut cmd)).expect("JSON")
    };
    let v = json(&[
        "--spending",
        "asUser",
        "--user-alpha",
        "0.001,0.01,0.025",
        "--timing",
        "0.3,0.6,1",
        "--power",
        "0.8",
        "--futility",
        "bsUser",
        "--user-beta",
        "0.05,0.1,0.2",
    ]);
    assert_eq!(v["spending_code"], "asUser");
    assert!((v["z"][0].as_f64().unwrap() - 3.090232306).abs() < 1e-6);
    assert!((v["futility_z"][1].as_f64().unwrap() - 0.876181212).abs() < 1e-6);
    let v = json(&["--spending", "HP"]);
    assert!((v["z"][2].as_f64().unwrap() - 1.975098).abs() < 1e-5);
    let v = json(&["--spending", "noEarlyEfficacy"]);
    assert!(v["z"][0].is_null() && v["z"][1].is_null());
    let v = json(&["--spending", "WToptimum"]);
    assert_eq!(v["delta_wt"].as_f64(), Some(0.389));
    assert_eq!(v["optimization_criterion"], "ASNH1");
    for (args, flag) in [
        (
            &["--spending", "asUser", "--user-alpha", "0.01,0.001,0.025"][..],
            "--user-alpha",
        ),
        (
            &["--spending", "asUser", "--user-alpha", "0.001,0.02"],
            "--user-alpha",
        ),
        (
            &["--spending", "asUser", "--user-alpha", "0.001,0.01,0.03"],
            "--user-alpha",
        ),
        (&["--spending", "asUser"], "--spending"),
        (&["--spending", "HP", "--hp-bound", "0"], "--hp-bound"),
        (&["--spending", "HP", "--hp-bound", "-2"], "--hp-bound"),
        (&["--spending", "HP", "--hp-bound", "1"], "--hp-bound"),
        (&["--spending", "asOF", "--hp-bound", "3"], "--hp-bound"),
        (
            &["--spending", "WToptimum", "--optimize", "ASN"],
            "--optimize",
        ),
        (&["--futility", "bsUser", "--power", "0.8"], "--futility"),
        (
            &[
                "--futility",
                "bsUser",
                "--power",
                "0.8",
                "--user-beta",
                "0.1,0.15,0.3",
            ],
            "--user-beta",
        ),
    ] {
        let out = enrichsim()
            .arg("boundaries")
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// The scenario keys of the design kinds: accepted with their design, and bad values (or a key
/// for another design) one line naming the key, exit code 2.
#[test]
fn sequential_design_kind_keys() {
    let f = scenario_path("phase3-enriched-sequential.toml");
    let run = |sets: &[&str]| {
        let mut cmd = enrichsim();
        cmd.arg("validate").arg(&f);
        for s in sets {
            cmd.args(["--set", s]);
        }
        cmd.output().expect("runs")
    };
    for ok in [
        &[
            r#"design.sequential.efficacy="asUser""#,
            "design.sequential.user_alpha=[0.001,0.01,0.025]",
        ][..],
        &[
            r#"design.sequential.futility="bsUser""#,
            "design.sequential.user_beta=[0.02,0.05,0.1]",
        ],
        &[
            r#"design.sequential.efficacy="HP""#,
            "design.sequential.hp_bound=3.5",
        ],
        &[r#"design.sequential.efficacy="noEarlyEfficacy""#],
        &[
            r#"design.sequential.efficacy="WToptimum""#,
            r#"design.sequential.optimize="ASNsum""#,
        ],
    ] {
        assert_eq!(run(ok).status.code(), Some(0), "{ok:?}");
    }
    for (bad, key) in [
        (
            &[
                r#"design.sequential.efficacy="asUser""#,
                "design.sequential.user_alpha=[0.01,0.001,0.025]",
            ][..],
            "user_alpha",
        ),
        (
            &[
                r#"design.sequential.efficacy="asUser""#,
                "design.sequential.user_alpha=[0.01,0.02]",
            ],
            "user_alpha",
        ),
        (
            &[
                r#"design.sequential.efficacy="asUser""#,
                "design.sequential.user_alpha=[0.001,0.01,0.02]",
            ],
            "user_alpha",
        ),
        (&[r#"design.sequential.efficacy="asUser""#], "efficacy"),
        (
            &[
                r#"design.sequential.efficacy="HP""#,
                "design.sequential.hp_bound=0",
            ],
            "hp_bound",
        ),
        (&["design.sequential.hp_bound=3"], "hp_bound"),
        (
            &[
                r#"design.sequential.futility="bsUser""#,
                "design.sequential.user_beta=[0.02,0.05,0.2]",
            ],
            "user_beta",
        ),
        (
            &[
                r#"design.sequential.efficacy="WToptimum""#,
                r#"design.sequential.optimize="x""#,
            ],
            "optimize",
        ),
    ] {
        let out = run(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{bad:?}: {err}");
        assert!(err.contains(key), "{bad:?}: {err}");
    }
}
