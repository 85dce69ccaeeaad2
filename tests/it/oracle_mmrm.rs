//! The MMRM of change from baseline against nlme 3.1.162's `gls` (REML, `corSymm` +
//! `varIdent`: an unstructured covariance), and the ANCOVA fallback against R's `lm`:
//! tests/r/oracle_mmrm.R simulates two ALS-like data sets (200 patients, visits every 3 months
//! to 12, two strata; 300 patients, 6 visits every 2 months with AR(1) noise of correlation
//! 0.85, three strata; monotone dropout and a few intermittent misses), writes them as
//! tests/data/oracles/mmrm-dataset{1,2}.csv and records in mmrm.expected.json, per fit, the
//! treatment effect at the visit, its SE and z, all fixed effects, the covariance matrix
//! (`getVarCov`), `logLik` and the LS means. nlme is run with `glsControl(tolerance = 1e-12)`,
//! and nlminb's optimum (about 1e-5 relative from the REML optimum: it stops at a relative change
//! of 1e-10 in the objective) is polished by Newton steps on gls's own objective (the JSON's
//! `source.notes`); the values are nlme's at the polished parameters.
//!
//! Tolerance: 1e-6 relative on every number (coefficients relative to max(|value|, 1e-3), the
//! covariances to the scale of the diagonal); the fits agree to about 1e-8.

use crate::common::*;
use enrichsim::analysis::function::Visits;
use enrichsim::analysis::function::mmrm::{self, Method, MmrmFit, MmrmWorkspace, Undefined};
use serde_json::Value;

const REL: f64 = 1e-6;
const ORACLE: &str = "mmrm.expected.json";

/// Reads a long CSV (`id,arm,stratum,time,score`, sorted by id then time) into a Visits table.
fn read_visits(name: &str) -> Visits {
    let text = std::fs::read_to_string(oracle(name)).expect("reads the data set");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id,arm,stratum,time,score"));
    let mut v = Visits::default();
    v.clear();
    let mut last_id = None;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 5, "{line}");
        let id: u32 = f[0].parse().unwrap();
        if last_id != Some(id) {
            v.push_patient(f[1] == "1", f[2].parse().unwrap());
            last_id = Some(id);
        }
        v.push_visit(f[3].parse().unwrap(), f[4].parse().unwrap());
    }
    v
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// Largest relative difference seen, for the report printed with `--nocapture`.
fn rel(a: f64, e: f64) -> f64 {
    (a - e).abs() / e.abs().max(1e-300)
}

fn check_common(name: &str, f: &MmrmFit, o: &Value, coef: &[f64]) -> f64 {
    let mut worst: f64 = 0.0;
    for (what, a) in [
        ("difference", f.difference),
        ("se", f.se),
        ("z", f.z),
        ("treatment_mean", f.treatment_mean),
        ("control_mean", f.control_mean),
        ("log_reml", f.log_reml),
    ] {
        let e = num(o, what);
        worst = worst.max(rel(a, e));
        assert!(rel(a, e) <= REL, "{name} {what}: {a:.12e} vs R {e:.12e}");
    }
    assert_eq!(f.patients as u64, o["patients"].as_u64().unwrap(), "{name}");
    let want = numbers(&o["coef"]);
    assert_eq!(coef.len(), want.len(), "{name}: number of coefficients");
    for (i, (a, e)) in coef.iter().zip(&want).enumerate() {
        // Coefficients near 0 (a stratum effect, a visit's intercept): relative to the scale of
        // the coefficient vector.
        let scale = e.abs().max(1e-3);
        worst = worst.max((a - e).abs() / scale);
        assert!(
            (a - e).abs() <= REL * scale,
            "{name} coefficient {i}: {a:.12e} vs R {e:.12e}"
        );
    }
    worst
}

fn case(name: &str) -> (Visits, f64, bool) {
    let data = if name.starts_with("dataset1") {
        "mmrm-dataset1.csv"
    } else {
        "mmrm-dataset2.csv"
    };
    let o = &oracle_json(ORACLE);
    let fit = if o["mmrm"].get(name).is_some() {
        &o["mmrm"][name]
    } else {
        &o["ancova"][name]
    };
    (
        read_visits(data),
        num(fit, "at"),
        fit["stratified"].as_bool().unwrap(),
    )
}

#[test]
fn mmrm_matches_nlme_gls() {
    let o = oracle_json(ORACLE);
    let mut ws = MmrmWorkspace::default();
    let mut worst: f64 = 0.0;
    for (name, expected) in o["mmrm"].as_object().unwrap() {
        let (visits, at, stratified) = case(name);
        let f =
            mmrm::fit(&visits, at, stratified, &mut ws).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(f.method, Method::Mmrm);
        assert!(f.converged, "{name}: not converged");
        assert_eq!(f.visits as u64, expected["visits"].as_u64().unwrap());
        assert_eq!(
            f.observations as u64,
            expected["observations"].as_u64().unwrap()
        );
        assert_eq!(ws.visit_times().last(), Some(&at));
        let mut w = check_common(name, &f, expected, ws.coefficients());
        let sigma = numbers(&expected["sigma"]);
        assert_eq!(ws.sigma().len(), sigma.len());
        for (i, (a, e)) in ws.sigma().iter().zip(&sigma).enumerate() {
            // Covariances relative to the diagonal's scale.
            let scale = sigma[0].abs().max(e.abs());
            w = w.max((a - e).abs() / scale);
            assert!(
                (a - e).abs() <= REL * scale,
                "{name} sigma[{i}]: {a:.12e} vs R {e:.12e}"
            );
        }
        println!(
            "{name}: {} iterations, largest relative difference {w:.2e}",
            f.iterations
        );
        worst = worst.max(w);
    }
    println!("mmrm vs gls: largest relative difference {worst:.2e}");
}

#[test]
fn ancova_matches_lm() {
    let o = oracle_json(ORACLE);
    let mut ws = MmrmWorkspace::default();
    let mut worst: f64 = 0.0;
    for (name, expected) in o["ancova"].as_object().unwrap() {
        let (visits, at, stratified) = case(name);
        let f = mmrm::ancova(&visits, at, stratified, &mut ws)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(f.method, Method::Ancova);
        worst = worst.max(check_common(name, &f, expected, ws.coefficients()));
    }
    println!("ancova vs lm: largest relative difference {worst:.2e}");
}

#[test]
fn undefined_cases_say_so() {
    let (visits, _, _) = case("dataset1_at12");
    let mut ws = MmrmWorkspace::default();
    // 5 months is not a visit; 0 is the baseline; 15 is after the last visit.
    for at in [5.0, 0.0, 15.0, -1.0, f64::NAN] {
        assert_eq!(
            mmrm::fit(&visits, at, false, &mut ws),
            Err(Undefined::NotAVisit),
            "at {at}"
        );
        assert_eq!(
            mmrm::ancova(&visits, at, false, &mut ws),
            Err(Undefined::NotAVisit),
            "at {at}"
        );
    }
    // Only the control arm: no treated patient seen at 12 months.
    let mut control = Visits::default();
    control.clear();
    for i in 0..visits.patients() {
        if !visits.treated[i] {
            control.push_patient(false, visits.stratum[i]);
            for r in visits.rows(i) {
                control.push_visit(visits.time[r], visits.score[r]);
            }
        }
    }
    assert_eq!(
        mmrm::fit(&control, 12.0, false, &mut ws),
        Err(Undefined::ArmUnobserved)
    );
    assert_eq!(
        mmrm::ancova(&control, 12.0, true, &mut ws),
        Err(Undefined::ArmUnobserved)
    );
    // The workspace still fits the full data afterwards, as a fresh one does.
    let again = mmrm::fit(&visits, 12.0, false, &mut ws).unwrap();
    let fresh = mmrm::fit(&visits, 12.0, false, &mut MmrmWorkspace::default()).unwrap();
    assert_eq!(again, fresh);
    // fit_or_ancova: 4 visits, so the MMRM.
    let chosen = mmrm::fit_or_ancova(&visits, 12.0, false, &mut ws).unwrap();
    assert_eq!(chosen, fresh);
}
