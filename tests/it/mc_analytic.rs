//! The closed form against the simulation, for the same scenarios:
//! - mean event counts at fixed calendar times (in total, per arm and per true stratum) within
//!   4 Monte Carlo SE of `analytic::expected_events_by_stratum` (the SE from the replicates'
//!   standard deviation), in three non-trivial stratified scenarios: an enriched trial with a
//!   poor assay (CV 0.5, so the high stratum leaks in), all-comers with stratum hazard ratios
//!   0.55/0.55/1.3, and a 3-month delayed effect with Weibull and piecewise control hazards and
//!   a follow-up cap;
//! - the closed-form power of each scenario as specified (`analytic_power`, Schoenfeld's drift
//!   at the average hazard ratio) within 0.03 of the simulated power, or, where it is further
//!   off, an explanation in the output (`analytic_notes`) with the risk-set integral's power,
//!   which must be within 0.03 in every case. The all-comers trial is checked stratified by the
//!   observed stratum (the average hazard ratio is about 0.027 low there: misclassified
//!   patients mix opposite effects within strata) and unstratified (crossing hazards in a
//!   mixture of prognoses: about 0.08 low, and explained).
//!
//! 4000 replicates: the SE of a mean event count is then about 0.1 to 0.2 events. (The closed
//! form uses the simulated accrual, Poisson screening stopped at the n-th randomisation; the
//! planning convention of a deterministic flow expects about 0.2 events more just after the end
//! of accrual, which 100,000 replicates see at 3 to 5 SE but 4000 cannot.)

use crate::common::*;
use enrichsim::analytic;
use enrichsim::simulation::trial::{Cohort, Cut};
use enrichsim::stats::rng::Streams;

const REPS: u64 = 4000;

fn enriched_poor_assay() -> enrichsim::Study {
    enrichsim::Study::load(
        &scenario_path("phase3-enriched.toml"),
        &["biomarker.assay_cv=0.5".to_string()],
    )
    .unwrap()
}

fn allcomers(test: &str) -> enrichsim::Study {
    let sets = [
        "effect.hazard_ratio.low=0.55",
        "effect.hazard_ratio.moderate=0.55",
        "effect.hazard_ratio.high=1.3",
        &format!("design.test=\"{test}\""),
    ];
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    enrichsim::Study::load(&scenario_path("phase3-allcomers.toml"), &sets).unwrap()
}

/// A delayed effect (3 months) on Weibull and piecewise control hazards, with a 48-month cap.
const DELAYED: &str = r#"
name = "delayed effect"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.10
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low      = { median = 30.6 }
moderate = { weibull = { median = 30.6, shape = 1.2 } }
high     = { piecewise = { starts = [0.0, 6.0], rates = [0.05, 0.06] } }
[effect]
hazard_ratio = { low = 0.6, moderate = 0.6, high = 1.0 }
delay = 3.0
[enrolment]
rate = [ { from = 0.0, per_month = 10.0 }, { from = 6.0, per_month = 25.0 } ]
screen_failure = 0.10
[dropout]
per_year = 0.05
[design]
eligible = ["low", "moderate"]
sample_size = 400
analysis = { events = 200 }
follow_up = 48.0
"#;

/// Per replicate: events at each time, in total, per arm and per true stratum.
struct Counts {
    total: Vec<f64>,
    arm: [Vec<f64>; 2],
    stratum: Vec<Vec<f64>>,
}

fn simulate_counts(study: &enrichsim::Study, t: f64, seed: u64) -> Counts {
    let streams = Streams::new(seed);
    let strata = study.model.population.n_strata();
    let mut cohort = Cohort::default();
    let mut cut = Cut::default();
    let mut c = Counts {
        total: Vec::new(),
        arm: [Vec::new(), Vec::new()],
        stratum: vec![Vec::new(); strata],
    };
    for r in 0..REPS {
        cohort.simulate(&study.model, &study.design, &streams, r);
        cohort.cut(t, &mut cut);
        let mut arm = [0.0; 2];
        let mut by = vec![0.0; strata];
        for (i, &e) in cut.event.iter().enumerate() {
            if e {
                arm[usize::from(cut.treated[i])] += 1.0;
                by[cohort.true_stratum[i] as usize] += 1.0;
            }
        }
        c.total.push(cut.events as f64);
        c.arm[0].push(arm[0]);
        c.arm[1].push(arm[1]);
        for (s, v) in by.into_iter().enumerate() {
            c.stratum[s].push(v);
        }
    }
    c
}

fn mean_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

fn check_events(name: &str, study: &enrichsim::Study, times: &[f64], seed: u64) {
    let n = study.design.sample_size as f64;
    for &t in times {
        let counts = simulate_counts(study, t, seed);
        let closed = analytic::expected_events_by_stratum(&study.model, &study.design, n, t);
        let (m, se) = mean_se(&counts.total);
        println!(
            "{name}, t = {t}: simulated {m:.3} (SE {se:.3}), closed form {:.3}",
            closed.total()
        );
        if se == 0.0 {
            assert_close!(m, closed.total(), 1e-9);
            continue;
        }
        assert_within_mcse!(m, closed.total(), se, 4.0);
        let arms = [
            closed.strata.iter().map(|s| s.control.total()).sum::<f64>(),
            closed
                .strata
                .iter()
                .map(|s| s.treatment.total())
                .sum::<f64>(),
        ];
        for (simulated, expected) in counts.arm.iter().zip(arms) {
            let (m, se) = mean_se(simulated);
            assert_within_mcse!(m, expected, se, 4.0);
        }
        for (s, c) in closed.strata.iter().enumerate() {
            let (m, se) = mean_se(&counts.stratum[s]);
            if se > 0.0 {
                assert_within_mcse!(m, c.total(), se, 4.0);
            } else {
                assert!(
                    c.total() < 1e-3,
                    "stratum {s}: none simulated, {} expected",
                    c.total()
                );
            }
        }
    }
}

#[test]
fn events_at_calendar_times_enriched_with_assay_error() {
    // 500 randomised at about 16 a month: accrual ends near month 35.
    check_events(
        "enriched, assay CV 0.5",
        &enriched_poor_assay(),
        &[12.0, 35.0, 60.0],
        11,
    );
}

#[test]
fn events_at_calendar_times_allcomers() {
    check_events(
        "all-comers 0.55/0.55/1.3",
        &allcomers("stratified_logrank"),
        &[10.0, 24.0, 50.0],
        12,
    );
}

#[test]
fn events_at_calendar_times_delayed_effect() {
    check_events(
        "delayed effect",
        &study(DELAYED),
        &[2.5, 20.0, 40.0, 90.0],
        13,
    );
}

fn check_power(
    name: &str,
    study: &enrichsim::Study,
    seed: u64,
) -> enrichsim::study::summary::Summary {
    let s = run(study, REPS, seed);
    let analytic = s.analytic_power.expect("a closed form applies");
    let logrank = s.analytic_power_logrank.expect("a closed form applies");
    println!(
        "{name}: simulated {:.4} (SE {:.4}), closed form {analytic:.4} (average HR), {logrank:.4} \
         (risk sets)",
        s.power, s.power_se
    );
    // The risk-set integral has no proportional-hazards assumption: always within 0.03.
    assert_abs_close!(logrank, s.power, 0.03);
    if (analytic - s.power).abs() > 0.03 {
        // the output must say why, and give the better figure
        assert!(
            s.analytic_notes
                .iter()
                .any(|n| n.contains("risk sets") && n.contains(&format!("{logrank:.4}"))),
            "{name}: closed form off by {:.4} without explanation: {:?}",
            analytic - s.power,
            s.analytic_notes
        );
    }
    s
}

#[test]
fn analytic_power_matches_simulation() {
    for (name, study, seed) in [
        ("enriched, assay CV 0.5", enriched_poor_assay(), 21),
        ("delayed effect", study(DELAYED), 23),
    ] {
        let s = check_power(name, &study, seed);
        assert_abs_close!(s.analytic_power.unwrap(), s.power, 0.03);
    }
    // Stratified by the OBSERVED pNFH stratum: with the assay's 10% CV about 5% of patients sit
    // in an observed stratum that is not their true one, which mixes HR 1.3 with HR 0.55 within
    // strata; the average hazard ratio's power is about 0.027 below the simulated one (0.920 at
    // 10,000 replicates, 0.893 closed form; with an exact assay both are 0.892). Within 0.03 or
    // explained (check_power), and the risk-set integral within 0.03.
    let s = check_power(
        "all-comers 0.55/0.55/1.3, stratified",
        &allcomers("stratified_logrank"),
        22,
    );
    assert!(
        s.analytic_notes
            .iter()
            .any(|n| n.contains("OBSERVED stratum") && n.contains("assay error")),
        "{:?}",
        s.analytic_notes
    );
}

#[test]
fn crossing_hazards_are_explained() {
    // The unstratified log-rank over strata of different prognosis with effects of opposite
    // signs: the average hazard ratio's power is far below the simulated one, and the output
    // says why.
    let s = check_power(
        "all-comers 0.55/0.55/1.3, unstratified",
        &allcomers("logrank"),
        24,
    );
    let analytic = s.analytic_power.unwrap();
    assert!(s.power - analytic > 0.03, "{} vs {analytic}", s.power);
    for cue in ["pooled hazards cross", "unstratified log-rank", "risk sets"] {
        assert!(
            s.analytic_notes.iter().any(|n| n.contains(cue)),
            "no note mentions {cue:?}: {:?}",
            s.analytic_notes
        );
    }
}
