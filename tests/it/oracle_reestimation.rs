//! The conditional power of event re-estimation (src/design/reestimation.rs) against rpact
//! 3.3.4's `getConditionalPower` on six stage-1 data sets of a two-stage inverse normal design
//! (tests/data/oracles/reestimation.expected.json, `conditional_power`; tests/r/oracle_reestimation.R):
//! the critical values of the design at information rates (t_1, 1) and the conditional power
//! 1 - Phi((c_2 - sqrt(t_1) z_1) / sqrt(1 - t_1) - ln(1 / HR) sqrt(n_2 r) / (1 + r)), to 1e-7.

use crate::common::*;
use enrichsim::design::reestimation::{
    CombinationTest, CpEffect, InterimSpec, ReestimationPlan, ReestimationSpec, Rule,
    conditional_critical_value, conditional_power, required_stage_events,
};
use enrichsim::design::sequential::{DesignKind, SpendingFunction};

fn plan(t1: f64, kind: &str, allocation: f64) -> ReestimationPlan {
    let efficacy = match kind {
        "noEarlyEfficacy" => None,
        "asOF" => Some(DesignKind::Spending(SpendingFunction::LanDeMetsObf)),
        "asP" => Some(DesignKind::Spending(SpendingFunction::LanDeMetsPocock)),
        other => panic!("design {other}"),
    };
    let spec = ReestimationSpec {
        interim: InterimSpec::Fraction(t1),
        min_events: None,
        max_events: 300,
        rule: Rule::Rpact,
        conditional_power: 0.8,
        effect: CpEffect::Observed,
        test: CombinationTest::Chw,
        efficacy,
        futility: None,
    };
    // 100 planned deaths: round(t1 100) / 100 is t1 itself for the oracle's rates
    ReestimationPlan::new(&spec, 100, 0.025, allocation, "oracle.toml").unwrap()
}

#[test]
fn conditional_power_matches_rpact() {
    let cases = oracle_json("reestimation.expected.json")["conditional_power"]
        .as_array()
        .expect("cases")
        .clone();
    assert_eq!(cases.len(), 6);
    for c in &cases {
        let f = |k: &str| c[k].as_f64().unwrap();
        let (t1, z1, n2, hr, r) = (
            f("information_rate"),
            f("z1"),
            f("stage2_events"),
            f("hazard_ratio"),
            f("allocation"),
        );
        let p = plan(t1, c["design"].as_str().unwrap(), r);
        assert_abs_close!(p.weights[0] * p.weights[0], t1, 1e-15);
        // rpact's critical values (the first null, i.e. +inf, without early efficacy)
        let critical = c["critical_values"].as_array().unwrap();
        match critical[0].as_f64() {
            Some(c1) => assert_abs_close!(p.critical[0], c1, 1e-7),
            None => assert_eq!(p.critical[0], f64::INFINITY),
        }
        assert_abs_close!(p.critical[1], critical[1].as_f64().unwrap(), 1e-7);
        let ccv = conditional_critical_value(z1, p.weights, p.critical[1]);
        let cp = conditional_power(ccv, -hr.ln(), n2, r);
        assert_abs_close!(cp, f("conditional_power"), 1e-7);
        // The deaths for that conditional power give it back.
        let needed = required_stage_events(ccv, cp, -hr.ln(), r);
        assert_close!(needed, n2, 1e-9);
    }
}

#[test]
fn the_planned_effect_is_rpacts_theta_h1() {
    // rpact's estimatedTheta with thetaH1 given (directionUpper = FALSE) is 1 / thetaH1: the
    // log hazard ratio -ln(thetaH1); observed, exp(z1 (1 + r) / sqrt(r d1)).
    let mut p = plan(0.5, "noEarlyEfficacy", 1.0);
    assert_abs_close!(p.theta(1.3, 125.0), 1.3 * 2.0 / 125f64.sqrt(), 1e-15);
    p.effect = CpEffect::Planned { hazard_ratio: 0.75 };
    assert_abs_close!(p.theta(1.3, 125.0), (1.0f64 / 0.75).ln(), 1e-15);
    p.effect = CpEffect::Mix {
        hazard_ratio: 0.75,
        weight: 0.25,
    };
    assert_abs_close!(
        p.theta(1.3, 125.0),
        0.25 * 1.3 * 2.0 / 125f64.sqrt() + 0.75 * (1.0f64 / 0.75).ln(),
        1e-15
    );
}
