//! Closed forms and double programming for the `sequential` module: results known without an
//! external oracle, or recomputed here by an independent method.

use crate::common::*;
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, MonitoringWorkspace, SpendingFunction,
    exit_probabilities,
};
use enrichsim::stats::normal;

const ALPHA: f64 = 0.025;

fn families() -> Vec<SpendingFunction> {
    vec![
        SpendingFunction::LanDeMetsObf,
        SpendingFunction::LanDeMetsPocock,
        SpendingFunction::HwangShihDeCani { gamma: -4.0 },
        SpendingFunction::HwangShihDeCani { gamma: 0.0 },
        SpendingFunction::HwangShihDeCani { gamma: 2.0 },
        SpendingFunction::KimDeMets { rho: 1.0 },
        SpendingFunction::KimDeMets { rho: 3.0 },
    ]
}

#[test]
fn spending_functions_start_at_zero_end_at_alpha_and_increase() {
    for f in families() {
        assert_eq!(f.cumulative(ALPHA, 0.0), 0.0, "{f:?}");
        assert_abs_close!(f.cumulative(ALPHA, 1.0), ALPHA, 1e-15);
        assert_abs_close!(f.cumulative(ALPHA, 1.0 - 1e-12), ALPHA, 1e-10);
        assert!(f.cumulative(ALPHA, 1e-9) < 1e-8, "{f:?}");
        assert_eq!(
            f.cumulative(ALPHA, 1.3),
            ALPHA,
            "beyond t = 1 the whole alpha"
        );
        let mut prev = 0.0;
        for i in 1..=100 {
            let c = f.cumulative(ALPHA, i as f64 / 100.0);
            assert!(c > prev, "{f:?} not increasing at {i}");
            prev = c;
        }
    }
}

#[test]
fn spending_function_formulas() {
    // Lan-DeMets OBF (one-sided, rpact asOF): 2 - 2 Phi(z_{1 - alpha/2} / sqrt t)
    let z = -normal::quantile(ALPHA / 2.0);
    let t: f64 = 0.5;
    assert_close!(
        SpendingFunction::LanDeMetsObf.cumulative(ALPHA, t),
        2.0 - 2.0 * normal::cdf(z / t.sqrt()),
        1e-12
    );
    // Lan-DeMets Pocock: alpha ln(1 + (e - 1) t)
    assert_close!(
        SpendingFunction::LanDeMetsPocock.cumulative(ALPHA, 0.3),
        ALPHA * (1.0 + (std::f64::consts::E - 1.0) * 0.3).ln(),
        1e-14
    );
    // HSD: alpha (1 - e^{-gamma t}) / (1 - e^{-gamma}); gamma -> 0 is linear
    let g: f64 = -4.0;
    assert_close!(
        SpendingFunction::HwangShihDeCani { gamma: g }.cumulative(ALPHA, 0.3),
        ALPHA * (1.0 - (-g * 0.3).exp()) / (1.0 - (-g).exp()),
        1e-13
    );
    assert_close!(
        SpendingFunction::HwangShihDeCani { gamma: 1e-13 }.cumulative(ALPHA, 0.3),
        ALPHA * 0.3,
        1e-9
    );
    // Kim-DeMets rho = 1 is HSD gamma = 0 (linear spending)
    for i in 0..=20 {
        let t = i as f64 / 20.0;
        assert_abs_close!(
            SpendingFunction::KimDeMets { rho: 1.0 }.cumulative(ALPHA, t),
            SpendingFunction::HwangShihDeCani { gamma: 0.0 }.cumulative(ALPHA, t),
            1e-17
        );
    }
}

#[test]
fn kim_demets_rho_one_design_equals_linear_hsd_design() {
    let timing = vec![0.3, 0.5, 0.9, 1.0];
    let kd = GroupSequentialDesign::new(
        DesignSpec::new(
            DesignKind::Spending(SpendingFunction::KimDeMets { rho: 1.0 }),
            ALPHA,
        ),
        timing.clone(),
    )
    .expect("kd");
    let hsd = GroupSequentialDesign::new(
        DesignSpec::new(
            DesignKind::Spending(SpendingFunction::HwangShihDeCani { gamma: 0.0 }),
            ALPHA,
        ),
        timing,
    )
    .expect("hsd");
    for k in 0..4 {
        assert_abs_close!(kd.efficacy()[k], hsd.efficacy()[k], 1e-12);
    }
}

#[test]
fn one_look_is_the_fixed_design() {
    let z = -normal::quantile(ALPHA);
    for name in ["OF", "P", "asOF", "asP", "hsd:-4", "kd:2", "wt:0.3"] {
        let kind = DesignKind::parse(name, None, None, None).expect("name");
        let mut spec = DesignSpec::new(kind, ALPHA);
        spec.power = Some(0.9);
        let d = GroupSequentialDesign::new(spec, vec![1.0]).expect("design");
        assert_abs_close!(d.efficacy()[0], z, 1e-10);
        assert_abs_close!(d.alpha_spent()[0], ALPHA, 1e-14);
        assert_abs_close!(d.inflation_factor().expect("power"), 1.0, 1e-9);
        assert_abs_close!(d.drift().expect("drift"), z + normal::quantile(0.9), 1e-9);
    }
}

/// P(Z1 >= b1) + P(Z1 < b1, Z2 >= b2) for corr(Z1, Z2) = sqrt(t1 / t2), by the composite
/// trapezoid rule on 200,000 panels over (-12, b1): a different method from the module's.
fn two_look_alpha(t1: f64, t2: f64, b1: f64, b2: f64) -> f64 {
    let rho = (t1 / t2).sqrt();
    let s = (1.0 - rho * rho).sqrt();
    let n = 200_000;
    let (lo, hi) = (-12.0, b1);
    let h = (hi - lo) / n as f64;
    let f = |z: f64| normal::pdf(z) * normal::sf((b2 - rho * z) / s);
    let mut sum = 0.5 * (f(lo) + f(hi));
    for i in 1..n {
        sum += f(lo + i as f64 * h);
    }
    normal::sf(b1) + sum * h
}

#[test]
fn two_looks_at_unequal_timing_spend_alpha_by_an_independent_integral() {
    for (name, t1) in [
        ("asOF", 0.37),
        ("hsd:-2", 0.62),
        ("kd:1.5", 0.15),
        ("OF", 0.4),
        ("P", 0.7),
    ] {
        let kind = DesignKind::parse(name, None, None, None).expect("name");
        let d = GroupSequentialDesign::new(DesignSpec::new(kind, ALPHA), vec![t1, 1.0]).expect("d");
        let b = d.efficacy();
        assert_abs_close!(two_look_alpha(t1, 1.0, b[0], b[1]), ALPHA, 1e-9);
        if let DesignKind::Spending(f) = kind {
            assert_abs_close!(normal::sf(b[0]), f.cumulative(ALPHA, t1), 1e-12);
        }
    }
}

#[test]
fn wang_tsiatis_shapes() {
    let timing = vec![0.25, 0.5, 0.75, 1.0];
    let pocock = GroupSequentialDesign::new(
        DesignSpec::new(DesignKind::WangTsiatis { delta: 0.5 }, ALPHA),
        timing.clone(),
    )
    .expect("P");
    for k in 1..4 {
        assert_abs_close!(pocock.efficacy()[k], pocock.efficacy()[0], 1e-14);
    }
    let mut spec = DesignSpec::new(DesignKind::WangTsiatis { delta: 0.2 }, ALPHA);
    spec.power = Some(0.8);
    let wt = GroupSequentialDesign::new(spec, timing.clone()).expect("WT");
    let c = wt.wt_constant().expect("constant");
    for (k, &t) in timing.iter().enumerate() {
        assert_abs_close!(wt.efficacy()[k], c * t.powf(0.2 - 0.5), 1e-14);
    }
    assert_abs_close!(wt.alpha_spent()[3], ALPHA, 1e-10);
}

fn monitored_design() -> GroupSequentialDesign {
    let mut spec = DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), ALPHA);
    spec.futility = Futility::BetaSpending(SpendingFunction::HwangShihDeCani { gamma: -2.0 });
    spec.power = Some(0.9);
    GroupSequentialDesign::new(spec, vec![0.2, 0.4, 0.6, 0.8, 1.0]).expect("design")
}

#[test]
fn hook_at_the_planned_timing_returns_the_planned_bounds() {
    let d = monitored_design();
    let mut ws = MonitoringWorkspace::new();
    for k in 1..=5 {
        let b = d
            .bounds_at(&d.timing()[..k], k == 5, &mut ws)
            .expect("bounds");
        assert_eq!(b.efficacy, d.efficacy()[k - 1]);
        assert_eq!(b.futility, d.futility().expect("futility")[k - 1]);
    }
    // the recomputing path agrees with the planned bounds when the timing is off by 1e-10
    let nudged: Vec<f64> = d.timing().iter().map(|t| t - 1e-10).collect();
    for k in 1..=5 {
        let b = d.bounds_at(&nudged[..k], k == 5, &mut ws).expect("bounds");
        assert_abs_close!(b.efficacy, d.efficacy()[k - 1], 1e-7);
        assert_abs_close!(b.futility, d.futility().expect("futility")[k - 1], 1e-7);
    }
}

#[test]
fn hook_recomputes_spending_at_observed_fractions() {
    let d = monitored_design();
    let observed = [0.23, 0.41, 0.55, 0.83, 0.97];
    // double programming: a design planned at the observed fractions has the same efficacy bounds
    let mut spec = d.spec().clone();
    spec.futility = Futility::None;
    spec.power = None;
    let direct = GroupSequentialDesign::new(spec, observed.to_vec()).expect("design");
    let mut ws = MonitoringWorkspace::new();
    for k in 1..=5 {
        let b = d
            .efficacy_bound_at(&observed[..k], k == 5, &mut ws)
            .expect("bound");
        assert_abs_close!(b, direct.efficacy()[k - 1], 1e-10);
    }
    // the cache gives the same answers as a fresh workspace, in any call order
    for k in (1..=5).rev() {
        let mut fresh = MonitoringWorkspace::new();
        let a = d
            .efficacy_bound_at(&observed[..k], k == 5, &mut fresh)
            .expect("bound");
        let b = d
            .efficacy_bound_at(&observed[..k], k == 5, &mut ws)
            .expect("bound");
        assert_eq!(a.to_bits(), b.to_bits());
    }
    // efficacy-only calls skip the alternative's recursion; a later call wanting the futility
    // bound must still agree with a fresh workspace
    let mut ws = MonitoringWorkspace::new();
    for k in 1..5 {
        d.efficacy_bound_at(&observed[..k], false, &mut ws)
            .expect("bound");
    }
    let cached = d.bounds_at(&observed[..4], false, &mut ws).expect("bounds");
    let fresh = d
        .bounds_at(&observed[..4], false, &mut MonitoringWorkspace::new())
        .expect("bounds");
    assert_eq!(cached, fresh);
    assert!(fresh.futility.is_finite() && fresh.futility < fresh.efficacy);
    // a coarser grid (r = 16): z within 1e-5 of r = 32 (2e-6 seen), and those bounds, integrated
    // on the r = 32 grid, spend alpha to 1e-7
    let mut coarse = MonitoringWorkspace::with_grid(16);
    let b16: Vec<f64> = (1..=5)
        .map(|k| {
            d.efficacy_bound_at(&observed[..k], k == 5, &mut coarse)
                .expect("bound")
        })
        .collect();
    for (&b, &e) in b16.iter().zip(direct.efficacy()) {
        assert_abs_close!(b, e, 1e-5);
    }
    let spent = exit_probabilities(&observed, None, &b16, 0.0, 32).reject;
    assert_abs_close!(spent, ALPHA, 1e-7);
}

#[test]
fn hook_final_look_beyond_planned_spends_exactly_alpha() {
    let d = monitored_design();
    let observed = [0.21, 0.43, 0.58, 0.81, 1.07];
    let mut ws = MonitoringWorkspace::new();
    let b: Vec<f64> = (1..=5)
        .map(|k| {
            d.efficacy_bound_at(&observed[..k], k == 5, &mut ws)
                .expect("bound")
        })
        .collect();
    // non-binding futility: the type I error of the efficacy bounds alone is alpha
    let h0 = exit_probabilities(&observed, None, &b, 0.0, 32);
    assert_abs_close!(h0.reject, ALPHA, 1e-9);
    // and the interims spent the function's increments
    let f = SpendingFunction::LanDeMetsObf;
    assert_abs_close!(h0.efficacy[0], f.cumulative(ALPHA, 0.21), 1e-12);
    assert_abs_close!(
        h0.efficacy[3],
        f.cumulative(ALPHA, 0.81) - f.cumulative(ALPHA, 0.58),
        1e-9
    );
    // a final look short of plan also spends all alpha
    let short = [0.21, 0.43, 0.58, 0.81, 0.9];
    let b: Vec<f64> = (1..=5)
        .map(|k| {
            d.efficacy_bound_at(&short[..k], k == 5, &mut ws)
                .expect("bound")
        })
        .collect();
    assert_abs_close!(
        exit_probabilities(&short, None, &b, 0.0, 32).reject,
        ALPHA,
        1e-9
    );
}

#[test]
fn hook_wang_tsiatis_keeps_shape_and_final_spends_remainder() {
    let d = GroupSequentialDesign::new(
        DesignSpec::new(DesignKind::WangTsiatis { delta: 0.0 }, ALPHA),
        vec![0.5, 1.0],
    )
    .expect("OF");
    let mut ws = MonitoringWorkspace::new();
    let c = d.wt_constant().expect("c");
    let b1 = d.efficacy_bound_at(&[0.6], false, &mut ws).expect("b1");
    assert_abs_close!(b1, c / 0.6f64.sqrt(), 1e-14);
    let b2 = d.efficacy_bound_at(&[0.6, 1.1], true, &mut ws).expect("b2");
    assert_abs_close!(two_look_alpha(0.6, 1.1, b1, b2), ALPHA, 1e-9);
}

#[test]
fn binding_z_futility_enters_the_alpha_recursion() {
    let timing = vec![0.5, 1.0];
    let mut spec = DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), ALPHA);
    spec.futility = Futility::Z(vec![0.0]);
    spec.binding = true;
    let d = GroupSequentialDesign::new(spec, timing.clone()).expect("binding");
    // with a binding futility bound at 0 the final bound is lower than without
    let plain = GroupSequentialDesign::new(
        DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), ALPHA),
        timing,
    )
    .expect("plain");
    assert!(d.efficacy()[1] < plain.efficacy()[1]);
    // P(Z1 >= b1) + P(0 <= Z1 < b1, Z2 >= b2) = alpha, by the trapezoid rule
    let (b1, b2) = (d.efficacy()[0], d.efficacy()[1]);
    let rho = 0.5f64.sqrt();
    let s = (1.0 - rho * rho).sqrt();
    let n = 100_000;
    let h = b1 / n as f64;
    let f = |z: f64| normal::pdf(z) * normal::sf((b2 - rho * z) / s);
    let mut sum = 0.5 * (f(0.0) + f(b1));
    for i in 1..n {
        sum += f(i as f64 * h);
    }
    assert_abs_close!(normal::sf(b1) + sum * h, ALPHA, 1e-9);
}

#[test]
fn wang_tsiatis_with_binding_beta_spending_solves_both_constants() {
    // nested solve: the Wang-Tsiatis constant inside the drift search
    let mut spec = DesignSpec::new(DesignKind::WangTsiatis { delta: 0.0 }, ALPHA);
    spec.futility = Futility::BetaSpending(SpendingFunction::KimDeMets { rho: 2.0 });
    spec.binding = true;
    spec.power = Some(0.8);
    let d = GroupSequentialDesign::new(spec, vec![0.3, 0.6, 1.0]).expect("design");
    let c = d.wt_constant().expect("c");
    for (k, &t) in d.timing().iter().enumerate() {
        assert_abs_close!(d.efficacy()[k], c / t.sqrt(), 1e-12);
    }
    assert_abs_close!(d.exit_probabilities(0.0).reject, ALPHA, 1e-9);
    let h1 = d.exit_probabilities(d.drift().expect("drift"));
    assert_abs_close!(h1.reject, 0.8, 1e-9);
    assert_abs_close!(h1.futility[0], 0.2 * 0.09, 1e-9);
}
