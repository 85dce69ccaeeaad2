//! Coverage of `enrichsim predict`'s prediction intervals: trials simulated by the engine (one
//! stratum, hazard ratio 1 so that the blinded pooled hazard is exactly the truth's family,
//! constant recruitment, exponential dropout) are cut at an early month; the prediction from
//! the blinded data at the cut is compared with the simulated trial's true calendar month of
//! its N-th death. A calibrated 95% (80%) interval covers it in 95% (80%) of the trials.
//!
//! The default test: 400 trials per truth, 400 forward simulations each, tolerance 4 Monte
//! Carlo SE of a proportion over 400 trials. The issue's test, behind `--ignored`: 2,000 trials
//! of 2,000 simulations, the 95% coverage within 95% +- 2% (4.1 SE), the 80% at least 80% - 4 SE
//! and at most 85% (it runs conservative, 0.836 for the Weibull truth: docs/predict.md):
//!   cargo test --release --test it mc_predict -- --ignored --nocapture

use crate::common::*;
use enrichsim::simulation::trial::Cohort;
use enrichsim::stats::rng::Streams;
use enrichsim::study::predict::{PredictOptions, blinded_of_cohort, nth_death, predict};

/// The truth: 400 patients at 20 a month, a control model `control`, no effect, 5% dropout a
/// year; the final analysis at 250 deaths.
fn truth(control: &str) -> enrichsim::Study {
    study(&format!(
        r#"
name = "coverage"
[control]
all = {control}
[effect]
hazard_ratio = 1.0
[enrolment]
rate = 20.0
[dropout]
per_year = 0.05
[design]
sample_size = 400
analysis = {{ events = 250 }}
"#
    ))
}

struct Coverage {
    trials: usize,
    in_95: usize,
    in_80: usize,
    reached: usize,
    probability_reached: f64,
}

/// `trials` trials of `study` (seed 11) cut at `cut`, each predicted with `sims` simulations
/// and the hazard family `hazard`: how often the 95% and 80% intervals of the N-th death cover
/// the trial's own.
fn coverage(study: &enrichsim::Study, hazard: &str, cut: f64, trials: u64, sims: u64) -> Coverage {
    let streams = Streams::new(11);
    let mut cohort = Cohort::default();
    let mut c = Coverage {
        trials: trials as usize,
        in_95: 0,
        in_80: 0,
        reached: 0,
        probability_reached: 0.0,
    };
    let options = PredictOptions {
        hazard: enrichsim::analytic::prediction::HazardChoice::parse(hazard).unwrap(),
        sims,
        seed: 5,
        threads: Some(2),
        ..PredictOptions::new()
    };
    for r in 0..trials {
        cohort.simulate(&study.model, &study.design, &streams, r);
        let data = blinded_of_cohort(&cohort, study.design.follow_up, cut);
        let p = predict(study, &data, "simulated", &options).expect("predicts");
        let look = &p.looks[0];
        let truth = nth_death(&cohort, look.events as usize);
        assert!(truth.is_finite());
        c.reached += usize::from(look.probability_reached > 0.99);
        c.probability_reached += look.probability_reached;
        let inside = |lo: Option<f64>, hi: Option<f64>| {
            lo.is_some_and(|l| l <= truth) && hi.is_none_or(|h| truth <= h)
        };
        c.in_95 += usize::from(inside(look.month.lower_95, look.month.upper_95));
        c.in_80 += usize::from(inside(look.month.lower_80, look.month.upper_80));
    }
    c
}

fn check(name: &str, c: &Coverage, tolerance_95: Option<f64>) {
    let n = c.trials as f64;
    let (p95, p80) = (c.in_95 as f64 / n, c.in_80 as f64 / n);
    let (se95, se80) = (binomial_se(0.95, n), binomial_se(0.80, n));
    println!(
        "{name}: {} trials: 95% interval covers {p95:.4} (SE {se95:.4}, {:+.2} SE), 80% covers {p80:.4} (SE {se80:.4}, {:+.2} SE)",
        c.trials,
        (p95 - 0.95) / se95,
        (p80 - 0.80) / se80
    );
    println!(
        "  (the look's predicted probability of being reached: mean {:.4}, above 0.99 in {} trials; every trial reached it)",
        c.probability_reached / n,
        c.reached
    );
    match tolerance_95 {
        Some(t) => assert!((p95 - 0.95).abs() <= t, "{name}: 95% coverage {p95}"),
        None => assert_within_mcse!(p95, 0.95, se95, 4.0),
    }
    match tolerance_95 {
        // The issue's criterion is the 95% interval's; at 2,000 trials the 80% interval is
        // conservative for the Weibull truth (0.836, +4.0 SE: the log-normal draws of a dropout
        // rate fitted from about 5 dropouts have a heavy right tail; docs/predict.md). It must
        // not under-cover, and must stay within 5 points of 80%.
        Some(_) => assert!(
            p80 >= 0.80 - 4.0 * se80 && p80 <= 0.85,
            "{name}: 80% coverage {p80}"
        ),
        None => assert_within_mcse!(p80, 0.80, se80, 4.0),
    }
}

const EXPONENTIAL: &str = "{ median = 20.0 }";
const WEIBULL: &str = "{ weibull = { median = 20.0, shape = 1.5 } }";

#[test]
fn prediction_intervals_cover_the_true_date() {
    // Cut at month 10: about 200 of 400 recruited and 30 to 40 deaths; the 250th death comes
    // some 30 months later.
    for (name, control, hazard) in [
        (
            "exponential truth, exponential fit",
            EXPONENTIAL,
            "exponential",
        ),
        ("Weibull truth, Weibull fit", WEIBULL, "weibull"),
    ] {
        let c = coverage(&truth(control), hazard, 10.0, 400, 400);
        check(name, &c, None);
    }
}

#[test]
#[ignore = "2,000 trials of 2,000 simulations per truth (a few minutes on 2 cores)"]
fn prediction_intervals_cover_the_true_date_2000() {
    for (name, control, hazard) in [
        (
            "exponential truth, exponential fit",
            EXPONENTIAL,
            "exponential",
        ),
        ("Weibull truth, Weibull fit", WEIBULL, "weibull"),
    ] {
        let c = coverage(&truth(control), hazard, 10.0, 2000, 2000);
        check(name, &c, Some(0.02));
    }
}

#[test]
fn without_parameter_uncertainty_the_intervals_are_too_narrow() {
    // The check above can fail: fixing the parameters at their estimates (only the events'
    // randomness) covers the true date of the 250th death far less often than 95%.
    let study = truth(EXPONENTIAL);
    let streams = Streams::new(11);
    let mut cohort = Cohort::default();
    let options = PredictOptions {
        hazard: enrichsim::analytic::prediction::HazardChoice::parse("exponential").unwrap(),
        sims: 400,
        seed: 5,
        threads: Some(2),
        parameter_uncertainty: false,
        ..PredictOptions::new()
    };
    let trials = 200;
    let mut inside = 0;
    for r in 0..trials {
        cohort.simulate(&study.model, &study.design, &streams, r);
        let data = blinded_of_cohort(&cohort, None, 10.0);
        let p = predict(&study, &data, "simulated", &options).unwrap();
        let truth = nth_death(&cohort, 250);
        let l = &p.looks[0].month;
        inside += usize::from(l.lower_95.unwrap() <= truth && truth <= l.upper_95.unwrap());
    }
    let p95 = inside as f64 / trials as f64;
    println!("parameters fixed: the 95% interval covers {p95:.3} of {trials} trials");
    assert!(p95 < 0.95 - 4.0 * binomial_se(0.95, trials as f64), "{p95}");
}
