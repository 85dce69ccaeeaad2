//! rpact 3.3.4 two-sided beta spending and designs whose final information rate is below 1
//! (tests/data/oracles/boundaries-twosided2.expected.json, written by
//! tests/r/oracle_boundaries_twosided2.R).
//!
//! Two-sided beta spending (`sided = 2`, `typeBetaSpending`, binding and non-binding,
//! `betaAdjustment` both ways; asOF/bsOF, asP/bsP, asKD/bsKD, asHSD/bsHSD at unequal timings):
//! the futility region is the inner interval (-a_k, a_k); rpact reports NA where there is no
//! bound (ours is 0 there). Final information rate below 1 (one- and two-sided, binding z
//! futility): the last bound spends f(alpha, t_K) only.
//!
//! Bounds (efficacy and futility) to 1e-6 in z, interim alpha spent to 1e-8, the final alpha
//! spent to 1e-6 (rpact reports alpha - 1e-8 at t = 1; below 1 to 2e-8). Two-sided beta spending: the drift is
//! the design's (inner futility by K = beta, rpact's a_K = b_K), checked through rpact's
//! cumulative `$power` (upper crossings) and `$betaSpent` under it, to 1e-5. rpact's
//! getDesignCharacteristics()$shift is not that drift for these designs (it solves the upper
//! crossing power = 1 - beta at the fixed bounds, ignoring the lower crossings, about 3e-5 of
//! the power for asP): it is not compared. Final rate below 1: drift and inflation factor to
//! 1e-6 relative.

use crate::common::*;
use enrichsim::design::sequential::spending::KindParams;
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, SpendingFunction,
};

fn f64s(v: &serde_json::Value) -> Option<Vec<f64>> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
}

fn design_of(d: &serde_json::Value) -> GroupSequentialDesign {
    let kind_name = d["kind"].as_str().expect("kind");
    let gamma = d["gamma"].as_f64();
    // rpact's gammaA is Kim-DeMets' rho for asKD
    let params = KindParams {
        gamma: gamma.filter(|_| kind_name == "asHSD"),
        rho: gamma.filter(|_| kind_name == "asKD"),
        ..KindParams::default()
    };
    let kind = DesignKind::parse_params("--spending", kind_name, &params).expect("kind");
    let mut spec = DesignSpec::new(kind, d["alpha"].as_f64().expect("alpha"));
    spec.sided = d["sided"].as_u64().expect("sided") as u8;
    spec.power = d["beta"].as_f64().map(|b| 1.0 - b);
    spec.binding = d["binding"].as_bool().expect("binding");
    if let Some(bs) = d["beta_spending"].as_str() {
        let name = format!("as{}", &bs[2..]);
        let f = SpendingFunction::parse_params("--futility", &name, &params).expect("beta");
        spec.futility = Futility::BetaSpending(f);
        spec.beta_adjustment = d["beta_adjustment"].as_bool().expect("adjustment");
    }
    spec.final_spends_f = true;
    if let Some(z) = f64s(&d["futility_z"]) {
        spec.futility = Futility::Z(z);
    }
    GroupSequentialDesign::new(spec, f64s(&d["timing"]).expect("timing")).expect("design")
}

#[test]
fn two_sided_beta_spending_and_final_below_one_match_rpact() {
    let oracle = oracle_json("boundaries-twosided2.expected.json");
    let designs = oracle.as_array().expect("list of designs");
    assert_eq!(designs.len(), 18);
    let (mut wz, mut wfut, mut wspent, mut wbeta, mut wpower, mut wdrift, mut wif) =
        (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut groups = [0usize; 2];
    for d in designs {
        let group = d["group"].as_str().expect("group");
        groups[usize::from(group == "final_below_one")] += 1;
        let label = format!("{group} {} {}", d["kind"], d["timing"]);
        let design = design_of(d);
        let z = f64s(&d["z"]).expect("z");
        let spent = f64s(&d["alpha_spent"]).expect("alpha spent");
        let looks = z.len();
        let timing = f64s(&d["timing"]).expect("timing");
        assert_eq!(design.looks(), looks);
        for k in 0..looks {
            let got = design.efficacy()[k];
            wz = wz.max((got - z[k]).abs());
            assert!(
                (got - z[k]).abs() < 1e-6,
                "{label}: z[{k}] {got} vs {}",
                z[k]
            );
            let got = design.alpha_spent()[k];
            if k + 1 < looks || timing[k] < 1.0 {
                // rpact's last value carries its tolerance 1e-8
                let tol = if k + 1 < looks { 1e-8 } else { 2e-8 };
                wspent = wspent.max((got - spent[k]).abs());
                assert!((got - spent[k]).abs() < tol, "{label}: alpha spent {got}");
            } else {
                assert_abs_close!(got, d["alpha"].as_f64().expect("alpha"), 1e-6);
            }
        }
        if let Some(fut) = f64s(&d["futility"]) {
            let ours = design.futility().expect("futility bounds");
            for (k, &f) in fut.iter().enumerate() {
                if f.is_nan() {
                    // rpact: no bound (its two-sided bounds at or below 1e-5 are NA)
                    assert!(ours[k] <= 1e-5, "{label}: futility[{k}] {} vs NA", ours[k]);
                } else {
                    wfut = wfut.max((ours[k] - f).abs());
                    assert!(
                        (ours[k] - f).abs() < 1e-6,
                        "{label}: futility[{k}] {}",
                        ours[k]
                    );
                }
            }
            assert_eq!(ours[looks - 1], design.efficacy()[looks - 1]);
        }
        if let Some(shift) = d["shift"].as_f64() {
            let drift = design.drift().expect("drift");
            if group == "final_below_one" {
                let rel = (drift - shift.sqrt()).abs() / shift.sqrt();
                wdrift = wdrift.max(rel);
                assert!(rel < 1e-6, "{label}: drift {drift}, rpact {}", shift.sqrt());
                let inflation = d["inflation_factor"].as_f64().expect("inflation");
                let ours = design.inflation_factor().expect("inflation factor");
                let rel = (ours - inflation).abs() / inflation;
                wif = wif.max(rel);
                assert!(rel < 1e-6, "{label}: inflation {ours}, rpact {inflation}");
            }
            let h1 = design.exit_probabilities(drift);
            if let (Some(beta), Some(power)) = (f64s(&d["beta_spent"]), f64s(&d["power"])) {
                let (mut cb, mut cp) = (0.0, 0.0);
                for k in 0..looks {
                    cb += h1.futility[k];
                    cp += h1.efficacy[k];
                    wbeta = wbeta.max((cb - beta[k]).abs());
                    wpower = wpower.max((cp - power[k]).abs());
                    assert!((cb - beta[k]).abs() < 1e-5, "{label}: beta spent {cb}");
                    assert!((cp - power[k]).abs() < 1e-5, "{label}: power {cp}");
                }
            }
        }
    }
    eprintln!(
        "two-sided beta spending / final < 1 vs rpact: max |z diff| {wz:.2e}, futility {wfut:.2e}, \
         alpha spent {wspent:.2e}, beta spent {wbeta:.2e}, power {wpower:.2e}, drift rel {wdrift:.2e}, \
         inflation rel {wif:.2e}"
    );
    assert_eq!(groups, [12, 6]);
}

/// Under H0 the exits of a two-sided beta-spending design add up: upper + lower + inner
/// futility + continuing = 1 at every look, upper and lower equal (symmetric bounds).
#[test]
fn two_sided_beta_spending_exits_add_up() {
    let oracle = oracle_json("boundaries-twosided2.expected.json");
    for d in oracle.as_array().expect("designs") {
        if d["group"] != "two_sided_beta" {
            continue;
        }
        let design = design_of(d);
        for theta in [0.0, design.drift().expect("drift")] {
            let e = design.exit_probabilities(theta);
            let total: f64 = (0..design.looks())
                .map(|k| e.efficacy[k] + e.lower[k] + e.futility[k])
                .sum();
            // Simpson's rule on the split grid: about 1e-8 of mass
            assert_abs_close!(total, 1.0, 1e-7);
            if theta == 0.0 {
                for k in 0..design.looks() {
                    assert_abs_close!(e.efficacy[k], e.lower[k], 1e-12);
                }
            }
        }
    }
}
