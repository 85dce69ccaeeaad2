//! The global null (`run --global-null`, and the report's type I error table): every design's
//! rejection rate under no effect anywhere is its type I error. The log-rank is asymptotically
//! exact, so a fixed design's rejection rate must be alpha within 4 Monte Carlo SE; a
//! group-sequential one with non-binding futility at most alpha; a closed test's family-wise
//! error at most alpha. 20,000 replicates each: SE 0.0011 at 0.025.

use crate::common::*;
use enrichsim::Study;

const REPS: u64 = 20_000;
const ALPHA: f64 = 0.025;

fn null_of(scenario: &str) -> Study {
    Study::load(&scenario_path(scenario), &[])
        .unwrap()
        .global_null()
}

#[test]
fn the_null_model_has_no_effect_and_the_same_control_arm() {
    let study = Study::load(&scenario_path("phase3-enriched-function.toml"), &[]).unwrap();
    let null = study.global_null();
    assert!(null.global_null && !study.global_null);
    assert!(null.model.prior.is_none());
    for (o, n) in study.model.outcomes.iter().zip(&null.model.outcomes) {
        for t in [1.0, 6.0, 18.0, 40.0] {
            assert_eq!(n.survival(false, t), o.survival(false, t));
            assert_eq!(n.survival(true, t), n.survival(false, t));
        }
    }
    let f = null.model.function.as_ref().unwrap();
    assert!(f.slowing.iter().all(|&s| s == 0.0) && f.prior.is_none());
    assert!(null.scenario.name.ends_with("(global null)"));
}

#[test]
fn a_fixed_design_rejects_at_alpha_under_the_global_null() {
    let s = run(&null_of("phase3-enriched.toml"), REPS, 20261202);
    let se = binomial_se(ALPHA, REPS as f64);
    assert!(
        (s.power - ALPHA).abs() < 4.0 * se,
        "type I error {} vs {ALPHA} (SE {se})",
        s.power
    );
    // The closed form agrees that there is nothing to detect.
    assert_abs_close!(s.analytic_power.unwrap(), ALPHA, 1e-6);
}

#[test]
fn a_sequential_design_with_non_binding_futility_rejects_at_most_alpha() {
    let s = run(&null_of("phase3-enriched-sequential.toml"), REPS, 20261203);
    let se = binomial_se(ALPHA, REPS as f64);
    assert!(s.power < ALPHA + 4.0 * se, "type I error {}", s.power);
    // futility stops most null trials early, so well below alpha, but not zero
    assert!(s.power > 0.005, "type I error {}", s.power);
    assert!(s.futility_prob > 0.5, "futility {}", s.futility_prob);
}

#[test]
fn a_closed_test_controls_the_familywise_error_under_the_global_null() {
    for (scenario, seed) in [
        ("phase3-allcomers-hierarchical.toml", 20261204),
        ("phase3-adaptive-enrichment.toml", 20261205),
    ] {
        let s = run(&null_of(scenario), REPS, seed);
        let se = binomial_se(ALPHA, REPS as f64);
        assert!(
            s.reject_any < ALPHA + 4.0 * se,
            "{scenario}: family-wise error {}",
            s.reject_any
        );
        assert!(s.reject_any > ALPHA / 3.0, "{scenario}: {}", s.reject_any);
    }
}
