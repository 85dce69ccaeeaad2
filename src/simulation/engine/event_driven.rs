//! The looks of a fixed design, or of a group-sequential design whose looks (and final
//! analysis) are at event counts: look k is taken at the calendar time of its d_k-th event; a
//! look not reached (fewer events ever occur) becomes the final one, its bound recomputed at
//! the observed fraction as a final bound (spending all the remaining alpha, Lan and DeMets
//! 1983). A look with no event since the previous one carries no new information: the previous
//! look is then the final one.
//!
//! A two-sided design (`sided = 2`) also stops "for harm" at look k when Z_k <= -b_k (the
//! final look included); its bounds at observed fractions are the symmetric design's
//! ([`crate::design::sequential::GroupSequentialDesign::symmetric_bound_at`]).
//! An asymmetric two-sided design (`lower`) stops "for harm" at look k when Z_k <= a_k and
//! Z_k < b_k (the final look included); its bounds at observed fractions are
//! [`crate::design::sequential::GroupSequentialDesign::asymmetric_bounds_at`]'s.
//! ([`crate::design::sequential::GroupSequentialDesign::symmetric_bound_at`]). A two-sided
//! Pampallona-Tsiatis design stops for futility at an interim when |Z_k| < a_k.
//!
//! A Fleming-Harrington weighted log-rank design monitors at the observed weighted information
//! fraction `V_k / V_K` (`V_K` planned, [`crate::model::SequentialPlan::with_weighted_information`]).
//!
//! A MaxCombo design compares `max_j Z_kj` with its planned bound `c_k` (the joint law at the
//! planned covariances, `crate::design::sequential::maxcombo`), kept at the observed looks:
//! the looks are at the planned event counts, so the observed information is the planned one
//! up to sampling error (of relative order `1 / sqrt(events)`), and recomputing would need a
//! multivariate normal root per look and replicate. A look not reached becomes the final one
//! with its planned bound (its unspent alpha is left unspent: conservative).

use super::outcome::{Looks, Workspace};
use crate::model::{Design, Model};
use crate::scenario::MAX_LOOKS;

/// Monitors the simulated cohort in `ws` by the design's event-driven looks (one for a fixed
/// design).
pub(super) fn monitor(model: &Model, design: &Design, ws: &mut Workspace) -> Looks {
    let plan = design.sequential.as_ref();
    let n_looks = plan.map_or(1, |p| p.events.len());
    let total_events = plan.map_or(1.0, |p| p.events[n_looks - 1] as f64);
    let mut fractions = [0.0f64; MAX_LOOKS];
    let mut look_events = [0u32; MAX_LOOKS];
    let mut look_time = [0.0f64; MAX_LOOKS];
    let mut look_randomised = [0u32; MAX_LOOKS];
    let mut looks = 0usize;
    let mut reject = false;
    let mut futility = false;
    let mut harm = false;
    let two_sided = plan.is_some_and(|p| p.design.sided() == 2);
    let asymmetric = plan.is_some_and(|p| p.design.lower_bounds().is_some());
    let lower_stop = two_sided || asymmetric;
    let mut reached = true;
    let mut z = 0.0;
    // A weighted log-rank design: its weight, and the planned final weighted information.
    let weighted = match (
        &design.test.kind,
        plan.and_then(|p| p.weighted_information.as_deref()),
    ) {
        (crate::analysis::TestKind::Fh(w), Some([.., last])) => Some((*w, *last)),
        _ => None,
    };
    let mut weighted_fraction = 0.0;
    // A MaxCombo design: its components (planned bounds in plan.efficacy).
    let combo = match (&design.test.kind, plan) {
        (crate::analysis::TestKind::MaxCombo(w), Some(p)) if p.maxcombo_time.is_some() => {
            Some(w.as_slice())
        }
        _ => None,
    };
    for k in 0..n_looks {
        let at = match plan {
            Some(p) => ws.cohort.time_of_event(p.events[k] as usize),
            None => ws.cohort.analysis_time(design.analysis),
        };
        reached = at.reached;
        ws.cohort.cut(at.time, &mut ws.cut);
        if !at.reached && k > 0 && ws.cut.events <= look_events[k - 1] {
            // No death since the previous look, and none to come: that look was the last.
            // Its bound is recomputed as a final one (spending all the remaining alpha).
            let p = plan.expect("several looks only with a sequential plan");
            let (bound, low) = if combo.is_some() {
                (p.efficacy[k - 1], f64::NEG_INFINITY)
            } else if asymmetric {
                p.design
                    .asymmetric_bounds_at(&fractions[..k], true)
                    .unwrap_or((p.efficacy[k - 1], p.lower[k - 1]))
            } else if two_sided {
                let b = p
                    .design
                    .symmetric_bound_at(&fractions[..k], true)
                    .unwrap_or(p.efficacy[k - 1]);
                (b, -b)
            } else {
                let b = p
                    .design
                    .efficacy_bound_at(&fractions[..k], true, &mut ws.monitor)
                    .unwrap_or(p.efficacy[k - 1]); // fractions are increasing and > 0 by construction
                (b, f64::NEG_INFINITY)
            };
            reject = z >= bound;
            harm = lower_stop && !reject && z <= low;
            ws.cohort.cut(look_time[k - 1], &mut ws.cut);
            let cut = &ws.cut;
            ws.analyzer
                .load(&cut.time, &cut.event, &cut.treated, &cut.stratum);
            break;
        }
        let cut = &ws.cut;
        ws.analyzer
            .load(&cut.time, &cut.event, &cut.treated, &cut.stratum);
        if design.function_tests {
            // (a fixed design: this is its only analysis)
            ws.cohort.visits_at(model, at.time, &mut ws.visits);
        }
        // The log-rank (every sequential design, and the common fixed one) decides by z against
        // the bound; another test (fixed designs only) by its p-value against alpha.
        let other = if design.test.is_logrank() {
            z = ws.analyzer.logrank(design.stratified).z;
            None
        } else if let Some(weights) = combo {
            z = ws.analyzer.maxcombo_z_max(design.test.stratified, weights);
            None
        } else if let Some((weight, planned_final)) = weighted {
            let (zt, information) = ws
                .analyzer
                .weighted_z_and_information(design.test.stratified, weight);
            z = zt;
            weighted_fraction = information / planned_final;
            None
        } else {
            let (zt, rejects) = ws.decide(&design.test, design.alpha, design.z_critical);
            z = zt;
            Some(rejects)
        };
        let cut = &ws.cut;
        fractions[k] = if weighted.is_some() {
            // the observed weighted information over the planned final one; a look that
            // adds no information (rare: no event with a non-zero weight since the last) gets
            // a fraction just above the previous one, where nothing is left to spend
            let previous = if k == 0 { 0.0 } else { fractions[k - 1] };
            weighted_fraction.max(previous + 1e-9)
        } else {
            cut.events as f64 / total_events
        };
        look_events[k] = cut.events;
        look_time[k] = at.time;
        look_randomised[k] = cut.time.len() as u32;
        looks = k + 1;
        let final_look = k + 1 == n_looks || !at.reached;
        let (bound, low) = match plan {
            None => (design.z_critical, f64::NEG_INFINITY),
            Some(p) if (at.reached && weighted.is_none()) || combo.is_some() => {
                (p.efficacy[k], p.lower[k])
            }
            Some(p) if asymmetric => p
                .design
                .asymmetric_bounds_at(&fractions[..=k], final_look)
                .unwrap_or((p.efficacy[k], p.lower[k])),
            Some(p) if two_sided => {
                let b = p
                    .design
                    .symmetric_bound_at(&fractions[..=k], final_look)
                    .unwrap_or(p.efficacy[k]);
                (b, -b)
            }
            Some(p) => (
                p.design
                    .efficacy_bound_at(&fractions[..=k], final_look, &mut ws.monitor)
                    .unwrap_or(p.efficacy[k]), // fractions are increasing and > 0 by construction
                f64::NEG_INFINITY,
            ),
        };
        if other.unwrap_or(z >= bound) {
            reject = true;
            break;
        }
        if lower_stop && z <= low {
            harm = true;
            break;
        }
        if final_look {
            break;
        }
        // (two-sided: the inner interval |Z_k| < a_k of a Pampallona-Tsiatis design; the
        // other two-sided designs have a_k = -inf)
        if plan.is_some_and(|p| {
            if two_sided {
                z.abs() < p.futility[k]
            } else {
                z < p.futility[k]
            }
        }) {
            futility = true;
            break;
        }
    }
    Looks {
        reject,
        futility,
        harm,
        reached,
        z,
        looks,
        look_events,
        look_time,
        look_randomised,
    }
}
