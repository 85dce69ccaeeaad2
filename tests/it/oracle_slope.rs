//! Oracle test: the slope analysis (`analysis::function::slope`, a REML linear mixed model with
//! a random intercept and slope per patient) against nlme 3.1-162 on R 4.2.2
//! (tests/data/oracles/slope.expected.json, made by tests/r/oracle_slope.R).
//!
//! The R calls (data read with read.csv; `arm` a factor with `control` as reference, `stratum`
//! a factor):
//! * `lme(score ~ time * arm, random = ~ time | id, method = "REML", control = ctl)` on
//!   slope-orthodont.csv (nlme's Orthodont, Female = treatment, time = age - 8),
//!   slope-als.csv (200 simulated ALS patients, truncated visits) and slope-tiny.csv (8
//!   balanced patients);
//! * `lme(score ~ time * arm + stratum * time, ...)` on slope-als.csv;
//!
//! with nlme's tolerances tightened (`ctl`: BFGS, see the script). Compared: `fixef`,
//! `sqrt(diag(vcov))`, `getVarCov`, `sigma^2`, `logLik`, against nlme's own values (`REL_NLME`)
//! and, more tightly, against the script's dense REML polished from nlme's estimate
//! (`REL_POLISHED`). The off-diagonal of D is compared relative to sqrt(D11 D22) (it is near 0
//! on the ALS data).
//!
//! Achieved precision (largest relative difference over all values, measured when written):
//! against nlme 6.3e-7 (Orthodont's d22: nlme's BFGS stops about there; ALS 6.6e-8, stratified
//! 5.2e-10, tiny 2.7e-8); against the polished values 4e-10 (the polish's finite differences:
//! on the tiny data set, whose exact REML estimates are rational, enrichsim is exact to 3e-12,
//! see the module's unit test).

use crate::common::*;
use enrichsim::analysis::function::Visits;
use enrichsim::analysis::function::slope::{SlopeFit, SlopeWorkspace, fit};

const REL_NLME: f64 = 2e-6;
const REL_POLISHED: f64 = 2e-9;

/// Reads a long-format CSV (id, arm, stratum, time, score; rows of a patient together, in
/// ascending time) into `Visits`.
fn visits(name: &str) -> Visits {
    let text = std::fs::read_to_string(oracle(name)).expect("oracle CSV reads");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,arm,stratum,time,score"));
    let mut v = Visits::default();
    v.clear();
    let mut last_id = None;
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 5, "{line}");
        if last_id != Some(f[0]) {
            let treated = match f[1] {
                "treatment" => true,
                "control" => false,
                other => panic!("arm {other}"),
            };
            v.push_patient(treated, f[2].parse().expect("stratum"));
            last_id = Some(f[0]);
        }
        v.push_visit(f[3].parse().expect("time"), f[4].parse().expect("score"));
    }
    v
}

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Largest relative difference of `f` from the oracle `o` (nlme's values or the polished).
fn worst(f: &SlopeFit, o: &serde_json::Value) -> (f64, String) {
    let mut worst = (0.0, String::new());
    let mut check = |what: String, a: f64, e: f64, scale: f64| {
        let r = (a - e).abs() / scale.abs();
        if r > worst.0 || r.is_nan() {
            worst = (r, format!("{what}: {a:.12e} vs {e:.12e}"));
        }
    };
    let fixed = nums(&o["fixed"]);
    let fixed_se = nums(&o["fixed_se"]);
    assert_eq!(f.fixed.len(), fixed.len());
    for i in 0..fixed.len() {
        check(format!("fixed[{i}]"), f.fixed[i], fixed[i], fixed[i]);
        check(
            format!("fixed_se[{i}]"),
            f.fixed_se[i],
            fixed_se[i],
            fixed_se[i],
        );
    }
    let d: Vec<Vec<f64>> = o["d"].as_array().unwrap().iter().map(nums).collect();
    check("d11".into(), f.d[0][0], d[0][0], d[0][0]);
    check("d22".into(), f.d[1][1], d[1][1], d[1][1]);
    let scale = (d[0][0] * d[1][1]).sqrt();
    check("d12".into(), f.d[0][1], d[0][1], scale);
    check("d21".into(), f.d[1][0], d[1][0], scale);
    let s2 = o["sigma2"].as_f64().unwrap();
    check("sigma2".into(), f.sigma2, s2, s2);
    let ll = o["log_reml"].as_f64().unwrap();
    check("log_reml".into(), f.log_reml, ll, ll);
    worst
}

fn compare(case: &str, csv: &str, stratified: bool) {
    let values = oracle_json("slope.expected.json");
    let o = &values[case];
    let v = visits(csv);
    let mut ws = SlopeWorkspace::default();
    let f = fit(&v, stratified, &mut ws);
    assert!(f.converged, "{case}: {f:?}");
    assert_eq!(f.observations as f64, o["n_obs"].as_f64().unwrap());
    assert_eq!(f.patients as f64, o["n_patients"].as_f64().unwrap());
    let (r, what) = worst(&f, o);
    eprintln!("{case}: against nlme {r:.2e} ({what})");
    assert!(r <= REL_NLME, "{case} against nlme: {what} ({r:.2e})");
    let (r, what) = worst(&f, &o["polished"]);
    eprintln!("{case}: against the polished REML {r:.2e} ({what})");
    assert!(
        r <= REL_POLISHED,
        "{case} against the polished REML: {what} ({r:.2e})"
    );
    // the summary fields agree with the fixed effects
    let q = f.fixed.len() / 2;
    assert_eq!(f.difference, f.fixed[q + 1]);
    assert_eq!(f.se, f.fixed_se[q + 1]);
    assert_close!(f.z, f.difference / f.se, 1e-15);
    assert_close!(f.treatment_slope - f.control_slope, f.difference, 1e-12);
    if !stratified {
        assert_eq!(f.control_slope, f.fixed[1]);
    }
}

#[test]
fn orthodont() {
    compare("orthodont", "slope-orthodont.csv", false);
}

#[test]
fn als_unstratified() {
    compare("als", "slope-als.csv", false);
}

#[test]
fn als_stratified() {
    compare("als_stratified", "slope-als.csv", true);
    // the control slope: strata slopes weighted by the strata's patients
    let values = oracle_json("slope.expected.json");
    let n = nums(&values["als_counts"]["stratum_patients"]);
    let fx = nums(&values["als_stratified"]["fixed"]);
    let total: f64 = n.iter().sum();
    let control = fx[1] + (n[1] * fx[6] + n[2] * fx[7]) / total;
    let mut ws = SlopeWorkspace::default();
    let f = fit(&visits("slope-als.csv"), true, &mut ws);
    assert_close!(f.control_slope, control, 1e-6);
    assert_close!(f.treatment_slope, control + fx[5], 1e-6);
}

#[test]
fn tiny_balanced() {
    compare("tiny", "slope-tiny.csv", false);
}

/// The ALS data set has the features the brief asks for: truncated patients and patients with
/// a baseline only (kept in the fit: nlme counts them).
#[test]
fn als_data_set_has_truncation() {
    let values = oracle_json("slope.expected.json");
    let c = &values["als_counts"];
    let v = visits("slope-als.csv");
    let sizes: Vec<usize> = (0..v.patients()).map(|i| v.rows(i).len()).collect();
    assert_eq!(sizes.len() as f64, c["patients"].as_f64().unwrap());
    let baseline_only = sizes.iter().filter(|&&n| n == 1).count();
    let complete = sizes.iter().filter(|&&n| n == 7).count();
    assert_eq!(baseline_only as f64, c["baseline_only"].as_f64().unwrap());
    assert_eq!(complete as f64, c["complete"].as_f64().unwrap());
    assert!(baseline_only > 0 && complete < sizes.len() - baseline_only);
}

/// The fit does not depend on the order of the patients (reversed, and arms interleaved).
#[test]
fn patient_order() {
    let v = visits("slope-als.csv");
    let mut r = Visits::default();
    r.clear();
    for i in (0..v.patients()).rev() {
        r.push_patient(v.treated[i], v.stratum[i]);
        for row in v.rows(i) {
            r.push_visit(v.time[row], v.score[row]);
        }
    }
    for stratified in [false, true] {
        let mut w1 = SlopeWorkspace::default();
        let mut w2 = SlopeWorkspace::default();
        let a = fit(&v, stratified, &mut w1);
        let b = fit(&r, stratified, &mut w2);
        assert_close!(b.z, a.z, 1e-10);
        assert_close!(b.log_reml, a.log_reml, 1e-13);
        assert_close!(b.d[1][1], a.d[1][1], 1e-9);
        for (x, y) in a.fixed.iter().zip(b.fixed) {
            assert_close!(*y, *x, 1e-9);
        }
    }
}
