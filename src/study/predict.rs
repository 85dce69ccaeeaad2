//! Blinded event prediction (`enrichsim predict`): when will a running trial's planned looks
//! have their deaths?
//!
//! From blinded data at a cut ([`crate::analysis::blinded`]), the pooled hazard of death, the
//! dropout hazard and the recruitment rate are fitted by maximum likelihood
//! ([`crate::analytic::prediction`]). Then each of M forward simulations
//!
//! 1. draws the parameters from the asymptotic normal law of their maximum likelihood
//!    estimates on the log scale (the hazard's log parameters jointly, through the Cholesky
//!    factor of their covariance, the inverse observed information; the log dropout rate and
//!    the log recruitment factor independently), so that the uncertainty of the fit is
//!    propagated, not only the randomness of the events (a normal approximation to the
//!    posterior under flat priors, as in Ying and Heitjan 2008's Bayesian prediction of event
//!    times, and the usual practice of blinded event prediction);
//! 2. draws the remaining recruits, from the cut up to the sample size: a Poisson process of
//!    intensity `c rho(t)` from the recruitment origin, with `rho` = 1 (`constant`) or the
//!    scenario's randomisation intensity, its screening ramp times the eligible and screened-in
//!    fraction (`scenario`);
//! 3. draws for each patient at risk at their last contact `s` (ongoing) the time of death
//!    conditional on survival to `s`, `T = H^{-1}(H(s) + E)` with `E ~ Exp(1)` (exact inversion
//!    of the conditional law), and the dropout time `s + E' / rate` (memoryless); for each new
//!    recruit the same from 0; a death is seen when it comes before the dropout, before the
//!    follow-up the design plans per patient (`design.follow_up`), and before the horizon
//!    (`--horizon` months after the cut), if any;
//! 4. records the calendar month of each look's N-th death (with the deaths already seen), or
//!    none when it never comes.
//!
//! The look dates' quantiles over the simulations (type 7) are the median and the 80% and 95%
//! prediction intervals; the share of simulations in which the N-th death comes is its
//! probability of being reached. Simulation m draws from its own random stream (purpose
//! [`Purpose::Prediction`], number m), so the same seed gives the same result for any number of
//! threads, and no other stream of enrichsim changes.

use super::Study;
use crate::analysis::blinded::{BlindedData, Status};
use crate::analytic::prediction::{HazardChoice, HazardFit, RateFit, fit_hazard};
use crate::error::{Error, Result};
use crate::model::enrolment::Screening;
use crate::scenario::{AnalysisSpec, RatePiece};
use crate::simulation::engine::RunOptions;
use crate::simulation::trial::Cohort;
use crate::stats::date;
use crate::stats::descriptive::quantile_sorted;
use crate::stats::rng::{self, Purpose, Streams};
use rayon::prelude::*;
use serde::Serialize;

/// The shape of the recruitment intensity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recruitment {
    /// A constant rate (a homogeneous Poisson process).
    Constant,
    /// The scenario's randomisation intensity (its screening ramp) scaled by a fitted factor.
    Scenario,
}

impl Recruitment {
    /// Reads `--recruitment`.
    pub fn parse(text: &str) -> Result<Recruitment> {
        match text.trim().to_ascii_lowercase().as_str() {
            "constant" => Ok(Recruitment::Constant),
            "scenario" => Ok(Recruitment::Scenario),
            _ => Err(Error::usage(
                "--recruitment",
                text,
                "constant (a Poisson process of constant rate) or scenario (the scenario's enrolment ramp, scaled)",
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Recruitment::Constant => "constant",
            Recruitment::Scenario => "scenario",
        }
    }
}

/// Most forward simulations.
pub const MAX_SIMS: u64 = 1_000_000;

/// How to predict.
#[derive(Clone, Debug)]
pub struct PredictOptions {
    /// The pooled hazard family.
    pub hazard: HazardChoice,
    /// The recruitment intensity's shape.
    pub recruitment: Recruitment,
    /// Forward simulations M.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (None: all cores); the result does not depend on it.
    pub threads: Option<usize>,
    /// The looks' death counts (None: the scenario's).
    pub events: Option<Vec<u32>>,
    /// Patients to randomise in all (None: `design.sample_size`).
    pub sample_size: Option<u32>,
    /// Months after the cut beyond which no death counts (None: no limit).
    pub horizon: Option<f64>,
    /// Whether the parameters are drawn (true) or fixed at their estimates (only the
    /// randomness of the events and recruits).
    pub parameter_uncertainty: bool,
}

impl PredictOptions {
    /// The defaults: AIC among exponential and Weibull, constant recruitment, 2,000
    /// simulations, seed 1, the scenario's looks and sample size, parameter uncertainty.
    pub fn new() -> PredictOptions {
        PredictOptions {
            hazard: HazardChoice::Auto(None),
            recruitment: Recruitment::Constant,
            sims: 2000,
            seed: 1,
            threads: None,
            events: None,
            sample_size: None,
            horizon: None,
            parameter_uncertainty: true,
        }
    }
}

impl Default for PredictOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// Five points of a predictive law: median, 80% and 95% intervals. `None` where the quantile
/// is not reached (the event never comes in that share of the simulations).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Interval<T> {
    /// Median.
    pub median: Option<T>,
    /// 10% quantile.
    pub lower_80: Option<T>,
    /// 90% quantile.
    pub upper_80: Option<T>,
    /// 2.5% quantile.
    pub lower_95: Option<T>,
    /// 97.5% quantile.
    pub upper_95: Option<T>,
}

impl<T> Interval<T> {
    fn map<U>(&self, f: impl Fn(&T) -> Option<U>) -> Interval<U> {
        Interval {
            median: self.median.as_ref().and_then(&f),
            lower_80: self.lower_80.as_ref().and_then(&f),
            upper_80: self.upper_80.as_ref().and_then(&f),
            lower_95: self.lower_95.as_ref().and_then(&f),
            upper_95: self.upper_95.as_ref().and_then(&f),
        }
    }
}

/// The probabilities of [`Interval`].
const LEVELS: [f64; 5] = [0.5, 0.1, 0.9, 0.025, 0.975];

/// Type 7 quantile of sorted values that may end in +inf: +inf when the quantile involves
/// an infinite value.
fn quantile_inf(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    if sorted[lo].is_infinite() || (sorted[hi].is_infinite() && h > lo as f64) {
        return f64::INFINITY;
    }
    if hi == lo || h == lo as f64 {
        return sorted[lo];
    }
    quantile_sorted(&sorted[lo..=hi], h - lo as f64)
}

fn interval(sorted: &[f64]) -> Interval<f64> {
    let q: Vec<Option<f64>> = LEVELS
        .iter()
        .map(|&p| Some(quantile_inf(sorted, p)).filter(|x| x.is_finite()))
        .collect();
    Interval {
        median: q[0],
        lower_80: q[1],
        upper_80: q[2],
        lower_95: q[3],
        upper_95: q[4],
    }
}

/// One planned look's prediction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LookPrediction {
    /// The look, 1-based.
    pub look: usize,
    /// Its death count N.
    pub events: u32,
    /// Whether the data already hold N deaths (then every date is the N-th observed death's).
    pub observed: bool,
    /// The share of simulations in which the N-th death comes (before the end of each
    /// patient's follow-up and the horizon).
    pub probability_reached: f64,
    /// The calendar month of the N-th death (months from month 0).
    pub month: Interval<f64>,
    /// Months from the cut to the N-th death.
    pub after_cut: Interval<f64>,
    /// The date of the N-th death (with dates; null with months).
    pub date: Interval<String>,
}

/// The deaths expected by one month after the cut.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonthPrediction {
    /// Months after the cut (1, 2, ...: calendar months, on the cut's day of the month).
    pub after_cut: u32,
    /// The calendar month (months from month 0).
    pub month: f64,
    /// Its date (with dates; null with months).
    pub date: Option<String>,
    /// Mean cumulative deaths by then (observed and predicted).
    pub mean: f64,
    /// Quantiles of the cumulative deaths by then.
    pub deaths: Interval<f64>,
}

/// The recruitment fit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecruitmentFit {
    /// `constant` or `scenario`.
    pub model: String,
    /// The calendar month recruitment is counted from (`--start`, else the first entry).
    pub origin: f64,
    /// Its date (with dates).
    pub origin_date: Option<String>,
    /// Arrivals counted (all patients with `--start`, all but the first without) and the
    /// intensity shape's integral over the origin to the cut, the fitted factor and its SE.
    pub fit: RateFit,
    /// The fitted rate at the cut, patients randomised per month.
    pub rate_at_cut: f64,
}

/// The prediction report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    /// The scenario's name.
    pub scenario: String,
    /// The data file.
    pub data_file: String,
    /// The cut, calendar month (months from month 0: the earliest entry date, or the data's
    /// own month 0).
    pub cut: f64,
    /// The cut's date (with dates).
    pub cut_date: Option<String>,
    /// Patients randomised by the cut.
    pub patients: u32,
    /// Deaths by the cut.
    pub deaths: u32,
    /// Dropouts by the cut.
    pub dropouts: u32,
    /// Patients ongoing at the cut.
    pub ongoing: u32,
    /// Patients who completed the planned follow-up.
    pub completed: u32,
    /// Patients to randomise in all.
    pub sample_size: u32,
    /// Patients still to randomise.
    pub to_recruit: u32,
    /// The follow-up planned per patient (`design.follow_up`), months.
    pub follow_up: Option<f64>,
    /// `--horizon`, months after the cut.
    pub horizon: Option<f64>,
    /// The hazard fit used.
    pub hazard: HazardFit,
    /// `given` (`--hazard` named a family) or `aic` (the smallest AIC of the candidates).
    pub hazard_selection: String,
    /// Every hazard fitted (one unless `auto`).
    pub hazard_candidates: Vec<HazardFit>,
    /// The dropout fit (rate per month).
    pub dropout: RateFit,
    /// The recruitment fit.
    pub recruitment: RecruitmentFit,
    /// Forward simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Whether the parameters were drawn from their asymptotic law.
    pub parameter_uncertainty: bool,
    /// One entry per planned look.
    pub looks: Vec<LookPrediction>,
    /// Cumulative deaths by each month after the cut.
    pub months: Vec<MonthPrediction>,
    /// The calendar months of the deaths seen by the cut, ascending (for the plot).
    #[serde(skip)]
    pub observed_deaths: Vec<f64>,
    /// With dates: the day number of month 0.
    #[serde(skip)]
    pub origin_day: Option<i64>,
    /// Remarks.
    pub notes: Vec<String>,
}

impl Prediction {
    /// With dates: the day number of month 0.
    pub fn origin_day(&self) -> Option<i64> {
        self.origin_day
    }

    /// With dates: the ISO date of calendar month `m`.
    pub fn date_at(&self, m: f64) -> Option<String> {
        let origin = self.origin_day?;
        m.is_finite()
            .then(|| date::format(origin + (m * date::DAYS_PER_MONTH + 1e-9).floor() as i64))
    }
}

/// The looks' death counts: `--events`, else the scenario's (each look of
/// `[design.sequential]`, or `design.analysis.events`).
fn targets(study: &Study, events: Option<&[u32]>) -> Result<Vec<u32>> {
    if let Some(e) = events {
        if e.is_empty() || e[0] == 0 || !e.windows(2).all(|w| w[0] < w[1]) {
            let shown: Vec<String> = e.iter().map(u32::to_string).collect();
            return Err(Error::usage(
                "--events",
                shown.join(","),
                "death counts >= 1, strictly ascending, separated by commas, e.g. 150,300",
            ));
        }
        return Ok(e.to_vec());
    }
    if let Some(plan) = &study.design.sequential
        && !plan.calendar_final
    {
        return Ok(plan.events.clone());
    }
    match study.design.analysis {
        AnalysisSpec::Events(n) => Ok(vec![n]),
        _ => Err(Error::usage(
            "--events",
            "(missing)",
            format!(
                "death counts N1,N2,... to predict: {}'s analysis is at a calendar time, not at a number of deaths",
                study.file
            ),
        )),
    }
}

/// Predicts the dates of the looks' deaths of `study` from the blinded `data` (read from
/// `data_file`).
pub fn predict(
    study: &Study,
    data: &BlindedData,
    data_file: &str,
    options: &PredictOptions,
) -> Result<Prediction> {
    if !(1..=MAX_SIMS).contains(&options.sims) {
        return Err(Error::usage(
            "--sims",
            options.sims,
            format!("a whole number in 1..={MAX_SIMS}"),
        ));
    }
    if let Some(h) = options.horizon
        && !(h.is_finite() && h > 0.0)
    {
        return Err(Error::usage("--horizon", h, "months after the cut, > 0"));
    }
    let looks = targets(study, options.events.as_deref())?;
    let n = data.len();
    let count = |s: Status| data.status.iter().filter(|&&x| x == s).count() as u32;
    let event: Vec<bool> = data.status.iter().map(|&s| s == Status::Event).collect();
    let (hazard, candidates) = fit_hazard(&data.time, &event, &options.hazard, data_file)?;
    let dropout = RateFit::new(count(Status::Dropout), hazard.exposure);
    let sample_size = options.sample_size.unwrap_or(study.design.sample_size);
    let to_recruit = sample_size.saturating_sub(n as u32);
    // Recruitment.
    let first = data.entry.iter().copied().fold(f64::INFINITY, f64::min);
    let origin = data.start.unwrap_or(first);
    let arrivals = if data.start.is_some() { n } else { n - 1 } as u32;
    let shape = match options.recruitment {
        Recruitment::Constant => Screening::new(&[RatePiece {
            from: 0.0,
            per_month: 1.0,
        }]),
        Recruitment::Scenario => {
            let p = study
                .model
                .population
                .eligible_fraction(&study.design.eligible_strata)
                * (1.0 - study.model.screen_failure);
            study.model.screening.scaled(p)
        }
    };
    let recruitment_fit = RateFit::new(arrivals, shape.expected_by(data.cut - origin));
    if to_recruit > 0 && recruitment_fit.rate <= 0.0 {
        return Err(Error::DataFile {
            file: data_file.to_string(),
            message: format!(
                "the recruitment rate cannot be estimated ({n} patient(s) randomised from month {origin} to the cut at month {}, {arrivals} arrival(s) counted) while {to_recruit} remain to randomise; allowed: data with at least two entries, or --start DATE (the start of recruitment)",
                data.cut
            ),
        });
    }
    let cap = study.design.follow_up.unwrap_or(f64::INFINITY);
    let at_risk: Vec<usize> = (0..n)
        .filter(|&i| data.status[i] == Status::Ongoing && data.time[i] < cap)
        .collect();
    let mut observed_deaths: Vec<f64> = (0..n)
        .filter(|&i| event[i])
        .map(|i| data.entry[i] + data.time[i])
        .collect();
    observed_deaths.sort_by(f64::total_cmp);
    let limit = options.horizon.map_or(f64::INFINITY, |h| data.cut + h);

    // The forward simulations, each from its own stream, collected in order.
    let streams = Streams::new(options.seed);
    let theta_hat = hazard.log_estimate();
    let chol = hazard.cholesky();
    let run = RunOptions {
        reps: options.sims,
        seed: options.seed,
        threads: options.threads,
        replicates: None,
    };
    let q_cut = shape.expected_by(data.cut - origin);
    let simulate = |buffer: &mut Vec<f64>, m: u64| -> Vec<f64> {
        let mut r = streams.rng(Purpose::Prediction, m);
        let p = theta_hat.len();
        let z: Vec<f64> = (0..p + 2).map(|_| rng::normal(&mut r)).collect();
        let (theta, drop_rate, factor) = if options.parameter_uncertainty {
            let theta: Vec<f64> = (0..p)
                .map(|i| theta_hat[i] + (0..=i).map(|k| chol[i][k] * z[k]).sum::<f64>())
                .collect();
            (theta, dropout.draw(z[p]), recruitment_fit.draw(z[p + 1]))
        } else {
            (theta_hat.clone(), dropout.rate, recruitment_fit.rate)
        };
        let h = hazard.hazard_at(&theta);
        buffer.clear();
        let fate = |r: &mut rand_pcg::Pcg64, entry: f64, s: f64, out: &mut Vec<f64>| {
            let e_death = rng::exponential(r);
            let e_drop = rng::exponential(r);
            let t = h.inverse_cumulative(h.cumulative(s) + e_death);
            let lost = if drop_rate > 0.0 {
                s + e_drop / drop_rate
            } else {
                f64::INFINITY
            };
            if t < lost && t < cap && entry + t <= limit {
                out.push(entry + t);
            }
        };
        for &i in &at_risk {
            fate(&mut r, data.entry[i], data.time[i], buffer);
        }
        if to_recruit > 0 && factor > 0.0 {
            let process = shape.scaled(factor);
            let mut q = q_cut * factor;
            for _ in 0..to_recruit {
                let (q_next, t) = process.next(q, rng::exponential(&mut r));
                q = q_next;
                fate(&mut r, origin + t, 0.0, buffer);
            }
        }
        buffer.sort_by(f64::total_cmp);
        buffer.clone()
    };
    let sims: Vec<Vec<f64>> = run.in_pool(|| {
        (0..options.sims)
            .into_par_iter()
            .map_init(Vec::new, simulate)
            .collect()
    })?;

    // The N-th death of each simulation: the N-th of the observed and simulated deaths.
    let nth = |new: &[f64], k: usize| -> f64 {
        let (mut i, mut j) = (0, 0);
        for _ in 0..k.saturating_sub(1) {
            let a = observed_deaths.get(i).copied().unwrap_or(f64::INFINITY);
            let b = new.get(j).copied().unwrap_or(f64::INFINITY);
            if a <= b {
                i += 1;
            } else {
                j += 1;
            }
        }
        let a = observed_deaths.get(i).copied().unwrap_or(f64::INFINITY);
        let b = new.get(j).copied().unwrap_or(f64::INFINITY);
        a.min(b)
    };
    let show_date = |m: &f64| data.date_of(*m);
    let mut look_predictions = Vec::with_capacity(looks.len());
    for (k, &target) in looks.iter().enumerate() {
        let mut times: Vec<f64> = sims.iter().map(|s| nth(s, target as usize)).collect();
        times.sort_by(f64::total_cmp);
        let reached = times.iter().filter(|t| t.is_finite()).count() as f64 / times.len() as f64;
        let month = interval(&times);
        look_predictions.push(LookPrediction {
            look: k + 1,
            events: target,
            observed: target as usize <= observed_deaths.len() && target > 0,
            probability_reached: reached,
            after_cut: month.map(|m| Some(m - data.cut)),
            date: month.map(show_date),
            month,
        });
    }

    // The monthly grid: to the latest 97.5% quantile of a look's date, 12 to 240 months.
    let latest = look_predictions
        .iter()
        .filter_map(|l| l.month.upper_95)
        .fold(f64::NEG_INFINITY, f64::max);
    let months_ahead = if latest.is_finite() {
        ((latest - data.cut).ceil() as i64 + 1).clamp(12, 240)
    } else {
        options
            .horizon
            .map_or(60, |h| (h.ceil() as i64).clamp(1, 240))
    };
    let mut months = Vec::with_capacity(months_ahead as usize);
    let mut counts = vec![0.0; sims.len()];
    for j in 1..=months_ahead {
        let (month, date) = match data.cut_day {
            Some(day) => {
                let d = date::add_months(day, j);
                (data.month_of_day(d).expect("dates"), Some(date::format(d)))
            }
            None => (data.cut + j as f64, None),
        };
        let seen = observed_deaths.partition_point(|&t| t <= month);
        for (c, s) in counts.iter_mut().zip(&sims) {
            *c = (seen + s.partition_point(|&t| t <= month)) as f64;
        }
        let mean = counts.iter().sum::<f64>() / counts.len() as f64;
        counts.sort_by(f64::total_cmp);
        months.push(MonthPrediction {
            after_cut: j as u32,
            month,
            date,
            mean,
            deaths: interval(&counts),
        });
    }

    let mut notes = vec![format!(
        "Prediction intervals from {} forward simulations: the {} drawn from the asymptotic normal law of their maximum likelihood estimates (log scale), then the remaining recruits, survival and dropout.",
        options.sims,
        if options.parameter_uncertainty {
            "parameters (hazard, dropout, recruitment)"
        } else {
            "parameters fixed at their estimates (--no-parameter-uncertainty), not"
        }
    )];
    if n as u32 > sample_size {
        notes.push(format!(
            "The data hold {n} patients, more than the {sample_size} planned: nobody more is recruited."
        ));
    }
    if !at_risk.is_empty() || to_recruit > 0 {
        notes.push("Deaths of ongoing patients may be dated before the cut when their last contact was earlier (deaths not yet reported).".into());
    }
    if looks.iter().any(|&l| l > sample_size) {
        notes.push(format!(
            "A look asks for more deaths than the {sample_size} patients planned: it is never reached."
        ));
    }
    Ok(Prediction {
        scenario: study.scenario.name.clone(),
        data_file: data_file.to_string(),
        cut: data.cut,
        cut_date: data.date_of(data.cut),
        patients: n as u32,
        deaths: count(Status::Event),
        dropouts: count(Status::Dropout),
        ongoing: count(Status::Ongoing),
        completed: count(Status::Completed),
        sample_size,
        to_recruit,
        follow_up: study.design.follow_up,
        horizon: options.horizon,
        hazard_selection: match options.hazard {
            HazardChoice::Fixed(_) => "given".into(),
            HazardChoice::Auto(_) => "aic".into(),
        },
        hazard,
        hazard_candidates: candidates,
        dropout,
        recruitment: RecruitmentFit {
            model: options.recruitment.name().into(),
            origin,
            origin_date: data.date_of(origin),
            rate_at_cut: recruitment_fit.rate * shape.rate_at(data.cut - origin),
            fit: recruitment_fit,
        },
        sims: options.sims,
        seed: options.seed,
        parameter_uncertainty: options.parameter_uncertainty,
        looks: look_predictions,
        months,
        observed_deaths,
        origin_day: data.origin_day,
        notes,
    })
}

/// The blinded data of a simulated cohort cut at calendar month `cut` (months from the first
/// screening): each patient randomised by the cut with status `event` (death by the cut),
/// `dropout` (lost by the cut), `completed` (followed to `design.follow_up` by the cut) or
/// `ongoing` (last contact at the cut). Month 0 is the first screening (`start` 0).
pub fn blinded_of_cohort(cohort: &Cohort, follow_up: Option<f64>, cut: f64) -> BlindedData {
    let cap = follow_up.unwrap_or(f64::INFINITY);
    let mut data = BlindedData {
        entry: Vec::new(),
        time: Vec::new(),
        status: Vec::new(),
        line: Vec::new(),
        cut,
        start: Some(0.0),
        origin_day: None,
        cut_day: None,
    };
    for i in 0..cohort.len() {
        let entry = cohort.entry[i];
        if entry > cut {
            continue;
        }
        let (event, censor) = (cohort.event_time[i], cohort.censor_time[i]);
        let (status, time) = if event < censor && entry + event <= cut {
            (Status::Event, event)
        } else if censor <= event && entry + censor <= cut {
            if censor >= cap {
                (Status::Completed, censor)
            } else {
                (Status::Dropout, censor)
            }
        } else {
            (Status::Ongoing, cut - entry)
        };
        data.line.push(data.entry.len() as u64 + 2);
        data.entry.push(entry);
        data.time.push(time);
        data.status.push(status);
    }
    data
}

/// The calendar month of the N-th death of a simulated cohort (its latent event times seen
/// before censoring), +inf when fewer die.
pub fn nth_death(cohort: &Cohort, n: usize) -> f64 {
    let mut deaths: Vec<f64> = cohort
        .event_calendar
        .iter()
        .copied()
        .filter(|t| t.is_finite())
        .collect();
    deaths.sort_by(f64::total_cmp);
    deaths
        .get(n.wrapping_sub(1))
        .copied()
        .unwrap_or(f64::INFINITY)
}
