//! gsDesign2's `gs_design_wlr` delayed-effect designs (tests/testit/test-independent-gs_design_wlr.R):
//! the expected events at the analysis times 12, 24 and 36 months of enrichsim's closed form
//! (deterministic enrolment, `Accrual::Fluid`, as gsDesign2 plans) against the printed values
//! (tests/data/oracles/gs-wlr.expected.json, which cites file and lines). Those values are
//! simulated means over 10,000 replications (the test file's header), so they are compared in
//! Monte Carlo SE (at most `sqrt(events / 10000)`), within 4 SE plus their 0.005 rounding.

use crate::common::*;
use enrichsim::analytic::{Accrual, EventModel};

fn scenario(n: u32, j: &serde_json::Value) -> String {
    let months = j["enroll_months"].as_f64().unwrap();
    let dropout = j["dropout_per_month"].as_f64().unwrap();
    format!(
        r#"
name = "gsDesign2 delayed effect"
[control]
all = {{ median = {median} }}
[effect]
hazard_ratio = {hr}
delay = {delay}
[enrolment]
rate = {rate}
[dropout]
per_year = {per_year}
[design]
sample_size = {n}
analysis = {{ events = 200 }}
randomisation = "simple"
"#,
        median = j["median"].as_f64().unwrap(),
        hr = j["hazard_ratio"].as_f64().unwrap(),
        delay = j["delay"].as_f64().unwrap(),
        rate = n as f64 / months,
        per_year = 1.0 - (-12.0 * dropout).exp(),
    )
}

#[test]
fn gs_design_wlr_events() {
    let j = oracle_json("gs-wlr.expected.json");
    let times: Vec<f64> = j["analysis_time"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let mut worst = 0.0f64;
    for d in j["designs"].as_array().unwrap() {
        let n = d["n"].as_u64().unwrap() as u32;
        let expected: Vec<f64> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let st = study(&scenario(n, &j));
        let em = EventModel::new(&st.model, &st.design, Accrual::Fluid);
        let got: Vec<f64> = times
            .iter()
            .map(|&t| em.total_events(n as f64, t))
            .collect();
        let reps = j["replicates"].as_f64().unwrap();
        for k in 0..expected.len() {
            let diff = (got[k] - expected[k]).abs();
            let se = (expected[k] / reps).sqrt();
            eprintln!(
                "{} look {}: events {:.4} (gsDesign2's simulation {}), off by {:.2} SE (SE <= {se:.4})",
                d["weight"],
                k + 1,
                got[k],
                expected[k],
                diff / se
            );
            worst = worst.max(diff / se);
            assert!(
                diff <= 4.0 * se + 0.005,
                "{}: events at look {}",
                d["weight"],
                k + 1
            );
        }
    }
    eprintln!("largest difference {worst:.2} Monte Carlo SE");
}
