//! The sample-size search against the closed form, on the rpact-equivalent one-stratum trial:
//! control median 30 months, HR 0.7, 1:1 simple randomisation, unstratified log-rank, one-sided
//! alpha 0.025, 90% power. Schoenfeld's events are 330.378 (rpact 3.3.4 getSampleSizeSurvival,
//! tests/data/oracles/samplesize.expected.json), and the log-rank power of a fixed design at a
//! given event count is Schoenfeld's to within Monte Carlo error at this hazard ratio (rpact's
//! simulation gives 0.5844 at 150 events, Schoenfeld 0.5893), so the search must land within its
//! stated uncertainty (the 95% Monte Carlo interval of the root) of 330.4.
//!
//! The sample size is raised to 450 so that the events searched (the pilot reaches 1.3 times the
//! closed form, 430) are all possible.

use crate::common::*;

use enrichsim::simulation::engine::RunOptions;
use enrichsim::study::search::{Search, SizeReport};

const REPS: u64 = 5000;

fn search(seed: u64) -> SizeReport {
    let text = rpact_scenario(0.7, "");
    let sets = vec!["design.sample_size=450".to_string()];
    let search =
        Search::new(&text, "rpact.toml", &sets, None, 0.9).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        reps: REPS,
        seed,
        threads: None,
        replicates: None,
    };
    let plan = search
        .plan(&options, &|_, _| {}, None)
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("not cancelled");
    let simulations = search
        .simulate(&plan, &options, &|_| {}, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let outcomes: Vec<_> = simulations.into_iter().map(|s| s.outcomes).collect();
    search
        .report(&plan, seed, REPS, &outcomes, 0.0)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn events_for_90_percent_power_match_schoenfeld_within_the_stated_uncertainty() {
    let oracle = oracle_json("samplesize.expected.json")["schoenfeld"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["power"] == 0.9 && r["hazard_ratio"] == 0.7 && r["allocation"] == 1)
        .expect("the HR 0.7, 90%, 1:1 row")["events_rpact"]
        .as_f64()
        .unwrap();
    let results: Vec<SizeReport> = [1, 2, 3].into_iter().map(search).collect();
    for r in &results {
        assert_eq!(r.key, "design.analysis.events");
        let analytic = r.analytic_value.expect("a closed form");
        assert_close!(analytic, oracle, 1e-3);
        assert!(r.bracketed, "{r:?}");
        // The stated uncertainty: the 95% Monte Carlo interval root +- 1.96 SE.
        assert!(
            r.uncertainty > 0.0 && r.uncertainty < 0.05 * oracle,
            "{r:?}"
        );
        assert!(
            (r.root - oracle).abs() <= r.uncertainty,
            "seed {}: root {:.1} +- {:.1} misses the closed form {oracle:.1}",
            r.seed,
            r.root,
            r.uncertainty
        );
        assert!(r.value_lower as f64 <= oracle && oracle <= r.value_upper as f64);
        // The value is the smallest whole number whose fitted power reaches the target.
        assert_eq!(r.value, r.root.ceil() as u64);
        assert!(r.power >= 0.9 && r.power < 0.9 + 3.0 * r.power_se, "{r:?}");
        assert_eq!(r.reps, REPS);
        assert!(r.reps_total > 5 * REPS);
    }
    // Three seeds differ by no more than the interval's width.
    let values: Vec<u64> = results.iter().map(|r| r.value).collect();
    let spread = values.iter().max().unwrap() - values.iter().min().unwrap();
    let width = results
        .iter()
        .map(|r| r.value_upper - r.value_lower)
        .min()
        .unwrap();
    assert!(
        spread <= width,
        "values {values:?} spread {spread} beyond the interval width {width}"
    );
}

#[test]
fn the_search_refuses_a_key_that_cannot_move_power() {
    let text = rpact_scenario(0.7, "");
    let err = Search::new(&text, "rpact.toml", &[], Some("design.sample_size"), 0.9)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--key") && err.contains("150 events"), "{err}");
    // The rpact trial's 300 patients cannot give the 331 events 90% power needs.
    let options = RunOptions {
        reps: 1000,
        seed: 1,
        threads: None,
        replicates: None,
    };
    let search = Search::new(&text, "rpact.toml", &[], None, 0.9).unwrap();
    let err = search
        .plan(&options, &|_, _| {}, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("design.sample_size") && err.contains("300"),
        "{err}"
    );
}
