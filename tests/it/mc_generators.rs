//! The generators against their closed forms, at fixed seeds, with tolerances in Monte Carlo SE.
//! - event times: empirical survival at several t versus S(t) = exp(-H(t)) (binomial SE), and
//!   the Kolmogorov-Smirnov distance versus its 0.1% critical value 1.95 / sqrt(n);
//! - the cohort: event times by true stratum and arm, misclassification versus the closed-form
//!   table of `validate`, the screening process versus its Gamma law, blocks balanced.

use crate::common::*;
use enrichsim::model::outcome::{Hazard, StratumOutcome};
use enrichsim::scenario::HazardSpec;
use enrichsim::simulation::trial::Cohort;
use enrichsim::stats::rng::{self, Purpose, Streams};

/// Checks draws of T against the survival function `s`.
fn check_against_survival(mut draws: Vec<f64>, s: impl Fn(f64) -> f64, label: &str) {
    let n = draws.len() as f64;
    draws.sort_by(f64::total_cmp);
    // Empirical survival at the 10%, 25%, 50%, 75%, 90% points of the sample.
    for q in [0.1, 0.25, 0.5, 0.75, 0.9] {
        let t = draws[(q * n) as usize];
        let empirical = draws.iter().filter(|&&x| x > t).count() as f64 / n;
        let p = s(t);
        assert_within_mcse!(empirical, p, binomial_se(p, n), 4.0);
    }
    // Kolmogorov-Smirnov: sup |F_n - F| < 1.95 / sqrt(n) at the 0.1% level.
    let d = draws
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let f = 1.0 - s(t);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max);
    assert!(
        d < 1.95 / n.sqrt(),
        "{label}: KS distance {d} >= {}",
        1.95 / n.sqrt()
    );
}

#[test]
fn event_times_follow_their_survival_curves() {
    let streams = Streams::new(2026);
    let families = [
        HazardSpec::Exponential { median: 30.0 },
        HazardSpec::Weibull {
            median: 12.0,
            shape: 1.3,
        },
        HazardSpec::Weibull {
            median: 20.0,
            shape: 0.7,
        },
        HazardSpec::Piecewise {
            starts: vec![0.0, 6.0, 18.0],
            rates: vec![0.01, 0.05, 0.02],
        },
    ];
    for (f, spec) in families.iter().enumerate() {
        for (hr, delay) in [(1.0, 0.0), (0.6, 0.0), (0.5, 3.0), (1.4, 6.0)] {
            let model = StratumOutcome::new(Hazard::from_spec(spec), hr, delay);
            for treated in [false, true] {
                let mut rng = streams.rng(
                    Purpose::Outcome,
                    (f * 100) as u64 + (hr * 10.0) as u64 + treated as u64,
                );
                let draws: Vec<f64> = (0..50_000)
                    .map(|_| model.event_time(treated, rng::exponential(&mut rng)))
                    .collect();
                check_against_survival(
                    draws,
                    |t| model.survival(treated, t),
                    &format!("{spec:?} hr {hr} delay {delay} treated {treated}"),
                );
            }
        }
    }
}

const THREE_STRATA: &str = r#"
name = "generator check"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.25
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low = { median = 40.0 }
moderate = { weibull = { median = 25.0, shape = 1.3 } }
high = { piecewise = { starts = [0.0, 12.0], rates = [0.05, 0.08] } }
[effect]
hazard_ratio = { low = 0.6, moderate = 0.7, high = 1.2 }
delay = 2.0
[enrolment]
rate = [ { from = 0.0, per_month = 10.0 }, { from = 6.0, per_month = 40.0 } ]
screen_failure = 0.2
[design]
eligible = ["low", "moderate", "high"]
sample_size = 2000
allocation = [2, 1]
block_size = 6
analysis = { events = 100 }
"#;

#[test]
fn cohort_event_times_follow_their_true_stratum_and_arm() {
    let study = study(THREE_STRATA);
    let streams = Streams::new(5);
    let mut cohort = Cohort::default();
    let mut draws = vec![vec![Vec::new(); 2]; 3];
    for r in 0..40 {
        cohort.simulate(&study.model, &study.design, &streams, r);
        for i in 0..cohort.len() {
            draws[cohort.true_stratum[i] as usize][cohort.treated[i] as usize]
                .push(cohort.event_time[i]);
        }
    }
    for (s, arms) in draws.into_iter().enumerate() {
        for (arm, d) in arms.into_iter().enumerate() {
            let model = &study.model.outcomes[s];
            assert!(d.len() > 2000, "stratum {s} arm {arm}: {} draws", d.len());
            check_against_survival(
                d,
                |t| model.survival(arm == 1, t),
                &format!("stratum {s} arm {arm}"),
            );
        }
    }
}

#[test]
fn misclassification_matches_the_closed_form_table() {
    let study = study(THREE_STRATA);
    let table = study.model.population.misclassification();
    let streams = Streams::new(11);
    let mut cohort = Cohort::default();
    let mut counts = [[0.0f64; 3]; 3];
    for r in 0..25 {
        cohort.simulate(&study.model, &study.design, &streams, r);
        for i in 0..cohort.len() {
            counts[cohort.true_stratum[i] as usize][cohort.observed_stratum[i] as usize] += 1.0;
        }
    }
    for i in 0..3 {
        let n: f64 = counts[i].iter().sum();
        for j in 0..3 {
            let p = table[i][j];
            if p > 1e-6 {
                assert_within_mcse!(counts[i][j] / n, p, binomial_se(p, n), 4.0);
            } else {
                assert!(
                    counts[i][j] <= 2.0,
                    "true {i} observed {j}: {} but p = {p}",
                    counts[i][j]
                );
            }
        }
    }
    // The off-diagonal mass is real: with CV 0.25 some 'high' patients read as 'moderate'.
    assert!(table[2][1] > 0.05, "{table:?}");
}

#[test]
fn screening_is_a_poisson_process_and_blocks_balance() {
    // Q(time of the n-th screened) ~ Gamma(n, 1): mean n, SD sqrt(n) on the intensity scale.
    let text = THREE_STRATA.replace("screen_failure = 0.2", "screen_failure = 0.0");
    let study = study(&text);
    let streams = Streams::new(3);
    let mut cohort = Cohort::default();
    let reps = 400;
    let mut q_sum = 0.0;
    for r in 0..reps {
        cohort.simulate(&study.model, &study.design, &streams, r);
        let last = *cohort.entry.last().unwrap();
        q_sum += study.model.screening.expected_by(last);
        assert_eq!(
            *cohort.screened_by.last().unwrap(),
            2000,
            "all screened are randomised"
        );
        assert!(
            cohort.entry.windows(2).all(|w| w[0] <= w[1]),
            "calendar order"
        );
        // 2:1 blocks of 6 within each observed stratum: at most 4 off the 2:1 split.
        for s in 0..3 {
            let (mut t, mut c) = (0i64, 0i64);
            for i in 0..cohort.len() {
                if cohort.observed_stratum[i] == s {
                    if cohort.treated[i] { t += 1 } else { c += 1 }
                }
            }
            assert!(
                (t - 2 * c).abs() <= 6,
                "stratum {s}: {t} treated, {c} control"
            );
        }
    }
    let mean = q_sum / reps as f64;
    assert_within_mcse!(mean, 2000.0, (2000.0f64 / reps as f64).sqrt(), 4.0);

    // With screen failures (20%), screened per randomised is 1 / 0.8 on average.
    let study = crate::common::study(THREE_STRATA);
    let mut ratio = 0.0;
    for r in 0..reps {
        cohort.simulate(&study.model, &study.design, &streams, r);
        ratio += *cohort.screened_by.last().unwrap() as f64;
    }
    let mean_screened = ratio / reps as f64;
    // Screened count to get n successes is negative binomial: mean n / p, variance n (1 - p) / p^2.
    let (n, p) = (2000.0, 0.8);
    assert_within_mcse!(
        mean_screened,
        n / p,
        (n * (1.0 - p) / (p * p) / reps as f64).sqrt(),
        4.0
    );
}
