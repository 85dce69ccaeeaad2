//! One replicate of a design with event re-estimation at an interim (see
//! [`crate::design::reestimation`]).
//!
//! 1. The cohort is simulated as for the fixed design (no new random draw: re-estimation only
//!    moves the final cut).
//! 2. Interim at the calendar time of the `interim_events`-th death: the (stratified) log-rank
//!    of each tested population (the eligible strata, or each hypothesis' population) gives the
//!    stage-1 z, score U = E - O, variance V and deaths. The trial stops for efficacy when the
//!    primary z reaches c_1, for futility when it is below the futility bound.
//! 3. Otherwise the rule sets the final deaths D* from the primary's z and deaths
//!    ([`crate::design::reestimation::ReestimationPlan::decide`]); with a subgroup primary its
//!    stage-2 deaths are taken to be its share of the trial's at the interim (with no death in
//!    it yet, the plan stands).
//! 4. Final analysis at the calendar time of the D*-th death; each population's final statistic
//!    combines its two stages (CHW or conditional error,
//!    [`crate::design::reestimation::ReestimationPlan::final_z`]); a single hypothesis is
//!    rejected when that reaches c_2, several by the multiple test procedure applied to the
//!    combined statistics at one analysis (p_i = 1 - Phi(Z_i); Spiessens-Debois with the
//!    combined statistics' correlation w_1^2 rho_1 + w_2^2 rho_2, rho_k = sqrt(V_S / V_F) of
//!    stage k, the stages being independent).
//!
//! A trial that never reaches its interim count is analysed at its last death as a single
//! analysis at level alpha (no alpha was spent at an interim); one that cannot reach D* ends at
//! its last death, and a second stage without a death counts as z_2 = 0.

use super::outcome::{TrialOutcome, Workspace, tally};
use crate::analysis::Ties;
use crate::design::hypotheses::{HypothesisPlan, PopulationStats};
use crate::design::multiplicity::MAX_HYPOTHESES;
use crate::design::reestimation::{ReestimationPlan, StageStats};
use crate::model::{Design, Model};
use crate::scenario::MAX_LOOKS;
use crate::stats::rng::Streams;

/// Each tested population's statistics on the current cut (one population, the whole cut,
/// without hypotheses), with the populations' statistics for the outcome.
fn stage_stats(
    ws: &mut Workspace,
    h: Option<&HypothesisPlan>,
    stratified: bool,
) -> ([StageStats; MAX_HYPOTHESES], PopulationStats) {
    let mut out = [StageStats::default(); MAX_HYPOTHESES];
    match h {
        Some(h) => {
            let (stats, scores) = ws.population_stats(h, stratified);
            for i in 0..h.len() {
                out[i] = StageStats {
                    z: stats.z[i],
                    score: scores[i],
                    variance: stats.variance[i],
                    events: stats.events[i] as f64,
                };
            }
            (out, stats)
        }
        None => {
            let lr = ws.logrank_in(None, stratified);
            out[0] = StageStats {
                z: lr.z,
                score: lr.expected - lr.observed,
                variance: lr.variance,
                events: lr.events as f64,
            };
            (out, PopulationStats::default())
        }
    }
}

/// Simulates one replicate of a re-estimation design (see the module documentation).
pub(super) fn simulate_one(
    model: &Model,
    design: &Design,
    plan: &ReestimationPlan,
    streams: &Streams,
    replicate: u64,
    ws: &mut Workspace,
) -> TrialOutcome {
    let h = design.hypotheses.as_ref().filter(|h| !h.is_single_whole());
    let m = h.map_or(1, HypothesisPlan::len);
    let primary = h.map_or(0, |h| h.primary);
    let mut look_events = [0u32; MAX_LOOKS];
    let mut look_time = [0.0f64; MAX_LOOKS];
    let mut look_randomised = [0u32; MAX_LOOKS];

    ws.cohort.simulate(model, design, streams, replicate);
    let interim = ws.cohort.time_of_event(plan.interim_events as usize);
    ws.cohort.cut(interim.time, &mut ws.cut);
    look_events[0] = ws.cut.events;
    look_time[0] = interim.time;
    look_randomised[0] = ws.cut.time.len() as u32;
    let trial_events = ws.cut.events as f64;
    let (first, first_pops) = stage_stats(ws, h, design.stratified);
    let mut looks = 1;
    let mut reached = interim.reached;
    let mut futility = false;
    let mut zone = 0;
    let mut last = first;
    let mut last_pops = first_pops;
    let mut combined = [0.0f64; MAX_HYPOTHESES];
    let mut rho = 0.0;
    let z1 = first[primary].z;
    let rejected: u32 = if !interim.reached {
        // a single analysis at the last death, at level alpha
        for i in 0..m {
            combined[i] = first[i].z;
        }
        if m == 2 && first[1].variance > 0.0 {
            rho = (first[0].variance / first[1].variance).sqrt();
        }
        decide_final(design, h, &combined[..m], rho)
    } else if z1 >= plan.critical[0] {
        1 // (several hypotheses have no early efficacy)
    } else if z1 < plan.futility {
        futility = true;
        0
    } else {
        let share = if trial_events > 0.0 {
            first[primary].events / trial_events
        } else {
            1.0
        };
        let decision = if share > 0.0 {
            plan.decide(z1, first[primary].events, share)
        } else {
            // (no death in the primary population yet: no estimate, so the plan stands, in the
            // zone "unchanged" or "unfavourable")
            crate::design::reestimation::Decision {
                final_events: plan.planned_events,
                zone: match plan.rule {
                    crate::design::reestimation::Rule::Rpact => 2,
                    crate::design::reestimation::Rule::PromisingZone { .. } => 1,
                },
                cp_planned: f64::NAN,
            }
        };
        zone = decision.zone;
        let end = ws.cohort.time_of_event(decision.final_events as usize);
        reached = end.reached;
        ws.cohort.cut(end.time, &mut ws.cut);
        look_events[1] = ws.cut.events;
        look_time[1] = end.time;
        look_randomised[1] = ws.cut.time.len() as u32;
        looks = 2;
        (last, last_pops) = stage_stats(ws, h, design.stratified);
        for i in 0..m {
            combined[i] = plan.final_z(first[i], last[i]);
        }
        if m == 2 {
            let ratio = |a: f64, b: f64| {
                if b > 0.0 {
                    (a / b).max(0.0).sqrt()
                } else {
                    0.0
                }
            };
            let (w1, w2) = (plan.weights[0], plan.weights[1]);
            rho = w1 * w1 * ratio(first[0].variance, first[1].variance)
                + w2 * w2
                    * ratio(
                        last[0].variance - first[0].variance,
                        last[1].variance - first[1].variance,
                    );
        }
        match h {
            None => u32::from(combined[0] >= plan.critical[1]),
            Some(_) => decide_final(design, h, &combined[..m], rho),
        }
    };
    // The Cox model in the primary population, at the last analysis.
    let mask = h.and_then(|h| (!h.whole[h.primary]).then_some(h.populations[h.primary].mask));
    ws.logrank_in(mask, design.stratified);
    let cox = ws.analyzer.cox(design.stratified, Ties::Efron);
    let randomised = ws.cut.time.len();
    let (by_true_stratum, misclassified, true_ineligible) =
        tally(model, design, &ws.cohort, randomised);
    TrialOutcome {
        tests_reject: 0,
        replicate,
        reject: rejected >> primary & 1 == 1,
        futility,
        harm: false,
        z: last[primary].z,
        hr: cox.hr,
        events: ws.cut.events,
        randomised: randomised as u32,
        screened: ws.cut.screened,
        duration: look_time[looks - 1],
        reached,
        misclassified,
        true_ineligible,
        by_true_stratum,
        looks: looks as u8,
        look_events,
        look_time,
        look_randomised,
        rejected: rejected as u8,
        selected: ((1u32 << m) - 1) as u8,
        populations: [last_pops, PopulationStats::default()],
        true_hr: f64::NAN,
        zone,
    }
}

/// The rejections at the final analysis from the (combined) z statistics: one hypothesis
/// against z_(1 - alpha) (c_2 without early efficacy), several by the multiple test procedure.
fn decide_final(design: &Design, h: Option<&HypothesisPlan>, z: &[f64], rho: f64) -> u32 {
    match h.and_then(|h| h.multiplicity.as_ref()) {
        Some(multiplicity) => multiplicity.reject_fixed(z, rho, design.alpha),
        None => u32::from(z[0] >= design.z_critical),
    }
}
