//! `design --at-hr` against the simulation: the closed-form rejection and futility-stopping
//! probabilities per look of a 3-look design (asOF efficacy, non-binding bsOF futility at 50,
//! 100 and 150 events) at hazard ratios 1 and 0.7 against `Study::run` of the same scenario
//! with `--set effect.hazard_ratio=...` (4000 replicates, seed 2024), each within 4 Monte Carlo
//! standard errors sqrt(p (1 - p) / 4000) of the closed form p. The closed form uses the
//! simulated accrual (its default), so the looks' times are compared too (the simulated mean
//! time of each look within 4 SE of its spread over the replicates that reach it, plus 0.05
//! months for the closed form's expected-count approximation of the mean time).

use crate::common::*;
use enrichsim::analytic::Method;

const REPS: u64 = 4000;

fn text() -> String {
    rpact_scenario(
        0.7,
        "[design.sequential]\nlooks = [0.3333333333333333, 0.6666666666666666]\n\
         futility = \"asOF\"\nbinding_futility = false\npower = 0.9\n",
    )
}

#[test]
fn at_hr_per_look_probabilities_match_the_simulation() {
    let base = enrichsim::Study::parse(&text(), "mc-at-hr.toml", &[]).expect("valid");
    let hrs = [1.0, 0.7];
    let closed = base
        .at_hr(&hrs, Method::Schoenfeld, None)
        .expect("closed form");
    for (point, &h) in closed.at_hr.iter().zip(&hrs) {
        let set = [format!("effect.hazard_ratio={h}")];
        let s = enrichsim::Study::parse(&text(), "mc-at-hr.toml", &set).expect("valid");
        let summary = run(&s, REPS, 2024);
        assert_eq!(summary.stages.len(), point.looks.len());
        for (k, (stage, look)) in summary.stages.iter().zip(&point.looks).enumerate() {
            for (what, sim, p) in [
                ("reject", stage.efficacy_prob, look.reject_prob),
                ("futility", stage.futility_prob, look.futility_prob),
            ] {
                if k + 1 == point.looks.len() && what == "futility" {
                    continue;
                }
                let se = binomial_se(p, REPS as f64);
                println!(
                    "HR {h} look {}: {what} simulated {sim:.4}, closed form {p:.4}, SE {se:.4} \
                     ({:+.2} SE)",
                    k + 1,
                    (sim - p) / se
                );
                assert_within_mcse!(sim, p, se, 4.0);
            }
            let reached = stage.reached_prob * REPS as f64;
            let se = stage.time_sd / reached.sqrt();
            println!(
                "HR {h} look {}: time simulated {:.3}, closed form {:.3}, SE {se:.3}",
                k + 1,
                stage.time_mean,
                look.time
            );
            assert!((stage.time_mean - look.time).abs() <= 4.0 * se + 0.05);
        }
        let se = binomial_se(point.power, REPS as f64);
        assert_within_mcse!(summary.power, point.power, se, 4.0);
    }
}
