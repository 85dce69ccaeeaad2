//! The looks of a group-sequential design with a calendar-time final analysis
//! ([`crate::model::SequentialPlan::at_calendar`]).
//!
//! Interim k is taken at the calendar time of its event count ceil(t_k D) (`looks`) or at its
//! month m_k (`look_months`), provided that comes before the final analysis's calendar time T
//! (`calendar = T`, or the replicate's last randomisation + F for `after_last = F`); an interim
//! not reached before T is skipped, and so are the later ones (the trial goes straight to its
//! final analysis, which then spends all the remaining alpha). The final analysis is at T.
//! Every bound is recomputed at the observed fractions d_j / D (D the planned final events;
//! the final's may exceed 1), spending f(alpha, t) capped at alpha beyond t = 1 and all the
//! remainder at the final analysis (Lan and DeMets 1983; `monitoring`). A look with no new
//! event since the previous one carries no new information: an interim is then skipped, and at
//! the final analysis the previous look becomes the final one, its bound recomputed as such.

use super::outcome::{Looks, Workspace};
use crate::model::{Design, SequentialPlan};
use crate::scenario::MAX_LOOKS;

/// Monitors the simulated cohort in `ws` by `plan` (a calendar-time final analysis).
pub(super) fn monitor(design: &Design, plan: &SequentialPlan, ws: &mut Workspace) -> Looks {
    let t_final = ws.cohort.analysis_time(design.analysis).time;
    let n_looks = plan.events.len();
    // The calendar times of the looks taken: the interims before T, then T.
    let mut times = [0.0f64; MAX_LOOKS];
    let mut m = 0;
    for k in 0..n_looks - 1 {
        let at = match &plan.interim_months {
            Some(months) => months[k],
            None => {
                let at = ws.cohort.time_of_event(plan.events[k] as usize);
                if at.reached { at.time } else { f64::INFINITY }
            }
        };
        if at >= t_final {
            break;
        }
        times[m] = at;
        m += 1;
    }
    times[m] = t_final;
    m += 1;
    let mut out = Looks {
        reject: false,
        futility: false,
        harm: false,
        reached: true,
        z: 0.0,
        looks: 0,
        look_events: [0; MAX_LOOKS],
        look_time: [0.0; MAX_LOOKS],
        look_randomised: [0; MAX_LOOKS],
    };
    let mut fractions = [0.0f64; MAX_LOOKS];
    let mut j = 0usize;
    for (i, &time) in times[..m].iter().enumerate() {
        let final_look = i + 1 == m;
        ws.cohort.cut(time, &mut ws.cut);
        let events = ws.cut.events;
        if events == 0 || (j > 0 && events <= out.look_events[j - 1]) {
            if !final_look {
                continue;
            }
            if j > 0 {
                // No new information at the final time: the previous look is the final one.
                let bound = plan
                    .design
                    .efficacy_bound_at(&fractions[..j], true, &mut ws.monitor)
                    .unwrap_or(f64::INFINITY);
                out.reject = out.z >= bound;
                ws.cohort.cut(out.look_time[j - 1], &mut ws.cut);
            }
            let cut = &ws.cut;
            ws.analyzer
                .load(&cut.time, &cut.event, &cut.treated, &cut.stratum);
            break;
        }
        let cut = &ws.cut;
        ws.analyzer
            .load(&cut.time, &cut.event, &cut.treated, &cut.stratum);
        out.z = ws.analyzer.logrank(design.stratified).z;
        fractions[j] = events as f64 / plan.planned_events;
        out.look_events[j] = events;
        out.look_time[j] = time;
        out.look_randomised[j] = ws.cut.time.len() as u32;
        j += 1;
        out.looks = j;
        // (the fractions are increasing and > 0 by construction)
        let bounds = plan
            .design
            .bounds_at(&fractions[..j], final_look, &mut ws.monitor)
            .ok();
        let efficacy = bounds.map_or(f64::INFINITY, |b| b.efficacy);
        if out.z >= efficacy {
            out.reject = true;
            break;
        }
        if final_look {
            break;
        }
        if bounds.is_some_and(|b| out.z < b.futility) {
            out.futility = true;
            break;
        }
    }
    out
}
