//! Control models calibrated by survival at a time, the survival of the mixes of strata and the
//! `[calibration]` checks of `validate`, against closed forms worked by hand in the test.

use crate::common::*;

use enrichsim::scenario::{HazardSpec, Scenario, SurvivalAt};
use serde_json::Value;

/// One stratum with control model `control` (the text inside `all = { ... }`).
fn one_stratum(control: &str) -> String {
    format!(
        r#"
name = "calibrated"
[control]
all = {{ {control} }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = 10.0
[design]
sample_size = 100
analysis = {{ events = 50 }}
"#
    )
}

#[test]
fn exponential_through_a_survival_point() {
    // S(t) = exp(-lambda t) with S(21) = 0.55: lambda = -ln(0.55) / 21, median ln 2 / lambda.
    let s = study(&one_stratum("survival = 0.55, at = 21.0"));
    let lambda = -(0.55f64).ln() / 21.0;
    assert_eq!(
        s.scenario.control_calibration,
        vec![Some(SurvivalAt {
            survival: 0.55,
            at: 21.0
        })]
    );
    let HazardSpec::Exponential { median } = s.scenario.control[0] else {
        panic!("not exponential: {:?}", s.scenario.control[0]);
    };
    assert_close!(median, std::f64::consts::LN_2 / lambda, 1e-14);
    let control = &s.model.outcomes[0].control;
    assert_abs_close!(control.survival(21.0), 0.55, 1e-12);
    for t in [1.0, 12.0, 40.0] {
        assert_abs_close!(control.survival(t), (-lambda * t).exp(), 1e-12);
    }
    // The treatment arm: S_1(t) = S(t)^0.7.
    assert_abs_close!(
        s.model.outcomes[0].survival(true, 21.0),
        0.55f64.powf(0.7),
        1e-12
    );
}

#[test]
fn weibull_through_a_survival_point_in_both_spellings() {
    // S(t) = exp(-(t / l)^k) with S(21) = 0.3, k = 1.3: l = 21 / (-ln 0.3)^(1/k).
    let k = 1.3f64;
    let l = 21.0 / (-(0.3f64).ln()).powf(1.0 / k);
    let a = study(&one_stratum("survival = 0.3, at = 21.0, shape = 1.3"));
    let b = study(&one_stratum(
        "weibull = { survival = 0.3, at = 21.0, shape = 1.3 }",
    ));
    assert_eq!(a.scenario.control, b.scenario.control);
    assert_eq!(
        a.scenario.control_calibration,
        b.scenario.control_calibration
    );
    let HazardSpec::Weibull { median, shape } = a.scenario.control[0] else {
        panic!("not Weibull: {:?}", a.scenario.control[0]);
    };
    assert_eq!(shape, 1.3);
    assert_close!(median, l * std::f64::consts::LN_2.powf(1.0 / k), 1e-14);
    let control = &a.model.outcomes[0].control;
    assert_abs_close!(control.survival(21.0), 0.3, 1e-12);
    for t in [2.0, 12.0, 30.0] {
        assert_abs_close!(control.survival(t), (-(t / l).powf(k)).exp(), 1e-12);
    }
    // The median form of the same Weibull is the same model.
    let c = study(&one_stratum(&format!(
        "weibull = {{ median = {median:?}, shape = 1.3 }}"
    )));
    assert_eq!(c.scenario.control, a.scenario.control);
    assert_eq!(c.scenario.control_calibration, vec![None]);
}

/// The error of a scenario that must be refused.
fn refused(text: &str) -> String {
    match Scenario::parse(text, "cal.toml", &[]) {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_calibrations_name_file_key_value_and_allowed() {
    for (control, expect) in [
        (
            "survival = 1.2, at = 21.0",
            &[
                "cal.toml",
                "key `control.all.survival`",
                "got 1.2",
                "strictly between 0 and 1",
            ][..],
        ),
        (
            "survival = 0.0, at = 21.0",
            &[
                "key `control.all.survival`",
                "got 0.0",
                "strictly between 0 and 1",
            ],
        ),
        (
            "survival = 0.55, at = 0",
            &["cal.toml", "key `control.all.at`", "got 0", "months > 0"],
        ),
        (
            "median = 30.0, survival = 0.55, at = 21.0",
            &[
                "cal.toml",
                "key `control.all`",
                "both a median and a survival point",
                "median = 30.0",
                "survival = 0.55",
                "either { median = m } or { survival = s, at = t }",
            ],
        ),
        (
            "weibull = { median = 30.0, survival = 0.55, at = 21.0, shape = 1.2 }",
            &[
                "key `control.all.weibull`",
                "both a median and a survival point",
            ],
        ),
        (
            "survival = 0.55",
            &["key `control.all.at`", "missing", "months > 0"],
        ),
        ("at = 21.0", &["key `control.all.survival`", "missing"]),
        (
            "median = 30.0, shape = 1.2",
            &["key `control.all.shape`", "a shape alone", "got 1.2"],
        ),
        (
            "survival = 0.55, at = 21.0, shape = 0.0",
            &["key `control.all.shape`", "got 0.0", "(0, 20]"],
        ),
        (
            "weibull = { survival = 0.55, at = 21.0 }",
            &["key `control.all.weibull.shape`", "missing"],
        ),
        (
            "survival = 0.55, at = 21.0, piecewise = { starts = [0.0], rates = [0.03] }",
            &["key `control.all`", "2 forms given", "survival = s, at = t"],
        ),
    ] {
        let line = refused(&one_stratum(control));
        assert_mentions(&line, expect, control);
    }
    let line = refused(&one_stratum("").replace("all = {  }", ""));
    assert_mentions(
        &line,
        &[
            "key `control.all`",
            "no control model",
            "{ survival = s, at = t }",
        ],
        "missing control",
    );
}

#[test]
fn bad_calibration_tables_are_refused() {
    let base = one_stratum("median = 30.0");
    for (table, expect) in [
        (
            "population = \"everyone\"\ntargets = [ { arm = \"control\", at = 21.0, alive = 61, of = 110 } ]",
            &[
                "key `calibration.population`",
                "\"everyone\"",
                "\"screened\"",
                "\"randomised\"",
            ][..],
        ),
        (
            "population = \"screened\"",
            &["key `calibration.targets`", "missing"],
        ),
        (
            "targets = []",
            &["key `calibration.targets`", "wrong number"],
        ),
        (
            "targets = [ 21.0 ]",
            &[
                "key `calibration.targets.0`",
                "expected a table",
                "got 21.0",
            ],
        ),
        (
            "targets = [ { arm = \"placebo\", at = 21.0, alive = 61, of = 110 } ]",
            &[
                "key `calibration.targets.0.arm`",
                "\"placebo\"",
                "\"control\" or \"treatment\"",
            ],
        ),
        (
            "targets = [ { at = 21.0, alive = 61, of = 110 } ]",
            &["key `calibration.targets.0.arm`", "missing"],
        ),
        (
            "targets = [ { arm = \"control\", at = 0.0, alive = 61, of = 110 } ]",
            &["key `calibration.targets.0.at`", "got 0.0", "months > 0"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, alive = 120, of = 110 } ]",
            &["key `calibration.targets.0.alive`", "got 120", "0..=110"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, alive = 61 } ]",
            &["key `calibration.targets.0.of`", "missing"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, alive = 61, of = 0 } ]",
            &["key `calibration.targets.0.of`", "got 0", "1..=1000000"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, alive = 61, of = 110, survival = 0.55 } ]",
            &["key `calibration.targets.0`", "both a count", "alive = 61"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, survival = 1.5 } ]",
            &["key `calibration.targets.0.survival`", "got 1.5", "[0, 1]"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, survival = 0.5, tolerance = 0.0 } ]",
            &["key `calibration.targets.0.tolerance`", "got 0.0", "(0, 1)"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0 } ]",
            &[
                "key `calibration.targets.0`",
                "no figure",
                "alive = n, of = N",
            ],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, survival = 0.5, alvie = 3 } ]",
            &["key `calibration.targets.0.alvie`", "unknown key", "alive"],
        ),
        (
            "targets = [ { arm = \"control\", at = 21.0, survival = 0.5, source = 3 } ]",
            &["key `calibration.targets.0.source`", "a string"],
        ),
        (
            "population = \"screened\"\nstratum = \"low\"\ntargets = [ { arm = \"control\", at = 21.0, survival = 0.5 } ]",
            &["key `calibration.stratum`", "unknown key"],
        ),
    ] {
        let line = refused(&format!("{base}\n[calibration]\n{table}\n"));
        assert_mentions(&line, expect, table);
        assert_mentions(&line, &["cal.toml"], table);
    }
}

/// Two strata, exact assay, cut-point at median x gsd: P(low) = Phi(1) (no misclassification).
const TWO_STRATA: &str = r#"
name = "two strata"
[biomarker]
median = 1000.0
gsd = 2.0
assay_cv = 0.0
cutpoints = [2000.0]
strata = ["low", "high"]
[control]
low  = { survival = 0.6, at = 21.0 }
high = { survival = 0.3, at = 21.0, shape = 1.3 }
[effect]
hazard_ratio = { low = 0.5, high = 1.5 }
[enrolment]
rate = 10.0
[design]
eligible = ["low"]
sample_size = 100
analysis = { events = 50 }
[calibration]
population = "screened"
targets = [
  { arm = "control", at = 18.0, alive = 30, of = 50, source = "made up" },
  { arm = "treatment", at = 21.0, survival = 0.7, tolerance = 0.01 },
]
"#;

/// Phi(1), to 16 digits (Abramowitz and Stegun, Table 26.1: 0.8413447461).
const PHI_1: f64 = 0.841_344_746_068_542_9;

/// Survival of the two strata by hand: low exponential with S(21) = 0.6, high Weibull k = 1.3
/// with S(21) = 0.3; treatment raises the survival to the power of the hazard ratio.
fn by_hand(stratum: usize, treated: bool, t: f64) -> f64 {
    match (stratum, treated) {
        (0, false) => 0.6f64.powf(t / 21.0),
        (0, true) => 0.6f64.powf(0.5 * t / 21.0),
        (1, false) => 0.3f64.powf((t / 21.0).powf(1.3)),
        _ => 0.3f64.powf(1.5 * (t / 21.0).powf(1.3)),
    }
}

#[test]
fn mixture_survival_matches_the_hand_computation() {
    let s = study(TWO_STRATA);
    let d = s.describe();
    assert_abs_close!(d.strata[0].true_prevalence, PHI_1, 1e-9);
    let w = [d.strata[0].true_prevalence, d.strata[1].true_prevalence];
    let times: Vec<f64> = d.mixture_survival.iter().map(|m| m.months).collect();
    assert_eq!(
        times,
        vec![12.0, 18.0, 21.0],
        "12, 21 and the targets' times"
    );
    for m in &d.mixture_survival {
        let t = m.months;
        let screened =
            |treated| PHI_1 * by_hand(0, treated, t) + (1.0 - PHI_1) * by_hand(1, treated, t);
        assert_abs_close!(m.screened_control, screened(false), 1e-9);
        assert_abs_close!(m.screened_treatment, screened(true), 1e-9);
        // Only 'low' is eligible and the assay is exact: the randomised are all 'low'.
        assert_abs_close!(m.randomised_control, by_hand(0, false, t), 1e-12);
        assert_abs_close!(m.randomised_treatment, by_hand(0, true, t), 1e-12);
        assert_abs_close!(
            s.model.mixture_survival(&w, false, t),
            m.screened_control,
            1e-15
        );
    }
    // The long-standing randomised-mix rows agree.
    assert_abs_close!(d.control_survival_21, by_hand(0, false, 21.0), 1e-12);
    assert_abs_close!(d.control_survival_12, by_hand(0, false, 12.0), 1e-12);
    // The per-stratum calibration is shown, and the models pass through their points.
    assert_eq!(
        d.strata[1].control_calibration,
        Some(SurvivalAt {
            survival: 0.3,
            at: 21.0
        })
    );
    assert_abs_close!(d.strata[0].control_survival_21, 0.6, 1e-12);
    assert_abs_close!(d.strata[1].control_survival_21, 0.3, 1e-12);

    // The targets: the screened mix's survival against the published figures.
    let c = d.calibration.expect("calibration");
    let first = &c.targets[0];
    let model = PHI_1 * by_hand(0, false, 18.0) + (1.0 - PHI_1) * by_hand(1, false, 18.0);
    assert_abs_close!(first.model, model, 1e-9);
    assert_eq!(first.target, 0.6);
    // Wilson 95% for 30 of 50, worked out: p = 0.6, z^2 / n = 0.07683, ...
    let z = 1.959_963_984_540_054f64;
    let (p, n) = (0.6, 50.0);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    assert_abs_close!(first.lower.unwrap(), centre - half, 1e-12);
    assert_abs_close!(first.upper.unwrap(), centre + half, 1e-12);
    // 4 decimals: 0.4618 to 0.7239.
    assert_abs_close!(first.lower.unwrap(), 0.4618, 5e-5);
    assert_abs_close!(first.upper.unwrap(), 0.7239, 5e-5);
    let inside = (centre - half..=centre + half).contains(&model);
    assert_eq!(
        first.verdict.name(),
        if inside { "inside" } else { "outside" }
    );
    let second = &c.targets[1];
    let model = PHI_1 * by_hand(0, true, 21.0) + (1.0 - PHI_1) * by_hand(1, true, 21.0);
    assert_abs_close!(second.model, model, 1e-9);
    assert_eq!(second.interval, "tolerance");
    assert_eq!(
        second.verdict.name(),
        if (model - 0.7).abs() <= 0.01 {
            "inside"
        } else {
            "outside"
        }
    );
}

#[test]
fn randomised_population_uses_the_design_mix() {
    let text = TWO_STRATA.replace("population = \"screened\"", "population = \"randomised\"");
    let d = study(&text).describe();
    let c = d.calibration.expect("calibration");
    assert_abs_close!(c.targets[0].model, by_hand(0, false, 18.0), 1e-12);
    assert_abs_close!(c.targets[1].model, by_hand(0, true, 21.0), 1e-12);
}

/// `validate --format json` of the shipped replay, with `--set` overrides.
fn validate_replay(sets: &[&str]) -> Value {
    let mut cmd = enrichsim();
    cmd.args(["validate", "--format", "json"])
        .arg(scenario_path("mirocals-phase2b.toml"));
    for s in sets {
        cmd.arg(format!("--set={s}"));
    }
    let out = cmd.output().expect("run enrichsim");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn validate_reports_the_replay_calibration() {
    let v = validate_replay(&[]);
    let target = &v["calibration"]["targets"][0];
    assert_eq!(v["calibration"]["population"], "screened");
    assert_eq!(target["arm"], "control");
    assert_eq!(target["months"], 21.0);
    assert_eq!(target["alive"], 61);
    assert_eq!(target["of"], 110);
    assert_eq!(target["interval"], "wilson_95");
    // Wilson 95% for 61 of 110: 0.4614 to 0.6440.
    assert_abs_close!(target["lower"].as_f64().unwrap(), 0.4614, 5e-5);
    assert_abs_close!(target["upper"].as_f64().unwrap(), 0.6440, 5e-5);
    assert_eq!(target["verdict"], "inside");
    let model = target["model"].as_f64().unwrap();
    assert_abs_close!(model, 0.555, 0.005);
    // The screened mix at 21 months is the target's model value; the randomised mix of an
    // all-comers design is the same.
    let at21 = v["mixture_survival"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["months"] == 21.0)
        .expect("21 months");
    assert_eq!(at21["screened_control"].as_f64().unwrap(), model);
    assert_abs_close!(at21["randomised_control"].as_f64().unwrap(), model, 1e-12);
    // Each stratum says how its control model was given.
    for s in v["strata"].as_array().unwrap() {
        assert_eq!(s["control_calibration"]["at"], 21.0, "{s}");
    }
    // A count far from the model is outside its interval.
    let v = validate_replay(&["calibration.targets.0.alive=90"]);
    assert_eq!(v["calibration"]["targets"][0]["verdict"], "outside");
}

#[test]
fn validate_text_and_csv_carry_the_checks() {
    let out = enrichsim()
        .arg("validate")
        .arg(scenario_path("mirocals-phase2b.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for expect in [
        "calibrated: ",
        "% alive at 21 months",
        "screened, control alive at 21 months",
        "randomised, treatment alive at 12 months",
        "Calibration targets (screened population)",
        "95% Wilson interval, lower",
        "verdict",
        "inside",
        "61 of 110",
    ] {
        assert!(text.contains(expect), "no {expect:?} in\n{text}");
    }
    let out = enrichsim()
        .args(["validate", "--format", "csv"])
        .arg(scenario_path("mirocals-phase2b.toml"))
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let header = csv.lines().next().unwrap();
    for key in [
        "low_control_calibration",
        "control_survival_21",
        "screened_control_survival_21",
        "randomised_treatment_survival_12",
        "calibration_1_model",
        "calibration_1_lower",
        "calibration_1_upper",
        "calibration_1_verdict",
    ] {
        assert!(header.split(',').any(|k| k == key), "no {key} in {header}");
    }
}
