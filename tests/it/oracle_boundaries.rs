//! Boundaries against rpact 3.3.4 (tests/data/oracles/boundaries.expected.json).
//!
//! Every value in the oracle comes from R 4.2, rpact 3.3.4:
//! - `z`, `alpha_spent`: `getDesignGroupSequential(kMax = K, alpha = 0.025, sided = 1,
//!   typeOfDesign = TYPE)` (`$criticalValues`, `$alphaSpent`), equally spaced
//!   `informationRates`;
//! - `inflation_80`, `inflation_90`: `getDesignCharacteristics(design)$inflationFactor` for the
//!   same design with `beta = 0.2` and `beta = 0.1`.
//!
//! rpact reports the final cumulative alpha as 0.02499999: its own root-finding tolerance
//! (1e-8). enrichsim spends the final look's alpha exactly, so the last value is compared with
//! 0.025 (the design's alpha) at 1e-6, and with rpact's 0.02499999 at 2e-8.

use crate::common::*;
use enrichsim::design::sequential::{DesignKind, DesignSpec, GroupSequentialDesign};

fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

struct Worst {
    z: f64,
    alpha: f64,
    inflation: f64,
}

#[test]
fn every_oracle_design_is_reproduced() {
    let oracle = oracle_json("boundaries.expected.json");
    let designs = oracle.as_array().expect("list of designs");
    // 18 entries: OF, P, asOF, asP for K = 2..5, and asOF, asP for K = 3 a second time
    // (identical values); all are checked.
    let mut distinct: Vec<(String, u64)> = designs
        .iter()
        .map(|d| {
            (
                d["type"].as_str().unwrap_or("").to_string(),
                d["looks"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 16, "OF, P, asOF, asP for K = 2..5");
    let mut worst = Worst {
        z: 0.0,
        alpha: 0.0,
        inflation: 0.0,
    };
    for d in designs {
        let code = d["type"].as_str().expect("type");
        let looks = d["looks"].as_u64().expect("looks") as usize;
        let timing = f64s(&d["timing"]);
        assert_eq!(timing.len(), looks);
        let z = f64s(&d["z"]);
        let spent = f64s(&d["alpha_spent"]);
        let kind = DesignKind::parse(code, None, None, None).expect("rpact code");
        // rpact's timing is k / K (the JSON rounds it to 11 digits)
        let timing: Vec<f64> = (1..=looks).map(|k| k as f64 / looks as f64).collect();
        for (power, key) in [(0.8, "inflation_80"), (0.9, "inflation_90")] {
            let mut spec = DesignSpec::new(kind, 0.025);
            spec.power = Some(power);
            let design = GroupSequentialDesign::new(spec, timing.clone()).expect("design");
            for k in 0..looks {
                let dz = (design.efficacy()[k] - z[k]).abs();
                worst.z = worst.z.max(dz);
                assert_abs_close!(design.efficacy()[k], z[k], 1e-6);
                if k + 1 < looks {
                    worst.alpha = worst.alpha.max((design.alpha_spent()[k] - spent[k]).abs());
                    assert_abs_close!(design.alpha_spent()[k], spent[k], 1e-8);
                } else {
                    // rpact's 0.02499999 is its tolerance; the exact target is alpha.
                    assert_abs_close!(design.alpha_spent()[k], 0.025, 1e-6);
                    assert_abs_close!(design.alpha_spent()[k], spent[k], 2e-8);
                }
            }
            let infl = design.inflation_factor().expect("power given");
            let expected = d[key].as_f64().expect("inflation");
            worst.inflation = worst.inflation.max((infl - expected).abs());
            assert_abs_close!(infl, expected, 1e-4);
        }
    }
    eprintln!(
        "worst abs differences from rpact: z {:.2e}, interim alpha spent {:.2e}, inflation {:.2e}",
        worst.z, worst.alpha, worst.inflation
    );
}
