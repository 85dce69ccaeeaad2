//! Symmetric two-sided group-sequential designs (rpact `sided = 2`, gsDesign `test.type = 2`)
//! against rpact 3.3.4 (tests/data/oracles/boundaries-twosided.expected.json, written by
//! tests/r/oracle_boundaries_twosided.R): 23 designs of the kinds OF, P, WT, asOF, asP, asKD,
//! asHSD and asUser at equal and unequal timings.
//!
//! Each entry holds the inputs of one `getDesignGroupSequential(sided = 2, ...)` call (alpha the
//! two-sided level) and its `$criticalValues`, cumulative `$alphaSpent` (both sides),
//! `$stageLevels` (1 - Phi(b_k)) and, with beta, `getDesignCharacteristics()$shift` (the squared
//! drift giving the upper crossing power 1 - beta, rpact's `twoSidedPower = FALSE`) and
//! `$inflationFactor`. Bounds are compared to 1e-6 in z, interim alpha spent and stage levels to
//! 1e-8, the final alpha spent with alpha at 1e-6 (rpact reports alpha - 1e-8, its tolerance),
//! drift and inflation factor to 1e-6 relative (rpact's root finder stops at tolerance 1e-8 in
//! the squared drift).

use crate::common::*;
use enrichsim::design::sequential::spending::KindParams;
use enrichsim::design::sequential::{DesignKind, DesignSpec, GroupSequentialDesign};

fn f64s(v: &serde_json::Value) -> Option<Vec<f64>> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_f64().expect("number")).collect())
}

fn design_of(d: &serde_json::Value) -> GroupSequentialDesign {
    let kind_name = d["kind"].as_str().expect("kind");
    let gamma = d["gamma"].as_f64();
    // rpact's gammaA is Kim-DeMets' rho for asKD
    let params = KindParams {
        gamma: gamma.filter(|_| kind_name == "asHSD"),
        rho: gamma.filter(|_| kind_name == "asKD"),
        delta: d["delta"].as_f64(),
        user: f64s(&d["user_alpha"]),
        ..KindParams::default()
    };
    let kind = DesignKind::parse_params("--spending", kind_name, &params).expect("kind");
    let mut spec = DesignSpec::new(kind, d["alpha"].as_f64().expect("alpha"));
    spec.sided = 2;
    spec.power = d["beta"].as_f64().map(|b| 1.0 - b);
    GroupSequentialDesign::new(spec, f64s(&d["timing"]).expect("timing")).expect("design")
}

#[test]
fn every_two_sided_oracle_design_is_reproduced() {
    let oracle = oracle_json("boundaries-twosided.expected.json");
    let designs = oracle.as_array().expect("list of designs");
    assert_eq!(designs.len(), 23);
    let (mut wz, mut wspent, mut wlevel, mut wdrift, mut wif) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut kinds: Vec<&str> = Vec::new();
    for d in designs {
        let kind = d["kind"].as_str().expect("kind");
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
        let design = design_of(d);
        let z = f64s(&d["z"]).expect("z");
        let spent = f64s(&d["alpha_spent"]).expect("alpha spent");
        let levels = f64s(&d["stage_levels"]).expect("stage levels");
        let alpha = d["alpha"].as_f64().expect("alpha");
        let looks = z.len();
        assert_eq!(design.looks(), looks);
        let lower = design.lower().expect("two-sided lower bounds");
        let p = design.nominal_p();
        for k in 0..looks {
            let got = design.efficacy()[k];
            wz = wz.max((got - z[k]).abs());
            assert_abs_close!(got, z[k], 1e-6);
            assert_eq!(lower[k], -got);
            wlevel = wlevel.max((p[k] - levels[k]).abs());
            assert_abs_close!(p[k], levels[k], 1e-8);
            if k + 1 < looks {
                wspent = wspent.max((design.alpha_spent()[k] - spent[k]).abs());
                assert_abs_close!(design.alpha_spent()[k], spent[k], 1e-8);
            } else {
                assert_abs_close!(design.alpha_spent()[k], alpha, 1e-6);
            }
        }
        if let Some(shift) = d["shift"].as_f64() {
            let drift = design.drift().expect("drift");
            let rel = (drift - shift.sqrt()).abs() / shift.sqrt();
            wdrift = wdrift.max(rel);
            assert!(rel < 1e-6, "{kind}: drift {drift}, rpact {}", shift.sqrt());
            let inflation = d["inflation_factor"].as_f64().expect("inflation");
            let ours = design.inflation_factor().expect("inflation factor");
            let rel = (ours - inflation).abs() / inflation;
            wif = wif.max(rel);
            assert!(rel < 1e-6, "{kind}: inflation {ours}, rpact {inflation}");
            // the power is that of the upper crossing
            assert_abs_close!(
                design.exit_probabilities(drift).reject,
                1.0 - d["beta"].as_f64().expect("beta"),
                1e-9
            );
        }
    }
    eprintln!(
        "two-sided vs rpact: max |z diff| {wz:.2e}, alpha spent {wspent:.2e}, stage levels {wlevel:.2e}, \
         drift rel {wdrift:.2e}, inflation rel {wif:.2e}"
    );
    assert_eq!(kinds.len(), 8, "{kinds:?}");
}

/// Under H0 a symmetric design exits as often below as above (each side alpha(t) / 2 by look),
/// and the two sides of the exit probabilities add to the two-sided alpha spent.
#[test]
fn two_sided_exits_are_symmetric_under_h0() {
    let oracle = oracle_json("boundaries-twosided.expected.json");
    for d in oracle.as_array().expect("designs") {
        let design = design_of(d);
        let e = design.exit_probabilities(0.0);
        let mut cum = 0.0;
        for k in 0..design.looks() {
            assert_abs_close!(e.efficacy[k], e.lower[k], 1e-12);
            cum += e.efficacy[k] + e.lower[k];
            assert_abs_close!(cum, design.alpha_spent()[k], 1e-10);
        }
    }
}
