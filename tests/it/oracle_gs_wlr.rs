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

/// The piecewise model of gsDesign2's `gs_power_wlr` / `gs_design_wlr` defaults
/// (tests/data/oracles/gs-wlr-power.expected.json): enrolment 3, 6, 9 a month from 0, 2, 4
/// months (scaled by `scale`, durations kept), control hazard ln 2 / 9 then ln 2 / 18 from 3
/// months, hazard ratio 0.9 then 0.6 from 3 months, dropout 0.001 a month, the log-rank
/// (`fh(0,0)`) test. `null` replaces the effect by gsDesign2's null arms (`gs_info_wlr`'s
/// `arm_null`): both arms with the hazard `(h0 + h1) / 2`, hazard ratio 1.
fn default_wlr_scenario(m: &serde_json::Value, n: f64, scale: f64, null: bool) -> String {
    let f = |key: &str| -> Vec<f64> {
        m[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    let (starts, over, hr_starts, hr) = (
        f("control_starts"),
        f("control_rates_ln2_over"),
        f("hr_starts"),
        f("hr"),
    );
    assert_eq!(
        starts, hr_starts,
        "the oracle's hazard and ratio change together"
    );
    let rates: Vec<f64> = over
        .iter()
        .zip(&hr)
        .map(|(o, h)| 2f64.ln() / o * if null { 0.5 * (1.0 + h) } else { 1.0 })
        .collect();
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let effect = if null {
        "hazard_ratio = 1.0".to_string()
    } else {
        let pieces: Vec<String> = hr_starts
            .iter()
            .zip(&hr)
            .map(|(s, h)| format!("{{ from = {s:?}, hr = {h:?} }}"))
            .collect();
        format!("hazard_ratio = [{}]", pieces.join(", "))
    };
    let enrol: Vec<String> = f("enrol_starts")
        .iter()
        .zip(f("enrol_rates"))
        .map(|(s, r)| format!("{{ from = {s:?}, per_month = {:?} }}", r * scale))
        .collect();
    let dropout = m["dropout_per_month"].as_f64().unwrap();
    format!(
        r#"
name = "gsDesign2 gs_power_wlr default"
[control]
all = {{ piecewise = {{ starts = [{starts}], rates = [{rates}] }} }}
[effect]
{effect}
[enrolment]
rate = [{enrol}]
[dropout]
per_year = {per_year}
[design]
sample_size = {size}
analysis = {{ events = 50 }}
test = "fh(0,0)"
randomisation = "simple"
"#,
        starts = list(&starts),
        rates = list(&rates),
        enrol = enrol.join(", "),
        per_year = 1.0 - (-12.0 * dropout).exp(),
        size = n.ceil(),
    )
}

/// `P(lower_i < X_i < upper_i, all i)` for `X ~ N(0, corr)` by inclusion-exclusion over the
/// finite lower limits (each term an upper-orthant probability).
fn box_probability(lower: &[f64], upper: &[f64], corr: &enrichsim::stats::mvnormal::Corr) -> f64 {
    let k = lower.len();
    let mut total = 0.0;
    for mask in 0u32..(1 << k) {
        if (0..k).any(|i| mask & (1 << i) != 0 && lower[i] == f64::NEG_INFINITY) {
            continue;
        }
        let limits: Vec<f64> = (0..k)
            .map(|i| {
                if mask & (1 << i) != 0 {
                    lower[i]
                } else {
                    upper[i]
                }
            })
            .collect();
        let sign = if mask.count_ones() % 2 == 0 {
            1.0
        } else {
            -1.0
        };
        total += sign * enrichsim::stats::mvnormal::mvn_cdf(&limits, corr);
    }
    total
}

/// gsDesign2's `gs_power_wlr` default (log-rank, 108 patients, looks at 30, 40, 50 events,
/// asOF efficacy and non-binding bsOF futility): enrichsim's ingredients against its printed
/// summary. The looks' calendar times come from enrichsim's expected events (deterministic
/// enrolment, `Accrual::Fluid`, gsDesign2's convention); the score `U` and information `C`
/// from `weighted_moments` (gsDesign2's `delta` and `sigma2` times n: the same integrals,
/// Yung and Liu 2020) and `info0` from the same integrals under gsDesign2's null arms. From
/// these the test computes, as `gs_power_npe` does: the efficacy bounds spending alpha at
/// `info0_k / info0_K` (enrichsim's `GroupSequentialDesign`), the cumulative alpha, and the
/// H1 crossing probabilities of the canonical `Z_k ~ N(-U_k / sqrt(C_k), 1)`,
/// `corr = sqrt(C_j / C_k)` (the first look's crossings scaled by `sqrt(C_1 / info0_1)`, see
/// below), with the printed futility bounds (from their nominal p).
/// Tolerances are the printed digits' half unit, plus for the H1 probabilities 3e-4 for the
/// futility bounds read back from 4-decimal p values (up to 2.5e-4 in z) and `integrate()`'s
/// default relative tolerance (1.2e-4) on gsDesign2's side.
#[test]
fn gs_power_wlr_default() {
    use enrichsim::analysis::FhWeight;
    use enrichsim::analytic::weighted_drift::weighted_moments;
    use enrichsim::design::sequential::{
        DesignKind, DesignSpec, GroupSequentialDesign, SpendingFunction,
    };
    use enrichsim::stats::mvnormal::{Corr, MAX_DIM};
    use enrichsim::stats::normal;
    let j = oracle_json("gs-wlr-power.expected.json");
    let m = &j["model"];
    let o = &j["gs_power_wlr"];
    let v = |key: &str| -> Vec<f64> {
        o[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let n = o["n"].as_f64().unwrap();
    let h1 = study(&default_wlr_scenario(m, n, 1.0, false));
    let h0 = study(&default_wlr_scenario(m, n, 1.0, true));
    let em1 = EventModel::new(&h1.model, &h1.design, Accrual::Fluid);
    let em0 = EventModel::new(&h0.model, &h0.design, Accrual::Fluid);
    let w = [FhWeight::new(0.0, 0.0)];
    let times: Vec<f64> = v("events")
        .iter()
        .map(|&e| em1.time_for_events(n, e).unwrap())
        .collect();
    for (k, (t, printed)) in times.iter().zip(v("time")).enumerate() {
        eprintln!("look {}: time {t:.4} (gsDesign2 {printed})", k + 1);
        assert_abs_close!(*t, printed, 0.05 + 1e-9);
    }
    let mh1: Vec<_> = times
        .iter()
        .map(|&t| weighted_moments(&em1, &[vec![1.0]], n, t, &w))
        .collect();
    let info0: Vec<f64> = times
        .iter()
        .map(|&t| weighted_moments(&em0, &[vec![1.0]], n, t, &w).covariance[0][0])
        .collect();
    let info: Vec<f64> = mh1.iter().map(|x| x.covariance[0][0]).collect();
    let timing: Vec<f64> = info0.iter().map(|x| x / info0[2]).collect();
    let h1_timing: Vec<f64> = info.iter().map(|x| x / info[2]).collect();
    eprintln!("info0 fractions {timing:?}, H1 information fractions {h1_timing:?}");
    let sf = SpendingFunction::LanDeMetsObf;
    let gs = GroupSequentialDesign::new(
        DesignSpec::new(DesignKind::Spending(sf), 0.025),
        timing.clone(),
    )
    .unwrap();
    let b = gs.efficacy().to_vec();
    for k in 0..3 {
        let p = normal::sf(b[k]);
        let alpha = sf.cumulative(0.025, timing[k]);
        eprintln!(
            "look {}: efficacy z {:.5} (gsDesign2 {}), nominal p {p:.6} ({}), alpha spent {alpha:.6} ({})",
            k + 1,
            b[k],
            v("efficacy_z")[k],
            v("efficacy_nominal_p")[k],
            v("efficacy_h0")[k]
        );
        assert_abs_close!(b[k], v("efficacy_z")[k], 0.005 + 1e-9);
        assert_abs_close!(p, v("efficacy_nominal_p")[k], 5e-5 + 1e-9);
        assert_abs_close!(alpha, v("efficacy_h0")[k], 5e-5 + 1e-9);
    }
    // H1, as gs_power_npe computes it (R/gs_power_npe.R at the commit): the canonical
    // statistic Z_k = theta_k sqrt(C_k) ~ N(-U_k / sqrt(C_k), 1), corr sqrt(C_j / C_k); the
    // first look's crossings compare the estimate with b / sqrt(info0_1) (line 327), i.e.
    // Z_1 with b sqrt(C_1 / info0_1), while its continuation region (line 343) and every later
    // look (line 350) take the bounds on Z_k itself.
    let a: Vec<f64> = v("futility_nominal_p")
        .iter()
        .map(|&p| normal::quantile(1.0 - p))
        .collect();
    let mean: Vec<f64> = (0..3).map(|k| mh1[k].drift(0)).collect();
    let mut corr: Corr = [[0.0; MAX_DIM]; MAX_DIM];
    for x in 0..3 {
        for y in 0..3 {
            corr[x][y] = (info[x.min(y)] / info[x.max(y)]).sqrt();
        }
    }
    let first = (info[0] / info0[0]).sqrt();
    let std = |z: f64, k: usize| z - mean[k];
    let (mut upper_cum, mut lower_cum) = (0.0, 0.0);
    for k in 0..3 {
        let scale = if k == 0 { first } else { 1.0 };
        let mut lo: Vec<f64> = (0..k).map(|i| std(a[i], i)).collect();
        let mut hi: Vec<f64> = (0..k).map(|i| std(b[i], i)).collect();
        lo.push(std(b[k] * scale, k));
        hi.push(f64::INFINITY);
        upper_cum += box_probability(&lo, &hi, &corr);
        lo[k] = f64::NEG_INFINITY;
        hi[k] = std(a[k] * scale, k);
        lower_cum += box_probability(&lo, &hi, &corr);
        eprintln!(
            "look {}: H1 efficacy crossing {upper_cum:.6} (gsDesign2 {}), futility {lower_cum:.6} ({})",
            k + 1,
            v("efficacy_h1")[k],
            v("futility_h1")[k]
        );
        assert_abs_close!(upper_cum, v("efficacy_h1")[k], 5e-5 + 3e-4);
        assert_abs_close!(lower_cum, v("futility_h1")[k], 5e-5 + 3e-4);
    }
}

/// gsDesign2's `gs_design_wlr` default: one log-rank analysis at 36 months, 90% power at
/// alpha 0.025, solved to N = 471.1 (enrolment rates scaled, durations kept) and 289 events.
/// enrichsim's expected events at that N and the power of gsDesign2's `h0_h1_info` formula
/// `Phi(sqrt(C) (theta - z_alpha / sqrt(info0)))`, `theta = -U / C`, from enrichsim's U, C and info0 (as in
/// [`gs_power_wlr_default`]). Tolerances: the printed events' half unit plus the effect of N's
/// rounding (0.05 / 471 relative, 0.03 events); the power within 1e-4 (N's rounding moves it
/// by about 2e-5; `integrate()`'s tolerance on gsDesign2's side about 5e-5).
#[test]
fn gs_design_wlr_default() {
    use enrichsim::analysis::FhWeight;
    use enrichsim::analytic::weighted_drift::weighted_moments;
    use enrichsim::stats::normal;
    let j = oracle_json("gs-wlr-power.expected.json");
    let m = &j["model"];
    let o = &j["gs_design_wlr"];
    let n = o["n"].as_f64().unwrap();
    let t = o["analysis_time"].as_f64().unwrap();
    let scale = n / 108.0;
    let h1 = study(&default_wlr_scenario(m, n, scale, false));
    let h0 = study(&default_wlr_scenario(m, n, scale, true));
    let em1 = EventModel::new(&h1.model, &h1.design, Accrual::Fluid);
    let em0 = EventModel::new(&h0.model, &h0.design, Accrual::Fluid);
    assert_abs_close!(em1.accrual_duration(n), 14.0, 1e-9);
    let w = [FhWeight::new(0.0, 0.0)];
    let events = em1.total_events(n, t);
    let x = weighted_moments(&em1, &[vec![1.0]], n, t, &w);
    let info0 = weighted_moments(&em0, &[vec![1.0]], n, t, &w).covariance[0][0];
    let z = normal::quantile(1.0 - o["alpha"].as_f64().unwrap());
    let c = x.covariance[0][0];
    let power = normal::cdf(c.sqrt() * (-x.score[0] / c - z / info0.sqrt()));
    eprintln!(
        "N {n}: events {events:.4} (gsDesign2 {}), power {power:.6} ({}), info {} info0 {info0}",
        o["events"], o["power"], x.covariance[0][0]
    );
    assert_abs_close!(events, o["events"].as_f64().unwrap(), 0.5 + 0.03);
    assert_abs_close!(power, o["power"].as_f64().unwrap(), 1e-4);
}
