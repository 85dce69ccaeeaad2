//! Event re-estimation (`[design.reestimation]`) by Monte Carlo:
//!
//! * against rpact 3.3.4's own simulator (`getSimulationSurvival` with `conditionalPower`,
//!   `minNumberOfEventsPerStage`, `maxNumberOfEventsPerStage`; 100,000 replicates each,
//!   tests/data/oracles/reestimation.expected.json, tests/r/oracle_reestimation.R): control
//!   median 30 months, 600 subjects (rpact: uniform over 24 months; enrichsim: screened at 25 a
//!   month), 1:1 (rpact alternates, enrichsim randomises simply), interim at 125 deaths, planned
//!   250, stage-2 deaths for conditional power 0.8 clamped to [min, max]. Power, early
//!   rejection, the mean final deaths, the fractions above the plan and at the maximum, within
//!   4 combined Monte Carlo SE. rpact's final statistic is the inverse normal combination of the
//!   deaths increment, which is enrichsim's `conditional_error` test; CHW's score increment
//!   differs from it by O(1 / deaths) and is checked too;
//! * the type I error of CHW (rule `rpact`) and of the promising zone (CHW and conditional
//!   error) under the global null of the enriched trial with assay misclassification (assay CV
//!   0.3: about 10% of the randomised in the wrong stratum): within 4 SE of alpha at 20,000
//!   replicates, within 3 SE at 100,000 (ignored; `cargo test --release --test it
//!   mc_reestimation -- --ignored`);
//! * the family-wise error with two hypotheses (all-comers, S then F) under the global null;
//! * the conditional error test with the deaths left unchanged (min = max = planned) decides as
//!   the planned group-sequential design (`[design.sequential]` at the same interim, same
//!   efficacy and futility bounds) replicate by replicate.

use crate::common::*;
use enrichsim::study::summary::Summary;
use serde_json::Value;

/// rpact's oracle case `name`.
fn rpact_case(name: &str) -> Value {
    oracle_json("reestimation.expected.json")["simulation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no oracle case {name}"))
        .clone()
}

/// The enrichsim scenario of an rpact case, with the final test `test`.
fn scenario_of(case: &Value, test: &str) -> String {
    let hr = case["hazard_ratio"].as_f64().unwrap();
    let effect = match case["theta_h1"].as_f64() {
        None => "effect = \"observed\"".to_string(),
        Some(h) => format!("effect = \"planned\"\nhazard_ratio = {h}"),
    };
    let efficacy = match case["design"].as_str().unwrap() {
        "noEarlyEfficacy" => "none",
        other => other,
    };
    format!(
        r#"
name = "rpact re-estimation oracle"
[control]
all = {{ median = 30.0 }}
[effect]
hazard_ratio = {hr}
[enrolment]
rate = 25.0
[design]
sample_size = 600
analysis = {{ events = 250 }}
test = "logrank"
randomisation = "simple"
alpha = 0.025
[design.reestimation]
interim_events = 125
min_events = {}
max_events = {}
rule = "rpact"
conditional_power = 0.8
{effect}
test = "{test}"
efficacy = "{efficacy}"
"#,
        125 + case["min_stage_events"].as_u64().unwrap(),
        125 + case["max_stage_events"].as_u64().unwrap(),
    )
}

/// Simulates an rpact case and compares it with rpact's figures.
fn compare_with_rpact(name: &str, test: &str, reps: u64, seed: u64) {
    let case = rpact_case(name);
    let f = |k: &str| case[k].as_f64().unwrap();
    let study = study(&scenario_of(&case, test));
    let outcomes = outcomes(&study, reps, seed);
    let summary = Summary::new(
        "oracle",
        seed,
        &study.scenario.strata,
        &study.design,
        &outcomes,
    );
    let n = reps as f64;
    let rpact_n = f("reps");
    let binomial = |p: f64, q: f64, a: f64, b: f64| (p * (1.0 - p) / a + q * (1.0 - q) / b).sqrt();
    let what = format!("{name}, {test}");
    // power and early rejection
    let p = summary.power;
    let q = f("power");
    eprintln!("{what}: power {p:.5} (rpact {q:.5})");
    assert_within_mcse!(p, q, binomial(p, q, n, rpact_n), 4.0);
    let early = summary.stages[0].efficacy_prob;
    let rpact_early = case["reject_per_stage"][0].as_f64().unwrap();
    if rpact_early > 0.0 {
        assert_within_mcse!(
            early,
            rpact_early,
            binomial(early, rpact_early, n, rpact_n),
            4.0
        );
    } else {
        assert_eq!(early, 0.0);
    }
    // the final deaths of the trials going on past the interim
    let r = summary
        .reestimation
        .as_ref()
        .expect("re-estimation summary");
    let second: Vec<u32> = outcomes
        .iter()
        .filter(|o| o.zone != 0)
        .map(|o| o.events)
        .collect();
    let m = second.len() as f64;
    let rpact_m = f("stage2_fraction") * rpact_n;
    assert_within_mcse!(
        r.reestimated_prob,
        f("stage2_fraction"),
        {
            let (a, b) = (r.reestimated_prob, f("stage2_fraction"));
            binomial(a, b, n, rpact_n).max(1e-9)
        },
        4.0
    );
    let se_mean = (r.final_events_sd.powi(2) / m + f("final_events_sd").powi(2) / rpact_m).sqrt();
    eprintln!(
        "{what}: final deaths {:.2} (rpact {:.2})",
        r.final_events_mean,
        f("final_events_mean")
    );
    assert_within_mcse!(r.final_events_mean, f("final_events_mean"), se_mean, 4.0);
    let max = 125 + case["max_stage_events"].as_u64().unwrap() as u32;
    let at_max = second.iter().filter(|&&e| e == max).count() as f64 / m;
    let above = second.iter().filter(|&&e| e > 250).count() as f64 / m;
    for (mine, key) in [(at_max, "final_at_max"), (above, "final_above_planned")] {
        let theirs = f(key);
        assert_within_mcse!(mine, theirs, binomial(mine, theirs, m, rpact_m), 4.0);
    }
    // the zones of rule rpact: above the plan is "increase"
    assert_abs_close!(r.zones[2].prob, above * m / n, 1e-12);
}

#[test]
fn power_and_final_deaths_match_rpact() {
    compare_with_rpact("observed", "conditional_error", 20_000, 20_251_201);
    compare_with_rpact("observed", "chw", 20_000, 20_251_202);
    compare_with_rpact("planned", "conditional_error", 20_000, 20_251_203);
    compare_with_rpact("observed_asof", "conditional_error", 20_000, 20_251_204);
}

#[test]
#[ignore = "long: 100,000 replicates per rpact case (about a minute on 2 cores)"]
fn power_and_final_deaths_match_rpact_100k() {
    let names = [
        "observed",
        "planned",
        "observed_asof",
        "observed_decrease",
        "observed_null",
    ];
    for (i, name) in names.iter().enumerate() {
        for (j, test) in ["conditional_error", "chw"].iter().enumerate() {
            compare_with_rpact(name, test, 100_000, 7_000 + 10 * i as u64 + j as u64);
        }
    }
}

/// The enriched re-estimation scenario (promising zone, CHW) with rule `rpact` (`cp_lower`
/// dropped) if `rpact`, the final test `test`, and more assay error (CV 0.3), under its global
/// null.
fn null_enriched(rpact: bool, test: &str) -> enrichsim::Study {
    let path = scenario_path("phase3-enriched-reestimation.toml");
    let mut text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("test = \"chw\"", &format!("test = \"{test}\""));
    if rpact {
        text = text
            .replace("rule = \"promising_zone\"", "rule = \"rpact\"")
            .replace("cp_lower = 0.36\n", "");
    }
    let scenario = enrichsim::scenario::Scenario::parse(
        &text,
        "phase3-enriched-reestimation.toml",
        &["biomarker.assay_cv=0.3".to_string()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    enrichsim::Study::from_scenario(scenario, "null.toml")
        .unwrap_or_else(|e| panic!("{e}"))
        .global_null()
}

fn type_one_error(reps: u64, k: f64, seed: u64) {
    let variants = [(true, "chw"), (false, "chw"), (false, "conditional_error")];
    for (i, (rpact, test)) in variants.into_iter().enumerate() {
        let study = null_enriched(rpact, test);
        let summary = run(&study, reps, seed + i as u64);
        let misclassified = summary.misclassified_fraction;
        assert!(misclassified > 0.05, "misclassification {misclassified}");
        let r = summary.reestimation.as_ref().unwrap();
        // the rule does move the deaths: rpact mostly raises them under the null (zone
        // "increase"), the promising zone sometimes
        let moved = if rpact {
            r.zones[2].prob
        } else {
            r.zones[1].prob
        };
        assert!(moved > 0.02, "{:?}", r.zones);
        let se = binomial_se(0.025, reps as f64);
        eprintln!(
            "rule {}, {test}: type I error {:.5} (SE {se:.5}), deaths moved in {moved:.4}, misclassified {misclassified:.3}",
            r.rule, summary.power
        );
        assert_within_mcse!(summary.power, 0.025, se, k);
    }
}

#[test]
fn type_one_error_with_misclassification() {
    type_one_error(20_000, 4.0, 31);
}

#[test]
#[ignore = "long: 100,000 null replicates per variant"]
fn type_one_error_with_misclassification_100k() {
    type_one_error(100_000, 3.0, 131);
}

#[test]
fn several_hypotheses_keep_the_family_wise_error() {
    // All-comers, S (low, moderate) and F (everyone), 360 deaths planned, promising zone up to
    // 500: each hypothesis' stages combined, then the procedure, under the global null.
    let path = scenario_path("phase3-allcomers-hierarchical.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let table = "\n[design.reestimation]\ninterim = 0.5\nmax_events = 500\nrule = \"promising_zone\"\nconditional_power = 0.9\ncp_lower = 0.3\n";
    let reps = 20_000;
    let procedures = [
        (
            "fixed_sequence",
            "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        ),
        ("holm", "multiplicity = \"holm\""),
        ("spiessens_debois", "multiplicity = \"spiessens_debois\""),
    ];
    for (i, (name, lines)) in procedures.into_iter().enumerate() {
        let t = text.replace(
            "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
            lines,
        ) + table;
        let scenario = enrichsim::scenario::Scenario::parse(&t, "hierarchical.toml", &[])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let study = enrichsim::Study::from_scenario(scenario, "hierarchical.toml")
            .unwrap_or_else(|e| panic!("{e}"))
            .global_null();
        let summary = run(&study, reps, 500 + i as u64);
        let r = summary.reestimation.as_ref().unwrap();
        assert!(r.zones[1].prob > 0.02, "{name}: {:?}", r.zones);
        let se = binomial_se(0.025, reps as f64);
        eprintln!(
            "{name}: family-wise error {:.5} (SE {se:.5})",
            summary.reject_any
        );
        // the procedures are conservative at the global null (S and F correlated): at most
        // alpha, within 4 SE
        assert!(
            summary.reject_any <= 0.025 + 4.0 * se,
            "{name}: family-wise error {} above alpha by more than 4 SE ({se})",
            summary.reject_any
        );
    }
}

#[test]
fn conditional_error_with_the_deaths_unchanged_is_the_planned_design() {
    // The enriched trial, 230 deaths, an interim at 115 with asOF efficacy and futility below
    // z = 0: as a group-sequential design, and as a re-estimation design that may not move
    // its deaths (min = max = 230), whose conditional error test at D* = D is the planned
    // test Z(D) >= c_2.
    let base = scenario_path("phase3-enriched-reestimation.toml");
    let text = std::fs::read_to_string(&base).unwrap();
    let start = text.find("[design.reestimation]").unwrap();
    let end = text.find("# The Phase 2b placebo arm").unwrap();
    let reestimation = "[design.reestimation]\ninterim = 0.5\nmin_events = 230\nmax_events = 230\nrule = \"rpact\"\nconditional_power = 0.9\ntest = \"conditional_error\"\nefficacy = \"asOF\"\nfutility = { z_below = 0.0 }\n\n";
    let sequential =
        "[design.sequential]\nlooks = [0.5]\nefficacy = \"asOF\"\nfutility = { z_below = 0.0 }\n\n";
    let with = |table: &str, hr: f64| {
        let t = format!("{}{table}{}", &text[..start], &text[end..]);
        let overrides = [
            format!("effect.hazard_ratio.low={hr}"),
            format!("effect.hazard_ratio.moderate={hr}"),
        ];
        let scenario = enrichsim::scenario::Scenario::parse(&t, "same.toml", &overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        enrichsim::Study::from_scenario(scenario, "same.toml").unwrap_or_else(|e| panic!("{e}"))
    };
    for (hr, seed) in [(0.65, 1u64), (0.8, 2), (1.0, 3)] {
        let (a, b) = (with(reestimation, hr), with(sequential, hr));
        let ra = a.design.reestimation.as_ref().unwrap();
        let sb = b.design.sequential.as_ref().unwrap();
        assert_eq!(ra.critical[0], sb.efficacy[0]);
        assert_eq!(ra.critical[1], sb.efficacy[1]);
        let oa = outcomes(&a, 3_000, seed);
        let ob = outcomes(&b, 3_000, seed);
        let mut rejected = 0;
        for (x, y) in oa.iter().zip(&ob) {
            assert_eq!(
                (x.reject, x.futility, x.looks, x.events),
                (y.reject, y.futility, y.looks, y.events),
                "HR {hr}, replicate {}",
                x.replicate
            );
            assert_eq!(x.duration, y.duration);
            rejected += usize::from(x.reject);
        }
        // the comparison is not vacuous: both decisions occur
        if hr < 1.0 {
            assert!(rejected > 300 && rejected < 2_900, "HR {hr}: {rejected}");
        }
    }
}
