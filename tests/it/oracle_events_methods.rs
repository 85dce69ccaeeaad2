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

/// A 3-look asOF design (information rates 1/3, 2/3, 1) at HR 0.7, 90% power, allocation 2
/// and 0.5 by every method (`sequential` in tests/data/oracles/events-methods.expected.json):
/// `design`'s maximum events and events per look against rpact's `maxNumberOfEvents` and
/// `eventsPerStage` (the fixed events by the method times the design's inflation factor), the
/// plan's z bounds against `criticalValues`, and the hazard ratios at the bounds
/// (`design::sequential::scale::hr_from_z` at each look's events and the allocation) against
/// `criticalValuesEffectScale` (which rpact puts on Schoenfeld's scale whatever the method):
/// to 1e-7 relative.
#[test]
fn sequential_events_and_bounds_match_rpact_at_allocation_2_and_half() {
    use enrichsim::analytic::design::analyse_with;
    use enrichsim::design::sequential::hr_from_z;
    let oracle = oracle_json("events-methods.expected.json");
    let cases = oracle["sequential"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    let v = |c: &serde_json::Value, key: &str| -> Vec<f64> {
        c[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    for c in cases {
        let method = Method::parse(c["method"].as_str().unwrap()).unwrap();
        let r = c["allocation"].as_f64().unwrap();
        let allocation = if r >= 1.0 { "[2, 1]" } else { "[1, 2]" };
        let st = study(&format!(
            r#"
name = "allocation {r}"
[control]
all = {{ median = 20.0 }}
[effect]
hazard_ratio = {hr}
[enrolment]
rate = 30.0
[design]
sample_size = 600
allocation = {allocation}
analysis = {{ events = 300 }}
randomisation = "simple"
alpha = 0.025
[design.sequential]
looks = [0.3333333333333333, 0.6666666666666666]
efficacy = "asOF"
"#,
            hr = c["hazard_ratio"].as_f64().unwrap(),
        ));
        let d = analyse_with(&st.model, &st.design, c["power"].as_f64().unwrap(), method).unwrap();
        let label = format!("{} r = {r}", c["method"]);
        eprintln!(
            "{label}: events {} (rpact {}), per look {:?} ({:?})",
            d.events,
            c["max_events"],
            d.events_per_look,
            v(c, "events_per_stage")
        );
        assert_close!(d.average_hr, 0.7, 1e-12);
        assert_close!(d.events, c["max_events"].as_f64().unwrap(), 1e-7);
        let plan = st.design.sequential.as_ref().unwrap();
        for (k, &e) in v(c, "events_per_stage").iter().enumerate() {
            assert_close!(d.events_per_look[k], e, 1e-7);
            let z = plan.efficacy[k];
            assert_close!(z, v(c, "critical_z")[k], 1e-7);
            let hr = hr_from_z(z, e, r);
            eprintln!(
                "  look {}: z {z}, HR at the bound {hr} (rpact {})",
                k + 1,
                v(c, "critical_hr")[k]
            );
            assert_close!(hr, v(c, "critical_hr")[k], 1e-7);
        }
    }
}
