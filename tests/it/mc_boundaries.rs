//! Crossing probabilities of the numerical integration against direct simulation of the
//! z-process: S is Brownian motion with drift theta (S(t) ~ N(theta t, t)), Z_k = S(t_k) / sqrt t_k,
//! drawn with independent increments S(t_k) - S(t_{k-1}) ~ N(theta D_k, D_k). 10^6 paths at a
//! fixed seed (ChaCha8, normal deviates by inversion with enrichsim's AS 241 quantile); each
//! per-look probability must agree within 4 Monte Carlo SE, SE = sqrt(p (1 - p) / 10^6)
//! (at most 5e-4 for p = 1/2; 1.6e-4 for p = 0.025).

use crate::common::*;
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, ExitProbabilities, Futility, GroupSequentialDesign, SpendingFunction,
    exit_probabilities,
};
use enrichsim::stats::normal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PATHS: usize = 1_000_000;

/// Per-look (efficacy, futility) stopping frequencies of `PATHS` simulated paths.
fn simulate(design: &GroupSequentialDesign, theta: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let t = design.timing();
    let b = design.efficacy();
    let a = design.futility();
    let k_max = t.len();
    let (mut up, mut low) = (vec![0u64; k_max], vec![0u64; k_max]);
    for _ in 0..PATHS {
        let mut s = 0.0;
        let mut t_prev = 0.0;
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
            if let Some(a) = a
                && z < a[k]
            {
                low[k] += 1;
                break;
            }
        }
    }
    let f = |v: Vec<u64>| v.into_iter().map(|c| c as f64 / PATHS as f64).collect();
    (f(up), f(low))
}

fn check(design: &GroupSequentialDesign, exits: &ExitProbabilities, seed: u64) {
    let (up, low) = simulate(design, exits.drift, seed);
    for k in 0..design.looks() {
        let p = exits.efficacy[k];
        let se = binomial_se(p, PATHS as f64).max(1e-7);
        assert_within_mcse!(up[k], p, se, 4.0);
        if design.futility().is_some() {
            let q = exits.futility[k];
            let se = binomial_se(q, PATHS as f64).max(1e-7);
            assert_within_mcse!(low[k], q, se, 4.0);
        }
    }
}

#[test]
fn hwang_shih_decani_unequal_timing_under_h0_and_h1() {
    let f = SpendingFunction::HwangShihDeCani { gamma: -4.0 };
    let mut spec = DesignSpec::new(DesignKind::Spending(f), 0.025);
    spec.power = Some(0.9);
    let timing = vec![0.3, 0.55, 0.8, 1.0];
    let d = GroupSequentialDesign::new(spec, timing.clone()).expect("design");
    let h0 = d.exit_probabilities(0.0);
    // the integration spends exactly the increments of the spending function
    let mut prev = 0.0;
    for (k, &t) in timing.iter().enumerate() {
        assert_abs_close!(h0.efficacy[k], f.cumulative(0.025, t) - prev, 1e-9);
        prev = f.cumulative(0.025, t);
    }
    check(&d, &h0, 1);
    let h1 = d.exit_probabilities(d.drift().expect("drift"));
    assert_abs_close!(h1.reject, 0.9, 1e-9);
    check(&d, &h1, 2);
}

#[test]
fn kim_demets_with_beta_spending_futility() {
    let mut spec = DesignSpec::new(
        DesignKind::Spending(SpendingFunction::KimDeMets { rho: 2.0 }),
        0.025,
    );
    spec.futility = Futility::BetaSpending(SpendingFunction::KimDeMets { rho: 2.0 });
    spec.power = Some(0.85);
    let d = GroupSequentialDesign::new(spec, vec![0.25, 0.6, 1.0]).expect("design");
    let theta = d.drift().expect("drift");
    let h1 = d.exit_probabilities(theta);
    // beta spending: futility stops under H1 follow 0.15 t^2, and the power is exact
    assert_abs_close!(h1.futility[0], 0.15 * 0.0625, 1e-9);
    assert_abs_close!(h1.futility[1], 0.15 * (0.36 - 0.0625), 1e-9);
    assert_abs_close!(h1.reject, 0.85, 1e-9);
    check(&d, &h1, 3);
    // non-binding: under H0 with futility applied, less than alpha is spent
    let h0 = d.exit_probabilities(0.0);
    assert!(h0.reject < 0.025);
    check(&d, &h0, 4);
}

#[test]
fn binding_beta_spending_futility_spends_alpha_exactly() {
    let mut spec = DesignSpec::new(
        DesignKind::Spending(SpendingFunction::HwangShihDeCani { gamma: 1.0 }),
        0.025,
    );
    spec.futility = Futility::BetaSpending(SpendingFunction::HwangShihDeCani { gamma: -2.0 });
    spec.binding = true;
    spec.power = Some(0.8);
    let d = GroupSequentialDesign::new(spec, vec![0.35, 0.7, 1.0]).expect("design");
    let h0 = d.exit_probabilities(0.0);
    assert_abs_close!(h0.reject, 0.025, 1e-9);
    check(&d, &h0, 5);
    let h1 = d.exit_probabilities(d.drift().expect("drift"));
    assert_abs_close!(h1.reject, 0.8, 1e-9);
    check(&d, &h1, 6);
}

#[test]
fn wang_tsiatis_with_fixed_z_futility() {
    let mut spec = DesignSpec::new(DesignKind::WangTsiatis { delta: 0.25 }, 0.025);
    spec.futility = Futility::Z(vec![0.0, 0.5]);
    spec.power = Some(0.9);
    let d = GroupSequentialDesign::new(spec, vec![0.4, 0.7, 1.0]).expect("design");
    let h1 = d.exit_probabilities(d.drift().expect("drift"));
    check(&d, &h1, 7);
}

/// Prints the per-look simulated and closed-form values with their Monte Carlo SE, then checks
/// them (within 4 SE) as [`check`] does.
fn check_and_show(label: &str, design: &GroupSequentialDesign, theta: f64, seed: u64) {
    let exits = design.exit_probabilities(theta);
    let (up, low) = simulate(design, theta, seed);
    for k in 0..design.looks() {
        eprintln!(
            "{label} theta {theta:.4} look {}: efficacy sim {:.6} exact {:.6} (SE {:.1e}); futility sim {:.6} exact {:.6} (SE {:.1e})",
            k + 1,
            up[k],
            exits.efficacy[k],
            binomial_se(exits.efficacy[k], PATHS as f64),
            low[k],
            exits.futility[k],
            binomial_se(exits.futility[k], PATHS as f64),
        );
    }
    check(design, &exits, seed);
}

#[test]
fn user_alpha_and_user_beta_spending_under_h0_and_h1() {
    use enrichsim::design::sequential::spending::UserSpending;
    let mut spec = DesignSpec::new(
        DesignKind::Spending(SpendingFunction::User(UserSpending::new(&[
            0.001, 0.01, 0.025,
        ]))),
        0.025,
    );
    spec.power = Some(0.8);
    spec.futility =
        Futility::BetaSpending(SpendingFunction::User(UserSpending::new(&[0.05, 0.1, 0.2])));
    let design = GroupSequentialDesign::new(spec, vec![0.3, 0.6, 1.0]).expect("design");
    // non-binding: under H0 without futility the alpha spent is the user's
    let h0 = exit_probabilities(design.timing(), None, design.efficacy(), 0.0, 32);
    assert_abs_close!(h0.efficacy[0], 0.001, 1e-9);
    assert_abs_close!(h0.efficacy[0] + h0.efficacy[1], 0.01, 1e-9);
    assert_abs_close!(h0.reject, 0.025, 1e-9);
    let theta = design.drift().expect("drift");
    check_and_show("asUser/bsUser", &design, 0.0, 31);
    check_and_show("asUser/bsUser", &design, theta, 32);
}

#[test]
fn haybittle_peto_with_binding_futility_under_h0_and_h1() {
    let mut spec = DesignSpec::new(DesignKind::HaybittlePeto { bound: 3.0 }, 0.025);
    spec.power = Some(0.9);
    spec.futility = Futility::Z(vec![0.0, 0.0]);
    spec.binding = true;
    let design = GroupSequentialDesign::new(spec, vec![1.0 / 3.0, 2.0 / 3.0, 1.0]).expect("design");
    assert_eq!(&design.efficacy()[..2], &[3.0, 3.0]);
    assert_abs_close!(design.exit_probabilities(0.0).reject, 0.025, 1e-9);
    let theta = design.drift().expect("drift");
    check_and_show("HP", &design, 0.0, 41);
    check_and_show("HP", &design, theta, 42);
}

#[test]
fn no_early_efficacy_with_beta_spending_under_h0_and_h1() {
    let mut spec = DesignSpec::new(DesignKind::NoEarlyEfficacy, 0.025);
    spec.power = Some(0.8);
    spec.futility = Futility::BetaSpending(SpendingFunction::LanDeMetsObf);
    let design = GroupSequentialDesign::new(spec, vec![1.0 / 3.0, 2.0 / 3.0, 1.0]).expect("design");
    assert!(design.efficacy()[..2].iter().all(|b| *b == f64::INFINITY));
    let theta = design.drift().expect("drift");
    check_and_show("noEarlyEfficacy", &design, 0.0, 51);
    check_and_show("noEarlyEfficacy", &design, theta, 52);
}

/// Per-look (upper, lower, inner futility) stopping frequencies of a two-sided design: stop when
/// Z_k >= b_k, Z_k <= -b_k or |Z_k| < a_k (a_K = b_K).
fn simulate_two_sided(design: &GroupSequentialDesign, theta: f64, seed: u64) -> [Vec<f64>; 3] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let t = design.timing();
    let b = design.efficacy();
    let a = design.futility().expect("futility");
    let k_max = t.len();
    let mut n = [vec![0u64; k_max], vec![0u64; k_max], vec![0u64; k_max]];
    for _ in 0..PATHS {
        let mut s = 0.0;
        let mut t_prev = 0.0;
        for k in 0..k_max {
            let d = t[k] - t_prev;
            let u = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            s += theta * d + d.sqrt() * normal::quantile(u);
            t_prev = t[k];
            let z = s / t[k].sqrt();
            if z >= b[k] {
                n[0][k] += 1;
                break;
            }
            if z <= -b[k] {
                n[1][k] += 1;
                break;
            }
            if z.abs() < a[k] {
                n[2][k] += 1;
                break;
            }
        }
    }
    n.map(|v| v.into_iter().map(|c| c as f64 / PATHS as f64).collect())
}

/// Two-sided beta spending (rpact's sided = 2 with typeBetaSpending): simulated exits at the
/// upper, lower and inner futility bounds against the integration, under H0 and H1, within 4 SE.
#[test]
fn two_sided_beta_spending_under_h0_and_h1() {
    for (kind, binding, adjust, timing, seed) in [
        (
            SpendingFunction::LanDeMetsPocock,
            true,
            true,
            vec![0.25, 0.6, 1.0],
            21,
        ),
        (
            SpendingFunction::LanDeMetsObf,
            false,
            false,
            vec![0.3, 0.6, 1.0],
            23,
        ),
    ] {
        let mut spec = DesignSpec::new(DesignKind::Spending(kind), 0.05);
        spec.sided = 2;
        spec.power = Some(0.8);
        spec.binding = binding;
        spec.beta_adjustment = adjust;
        spec.futility = Futility::BetaSpending(kind);
        let d = GroupSequentialDesign::new(spec, timing).expect("design");
        for (theta, s) in [(0.0, seed), (d.drift().expect("drift"), seed + 100)] {
            let e = d.exit_probabilities(theta);
            let sim = simulate_two_sided(&d, theta, s);
            #[allow(clippy::needless_range_loop)] // k indexes six vectors alike
            for k in 0..d.looks() {
                for (got, p) in [
                    (sim[0][k], e.efficacy[k]),
                    (sim[1][k], e.lower[k]),
                    (sim[2][k], e.futility[k]),
                ] {
                    let se = binomial_se(p, PATHS as f64).max(1e-7);
                    assert_within_mcse!(got, p, se, 4.0);
                }
            }
            eprintln!(
                "two-sided beta {} theta {theta:.4}: upper {:?} sim {:?}; futility {:?} sim {:?}",
                kind.code(),
                e.efficacy,
                sim[0],
                e.futility,
                sim[2]
            );
        }
    }
}
