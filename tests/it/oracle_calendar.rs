//! Group-sequential designs with a calendar-time final analysis against rpact
//! (tests/data/oracles/calendar.expected.json; R 4.2.2, rpact 3.3.4; the script is
//! tests/r/oracle_calendar.R).
//!
//! `designs`: `getSampleSizeSurvival(getDesignGroupSequential(kMax = K, alpha = 0.025, beta =
//! 0.1, typeOfDesign = kind[, typeBetaSpending = "bsOF"]), median2 = 20, hazardRatio = 0.7,
//! accrualTime = c(0, 24), followUpTime = 21, dropoutRate1 = dropoutRate2 = 0.05, dropoutTime =
//! 12, allocationRatioPlanned = r)`: the issue's example (K = 3 asOF: 334.29 events, 582.94
//! subjects, looks at 19.64, 30.03 and 45 months) and K = 2, 4, asP, allocation 2, bsOF
//! futility. Through a scenario and `analyse` at power 0.9: recruitment at rpact's
//! `accrualIntensity`, `analysis = { after_last = 21 }`, `[design.sequential] looks = [1/K,
//! ...]`; the design keeps the rate and the follow-up and solves the subjects, so rpact's 24
//! months of accrual come back. Events, subjects and look times to 1e-5 relative, bounds to
//! 1e-6 in z.
//!
//! `look_months`: 600 subjects over 24 months, interims at months 18 and 30, the final 21
//! months after the last randomisation: the expected events at the months (rpact's
//! `getEventProbabilities`), the planned fractions E(m_k) / E(45), the bounds
//! (`getDesignGroupSequential(informationRates = ...)`) and the rejection and futility per
//! stage (`getPowerSurvival(maxNumberOfEvents = E(45), directionUpper = FALSE)`) against the
//! closed-form power of the scenario (`power_analysis`, the fluid accrual of `after_last`).

use crate::common::*;
use enrichsim::analytic::{Method, analyse, power_analysis};

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

fn scenario(rate: f64, allocation: u32, sequential: &str) -> String {
    format!(
        r#"
name = "rpact calendar oracle"
[control]
all = {{ median = 20.0 }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = {rate}
[dropout]
per_year = 0.05
[design]
sample_size = 600
allocation = [{allocation}, 1]
analysis = {{ after_last = 21.0 }}
test = "logrank"
alpha = 0.025
[design.sequential]
{sequential}
"#
    )
}

fn futility_key(name: &str) -> String {
    if name == "none" {
        String::new()
    } else {
        format!(
            "futility = \"beta:{}\"\npower = 0.9\n",
            name.replace("bs", "as")
        )
    }
}

#[test]
fn designs_match_rpact() {
    let oracle = oracle_json("calendar.expected.json");
    let rows = oracle["designs"].as_array().expect("designs");
    assert_eq!(rows.len(), 6);
    let (mut w_events, mut w_subjects, mut w_times, mut w_z): (f64, f64, f64, f64) =
        (0.0, 0.0, 0.0, 0.0);
    for row in rows {
        let k = row["looks"].as_u64().unwrap() as usize;
        let looks: Vec<String> = (1..k).map(|j| format!("{}", j as f64 / k as f64)).collect();
        let text = scenario(
            row["accrual_intensity"].as_f64().unwrap(),
            row["allocation"].as_u64().unwrap() as u32,
            &format!(
                "looks = [{}]\nefficacy = \"{}\"\n{}",
                looks.join(", "),
                row["efficacy"].as_str().unwrap(),
                futility_key(row["futility"].as_str().unwrap())
            ),
        );
        let s = study(&text);
        let plan = s.design.sequential.as_ref().expect("a sequential plan");
        assert!(plan.calendar_final);
        let name = row["name"].as_str().unwrap();
        for (got, want) in plan.efficacy.iter().zip(nums(&row["critical_values"])) {
            assert_abs_close!(*got, want, 1e-6);
            w_z = w_z.max((got - want).abs());
        }
        for (got, want) in plan.futility.iter().zip(nums(&row["futility_bounds"])) {
            if want.is_nan() {
                assert_eq!(*got, f64::NEG_INFINITY, "{name}");
            } else {
                assert_abs_close!(*got, want, 1e-6);
                w_z = w_z.max((got - want).abs());
            }
        }
        let d = analyse(&s.model, &s.design, 0.9).unwrap_or_else(|e| panic!("{name}: {e}"));
        let events = row["events"].as_f64().unwrap();
        let subjects = row["subjects"].as_f64().unwrap();
        assert_close!(d.events, events, 1e-5);
        assert_close!(d.subjects, subjects, 1e-5);
        assert_close!(d.accrual_months, 24.0, 1e-5);
        w_events = w_events.max(relative(d.events, events));
        w_subjects = w_subjects.max(relative(d.subjects, subjects));
        let times = nums(&row["analysis_time"]);
        assert_eq!(d.analysis_times.len(), k, "{name}");
        for (got, want) in d.analysis_times.iter().zip(&times) {
            assert_close!(*got, *want, 1e-5);
            w_times = w_times.max(relative(*got, *want));
        }
        for (got, want) in d.events_per_look.iter().zip(nums(&row["events_per_stage"])) {
            assert_close!(*got, want, 1e-5);
        }
    }
    println!(
        "calendar designs vs rpact: worst relative error events {w_events:.3e}, subjects \
         {w_subjects:.3e}, look times {w_times:.3e}; worst |z| difference {w_z:.3e}"
    );
}

#[test]
fn look_months_match_rpact() {
    let oracle = oracle_json("calendar.expected.json");
    let rows = oracle["look_months"].as_array().expect("look_months");
    assert_eq!(rows.len(), 2);
    let (mut w_p, mut w_z, mut w_e): (f64, f64, f64) = (0.0, 0.0, 0.0);
    for row in rows {
        let text = scenario(
            25.0,
            1,
            &format!(
                "look_months = [18.0, 30.0]\nefficacy = \"asOF\"\n{}",
                futility_key(row["futility"].as_str().unwrap())
            ),
        );
        let s = study(&text);
        let plan = s.design.sequential.as_ref().expect("a sequential plan");
        let expected = nums(&row["expected_events"]);
        assert_close!(plan.planned_events, expected[2], 1e-5);
        for (got, want) in plan
            .design
            .timing()
            .iter()
            .zip(nums(&row["information_rates"]))
        {
            assert_close!(*got, want, 1e-5);
        }
        for (got, want) in plan.efficacy.iter().zip(nums(&row["critical_values"])) {
            assert_abs_close!(*got, want, 1e-6);
            w_z = w_z.max((got - want).abs());
        }
        for (got, want) in plan.futility.iter().zip(nums(&row["futility_bounds"])) {
            if !want.is_nan() {
                assert_abs_close!(*got, want, 1e-6);
                w_z = w_z.max((got - want).abs());
            }
        }
        let p = power_analysis(&s.model, &s.design, Method::Schoenfeld).expect("closed form");
        assert_eq!(p.looks.len(), 3);
        let reject = nums(&row["reject_per_stage"]);
        let futility = nums(&row["futility_per_stage"]);
        let times = nums(&row["analysis_time"]);
        for (k, look) in p.looks.iter().enumerate() {
            assert_close!(look.events, expected[k], 1e-5);
            w_e = w_e.max(relative(look.events, expected[k]));
            assert_close!(look.time, times[k], 1e-5);
            assert_abs_close!(look.efficacy_prob, reject[k], 1e-6);
            w_p = w_p.max((look.efficacy_prob - reject[k]).abs());
            if k < 2 {
                assert_abs_close!(look.futility_prob, futility[k], 1e-6);
                w_p = w_p.max((look.futility_prob - futility[k]).abs());
            }
        }
        assert_abs_close!(p.power, row["overall_reject"].as_f64().unwrap(), 1e-6);
    }
    println!(
        "look_months vs rpact: worst relative error events {w_e:.3e}; worst |z| difference \
         {w_z:.3e}; worst stage probability difference {w_p:.3e}"
    );
}
