//! The data behind the report's pictures of a study: Kaplan-Meier curves per arm and observed
//! stratum with their spread over replicates, and cumulative randomisations and deaths over
//! calendar time with the closed-form expectation and the times of the looks.
//!
//! Replicates are the first `replicates` of a run with the seed, simulated exactly as the engine
//! does ([`simulate_one`]); the curves are read from each replicate's cohort, cut at its last
//! analysis (the final data). Replicates run in parallel on the current rayon pool and their
//! curves are collected in replicate order, so the result does not depend on the thread count.
//!
//! Bands are pointwise: at each grid time the 2.5%, 50% and 97.5% sample quantiles over the
//! replicates (Hyndman and Fan 1996 type 7, linear interpolation: R's default,
//! [`quantile_sorted`]). They are not simultaneous bands: a replicate's whole curve may leave
//! them somewhere.
//!
//! Every replicate's final cut is held in memory until the bands are computed (about 30 bytes
//! per randomised patient per replicate: some 30 MB for 2000 replicates of 500 patients).

use super::Study;
use crate::analytic::events::{Accrual as Convention, EventModel};
use crate::model::Design;
use crate::scenario::{AnalysisSpec, MAX_LOOKS};
use crate::simulation::engine::{Workspace, simulate_one};
use crate::simulation::trial::Cut;
use crate::stats::descriptive::quantile_sorted;
use crate::stats::rng::Streams;
use rayon::prelude::*;

/// Points of every grid (80 intervals).
const GRID_POINTS: usize = 81;

/// A band is drawn only where at least this fraction of the replicates has a value.
const MIN_SHARE: f64 = 0.1;

/// Pointwise quantiles over replicates of a curve on a grid: at each `time`, the 2.5%, 50% and
/// 97.5% type-7 quantiles of the replicates' values there (NaN where too few replicates have a
/// value: see [`pictures`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Band {
    /// The grid, ascending.
    pub time: Vec<f64>,
    /// 2.5% quantile at each grid time.
    pub lower: Vec<f64>,
    /// Median at each grid time.
    pub median: Vec<f64>,
    /// 97.5% quantile at each grid time.
    pub upper: Vec<f64>,
}

/// The Kaplan-Meier curves of one group of the randomised, per arm, at the final analysis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KmBands {
    /// The group: "all randomised" or an observed stratum's name.
    pub stratum: String,
    /// Treatment arm.
    pub treatment: Band,
    /// Control arm.
    pub control: Band,
}

/// Cumulative randomisations and observed deaths over calendar time (months from the first
/// screening), simulated and in closed form, with the times of the planned analyses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Accrual {
    /// The calendar grid, months: 0 to the 97.5% quantile of the trial's duration.
    pub time: Vec<f64>,
    /// Expected number randomised by each grid time, R(w)
    /// ([`EventModel::randomised_by`] with n the design's sample size).
    pub expected_randomised: Vec<f64>,
    /// Expected deaths observed by each grid time, E(t) ([`EventModel::total_events`]). The
    /// closed form knows no analysis: it goes on rising after the final analysis, where the
    /// simulated curves stay flat.
    pub expected_deaths: Vec<f64>,
    /// Simulated patients randomised by each grid time (only those randomised by the trial's
    /// final analysis).
    pub randomised: Band,
    /// Simulated deaths observed by each grid time (only those observed by the final analysis:
    /// a replicate's curve is flat after it).
    pub deaths: Band,
    /// The planned analyses, in order.
    pub looks: Vec<LookTime>,
}

/// When one planned analysis happens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LookTime {
    /// 1-based number of the look.
    pub look: usize,
    /// Deaths it is planned at (None for an analysis at a calendar time).
    pub events: Option<u32>,
    /// Median over the replicates that performed it of its calendar time, months (NaN when no
    /// replicate did).
    pub median: f64,
    /// 2.5% quantile of its time.
    pub lower: f64,
    /// 97.5% quantile of its time.
    pub upper: f64,
    /// Its expected time in closed form ([`EventModel::time_for_events`]; the calendar time
    /// itself for `calendar`, the expected end of accrual plus the delay for `after_last`);
    /// None when the deaths are never expected.
    pub expected: Option<f64>,
}

/// The data of the report's pictures of one study.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pictures {
    /// Kaplan-Meier bands: "all randomised" first, then each eligible observed stratum (when
    /// more than one is eligible). Empty without replicates.
    pub km: Vec<KmBands>,
    /// Accrual and deaths.
    pub accrual: Accrual,
    /// Replicates used.
    pub replicates: u64,
    /// What is approximated or left out.
    pub notes: Vec<String>,
}

/// The Kaplan-Meier estimate (Kaplan and Meier 1958) of right-censored data at each time of
/// `grid`: S(t) = prod over the distinct event times u <= t of (1 - d_u / n_u), with d_u the
/// deaths at u and n_u those still at risk at u (follow-up >= u; a censoring tied with a death
/// counts as at risk). NaN at grid times after the last follow-up (nobody at risk: the estimate
/// is undefined there) and everywhere when there are no data or a time is NaN. `times` and
/// `events` are paired (extra entries of the longer are ignored); `grid` may be in any order.
pub fn km_at(times: &[f64], events: &[bool], grid: &[f64]) -> Vec<f64> {
    let n = times.len().min(events.len());
    if n == 0 || times[..n].iter().any(|t| t.is_nan()) {
        return vec![f64::NAN; grid.len()];
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
    let last = times[order[n - 1]];
    // The step function: (event time, survival from then on), ascending.
    let mut steps: Vec<(f64, f64)> = Vec::new();
    let mut survival = 1.0;
    let mut i = 0;
    while i < n {
        let u = times[order[i]];
        let at_risk = (n - i) as f64;
        let mut deaths = 0usize;
        let mut j = i;
        while j < n && times[order[j]] == u {
            deaths += usize::from(events[order[j]]);
            j += 1;
        }
        if deaths > 0 {
            survival *= 1.0 - deaths as f64 / at_risk;
            steps.push((u, survival));
        }
        i = j;
    }
    grid.iter()
        .map(|&t| {
            if t.is_nan() || t > last {
                return f64::NAN;
            }
            match steps.partition_point(|s| s.0 <= t) {
                0 => 1.0,
                k => steps[k - 1].1,
            }
        })
        .collect()
}

/// [`GRID_POINTS`] evenly spaced times from 0 to `end` (just 0 when `end` is not positive or
/// not finite).
fn grid(end: f64) -> Vec<f64> {
    if !(end > 0.0 && end.is_finite()) {
        return vec![0.0];
    }
    (0..GRID_POINTS)
        .map(|i| end * i as f64 / (GRID_POINTS - 1) as f64)
        .collect()
}

/// Type-7 2.5%, 50% and 97.5% quantiles of the finite values (NaN when fewer than `min`).
fn quantiles(values: &mut Vec<f64>, min: usize) -> (f64, f64, f64) {
    values.retain(|v| !v.is_nan());
    if values.is_empty() || values.len() < min {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    (
        quantile_sorted(values, 0.025),
        quantile_sorted(values, 0.5),
        quantile_sorted(values, 0.975),
    )
}

/// The pointwise band of curves (one per replicate, each on `time`); NaN where fewer than
/// [`MIN_SHARE`] of them have a value.
fn band(time: &[f64], curves: &[&[f64]]) -> Band {
    let min = ((MIN_SHARE * curves.len() as f64).ceil() as usize).max(1);
    let mut out = Band {
        time: time.to_vec(),
        ..Band::default()
    };
    let mut values = Vec::with_capacity(curves.len());
    for g in 0..time.len() {
        values.clear();
        values.extend(curves.iter().filter_map(|c| c.get(g).copied()));
        let (lo, mid, hi) = quantiles(&mut values, min);
        out.lower.push(lo);
        out.median.push(mid);
        out.upper.push(hi);
    }
    out
}

/// The curves as slices.
fn slices(curves: &[Vec<f64>]) -> Vec<&[f64]> {
    curves.iter().map(Vec::as_slice).collect()
}

/// What the pictures need of one replicate.
struct Replicate {
    /// The final cut.
    cut: Cut,
    /// Randomisation times of those randomised by the final analysis (ascending).
    entry: Vec<f64>,
    /// Calendar times of the deaths observed by the final analysis (ascending).
    deaths: Vec<f64>,
    /// Analyses performed and their calendar times.
    looks: usize,
    look_time: [f64; MAX_LOOKS],
    /// Calendar time of the final analysis.
    duration: f64,
}

/// Simulates replicate `r` and keeps what the pictures need.
fn replicate(study: &Study, streams: &Streams, r: u64, ws: &mut Workspace) -> Replicate {
    let outcome = simulate_one(&study.model, &study.design, streams, r, ws);
    let looks = usize::from(outcome.looks.max(1));
    let end = outcome.look_time[looks - 1];
    let cohort = ws.cohort();
    let mut cut = Cut::default();
    cohort.cut(end, &mut cut);
    let m = cut.time.len();
    let entry = cohort.entry[..m].to_vec();
    let mut deaths: Vec<f64> = cohort.event_calendar[..m]
        .iter()
        .copied()
        .filter(|&d| d <= end)
        .collect();
    deaths.sort_by(f64::total_cmp);
    Replicate {
        cut,
        entry,
        deaths,
        looks,
        look_time: outcome.look_time,
        duration: end,
    }
}

/// How many of the ascending `times` are at most `t`.
fn count_by(times: &[f64], t: f64) -> f64 {
    times.partition_point(|&x| x <= t) as f64
}

/// The planned looks: (events planned, calendar time when planned at one) per look.
fn planned_looks(design: &Design) -> Vec<(Option<u32>, Option<f64>)> {
    if let Some(plan) = &design.adaptive {
        return vec![
            (Some(plan.interim_events), None),
            (Some(plan.final_events), None),
        ];
    }
    if let Some(plan) = &design.sequential {
        return plan.events.iter().map(|&e| (Some(e), None)).collect();
    }
    match design.analysis {
        AnalysisSpec::Events(e) => vec![(Some(e), None)],
        AnalysisSpec::Calendar(t) => vec![(None, Some(t))],
        AnalysisSpec::AfterLast(_) => vec![(None, None)],
    }
}

/// The pictures' data of `study` from the first `replicates` replicates of a run with `seed`
/// (see the module documentation). Kaplan-Meier curves: per arm, for all randomised and per
/// eligible observed stratum, of each replicate's final data, on 81 points from 0 to the
/// longest follow-up seen; a replicate counts at a grid time while its arm-group still has
/// someone at risk, and the band is NaN where fewer than 10% of the replicates count.
/// Accrual: on 81 points from 0 to the 97.5% quantile of the trial's duration; the closed form
/// uses the accrual convention of the closed-form power ([`crate::analytic::power_analysis`]:
/// the simulated Poisson process, or the fluid one for `after_last` analyses).
pub fn pictures(study: &Study, seed: u64, replicates: u64) -> Pictures {
    let (model, design) = (&study.model, &study.design);
    let streams = Streams::new(seed);
    let reps: Vec<Replicate> = (0..replicates)
        .into_par_iter()
        .map_init(Workspace::default, |ws, r| {
            replicate(study, &streams, r, ws)
        })
        .collect();
    let mut notes = Vec::new();

    // Kaplan-Meier.
    let adaptive = design.adaptive.is_some();
    let mut km = Vec::new();
    if adaptive {
        // The engine re-screens the cohort with the selected strata from the interim on, and
        // leaves that cohort in the workspace: its final cut is the trial's final data.
        notes.push(
            "adaptive design: the final data pool both stages; after an interim selection only the selected strata are randomised, so the \"all randomised\" curves mix populations that differ before and after the interim (the per-stratum curves do not)"
                .into(),
        );
    }
    if !reps.is_empty() {
        let longest = reps
            .iter()
            .flat_map(|r| r.cut.time.iter().copied())
            .filter(|t| t.is_finite())
            .fold(0.0f64, f64::max);
        let time = grid(longest);
        let mut groups: Vec<(String, Option<u32>)> = vec![("all randomised".into(), None)];
        if design.eligible_strata.len() > 1 {
            for &s in &design.eligible_strata {
                let name = model
                    .population
                    .strata
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| format!("stratum {}", s + 1));
                groups.push((name, Some(s as u32)));
            }
        }
        // Per replicate, per group, per arm (treatment, control): the curve on the grid.
        let curves: Vec<Vec<[Vec<f64>; 2]>> = reps
            .par_iter()
            .map(|r| {
                groups
                    .iter()
                    .map(|(_, stratum)| {
                        [true, false].map(|arm| {
                            let (t, e): (Vec<f64>, Vec<bool>) = (0..r.cut.time.len())
                                .filter(|&i| {
                                    r.cut.treated[i] == arm
                                        && stratum.is_none_or(|s| r.cut.stratum[i] == s)
                                })
                                .map(|i| (r.cut.time[i], r.cut.event[i]))
                                .unzip();
                            km_at(&t, &e, &time)
                        })
                    })
                    .collect()
            })
            .collect();
        for (g, (name, _)) in groups.iter().enumerate() {
            let arm = |a: usize| {
                let per: Vec<&[f64]> = curves.iter().map(|c| c[g][a].as_slice()).collect();
                band(&time, &per)
            };
            km.push(KmBands {
                stratum: name.clone(),
                treatment: arm(0),
                control: arm(1),
            });
        }
    }

    // Accrual and deaths.
    let convention = match design.analysis {
        AnalysisSpec::AfterLast(_) => Convention::Fluid,
        _ => Convention::Poisson,
    };
    let em = EventModel::new(model, design, convention);
    let n = f64::from(design.sample_size);
    let mut durations: Vec<f64> = reps.iter().map(|r| r.duration).collect();
    let (_, _, end) = quantiles(&mut durations, 1);
    let time = grid(end);
    let randomised: Vec<Vec<f64>> = reps
        .iter()
        .map(|r| time.iter().map(|&t| count_by(&r.entry, t)).collect())
        .collect();
    let deaths: Vec<Vec<f64>> = reps
        .iter()
        .map(|r| time.iter().map(|&t| count_by(&r.deaths, t)).collect())
        .collect();
    let looks = planned_looks(design)
        .into_iter()
        .enumerate()
        .map(|(k, (events, calendar))| {
            let mut times: Vec<f64> = reps
                .iter()
                .filter(|r| r.looks > k)
                .map(|r| r.look_time[k])
                .collect();
            let (lower, median, upper) = quantiles(&mut times, 1);
            let expected = match (events, calendar, design.analysis) {
                (Some(e), _, _) => em.time_for_events(n, f64::from(e)),
                (None, Some(t), _) => Some(t),
                (None, None, AnalysisSpec::AfterLast(t)) => Some(em.accrual_duration(n) + t),
                (None, None, _) => None,
            };
            LookTime {
                look: k + 1,
                events,
                median,
                lower,
                upper,
                expected,
            }
        })
        .collect();
    let accrual = Accrual {
        expected_randomised: time.iter().map(|&w| em.randomised_by(n, w)).collect(),
        expected_deaths: time.iter().map(|&t| em.total_events(n, t)).collect(),
        randomised: band(&time, &slices(&randomised)),
        deaths: band(&time, &slices(&deaths)),
        time,
        looks,
    };
    if adaptive {
        notes.push(
            "adaptive design: the closed-form randomisations, deaths and look times assume the first stage's eligibility throughout (no selection at the interim)"
                .into(),
        );
    }
    if model.prior.is_some() {
        notes.push(
            "effect prior: each replicate draws its hazard ratios; the closed-form deaths and look times use the scenario's planning hazard ratios"
                .into(),
        );
    }
    Pictures {
        km,
        accrual,
        replicates,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn enriched() -> Study {
        Study::load(Path::new("scenarios/phase3-enriched.toml"), &[]).expect("scenario loads")
    }

    #[test]
    fn pictures_km_matches_hand_computation() {
        // times 1, 2, 2, 2, 3+, 4, 5+ with deaths at 1, 2, 2 (one censored at 2), 4:
        // t=1: 7 at risk, 1 death -> 6/7; t=2: 6 at risk, 2 deaths -> 6/7 * 4/6 = 4/7;
        // t=3 censored; t=4: 2 at risk, 1 death -> 4/7 * 1/2 = 2/7; after 5: nobody at risk.
        let times = [2.0, 1.0, 2.0, 3.0, 2.0, 5.0, 4.0];
        let events = [true, true, false, false, true, false, true];
        let grid = [0.0, 0.5, 1.0, 1.5, 2.0, 3.5, 4.0, 5.0, 5.1, f64::NAN];
        let s = km_at(&times, &events, &grid);
        let want = [
            1.0,
            1.0,
            6.0 / 7.0,
            6.0 / 7.0,
            4.0 / 7.0,
            4.0 / 7.0,
            2.0 / 7.0,
            2.0 / 7.0,
        ];
        for (g, w) in want.iter().enumerate() {
            assert!(
                (s[g] - w).abs() < 1e-15,
                "grid {}: {} vs {w}",
                grid[g],
                s[g]
            );
        }
        assert!(s[8].is_nan() && s[9].is_nan());
        assert!(km_at(&[], &[], &[0.0])[0].is_nan());
        // The last time a death: 0 there and undefined after.
        let s = km_at(&[1.0, 2.0], &[false, true], &[2.0, 3.0]);
        assert_eq!(s[0], 0.0);
        assert!(s[1].is_nan());
    }

    #[test]
    fn pictures_band_quantiles_and_sparse_points() {
        let a = [0.0, 1.0, f64::NAN];
        let b = [1.0, 2.0, f64::NAN];
        let c = [2.0, 3.0, 1.0];
        let band = band(&[0.0, 1.0, 2.0], &[&a, &b, &c]);
        assert_eq!(band.median, vec![1.0, 2.0, 1.0]);
        // type 7 on {0, 1, 2}: h = 2 * 0.025 = 0.05 -> 0.05; 97.5%: 1.95.
        assert!((band.lower[0] - 0.05).abs() < 1e-12);
        assert!((band.upper[0] - 1.95).abs() < 1e-12);
        // One replicate in 3 is above 10%: kept.
        assert_eq!(band.lower[2], 1.0);
        let mut many: Vec<Vec<f64>> = vec![vec![f64::NAN]; 11];
        many[0][0] = 0.5;
        let per: Vec<&[f64]> = many.iter().map(Vec::as_slice).collect();
        assert!(super::band(&[0.0], &per).median[0].is_nan());
    }

    /// The median KM curve of the control arm against the exponential truth mixed over the
    /// randomised strata (median 30.6 months in low and moderate; the high stratum, randomised
    /// through assay error, 12.2 months).
    #[test]
    fn pictures_control_km_matches_exponential_truth() {
        let study = enriched();
        let reps = 400;
        let p = pictures(&study, 20240601, reps);
        assert_eq!(p.km[0].stratum, "all randomised");
        assert_eq!(p.km.len(), 3);
        let mix = study
            .model
            .population
            .randomised_mix(&study.design.eligible_strata);
        let medians = [30.6, 30.6, 12.2];
        // Per-replicate values at 12 and 24 months, to get the Monte Carlo SE.
        let streams = Streams::new(20240601);
        let mut ws = Workspace::default();
        let per: Vec<Replicate> = (0..reps)
            .map(|r| replicate(&study, &streams, r, &mut ws))
            .collect();
        for t in [12.0, 24.0] {
            let truth: f64 = mix
                .iter()
                .zip(medians)
                .map(|(w, m)| w * (-std::f64::consts::LN_2 * t / m).exp())
                .sum();
            let values: Vec<f64> = per
                .iter()
                .map(|r| {
                    let (tt, e): (Vec<f64>, Vec<bool>) = (0..r.cut.time.len())
                        .filter(|&i| !r.cut.treated[i])
                        .map(|i| (r.cut.time[i], r.cut.event[i]))
                        .unzip();
                    km_at(&tt, &e, &[t])[0]
                })
                .collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                / (values.len() - 1) as f64)
                .sqrt();
            let se = 1.2533 * sd / (reps as f64).sqrt();
            let band = &p.km[0].control;
            let g = band
                .time
                .iter()
                .position(|&x| x >= t)
                .expect("grid reaches t");
            // Interpolate the median curve linearly to t.
            let (t0, t1) = (band.time[g - 1], band.time[g]);
            let (m0, m1) = (band.median[g - 1], band.median[g]);
            let median = m0 + (m1 - m0) * (t - t0) / (t1 - t0);
            eprintln!("t={t}: median KM {median:.4}, truth {truth:.4}, SE {se:.4}");
            assert!(
                (median - truth).abs() < 4.0 * se,
                "t={t}: median KM {median} vs truth {truth} (SE {se})"
            );
        }
    }

    #[test]
    fn pictures_randomised_match_closed_form() {
        let study = enriched();
        let p = pictures(&study, 7, 200);
        let a = &p.accrual;
        let n = f64::from(study.design.sample_size);
        let g = a
            .expected_randomised
            .iter()
            .position(|&r| r >= n / 2.0)
            .expect("half are randomised");
        eprintln!(
            "mid-accrual at {:.2} months: expected {:.2}, simulated median {:.2}",
            a.time[g], a.expected_randomised[g], a.randomised.median[g]
        );
        assert!((a.randomised.median[g] - a.expected_randomised[g]).abs() < 5.0);
        assert_eq!(a.looks.len(), 1);
        assert_eq!(a.looks[0].events, Some(230));
        let expected = a.looks[0].expected.expect("230 deaths are expected");
        assert!(a.looks[0].lower < expected && expected < a.looks[0].upper);
        // Deaths at the median look time are about the planned 230 (the curve is flat after).
        assert_eq!(*a.deaths.upper.last().expect("grid"), 230.0);
        assert!(a.time.len() == 81 && p.km[0].control.time.len() == 81);
    }

    #[test]
    fn pictures_of_sequential_and_adaptive_designs() {
        let load = |f: &str| Study::load(Path::new(f), &[]).expect("scenario loads");
        let study = load("scenarios/phase3-enriched-sequential.toml");
        let p = pictures(&study, 3, 40);
        let plan = study.design.sequential.as_ref().expect("sequential");
        assert_eq!(p.accrual.looks.len(), plan.events.len());
        for (l, &e) in p.accrual.looks.iter().zip(&plan.events) {
            assert_eq!(l.events, Some(e));
        }
        assert!(!p.km.is_empty());
        let study = load("scenarios/phase3-adaptive-enrichment.toml");
        let p = pictures(&study, 3, 20);
        assert!(!p.km.is_empty() && !p.notes.is_empty());
        // The workspace's cohort, cut at the final analysis, is the trial's final data.
        let streams = Streams::new(3);
        let mut ws = Workspace::default();
        for r in 0..20 {
            let outcome = simulate_one(&study.model, &study.design, &streams, r, &mut ws);
            let rep = replicate(&study, &streams, r, &mut ws);
            assert_eq!(rep.cut.events, outcome.events);
            assert_eq!(rep.cut.time.len() as u32, outcome.randomised);
            assert_eq!(rep.deaths.len() as u32, outcome.events);
        }
        assert_eq!(p.accrual.looks.len(), 2);
        assert!(p.accrual.randomised.median.iter().all(|v| v.is_finite()));
        // No replicates: empty bands, no panic.
        let p = pictures(&study, 3, 0);
        assert!(p.km.is_empty());
        assert!(p.accrual.randomised.median.iter().all(|v| v.is_nan()));
    }

    #[test]
    fn pictures_do_not_depend_on_thread_count() {
        let study = enriched();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| pictures(&study, 11, 24))
        };
        // (Debug: NaN, where a band is undefined, is not equal to itself)
        let (one, three) = (run(1), run(3));
        assert_eq!(format!("{one:?}"), format!("{three:?}"));
        assert!(!one.km.is_empty() && one.accrual.looks.len() == 1);
    }
}
