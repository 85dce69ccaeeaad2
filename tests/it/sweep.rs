//! Sweeps: power over a grid of sample sizes and hazard ratios on common random numbers, and the
//! agreement of every grid point with a separate `run` of the same seed.
//!
//! The grid is `scenarios/phase3-enriched.toml` analysed 18 months after the last randomisation
//! (so that a larger sample also means more events), over design.sample_size 300, 400, 500 and
//! effect.hazard_ratio.low 0.55, 0.7, 0.85 (the low-pNFH stratum is about a tenth of those
//! randomised, so its hazard ratio moves power by a few points only: with independent streams at
//! each point the 1,500-replicate powers, SE about 0.011, would often cross).

use crate::common::*;

use enrichsim::simulation::engine::RunOptions;
use enrichsim::study::sweep::{Sweep, SweepReport};
use serde_json::Value;

const REPS: u64 = 1500;
const SEED: u64 = 20_251_126;

fn sets() -> Vec<String> {
    vec!["design.analysis={ after_last = 18.0 }".to_string()]
}

fn vary() -> Vec<String> {
    vec![
        "design.sample_size=300:500:100".to_string(),
        "effect.hazard_ratio.low=0.55:0.85:0.15".to_string(),
    ]
}

fn scenario_text() -> String {
    std::fs::read_to_string(scenario_path("phase3-enriched.toml")).expect("shipped scenario")
}

fn sweep_report() -> (Sweep, SweepReport) {
    let sweep = Sweep::new(&scenario_text(), "phase3-enriched.toml", &sets(), &vary())
        .unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        reps: REPS,
        seed: SEED,
        threads: None,
        replicates: None,
    };
    let simulations = sweep
        .simulate(&options, &|_| {}, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let outcomes: Vec<_> = simulations.into_iter().map(|s| s.outcomes).collect();
    let report = sweep.report(SEED, REPS, &outcomes, None, 0.0);
    (sweep, report)
}

#[test]
fn power_is_monotone_in_both_keys_on_common_random_numbers() {
    let (_, report) = sweep_report();
    assert_eq!(report.points.len(), 9);
    let power = |n: usize, h: usize| report.points[3 * n + h].power;
    for h in 0..3 {
        for n in 0..2 {
            assert!(
                power(n + 1, h) > power(n, h),
                "power must rise with the sample size: {} then {} (HR low index {h})",
                power(n, h),
                power(n + 1, h)
            );
        }
    }
    for n in 0..3 {
        for h in 0..2 {
            assert!(
                power(n, h + 1) < power(n, h),
                "power must fall as the low stratum's hazard ratio rises: {} then {} (N index {n})",
                power(n, h),
                power(n, h + 1)
            );
        }
    }
    // Common random numbers: the screening does not depend on the hazard ratio, so at one sample
    // size every hazard ratio screened exactly the same patients.
    for n in 0..3 {
        let screened = report.points[3 * n].screened_mean;
        for h in 1..3 {
            assert_eq!(report.points[3 * n + h].screened_mean, screened);
        }
    }
}

#[test]
fn every_point_equals_a_separate_run_with_the_same_seed() {
    let (sweep, report) = sweep_report();
    for (i, point) in report.points.iter().enumerate() {
        let mut overrides = sets();
        overrides.extend(sweep.grid.assignments(i));
        let study = enrichsim::Study::parse(&scenario_text(), "phase3-enriched.toml", &overrides)
            .unwrap_or_else(|e| panic!("{e}"));
        let single = run(&study, REPS, SEED);
        let pairs = [
            ("power", point.power, single.power),
            ("power_se", point.power_se, single.power_se),
            ("power_lower", point.power_lower, single.power_lower),
            ("power_upper", point.power_upper, single.power_upper),
            ("events_mean", point.events_mean, single.events_mean),
            (
                "randomised_mean",
                point.randomised_mean,
                single.randomised_mean,
            ),
            ("screened_mean", point.screened_mean, single.screened_mean),
            ("duration_mean", point.duration_mean, single.duration_mean),
        ];
        for (name, swept, alone) in pairs {
            assert_eq!(
                swept.to_bits(),
                alone.to_bits(),
                "{name} at {:?}: sweep {swept} vs run {alone}",
                point.values
            );
        }
    }
}

/// The binary: a sweep's JSON rows equal `run --set` JSON, number for number.
#[test]
fn cli_sweep_rows_equal_cli_runs() {
    let scenario = scenario_path("phase3-enriched.toml");
    let json = |args: &[&str]| -> Value {
        let out = enrichsim()
            .args(args)
            .arg(&scenario)
            .args([
                "--reps", "400", "--seed", "5", "--format", "json", "--quiet",
            ])
            .args(["--set", "design.analysis={ after_last = 18.0 }"])
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let table = json(&[
        "sweep",
        "--vary",
        "design.sample_size=300,450",
        "--vary",
        "effect.hazard_ratio.low=0.6",
    ]);
    let rows = table["points"].as_array().expect("points");
    assert_eq!(rows.len(), 2);
    for row in rows {
        let n = row["design.sample_size"].as_u64().expect("a number");
        assert_eq!(row["effect.hazard_ratio.low"].as_f64(), Some(0.6));
        let single = json(&[
            "run",
            "--set",
            &format!("design.sample_size={n}"),
            "--set",
            "effect.hazard_ratio.low=0.6",
        ]);
        for key in [
            "power",
            "power_se",
            "power_lower",
            "power_upper",
            "events_mean",
            "randomised_mean",
            "screened_mean",
            "duration_mean",
        ] {
            assert_eq!(row[key], single[key], "{key} at N = {n}");
        }
        assert_eq!(row["reps"], single["reps"]);
    }
}

#[test]
fn csv_has_one_column_per_key_then_the_measures() {
    let out = enrichsim()
        .args(["sweep"])
        .arg(scenario_path("phase3-enriched.toml"))
        .args(["--vary", "design.sample_size=300,400", "--vary"])
        .args([
            "effect.hazard_ratio.low=0.6:0.7:0.1",
            "--reps",
            "100",
            "--format",
            "csv",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "design.sample_size,effect.hazard_ratio.low,power,power_se,power_lower,power_upper,\
         events_mean,randomised_mean,screened_mean,duration_mean,analytic_power,reps"
    );
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[1].starts_with("300,0.6,"), "{}", lines[1]);
    assert!(lines[4].starts_with("400,0.7,"), "{}", lines[4]);
}
