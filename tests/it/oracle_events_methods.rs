//! Required events of a fixed design by Schoenfeld's, Freedman's and Hsieh's (after Freedman)
//! formulas against rpact 3.3.4's `getSampleSizeSurvival(typeOfComputation = ...)` at
//! allocation ratios 1, 2, 0.5 and 3 (tests/data/oracles/events-methods.expected.json, made by
//! tests/r/oracle_events_methods.R): to 1e-9 relative.

use crate::common::*;
use enrichsim::analytic::{Method, power_for_events};

#[test]
fn required_events_match_rpact_for_every_method_and_allocation() {
    let oracle = oracle_json("events-methods.expected.json");
    let cases = oracle["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 36);
    for c in cases {
        let method = Method::parse(c["method"].as_str().unwrap()).unwrap();
        let (r, hr) = (
            c["allocation"].as_f64().unwrap(),
            c["hazard_ratio"].as_f64().unwrap(),
        );
        let expected = c["events"].as_f64().unwrap();
        let events = method.events(0.025, 0.9, hr, r);
        assert_close!(events, expected, 1e-9);
        // and the power of those events is the target
        assert_abs_close!(power_for_events(method, 0.025, hr, r, events), 0.9, 1e-12);
    }
}

#[test]
fn hsieh_freedman_is_freedman_at_one_to_one_and_symmetric_in_the_allocation() {
    for hr in [0.5, 0.7, 0.9] {
        let hf = Method::HsiehFreedman;
        assert_close!(
            hf.events(0.025, 0.8, hr, 1.0),
            Method::Freedman.events(0.025, 0.8, hr, 1.0),
            1e-14
        );
        assert_close!(
            hf.events(0.025, 0.8, hr, 2.0),
            hf.events(0.025, 0.8, hr, 0.5),
            1e-14
        );
    }
}
