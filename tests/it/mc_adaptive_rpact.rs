//! Adaptive enrichment against rpact's own simulator (tests/data/rpact_enrichment_survival.json,
//! made by tests/data/rpact_enrichment_survival.R: R 4.2.2, rpact 3.3.4, mnormt 2.1.1,
//! `getSimulationEnrichmentSurvival`, 40,000 iterations per case, seed 20251126).
//!
//! rpact's design: two subsets S (prevalence 0.6) and R, populations S and F = S + R, an inverse
//! normal two-stage design without early efficacy (`typeOfDesign = "noEarlyEfficacy"`,
//! information rates 0.5 and 1, one-sided alpha 0.025), 150 events at the interim and 300 in
//! all, stage-2 events in the selected populations, selection by rbest (r = 1) or epsilon (0.1)
//! on the hazard ratio estimate, intersection tests Bonferroni, Simes and Spiessens-Debois.
//!
//! The same trial here, patient by patient: a biomarker with two strata "S" (60% of those
//! screened, cut at the 60% quantile of a log-normal) and "R", no assay error, equal control
//! medians (30 months), 3000 patients screened at once (rate 3000 per month) so that deaths
//! accrue while few have died (10% at the final analysis): each stratum's share of the deaths is
//! then about prevalence x (1 + HR) / sum, the split rpact assumes. Differences that remain:
//! rpact draws each stage's log-rank statistic from its normal approximation
//! N(log(HR) sqrt(events / 4), 1) with each subset's events fixed at their expected split,
//! while here the log-rank is computed from the data and the split is random. Over the cases
//! below these differences are within the Monte Carlo error (the comparison is within 4
//! combined Monte Carlo SE, and the test prints each difference in SE).
//!
//! Each (hazard ratios, selection rule) is simulated once; the three intersection tests are
//! applied to the same replicates' stage-wise statistics and selections (the engine ran one of
//! them, and its decisions are checked against the same function). rpact stops a trial at the
//! interim for futility when nothing can be rejected any more (Bonferroni with both z <= 0), so
//! its `selectedPopulations` exclude those trials; here too (`ClosedTest::hopeless`).

use crate::common::*;
use enrichsim::design::adaptive::{IntersectionTest, StageData};
use enrichsim::simulation::engine::TrialOutcome;
use serde_json::Value;

/// The 60% quantile of a log-normal with median 1 and geometric SD 2: exp(Phi^{-1}(0.6) ln 2).
fn cut() -> f64 {
    (enrichsim::stats::normal::quantile(0.6) * 2f64.ln()).exp()
}

/// The hazard ratios in S and R of an rpact case.
pub(crate) fn hazard_ratios(case: &Value) -> Vec<f64> {
    case["hazard_ratios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

/// The `[design.adaptive]` selection lines of an rpact case (`selection`, `r`, `epsilon`).
pub(crate) fn selection_lines(case: &Value) -> String {
    match case["selection"].as_str().unwrap() {
        "rBest" => format!("selection = \"rbest\"\nr = {}", case["r"].as_u64().unwrap()),
        "epsilon" => format!(
            "selection = \"epsilon\"\nepsilon = {}",
            case["epsilon"].as_f64().unwrap()
        ),
        other => panic!("unknown selection {other}"),
    }
}

/// The oracle trial (module documentation) with hazard ratios `hr` in S and R, the selection
/// lines `selection` and the intersection test `test`.
pub(crate) fn scenario(hr: [f64; 2], selection: &str, test: &str) -> String {
    format!(
        r#"
name = "rpact enrichment oracle"
[biomarker]
median = 1.0
gsd = 2.0
assay_cv = 0.0
cutpoints = [{cut:.17}]
strata = ["S", "R"]
[control]
S = {{ median = 30.0 }}
R = {{ median = 30.0 }}
[effect]
hazard_ratio = {{ S = {hs}, R = {hr_} }}
[enrolment]
rate = 3000.0
[design]
eligible = ["S", "R"]
sample_size = 3000
analysis = {{ events = 300 }}
test = "stratified_logrank"
alpha = 0.025
[design.hypotheses]
S = ["S"]
F = ["S", "R"]
primary = "S"
[design.adaptive]
interim = 0.5
{selection}
effect_measure = "hazard_ratio"
intersection_test = "{test}"
efficacy = "none"
"#,
        cut = cut(),
        hs = hr[0],
        hr_ = hr[1],
    )
}

fn test_of(name: &str) -> IntersectionTest {
    match name {
        "Bonferroni" => IntersectionTest::Bonferroni,
        "Simes" => IntersectionTest::Simes,
        "SpiessensDebois" => IntersectionTest::SpiessensDebois,
        other => panic!("unknown rpact intersection test {other}"),
    }
}

fn stages(o: &TrialOutcome) -> Vec<StageData> {
    let first = StageData {
        stats: o.populations[0],
        tested: 0b11,
    };
    if o.looks < 2 {
        return vec![first];
    }
    let tested = (0..2)
        .filter(|&i| o.populations[1].variance[i] > 0.0)
        .fold(0, |m, i| m | 1 << i);
    vec![
        first,
        StageData {
            stats: o.populations[1],
            tested,
        },
    ]
}

/// Compares every rpact case with the simulator at `reps` replicates; returns the printed table.
fn check(reps: u64) {
    let oracle: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/rpact_enrichment_survival.json"
        ))
        .expect("rpact oracle file"),
    )
    .expect("rpact oracle JSON");
    let rpact_reps = oracle["iterations"].as_f64().unwrap();
    let cases = oracle["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    // Group the cases by (hazard ratios, selection): one simulation each.
    let mut done: Vec<String> = Vec::new();
    for case in cases {
        let hr = hazard_ratios(case);
        let selection = selection_lines(case);
        let key = format!("{hr:?} {selection}");
        if done.contains(&key) {
            continue;
        }
        done.push(key);
        let study = study(&scenario([hr[0], hr[1]], &selection, "simes"));
        let plan = study.design.adaptive.as_ref().unwrap();
        let out = outcomes(&study, reps, 4242);
        for o in &out {
            let s = stages(o);
            assert_eq!(
                u32::from(o.rejected),
                plan.test.decide(&s)[1],
                "replicate {}",
                o.replicate
            );
        }
        let n = reps as f64;
        for case in cases
            .iter()
            .filter(|c| hazard_ratios(c) == hr && c["selection"] == case["selection"])
        {
            let mut test = plan.test;
            test.intersection = test_of(case["intersection_test"].as_str().unwrap());
            let (mut rej, mut any, mut sel) = ([0.0; 2], 0.0, [0.0; 2]);
            for o in &out {
                let s = stages(o);
                let r = test.decide(&s)[1];
                for (i, count) in rej.iter_mut().enumerate() {
                    *count += f64::from((r >> i & 1) as u8);
                }
                any += f64::from(u8::from(r != 0));
                // Reached stage 2 with this intersection test (Bonferroni stops hopeless trials).
                if o.looks == 2 && !test.hopeless(&s[0]) {
                    for (i, count) in sel.iter_mut().enumerate() {
                        *count += f64::from(o.selected >> i & 1);
                    }
                }
            }
            let ours = [rej[0] / n, rej[1] / n, any / n, sel[0] / n, sel[1] / n];
            let keys = [
                "reject_S",
                "reject_F",
                "reject_at_least_one",
                "selected_S",
                "selected_F",
            ];
            let line: Vec<String> = keys
                .iter()
                .zip(ours)
                .map(|(k, p)| {
                    let q = case[*k].as_f64().unwrap();
                    let se = (p * (1.0 - p) / n + q * (1.0 - q) / rpact_reps)
                        .sqrt()
                        .max(1e-4);
                    let off = (p - q) / se;
                    if off.abs() > 4.0 {
                        failures.push(format!(
                            "HR {hr:?}, {}, {}: {k} {p:.4} vs rpact {q:.4} ({off:+.1} SE)",
                            case["selection"], case["intersection_test"]
                        ));
                    }
                    format!("{k} {p:.4} vs {q:.4} ({off:+.1} SE)")
                })
                .collect();
            println!(
                "HR {hr:?}, {}, {}:\n  {}",
                case["selection"],
                case["intersection_test"],
                line.join("\n  ")
            );
        }
    }
    assert!(
        failures.is_empty(),
        "outside 4 Monte Carlo SE of rpact: {failures:#?}"
    );
}

#[test]
fn adaptive_enrichment_agrees_with_rpact() {
    check(10_000);
}

/// The same at 50,000 replicates per case:
///   cargo test --release --test mc_adaptive_rpact -- --ignored --nocapture
#[test]
#[ignore]
fn adaptive_enrichment_agrees_with_rpact_50k() {
    check(50_000);
}
