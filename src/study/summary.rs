//! The summary of a run: proportions with Monte Carlo standard errors and Wilson intervals,
//! means and quantiles, reduced serially in replicate order (so the bytes never depend on
//! the thread split).

use crate::analytic::PriorSummary;
use crate::model::Design;
use crate::model::prior::EffectPrior;
use crate::simulation::engine::TrialOutcome;
use crate::stats::descriptive::{quantile_sorted, wilson};
use serde::Serialize;

/// Mean randomised per trial in one TRUE stratum.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StratumMean {
    /// Stratum name.
    pub stratum: String,
    /// Whether its OBSERVED values are eligible.
    pub eligible: bool,
    /// Mean number randomised whose true stratum is this one.
    pub randomised_mean: f64,
}

/// One analysis (look) of the design, across replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageSummary {
    /// Look number, 1-based.
    pub look: usize,
    /// Planned events at the look (None for a fixed design analysed at a calendar time).
    pub planned_events: Option<u32>,
    /// Efficacy z bound at the look, at its planned information.
    pub efficacy_bound: f64,
    /// Futility z bound at the look (None where there is none).
    pub futility_bound: Option<f64>,
    /// Fraction of replicates that performed this analysis.
    pub reached_prob: f64,
    /// Fraction of replicates stopping for efficacy here (rejecting, at the final look).
    pub efficacy_prob: f64,
    /// Fraction of replicates stopping for futility here.
    pub futility_prob: f64,
    /// Two-sided designs (`sided = 2`): the lower (harm) z bound -b_k at the look, planned
    /// (absent for one-sided designs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<f64>,
    /// Two-sided designs: fraction of replicates stopping for harm here, Z_k <= -b_k (absent
    /// for one-sided designs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harm_prob: Option<f64>,
    /// Mean events at this analysis, among replicates that performed it.
    pub events_mean: f64,
    /// Mean calendar time of this analysis, months, among replicates that performed it.
    pub time_mean: f64,
    /// Standard deviation of that time.
    pub time_sd: f64,
    /// Mean patients randomised by this analysis, among replicates that performed it.
    pub randomised_mean: f64,
}

/// One hypothesis (population) across replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HypothesisSummary {
    /// Population name ("primary" for a design without `[design.hypotheses]`).
    pub name: String,
    /// Its observed strata.
    pub strata: Vec<String>,
    /// Whether it is the primary hypothesis.
    pub primary: bool,
    /// Fraction of replicates rejecting it (at any look).
    pub reject_prob: f64,
    /// Monte Carlo SE of that fraction.
    pub reject_se: f64,
    /// Fraction of replicates in which the population is tested at the last analysis: 1 for a
    /// non-adaptive design; for an adaptive design, the fraction selected at the interim for
    /// the second stage (as rpact's `selectedPopulations` at stage 2).
    pub selected_prob: f64,
}

/// The rejection probability of one test of `design.tests`, on the same replicates as the
/// primary test.
#[derive(Clone, Debug, PartialEq)]
pub struct TestPower {
    /// The test's canonical name, e.g. `fh(0,1)`.
    pub test: String,
    /// Fraction of replicates in which it rejects.
    pub power: f64,
    /// Its Monte Carlo standard error.
    pub power_se: f64,
    /// For a `slope` test, its closed-form power with complete follow-up (no death, no
    /// dropout, every visit seen): beside `power`, what death truncation costs.
    pub closed_form: Option<crate::analytic::function::SlopePower>,
}

/// The tests of `design.tests` in their order; serialised as a JSON object
/// `{ NAME: { power, power_se }, ... }` in that order.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TestPowers(pub Vec<TestPower>);

impl TestPowers {
    /// No further tests.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for TestPowers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        #[derive(Serialize)]
        struct Entry {
            power: f64,
            power_se: f64,
            #[serde(skip_serializing_if = "Option::is_none")]
            closed_form_without_death: Option<crate::analytic::function::SlopePower>,
        }
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for t in &self.0 {
            map.serialize_entry(
                &t.test,
                &Entry {
                    power: t.power,
                    power_se: t.power_se,
                    closed_form_without_death: t.closed_form,
                },
            )?;
        }
        map.end()
    }
}

/// What a run reports. Field names are a contract (docs/output.md): extend, never rename.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Replicates summarised.
    pub reps: u64,
    /// True when the run was stopped (Ctrl-C) before all its replicates were simulated: the
    /// summary is then of the first `reps` replicates (absent from complete runs).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// Replicates the stopped run was asked for (absent from complete runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reps_planned: Option<u64>,
    /// Master seed.
    pub seed: u64,
    /// One-sided level.
    pub alpha: f64,
    /// Critical value z_(1 - alpha).
    pub z_critical: f64,
    /// The primary test, e.g. `stratified_logrank` or `fh(0,1)`.
    pub test: String,
    /// Fraction of replicates rejecting the primary hypothesis.
    pub power: f64,
    /// Its Monte Carlo standard error sqrt(p (1 - p) / R).
    pub power_se: f64,
    /// Lower end of the 95% Wilson (1927) score interval.
    pub power_lower: f64,
    /// Upper end of the 95% Wilson score interval.
    pub power_upper: f64,
    /// With `[prior]`: the assurance, the probability of success averaged over the prior (the
    /// fraction of replicates rejecting the primary hypothesis, each under its own drawn hazard
    /// ratios, which is also what `power` then holds). Absent without a prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<f64>,
    /// Its Monte Carlo SE sqrt(a (1 - a) / R).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance_se: Option<f64>,
    /// With `[prior]`: the prior, the closed-form assurance and the power conditional on the
    /// drawn hazard ratio by bin. Absent without a prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior: Option<crate::analytic::PriorSummary>,
    /// The closed-form power of the same scenario (`analytic::analytic_power`: Schoenfeld's
    /// drift at the average hazard ratio), beside the simulated one; `null` where no closed
    /// form applies.
    pub analytic_power: Option<f64>,
    /// The closed-form power with the log-rank's drift integrated over the expected risk sets
    /// (`analytic::logrank_drift`: no proportional-hazards assumption).
    pub analytic_power_logrank: Option<f64>,
    /// Why the closed form may differ from the simulation (non-proportional hazards, ...).
    pub analytic_notes: Vec<String>,
    /// Remarks on the design for people (e.g. interim looks that cost the fixed design's power);
    /// absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Mean events at the analysis.
    pub events_mean: f64,
    /// Mean patients randomised by the analysis.
    pub randomised_mean: f64,
    /// Mean patients screened to randomise them.
    pub screened_mean: f64,
    /// Screened per randomised (ratio of means).
    pub screened_per_randomised: f64,
    /// Mean calendar time of the analysis, months from the first screening.
    pub duration_mean: f64,
    /// Standard deviation of the analysis time across replicates.
    pub duration_sd: f64,
    /// 2.5% quantile of the analysis time.
    pub duration_lower: f64,
    /// 97.5% quantile of the analysis time.
    pub duration_upper: f64,
    /// Median of the Cox hazard-ratio estimates.
    pub hr_median: f64,
    /// 2.5% quantile of the Cox hazard-ratio estimates.
    pub hr_lower: f64,
    /// 97.5% quantile of the Cox hazard-ratio estimates.
    pub hr_upper: f64,
    /// Replicates whose hazard ratio could not be estimated (left out of its quantiles).
    pub hr_not_estimable: u64,
    /// Mean log-rank z.
    pub z_mean: f64,
    /// Fraction of replicates that could never reach the design's event count.
    pub events_not_reached: f64,
    /// Fraction of randomised patients whose observed stratum differs from their true one.
    pub misclassified_fraction: f64,
    /// Fraction of randomised patients whose TRUE stratum is not eligible.
    pub true_ineligible_fraction: f64,
    /// Mean randomised per true stratum.
    pub randomised_by_true_stratum: Vec<StratumMean>,
    /// Fraction of replicates stopped for futility at an interim look.
    pub futility_prob: f64,
    /// Two-sided designs (`sided = 2`): 2, absent for one-sided designs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sided: Option<u8>,
    /// Two-sided designs: fraction of replicates stopped for harm (Z_k <= -b_k at some look,
    /// the final one included); absent for one-sided designs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harm_prob: Option<f64>,
    /// Its Monte Carlo SE sqrt(p (1 - p) / R).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub harm_se: Option<f64>,
    /// One entry per analysis (a single one for a fixed design). The top-level means are the
    /// expected totals at stopping.
    pub stages: Vec<StageSummary>,
    /// The further tests of `design.tests` on the same replicates (absent from the JSON when
    /// there are none).
    #[serde(skip_serializing_if = "TestPowers::is_empty")]
    pub tests: TestPowers,
    /// Per hypothesis (a single "primary" without `[design.hypotheses]`).
    pub hypotheses: Vec<HypothesisSummary>,
    /// Fraction of replicates rejecting at least one hypothesis.
    pub reject_any: f64,
    /// Its Monte Carlo SE.
    pub reject_any_se: f64,
    /// With `[design.reestimation]`: the final deaths chosen at the interim, their spread, the
    /// zones and the duration of the trials re-estimated. Absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reestimation: Option<ReestimationSummary>,
    /// Whether the design has `[design.hypotheses]` (the text, CSV and Markdown reports then
    /// show the hypotheses).
    #[serde(skip)]
    pub has_hypotheses: bool,
    /// Whether the design is adaptive (the reports then show the selection fractions).
    #[serde(skip)]
    pub adaptive: bool,
    /// Wall time of the simulation, seconds (the only field that varies between identical runs).
    pub elapsed_s: f64,
}

fn mean(values: impl Iterator<Item = f64>, n: f64) -> f64 {
    if n == 0.0 {
        f64::NAN
    } else {
        values.sum::<f64>() / n
    }
}

/// Sample standard deviation (n - 1 denominator), two-pass for accuracy.
fn sd(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = values.clone().count() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let m = values.clone().sum::<f64>() / n;
    (values.map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt()
}

impl Summary {
    /// Summarises outcomes (in replicate order).
    pub fn new(
        scenario: &str,
        seed: u64,
        strata: &[String],
        design: &Design,
        outcomes: &[TrialOutcome],
    ) -> Summary {
        let n = outcomes.len() as f64;
        let rejections = outcomes.iter().filter(|o| o.reject).count() as f64;
        let power = if n > 0.0 { rejections / n } else { f64::NAN };
        let (power_lower, power_upper) = wilson(rejections, n);
        let mut hrs: Vec<f64> = outcomes
            .iter()
            .map(|o| o.hr)
            .filter(|h| h.is_finite() && *h > 0.0)
            .collect();
        hrs.sort_by(f64::total_cmp);
        let mut durations: Vec<f64> = outcomes.iter().map(|o| o.duration).collect();
        durations.sort_by(f64::total_cmp);
        let randomised_total: f64 = outcomes.iter().map(|o| o.randomised as f64).sum();
        let screened_total: f64 = outcomes.iter().map(|o| o.screened as f64).sum();
        let reject_any = mean(
            outcomes
                .iter()
                .map(|o| f64::from(u8::from(o.rejected != 0))),
            n,
        );
        let two_sided = design
            .sequential
            .as_ref()
            .is_some_and(|p| p.design.sided() == 2);
        let lower_stop = design
            .sequential
            .as_ref()
            .is_some_and(|p| p.design.has_lower_stop());
        let harm = mean(outcomes.iter().map(|o| f64::from(u8::from(o.harm))), n);
        let share = |count: f64| {
            if randomised_total > 0.0 {
                count / randomised_total
            } else {
                f64::NAN
            }
        };
        Summary {
            scenario: scenario.to_string(),
            reps: outcomes.len() as u64,
            partial: false,
            reps_planned: None,
            seed,
            alpha: design.alpha,
            z_critical: design.z_critical,
            test: design.test.to_string(),
            power,
            power_se: (power * (1.0 - power) / n).sqrt(),
            power_lower,
            power_upper,
            assurance: None,
            assurance_se: None,
            prior: None,
            analytic_power: None,
            analytic_power_logrank: None,
            analytic_notes: Vec::new(),
            notes: Vec::new(),
            events_mean: mean(outcomes.iter().map(|o| o.events as f64), n),
            randomised_mean: randomised_total / n,
            screened_mean: screened_total / n,
            screened_per_randomised: screened_total / randomised_total,
            duration_mean: mean(outcomes.iter().map(|o| o.duration), n),
            duration_sd: sd(outcomes.iter().map(|o| o.duration)),
            duration_lower: quantile_sorted(&durations, 0.025),
            duration_upper: quantile_sorted(&durations, 0.975),
            hr_median: quantile_sorted(&hrs, 0.5),
            hr_lower: quantile_sorted(&hrs, 0.025),
            hr_upper: quantile_sorted(&hrs, 0.975),
            hr_not_estimable: (outcomes.len() - hrs.len()) as u64,
            z_mean: mean(outcomes.iter().map(|o| o.z), n),
            events_not_reached: mean(outcomes.iter().map(|o| f64::from(u8::from(!o.reached))), n),
            misclassified_fraction: share(outcomes.iter().map(|o| o.misclassified as f64).sum()),
            true_ineligible_fraction: share(
                outcomes.iter().map(|o| o.true_ineligible as f64).sum(),
            ),
            randomised_by_true_stratum: strata
                .iter()
                .enumerate()
                .map(|(s, name)| StratumMean {
                    stratum: name.clone(),
                    eligible: design.eligible[s],
                    randomised_mean: mean(outcomes.iter().map(|o| o.by_true_stratum[s] as f64), n),
                })
                .collect(),
            futility_prob: mean(outcomes.iter().map(|o| f64::from(u8::from(o.futility))), n),
            sided: two_sided.then_some(2),
            harm_prob: lower_stop.then_some(harm),
            harm_se: lower_stop.then(|| (harm * (1.0 - harm) / n).sqrt()),
            stages: stages(design, outcomes),
            tests: TestPowers(
                design
                    .tests
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let x = outcomes
                            .iter()
                            .filter(|o| o.tests_reject >> i & 1 == 1)
                            .count() as f64;
                        let p = if n > 0.0 { x / n } else { f64::NAN };
                        TestPower {
                            test: t.to_string(),
                            power: p,
                            power_se: (p * (1.0 - p) / n).sqrt(),
                            closed_form: None,
                        }
                    })
                    .collect(),
            ),
            hypotheses: hypotheses(strata, design, outcomes),
            reestimation: design
                .reestimation
                .as_ref()
                .map(|plan| ReestimationSummary::new(plan, outcomes)),
            reject_any,
            reject_any_se: (reject_any * (1.0 - reject_any) / n).sqrt(),
            has_hypotheses: design.hypotheses.is_some(),
            adaptive: design.adaptive.is_some(),
            elapsed_s: 0.0,
        }
    }

    /// Adds the prior's report ([`crate::analytic::prior_summary`]) and the assurance, which is the
    /// power over the prior's draws.
    pub fn with_prior(mut self, prior: crate::analytic::PriorSummary) -> Summary {
        self.assurance = Some(self.power);
        self.assurance_se = Some(self.power_se);
        self.prior = Some(prior);
        self
    }
}

/// One zone of a re-estimation rule across replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ZoneSummary {
    /// The zone's name: `decrease`, `unchanged`, `increase` (rule `rpact`) or `unfavourable`,
    /// `promising`, `favourable` (rule `promising_zone`).
    pub zone: String,
    /// Fraction of all replicates the interim put in this zone.
    pub prob: f64,
    /// Its Monte Carlo SE sqrt(p (1 - p) / R).
    pub prob_se: f64,
    /// Fraction of the replicates in the zone rejecting the primary hypothesis (NaN when none).
    pub reject_prob: f64,
    /// Mean final deaths of the replicates in the zone (NaN when none).
    pub final_events_mean: f64,
}

/// A bin of the distribution of the final deaths: the replicates with `from <= D* <= to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventsBin {
    /// Smallest count in the bin.
    pub from: u32,
    /// Largest count in the bin.
    pub to: u32,
    /// Replicates in it.
    pub count: u64,
}

/// Quantiles reported of the final deaths.
pub const FINAL_EVENTS_QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Bins of the final deaths' histogram.
const EVENTS_BINS: u32 = 10;

/// Event re-estimation across replicates (`[design.reestimation]`). "Re-estimated" replicates
/// are those that went past the interim to a final analysis at the deaths the rule chose (the
/// others stopped for efficacy or futility at the interim, or never reached it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReestimationSummary {
    /// The rule (`rpact` or `promising_zone`).
    pub rule: String,
    /// The final test (`chw` or `conditional_error`).
    pub test: String,
    /// The effect of the conditional power (`observed`, `planned` or `mix`).
    pub effect: String,
    /// The conditional power target.
    pub conditional_power: f64,
    /// Deaths at the interim.
    pub interim_events: u32,
    /// Planned final deaths (`design.analysis.events`).
    pub planned_events: u32,
    /// Smallest final deaths allowed.
    pub min_events: u32,
    /// Largest final deaths allowed.
    pub max_events: u32,
    /// Fraction of replicates re-estimated.
    pub reestimated_prob: f64,
    /// The rule's three zones.
    pub zones: Vec<ZoneSummary>,
    /// Mean final deaths of the re-estimated replicates: the trial's deaths at its final
    /// analysis (with adaptive enrichment, those of the populations dropped at the interim
    /// included, whereas the rule counts the selected populations' deaths only).
    pub final_events_mean: f64,
    /// Their standard deviation.
    pub final_events_sd: f64,
    /// Their quantiles at [`FINAL_EVENTS_QUANTILES`] (5%, 25%, 50%, 75%, 95%).
    pub final_events_quantiles: Vec<f64>,
    /// Their histogram: up to 10 bins of equal width from the smallest count (`min_events`, or
    /// less when a trial could not reach its count) to `max_events` (or the most deaths seen,
    /// when above).
    pub final_events_histogram: Vec<EventsBin>,
    /// Mean duration (months from the first screening to the final analysis) of the
    /// re-estimated replicates.
    pub final_duration_mean: f64,
    /// Its standard deviation.
    pub final_duration_sd: f64,
    /// Its 2.5% quantile.
    pub final_duration_lower: f64,
    /// Its 97.5% quantile.
    pub final_duration_upper: f64,
}

impl ReestimationSummary {
    /// Summarises the outcomes (in replicate order) of a re-estimation design.
    pub fn new(
        plan: &crate::design::reestimation::ReestimationPlan,
        outcomes: &[TrialOutcome],
    ) -> ReestimationSummary {
        let n = outcomes.len() as f64;
        let done: Vec<&TrialOutcome> = outcomes.iter().filter(|o| o.zone != 0).collect();
        let m = done.len() as f64;
        let mut events: Vec<f64> = done.iter().map(|o| o.events as f64).collect();
        events.sort_by(f64::total_cmp);
        let mut durations: Vec<f64> = done.iter().map(|o| o.duration).collect();
        durations.sort_by(f64::total_cmp);
        let zones = plan
            .rule
            .zone_names()
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let here: Vec<&&TrialOutcome> =
                    done.iter().filter(|o| o.zone as usize == k + 1).collect();
                let c = here.len() as f64;
                let p = c / n;
                ZoneSummary {
                    zone: (*name).to_string(),
                    prob: p,
                    prob_se: (p * (1.0 - p) / n).sqrt(),
                    reject_prob: mean(here.iter().map(|o| f64::from(u8::from(o.reject))), c),
                    final_events_mean: mean(here.iter().map(|o| o.events as f64), c),
                }
            })
            .collect();
        let lo = done
            .iter()
            .map(|o| o.events)
            .min()
            .map_or(plan.min_events, |e| e.min(plan.min_events));
        // (with adaptive enrichment the trial's deaths include those of the populations
        // dropped at the interim, so they may pass max_events)
        let hi = done
            .iter()
            .map(|o| o.events)
            .max()
            .map_or(plan.max_events, |e| e.max(plan.max_events))
            .max(lo);
        let width = (hi - lo + 1).div_ceil(EVENTS_BINS);
        let mut histogram: Vec<EventsBin> = (0..(hi - lo + 1).div_ceil(width))
            .map(|b| EventsBin {
                from: lo + b * width,
                to: (lo + (b + 1) * width - 1).min(hi),
                count: 0,
            })
            .collect();
        for o in &done {
            let b = ((o.events.clamp(lo, hi) - lo) / width) as usize;
            histogram[b].count += 1;
        }
        ReestimationSummary {
            rule: plan.rule.name().into(),
            test: plan.test.name().into(),
            effect: plan.effect.name().into(),
            conditional_power: plan.target,
            interim_events: plan.interim_events,
            planned_events: plan.planned_events,
            min_events: plan.min_events,
            max_events: plan.max_events,
            reestimated_prob: m / n,
            zones,
            final_events_mean: mean(events.iter().copied(), m),
            final_events_sd: sd(events.iter().copied()),
            final_events_quantiles: FINAL_EVENTS_QUANTILES
                .iter()
                .map(|&q| quantile_sorted(&events, q))
                .collect(),
            final_events_histogram: histogram,
            final_duration_mean: mean(durations.iter().copied(), m),
            final_duration_sd: sd(durations.iter().copied()),
            final_duration_lower: quantile_sorted(&durations, 0.025),
            final_duration_upper: quantile_sorted(&durations, 0.975),
        }
    }
}

/// Per-hypothesis rejection and selection fractions.
fn hypotheses(
    strata: &[String],
    design: &Design,
    outcomes: &[TrialOutcome],
) -> Vec<HypothesisSummary> {
    let n = outcomes.len() as f64;
    let names = design.hypothesis_names();
    let primary = design.primary();
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let population: Vec<String> = match &design.hypotheses {
                Some(h) => h.populations[i]
                    .strata
                    .iter()
                    .map(|&j| strata[j].clone())
                    .collect(),
                None => design
                    .eligible_strata
                    .iter()
                    .map(|&j| strata[j].clone())
                    .collect(),
            };
            let share = |bits: fn(&TrialOutcome) -> u8| {
                mean(outcomes.iter().map(|o| f64::from(bits(o) >> i & 1)), n)
            };
            let p = share(|o| o.rejected);
            HypothesisSummary {
                name,
                strata: population,
                primary: i == primary,
                reject_prob: p,
                reject_se: (p * (1.0 - p) / n).sqrt(),
                selected_prob: share(|o| o.selected),
            }
        })
        .collect()
}

/// Per-look summaries.
fn stages(design: &Design, outcomes: &[TrialOutcome]) -> Vec<StageSummary> {
    let n = outcomes.len() as f64;
    let plan = design.sequential.as_ref();
    let adaptive = design.adaptive.as_ref();
    // designs stopping at a lower bound: two-sided (sided = 2) and asymmetric (lower)
    let two_sided = plan.filter(|p| p.design.has_lower_stop());
    let reest = design.reestimation.as_ref();
    let looks = match (plan, adaptive, reest) {
        (Some(p), _, _) => p.events.len(),
        (None, Some(_), _) | (None, None, Some(_)) => 2,
        (None, None, None) => 1,
    };
    (0..looks)
        .map(|k| {
            let here: Vec<&TrialOutcome> =
                outcomes.iter().filter(|o| o.looks as usize > k).collect();
            let m = here.len() as f64;
            let stopped_here = |o: &&&TrialOutcome| o.looks as usize == k + 1;
            StageSummary {
                look: k + 1,
                planned_events: match (plan, adaptive, reest) {
                    (Some(p), _, _) => Some(p.events[k]),
                    (None, Some(a), _) => Some([a.interim_events, a.final_events][k]),
                    (None, None, Some(r)) => Some([r.interim_events, r.planned_events][k]),
                    (None, None, None) => match design.analysis {
                        crate::scenario::AnalysisSpec::Events(e) => Some(e),
                        _ => None,
                    },
                },
                efficacy_bound: match (plan, adaptive, reest) {
                    (Some(p), _, _) => p.efficacy[k],
                    (None, Some(a), _) => a.test.critical[k],
                    (None, None, Some(r)) => r.critical[k],
                    (None, None, None) => design.z_critical,
                },
                // (two-sided: |z| below it stops; a bound of 0 is no inner interval)
                futility_bound: match (plan, reest) {
                    (Some(p), _) => Some(p.futility[k]),
                    (None, Some(r)) if k == 0 => Some(r.futility),
                    _ => None,
                }
                .filter(|f| f.is_finite() && !(two_sided.is_some() && *f <= 0.0)),
                reached_prob: m / n,
                efficacy_prob: here
                    .iter()
                    .filter(stopped_here)
                    .filter(|o| o.reject)
                    .count() as f64
                    / n,
                futility_prob: here
                    .iter()
                    .filter(stopped_here)
                    .filter(|o| o.futility)
                    .count() as f64
                    / n,
                lower_bound: two_sided.map(|p| p.lower[k]),
                harm_prob: two_sided.map(|_| {
                    here.iter().filter(stopped_here).filter(|o| o.harm).count() as f64 / n
                }),
                events_mean: mean(here.iter().map(|o| o.look_events[k] as f64), m),
                time_mean: mean(here.iter().map(|o| o.look_time[k]), m),
                time_sd: sd(here.iter().map(|o| o.look_time[k])),
                randomised_mean: mean(here.iter().map(|o| o.look_randomised[k] as f64), m),
            }
        })
        .collect()
}

/// Fills the bins of a prior's report with the replicates whose drawn hazard ratio
/// (`TrialOutcome::true_hr`, of the prior's binning entry) fell in each, and their power with
/// its Monte Carlo SE and 95% Wilson interval.
pub fn bin_by_drawn_hr(prior: &EffectPrior, report: &mut PriorSummary, outcomes: &[TrialOutcome]) {
    let bins = &mut report.bins;
    let mut successes = vec![0u64; bins.len()];
    for o in outcomes {
        let i = prior.edges.partition_point(|&e| e <= o.true_hr);
        bins[i].reps += 1;
        successes[i] += u64::from(o.reject);
    }
    for (bin, &x) in bins.iter_mut().zip(&successes) {
        if bin.reps > 0 {
            let n = bin.reps as f64;
            let p = x as f64 / n;
            let (lo, hi) = wilson(x as f64, n);
            bin.power = p;
            bin.power_se = (p * (1.0 - p) / n).sqrt();
            bin.power_lower = lo;
            bin.power_upper = hi;
        }
    }
}
