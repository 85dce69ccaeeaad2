//! Interim inference on observed looks (`enrichsim monitor`, `enrichsim::design::interim`)
//! against rpact 3.3.4 (tests/data/oracles/monitor.expected.json, tests/r/oracle_monitor.R):
//! `getAnalysisResults` and `getConditionalPower` on a `getDesignGroupSequential` at the
//! observed information fractions (then the planned ones for the looks to come) with
//! `getDataset(overallEvents, overallLogRanks = -z, overallAllocationRatios)`,
//! `directionUpper = FALSE`: bounds at the observed fractions, test actions, conditional power
//! under the planned and the observed hazard ratio, repeated confidence intervals and p-values,
//! and at the final stage the stage-wise ordering p-value, median-unbiased estimate and
//! confidence interval. Ten cases: asOF and asP, 2 to 4 looks, no futility, fixed z futility
//! (binding and not), beta-spending futility, allocation 2 and 0.5, runs to the end (reject and
//! accept), stops at look 1 and look 2 for efficacy, a futility stop.
//!
//! The predictive power has no rpact counterpart: it is checked against its closed form (one
//! look left), the bivariate normal law of the predictive increments (two looks left) and a
//! Monte Carlo draw of the effect and the Brownian motion.

use crate::common::*;
use enrichsim::design::interim::{
    Action, InterimPlan, NormalPrior, ObservedLook, Remaining, analyse,
};
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, SpendingFunction,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

fn nums(v: &Value, key: &str) -> Vec<Option<f64>> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("oracle field {key} missing"))
        .iter()
        .map(|x| x.as_f64())
        .collect()
}

fn spending(name: &str) -> SpendingFunction {
    match name {
        "asOF" | "bsOF" => SpendingFunction::LanDeMetsObf,
        "asP" => SpendingFunction::LanDeMetsPocock,
        _ => panic!("unknown kind {name}"),
    }
}

/// The case's design at its planned fractions, as a scenario would give it.
fn design_of(case: &Value) -> GroupSequentialDesign {
    let planned: Vec<f64> = nums(case, "planned_events").into_iter().flatten().collect();
    let max = *planned.last().unwrap();
    let mut spec = DesignSpec::new(
        DesignKind::Spending(spending(case["kind"].as_str().unwrap())),
        case["alpha"].as_f64().unwrap(),
    );
    spec.binding = case["binding"].as_bool().unwrap();
    if let Some(z) = case["futility_z"].as_array() {
        spec.futility = Futility::Z(z.iter().map(|x| x.as_f64().unwrap()).collect());
    }
    if let Some(b) = case["beta_spending"].as_str() {
        spec.futility = Futility::BetaSpending(spending(b));
        spec.power = Some(1.0 - case["beta"].as_f64().unwrap());
    }
    GroupSequentialDesign::new(spec, planned.iter().map(|e| e / max).collect()).unwrap()
}

fn observed_of(case: &Value) -> Vec<ObservedLook> {
    let events = nums(case, "events");
    let z = nums(case, "z");
    let allocation = nums(case, "allocation");
    (0..events.len())
        .map(|j| ObservedLook {
            events: events[j].unwrap(),
            z: z[j].unwrap(),
            allocation: allocation[j].unwrap(),
        })
        .collect()
}

/// rpact's and enrichsim's recursive integrations differ by up to about 1e-9 in a probability
/// (different grids); the values agree to 1e-7 relative but for small conditional powers.
const TOL: f64 = 1e-6;

fn check_option(what: &str, name: &str, ours: Option<f64>, theirs: Option<f64>, rel: f64) {
    match (ours, theirs) {
        (Some(a), Some(e)) => {
            let r = (a - e).abs() / e.abs().max(1e-12);
            if r > 1e-7 {
                println!("{name}: {what} = {a:.12e}, rpact {e:.12e} (relative {r:.2e})");
            }
            assert!(
                r <= rel,
                "{name}: {what} = {a:.12e}, rpact {e:.12e} (relative {r:.2e})"
            )
        }
        (None, None) => {}
        _ => panic!("{name}: {what}: ours {ours:?}, rpact {theirs:?}"),
    }
}

#[test]
fn interim_inference_matches_rpact() {
    let oracle = oracle_json("monitor.expected.json");
    let cases = oracle["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    let mut worst: f64 = 0.0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let design = design_of(case);
        let planned: Vec<f64> = nums(case, "planned_events").into_iter().flatten().collect();
        let plan = InterimPlan {
            design: &design,
            planned_events: planned.clone(),
            allocation_planned: case["planned_allocation"].as_f64().unwrap(),
            planned_hr: case["planned_hr"].as_f64().unwrap(),
            prior: NormalPrior::FLAT,
        };
        let observed = observed_of(case);
        let k = observed.len();
        let big_k = planned.len();
        let result = analyse(&plan, &observed).unwrap();
        assert_eq!(result.looks.len(), big_k);
        let critical = nums(case, "critical_values");
        let futility = nums(case, "futility_bounds");
        let actions = case["test_actions"].as_array().unwrap();
        let cp_planned = nums(case, "conditional_power_planned");
        let cp_observed = nums(case, "conditional_power_observed");
        let rci_lower = nums(case, "rci_lower");
        let rci_upper = nums(case, "rci_upper");
        let repeated = nums(case, "repeated_p");
        let mut note = |a: f64, e: f64| worst = worst.max((a - e).abs() / e.abs().max(1e-12));
        for (j, look) in result.looks.iter().enumerate() {
            // bounds: rpact's at the observed fractions (then the planned ones)
            check_option("bound", name, Some(look.efficacy_bound), critical[j], TOL);
            note(look.efficacy_bound, critical[j].unwrap());
            if j + 1 < big_k {
                let theirs = futility[j].filter(|&a| a > -6.0);
                check_option("futility bound", name, look.futility_bound, theirs, TOL);
            }
            if j < k {
                let action = look.action.unwrap();
                let expected = match actions[j].as_str().unwrap() {
                    "reject and stop" | "reject" => Action::Reject,
                    "accept and stop" => Action::Futility,
                    "continue" => Action::Continue,
                    "accept" => Action::Accept,
                    other => panic!("unknown action {other}"),
                };
                assert_eq!(action, expected, "{name}: look {}", j + 1);
                check_option("rci lower", name, look.rci_lower, rci_lower[j], TOL);
                check_option("rci upper", name, look.rci_upper, rci_upper[j], TOL);
                note(look.rci_lower.unwrap(), rci_lower[j].unwrap());
                note(look.rci_upper.unwrap(), rci_upper[j].unwrap());
                check_option("repeated p", name, look.repeated_p, repeated[j], TOL);
                note(look.repeated_p.unwrap(), repeated[j].unwrap());
            } else {
                check_option(
                    "conditional power (planned HR)",
                    name,
                    look.conditional_power_planned,
                    cp_planned[j],
                    TOL,
                );
                check_option(
                    "conditional power (observed HR)",
                    name,
                    look.conditional_power_observed,
                    cp_observed[j],
                    TOL,
                );
                note(look.conditional_power_planned.unwrap(), cp_planned[j].unwrap());
                note(look.conditional_power_observed.unwrap(), cp_observed[j].unwrap());
            }
        }
        assert_close!(
            result.observed_hr,
            case["observed_hr"].as_f64().unwrap(),
            1e-12
        );
        let final_stage = case["final_stage"].as_u64().map(|s| s as usize);
        assert_eq!(result.final_stage, final_stage, "{name}: final stage");
        match final_stage {
            Some(s) => {
                let sw = result.stagewise.expect("stage-wise inference at the end");
                let get = |key: &str| nums(case, key)[s - 1];
                check_option("final p", name, Some(sw.p_value), get("final_p"), TOL);
                check_option("MUE", name, Some(sw.median_unbiased_hr), get("median_unbiased"), TOL);
                check_option("final CI lower", name, Some(sw.lower_hr), get("final_ci_lower"), TOL);
                check_option("final CI upper", name, Some(sw.upper_hr), get("final_ci_upper"), TOL);
                note(sw.p_value, get("final_p").unwrap());
                note(sw.median_unbiased_hr, get("median_unbiased").unwrap());
                note(sw.lower_hr, get("final_ci_lower").unwrap());
                note(sw.upper_hr, get("final_ci_upper").unwrap());
            }
            None => assert!(result.stagewise.is_none(), "{name}: no final inference"),
        }
    }
    println!("largest relative difference from rpact: {worst:.3e}");
}
