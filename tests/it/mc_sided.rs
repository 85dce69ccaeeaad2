//! Two-sided (`[design.sequential] sided = 2`) group-sequential trials simulated through their
//! symmetric bounds: upper crossings Z_k >= b_k reject (benefit), lower crossings Z_k <= -b_k
//! stop for harm.
//! - At the global null (HR 1; rpact's one-stratum trial of tests/data/oracles/
//!   simulation.expected.json, 150 events, looks at 1/3 and 2/3, asOF at two-sided level 0.05
//!   for the scenario's one-sided alpha 0.025), 100,000 replicates: per-look upper and lower
//!   exits within 4 Monte Carlo SE of the design's exit probabilities under H0 (recursive
//!   integration), totals near alpha = 0.025 each.
//! - Under H1 (HR 0.7), 20,000 replicates: per-look upper exits within 4 SE of the closed form
//!   (`analytic::power_analysis`, the upper crossings with the lower bounds applied).
//! - Monitoring at observed fractions: a final look at another fraction than planned spends
//!   exactly the two-sided alpha left (`symmetric_bound_at`).

use crate::common::*;
use enrichsim::analytic::{Method, power_analysis};
use enrichsim::study::summary::Summary;

fn scenario(hr: f64, efficacy: &str) -> String {
    rpact_scenario(
        hr,
        &format!(
            "[design.sequential]\nlooks = [0.3333, 0.6667]\nefficacy = \"{efficacy}\"\nsided = 2\n"
        ),
    )
}

fn se(p: f64, n: f64) -> f64 {
    (p * (1.0 - p) / n).sqrt().max(1.0 / n)
}

fn check_null(efficacy: &str, reps: u64, seed: u64) {
    let study = study(&scenario(1.0, efficacy));
    let plan = study.design.sequential.as_ref().expect("sequential plan");
    let exact = plan.design.exit_probabilities(0.0);
    let s: Summary = run(&study, reps, seed);
    let n = reps as f64;
    assert_eq!(s.sided, Some(2));
    let (mut up, mut down) = (0.0, 0.0);
    for (k, stage) in s.stages.iter().enumerate() {
        let (pu, pl) = (exact.efficacy[k], exact.lower[k]);
        up += pu;
        down += pl;
        let harm = stage.harm_prob.expect("two-sided stages report harm");
        println!(
            "{efficacy} H0 look {}: upper {:.5} (exact {pu:.5}, SE {:.5}), lower {harm:.5} (exact {pl:.5}, SE {:.5})",
            k + 1,
            stage.efficacy_prob,
            se(pu, n),
            se(pl, n)
        );
        assert_within_mcse!(stage.efficacy_prob, pu, se(pu, n), 4.0);
        assert_within_mcse!(harm, pl, se(pl, n), 4.0);
        assert_abs_close!(stage.lower_bound.unwrap(), -stage.efficacy_bound, 1e-12);
    }
    // symmetric spending: each side spends alpha = 0.025 in all
    assert_abs_close!(up, 0.025, 1e-6);
    assert_abs_close!(down, 0.025, 1e-6);
    let harm = s.harm_prob.expect("harm_prob");
    println!(
        "{efficacy} H0 total: power {:.5} (SE {:.5}), harm {harm:.5} (SE {:.5})",
        s.power,
        se(up, n),
        s.harm_se.unwrap()
    );
    assert_within_mcse!(s.power, up, se(up, n), 4.0);
    assert_within_mcse!(harm, down, se(down, n), 4.0);
}

#[test]
fn global_null_upper_and_harm_exits_match_the_design() {
    check_null("asOF", 100_000, 11);
    check_null("P", 100_000, 12);
}

#[test]
fn alternative_upper_exits_match_the_closed_form() {
    let study = study(&scenario(0.7, "asOF"));
    let closed = power_analysis(&study.model, &study.design, Method::Schoenfeld).unwrap();
    let reps = 20_000u64;
    let n = reps as f64;
    let s: Summary = run(&study, reps, 21);
    for (k, stage) in s.stages.iter().enumerate() {
        let p = closed.looks[k].efficacy_prob;
        let h = closed.looks[k]
            .harm_prob
            .expect("two-sided closed form reports harm");
        println!(
            "H1 look {}: upper {:.5} (closed form {p:.5}, SE {:.5}), harm {:.5} (closed form {h:.2e})",
            k + 1,
            stage.efficacy_prob,
            se(p, n),
            stage.harm_prob.unwrap()
        );
        assert_within_mcse!(stage.efficacy_prob, p, se(p, n), 4.0);
        assert_within_mcse!(stage.harm_prob.unwrap(), h, se(h, n), 4.0);
    }
    assert_within_mcse!(s.power, closed.power, se(closed.power, n), 4.0);
}

#[test]
fn final_look_at_an_unplanned_fraction_spends_the_rest() {
    let study = study(&scenario(1.0, "asOF"));
    let design = &study.design.sequential.as_ref().unwrap().design;
    // planned fractions: the planned bounds
    let planned = design.timing().to_vec();
    for k in 1..=planned.len() {
        let b = design
            .symmetric_bound_at(&planned[..k], k == planned.len())
            .unwrap();
        assert_abs_close!(b, design.efficacy()[k - 1], 1e-12);
    }
    // the final analysis at 90% of the planned information (a trial short of events), and at
    // 110%: the two-sided type I error over the looks taken is the design's two-sided alpha
    for last in [0.9, 1.1] {
        let observed = [planned[0], planned[1], last];
        let bounds: Vec<f64> = (1..=3)
            .map(|k| design.symmetric_bound_at(&observed[..k], k == 3).unwrap())
            .collect();
        let lower: Vec<f64> = bounds.iter().map(|b| -b).collect();
        let exit = enrichsim::design::sequential::exit_probabilities(
            &observed,
            Some(&lower),
            &bounds,
            0.0,
            32,
        );
        let total = exit.reject + exit.futility.iter().sum::<f64>();
        println!("final at {last}: bounds {bounds:?}, two-sided alpha {total:.9}");
        assert_abs_close!(total, 0.05, 1e-7);
        assert_abs_close!(exit.reject, 0.025, 1e-7);
    }
    // a one-sided design is refused
    let one = study_one_sided();
    assert!(
        one.design
            .sequential
            .as_ref()
            .unwrap()
            .design
            .symmetric_bound_at(&[0.5], false)
            .is_err()
    );
}

fn study_one_sided() -> enrichsim::Study {
    study(&rpact_scenario(
        1.0,
        "[design.sequential]\nlooks = [0.5]\nefficacy = \"asOF\"\n",
    ))
}
