//! The closed-form survival of the mixes of strata (`validate`) against the simulated cohorts:
//! the control arm's Kaplan-Meier survival at 21 months, pooled over replicates, within 4 Monte
//! Carlo SE of `S_mix(21) = sum_i w_i S_i(21)`.
//!
//! Every patient is followed 21 months without dropout, so the Kaplan-Meier estimate at 21
//! months is the proportion of the arm alive then; pooled over `N` control patients its Monte
//! Carlo SE is at most the binomial sqrt(S (1 - S) / N) (randomisation in blocks within
//! measured strata only makes the strata's shares less variable than independent draws).

use crate::common::*;

use enrichsim::analysis::Analyzer;
use enrichsim::simulation::trial::{Cohort, Cut};
use enrichsim::stats::rng::Streams;

/// Pooled control-arm Kaplan-Meier survival at `t` months over `reps` replicates (each cut at
/// the design's analysis), and the number of control patients.
fn pooled_control_km(study: &enrichsim::Study, reps: u64, seed: u64, t: f64) -> (f64, f64) {
    let streams = Streams::new(seed);
    let mut cohort = Cohort::default();
    let mut cut = Cut::default();
    let mut analyzer = Analyzer::new();
    let (mut alive, mut patients) = (0.0, 0.0);
    for r in 0..reps {
        cohort.simulate(&study.model, &study.design, &streams, r);
        let at = cohort.analysis_time(study.design.analysis).time;
        cohort.cut(at, &mut cut);
        analyzer.load(&cut.time, &cut.event, &cut.treated, &cut.stratum);
        let result = analyzer.milestone(false, t);
        let control = result.estimate.expect("an estimate").control;
        let n = analyzer.n_arm(false) as f64;
        // Equal weights per patient: the pooled proportion.
        alive += control * n;
        patients += n;
    }
    (alive / patients, patients)
}

#[test]
fn replay_control_km_at_21_months_matches_the_screened_mix() {
    let study = enrichsim::Study::load(&scenario_path("mirocals-phase2b.toml"), &[]).unwrap();
    let d = study.describe();
    let closed = d
        .mixture_survival
        .iter()
        .find(|m| m.months == 21.0)
        .expect("21 months")
        .screened_control;
    let (km, n) = pooled_control_km(&study, 500, 2025, 21.0);
    assert!(n >= 50_000.0, "{n} control patients");
    assert_within_mcse!(km, closed, binomial_se(closed, n), 4.0);
}

/// An enriched design with a poor assay: the randomised mix differs from the screened one
/// (high-pNFH patients read as moderate are randomised), and the simulation follows the
/// randomised mix.
const ENRICHED: &str = r#"
name = "enriched, poor assay"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.5
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low      = { survival = 0.70, at = 21.0 }
moderate = { survival = 0.62, at = 21.0, shape = 1.3 }
high     = { survival = 0.20, at = 21.0 }
[effect]
hazard_ratio = { low = 0.6, moderate = 0.6, high = 1.0 }
[enrolment]
rate = 30.0
[design]
eligible = ["low", "moderate"]
sample_size = 400
follow_up = 21.0
analysis = { after_last = 21.0 }
test = "logrank"
"#;

#[test]
fn enriched_control_km_at_21_months_matches_the_randomised_mix() {
    let study = study(ENRICHED);
    let d = study.describe();
    let m = d
        .mixture_survival
        .iter()
        .find(|m| m.months == 21.0)
        .expect("21 months");
    let (km, n) = pooled_control_km(&study, 300, 7, 21.0);
    let se = binomial_se(m.randomised_control, n);
    assert_within_mcse!(km, m.randomised_control, se, 4.0);
    // The test can tell the two mixes apart: they are more than 8 SE apart.
    assert!(
        (m.screened_control - m.randomised_control).abs() > 8.0 * se,
        "screened {} vs randomised {} (SE {se})",
        m.screened_control,
        m.randomised_control
    );
}
