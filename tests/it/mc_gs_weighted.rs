//! Group-sequential FH(0,1) weighted log-rank (3 looks, Lan-DeMets O'Brien-Fleming spending on
//! the weighted information, monitored at the observed fractions V_k / V_K): simulated type I
//! error under the global null against alpha, in binomial Monte Carlo SE.

use crate::common::*;

const SCENARIO: &str = r#"
name = "FH(0,1) group-sequential, delayed effect"
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
test = "fh(0,1)"
randomisation = "simple"
alpha = 0.025
[design.sequential]
looks = [0.35, 0.7]
efficacy = "asOF"
"#;

fn type_one(reps: u64, tol: f64) {
    let s = run(&study(SCENARIO).global_null(), reps, 20261202);
    let se = binomial_se(0.025, reps as f64);
    eprintln!(
        "FH(0,1) GS type I error {} (SE {se}), {reps} replicates",
        s.power
    );
    assert_within_mcse!(s.power, 0.025, se, tol);
}

#[test]
fn fh01_three_looks_type_one_error() {
    type_one(20_000, 4.0);
}

#[test]
#[ignore = "100,000 replicates"]
fn fh01_three_looks_type_one_error_long() {
    type_one(100_000, 3.0);
}
