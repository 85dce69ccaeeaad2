//! Closed-form power of a scenario as specified: its own sample size, analysis times and bounds.
//!
//! At look k the data hold D_k events (the design's count, or the expected count at a calendar
//! analysis) at calendar time T_k; the log-rank z there is approximately normal with variance 1
//! and mean mu_k = -ln(AHR_k) sqrt(D_k r / (1 + r)^2) (Schoenfeld 1981; AHR_k the average hazard
//! ratio of the events by T_k, Kalbfleisch and Prentice 1981 / gsDesign2), or Freedman's (1982)
//! sqrt(D_k r) (1 - AHR_k) / (1 + r AHR_k). A fixed design rejects with probability
//! Phi(mu - z_(1-alpha)).
//!
//! A group-sequential design: the z-statistics at the looks have the canonical joint
//! distribution with information fractions t_k = D_k / D_K (Jennison and Turnbull 2000,
//! section 3.1; Kim and Tsiatis 1990 for survival). Their means need not be proportional to
//! sqrt(t_k) when the hazard ratio changes over time, so write Z_k = Z'_k + delta_k with Z'_k
//! of drift theta = mu_K (mean theta sqrt(t_k)) and delta_k = mu_k - theta sqrt(t_k): crossing
//! b_k by Z_k is crossing b_k - delta_k by Z'_k, and the exit probabilities of the shifted
//! bounds come from the sequential module's recursive integration. Futility bounds stop the
//! trial whether binding or not, as the engine does. A two-sided design (`sided = 2`) also
//! stops at Z_k <= -b_k: the lower bounds enter the integration as futility bounds would, and
//! the power is the upper crossing's (rpact's `twoSidedPower = FALSE`); so does an asymmetric
//! design (`lower`) at its lower bounds a_k.

use super::average_hr::average_hazard_ratio;
use super::events::{Accrual, EventModel};
use super::logrank_drift::logrank_moments;
use super::sample_size::Method;
use crate::model::outcome::Hazard;
use crate::model::{Design, Model};
use crate::scenario::AnalysisSpec;
use crate::stats::normal;
use serde::Serialize;

/// One analysis in the closed form.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LookPower {
    /// Events at the look (planned, or expected at a calendar analysis).
    pub events: f64,
    /// Expected calendar time, months (infinite when the events are never expected).
    pub time: f64,
    /// Average hazard ratio of the events by then.
    pub average_hr: f64,
    /// Mean of the log-rank z there, from the average hazard ratio (by `method`).
    pub drift: f64,
    /// Mean of the log-rank z there, by integration over the expected risk sets
    /// ([`logrank_moments`]).
    pub logrank_drift: f64,
    /// Efficacy bound (z).
    pub efficacy_bound: f64,
    /// Probability of stopping for efficacy at this look.
    pub efficacy_prob: f64,
    /// Probability of stopping for futility at this look.
    pub futility_prob: f64,
    /// Two-sided designs (`sided = 2`): probability of stopping for harm at this look, the
    /// lower crossing Z_k <= -b_k (the final look included); absent for one-sided designs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harm_prob: Option<f64>,
}

/// The closed-form power of a scenario, with what it rests on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PowerAnalysis {
    /// Probability of rejecting at some look, with the drift from the average hazard ratio.
    pub power: f64,
    /// The same with the drift by integration over the expected risk sets (no
    /// proportional-hazards assumption; Schoenfeld 1981, Lakatos 1988).
    pub logrank_power: f64,
    /// The drift approximation.
    pub method: Method,
    /// How randomisations arrive in the expected event counts.
    pub accrual: Accrual,
    /// The looks (one for a fixed design).
    pub looks: Vec<LookPower>,
    /// Per look, the probability of stopping for efficacy there with the risk-set drift
    /// (`LookPower::logrank_drift`; `logrank_power` is their sum). Not serialised.
    #[serde(skip)]
    pub logrank_efficacy: Vec<f64>,
    /// Why the closed form may differ from the simulation.
    pub notes: Vec<String>,
}

impl PowerAnalysis {
    /// The last look.
    pub fn last(&self) -> &LookPower {
        self.looks.last().expect("at least one look")
    }
}

/// The closed-form power of the scenario as specified, with the drift by `method`. `None` when
/// no events are expected at the analysis (no closed form applies).
pub fn power_analysis(model: &Model, design: &Design, method: Method) -> Option<PowerAnalysis> {
    power_analysis_with(model, design, method, default_accrual(design))
}

/// The accrual convention of [`power_analysis`]: a cut a fixed time after the last
/// randomisation is placed at the fluid accrual's end; every other analysis uses the simulated
/// accrual (Poisson screening stopped at the n-th randomisation) exactly.
pub fn default_accrual(design: &Design) -> Accrual {
    match design.analysis {
        AnalysisSpec::AfterLast(_) => Accrual::Fluid,
        _ => Accrual::Poisson,
    }
}

/// [`power_analysis`] with the expected events under the given accrual convention
/// (`Accrual::Fluid` is rpact's and gsDesign's planning convention, Lachin and Foulkes 1986).
pub fn power_analysis_with(
    model: &Model,
    design: &Design,
    method: Method,
    accrual: Accrual,
) -> Option<PowerAnalysis> {
    let em = EventModel::new(model, design, accrual);
    let n = design.sample_size as f64;
    let r = em.allocation_ratio();
    let mut notes = Vec::new();
    let two_sided = design
        .sequential
        .as_ref()
        .is_some_and(|p| p.design.has_lower_stop());
    let mut unreachable = false;
    let mut at_events = |events: f64, notes: &mut Vec<String>| -> Option<(f64, f64)> {
        if unreachable {
            return None;
        }
        match em.time_for_events(n, events) {
            Some(t) => Some((events, t)),
            None => {
                unreachable = true;
                let max = em.max_events(n);
                notes.push(format!(
                    "{events} events are never expected: {n} patients give {max:.1} events at \
                     most (follow-up cap or dropout); that look is taken at the expected {max:.1}"
                ));
                Some((max, f64::INFINITY))
            }
        }
    };
    let (planned, bounds, futility): (Vec<(f64, f64)>, Vec<f64>, Vec<f64>) = match (
        &design.sequential,
        design.analysis,
    ) {
        (Some(plan), _) if plan.calendar_final => {
            // Interims at their event counts or months (those expected before the final
            // time), the final at its calendar time; bounds at the expected fractions
            // E_k / D (see `calendar`).
            let t_final = match design.analysis {
                AnalysisSpec::Calendar(t) => t,
                AnalysisSpec::AfterLast(d) => em.accrual_duration(n) + d,
                AnalysisSpec::Events(_) => f64::NAN,
            };
            let mut looks: Vec<(f64, f64)> = Vec::new();
            for k in 0..plan.events.len() - 1 {
                let look = match &plan.interim_months {
                    Some(m) => (em.total_events(n, m[k]), m[k]),
                    None => {
                        let e = plan.events[k] as f64;
                        (e, em.time_for_events(n, e).unwrap_or(f64::INFINITY))
                    }
                };
                if look.1 < t_final {
                    looks.push(look);
                } else {
                    notes.push(format!(
                            "interim {} ({:.1} events) is not expected before the final analysis                              at month {t_final:.2}: it is skipped",
                            k + 1,
                            look.0
                        ));
                    break;
                }
            }
            looks.push((em.total_events(n, t_final), t_final));
            let fractions: Vec<f64> = looks.iter().map(|l| l.0 / plan.planned_events).collect();
            let mut ws = crate::design::sequential::MonitoringWorkspace::new();
            let (mut efficacy, mut futility) = (Vec::new(), Vec::new());
            for k in 0..looks.len() {
                let last = k + 1 == looks.len();
                let b = plan
                    .design
                    .bounds_at(&fractions[..=k], last, &mut ws)
                    .ok()?;
                efficacy.push(b.efficacy);
                futility.push(if last { f64::NEG_INFINITY } else { b.futility });
            }
            (looks, efficacy, futility)
        }
        (Some(plan), _) => {
            let looks: Vec<(f64, f64)> = plan
                .events
                .iter()
                .filter_map(|&e| at_events(e as f64, &mut notes))
                .collect();
            let k = looks.len();
            // two-sided: the lower bounds -b_k take the futility bounds' place (the inner
            // futility interval of a Pampallona-Tsiatis design is `inner` below)
            let lower = if two_sided {
                &plan.lower
            } else {
                &plan.futility
            };
            (looks, plan.efficacy[..k].to_vec(), lower[..k].to_vec())
        }
        (None, AnalysisSpec::Events(e)) => (
            at_events(e as f64, &mut notes).into_iter().collect(),
            vec![design.z_critical],
            vec![f64::NEG_INFINITY],
        ),
        (None, AnalysisSpec::Calendar(t)) => (
            vec![(em.total_events(n, t), t)],
            vec![design.z_critical],
            vec![f64::NEG_INFINITY],
        ),
        (None, AnalysisSpec::AfterLast(d)) => {
            let t = em.accrual_duration(n) + d;
            (
                vec![(em.total_events(n, t), t)],
                vec![design.z_critical],
                vec![f64::NEG_INFINITY],
            )
        }
    };
    let groups = analysis_groups(model, design);
    let mut looks = Vec::with_capacity(planned.len());
    for (&(events, time), &bound) in planned.iter().zip(&bounds) {
        let counts = em.events(n, time);
        let ahr = average_hazard_ratio(&em, &counts);
        if events.is_nan() || events <= 0.0 || !ahr.is_finite() {
            return None;
        }
        // (all the events there will be, for a look never reached: a late enough time)
        let at = if time.is_finite() { time } else { 1e6 };
        let moments = logrank_moments(&em, &groups, n, at);
        looks.push(LookPower {
            events,
            time,
            average_hr: ahr,
            drift: method.drift(ahr, r, events),
            logrank_drift: moments.drift(),
            efficacy_bound: bound,
            efficacy_prob: 0.0,
            futility_prob: 0.0,
            harm_prob: None,
        });
    }
    let grid = design.sequential.as_ref().map_or(
        crate::design::sequential::integration::DEFAULT_GRID_R,
        |p| p.design.spec().grid_r,
    );
    // a two-sided design with an inner futility interval (|Z_k| < a_k stops; Pampallona-Tsiatis)
    let inner: Option<Vec<f64>> = design
        .sequential
        .as_ref()
        .filter(|p| two_sided && p.futility.iter().any(|&a| a > 0.0))
        .map(|p| p.futility[..looks.len()].to_vec());
    let drifts: Vec<f64> = looks.iter().map(|l| l.drift).collect();
    if let Some(inner) = &inner {
        let (power, exit) = crossing_two_sided(&looks, &drifts, &bounds, inner, grid);
        for (k, look) in looks.iter_mut().enumerate() {
            look.efficacy_prob = exit.efficacy[k];
            look.harm_prob = Some(exit.lower[k]);
            // (the last look's "futility" is not rejecting either way: left at 0, as one-sided)
            if k + 1 < exit.futility.len() {
                look.futility_prob = exit.futility[k];
            }
        }
        let drifts: Vec<f64> = looks.iter().map(|l| l.logrank_drift).collect();
        let (logrank_power, logrank_exit) =
            crossing_two_sided(&looks, &drifts, &bounds, inner, grid);
        return Some(finish(
            model,
            design,
            &em,
            method,
            accrual,
            looks,
            notes,
            power,
            logrank_power,
            logrank_exit.efficacy.clone(),
        ));
    }
    let (power, efficacy, futility_prob) = crossing(&looks, &drifts, &bounds, &futility, grid);
    for (k, look) in looks.iter_mut().enumerate() {
        look.efficacy_prob = efficacy[k];
        if two_sided {
            look.harm_prob = Some(futility_prob[k]);
        } else {
            look.futility_prob = futility_prob[k];
        }
    }
    let drifts: Vec<f64> = looks.iter().map(|l| l.logrank_drift).collect();
    let (logrank_power, logrank_efficacy, _) = crossing(&looks, &drifts, &bounds, &futility, grid);
    Some(finish(
        model,
        design,
        &em,
        method,
        accrual,
        looks,
        notes,
        power,
        logrank_power,
        logrank_efficacy,
    ))
}

/// The notes on the model and the analysis assembled.
#[allow(clippy::too_many_arguments)]
fn finish(
    model: &Model,
    design: &Design,
    em: &EventModel,
    method: Method,
    accrual: Accrual,
    looks: Vec<LookPower>,
    mut notes: Vec<String>,
    power: f64,
    logrank_power: f64,
    logrank_efficacy: Vec<f64>,
) -> PowerAnalysis {
    notes.extend(model_notes(model, design, em, &looks));
    if (logrank_power - power).abs() > 0.01 {
        notes.push(format!(
            "integrating the log-rank's expected score and variance over the expected risk sets, \
             by analysis stratum (Schoenfeld 1981; Lakatos 1988), which sees the changing mix of \
             true strata at risk that the average hazard ratio ignores, gives power \
             {logrank_power:.4} instead of {power:.4}"
        ));
    }
    PowerAnalysis {
        power,
        logrank_power,
        method,
        accrual,
        looks,
        logrank_efficacy,
        notes,
    }
}

/// P(reject) and the per-look exit probabilities (efficacy, futility) with mean `drifts[k]`
/// of Z_k, by shifting the bounds onto a process of drift proportional to sqrt(t_k).
fn crossing(
    looks: &[LookPower],
    drifts: &[f64],
    bounds: &[f64],
    futility: &[f64],
    grid: usize,
) -> (f64, Vec<f64>, Vec<f64>) {
    if looks.len() == 1 {
        let p = normal::sf(bounds[0] - drifts[0]);
        return (p, vec![p], vec![0.0]);
    }
    let total = looks[looks.len() - 1].events;
    let theta = drifts[drifts.len() - 1];
    let timing: Vec<f64> = looks.iter().map(|l| l.events / total).collect();
    let shift: Vec<f64> = drifts
        .iter()
        .zip(&timing)
        .map(|(m, t)| m - theta * t.sqrt())
        .collect();
    let efficacy: Vec<f64> = bounds.iter().zip(&shift).map(|(b, d)| b - d).collect();
    let lower: Vec<f64> = futility.iter().zip(&shift).map(|(a, d)| a - d).collect();
    let exit = crate::design::sequential::exit_probabilities(
        &timing,
        Some(&lower),
        &efficacy,
        theta,
        grid,
    );
    (exit.reject, exit.efficacy, exit.futility)
}

/// As [`crossing`] for a two-sided design with an inner futility interval (-a_k, a_k): the
/// regions shifted by delta_k = mu_k - theta sqrt(t_k) (upper b_k - delta_k, lower -b_k -
/// delta_k, futility (-a_k - delta_k, a_k - delta_k)). Returns P(reject) (the upper crossing)
/// and the exits per look (efficacy, lower = harm, futility).
fn crossing_two_sided(
    looks: &[LookPower],
    drifts: &[f64],
    bounds: &[f64],
    inner: &[f64],
    grid: usize,
) -> (f64, crate::design::sequential::ExitProbabilities) {
    let n = looks.len();
    let total = looks[n - 1].events;
    let theta = drifts[n - 1];
    let timing: Vec<f64> = looks.iter().map(|l| l.events / total).collect();
    let shift: Vec<f64> = drifts
        .iter()
        .zip(&timing)
        .map(|(m, t)| m - theta * t.sqrt())
        .collect();
    let upper: Vec<f64> = bounds.iter().zip(&shift).map(|(b, d)| b - d).collect();
    let lower: Vec<f64> = bounds.iter().zip(&shift).map(|(b, d)| -b - d).collect();
    let regions: Vec<(f64, f64)> = inner
        .iter()
        .zip(&shift)
        .map(|(&a, d)| if a > 0.0 { (-a - d, a - d) } else { (0.0, 0.0) })
        .collect();
    let exit = crate::design::sequential::exit_probabilities_two_sided_regions(
        &timing, &upper, &lower, &regions, theta, grid,
    );
    (exit.reject, exit)
}

/// The analysis strata as mixes of true strata: `groups[h][s]` = P(true s, analysed in h |
/// randomised), h the observed strata admitted (stratified test) or one group (unstratified).
pub(crate) fn analysis_groups(model: &Model, design: &Design) -> Vec<Vec<f64>> {
    let joint = model.population.joint();
    let eligible = &design.eligible_strata;
    let total: f64 = joint
        .iter()
        .map(|row| eligible.iter().map(|&j| row[j]).sum::<f64>())
        .sum();
    if design.stratified {
        eligible
            .iter()
            .map(|&h| joint.iter().map(|row| row[h] / total).collect())
            .collect()
    } else {
        vec![
            joint
                .iter()
                .map(|row| eligible.iter().map(|&j| row[j]).sum::<f64>() / total)
                .collect(),
        ]
    }
}

/// Why the closed form may differ from the simulation: non-proportional hazards and the like.
fn model_notes(
    model: &Model,
    design: &Design,
    em: &EventModel,
    looks: &[LookPower],
) -> Vec<String> {
    let mut notes = Vec::new();
    let present: Vec<usize> = (0..em.strata.len())
        .filter(|&s| em.strata[s].share > 1e-3)
        .collect();
    let names = &model.population.strata;
    let ahr = looks.last().map_or(f64::NAN, |l| l.average_hr);
    let delay = present
        .iter()
        .map(|&s| em.strata[s].outcome.delay)
        .fold(0.0, f64::max);
    if delay > 0.0 {
        notes.push(format!(
            "delayed effect: the hazard ratio is 1 for the first {delay} months after \
             randomisation, so the hazards are not proportional; the drift uses the average \
             hazard ratio {ahr:.3} (events before the delay count with ln HR = 0), an \
             approximation of the log-rank's"
        ));
    }
    let hrs: Vec<f64> = present
        .iter()
        .map(|&s| em.strata[s].outcome.hazard_ratio)
        .collect();
    let (lo, hi) = hrs.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &h| {
        (lo.min(h), hi.max(h))
    });
    if hi > lo * 1.001 {
        let list = present
            .iter()
            .map(|&s| {
                format!(
                    "{} {:.3} ({:.1}% of randomised)",
                    names[s],
                    em.strata[s].outcome.hazard_ratio,
                    100.0 * em.strata[s].share
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        notes.push(format!(
            "stratum hazard ratios differ ({list}): the effect is summarised by the \
             event-weighted average hazard ratio {ahr:.3}"
        ));
        if lo < 1.0 && hi > 1.0 {
            notes.push(
                "the effect changes direction across strata: the pooled hazards cross".into(),
            );
        }
    }
    let baselines_differ = present
        .windows(2)
        .any(|w| em.strata[w[0]].outcome.control != em.strata[w[1]].outcome.control);
    if design.stratified {
        let assay_error = model
            .population
            .biomarker
            .as_ref()
            .is_some_and(|b| b.assay_sigma > 0.0);
        if hi > lo * 1.001 && assay_error {
            notes.push(
                "the log-rank is stratified by the OBSERVED stratum: with assay error an \
                 observed stratum mixes true strata of different effects, which the average \
                 hazard ratio (over true strata) does not see"
                    .into(),
            );
        }
    } else if present.len() > 1 && (baselines_differ || hi > lo * 1.001) {
        notes.push(
            "unstratified log-rank over strata with different hazards: the pooled hazards are \
             not proportional (the mix of strata at risk changes as patients die), and the \
             drift from the average hazard ratio ignores that"
                .into(),
        );
    }
    if present
        .iter()
        .any(|&s| matches!(em.strata[s].outcome.control, Hazard::Weibull { .. }))
    {
        notes.push(
            "Weibull control hazards: expected events by adaptive Gauss-Legendre quadrature \
             (no closed form)"
                .into(),
        );
    }
    if looks.first().is_some_and(|l| l.events < 50.0) {
        notes.push(format!(
            "few events at the first analysis ({:.0}): the normal approximation of the \
             log-rank is rough",
            looks[0].events
        ));
    }
    notes
}

/// The closed-form power with Schoenfeld's drift (see [`power_analysis`]).
pub fn analytic_power(model: &Model, design: &Design) -> Option<f64> {
    power_analysis(model, design, Method::Schoenfeld).map(|p| p.power)
}
