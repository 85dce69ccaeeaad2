//! Pampallona-Tsiatis designs (`PT`) against simulation.
//!
//! - The bounds: the z-process simulated directly (S Brownian motion with drift theta, Z_k =
//!   S(t_k) / sqrt t_k, independent normal increments by inversion of ChaCha8 uniforms with
//!   enrichsim's quantile, as tests/it/mc_boundaries.rs), 400,000 paths per design and drift at
//!   a fixed seed: per-look efficacy, futility (one-sided Z_k < a_k, two-sided |Z_k| < a_k) and
//!   lower (two-sided Z_k <= -b_k) exits within 4 Monte Carlo SE, SE = sqrt(p (1 - p) / n), of
//!   the recursive integration's exit probabilities, under H0 and under the design's drift;
//!   one- and two-sided, binding and not, equal and unequal timing.
//! - Monitoring at observed fractions: the planned fractions give the planned bounds, and a
//!   final look at another fraction spends exactly the alpha left (one- and two-sided, binding).
//! - The engine: rpact's one-stratum trial (tests/it/common.rs `rpact_scenario`, 150 events,
//!   looks at 1/3 and 2/3) with a PT design, simulated under the global null (type I error,
//!   per-look efficacy and futility stops) and at HR 0.7 (power, per look), against the closed
//!   form (`analytic::power_analysis`) within 4 Monte Carlo SE. The default runs use 20,000
//!   (H0) and 8,000 (H1) replicates; the `#[ignore]`d versions 200,000 (H0) and 50,000 (H1, on
//!   a trial of 500 events at HR 0.8, see there).

use crate::common::*;
use enrichsim::analytic::{Method, power_analysis};
use enrichsim::design::sequential::spending::KindParams;
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, ExitProbabilities, GroupSequentialDesign, MonitoringWorkspace,
    exit_probabilities,
};
use enrichsim::stats::normal;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const PATHS: usize = 400_000;

fn pt(
    d1: f64,
    d0: f64,
    alpha: f64,
    power: f64,
    binding: bool,
    sided: u8,
    t: &[f64],
) -> GroupSequentialDesign {
    let params = KindParams {
        delta_pt1: Some(d1),
        delta_pt0: Some(d0),
        ..KindParams::default()
    };
    let kind = DesignKind::parse_params("--spending", "PT", &params).expect("PT");
    let mut spec = DesignSpec::new(kind, alpha);
    spec.power = Some(power);
    spec.binding = binding;
    spec.sided = sided;
    GroupSequentialDesign::new(spec, t.to_vec()).expect("PT design")
}

/// Per-look (efficacy, futility, lower) stopping frequencies of `PATHS` simulated paths.
fn simulate(design: &GroupSequentialDesign, theta: f64, seed: u64) -> [Vec<f64>; 3] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let t = design.timing();
    let b = design.efficacy();
    let a = design.futility().expect("PT futility");
    let two = design.sided() == 2;
    let n = t.len();
    let mut counts = [vec![0u64; n], vec![0u64; n], vec![0u64; n]];
    for _ in 0..PATHS {
        let (mut s, mut t_prev) = (0.0, 0.0);
        for k in 0..n {
            let d = t[k] - t_prev;
            let u = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            s += theta * d + d.sqrt() * normal::quantile(u);
            t_prev = t[k];
            let z = s / t[k].sqrt();
            let exit = if z >= b[k] {
                Some(0)
            } else if two && z <= -b[k] {
                Some(2)
            } else if (two && z.abs() < a[k]) || (!two && z < a[k]) {
                Some(1)
            } else {
                None
            };
            if let Some(e) = exit {
                counts[e][k] += 1;
                break;
            }
        }
    }
    counts.map(|v| v.into_iter().map(|c| c as f64 / PATHS as f64).collect())
}

fn check(label: &str, design: &GroupSequentialDesign, exits: &ExitProbabilities, seed: u64) {
    let [up, fut, low] = simulate(design, exits.drift, seed);
    let n = PATHS as f64;
    let mut worst = 0.0f64;
    for k in 0..design.looks() {
        let mut pairs = vec![
            (up[k], exits.efficacy[k], "efficacy"),
            (fut[k], exits.futility[k], "futility"),
        ];
        if design.sided() == 2 {
            pairs.push((low[k], exits.lower[k], "lower"));
        }
        for (sim, p, what) in pairs {
            let se = binomial_se(p, n).max(1.0 / n);
            worst = worst.max((sim - p).abs() / se);
            assert!(
                (sim - p).abs() <= 4.0 * se,
                "{label} theta {:.4} look {} {what}: simulated {sim:.6}, integration {p:.6}, SE {se:.2e}",
                exits.drift,
                k + 1
            );
        }
    }
    eprintln!(
        "{label} theta {:.4}: {} paths, largest |difference| {worst:.2} SE",
        exits.drift, PATHS
    );
}

#[test]
fn simulated_paths_exit_as_integrated() {
    let designs = [
        (
            "one-sided non-binding (0.25, 0.1)",
            pt(
                0.25,
                0.1,
                0.025,
                0.8,
                false,
                1,
                &[1.0 / 3.0, 2.0 / 3.0, 1.0],
            ),
        ),
        (
            "one-sided binding (0, 0) unequal",
            pt(0.0, 0.0, 0.025, 0.9, true, 1, &[0.3, 0.55, 0.8, 1.0]),
        ),
        (
            "two-sided non-binding (0.5, 0.5)",
            pt(0.5, 0.5, 0.05, 0.8, false, 2, &[0.5, 1.0]),
        ),
        (
            "two-sided binding (0.25, 0.1) unequal",
            pt(0.25, 0.1, 0.05, 0.8, true, 2, &[0.3, 0.7, 1.0]),
        ),
    ];
    for (i, (label, d)) in designs.iter().enumerate() {
        let h0 = d.exit_probabilities(0.0);
        let h1 = d.exit_probabilities(d.drift().expect("drift"));
        check(label, d, &h0, 100 + i as u64);
        check(label, d, &h1, 200 + i as u64);
        // the level and power the design was solved for (two-sided: both outer crossings)
        let lower = |e: &ExitProbabilities| e.lower.iter().sum::<f64>();
        let alpha = d.spec().alpha;
        let binding = d.spec().binding;
        if binding {
            assert_abs_close!(h0.reject + lower(&h0), alpha, 1e-9);
        }
        assert_abs_close!(h1.reject + lower(&h1), d.spec().power.unwrap(), 1e-8);
    }
}

#[test]
fn monitoring_keeps_the_shapes_and_spends_the_rest() {
    let t = [1.0 / 3.0, 2.0 / 3.0, 1.0];
    for (sided, binding) in [(1u8, false), (1, true), (2, false), (2, true)] {
        let alpha = 0.025 * f64::from(sided);
        let d = pt(0.25, 0.1, alpha, 0.8, binding, sided, &t);
        let c = *d.pt_constants().expect("constants");
        let mut ws = MonitoringWorkspace::new();
        // the planned fractions: the planned bounds
        for k in 1..=3 {
            let b = if sided == 1 {
                let lb = d.bounds_at(&t[..k], k == 3, &mut ws).unwrap();
                assert_abs_close!(lb.futility, d.futility().unwrap()[k - 1], 1e-12);
                lb.efficacy
            } else {
                d.symmetric_bound_at(&t[..k], k == 3).unwrap()
            };
            assert_abs_close!(b, d.efficacy()[k - 1], 1e-12);
        }
        // other fractions: the shapes at the interims, the final spending what is left
        for last in [0.9, 1.15] {
            let observed = [0.3, 0.62, last];
            let mut b = Vec::new();
            let mut a = Vec::new();
            for k in 1..=3 {
                if sided == 1 {
                    let lb = d.bounds_at(&observed[..k], k == 3, &mut ws).unwrap();
                    b.push(lb.efficacy);
                    a.push(lb.futility);
                } else {
                    b.push(d.symmetric_bound_at(&observed[..k], k == 3).unwrap());
                    a.push(if k < 3 {
                        c.futility(observed[k - 1])
                    } else {
                        b[2]
                    });
                }
            }
            for k in 0..2 {
                let kt = 3.0 * observed[k];
                let shape = c.c1 * kt.powf(0.25 - 0.5);
                assert_abs_close!(b[k], shape, 1e-12);
                let fut = (observed[k].sqrt() * c.drift() - c.c2 * kt.powf(0.1 - 0.5)).min(shape);
                let fut = if sided == 2 { fut.max(0.0) } else { fut };
                assert_abs_close!(a[k], fut, 1e-12);
            }
            // the level over the looks taken, futility counted when binding
            let level = if sided == 1 {
                exit_probabilities(&observed, binding.then_some(&a[..]), &b, 0.0, 32).reject
            } else if binding {
                let e = enrichsim::design::sequential::boundaries::exit_probabilities_two_sided(
                    &observed, &a, &b, 0.0, 32,
                );
                e.reject + e.lower.iter().sum::<f64>()
            } else {
                let low: Vec<f64> = b.iter().map(|x| -x).collect();
                let e = exit_probabilities(&observed, Some(&low), &b, 0.0, 32);
                e.reject + e.futility.iter().sum::<f64>()
            };
            assert_abs_close!(level, alpha, 1e-9);
        }
    }
}

/// The PT design of the engine checks on rpact's trial (300 subjects, 150 events), or with
/// `big` on a trial of 1,000 subjects and 500 events (rate 40 a month).
fn scenario(hr: f64, sided: u8, binding: bool, big: bool) -> String {
    let text = rpact_scenario(
        hr,
        &format!(
            "[design.sequential]\nlooks = [0.3333, 0.6667]\nefficacy = \"PT\"\ndelta_pt1 = 0.25\n\
             delta_pt0 = 0.1\npower = 0.8\nbinding_futility = {binding}\nsided = {sided}\n"
        ),
    );
    if big {
        text.replace("sample_size = 300", "sample_size = 1000")
            .replace("events = 150", "events = 500")
            .replace("rate = 12.5", "rate = 40.0")
    } else {
        text
    }
}

/// The engine against the closed form at HR `hr` (per-look efficacy, futility, harm, and the
/// power), `reps` replicates.
fn engine_check(hr: f64, sided: u8, binding: bool, reps: u64, seed: u64) {
    engine_check_on(hr, sided, binding, false, reps, seed);
}

fn engine_check_on(hr: f64, sided: u8, binding: bool, big: bool, reps: u64, seed: u64) {
    let study = study(&scenario(hr, sided, binding, big));
    let closed =
        power_analysis(&study.model, &study.design, Method::Schoenfeld).expect("closed form");
    let s = run(&study, reps, seed);
    let n = reps as f64;
    let se = |p: f64| binomial_se(p, n).max(1.0 / n);
    for (k, stage) in s.stages.iter().enumerate() {
        let look = &closed.looks[k];
        eprintln!(
            "PT sided {sided} binding {binding} HR {hr} look {}: efficacy {:.5} (closed {:.5}, SE {:.5}), futility {:.5} (closed {:.5}, SE {:.5})",
            k + 1,
            stage.efficacy_prob,
            look.efficacy_prob,
            se(look.efficacy_prob),
            stage.futility_prob,
            look.futility_prob,
            se(look.futility_prob)
        );
        assert_within_mcse!(
            stage.efficacy_prob,
            look.efficacy_prob,
            se(look.efficacy_prob),
            4.0
        );
        assert_within_mcse!(
            stage.futility_prob,
            look.futility_prob,
            se(look.futility_prob),
            4.0
        );
        if sided == 2 {
            let h = look.harm_prob.expect("harm");
            assert_within_mcse!(stage.harm_prob.expect("harm"), h, se(h), 4.0);
        }
    }
    eprintln!(
        "PT sided {sided} binding {binding} HR {hr}: power {:.5} (closed {:.5}, SE {:.5})",
        s.power,
        closed.power,
        se(closed.power)
    );
    assert_within_mcse!(s.power, closed.power, se(closed.power), 4.0);
    if hr == 1.0 {
        // the closed form at HR 1 is the design's own exits under H0
        let h0 = study
            .design
            .sequential
            .as_ref()
            .unwrap()
            .design
            .exit_probabilities(0.0);
        assert_abs_close!(closed.power, h0.reject, 1e-9);
    }
}

#[test]
fn engine_type_one_error_and_power_match_the_closed_form() {
    engine_check(1.0, 1, false, 20_000, 31);
    engine_check(0.7, 1, true, 8_000, 32);
    engine_check(1.0, 2, true, 20_000, 33);
    engine_check(0.7, 2, false, 8_000, 34);
}

/// Under H0 on rpact's trial, 200,000 replicates; under the alternative, 50,000 replicates of
/// a trial of 500 events at HR 0.8: with 150 events at HR 0.7 the closed form's drift
/// (Schoenfeld's, variance 1) is itself off by about 0.006 in the first look's futility
/// probability (50 events), which 50,000 replicates resolve (4.0 SE); the larger trial keeps
/// that approximation error below the Monte Carlo resolution.
#[test]
#[ignore = "long: 200,000 and 50,000 replicates per design (a few minutes on 2 cores)"]
fn engine_type_one_error_and_power_match_the_closed_form_large() {
    for (sided, binding) in [(1u8, false), (1, true), (2, false), (2, true)] {
        engine_check(1.0, sided, binding, 200_000, 41);
        engine_check_on(0.8, sided, binding, true, 50_000, 42);
    }
}
