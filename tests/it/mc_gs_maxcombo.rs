//! Group-sequential MaxCombo (FH(0,0) and FH(0,1), 3 looks, Lan-DeMets Pocock spending at the
//! smallest component information fraction, bounds from the joint normal law of the six
//! (look, component) statistics at the planned covariances): simulated type I error under the
//! global null against alpha, in total and per look against the alpha spent there, in binomial
//! Monte Carlo SE.

use crate::common::*;
use enrichsim::design::sequential::SpendingFunction;

const SCENARIO: &str = r#"
name = "MaxCombo group-sequential, delayed effect"
[control]
all = { median = 15.0 }
[effect]
hazard_ratio = 0.6
delay = 4.0
[enrolment]
rate = 33.3333
[design]
sample_size = 400
analysis = { events = 270 }
test = "maxcombo(0,0;0,1)"
randomisation = "simple"
alpha = 0.025
[design.sequential]
looks = [0.5, 0.75]
efficacy = "asP"
"#;

fn type_one(reps: u64, tol: f64) {
    let st = study(SCENARIO).global_null();
    let plan = st.design.sequential.as_ref().expect("sequential");
    let times = plan.maxcombo_time.clone().expect("MaxCombo plan");
    let s = run(&st, reps, 20261203);
    let n = reps as f64;
    let se = binomial_se(0.025, n);
    eprintln!(
        "MaxCombo GS type I error {} (SE {se}), {reps} replicates; spending times {times:?}, bounds {:?}",
        s.power, plan.efficacy
    );
    assert_within_mcse!(s.power, 0.025, se, tol);
    let mut previous = 0.0;
    for (k, &t) in times.iter().enumerate() {
        let spent = SpendingFunction::LanDeMetsPocock.cumulative(0.025, t);
        let expected = spent - previous;
        previous = spent;
        let got = s.stages[k].efficacy_prob;
        let se_k = binomial_se(expected, n);
        eprintln!(
            "  look {}: rejected {got}, spent {expected} (SE {se_k})",
            k + 1
        );
        assert_within_mcse!(got, expected, se_k, 4.0);
    }
}

#[test]
fn maxcombo_three_looks_type_one_error() {
    type_one(20_000, 4.0);
}

#[test]
#[ignore = "100,000 replicates"]
fn maxcombo_three_looks_type_one_error_long() {
    type_one(100_000, 3.0);
}

/// Simulated power against the closed form (`design`'s `weighted_power`,
/// `weighted_drift::weighted_sequential_power`) on the delayed-effect case, for the MaxCombo
/// design above and for FH(0,1) with three looks (asOF).
fn power_vs_closed_form(text: &str, reps: u64) {
    let st = study(text);
    let closed =
        enrichsim::analytic::weighted_drift::weighted_sequential_power(&st.model, &st.design)
            .expect("closed form");
    let s = run(&st, reps, 20261204);
    let se = binomial_se(closed.power, reps as f64);
    eprintln!(
        "{}: simulated power {} vs closed form {} (SE {se}); per look {:?} vs {:?}",
        st.design.test,
        s.power,
        closed.power,
        s.stages.iter().map(|x| x.efficacy_prob).collect::<Vec<_>>(),
        closed.per_look
    );
    assert_within_mcse!(s.power, closed.power, se, 4.0);
}

#[test]
fn maxcombo_power_matches_closed_form() {
    power_vs_closed_form(SCENARIO, 10_000);
}

#[test]
fn fh01_power_matches_closed_form() {
    let text = SCENARIO
        .replace("maxcombo(0,0;0,1)", "fh(0,1)")
        .replace("[0.5, 0.75]", "[0.35, 0.7]")
        .replace("\"asP\"", "\"asOF\"");
    power_vs_closed_form(&text, 10_000);
}

/// `run`'s `analytic_power` of a sequential fh() or MaxCombo design is the weighted closed form
/// that `design` reports as `weighted_power` (not the log-rank's, which stays in
/// `analytic_power_logrank`), and the first analytic note says which it is.
#[test]
fn run_reports_the_weighted_closed_form() {
    let fh = SCENARIO
        .replace("maxcombo(0,0;0,1)", "fh(0,1)")
        .replace("\"asP\"", "\"asOF\"");
    for text in [SCENARIO.to_string(), fh] {
        let st = study(&text);
        let s = run(&st, 50, 5);
        let design = enrichsim::analytic::design::analyse(&st.model, &st.design, 0.9).unwrap();
        let weighted = design.weighted_power.expect("weighted power");
        eprintln!(
            "{}: run analytic_power {:?}, design weighted_power {weighted}, log-rank {:?}",
            st.design.test, s.analytic_power, s.analytic_power_logrank
        );
        assert_eq!(s.analytic_power, Some(weighted));
        assert_ne!(s.analytic_power, s.analytic_power_logrank);
        assert!(s.analytic_notes[0].starts_with("analytic_power: the "));
        assert!(s.analytic_notes[0].contains(&st.design.test.to_string()));
    }
}
