//! One simulated trial: the cohort as nature made it, and the data as the analyst sees them.
//!
//! Generation is separated from observation (as in Merck's simtrial): [`Cohort::simulate`]
//! screens patients in calendar order until the sample size is randomised and draws each one's
//! latent event and dropout times; [`Cohort::cut`] derives what is observed at a calendar time.
//!
//! Each SCREENED patient draws the same numbers whatever the design: from the screening stream
//! an arrival gap, a screen-failure uniform and (with a biomarker) two normals for the true value
//! and the assay error; from the outcome and dropout streams one Exp(1) each. Designs that differ
//! in eligibility therefore see the same patients with the same fates (common random numbers).

use crate::analysis::function::Visits;
use crate::model::enrolment::BlockState;
use crate::model::function::FunctionModel;
use crate::model::{Design, Model};
use crate::scenario::AnalysisSpec;
use crate::stats::rng::{self, Purpose, Streams};

/// The randomised patients of one replicate, struct of arrays in calendar order of entry.
/// Buffers are reused across replicates: `simulate` clears and refills them.
#[derive(Clone, Debug, Default)]
pub struct Cohort {
    /// Calendar time of randomisation, months from the first screening (ascending).
    pub entry: Vec<f64>,
    /// Arm: true = treatment.
    pub treated: Vec<bool>,
    /// True stratum (drives prognosis and effect).
    pub true_stratum: Vec<u32>,
    /// Observed stratum (drives eligibility, randomisation strata and analysis strata).
    pub observed_stratum: Vec<u32>,
    /// Latent event time, months after randomisation (may be +inf).
    pub event_time: Vec<f64>,
    /// Censoring time, months after randomisation: min(dropout, follow-up cap).
    pub censor_time: Vec<f64>,
    /// Calendar time at which the event is observed (entry + event time), or +inf when
    /// censoring comes first: computed once here, used by every cut.
    pub event_calendar: Vec<f64>,
    /// How many had been screened when each patient was randomised (1-based count).
    pub screened_by: Vec<u32>,
    /// With `[function]`: each patient's true score at randomisation.
    pub function_baseline: Vec<f64>,
    /// With `[function]`: each patient's rate of decline, points per month (control-arm
    /// scale: treatment slows it by `decline_by`).
    pub function_rate: Vec<f64>,
    /// With `[function]`: the observed score at every scheduled visit, patient after patient
    /// (`visits.len()` per patient): NaN at the visits at or after death or after censoring
    /// (never seen); whether the others are seen depends on the data cut
    /// ([`Cohort::visits_at`]).
    pub function_scores: Vec<f64>,
    blocks: BlockState,
    scratch: Vec<u64>,
}

/// When the data of one replicate are cut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalysisTime {
    /// Calendar time of the cut, months from the first screening.
    pub time: f64,
    /// False when the design's event count could never be reached (the cut is then at the last
    /// event there ever is: every patient's follow-up has ended or been censored).
    pub reached: bool,
}

/// The data observed at a cut: one row per patient randomised by then.
#[derive(Clone, Debug, Default)]
pub struct Cut {
    /// Observed time, months after randomisation.
    pub time: Vec<f64>,
    /// Event observed (else censored).
    pub event: Vec<bool>,
    /// Arm: true = treatment.
    pub treated: Vec<bool>,
    /// Analysis stratum: the observed stratum.
    pub stratum: Vec<u32>,
    /// Patients screened to randomise those in the cut.
    pub screened: u32,
    /// Events in the cut.
    pub events: u32,
}

/// A change of eligibility during screening: from `time` on only the observed strata of the bit
/// set `strata` (within the design's eligible strata) are randomised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EligibilitySwitch {
    /// Calendar time of the change, months (patients screened after it follow the new rule).
    pub time: f64,
    /// Observed strata admitted afterwards (bit j: stratum j).
    pub strata: u32,
}

/// The k-th smallest (k >= 1) of `times` (finite, >= 0), or, when there are fewer than k, the
/// largest of them and `floor` with `reached = false`. `scratch` is reused for the keys.
#[inline]
fn kth_time(
    scratch: &mut Vec<u64>,
    times: impl Iterator<Item = f64>,
    k: usize,
    floor: f64,
) -> AnalysisTime {
    // The bit patterns of non-negative floats order as the values do, so select on u64 keys
    // (much cheaper than a float comparator).
    scratch.clear();
    scratch.extend(times.map(f64::to_bits));
    if scratch.len() >= k {
        let (_, kth, _) = scratch.select_nth_unstable(k - 1);
        AnalysisTime {
            time: f64::from_bits(*kth),
            reached: true,
        }
    } else {
        AnalysisTime {
            time: scratch
                .iter()
                .map(|&b| f64::from_bits(b))
                .fold(floor, f64::max),
            reached: false,
        }
    }
}

impl Cut {
    /// The rows of `self` whose stratum is in the bit set `strata`, written to `out` (its
    /// buffers reused): the data of one population. `screened` is copied unchanged.
    pub fn restrict(&self, strata: u32, out: &mut Cut) {
        out.time.clear();
        out.event.clear();
        out.treated.clear();
        out.stratum.clear();
        let mut events = 0;
        for (i, &s) in self.stratum.iter().enumerate() {
            if strata >> s & 1 == 1 {
                out.time.push(self.time[i]);
                out.event.push(self.event[i]);
                out.treated.push(self.treated[i]);
                out.stratum.push(s);
                events += u32::from(self.event[i]);
            }
        }
        out.screened = self.screened;
        out.events = events;
    }
}

impl Cohort {
    /// Number randomised.
    pub fn len(&self) -> usize {
        self.entry.len()
    }

    /// Whether nobody was randomised.
    pub fn is_empty(&self) -> bool {
        self.entry.is_empty()
    }

    /// Screens and randomises replicate `replicate` until the design's sample size is reached.
    pub fn simulate(&mut self, model: &Model, design: &Design, streams: &Streams, replicate: u64) {
        self.simulate_with(model, design, streams, replicate, |_, s| design.eligible[s]);
    }

    /// As [`Cohort::simulate`], but from calendar time `switch.time` on (patients screened
    /// strictly after it) only the observed strata in the bit set `switch.strata` are admitted:
    /// the change of eligibility of an adaptive enrichment design at its selection look.
    /// Screening goes on until the sample size is randomised. Every screened patient draws the
    /// same numbers as under [`Cohort::simulate`] (common random numbers), so the patients
    /// randomised by the switch, their arms and their fates are the same bits.
    pub fn simulate_switching(
        &mut self,
        model: &Model,
        design: &Design,
        streams: &Streams,
        replicate: u64,
        switch: EligibilitySwitch,
    ) {
        self.simulate_with(model, design, streams, replicate, |t, s| {
            design.eligible[s] && (t <= switch.time || switch.strata >> s & 1 == 1)
        });
    }

    /// The work of [`Cohort::simulate`]: `eligible(t, s)` says whether a patient screened at
    /// calendar time t with observed stratum s may be randomised (inlined per caller).
    #[inline(always)]
    fn simulate_with(
        &mut self,
        model: &Model,
        design: &Design,
        streams: &Streams,
        replicate: u64,
        eligible: impl Fn(f64, usize) -> bool,
    ) {
        let n = design.sample_size as usize;
        // Every slot below 0..n is written by the loop: size the buffers once (after the first
        // replicate this does nothing) and write by index, rather than push to eight vectors.
        for v in [
            &mut self.entry,
            &mut self.event_time,
            &mut self.censor_time,
            &mut self.event_calendar,
        ] {
            v.resize(n, 0.0);
        }
        self.treated.resize(n, false);
        self.true_stratum.resize(n, 0);
        self.observed_stratum.resize(n, 0);
        self.screened_by.resize(n, 0);
        design
            .randomiser
            .reset(&mut self.blocks, model.population.n_strata());

        let mut screening = streams.rng(Purpose::Screening, replicate);
        let mut randomisation = streams.rng(Purpose::Randomisation, replicate);
        let mut outcome = streams.rng(Purpose::Outcome, replicate);
        let mut dropout = streams.rng(Purpose::Dropout, replicate);
        let biomarker = model.population.biomarker.as_ref();
        let cap = design.follow_up.unwrap_or(f64::INFINITY);
        let has_dropout = model.dropout.any();
        let function = model.function.as_ref();
        if function.is_some() {
            self.function_baseline.resize(n, 0.0);
            self.function_rate.resize(n, 0.0);
        }
        let mut function_patient =
            function.map(|_| streams.rng(Purpose::FunctionPatient, replicate));

        // Slices of length n, so that the index k < n needs no further bounds check.
        let entry = &mut self.entry[..n];
        let treated_arm = &mut self.treated[..n];
        let true_stratum = &mut self.true_stratum[..n];
        let observed_stratum = &mut self.observed_stratum[..n];
        let event_times = &mut self.event_time[..n];
        let censor_times = &mut self.censor_time[..n];
        let event_calendar = &mut self.event_calendar[..n];
        let screened_by = &mut self.screened_by[..n];
        // (empty without [function])
        let function_baseline = &mut self.function_baseline[..];
        let function_rate = &mut self.function_rate[..];

        // Three passes, one per concern; each stream is drawn from in the same order as in a
        // single patient-by-patient loop (a stream serves one purpose only), so the numbers are
        // the same, while each pass is a short loop without the others' dependency chains.

        // 1. Screening, in calendar order, until n are eligible. Every screened patient draws
        //    the same numbers whatever the design (common random numbers), including the unit
        //    exponentials of their event and dropout times, which are kept in `event_times` and
        //    `censor_times` for the eligible until pass 3 turns them into times.
        let mut q = 0.0; // position of the screening process on its cumulative-intensity scale
        let mut screened: u32 = 0;
        let mut k = 0;
        while k < n {
            let (q_next, t) = model.screening.next(q, rng::exponential(&mut screening));
            q = q_next;
            screened += 1;
            let other_failure = rng::uniform(&mut screening) < model.screen_failure;
            let (true_s, observed_s) = match biomarker {
                Some(b) => {
                    let log_true = b.mu + b.sigma * rng::normal(&mut screening);
                    let log_observed = log_true + b.assay_sigma * rng::normal(&mut screening);
                    (b.stratum_of(log_true), b.stratum_of(log_observed))
                }
                None => (0, 0),
            };
            let e_event = rng::exponential(&mut outcome);
            // Without dropout the stream is not drawn from at all (it is used for nothing else).
            let e_dropout = if has_dropout {
                rng::exponential(&mut dropout)
            } else {
                f64::INFINITY
            };
            // With [function], the patient's two normals (baseline score, own rate of decline).
            let (z_baseline, z_rate) = match &mut function_patient {
                Some(g) => (rng::standard_normal(g), rng::standard_normal(g)),
                None => (0.0, 0.0),
            };
            if other_failure || !eligible(t, observed_s) {
                continue;
            }
            if function_patient.is_some() {
                function_baseline[k] = z_baseline;
                function_rate[k] = z_rate;
            }
            entry[k] = t;
            true_stratum[k] = true_s as u32;
            observed_stratum[k] = observed_s as u32;
            event_times[k] = e_event;
            censor_times[k] = e_dropout;
            screened_by[k] = screened;
            k += 1;
        }

        // 2. Randomisation, in order of entry.
        for (arm, &observed_s) in treated_arm.iter_mut().zip(observed_stratum.iter()) {
            *arm = design
                .randomiser
                .assign(&mut self.blocks, observed_s as usize, || {
                    rng::uniform(&mut randomisation)
                });
        }

        // 3. Event and censoring times by inversion, and the calendar time of each event that
        //    is observed (+inf when censoring comes first).
        for k in 0..n {
            if let Some(f) = function {
                // The rate of decline reads the unit exponential of the death time (the copula).
                let z_risk = if f.death_correlation == 0.0 {
                    0.0
                } else {
                    FunctionModel::risk_score(event_times[k])
                };
                function_rate[k] = f.rate(true_stratum[k] as usize, z_risk, function_rate[k]);
            }
            let event_time =
                model.outcomes[true_stratum[k] as usize].event_time(treated_arm[k], event_times[k]);
            let dropout_time = model.dropout.time(treated_arm[k], censor_times[k]);
            let censor_time = if dropout_time < cap {
                dropout_time
            } else {
                cap
            };
            event_times[k] = event_time;
            censor_times[k] = censor_time;
            event_calendar[k] = if event_time <= censor_time {
                entry[k] + event_time
            } else {
                f64::INFINITY
            };
        }

        // 4. Function trajectories: the scores at the visits each patient lives and stays to
        //    see (before death, not after censoring); the others are never seen, get no noise
        //    draw and are left NaN.
        if let Some(f) = function {
            self.function_scores.resize(n * f.visits.len(), 0.0);
            let mut noise = streams.rng(Purpose::FunctionNoise, replicate);
            let scores = self.function_scores.chunks_exact_mut(f.visits.len());
            for (k, row) in scores.enumerate() {
                let s = true_stratum[k] as usize;
                let baseline = f.baseline.mean + f.baseline.sd * function_baseline[k];
                function_baseline[k] = baseline;
                let (rate, death, last) = (function_rate[k], event_times[k], censor_times[k]);
                for (score, &v) in row.iter_mut().zip(&f.visits) {
                    *score = if v < death && v <= last {
                        let e = rng::standard_normal(&mut noise);
                        let mean = baseline - f.decline_by(s, treated_arm[k], rate, v);
                        FunctionModel::observed(mean + f.noise_sd * e)
                    } else {
                        f64::NAN
                    };
                }
            }
        }
    }

    /// The calendar time of the design's analysis.
    pub fn analysis_time(&mut self, analysis: AnalysisSpec) -> AnalysisTime {
        match analysis {
            AnalysisSpec::Calendar(t) => AnalysisTime {
                time: t,
                reached: true,
            },
            AnalysisSpec::AfterLast(d) => AnalysisTime {
                time: self.entry.last().copied().unwrap_or(0.0) + d,
                reached: true,
            },
            AnalysisSpec::Events(k) => self.time_of_event(k as usize),
        }
    }

    /// The calendar time of the k-th observed event (k >= 1), or, if fewer than k events will
    /// ever be observed, the time of the last one (`reached = false`).
    pub fn time_of_event(&mut self, k: usize) -> AnalysisTime {
        let floor = self.entry.last().copied().unwrap_or(0.0);
        let times = self
            .event_calendar
            .iter()
            .copied()
            .filter(|t| t.is_finite());
        kth_time(&mut self.scratch, times, k, floor)
    }

    /// The calendar time of the k-th event (k >= 1) observed strictly after calendar time
    /// `after` among patients whose observed stratum is in the bit set `strata`, or, if fewer
    /// than k such events will ever be observed, the time of the last one (or `after` when there
    /// is none), with `reached = false`: the end of an adaptive design's second stage.
    pub fn time_of_event_in(&mut self, strata: u32, after: f64, k: usize) -> AnalysisTime {
        let times = self
            .event_calendar
            .iter()
            .zip(&self.observed_stratum)
            .filter(|&(&t, &s)| t.is_finite() && t > after && strata >> s & 1 == 1)
            .map(|(&t, _)| t);
        kth_time(&mut self.scratch, times, k.max(1), after)
    }

    /// The function scores as observed at calendar time `t` (with `[function]`; empty
    /// otherwise): for each patient randomised by t, in order of entry (the rows of
    /// [`Cohort::cut`]), the scheduled visits `v` with `v` before their death (`v < T`), not
    /// after their censoring (`v <= C`) and not after the cut (`entry + v <= t`).
    pub fn visits_at(&self, model: &Model, t: f64, out: &mut Visits) {
        out.clear();
        let Some(f) = model.function.as_ref() else {
            return;
        };
        let m = self.entry.partition_point(|&e| e <= t);
        let v = f.visits.len();
        // Every patient's visits are a prefix of the schedule: copy each prefix whole.
        for k in 0..m {
            let last = (t - self.entry[k]).min(self.censor_time[k]);
            let death = self.event_time[k];
            let seen = f
                .visits
                .iter()
                .take_while(|&&time| time < death && time <= last)
                .count();
            out.push_patient_with(
                self.treated[k],
                self.observed_stratum[k],
                &f.visits[..seen],
                &self.function_scores[k * v..k * v + seen],
            );
        }
    }

    /// The data as observed at calendar time `t`: patients randomised by t, each followed until
    /// their event, their censoring or t, whichever comes first. An event at exactly t is observed.
    pub fn cut(&self, t: f64, out: &mut Cut) {
        let m = self.entry.partition_point(|&e| e <= t);
        out.time.clear();
        out.event.clear();
        out.treated.clear();
        out.stratum.clear();
        let mut events = 0;
        // Written without data-dependent branches (half the patients have had their event).
        for (((&entry, &event_time), &censor_time), &event_at) in self.entry[..m]
            .iter()
            .zip(&self.event_time)
            .zip(&self.censor_time)
            .zip(&self.event_calendar)
        {
            let observed = event_at <= t;
            // min(event, censoring, cut): the event time when the event is observed (up to one
            // ulp of rounding in t - entry), else the censoring or the cut, whichever is first.
            // (min by comparison: none of these is NaN, and f64::min adds a NaN fix-up)
            let ended = if event_time < censor_time {
                event_time
            } else {
                censor_time
            };
            let followed = t - entry;
            out.time
                .push(if ended < followed { ended } else { followed });
            out.event.push(observed);
            events += u32::from(observed);
        }
        out.treated.extend_from_slice(&self.treated[..m]);
        out.stratum.extend_from_slice(&self.observed_stratum[..m]);
        out.screened = if m > 0 { self.screened_by[m - 1] } else { 0 };
        out.events = events;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    const SCENARIO: &str = r#"
name = "switch"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.1
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low = { median = 30.0 }
moderate = { median = 30.0 }
high = { median = 12.0 }
[effect]
hazard_ratio = 0.8
[enrolment]
rate = 10.0
[dropout]
per_year = 0.05
[design]
sample_size = 300
analysis = { events = 150 }
"#;

    #[test]
    fn switching_keeps_the_patients_before_and_admits_only_the_new_strata_after() {
        let scenario = Scenario::parse(SCENARIO, "test.toml", &[]).unwrap();
        let (model, design) = crate::model::resolve(&scenario, "test.toml").unwrap();
        let streams = Streams::new(11);
        let (mut all, mut switched) = (Cohort::default(), Cohort::default());
        all.simulate(&model, &design, &streams, 5);
        let time = 12.0;
        switched.simulate_switching(
            &model,
            &design,
            &streams,
            5,
            EligibilitySwitch {
                time,
                strata: 0b011,
            },
        );
        let before = all.entry.partition_point(|&e| e <= time);
        assert!(before > 50 && before < 300, "{before}");
        assert_eq!(switched.entry.partition_point(|&e| e <= time), before);
        // The same patients, arms and fates (bit for bit) up to the switch.
        assert_eq!(all.entry[..before], switched.entry[..before]);
        assert_eq!(all.treated[..before], switched.treated[..before]);
        assert_eq!(all.event_time[..before], switched.event_time[..before]);
        assert_eq!(all.censor_time[..before], switched.censor_time[..before]);
        assert_eq!(
            all.observed_stratum[..before],
            switched.observed_stratum[..before]
        );
        // Afterwards only low and moderate, until the sample size.
        assert_eq!(switched.len(), 300);
        assert!(switched.observed_stratum[before..].iter().all(|&s| s < 2));
        assert!(all.observed_stratum[before..].contains(&2));
        // Screening runs longer to find them.
        assert!(switched.screened_by[299] > all.screened_by[299]);
    }

    #[test]
    fn events_after_a_time_in_some_strata() {
        let scenario = Scenario::parse(SCENARIO, "test.toml", &[]).unwrap();
        let (model, design) = crate::model::resolve(&scenario, "test.toml").unwrap();
        let mut c = Cohort::default();
        c.simulate(&model, &design, &Streams::new(3), 0);
        let after = 20.0;
        let mut times: Vec<f64> = c
            .event_calendar
            .iter()
            .zip(&c.observed_stratum)
            .filter(|&(&t, &s)| t.is_finite() && t > after && s != 2)
            .map(|(&t, _)| t)
            .collect();
        times.sort_by(f64::total_cmp);
        let at = c.time_of_event_in(0b011, after, 40);
        assert!(at.reached);
        assert_eq!(at.time, times[39]);
        let never = c.time_of_event_in(0b011, after, times.len() + 1);
        assert!(!never.reached);
        assert_eq!(never.time, *times.last().unwrap());
        // A cut restricted to strata: the rows of those strata, in order.
        let mut cut = Cut::default();
        c.cut(40.0, &mut cut);
        let mut sub = Cut::default();
        cut.restrict(0b100, &mut sub);
        let rows: Vec<usize> = (0..cut.time.len())
            .filter(|&i| cut.stratum[i] == 2)
            .collect();
        assert_eq!(
            sub.time,
            rows.iter().map(|&i| cut.time[i]).collect::<Vec<_>>()
        );
        assert_eq!(
            sub.treated,
            rows.iter().map(|&i| cut.treated[i]).collect::<Vec<_>>()
        );
        assert_eq!(
            sub.events as usize,
            rows.iter().filter(|&&i| cut.event[i]).count()
        );
    }
}
