//! Two-sided (`sided = 2`) group-sequential designs of scenarios against rpact 3.3.4
//! (tests/data/oracles/sided.expected.json, tests/r/oracle_sided.R):
//! `getSampleSizeSurvival(design, median2 = 30, hazardRatio = HR, accrualTime = c(0, 24),
//! followUpTime = 21, dropoutRate1 = dropoutRate2 = 0.05, dropoutTime = 12,
//! allocationRatioPlanned = a)` with `design = getDesignGroupSequential(kMax = K, alpha = 0.05,
//! beta = 0.1, sided = 2, typeOfDesign = asOF | asP | OF | WT | asKD)`.
//!
//! A scenario with `design.alpha = 0.025` and `[design.sequential] sided = 2` is the two-sided
//! level-0.05 design: its bounds (upper b_k, lower -b_k) are rpact's `criticalValues` to 1e-6
//! in z; `enrichsim design --power 0.9` gives rpact's `maxNumberOfEvents` and inflation factor
//! to 1e-5 relative, the upper-crossing exit probabilities at the drift are rpact's
//! `rejectionProbabilities`, and with rpact's accrual (24 months) and follow-up (21 months) the
//! subjects, accrual intensity and analysis times follow (1e-5 relative).

use crate::common::*;
use enrichsim::analytic::{Accrual, EventModel, StratumShare, analyse, subjects_for_duration};
use enrichsim::model::enrolment::Screening;
use enrichsim::model::outcome::{Dropout, Hazard, StratumOutcome};
use enrichsim::scenario::RatePiece;

fn num(v: &serde_json::Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("oracle field {key} missing in {v}"))
}

fn nums(v: &serde_json::Value, key: &str) -> Vec<f64> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("oracle field {key} missing in {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// The scenario of one case: one stratum, control median 30, the case's HR and allocation,
/// 300 final events (a whole number at every equally spaced look), two-sided design.
fn scenario(row: &serde_json::Value) -> String {
    let looks = num(row, "looks") as usize;
    let fractions: Vec<f64> = (1..looks).map(|k| k as f64 / looks as f64).collect();
    let kind = row["kind"].as_str().unwrap();
    let mut extra = String::new();
    if let Some(d) = row["delta"].as_f64() {
        extra += &format!("delta = {d}\n");
    }
    if let Some(g) = row["gamma"].as_f64() {
        // rpact's gammaA of asKD is Kim and DeMets' rho
        extra += &format!("rho = {g}\n");
    }
    format!(
        r#"
name = "rpact sided = 2, {kind}"
[control]
all = {{ median = 30.0 }}
[effect]
hazard_ratio = {hr}
[enrolment]
rate = {rate}
[dropout]
per_year = 0.05
[design]
sample_size = 900
allocation = [{a}, 1]
analysis = {{ events = 300 }}
test = "logrank"
alpha = 0.025
[design.sequential]
looks = {fractions:?}
efficacy = "{kind}"
sided = 2
{extra}"#,
        hr = num(row, "hazard_ratio"),
        rate = num(row, "accrual_intensity"),
        a = num(row, "allocation"),
    )
}

fn rpact_model(hr: f64, allocation: f64) -> EventModel {
    EventModel {
        strata: vec![StratumShare {
            share: 1.0,
            outcome: StratumOutcome::new(
                Hazard::Exponential {
                    rate: std::f64::consts::LN_2 / 30.0,
                },
                hr,
                0.0,
            ),
        }],
        treated_fraction: allocation / (1.0 + allocation),
        dropout_rate: Dropout::from_per_year(0.05).rate,
        treatment_dropout_rate: Dropout::from_per_year(0.05).treatment_rate,
        follow_up: None,
        intensity: Screening::new(&[RatePiece {
            from: 0.0,
            per_month: 1.0,
        }]),
        accrual: Accrual::Fluid,
    }
}

#[test]
fn two_sided_scenario_designs_match_rpact() {
    let rows = oracle_json("sided.expected.json")["cases"]
        .as_array()
        .expect("cases")
        .clone();
    assert!(rows.len() >= 4);
    let (mut worst_z, mut worst_events, mut worst_subjects, mut worst_times, mut worst_exit) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for row in &rows {
        let s = study(&scenario(row));
        let plan = s.design.sequential.as_ref().expect("sequential plan");
        assert_eq!(plan.design.sided(), 2);
        let critical = nums(row, "critical_values");
        assert_eq!(plan.efficacy.len(), critical.len());
        for (k, &c) in critical.iter().enumerate() {
            assert_abs_close!(plan.efficacy[k], c, 1e-6);
            assert_abs_close!(plan.lower[k], -c, 1e-6);
            worst_z = worst_z.max((plan.efficacy[k] - c).abs());
        }

        let d = analyse(&s.model, &s.design, 0.9).unwrap();
        let events = num(row, "events");
        assert_close!(d.inflation_factor, num(row, "inflation_factor"), 1e-5);
        assert_close!(d.events, events, 1e-5);
        worst_events = worst_events.max(relative(d.events, events));
        let per_stage = nums(row, "events_per_stage");
        for (k, &e) in per_stage.iter().enumerate() {
            assert_close!(d.events_per_look[k], e, 1e-5);
        }

        // the upper-crossing exit probabilities at the design's drift
        let drift = num(row, "drift");
        let exit = plan.design.exit_probabilities(drift);
        for (k, &p) in nums(row, "reject_per_stage").iter().enumerate() {
            assert_abs_close!(exit.efficacy[k], p, 1e-5);
            worst_exit = worst_exit.max((exit.efficacy[k] - p).abs());
        }
        assert_abs_close!(exit.reject, 0.9, 1e-5);
        assert_eq!(exit.lower.len(), critical.len());

        // rpact's accrual and follow-up: subjects, intensity, analysis times
        let model = rpact_model(num(row, "hazard_ratio"), num(row, "allocation"));
        let (accrual, follow_up) = (num(row, "accrual_months"), num(row, "follow_up_months"));
        let subjects = subjects_for_duration(&model, d.events, accrual, follow_up);
        assert_close!(subjects, num(row, "subjects"), 1e-5);
        assert_close!(subjects / accrual, num(row, "accrual_intensity"), 1e-5);
        worst_subjects = worst_subjects.max(relative(subjects, num(row, "subjects")));
        let trial = model.with_accrual_duration(subjects, accrual);
        for (k, &t_want) in nums(row, "analysis_time").iter().enumerate() {
            let t = trial
                .time_for_events(subjects, d.events_per_look[k])
                .unwrap();
            assert_close!(t, t_want, 1e-5);
            worst_times = worst_times.max(relative(t, t_want));
        }
    }
    println!(
        "sided = 2 vs rpact ({} cases): worst |z| {worst_z:.3e}, events rel {worst_events:.3e}, \
         subjects rel {worst_subjects:.3e}, analysis times rel {worst_times:.3e}, exit \
         probabilities abs {worst_exit:.3e}",
        rows.len()
    );
}
