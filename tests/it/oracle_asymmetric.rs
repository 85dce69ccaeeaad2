//! Asymmetric two-sided group-sequential designs (a lower bound spent under H0 with its own
//! spending function and total; gsDesign's test.type 5 binding, 6 non-binding) against
//!
//! - an independent R computation (tests/data/oracles/asymmetric.expected.json, written by
//!   tests/r/oracle_asymmetric.R): every probability a multivariate normal rectangle
//!   probability by mnormt's pmnorm (Genz's bivariate and trivariate algorithms), bounds by
//!   uniroot; 8 designs of 2 and 3 looks, asOF, asP, asKD, asHSD on both sides, lower totals
//!   0.01 to 1 - alpha. Bounds to 1e-6 in z, probabilities to 1e-8 (1e-7 under the drift),
//!   drift and inflation factor to 1e-6 relative;
//! - gsDesign's own printed designs (tests/data/oracles/gsdesign-asymmetric.expected.json,
//!   copied from its testthat snapshot): test.type 5 and 6 (and 3 and 4, enrichsim's one-sided
//!   designs with beta-spending futility) with 5 looks, HSD(-4) upper and HSD(-2) lower
//!   spending, within half a unit of the last printed digit.

use crate::common::*;
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, LowerSpending, SpendingFunction,
};

fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn spending(name: &str, param: Option<f64>) -> SpendingFunction {
    SpendingFunction::parse("spending", name, param, param).expect("spending function")
}

fn r_design(d: &serde_json::Value) -> GroupSequentialDesign {
    let upper = spending(
        d["upper_spending"].as_str().expect("upper"),
        d["upper_param"].as_f64(),
    );
    let mut spec = DesignSpec::new(DesignKind::Spending(upper), d["alpha"].as_f64().unwrap());
    spec.lower = Some(LowerSpending {
        spending: spending(
            d["lower_spending"].as_str().expect("lower"),
            d["lower_param"].as_f64(),
        ),
        alpha: d["lower_alpha"].as_f64().unwrap(),
    });
    spec.binding = d["test_type"].as_u64() == Some(5);
    spec.power = d["power"].as_f64();
    GroupSequentialDesign::new(spec, f64s(&d["timing"])).expect("design")
}

fn cumulative(v: &[f64]) -> Vec<f64> {
    v.iter()
        .scan(0.0, |acc, &x| {
            *acc += x;
            Some(*acc)
        })
        .collect()
}

#[test]
fn every_r_asymmetric_design_is_reproduced() {
    let oracle = oracle_json("asymmetric.expected.json");
    let designs = oracle["designs"].as_array().expect("designs");
    assert_eq!(designs.len(), 8);
    let (mut wz, mut wp, mut wrel) = (0.0f64, 0.0f64, 0.0f64);
    let mut types = [0usize; 2];
    for d in designs {
        let design = r_design(d);
        types[usize::from(design.spec().binding)] += 1;
        let lower = design.lower_bounds().expect("asymmetric");
        let (upper_z, lower_z) = (f64s(&d["upper"]), f64s(&d["lower"]));
        for k in 0..upper_z.len() {
            wz = wz.max((design.efficacy()[k] - upper_z[k]).abs());
            wz = wz.max((lower.bounds[k] - lower_z[k]).abs());
            assert_abs_close!(design.efficacy()[k], upper_z[k], 1e-6);
            assert_abs_close!(lower.bounds[k], lower_z[k], 1e-6);
            assert!(lower.bounds[k] <= design.efficacy()[k]);
        }
        assert_eq!(design.lower(), Some(lower.bounds.clone()));
        assert!(design.has_lower_stop());
        assert_close!(lower.scale, d["lower_scale"].as_f64().unwrap(), 1e-9);
        let drift = design.drift().expect("drift");
        let inflation = design.inflation_factor().expect("inflation");
        for (got, want) in [
            (drift, d["drift"].as_f64().unwrap()),
            (inflation, d["inflation_factor"].as_f64().unwrap()),
        ] {
            wrel = wrel.max((got - want).abs() / want);
            assert_close!(got, want, 1e-6);
        }
        let h0 = design.exit_probabilities(0.0);
        let h1 = design.exit_probabilities(drift);
        let checks: [(&str, Vec<f64>, f64); 6] = [
            ("upper_h0", h0.efficacy.clone(), 1e-8),
            ("lower_h0", h0.lower.clone(), 1e-8),
            ("upper_h1", h1.efficacy.clone(), 1e-7),
            ("lower_h1", h1.lower.clone(), 1e-7),
            ("upper_spent", cumulative(&h0.efficacy), 1e-8),
            ("lower_spent", lower.spent.clone(), 1e-8),
        ];
        for (key, got, tol) in checks {
            let want = f64s(&d[key]);
            assert_eq!(got.len(), want.len(), "{key}");
            for (g, w) in got.iter().zip(&want) {
                wp = wp.max((g - w).abs());
                assert_abs_close!(*g, *w, tol);
            }
        }
        // the futility and lower exits agree: no futility rule in an asymmetric design
        assert!(h0.futility.iter().all(|&p| p == 0.0));
    }
    assert_eq!(types, [4, 4], "non-binding and binding designs");
    eprintln!(
        "asymmetric vs R (mnormt): worst z {wz:.2e}, probability {wp:.2e}, drift/inflation relative {wrel:.2e}"
    );
}

#[test]
fn gsdesign_printed_designs_are_reproduced() {
    let oracle = oracle_json("gsdesign-asymmetric.expected.json");
    let designs = oracle["designs"].as_array().expect("designs");
    assert_eq!(designs.len(), 4);
    for d in designs {
        let tt = d["test_type"].as_u64().unwrap();
        let upper = SpendingFunction::HwangShihDeCani { gamma: -4.0 };
        let lower_f = SpendingFunction::HwangShihDeCani { gamma: -2.0 };
        let mut spec = DesignSpec::new(DesignKind::Spending(upper), 0.025);
        spec.power = Some(0.9);
        spec.binding = tt == 3 || tt == 5;
        if tt <= 4 {
            spec.futility = Futility::BetaSpending(lower_f);
        } else {
            spec.lower = Some(LowerSpending {
                spending: lower_f,
                alpha: 0.975,
            });
        }
        let timing: Vec<f64> = (1..=5).map(|k| k as f64 / 5.0).collect();
        let design = GroupSequentialDesign::new(spec, timing).expect("design");
        let lower = if tt <= 4 {
            design.futility().expect("futility").to_vec()
        } else {
            design.lower().expect("lower")
        };
        let half = |digits: i32| 0.5 * 10f64.powi(-digits) + 1e-9;
        let (want_upper, want_lower) = (f64s(&d["upper"]), f64s(&d["lower"]));
        for (k, a) in lower.iter().enumerate() {
            assert_abs_close!(design.efficacy()[k], want_upper[k], half(2));
            assert_abs_close!(*a, want_lower[k], half(2));
        }
        let drift = design.drift().expect("drift");
        let inflation = design.inflation_factor().expect("inflation");
        if let Some(want) = d["inflation_factor"].as_f64() {
            assert_abs_close!(inflation, want, half(3));
        }
        let h0 = design.exit_probabilities(0.0);
        let h1 = design.exit_probabilities(drift);
        let (lo0, lo1) = if tt <= 4 {
            (h0.futility.clone(), h1.futility.clone())
        } else {
            (h0.lower.clone(), h1.lower.clone())
        };
        for (key, got) in [
            ("upper_h0", &h0.efficacy),
            ("upper_h1", &h1.efficacy),
            ("lower_h0", &lo0),
            ("lower_h1", &lo1),
        ] {
            for (g, w) in got.iter().zip(f64s(&d[key])) {
                assert_abs_close!(*g, w, half(4));
            }
        }
        // E{N}: n.fix times the inflation factor times the expected information fraction
        let n_fix = d["n_fix"].as_f64().unwrap();
        let digits = if n_fix > 1.0 { 1 } else { 4 };
        for (h, key) in [(&h0, "expected_n_h0"), (&h1, "expected_n_h1")] {
            let got = n_fix * inflation * h.expected_information;
            assert_abs_close!(got, d[key].as_f64().unwrap(), half(digits));
        }
    }
}

#[test]
fn monitoring_at_observed_fractions_recomputes_both_bounds() {
    let oracle = oracle_json("asymmetric.expected.json");
    for d in oracle["designs"].as_array().expect("designs") {
        let design = r_design(d);
        let timing = design.timing().to_vec();
        let lower = design.lower_bounds().expect("asymmetric").bounds.clone();
        let k = timing.len();
        // the planned fractions give the planned bounds at once
        for j in 1..=k {
            let (b, a) = design
                .asymmetric_bounds_at(&timing[..j], j == k)
                .expect("bounds");
            assert_eq!((b, a), (design.efficacy()[j - 1], lower[j - 1]));
        }
        // fractions off the plan by 1e-9 are recomputed, and land on the planned bounds
        let nudged: Vec<f64> = timing.iter().map(|t| t * (1.0 + 1e-9)).collect();
        for j in 1..=k {
            let (b, a) = design
                .asymmetric_bounds_at(&nudged[..j], j == k)
                .expect("bounds");
            assert_abs_close!(b, design.efficacy()[j - 1], 1e-6);
            assert_abs_close!(a, lower[j - 1], 1e-6);
        }
        // a final analysis short of the plan spends the remainders at its own fraction
        let short = [timing[0], 0.5 * (timing[0] + timing[1])];
        let (b, a) = design.asymmetric_bounds_at(&short, true).expect("bounds");
        assert!(a <= b && b.is_finite() && a.is_finite());
    }
    let one_sided = GroupSequentialDesign::new(
        DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), 0.025),
        vec![0.5, 1.0],
    )
    .expect("design");
    assert!(one_sided.asymmetric_bounds_at(&[0.5], false).is_err());
    assert!(!one_sided.has_lower_stop());
}
