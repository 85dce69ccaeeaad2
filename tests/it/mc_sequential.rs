//! Group-sequential trials simulated through their boundaries.
//! - rpact's own simulator (tests/data/oracles/simulation.expected.json, the 3-look asOF rows:
//!   rpact 3.3.4 getSimulationSurvival, 10,000 replicates, seed 12345; control median 30 months,
//!   300 subjects over 24 months, looks at 50/100/150 events): rejection per stage and overall
//!   within 4 combined Monte Carlo SE, mean analysis times within 4 SE, expected events;
//! - type I error with 2, 3 and 5 looks, with and without non-binding futility, against the
//!   exit probabilities under H0 that the sequential module computes by numerical integration
//!   (the log-rank z-process is asymptotically Brownian with independent increments).

use crate::common::*;
use enrichsim::study::summary::Summary;

fn scenario(hr: f64, looks: &[f64], sequential_extra: &str) -> String {
    rpact_scenario(
        hr,
        &format!("[design.sequential]\nlooks = {looks:?}\nefficacy = \"asOF\"\n{sequential_extra}"),
    )
}

fn se2(p: f64, n: f64) -> f64 {
    p * (1.0 - p) / n
}

#[test]
fn three_look_asof_matches_rpact_simulation() {
    let rows: Vec<serde_json::Value> = oracle_json("simulation.expected.json")
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["looks"].as_u64() == Some(3))
        .cloned()
        .collect();
    assert_eq!(rows.len(), 3);
    let reps = 20_000.0;
    for row in rows {
        let hr = row["hazard_ratio"].as_f64().unwrap();
        let rpact_reps = row["reps"].as_f64().unwrap();
        let s: Summary = run(
            &study(&scenario(hr, &[1.0 / 3.0, 2.0 / 3.0], "")),
            reps as u64,
            314,
        );
        let per_stage: Vec<f64> = row["reject_per_stage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let times: Vec<f64> = row["analysis_time"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let planned: Vec<u64> = row["planned_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        for (k, stage) in s.stages.iter().enumerate() {
            assert_eq!(stage.planned_events, Some(planned[k] as u32));
            let p = per_stage[k];
            let se = (se2(p, rpact_reps) + se2(stage.efficacy_prob, reps))
                .sqrt()
                .max(1e-4);
            assert_within_mcse!(stage.efficacy_prob, p, se, 4.0);
            // Mean look times: both estimates carry the look time's SD over their replicates.
            let sd = stage.time_sd;
            let time_se = (sd * sd / (reps * stage.reached_prob) + sd * sd / rpact_reps).sqrt();
            assert_within_mcse!(stage.time_mean, times[k], time_se, 4.0);
        }
        let power = row["power"].as_f64().unwrap();
        assert_within_mcse!(
            s.power,
            power,
            (se2(power, rpact_reps) + se2(s.power, reps)).sqrt(),
            4.0
        );
        // Expected events: at most 150, fewer when trials stop early; its SE is below 1 event.
        assert_abs_close!(s.events_mean, row["expected_events"].as_f64().unwrap(), 1.5);
    }
}

/// Simulated rejection per look against the design's H0 exit probabilities.
fn check_type_one_error(looks: &[f64], extra: &str, seed: u64) {
    let study = study(&scenario(1.0, looks, extra));
    let plan = study.design.sequential.as_ref().expect("sequential plan");
    let exact = plan.design.exit_probabilities(0.0);
    let reps = 60_000.0;
    let s = run(&study, reps as u64, seed);
    let mut total = 0.0;
    for (k, stage) in s.stages.iter().enumerate() {
        let p = exact.efficacy[k];
        total += p;
        let se = se2(p, reps).sqrt().max(1.0 / reps);
        assert_within_mcse!(stage.efficacy_prob, p, se, 4.0);
    }
    assert!(total <= 0.025 + 1e-9, "exit probabilities sum to {total}");
    assert_within_mcse!(s.power, total, se2(total, reps).sqrt(), 4.0);
}

#[test]
fn type_one_error_two_three_five_looks() {
    check_type_one_error(&[0.5], "", 1);
    check_type_one_error(&[1.0 / 3.0, 2.0 / 3.0], "", 2);
    check_type_one_error(&[0.2, 0.4, 0.6, 0.8], "", 3);
}

#[test]
fn type_one_error_with_non_binding_futility() {
    // Non-binding futility lowers the type I error below alpha; the exit probabilities under
    // H0 computed with the futility bounds applied say by how much.
    check_type_one_error(&[0.5], "futility = { z_below = 0.0 }", 4);
    check_type_one_error(
        &[1.0 / 3.0, 2.0 / 3.0],
        "futility = \"asOF\"\npower = 0.9",
        5,
    );
    check_type_one_error(&[0.2, 0.4, 0.6, 0.8], "futility = { hr_above = 1.0 }", 6);
}

#[test]
fn binding_futility_keeps_alpha() {
    // Binding futility: the efficacy bounds are lowered so that, stopping at the futility
    // bounds, the type I error is alpha again.
    let extra = "futility = { z_below = 0.0 }\nbinding_futility = true";
    check_type_one_error(&[1.0 / 3.0, 2.0 / 3.0], extra, 7);
    let study = study(&scenario(1.0, &[1.0 / 3.0, 2.0 / 3.0], extra));
    let exact = study
        .design
        .sequential
        .as_ref()
        .unwrap()
        .design
        .exit_probabilities(0.0);
    let total: f64 = exact.efficacy.iter().sum();
    assert_abs_close!(total, 0.025, 1e-6);
}
