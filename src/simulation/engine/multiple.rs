//! One replicate of a design with several hypotheses (or one on a subset of the eligible
//! strata), at a single analysis or at the looks of a group-sequential design.
//!
//! Looks are taken as for a single hypothesis: at the calendar time of the design's event count
//! in the whole trial (or its calendar rule). At each look every population's (stratified)
//! log-rank is computed on its rows of the cut, and the multiple test procedure decides:
//!
//! * a single analysis: the procedure on the z statistics at one-sided alpha
//!   ([`crate::design::multiplicity::Multiplicity::reject_fixed`]);
//! * interim looks: the sequentially rejective graph at each look, hypothesis i against the
//!   efficacy bound of the sequential design at its current local level
//!   ([`crate::design::multiplicity::SequentialFamily`]). Its information fraction at a look is its
//!   events scaled by its first look: t_i,k = t_k0 d_i,k / d_i,k0 (k0 its first look with
//!   events, t_k0 the planned fraction of that look). For a population holding every eligible
//!   stratum this is the planned timing; for a subgroup it estimates events / planned final
//!   events from its first look, and it makes the correlations of its statistics across looks,
//!   sqrt(t_i,j / t_i,k) = sqrt(d_i,j / d_i,k), the ones the recursion assumes; the final look
//!   spends all that is left. A look at which a population has no new event is skipped for it
//!   (at the final look it is tested against its final bound at its last fraction).
//!
//! The trial stops at the first look at which the primary hypothesis is rejected (the others
//! are tested at that look and no later), at the final look, or for futility when the primary's
//! z is below the design's futility bound (non-binding, computed at the full alpha: stopping
//! early only removes chances to reject, so the FWER is kept).

use super::outcome::{TrialOutcome, Workspace, tally};
use crate::analysis::Ties;
use crate::design::hypotheses::{HypothesisPlan, PopulationStats};
use crate::design::multiplicity::{MAX_HYPOTHESES, graphical_look};
use crate::model::{Design, Model};
use crate::scenario::MAX_LOOKS;
use crate::stats::rng::Streams;

/// Simulates one replicate of a design with hypotheses (see the module documentation).
pub(super) fn simulate_one(
    model: &Model,
    design: &Design,
    h: &HypothesisPlan,
    streams: &Streams,
    replicate: u64,
    ws: &mut Workspace,
) -> TrialOutcome {
    ws.cohort.simulate(model, design, streams, replicate);
    let plan = design.sequential.as_ref();
    let n_looks = plan.map_or(1, |p| p.events.len());
    let m = h.len();
    let multiplicity = h
        .multiplicity
        .as_ref()
        .expect("a non-adaptive plan has a procedure");
    let mut look_events = [0u32; MAX_LOOKS];
    let mut look_time = [0.0f64; MAX_LOOKS];
    let mut look_randomised = [0u32; MAX_LOOKS];
    // Per hypothesis: the fractions of its performed looks, how many, its events at the last
    // one, and the scale t_k0 / d_i,k0.
    let mut fractions = [[0.0f64; MAX_LOOKS]; MAX_HYPOTHESES];
    let mut performed = [0usize; MAX_HYPOTHESES];
    let mut last_events = [0u32; MAX_HYPOTHESES];
    let mut scale = [0.0f64; MAX_HYPOTHESES];
    let mut stats = PopulationStats::default();
    let mut rejected = 0u32;
    let mut looks = 0;
    let mut reached = true;
    let mut futility = false;
    for k in 0..n_looks {
        let at = match plan {
            Some(p) => ws.cohort.time_of_event(p.events[k] as usize),
            None => ws.cohort.analysis_time(design.analysis),
        };
        reached = at.reached;
        ws.cohort.cut(at.time, &mut ws.cut);
        look_events[k] = ws.cut.events;
        look_time[k] = at.time;
        look_randomised[k] = ws.cut.time.len() as u32;
        looks = k + 1;
        stats = ws.population_stats(h, design.stratified).0;
        let final_look = k + 1 == n_looks || !at.reached;
        match (plan, &h.sequential) {
            (Some(p), Some(family)) => {
                let planned = p.design.timing()[k];
                let mut tested = [false; MAX_HYPOTHESES];
                for i in 0..m {
                    let d = stats.events[i];
                    if d > last_events[i] {
                        if scale[i] == 0.0 {
                            scale[i] = planned / d as f64;
                        }
                        fractions[i][performed[i]] = scale[i] * d as f64;
                        performed[i] += 1;
                        last_events[i] = d;
                        tested[i] = true;
                    } else if final_look && performed[i] > 0 {
                        tested[i] = true; // against its final bound at its last fraction
                    }
                }
                graphical_look(
                    &multiplicity.table,
                    m,
                    design.alpha,
                    &mut rejected,
                    |i, level| {
                        tested[i]
                            && stats.z[i]
                                >= family.bound(
                                    level,
                                    i,
                                    &fractions[i][..performed[i]],
                                    final_look,
                                    &mut ws.family,
                                )
                    },
                );
            }
            _ => {
                // Spiessens-Debois: the correlation of the nested populations' statistics.
                let rho = if m == 2 && stats.variance[1] > 0.0 {
                    (stats.variance[0] / stats.variance[1]).sqrt()
                } else {
                    0.0
                };
                rejected |= multiplicity.reject_fixed(&stats.z[..m], rho, design.alpha);
            }
        }
        if rejected >> h.primary & 1 == 1 || final_look {
            break;
        }
        if plan.is_some_and(|p| stats.z[h.primary] < p.futility[k]) {
            futility = true;
            break;
        }
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
        futility,
        harm: false,
        z: stats.z[h.primary],
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
        populations: [stats, PopulationStats::default()],
        true_hr: f64::NAN,
        zone: 0,
    }
}
