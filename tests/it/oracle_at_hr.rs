//! `design --at-hr` against rpact (tests/data/oracles/at-hr.expected.json; R 4.2, rpact 3.3.4,
//! `getPowerSurvival`; the script is tests/r/oracle_at_hr.R): a 3-look design at 50, 100 and
//! 150 events, asOF efficacy bounds, without futility and with non-binding bsOF beta-spending
//! futility (planned for 90% power), at hazard ratios 1, 0.8, 0.7 and 0.6. Control median 30
//! months, 300 subjects at 12.5 a month (rpact: `accrualTime = c(0, 24)`,
//! `maxNumberOfSubjects = 300`), dropout 5% by 12 months in both arms, 1:1.
//!
//! Compared: the bounds, overall rejection, rejection and futility stopping per stage (1e-6
//! absolute), the analysis times, expected events, study duration and expected subjects
//! (1e-5 relative).
//!
//! Conventions. rpact plans with a deterministic accrual flow (Lachin and Foulkes 1986): the
//! library call here uses `Accrual::Fluid`, which is that convention, so every quantity shares
//! it and is compared exactly. The CLI's default is the process enrichsim simulates (Poisson
//! screening stopped at the 300th randomisation), whose last randomisation comes later on
//! average: its analysis times are later by a fraction of a month and its rejection
//! probabilities are the same (they depend only on the events and bounds, with proportional
//! hazards); the last test checks exactly that. rpact's "no futility" is a bound of -6 (a
//! stopping probability below 1e-9 at each interim), enrichsim's is none (0).

use crate::common::*;
use enrichsim::analytic::{Accrual, AtHrAnalysis, Method};

fn scenario(futility: &str) -> String {
    rpact_scenario(
        0.7,
        &format!(
            "[design.sequential]\nlooks = [0.3333333333333333, 0.6666666666666666]\n{futility}\n\
             [dropout]\nper_year = 0.05\n"
        ),
    )
}

const HRS: [f64; 4] = [1.0, 0.8, 0.7, 0.6];

fn nums(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn at_hr(futility: &str, accrual: Option<Accrual>) -> AtHrAnalysis {
    study(&scenario(futility))
        .at_hr(&HRS, Method::Schoenfeld, accrual)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn compare(name: &str, futility: &str) {
    let oracle = oracle_json("at-hr.expected.json");
    let want = &oracle[name];
    let s = study(&scenario(futility));
    let plan = s.design.sequential.as_ref().expect("sequential");
    assert_eq!(plan.events, vec![50, 100, 150]);
    for (got, want) in plan.efficacy.iter().zip(nums(&want["criticalValues"])) {
        assert_abs_close!(*got, want, 1e-6);
    }
    let rpact_futility = nums(&want["futilityBounds"]);
    let a = at_hr(futility, Some(Accrual::Fluid));
    let points = want["points"].as_array().expect("points");
    assert_eq!(points.len(), HRS.len());
    let (mut prob, mut rel): (f64, f64) = (0.0, 0.0);
    for (got, want) in a.at_hr.iter().zip(points) {
        assert_eq!(got.hazard_ratio, want["hazard_ratio"].as_f64().unwrap());
        assert_eq!(got.looks.len(), 3);
        let mut p = |g: f64, w: f64| {
            assert_abs_close!(g, w, 1e-6);
            prob = prob.max((g - w).abs());
        };
        p(got.power, want["overallReject"].as_f64().unwrap());
        for (l, w) in got.looks.iter().zip(nums(&want["rejectPerStage"])) {
            p(l.reject_prob, w);
        }
        for (l, w) in got.looks.iter().zip(nums(&want["futilityPerStage"])) {
            p(l.futility_prob, w);
        }
        for (k, &f) in rpact_futility.iter().enumerate() {
            if f > -6.0 {
                p(got.looks[k].futility_bound, f);
            }
        }
        let mut r = |g: f64, w: f64| {
            assert_close!(g, w, 1e-5);
            rel = rel.max((g - w).abs() / w.abs());
        };
        for (l, w) in got.looks.iter().zip(nums(&want["analysisTime"])) {
            r(l.time, w);
        }
        for (l, w) in got.looks.iter().zip(nums(&want["numberOfSubjects"])) {
            r(l.subjects, w);
        }
        for (l, w) in got.looks.iter().zip(nums(&want["eventsPerStage"])) {
            r(l.events, w);
        }
        r(
            got.expected_events,
            want["expectedNumberOfEvents"].as_f64().unwrap(),
        );
        r(
            got.expected_duration,
            want["studyDuration"].as_f64().unwrap(),
        );
        r(
            got.expected_subjects,
            want["expectedNumberOfSubjects"].as_f64().unwrap(),
        );
    }
    println!(
        "{name}: max |difference| of probabilities {prob:.3e}, max relative difference of \
         times, events and subjects {rel:.3e}"
    );
}

#[test]
fn at_hr_matches_rpact_without_futility() {
    compare("asOF", "");
}

#[test]
fn at_hr_matches_rpact_with_non_binding_beta_spending_futility() {
    compare(
        "asOF_bsOF",
        "futility = \"asOF\"\nbinding_futility = false\npower = 0.9",
    );
}

/// Under the simulated accrual the looks come later but, with proportional hazards, the
/// probabilities are those of the same events and bounds.
#[test]
fn at_hr_simulated_accrual_moves_times_not_probabilities() {
    let fluid = at_hr("", Some(Accrual::Fluid));
    let poisson = at_hr("", None);
    assert_eq!(poisson.accrual, Accrual::Poisson);
    for (f, p) in fluid.at_hr.iter().zip(&poisson.at_hr) {
        assert_abs_close!(p.power, f.power, 1e-9);
        for (lf, lp) in f.looks.iter().zip(&p.looks) {
            assert_abs_close!(lp.reject_prob, lf.reject_prob, 1e-9);
            assert!(lp.time > lf.time && lp.time < lf.time + 1.0);
        }
    }
}
