//! The design kinds asUser, bsUser, HP (Haybittle-Peto), noEarlyEfficacy and WToptimum against
//! rpact 3.3.4 (tests/data/oracles/boundaries-kinds.expected.json, written by
//! tests/r/oracle_boundaries_kinds.R).
//!
//! Each oracle entry holds the inputs of one `getDesignGroupSequential(sided = 1, ...)` call and
//! its `$criticalValues` (Inf, written null, at the interims of noEarlyEfficacy), interim
//! `$futilityBounds`, cumulative `$alphaSpent` and, for WToptimum, `$deltaWT` (rpact rounds it
//! to 3 decimals; enrichsim does the same after its own search). Bounds are compared to 1e-6 in
//! z; interim alpha spent to 1e-8; the final alpha spent with the design's alpha at 1e-6 (rpact
//! reports 0.02499999, its tolerance).

use crate::common::*;
use enrichsim::design::sequential::spending::KindParams;
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, SpendingFunction,
};

fn f64s(v: &serde_json::Value) -> Option<Vec<f64>> {
    v.as_array().map(|a| {
        a.iter()
            .map(|x| x.as_f64().unwrap_or(f64::INFINITY))
            .collect()
    })
}

/// The design of one oracle entry, by the library API (binding as the entry says, unless
/// `binding` overrides it).
fn design_of(d: &serde_json::Value, binding: Option<bool>) -> GroupSequentialDesign {
    let kind_name = d["kind"].as_str().expect("kind");
    let params = KindParams {
        user: f64s(&d["user_alpha"]),
        hp_bound: d["hp_bound"].as_f64(),
        optimize: d["criterion"].as_str().map(String::from),
        ..KindParams::default()
    };
    let kind = DesignKind::parse_params("--spending", kind_name, &params).expect("kind");
    let mut spec = DesignSpec::new(kind, d["alpha"].as_f64().expect("alpha"));
    spec.power = d["beta"].as_f64().map(|b| 1.0 - b);
    spec.binding = binding.unwrap_or(d["binding"].as_bool().expect("binding"));
    if let Some(z) = f64s(&d["futility_z"]) {
        spec.futility = Futility::Z(z);
    }
    if let Some(name) = d["beta_spending"].as_str() {
        let params = KindParams {
            user: f64s(&d["user_beta"]),
            ..KindParams::default()
        };
        // rpact's beta-spending codes bsOF, bsP, bsUser
        let name = match name {
            "bsOF" => "asOF",
            "bsP" => "asP",
            other => other,
        };
        spec.futility = Futility::BetaSpending(
            SpendingFunction::parse_params("--futility", name, &params).expect("beta spending"),
        );
    }
    GroupSequentialDesign::new(spec, f64s(&d["timing"]).expect("timing")).expect("design")
}

#[test]
fn every_oracle_design_kind_is_reproduced() {
    let oracle = oracle_json("boundaries-kinds.expected.json");
    let designs = oracle.as_array().expect("list of designs");
    assert_eq!(designs.len(), 27);
    // worst |z diff| (efficacy and futility) per kind
    let mut worst: Vec<(String, f64, f64)> = Vec::new();
    let mut worst_loose = 0.0f64;
    for d in designs {
        let label = match d["beta_spending"].as_str() {
            Some("bsUser") => "bsUser".to_string(),
            _ => d["kind"].as_str().expect("kind").to_string(),
        };
        // rpact 3.3.4 computes noEarlyEfficacy with binding beta-spending futility as if it did
        // not bind (final bound z_{1-alpha}, the non-binding futility bounds); compared with
        // enrichsim's non-binding design here, and the binding one checked on its own in
        // `no_early_efficacy_binding_beta_spending_spends_alpha`.
        let rpact_ignores_binding = d["kind"] == "noEarlyEfficacy"
            && d["beta_spending"].is_string()
            && d["binding"] == true;
        let design = design_of(d, rpact_ignores_binding.then_some(false));
        let z = f64s(&d["z"]).expect("z");
        let spent = f64s(&d["alpha_spent"]).expect("alpha spent");
        let alpha = d["alpha"].as_f64().expect("alpha");
        let looks = z.len();
        assert_eq!(design.looks(), looks);
        let mut wz = 0.0f64;
        for k in 0..looks {
            let got = design.efficacy()[k];
            if z[k].is_infinite() {
                assert!(got == f64::INFINITY, "{label} look {k}: {got}, rpact Inf");
            } else {
                wz = wz.max((got - z[k]).abs());
                assert_abs_close!(got, z[k], 1e-6);
            }
            if k + 1 < looks {
                assert_abs_close!(design.alpha_spent()[k], spent[k].max(0.0), 1e-8);
            } else {
                assert_abs_close!(design.alpha_spent()[k], alpha, 1e-6);
            }
        }
        let mut wf = 0.0f64;
        // rpact's beta spending without early efficacy stops its iteration early: its futility
        // bounds are not those of its own drift (see `no_early_efficacy_beta_spending_is_exact`),
        // by up to 1.3e-5 in z
        let loose = label == "noEarlyEfficacy" && d["beta_spending"].is_string();
        let tol = if loose { 2e-5 } else { 1e-6 };
        if let Some(a) = f64s(&d["futility"]) {
            let ours = design.futility().expect("futility bounds");
            for k in 0..looks - 1 {
                let diff = (ours[k] - a[k]).abs();
                if loose {
                    worst_loose = worst_loose.max(diff);
                } else {
                    wf = wf.max(diff);
                }
                assert_abs_close!(ours[k], a[k], tol);
            }
        }
        if let Some(delta) = d["delta_wt"].as_f64() {
            let ours = design.optimal_delta().expect("optimal delta");
            assert!(
                (ours - delta).abs() < 1e-9,
                "{label} {:?}: delta {ours}, rpact {delta}",
                d["criterion"]
            );
        }
        match worst.iter_mut().find(|w| w.0 == label) {
            Some(w) => {
                w.1 = w.1.max(wz);
                w.2 = w.2.max(wf);
            }
            None => worst.push((label, wz, wf)),
        }
    }
    for (label, wz, wf) in &worst {
        eprintln!("{label}: max |z diff| efficacy {wz:.2e}, futility {wf:.2e}");
    }
    eprintln!("noEarlyEfficacy with beta spending: max |futility z diff| {worst_loose:.2e}");
    assert_eq!(
        worst.len(),
        5,
        "asUser, bsUser, HP, noEarlyEfficacy, WToptimum"
    );
}

/// WToptimum's Delta is the minimiser: the rounded Delta's neighbours 0.001 away are no better,
/// by the same criterion computed from the designs at those Deltas.
#[test]
fn wt_optimum_is_a_minimum_of_asnh1() {
    let kind =
        DesignKind::parse_params("--spending", "WToptimum", &KindParams::default()).expect("kind");
    let mut spec = DesignSpec::new(kind, 0.025);
    spec.power = Some(0.8);
    let timing = vec![1.0 / 3.0, 2.0 / 3.0, 1.0];
    let d = GroupSequentialDesign::new(spec.clone(), timing.clone()).expect("design");
    let delta = d.optimal_delta().expect("delta");
    let asn = |delta: f64| {
        let mut s = spec.clone();
        s.kind = DesignKind::WangTsiatis { delta };
        let d = GroupSequentialDesign::new(s, timing.clone()).expect("wt");
        let theta = d.drift().expect("drift");
        d.inflation_factor().expect("if") * d.exit_probabilities(theta).expected_information
    };
    let here = asn(delta);
    assert!(here <= asn(delta - 0.001) + 1e-12 && here <= asn(delta + 0.001) + 1e-12);
    // and deterministic
    let again = GroupSequentialDesign::new(spec, timing).expect("design");
    assert_eq!(again.efficacy(), d.efficacy());
}

/// The noEarlyEfficacy + bsOF entry: rpact's first futility bound, -0.2440388, is not the bound
/// of its own drift (sqrt of its shift 8.58749848897: Phi^{-1}(f(0.2, 1/3)) + theta sqrt(1/3) =
/// -0.2440351); enrichsim's bound is that of its drift exactly, and its drift gives the power
/// 0.8 exactly (rpact's shift gives 0.799999998762).
#[test]
fn no_early_efficacy_beta_spending_is_exact() {
    let oracle = oracle_json("boundaries-kinds.expected.json");
    let d = oracle
        .as_array()
        .expect("designs")
        .iter()
        .find(|d| d["kind"] == "noEarlyEfficacy" && d["beta_spending"] == "bsOF")
        .expect("the bsOF entry");
    let design = design_of(d, None);
    let theta = design.drift().expect("drift");
    let f = SpendingFunction::LanDeMetsObf;
    let t1 = 1.0 / 3.0;
    let a1 = enrichsim::stats::normal::quantile(f.cumulative(0.2, t1)) + theta * t1.sqrt();
    assert_abs_close!(design.futility().expect("futility")[0], a1, 1e-9);
    assert_abs_close!(design.exit_probabilities(theta).reject, 0.8, 1e-9);
    // rpact's drift, for the record: 2.930443, ours 2.930448
    assert_abs_close!(theta, 8.58749848897f64.sqrt(), 1e-5);
}

/// noEarlyEfficacy with binding beta-spending futility: enrichsim's final bound spends the whole
/// alpha given the binding futility (under H0, with the futility bounds applied, P(reject) =
/// alpha), where rpact's z_{1-alpha} spends 0.0207.
#[test]
fn no_early_efficacy_binding_beta_spending_spends_alpha() {
    let oracle = oracle_json("boundaries-kinds.expected.json");
    let d = oracle
        .as_array()
        .expect("designs")
        .iter()
        .find(|d| d["kind"] == "noEarlyEfficacy" && d["beta_spending"] == "bsP")
        .expect("the bsP entry");
    let design = design_of(d, None);
    let h0 = design.exit_probabilities(0.0);
    assert_abs_close!(h0.reject, 0.025, 1e-8);
    assert!(design.efficacy()[2] < 1.9);
    let rpact_final = f64s(&d["z"]).expect("z")[2];
    let rpact_level = enrichsim::design::sequential::exit_probabilities(
        design.timing(),
        design.futility(),
        &[f64::INFINITY, f64::INFINITY, rpact_final],
        0.0,
        32,
    )
    .reject;
    // 0.0207 with rpact's 1.959964
    assert!(rpact_level < 0.0215, "{rpact_level}");
}
