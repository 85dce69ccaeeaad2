//! Asymmetric two-sided designs (a lower bound spent under H0 with its own spending function,
//! gsDesign's test.type 5 and 6) against simulation:
//! - Brownian paths: S Brownian motion with drift theta, Z_k = S(t_k) / sqrt t_k, drawn by
//!   independent normal increments (ChaCha8, normal deviates by inversion), stopping at Z_k >= b_k
//!   (upper) or Z_k < a_k (lower). Per-look upper and lower exit frequencies within 4 Monte Carlo
//!   SE, sqrt(p (1 - p) / n), of the recursive integration's exit probabilities, under H0 and
//!   under the drift giving the power; 200,000 paths by default, 10^6 in the ignored test.
//! - The engine: a scenario with `[design.sequential] lower = {...}` (rpact's one-stratum trial,
//!   150 events, looks at 1/3 and 2/3) run at the global null: per-look efficacy and lower
//!   (harm) stops within 4 SE of the design's exit probabilities under H0, 40,000 replicates;
//!   and at HR 0.7 against the closed form (`analytic::power_analysis`), 10,000 replicates.

use crate::common::*;
use enrichsim::analytic::{Method, power_analysis};
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, GroupSequentialDesign, LowerSpending, SpendingFunction,
};
use enrichsim::stats::normal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Per-look (upper, lower) stopping frequencies of `paths` simulated paths.
fn simulate(
    design: &GroupSequentialDesign,
    theta: f64,
    paths: usize,
    seed: u64,
) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let t = design.timing();
    let b = design.efficacy();
    let a = design.lower().expect("lower bounds");
    let k_max = t.len();
    let (mut up, mut low) = (vec![0u64; k_max], vec![0u64; k_max]);
    for _ in 0..paths {
        let (mut s, mut t_prev) = (0.0, 0.0);
        for k in 0..k_max {
            let d = t[k] - t_prev;
            let u = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            s += theta * d + d.sqrt() * normal::quantile(u);
            t_prev = t[k];
            let z = s / t[k].sqrt();
            if z >= b[k] {
                up[k] += 1;
                break;
            }
            if z < a[k] {
                low[k] += 1;
                break;
            }
        }
    }
    let f = |v: Vec<u64>| v.into_iter().map(|c| c as f64 / paths as f64).collect();
    (f(up), f(low))
}

fn design(binding: bool, lower_alpha: f64, timing: Vec<f64>) -> GroupSequentialDesign {
    let mut spec = DesignSpec::new(
        DesignKind::Spending(SpendingFunction::HwangShihDeCani { gamma: -4.0 }),
        0.025,
    );
    spec.lower = Some(LowerSpending {
        spending: SpendingFunction::LanDeMetsPocock,
        alpha: lower_alpha,
    });
    spec.binding = binding;
    spec.power = Some(0.9);
    GroupSequentialDesign::new(spec, timing).expect("design")
}

fn check_paths(paths: usize) {
    let designs = [
        design(true, 0.975, vec![0.25, 0.5, 0.75, 1.0]),
        design(false, 0.975, vec![0.3, 0.65, 1.0]),
        design(false, 0.05, vec![0.3, 0.65, 1.0]),
        design(true, 0.2, vec![0.5, 1.0]),
    ];
    let n = paths as f64;
    let mut seed = 100;
    for d in &designs {
        for theta in [0.0, d.drift().expect("drift")] {
            let exact = d.exit_probabilities(theta);
            seed += 1;
            let (up, low) = simulate(d, theta, paths, seed);
            for k in 0..d.looks() {
                let (pu, pl) = (exact.efficacy[k], exact.lower[k]);
                let (su, sl) = (
                    binomial_se(pu, n).max(1.0 / n),
                    binomial_se(pl, n).max(1.0 / n),
                );
                println!(
                    "binding {} lower alpha {} theta {theta:.4} look {}: upper {:.5} ({pu:.5}, SE {su:.5}), lower {:.5} ({pl:.5}, SE {sl:.5})",
                    d.spec().binding,
                    d.spec().lower.unwrap().alpha,
                    k + 1,
                    up[k],
                    low[k]
                );
                assert_within_mcse!(up[k], pu, su, 4.0);
                assert_within_mcse!(low[k], pl, sl, 4.0);
            }
        }
    }
}

#[test]
fn brownian_paths_match_the_exit_probabilities() {
    check_paths(200_000);
}

#[test]
#[ignore = "10^6 paths per design and drift (about 2 s on top of the default test)"]
fn brownian_paths_match_the_exit_probabilities_long() {
    check_paths(1_000_000);
}

fn scenario(hr: f64, lower: &str) -> String {
    rpact_scenario(
        hr,
        &format!(
            "[design.sequential]\nlooks = [0.3333, 0.6667]\nefficacy = \"asOF\"\nlower = {lower}\n"
        ),
    )
}

fn se(p: f64, n: f64) -> f64 {
    (p * (1.0 - p) / n).sqrt().max(1.0 / n)
}

fn check_null(lower: &str, reps: u64, seed: u64) {
    let study = study(&scenario(1.0, lower));
    let plan = study.design.sequential.as_ref().expect("sequential plan");
    assert!(plan.design.lower_bounds().is_some());
    let exact = plan.design.exit_probabilities(0.0);
    let s = run(&study, reps, seed);
    let n = reps as f64;
    assert_eq!(s.sided, None);
    for (k, stage) in s.stages.iter().enumerate() {
        let (pu, pl) = (exact.efficacy[k], exact.lower[k]);
        let harm = stage.harm_prob.expect("lower stops reported as harm");
        println!(
            "{lower} H0 look {}: upper {:.5} (exact {pu:.5}, SE {:.5}), lower {harm:.5} (exact {pl:.5}, SE {:.5})",
            k + 1,
            stage.efficacy_prob,
            se(pu, n),
            se(pl, n)
        );
        assert_within_mcse!(stage.efficacy_prob, pu, se(pu, n), 4.0);
        assert_within_mcse!(harm, pl, se(pl, n), 4.0);
        assert_eq!(stage.lower_bound, Some(plan.lower[k]));
    }
    let (up, down) = (exact.reject, exact.lower.iter().sum::<f64>());
    assert_within_mcse!(s.power, up, se(up, n), 4.0);
    assert_within_mcse!(s.harm_prob.unwrap(), down, se(down, n), 4.0);
}

#[test]
fn global_null_upper_and_lower_exits_match_the_design() {
    // non-binding harm bound (test.type 6), and binding with the lower bound taking the rest
    // (test.type 5: every trial ends at a bound)
    check_null(
        "{ spending = \"asP\", alpha = 0.1, binding = false }",
        40_000,
        31,
    );
    check_null("{ spending = \"hsd:-2\", binding = true }", 40_000, 32);
}

#[test]
fn alternative_exits_match_the_closed_form() {
    let study = study(&scenario(
        0.7,
        "{ spending = \"asP\", alpha = 0.1, binding = false }",
    ));
    let closed = power_analysis(&study.model, &study.design, Method::Schoenfeld).unwrap();
    let reps = 10_000u64;
    let n = reps as f64;
    let s = run(&study, reps, 41);
    for (k, stage) in s.stages.iter().enumerate() {
        let p = closed.looks[k].efficacy_prob;
        let h = closed.looks[k].harm_prob.expect("closed form reports harm");
        println!(
            "H1 look {}: upper {:.5} (closed form {p:.5}, SE {:.5}), lower {:.5} (closed form {h:.5}, SE {:.5})",
            k + 1,
            stage.efficacy_prob,
            se(p, n),
            stage.harm_prob.unwrap(),
            se(h, n)
        );
        assert_within_mcse!(stage.efficacy_prob, p, se(p, n), 4.0);
        assert_within_mcse!(stage.harm_prob.unwrap(), h, se(h, n), 4.0);
    }
    assert_within_mcse!(s.power, closed.power, se(closed.power, n), 4.0);
}
