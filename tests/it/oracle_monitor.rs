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
//! The predictive power has no rpact counterpart: it is checked here against its closed form
//! (one look left) and the bivariate normal law of the predictive increments (two looks left),
//! and in mc_monitor.rs against a Monte Carlo draw of the effect and the Brownian motion.

use crate::common::*;
use enrichsim::design::interim::{
    Action, InterimPlan, NormalPrior, ObservedLook, Remaining, analyse,
};
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, SpendingFunction,
};
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
    assert_eq!(cases.len(), 11);
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
                note(
                    look.conditional_power_planned.unwrap(),
                    cp_planned[j].unwrap(),
                );
                note(
                    look.conditional_power_observed.unwrap(),
                    cp_observed[j].unwrap(),
                );
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
                check_option(
                    "MUE",
                    name,
                    Some(sw.median_unbiased_hr),
                    get("median_unbiased"),
                    TOL,
                );
                check_option(
                    "final CI lower",
                    name,
                    Some(sw.lower_hr),
                    get("final_ci_lower"),
                    TOL,
                );
                check_option(
                    "final CI upper",
                    name,
                    Some(sw.upper_hr),
                    get("final_ci_upper"),
                    TOL,
                );
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

/// A look-1 position of a 3-look asOF design with futility: 2 looks remaining.
fn two_left() -> Remaining {
    Remaining {
        t_k: 0.35,
        z_k: 1.1,
        fractions: vec![0.68, 1.0],
        efficacy: vec![2.45, 2.0],
        futility: vec![0.5, f64::NEG_INFINITY],
        drift_scale: (300.0f64 * 0.25).sqrt(),
        grid_r: 32,
    }
}

#[test]
fn predictive_power_with_one_look_left_is_the_closed_form() {
    // Spiegelhalter, Freedman and Blackburn (1986): the closed form, and the numerical
    // integration of the conditional power over the posterior, agree
    let r = Remaining {
        t_k: 0.66,
        z_k: 1.6,
        fractions: vec![1.0],
        efficacy: vec![1.99],
        futility: vec![f64::NEG_INFINITY],
        drift_scale: (320.0f64 * 2.0 / 9.0).sqrt(),
        grid_r: 32,
    };
    for (mean, sd) in [(0.25, 0.08), (0.1, 0.3), (0.4, 0.02)] {
        let closed = r.predictive_power(mean, sd)[0];
        let numerical = r.predictive_power_numerical(mean, sd)[0];
        assert_abs_close!(numerical, closed, 1e-9);
    }
    // a point posterior is the conditional power there
    assert_abs_close!(
        r.predictive_power(0.3, 1e-9)[0],
        r.conditional_power(0.3)[0],
        1e-9
    );
}

#[test]
fn predictive_power_with_two_looks_left_is_the_bivariate_normal_law() {
    // Given theta ~ N(m, s^2) the increments X(u1), X(u2) of the score are jointly normal:
    // means c m u, variances u + c^2 s^2 u^2, covariance u1 + c^2 s^2 u1 u2; the predictive power
    // is P(X1 >= e1) + P(f1 <= X1 < e1, X2 >= e2) with e, f the shifted bounds.
    let r = two_left();
    let c = r.drift_scale;
    let (u1, u2) = (r.fractions[0] - r.t_k, r.fractions[1] - r.t_k);
    let shift = |b: f64, t: f64| b * t.sqrt() - r.z_k * r.t_k.sqrt();
    let (e1, f1, e2) = (
        shift(r.efficacy[0], r.fractions[0]),
        shift(r.futility[0], r.fractions[0]),
        shift(r.efficacy[1], r.fractions[1]),
    );
    for (m, s) in [(0.3, 0.1), (0.2, 0.25), (0.35, 0.05)] {
        let v1 = u1 + c * c * s * s * u1 * u1;
        let v2 = u2 + c * c * s * s * u2 * u2;
        let rho = (u1 + c * c * s * s * u1 * u2) / (v1 * v2).sqrt();
        let h = |x: f64| (x - c * m * u1) / v1.sqrt();
        let k2 = (e2 - c * m * u2) / v2.sqrt();
        let phi = enrichsim::stats::normal::cdf;
        let bvn = enrichsim::stats::mvnormal::bvn_cdf;
        let first = 1.0 - phi(h(e1));
        // P(X1 < x, X2 >= e2) = Phi(h(x)) - Phi2(h(x), k2)
        let below = |x: f64| phi(h(x)) - bvn(h(x), k2, rho);
        let second = below(e1) - below(f1);
        let pp = r.predictive_power(m, s);
        assert_abs_close!(pp[0], first, 2e-9);
        assert_abs_close!(pp[1], first + second, 2e-9);
    }
}

#[test]
fn the_posterior_is_the_conjugate_normal() {
    // flat prior: the estimate z / sqrt(I) with SD 1 / sqrt(I)
    let (m, s) = NormalPrior::FLAT.posterior(2.0, 25.0);
    assert_close!(m, 0.4, 1e-15);
    assert_close!(s, 0.2, 1e-15);
    // prior N(ln 0.8, 0.1^2) on ln HR: precision 100 + 25, mean (100 * -ln 0.8 + 2 * 5) / 125
    let prior = NormalPrior {
        mean_log_hr: 0.8f64.ln(),
        sd_log_hr: 0.1,
    };
    let (m, s) = prior.posterior(2.0, 25.0);
    assert_close!(m, (-100.0 * 0.8f64.ln() + 10.0) / 125.0, 1e-14);
    assert_close!(s, 125.0f64.sqrt().recip(), 1e-14);
}
