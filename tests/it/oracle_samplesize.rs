//! Closed-form sample size against rpact (tests/data/oracles/samplesize.expected.json; R 4.2,
//! rpact 3.3.4, `getSampleSizeSurvival`):
//! - `schoenfeld` rows: `getSampleSizeSurvival(alpha = 0.025, beta = 1 - power, hazardRatio =
//!   HR, allocationRatioPlanned = r, typeOfComputation = "Schoenfeld")$maxNumberOfEvents`, to
//!   1e-6 relative;
//! - `with_accrual` rows: `getSampleSizeSurvival(design, median2 = 30, hazardRatio = HR,
//!   accrualTime = c(0, 24), followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05,
//!   dropoutTime = 12)` with a fixed design or `getDesignGroupSequential(kMax = 3, alpha =
//!   0.025, beta = 0.1, typeOfDesign = "asOF")`: events to 1e-4, subjects, accrual intensity and
//!   analysis times to 1e-3 relative, and the expected events under H1 of the 3-look design.
//!
//! rpact's conventions, reproduced: the dropout rate 0.05 by 12 months is an exponential hazard
//! -ln(0.95)/12 per month in both arms; `followUpTime` is the time from the end of accrual to the
//! final analysis (45 months here); accrual is uniform (a deterministic flow), so expected
//! events are proportional to the number of subjects; the group-sequential events are the fixed
//! design's times the inflation factor, and each interim is at the time its events are expected.

use crate::common::*;
use enrichsim::analytic::{
    Accrual, EventModel, StratumShare, analyse, schoenfeld_events, subjects_for_duration,
};
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, GroupSequentialDesign, SpendingFunction,
};
use enrichsim::model::enrolment::Screening;
use enrichsim::model::outcome::{Dropout, Hazard, StratumOutcome};
use enrichsim::scenario::RatePiece;

fn num(v: &serde_json::Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("oracle field {key} missing in {v}"))
}

fn nums(v: &serde_json::Value, key: &str) -> Vec<f64> {
    match &v[key] {
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
        x => vec![x.as_f64().unwrap()],
    }
}

fn rows(kind: &str) -> Vec<serde_json::Value> {
    oracle_json("samplesize.expected.json")[kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind} rows"))
        .clone()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn schoenfeld_rows_match_rpact() {
    let rows = rows("schoenfeld");
    assert_eq!(rows.len(), 24);
    let mut worst: f64 = 0.0;
    for row in &rows {
        let got = schoenfeld_events(
            0.025,
            num(row, "power"),
            num(row, "hazard_ratio"),
            num(row, "allocation"),
        );
        let want = num(row, "events_rpact");
        assert_close!(got, want, 1e-6);
        worst = worst.max(relative(got, want));
    }
    println!("schoenfeld rows: worst relative error {worst:.3e}");
}

/// rpact's trial: one stratum, control median 30 months, dropout 5% by 12 months, 1:1, uniform
/// accrual (the intensity's level is set by the solve).
fn rpact_model(hr: f64) -> EventModel {
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
        treated_fraction: 0.5,
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

fn inflation_asof(looks: usize, power: f64) -> f64 {
    if looks == 1 {
        return 1.0;
    }
    let mut spec = DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), 0.025);
    spec.power = Some(power);
    let timing = (1..=looks).map(|k| k as f64 / looks as f64).collect();
    GroupSequentialDesign::new(spec, timing)
        .unwrap()
        .inflation_factor()
        .unwrap()
}

#[test]
fn with_accrual_rows_match_rpact() {
    let rows = rows("with_accrual");
    assert_eq!(rows.len(), 4);
    let (mut worst_events, mut worst_subjects, mut worst_times): (f64, f64, f64) = (0.0, 0.0, 0.0);
    for row in &rows {
        let hr = num(row, "hazard_ratio");
        let looks = num(row, "looks") as usize;
        let accrual = num(row, "accrual_months");
        let follow_up = num(row, "follow_up_months");
        assert_eq!(num(row, "control_median"), 30.0);
        assert_eq!(num(row, "dropout_per_year"), 0.05);
        let power = num(row, "power");
        let events =
            schoenfeld_events(num(row, "alpha"), power, hr, 1.0) * inflation_asof(looks, power);
        assert_close!(events, num(row, "events"), 1e-4);
        worst_events = worst_events.max(relative(events, num(row, "events")));

        let model = rpact_model(hr);
        let subjects = subjects_for_duration(&model, events, accrual, follow_up);
        assert_close!(subjects, num(row, "subjects"), 1e-3);
        assert_close!(subjects / accrual, num(row, "accrual_intensity"), 1e-3);
        worst_subjects = worst_subjects.max(relative(subjects, num(row, "subjects")));

        let trial = model.with_accrual_duration(subjects, accrual);
        let want_times = nums(row, "analysis_time");
        let want_events = nums(row, "events_per_stage");
        assert_eq!(want_times.len(), looks);
        for k in 0..looks {
            let d = events * (k + 1) as f64 / looks as f64;
            assert_close!(d, want_events[k], 1e-4);
            let t = trial.time_for_events(subjects, d).unwrap();
            assert_close!(t, want_times[k], 1e-3);
            worst_times = worst_times.max(relative(t, want_times[k]));
        }
        assert_close!(
            trial.total_events(subjects, accrual + follow_up),
            events,
            1e-9
        );

        // Expected events under H1 (with early stopping) of the 3-look design: sum_k D_k P(stop
        // at k) at the drift -ln(HR) sqrt(D / 4).
        if looks > 1 {
            let mut spec =
                DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), 0.025);
            spec.power = Some(power);
            let gs = GroupSequentialDesign::new(spec, vec![1.0 / 3.0, 2.0 / 3.0, 1.0]).unwrap();
            let drift = -hr.ln() * (events / 4.0).sqrt();
            let exit = gs.exit_probabilities(drift);
            assert_close!(
                exit.expected_information * events,
                num(row, "expected_events_h1"),
                1e-3
            );
        }
    }
    println!(
        "with_accrual rows: worst relative error events {worst_events:.3e}, subjects \
         {worst_subjects:.3e}, analysis times {worst_times:.3e}"
    );
}

/// The same fixed-design rows through a scenario and `analyse`: recruitment at rpact's accrual
/// intensity, the analysis 21 months after the last randomisation. The design keeps the rate
/// and the follow-up and solves the subjects: rpact's 24 months of accrual come back.
#[test]
fn fixed_rows_through_a_scenario() {
    for row in rows("with_accrual")
        .iter()
        .filter(|r| num(r, "looks") == 1.0)
    {
        let hr = num(row, "hazard_ratio");
        let text = format!(
            r#"
name = "rpact with_accrual, HR {hr}"
[control]
all = {{ median = 30.0 }}
[effect]
hazard_ratio = {hr}
[enrolment]
rate = {rate}
[dropout]
per_year = 0.05
[design]
sample_size = 300
analysis = {{ after_last = 21.0 }}
test = "logrank"
alpha = 0.025
"#,
            rate = num(row, "accrual_intensity")
        );
        let s = study(&text);
        let d = analyse(&s.model, &s.design, 0.9).unwrap();
        assert_close!(d.events, num(row, "events"), 1e-6);
        assert_close!(d.average_hr, hr, 1e-12);
        assert_close!(d.subjects, num(row, "subjects"), 1e-3);
        assert_close!(d.accrual_months, 24.0, 1e-3);
        assert_close!(d.analysis_times[0], num(row, "analysis_time"), 1e-3);
        assert_close!(d.expected_screened, d.subjects, 1e-12);
    }
}
