//! Strong control of the family-wise error (FWER) by every multiple test procedure and by
//! adaptive enrichment with each intersection test, by Monte Carlo.
//!
//! The trial: three pNFH strata (low, moderate, high; MIROCALS' prevalences), all-comers, a
//! subgroup S (low and moderate, or low alone) and the full population F. Configurations:
//! * global null: no effect in any stratum: H_S and H_F true;
//! * S null, complement effective (HR 0.6 in the true high stratum only): H_S true;
//! * F null: an effect in S (HR 0.8) and harm in the complement calibrated so that the
//!   stratified log-rank of F has mean 0 (checked here on the replicates): H_F true;
//!
//! each without assay error and with a misclassifying assay (CV 0.15). With misclassification
//! the "S null" configuration defines S as the low stratum alone: a patient whose true pNFH is
//! high (above 3700 pg/mL) cannot be measured below 750 pg/mL (10 assay SDs away), so H_S is
//! exactly true for the measured population, while "low and moderate" would hold some
//! effective true-high patients and H_S would be false. That configuration spreads the
//! biomarker wider (see [`WIDE`]) so that S = low has enough deaths for the log-rank's normal
//! approximation.
//!
//! The FWER of each procedure (the fraction of replicates rejecting at least one true
//! hypothesis) must be at most alpha + 3 Monte Carlo SE, sqrt(alpha (1 - alpha) / R). For the
//! fixed designs all procedures are applied to the same replicates (the per-population
//! statistics each outcome records); the engine's own decisions are checked against the same
//! function. For the adaptive design the three intersection tests are applied to the same
//! replicates' stage-wise statistics and selections.
//!
//! The default test runs 20,000 replicates per configuration (adaptive: r-best selection); the
//! 100,000-replicate version (adaptive: also the complement rule) is `#[ignore]`d and prints
//! its table:
//!   cargo test --release --test mc_multiplicity -- --ignored --nocapture

use crate::common::*;
use enrichsim::design::adaptive::{IntersectionTest, StageData};
use enrichsim::design::multiplicity::{Graph, Multiplicity, Procedure};
use enrichsim::simulation::engine::TrialOutcome;

const ALPHA: f64 = 0.025;

/// A stratum-level effect configuration.
#[derive(Clone, Copy, Debug)]
struct Config {
    name: &'static str,
    cv: f64,
    hr: [f64; 3],
    /// Observed strata of S.
    s: &'static str,
    /// The biomarker's median and geometric SD.
    biomarker: (f64, f64),
    /// Which hypotheses are true: bit 0 H_S, bit 1 H_F.
    true_nulls: u32,
}

/// Harm in the complement that makes the stratified log-rank in F null given HR 0.8 in low and
/// moderate: interpolated from the mean z_F of 100,000 replicates at neighbouring values
/// (`calibrate_f_null` below: without assay error +0.0438 at 1.70, -0.0249 at 1.75; with CV
/// 0.15, +0.0224 at 2.0, -0.0589 at 2.1; at the values chosen, -0.0005 and -0.0010, SE
/// 0.0032). Misclassification needs more harm: true-high
/// patients measured moderate dilute the benefit within the measured moderate stratum.
const F_NULL_HR_HIGH: f64 = 1.732;
const F_NULL_HR_HIGH_CV15: f64 = 2.028;

/// MIROCALS' CSF pNFH: median 2000 pg/mL, geometric SD 2.1 (about 9% low, 21% high).
const MIROCALS: (f64, f64) = (2000.0, 2.1);
/// A wider spread (median 1200, geometric SD 2.6: about 31% low, 12% high) for S = low alone,
/// so that S has about 80 deaths rather than about 25: with so few, the log-rank test itself
/// rejects a little more often than alpha (0.0258 at 27 deaths in a one-stratum trial, 400,000
/// replicates; 0.0267 for S = low under MIROCALS' prevalences, 100,000), which says nothing
/// about the multiple test procedures.
const WIDE: (f64, f64) = (1200.0, 2.6);

const CONFIGS: [Config; 6] = [
    Config {
        name: "global null",
        cv: 0.0,
        hr: [1.0, 1.0, 1.0],
        s: r#"["low", "moderate"]"#,
        biomarker: MIROCALS,
        true_nulls: 0b11,
    },
    Config {
        name: "S null, complement HR 0.6",
        cv: 0.0,
        hr: [1.0, 1.0, 0.6],
        s: r#"["low", "moderate"]"#,
        biomarker: MIROCALS,
        true_nulls: 0b01,
    },
    Config {
        name: "F null (S HR 0.8, complement harmed)",
        cv: 0.0,
        hr: [0.8, 0.8, F_NULL_HR_HIGH],
        s: r#"["low", "moderate"]"#,
        biomarker: MIROCALS,
        true_nulls: 0b10,
    },
    Config {
        name: "global null, assay CV 0.15",
        cv: 0.15,
        hr: [1.0, 1.0, 1.0],
        s: r#"["low", "moderate"]"#,
        biomarker: MIROCALS,
        true_nulls: 0b11,
    },
    Config {
        name: "S = low null, high HR 0.6, assay CV 0.15, wide biomarker",
        cv: 0.15,
        hr: [1.0, 1.0, 0.6],
        s: r#"["low"]"#,
        biomarker: WIDE,
        true_nulls: 0b01,
    },
    Config {
        name: "F null, assay CV 0.15",
        cv: 0.15,
        hr: [0.8, 0.8, F_NULL_HR_HIGH_CV15],
        s: r#"["low", "moderate"]"#,
        biomarker: MIROCALS,
        true_nulls: 0b10,
    },
];

/// The all-comers trial of a configuration with `design` appended to `[design]` (hypotheses,
/// procedure or adaptive tables).
fn scenario(c: &Config, design: &str) -> String {
    format!(
        r#"
name = "FWER check: {name}"
[biomarker]
median = {median}
gsd = {gsd}
assay_cv = {cv}
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low = {{ median = 30.6 }}
moderate = {{ median = 30.6 }}
high = {{ median = 12.2 }}
[effect]
hazard_ratio = {{ low = {h0}, moderate = {h1}, high = {h2} }}
[enrolment]
rate = 15.0
screen_failure = 0.1
[dropout]
per_year = 0.05
[design]
eligible = ["low", "moderate", "high"]
sample_size = 500
analysis = {{ events = 300 }}
test = "stratified_logrank"
[design.hypotheses]
S = {s}
F = ["low", "moderate", "high"]
primary = "S"
{design}
"#,
        name = c.name,
        median = c.biomarker.0,
        gsd = c.biomarker.1,
        cv = c.cv,
        h0 = c.hr[0],
        h1 = c.hr[1],
        h2 = c.hr[2],
        s = c.s,
    )
}

/// The procedures of a single analysis, by name (hypothesis 0 is S, 1 is F).
fn procedures() -> Vec<(&'static str, Procedure)> {
    vec![
        (
            "fixed sequence S, F",
            Procedure::FixedSequence { order: vec![0, 1] },
        ),
        (
            "fixed sequence F, S",
            Procedure::FixedSequence { order: vec![1, 0] },
        ),
        (
            "Bonferroni 0.5/0.5",
            Procedure::Bonferroni {
                weights: vec![0.5, 0.5],
            },
        ),
        (
            "Bonferroni 0.8/0.2",
            Procedure::Bonferroni {
                weights: vec![0.8, 0.2],
            },
        ),
        (
            "Holm",
            Procedure::Holm {
                weights: vec![0.5, 0.5],
            },
        ),
        ("Spiessens-Debois", Procedure::SpiessensDebois),
        (
            "graphical 0.7/0.3, S->F 1, F->S 0.5",
            Procedure::Graphical(
                Graph::new(vec![0.7, 0.3], vec![vec![0.0, 1.0], vec![0.5, 0.0]]).unwrap(),
            ),
        ),
    ]
}

/// The correlation of S's and F's statistics the Spiessens-Debois test uses.
fn rho(o: &TrialOutcome, stage: usize) -> f64 {
    let v = &o.populations[stage].variance;
    if v[1] > 0.0 {
        (v[0] / v[1]).sqrt()
    } else {
        0.0
    }
}

fn se(reps: f64) -> f64 {
    binomial_se(ALPHA, reps)
}

/// FWER of every single-analysis procedure in one configuration; returns (name, FWER) rows.
fn fixed_designs(c: &Config, reps: u64, seed: u64) -> Vec<(String, f64)> {
    // The engine runs Holm; the outcomes carry both populations' z and V.
    let study = study(&scenario(c, "multiplicity = \"holm\""));
    let out = outcomes(&study, reps, seed);
    let holm = Multiplicity::new(
        Procedure::Holm {
            weights: vec![0.5, 0.5],
        },
        2,
    );
    for o in &out {
        let z = &o.populations[0].z[..2];
        assert_eq!(
            u32::from(o.rejected),
            holm.reject_fixed(z, rho(o, 0), ALPHA),
            "replicate {}",
            o.replicate
        );
    }
    if c.true_nulls == 0b10 {
        let mean_z_f = out.iter().map(|o| o.populations[0].z[1]).sum::<f64>() / reps as f64;
        // The calibration of the harm: E z_F = 0 to within 4 SE of the mean (about 1/sqrt(R)).
        assert!(
            mean_z_f.abs() < 4.0 / (reps as f64).sqrt() + 0.005,
            "{}: mean z_F = {mean_z_f}",
            c.name
        );
    }
    procedures()
        .into_iter()
        .map(|(name, p)| {
            let m = Multiplicity::new(p, 2);
            let errors = out
                .iter()
                .filter(|o| {
                    m.reject_fixed(&o.populations[0].z[..2], rho(o, 0), ALPHA) & c.true_nulls != 0
                })
                .count();
            (name.to_string(), errors as f64 / reps as f64)
        })
        .collect()
}

/// FWER of adaptive enrichment (rbest, r = 1, on the hazard ratio; or the complement rule) with
/// each intersection test, in one configuration.
fn adaptive_designs(c: &Config, selection: &str, reps: u64, seed: u64) -> Vec<(String, f64)> {
    let study = study(&scenario(
        c,
        &format!("[design.adaptive]\ninterim = 0.5\n{selection}\nintersection_test = \"simes\""),
    ));
    let out = outcomes(&study, reps, seed);
    let plan = study.design.adaptive.as_ref().unwrap();
    let stages = |o: &TrialOutcome| {
        let first = StageData {
            stats: o.populations[0],
            tested: 0b11,
        };
        let tested = (0..2)
            .filter(|&i| o.populations[1].variance[i] > 0.0)
            .fold(0, |m, i| m | 1 << i);
        let second = StageData {
            stats: o.populations[1],
            tested,
        };
        [first, second]
    };
    for o in &out {
        let s = stages(o);
        let n = if o.looks == 2 { 2 } else { 1 };
        assert_eq!(
            u32::from(o.rejected),
            plan.test.decide(&s[..n])[1],
            "replicate {}",
            o.replicate
        );
    }
    [
        IntersectionTest::Bonferroni,
        IntersectionTest::Simes,
        IntersectionTest::SpiessensDebois,
    ]
    .into_iter()
    .map(|t| {
        let mut test = plan.test;
        test.intersection = t;
        let errors = out
            .iter()
            .filter(|o| {
                let s = stages(o);
                let n = if o.looks == 2 { 2 } else { 1 };
                test.decide(&s[..n])[1] & c.true_nulls != 0
            })
            .count();
        (
            format!("adaptive, {}, {}", selection.replace('\n', " "), t.name()),
            errors as f64 / reps as f64,
        )
    })
    .collect()
}

/// Every procedure in every configuration: prints the table, checks FWER <= alpha + 3 SE.
/// `complement`: also the adaptive design with the complement selection rule.
fn check_all(reps: u64, complement: bool) {
    let mut failures = Vec::new();
    println!(
        "FWER at one-sided alpha {ALPHA}, {reps} replicates per configuration (MC SE at alpha: {:.5})",
        se(reps as f64)
    );
    for (k, c) in CONFIGS.iter().enumerate() {
        let seed = 1000 + k as u64;
        let mut rows = fixed_designs(c, reps, seed);
        rows.extend(adaptive_designs(
            c,
            "selection = \"rbest\"\nr = 1",
            reps,
            seed,
        ));
        if complement {
            rows.extend(adaptive_designs(
                c,
                "selection = \"complement\"\nthreshold = 1.0",
                reps,
                seed,
            ));
        }
        println!("\n{}", c.name);
        for (name, fwer) in &rows {
            let excess = (fwer - ALPHA) / se(reps as f64);
            println!("  {name:<60} {fwer:.5}  ({excess:+.2} SE)");
            if *fwer > ALPHA + 3.0 * se(reps as f64) {
                failures.push(format!("{} / {name}: FWER {fwer:.5}", c.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "FWER above alpha + 3 SE: {failures:#?}"
    );
}

#[test]
fn fwer_is_controlled_20k() {
    check_all(20_000, false);
}

/// The issue's check at 100,000 replicates per configuration (several minutes on two cores):
///   cargo test --release --test mc_multiplicity -- --ignored --nocapture
#[test]
#[ignore]
fn fwer_is_controlled_100k() {
    check_all(100_000, true);
}

/// Prints mean z_F for candidate harms in the complement (used to set F_NULL_HR_HIGH):
///   cargo test --release --test mc_multiplicity calibrate -- --ignored --nocapture
#[test]
#[ignore]
fn calibrate_f_null() {
    for (cv, harms) in [
        (0.0, [1.7, 1.75, F_NULL_HR_HIGH]),
        (0.15, [2.0, 2.1, F_NULL_HR_HIGH_CV15]),
    ] {
        for h in harms {
            let c = Config {
                name: "calibration",
                cv,
                hr: [0.8, 0.8, h],
                s: r#"["low", "moderate"]"#,
                biomarker: MIROCALS,
                true_nulls: 0b10,
            };
            let study = study(&scenario(&c, "multiplicity = \"holm\""));
            let reps = 100_000;
            let out = outcomes(&study, reps, 77);
            let mean = out.iter().map(|o| o.populations[0].z[1]).sum::<f64>() / reps as f64;
            println!(
                "cv {cv}, HR high {h}: mean z_F {mean:+.4} (SE {:.4})",
                1.0 / (reps as f64).sqrt()
            );
        }
    }
}

/// Group-sequential looks (1/3, 2/3 and all of the deaths, asOF): each hypothesis against the
/// bounds of the sequential design at its current local level, bounds rising when a rejected
/// hypothesis passes its level on (Maurer and Bretz 2013). One engine run per procedure and
/// configuration (the subgroup's bounds are recomputed at its observed information in every
/// replicate, about 0.3 ms each).
fn group_sequential(reps: u64, configs: &[Config]) {
    let seq = "[design.sequential]\nlooks = [0.3333, 0.6667]\nefficacy = \"asOF\"\n";
    let procedures = [
        (
            "fixed_sequence S, F",
            "multiplicity = \"fixed_sequence\"\norder = [\"S\", \"F\"]",
        ),
        ("bonferroni", "multiplicity = \"bonferroni\""),
        ("holm", "multiplicity = \"holm\""),
        (
            "graphical",
            "multiplicity = \"graphical\"\nweights = { S = 0.7, F = 0.3 }\ntransitions = { S = { F = 1.0 }, F = { S = 0.5 } }",
        ),
    ];
    let mut failures = Vec::new();
    println!(
        "Group-sequential FWER, {reps} replicates (MC SE at alpha {:.5})",
        se(reps as f64)
    );
    for (k, c) in configs.iter().enumerate() {
        println!("{}", c.name);
        for (j, (name, table)) in procedures.iter().enumerate() {
            // [design.sequential] must come before the hypotheses' table: write it first.
            let text = scenario(c, table)
                .replace("[design.hypotheses]", &format!("{seq}[design.hypotheses]"));
            let s = study(&text);
            let out = outcomes(&s, reps, 5000 + 10 * k as u64 + j as u64);
            let fwer = out
                .iter()
                .filter(|o| u32::from(o.rejected) & c.true_nulls != 0)
                .count() as f64
                / reps as f64;
            let excess = (fwer - ALPHA) / se(reps as f64);
            println!("  {name:<24} {fwer:.5}  ({excess:+.2} SE)");
            if fwer > ALPHA + 3.0 * se(reps as f64) {
                failures.push(format!("{} / {name}: {fwer:.5}", c.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "FWER above alpha + 3 SE: {failures:#?}"
    );
}

#[test]
fn group_sequential_fwer_is_controlled_10k() {
    group_sequential(10_000, &[CONFIGS[0], CONFIGS[1]]);
}

/// The same at 100,000 replicates:
///   cargo test --release --test mc_multiplicity group_sequential -- --ignored --nocapture
#[test]
#[ignore]
fn group_sequential_fwer_is_controlled_100k() {
    group_sequential(100_000, &CONFIGS);
}
