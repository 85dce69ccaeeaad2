//! rpact 3.3.4 Pampallona-Tsiatis designs (tests/data/oracles/boundaries-pt.expected.json,
//! written by tests/r/oracle_boundaries_pt.R): K = 2..4 equally spaced looks with (deltaPT1,
//! deltaPT0) = (0, 0), (0.5, 0.5), (0.25, 0.1), binding and not, one- and two-sided, and nine
//! designs at unequal information rates with other alpha, beta and shapes.
//!
//! Compared: the efficacy and futility bounds to 1e-7 in z (the differences are about 3e-8,
//! rpact's bisection tolerance being 1e-8 in its constants) (two-sided: rpact's NA is our 0, no
//! inner interval), the cumulative alpha spent to 1e-7 (the last, which rpact floors to 1e-8,
//! against alpha to 1e-6), and under the design's drift the cumulative beta spent and power
//! (upper crossings) to 1e-6. getDesignCharacteristics: one-sided, its shift is the design's
//! drift squared (to 1e-6 relative, and the inflation factor), with its rejection and futility
//! probabilities per stage to 1e-6; two-sided, rpact solves the shift so that the upper
//! crossing alone has power 1 - beta at the design's bounds (the design's drift counts both
//! outer crossings): the test solves that drift from our bounds by bisection and compares the
//! same quantities under it.

use crate::common::*;
use enrichsim::design::sequential::spending::KindParams;
use enrichsim::design::sequential::{DesignKind, DesignSpec, GroupSequentialDesign};

fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default()
}

fn design_of(d: &serde_json::Value) -> GroupSequentialDesign {
    let params = KindParams {
        delta_pt1: d["delta_pt1"].as_f64(),
        delta_pt0: d["delta_pt0"].as_f64(),
        ..KindParams::default()
    };
    let kind = DesignKind::parse_params("--spending", "PT", &params).expect("PT");
    let mut spec = DesignSpec::new(kind, d["alpha"].as_f64().expect("alpha"));
    spec.sided = d["sided"].as_u64().expect("sided") as u8;
    spec.binding = d["binding"].as_bool().expect("binding");
    spec.power = Some(1.0 - d["beta"].as_f64().expect("beta"));
    GroupSequentialDesign::new(spec, f64s(&d["timing"])).expect("design")
}

/// The drift at which the upper crossing alone has probability `power` (bisection).
fn upper_power_drift(design: &GroupSequentialDesign, power: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 10.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if design.exit_probabilities(mid).reject < power {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[derive(Default)]
struct Worst {
    z: f64,
    futility: f64,
    alpha: f64,
    beta: f64,
    power: f64,
    shift: f64,
    characteristics: f64,
}

fn worse(w: &mut f64, got: f64, want: f64, tol: f64, what: &str) {
    let d = (got - want).abs();
    *w = w.max(d);
    assert!(d <= tol, "{what}: {got} vs rpact {want} (diff {d:.3e})");
}

#[test]
fn pampallona_tsiatis_designs_match_rpact() {
    let oracle = oracle_json("boundaries-pt.expected.json");
    let designs = oracle.as_array().expect("list of designs");
    assert_eq!(designs.len(), 45);
    let mut w = Worst::default();
    let mut seen = [[0usize; 2]; 2];
    for d in designs {
        let design = design_of(d);
        let sided = design.sided();
        let binding = d["binding"].as_bool().expect("binding");
        seen[usize::from(sided == 2)][usize::from(binding)] += 1;
        let label = format!(
            "{} t={:?} PT({}, {}) binding={binding} sided={sided}",
            d["group"],
            f64s(&d["timing"]),
            d["delta_pt1"],
            d["delta_pt0"]
        );
        let z = f64s(&d["z"]);
        let looks = z.len();
        assert_eq!(design.looks(), looks, "{label}");
        for (k, (&ours, &want)) in design.efficacy().iter().zip(&z).enumerate() {
            worse(&mut w.z, ours, want, 1e-7, &format!("{label} z[{k}]"));
        }
        let ours = design.futility().expect("PT futility bounds");
        for (k, &f) in f64s(&d["futility"]).iter().enumerate() {
            let l = format!("{label} futility[{k}]");
            if f.is_nan() {
                // rpact: no inner interval there (its bound is 0)
                assert!(sided == 2 && ours[k] == 0.0, "{l}: {} vs NA", ours[k]);
            } else {
                worse(&mut w.futility, ours[k], f, 1e-7, &l);
            }
        }
        assert_eq!(ours[looks - 1], design.efficacy()[looks - 1]);
        let spent = f64s(&d["alpha_spent"]);
        let alpha = d["alpha"].as_f64().expect("alpha");
        for (k, (&ours, &want)) in design.alpha_spent().iter().zip(&spent).enumerate() {
            if k + 1 < looks {
                worse(
                    &mut w.alpha,
                    ours,
                    want,
                    1e-7,
                    &format!("{label} alpha spent[{k}]"),
                );
            }
        }
        assert_abs_close!(design.alpha_spent()[looks - 1], alpha, 1e-9);
        assert_abs_close!(spent[looks - 1], alpha, 1e-6);

        // under the design's drift
        let drift = design.drift().expect("drift");
        let h1 = design.exit_probabilities(drift);
        let (beta, power) = (f64s(&d["beta_spent"]), f64s(&d["power"]));
        let (mut cb, mut cp) = (0.0, 0.0);
        for k in 0..looks {
            cb += h1.futility[k];
            cp += h1.efficacy[k];
            worse(
                &mut w.beta,
                cb,
                beta[k],
                1e-6,
                &format!("{label} beta spent[{k}]"),
            );
            worse(
                &mut w.power,
                cp,
                power[k],
                1e-6,
                &format!("{label} power[{k}]"),
            );
        }

        // getDesignCharacteristics
        let target = 1.0 - d["beta"].as_f64().expect("beta");
        let theta = if sided == 1 {
            drift
        } else {
            upper_power_drift(&design, target)
        };
        let shift = d["shift"].as_f64().expect("shift");
        let rel = (theta * theta - shift).abs() / shift;
        w.shift = w.shift.max(rel);
        assert!(
            rel < 1e-6,
            "{label}: drift^2 {} vs shift {shift}",
            theta * theta
        );
        let fixed = -enrichsim::stats::normal::quantile(alpha / f64::from(sided))
            + enrichsim::stats::normal::quantile(target);
        let inflation = (theta / fixed).powi(2);
        assert_close!(inflation, d["inflation_factor"].as_f64().expect("IF"), 1e-6);
        if sided == 1 {
            assert_close!(
                design.inflation_factor().expect("IF"),
                d["inflation_factor"].as_f64().expect("IF"),
                1e-6
            );
        }
        let e = design.exit_probabilities(theta);
        let (rejection, futility_prob, char_power) = (
            f64s(&d["rejection"]),
            f64s(&d["futility_prob"]),
            f64s(&d["char_power"]),
        );
        let mut cp = 0.0;
        for k in 0..looks {
            cp += e.efficacy[k];
            let l = format!("{label} characteristics");
            worse(
                &mut w.characteristics,
                e.efficacy[k],
                rejection[k],
                1e-6,
                &l,
            );
            worse(&mut w.characteristics, cp, char_power[k], 1e-6, &l);
            if k + 1 < looks {
                worse(
                    &mut w.characteristics,
                    e.futility[k],
                    futility_prob[k],
                    1e-6,
                    &l,
                );
            }
        }
    }
    eprintln!(
        "PT vs rpact 3.3.4 ({} designs): max |z diff| {:.2e}, futility {:.2e}, alpha spent {:.2e}, \
         beta spent {:.2e}, power {:.2e}, shift rel {:.2e}, characteristics {:.2e}",
        designs.len(),
        w.z,
        w.futility,
        w.alpha,
        w.beta,
        w.power,
        w.shift,
        w.characteristics
    );
    // every combination of sides and binding is in the grid
    assert!(seen.iter().flatten().all(|&n| n >= 9), "{seen:?}");
}

/// The two-sided design's exits add up (upper + lower + inner futility = 1, the continuing
/// mass ending at the last look), and under H0 the upper and lower crossings are equal.
#[test]
fn pampallona_tsiatis_two_sided_exits_add_up() {
    let oracle = oracle_json("boundaries-pt.expected.json");
    for d in oracle.as_array().expect("designs") {
        let design = design_of(d);
        for theta in [0.0, design.drift().expect("drift")] {
            let e = design.exit_probabilities(theta);
            let lower = if design.sided() == 2 {
                e.lower.clone()
            } else {
                vec![0.0; design.looks()]
            };
            let total: f64 = (0..design.looks())
                .map(|k| e.efficacy[k] + lower[k] + e.futility[k])
                .sum();
            assert_abs_close!(total, 1.0, 1e-7);
            if theta == 0.0 && design.sided() == 2 {
                for k in 0..design.looks() {
                    assert_abs_close!(e.efficacy[k], e.lower[k], 1e-12);
                }
            }
        }
    }
}

/// Non-binding: the efficacy bounds are the Wang-Tsiatis bounds of Delta = deltaPT1 (c1 from
/// alpha alone; c1 K^(Delta1 - 1/2) is the Wang-Tsiatis constant), one- and two-sided.
#[test]
fn non_binding_efficacy_is_wang_tsiatis() {
    for sided in [1u8, 2] {
        for (d1, d0) in [(0.0, 0.0), (0.25, 0.1), (0.5, 0.4)] {
            let timing = vec![0.3, 0.55, 0.8, 1.0];
            let alpha = 0.025 * f64::from(sided);
            let params = KindParams {
                delta_pt1: Some(d1),
                delta_pt0: Some(d0),
                ..KindParams::default()
            };
            let mut spec = DesignSpec::new(
                DesignKind::parse_params("--spending", "PT", &params).expect("PT"),
                alpha,
            );
            spec.sided = sided;
            spec.power = Some(0.9);
            let pt = GroupSequentialDesign::new(spec, timing.clone()).expect("PT");
            let mut spec = DesignSpec::new(DesignKind::WangTsiatis { delta: d1 }, alpha);
            spec.sided = sided;
            let wt = GroupSequentialDesign::new(spec, timing).expect("WT");
            for (a, b) in pt.efficacy().iter().zip(wt.efficacy()) {
                assert_abs_close!(*a, *b, 1e-9);
            }
            let c = pt.pt_constants().expect("constants");
            assert_close!(
                c.c1 * 4f64.powf(d1 - 0.5),
                wt.wt_constant().expect("c"),
                1e-9
            );
        }
    }
}
