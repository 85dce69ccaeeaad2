//! One replicate of a two-stage adaptive enrichment design (see [`crate::design::adaptive`]).
//!
//! 1. The cohort is screened with the design's eligibility (all-comers, F).
//! 2. Interim at the calendar time of the `interim` events (whole trial): each population's
//!    log-rank (score U = E - O, variance V, z = U / sqrt(V)) gives the stage-1 statistics; the
//!    closed test decides early efficacy (when c_1 is finite); the trial stops there when every
//!    hypothesis is rejected, when nothing can be rejected any more
//!    ([`crate::design::adaptive::ClosedTest::hopeless`]), or when no population is selected.
//! 3. Selection. If the selected populations do not cover every eligible stratum, the cohort is
//!    screened again with the eligibility switching at the interim time
//!    ([`crate::simulation::trial::Cohort::simulate_switching`]): the same patients up to the interim (same
//!    random numbers), only the selected strata afterwards, until the sample size is
//!    randomised.
//! 4. With `[design.reestimation]`, the stage-2 deaths `events - interim events` are re-set
//!    from the conditional power ([`crate::design::reestimation`], "With adaptive enrichment"):
//!    `z_1` from the global intersection's stage-1 adjusted p-value, the effect the smallest of
//!    the selected populations', the rule's zone recorded.
//! 5. Final analysis when the selected strata have had the stage-2 events after
//!    the interim; stage-2 statistics are the increments z_2 = (U_2 - U_1) / sqrt(V_2 - V_1) of
//!    each selected population; the closed test decides.
//!
//! A trial that never reaches its interim count is analysed at its last event as stage 1 only
//! (early efficacy bound); a second stage that cannot reach its count ends at its last event.

use super::outcome::{TrialOutcome, Workspace, tally};
use crate::analysis::Ties;
use crate::design::adaptive::{AdaptivePlan, Selection, StageData};
use crate::design::hypotheses::{HypothesisPlan, PopulationStats};
use crate::design::reestimation::{ReestimationPlan, Zone};
use crate::model::{Design, Model};
use crate::scenario::MAX_LOOKS;
use crate::simulation::trial::EligibilitySwitch;
use crate::stats::normal;
use crate::stats::rng::Streams;

/// The stage-2 deaths (in the selected populations, after the interim) and the zone chosen by
/// the re-estimation `reest` from the stage-1 data and the `selected` populations (bit set);
/// the planned ones and zone 0 without re-estimation.
fn stage_two_events(
    plan: &AdaptivePlan,
    reest: Option<&ReestimationPlan>,
    stage1: &StageData,
    selected: u32,
) -> (u32, Zone) {
    let planned = plan.final_events - plan.interim_events;
    let Some(r) = reest else {
        return (planned, 0);
    };
    let m = plan.test.m;
    let p = plan
        .test
        .intersection_p((1u32 << m) - 1, stage1)
        .unwrap_or(1.0)
        .min(1.0 - 1e-7);
    let z1 = -normal::quantile(p);
    let stats = &stage1.stats;
    let theta = (0..m)
        .filter(|&i| selected >> i & 1 == 1)
        .map(|i| r.theta(stats.z[i], stats.events[i] as f64))
        .fold(f64::INFINITY, f64::min);
    let decision = r.decide_at(z1, theta, 1.0);
    (decision.final_events - plan.interim_events, decision.zone)
}

/// Simulates one replicate of an adaptive enrichment design, with its stage-2 deaths
/// re-estimated when `reest` is given (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate_one(
    model: &Model,
    design: &Design,
    h: &HypothesisPlan,
    plan: &AdaptivePlan,
    reest: Option<&ReestimationPlan>,
    streams: &Streams,
    replicate: u64,
    ws: &mut Workspace,
) -> TrialOutcome {
    let m = h.len();
    let all = (1u32 << m) - 1;
    let mut look_events = [0u32; MAX_LOOKS];
    let mut look_time = [0.0f64; MAX_LOOKS];
    let mut look_randomised = [0u32; MAX_LOOKS];

    ws.cohort.simulate(model, design, streams, replicate);
    let interim = ws.cohort.time_of_event(plan.interim_events as usize);
    ws.cohort.cut(interim.time, &mut ws.cut);
    look_events[0] = ws.cut.events;
    look_time[0] = interim.time;
    look_randomised[0] = ws.cut.time.len() as u32;
    let (first, first_scores) = ws.population_stats(h, design.stratified);
    let stage1 = StageData {
        stats: first,
        tested: all,
    };
    let early = plan.test.decide(&[stage1])[0];
    let mut selected = 0;
    let mut zone: Zone = 0;
    let mut second = PopulationStats::default();
    let mut rejected = early;
    let mut looks = 1;
    let mut reached = interim.reached;
    let mut z = first.z[h.primary];
    let hopeless = plan.test.hopeless(&stage1);
    if interim.reached && early != all && !hopeless {
        let complement = match plan.selection {
            Selection::Complement => {
                let mask = h.populations[1].mask & !h.populations[0].mask;
                let lr = ws.logrank_in(Some(mask), design.stratified);
                Some((lr.z, lr.variance))
            }
            _ => None,
        };
        selected = plan.select(&first, complement);
    }
    if selected != 0 {
        let strata = (0..m)
            .filter(|&i| selected >> i & 1 == 1)
            .fold(0u32, |s, i| s | h.populations[i].mask);
        let eligible = h.populations[m - 1].mask;
        if strata != eligible {
            ws.cohort.simulate_switching(
                model,
                design,
                streams,
                replicate,
                EligibilitySwitch {
                    time: interim.time,
                    strata,
                },
            );
        }
        let (stage_events, chosen) = stage_two_events(plan, reest, &stage1, selected);
        zone = chosen;
        let stage_events = stage_events as usize;
        let end = ws
            .cohort
            .time_of_event_in(strata, interim.time, stage_events);
        reached = end.reached;
        ws.cohort.cut(end.time, &mut ws.cut);
        look_events[1] = ws.cut.events;
        look_time[1] = end.time;
        look_randomised[1] = ws.cut.time.len() as u32;
        looks = 2;
        let (cumulative, scores) = ws.population_stats(h, design.stratified);
        z = cumulative.z[h.primary];
        let mut tested = 0u32;
        for i in (0..m).filter(|&i| selected >> i & 1 == 1) {
            let dv = cumulative.variance[i] - first.variance[i];
            if dv > 0.0 {
                second.z[i] = (scores[i] - first_scores[i]) / dv.sqrt();
                second.variance[i] = dv;
                second.events[i] = cumulative.events[i] - first.events[i];
                tested |= 1 << i;
            }
        }
        rejected = plan.test.decide(&[
            stage1,
            StageData {
                stats: second,
                tested,
            },
        ])[1];
    }
    // The Cox model in the primary population, at the last analysis.
    let primary = (!h.whole[h.primary]).then_some(h.populations[h.primary].mask);
    ws.logrank_in(primary, design.stratified);
    let cox = ws.analyzer.cox(design.stratified, Ties::Efron);
    let randomised = ws.cut.time.len();
    let (by_true_stratum, misclassified, true_ineligible) =
        tally(model, design, &ws.cohort, randomised);
    TrialOutcome {
        tests_reject: 0,
        replicate,
        reject: rejected >> h.primary & 1 == 1,
        futility: interim.reached && early != all && selected == 0,
        harm: false,
        z,
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
        selected: selected as u8,
        populations: [first, second],
        true_hr: f64::NAN,
        zone,
    }
}
