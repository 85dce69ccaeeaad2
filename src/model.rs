//! Resolution of a checked scenario into the two halves the engine uses:
//! the [`Model`] (who is screened and what happens to them) and the [`Design`] (who is
//! randomised, when and how the data are analysed, what is decided).

use crate::adaptive::AdaptivePlan;
use crate::calibration::TargetCheck;
use crate::enrolment::{Randomiser, Screening};
use crate::error::{Error, Result};
use crate::hypotheses::{DEFAULT_NAME, HypothesisPlan, Population as HypothesisPopulation};
use crate::multiplicity::{MAX_HYPOTHESES, Multiplicity, Procedure, SequentialFamily};
use crate::normal;
use crate::outcome::{Dropout, Hazard, StratumOutcome};
use crate::population::{Biomarker, Population};
use crate::prior::EffectPrior;
use crate::scenario::{
    AnalysisSpec, CalibrationPopulation, CalibrationSpec, FutilitySpec, Scenario, SequentialSpec,
    SurvivalAt, TestSpec,
};
use crate::sequential::{self, GroupSequentialDesign};

/// Who is screened and what happens to them: nature, not choices.
#[derive(Clone, Debug)]
pub struct Model {
    /// The screened population and its biomarker.
    pub population: Population,
    /// The screening process.
    pub screening: Screening,
    /// Fraction failing other criteria, independent of the biomarker.
    pub screen_failure: f64,
    /// Event-time model per TRUE stratum.
    pub outcomes: Vec<StratumOutcome>,
    /// Loss to follow-up.
    pub dropout: Dropout,
    /// The prior of the true hazard ratios, drawn once per replicate (None: fixed).
    pub prior: Option<EffectPrior>,
}

/// The trial's choices: eligibility, size, randomisation, analysis time and test.
#[derive(Clone, Debug)]
pub struct Design {
    /// Whether each OBSERVED stratum is admitted to randomisation.
    pub eligible: Vec<bool>,
    /// The admitted observed strata, ascending.
    pub eligible_strata: Vec<usize>,
    /// Patients randomised.
    pub sample_size: u32,
    /// Arm allocation.
    pub randomiser: Randomiser,
    /// Allocation ratio treatment : control.
    pub allocation: [u32; 2],
    /// When the data are cut.
    pub analysis: AnalysisSpec,
    /// Per-patient censoring this many months after randomisation.
    pub follow_up: Option<f64>,
    /// Whether the log-rank and Cox are stratified by observed stratum (the primary test's
    /// stratification).
    pub stratified: bool,
    /// The primary test (its rejection is `power`).
    pub test: TestSpec,
    /// Further tests evaluated at the analysis of the same replicates (fixed designs only).
    pub tests: Vec<TestSpec>,
    /// One-sided level.
    pub alpha: f64,
    /// Reject when z >= z_(1 - alpha).
    pub z_critical: f64,
    /// The group-sequential plan (None: one analysis).
    pub sequential: Option<SequentialPlan>,
    /// Hypotheses on populations (None: one hypothesis on all eligible strata).
    pub hypotheses: Option<HypothesisPlan>,
    /// Two-stage adaptive enrichment (with `hypotheses`).
    pub adaptive: Option<AdaptivePlan>,
}

impl Design {
    /// The names of the hypotheses, in order ([`DEFAULT_NAME`] for a design without
    /// `[design.hypotheses]`).
    pub fn hypothesis_names(&self) -> Vec<String> {
        match &self.hypotheses {
            Some(h) => h.populations.iter().map(|p| p.name.clone()).collect(),
            None => vec![DEFAULT_NAME.to_string()],
        }
    }

    /// The index of the primary hypothesis.
    pub fn primary(&self) -> usize {
        self.hypotheses.as_ref().map_or(0, |h| h.primary)
    }
}

/// Interim analyses at event counts, with their bounds.
///
/// Looks are taken when the trial reaches `events[k]` deaths, so the information fractions
/// actually observed are `events[k] / events[K-1]` in every replicate that reaches them: the
/// bounds are computed once at those fractions (what a data monitoring committee recomputing
/// the spending function at the observed information would get). A replicate that can never
/// reach its next look ends with a final analysis at its last event, whose bound is recomputed
/// at that observed fraction, spending all the remaining alpha.
#[derive(Clone, Debug)]
pub struct SequentialPlan {
    /// The design at the realised fractions.
    pub design: GroupSequentialDesign,
    /// Events at each look (the last is the final analysis's).
    pub events: Vec<u32>,
    /// Efficacy z bound at each look.
    pub efficacy: Vec<f64>,
    /// Futility z bound at each interim look (-inf where there is none).
    pub futility: Vec<f64>,
}

impl SequentialPlan {
    /// Builds the plan for `total` final events; `file` names the scenario in errors.
    fn new(
        spec: &SequentialSpec,
        total: u32,
        alpha: f64,
        allocation: [u32; 2],
        file: &str,
    ) -> Result<SequentialPlan> {
        let mut events: Vec<u32> = spec
            .looks
            .iter()
            .map(|t| (t * total as f64).round() as u32)
            .collect();
        events.push(total);
        let timing: Vec<f64> = events.iter().map(|&e| e as f64 / total as f64).collect();
        let ratio = allocation[0] as f64 / allocation[1] as f64;
        let mut design_spec = sequential::DesignSpec::new(spec.efficacy, alpha);
        design_spec.binding = spec.binding_futility;
        design_spec.futility = match &spec.futility {
            FutilitySpec::None => sequential::Futility::None,
            FutilitySpec::BetaSpending(f) => {
                design_spec.power = Some(spec.power);
                sequential::Futility::BetaSpending(*f)
            }
            FutilitySpec::ZBelow(z) => sequential::Futility::Z(z.clone()),
            FutilitySpec::HrAbove(hr) => sequential::Futility::Z(
                hr.iter()
                    .zip(&events)
                    .map(|(&h, &d)| sequential::z_from_hr(h, d as f64, ratio))
                    .collect(),
            ),
        };
        let design =
            GroupSequentialDesign::new(design_spec, timing).map_err(|e| Error::Scenario {
                file: file.to_string(),
                key: "design.sequential".into(),
                problem: "the group-sequential design cannot be computed".into(),
                value: format!("{:?}", spec.looks),
                allowed: e.to_string(),
            })?;
        let efficacy = design.efficacy().to_vec();
        let looks = events.len();
        let futility = match design.futility() {
            Some(f) => f
                .iter()
                .take(looks - 1)
                .copied()
                .chain([f64::NEG_INFINITY])
                .collect(),
            None => vec![f64::NEG_INFINITY; looks],
        };
        Ok(SequentialPlan {
            design,
            events,
            efficacy,
            futility,
        })
    }
}

/// Most patients a run may expect to screen to fill one trial (a guard against designs that
/// would screen for ever, such as an eligible stratum of prevalence 1e-12).
pub const MAX_EXPECTED_SCREENED: f64 = 1.0e7;

impl Model {
    /// The expected number screened to randomise the design's sample size:
    /// n / (P(observed eligible) (1 - screen failure)).
    pub fn expected_screened(&self, design: &Design) -> f64 {
        let p = self.population.eligible_fraction(&design.eligible_strata)
            * (1.0 - self.screen_failure);
        design.sample_size as f64 / p
    }

    /// The expected calendar time to randomise the sample size: Q^{-1}(expected screened).
    pub fn expected_enrolment_time(&self, design: &Design) -> f64 {
        self.screening
            .time_to_expect(self.expected_screened(design))
    }
}

/// Builds the model and the design from a checked scenario; `file` names it in errors.
pub fn resolve(scenario: &Scenario, file: &str) -> Result<(Model, Design)> {
    let population = Population {
        strata: scenario.strata.clone(),
        biomarker: scenario.biomarker.as_ref().map(Biomarker::from_spec),
    };
    let outcomes = scenario
        .control
        .iter()
        .zip(&scenario.effect.hazard_ratio)
        .zip(&scenario.effect.schedule)
        .map(|((spec, &hr), pieces)| {
            if pieces.is_empty() {
                StratumOutcome::new(Hazard::from_spec(spec), hr, scenario.effect.delay)
            } else {
                StratumOutcome::with_schedule(Hazard::from_spec(spec), pieces)
            }
        })
        .collect();
    let model = Model {
        population,
        screening: Screening::new(&scenario.enrolment.rate),
        screen_failure: scenario.enrolment.screen_failure,
        outcomes,
        dropout: Dropout::from_per_year(scenario.dropout.per_year),
        prior: None,
    };
    let d = &scenario.design;
    let mut eligible = vec![false; scenario.strata.len()];
    for &j in &d.eligible {
        eligible[j] = true;
    }
    let design = Design {
        eligible,
        eligible_strata: d.eligible.clone(),
        sample_size: d.sample_size,
        randomiser: Randomiser::new(d.randomisation, d.allocation, d.block_size),
        allocation: d.allocation,
        analysis: d.analysis,
        follow_up: d.follow_up,
        stratified: d.test.stratified,
        test: d.test.clone(),
        tests: d.tests.clone(),
        alpha: d.alpha,
        z_critical: normal::quantile(1.0 - d.alpha),
        sequential: match (&d.sequential, d.analysis) {
            (Some(spec), AnalysisSpec::Events(total)) => Some(SequentialPlan::new(
                spec,
                total,
                d.alpha,
                d.allocation,
                file,
            )?),
            _ => None,
        },
        hypotheses: None,
        adaptive: None,
    };
    let mut design = design;
    design.hypotheses = resolve_hypotheses(&design, d.hypotheses.as_ref(), file)?;
    if let (Some(spec), Some(h)) = (&d.adaptive, &design.hypotheses)
        && let AnalysisSpec::Events(total) = d.analysis
    {
        design.adaptive = Some(AdaptivePlan::new(spec, h.len(), total, d.alpha, file)?);
    }
    let expected = model.expected_screened(&design);
    if expected.is_nan() || expected > MAX_EXPECTED_SCREENED {
        let names: Vec<&str> = d
            .eligible
            .iter()
            .map(|&j| scenario.strata[j].as_str())
            .collect();
        return Err(Error::Scenario {
            file: file.to_string(),
            key: "design.eligible".into(),
            problem: format!(
                "the eligible strata are too rare: {expected:.3e} patients would be screened to randomise {}",
                d.sample_size
            ),
            value: format!("{names:?}"),
            allowed: format!(
                "strata whose observed prevalence needs at most {MAX_EXPECTED_SCREENED:.0e} screened"
            ),
        });
    }
    let mut model = model;
    if let Some(spec) = &scenario.prior {
        let shares = model.population.randomised_mix(&design.eligible_strata);
        model.prior = Some(EffectPrior::new(spec, &shares));
    }
    Ok((model, design))
}

/// Resolves `[design.hypotheses]`: the procedure's local-level table and, with interim looks,
/// the sequential designs at every local level.
fn resolve_hypotheses(
    design: &Design,
    spec: Option<&crate::scenario::HypothesesSpec>,
    file: &str,
) -> Result<Option<HypothesisPlan>> {
    let Some(spec) = spec else {
        return Ok(None);
    };
    let eligible = HypothesisPopulation::new("eligible", &design.eligible_strata);
    let mut whole = [false; MAX_HYPOTHESES];
    for (i, p) in spec.populations.iter().enumerate() {
        whole[i] = p.mask == eligible.mask;
    }
    let m = spec.populations.len();
    // A single population that is not all the eligible strata is tested alone at full alpha
    // (Bonferroni with weight 1), through the same machinery as several.
    let procedure = match (&spec.procedure, m) {
        (Some(p), _) => Some(p.clone()),
        (None, 1) => Some(Procedure::Bonferroni { weights: vec![1.0] }),
        (None, _) => None,
    };
    let multiplicity = procedure.map(|p| Multiplicity::new(p, m));
    let sequential = match (&multiplicity, &design.sequential) {
        (Some(mult), Some(plan)) if !mult.table.is_empty() => Some(
            SequentialFamily::new(
                mult,
                plan.design.spec().kind,
                plan.design.timing(),
                design.alpha,
            )
            .map_err(|e| Error::Scenario {
                file: file.to_string(),
                key: "design.hypotheses".into(),
                problem: "the group-sequential bounds at the local levels cannot be computed"
                    .into(),
                value: mult.procedure.name().into(),
                allowed: e.to_string(),
            })?,
        ),
        _ => None,
    };
    Ok(Some(HypothesisPlan {
        populations: spec.populations.clone(),
        primary: spec.primary,
        multiplicity,
        sequential,
        whole,
    }))
}

/// One stratum in the resolved model, as `enrichsim validate` prints it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StratumDescription {
    /// Stratum name.
    pub stratum: String,
    /// P(true stratum) among the screened.
    pub true_prevalence: f64,
    /// P(observed stratum) among the screened.
    pub observed_prevalence: f64,
    /// Whether the OBSERVED stratum is eligible.
    pub eligible: bool,
    /// P(true stratum | randomised): the mix the trial actually enrols.
    pub randomised_share: f64,
    /// Control median, months.
    pub control_median: f64,
    /// The survival point the control model was calibrated by (`{ survival = s, at = t }`),
    /// if it was given so.
    pub control_calibration: Option<SurvivalAt>,
    /// Control survival at 12 months.
    pub control_survival_12: f64,
    /// Control survival at 21 months.
    pub control_survival_21: f64,
    /// Treatment survival at 21 months.
    pub treatment_survival_21: f64,
    /// Hazard ratio after the delay (the last piece's, for a piecewise hazard ratio).
    pub hazard_ratio: f64,
    /// The hazard ratio over time since randomisation, e.g. `0.6`, or `1 from 0, 0.6 from 3`
    /// (months) for a delay or a piecewise hazard ratio.
    pub hazard_ratio_schedule: String,
    /// P(observed = j | true = this stratum), j over the strata.
    pub observed_given_true: Vec<f64>,
}

/// The resolved model, for `enrichsim validate`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ModelDescription {
    /// Scenario name.
    pub scenario: String,
    /// Per stratum.
    pub strata: Vec<StratumDescription>,
    /// P(observed stratum eligible) among the screened.
    pub eligible_fraction: f64,
    /// P(randomised) per screened: eligible fraction times (1 - screen failure).
    pub randomised_per_screened: f64,
    /// Expected patients screened to randomise the sample size.
    pub expected_screened: f64,
    /// Expected months from the first screening to the last randomisation.
    pub expected_enrolment_months: f64,
    /// Control survival of the randomised mix at 12 and 21 months.
    pub control_survival_12: f64,
    /// Control survival of the randomised mix at 21 months.
    pub control_survival_21: f64,
    /// Treatment survival of the randomised mix at 21 months.
    pub treatment_survival_21: f64,
    /// Months after randomisation before the effect starts.
    pub effect_delay: f64,
    /// Survival of the mixtures of strata, per arm, at 12 and 21 months and at each
    /// calibration target's time (ascending, without repeats).
    pub mixture_survival: Vec<MixtureSurvival>,
    /// The `[calibration]` targets against the model, if the scenario has any.
    pub calibration: Option<CalibrationReport>,
    /// The prior of the true hazard ratios (`[prior]`), with its closed-form assurance; absent
    /// without a prior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior: Option<crate::prior::PriorSummary>,
    /// Remarks for people.
    pub notes: Vec<String>,
}

/// The survival of a mixture of true strata at one time, `S_mix(t) = sum_i w_i S_i(t)` per arm,
/// for two mixes: the screened population (`w_i` = true prevalence: an all-comers trial) and the
/// randomised one (`w_i` = P(true i | measured stratum eligible)).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MixtureSurvival {
    /// Months after randomisation.
    pub months: f64,
    /// Control arm, screened population.
    pub screened_control: f64,
    /// Treatment arm, screened population.
    pub screened_treatment: f64,
    /// Control arm, randomised mix.
    pub randomised_control: f64,
    /// Treatment arm, randomised mix.
    pub randomised_treatment: f64,
}

/// `[calibration]` checked against the model.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CalibrationReport {
    /// The mix of strata the targets describe.
    pub population: CalibrationPopulation,
    /// One check per target, in the file's order.
    pub targets: Vec<TargetCheck>,
}

/// Times at which `validate` always shows the mixtures' survival, months: one year, and the
/// MIROCALS primary endpoint's 640 days rounded to 21 months as the trial reports it.
pub const SURVIVAL_TIMES: [f64; 2] = [12.0, 21.0];

impl Model {
    /// Survival at `t` months of a mixture of true strata in one arm:
    /// `S_mix(t) = sum_i w_i S_i(t)` with `weights` `w_i` (summing to 1) and `S_i` stratum i's
    /// survival in that arm.
    pub fn mixture_survival(&self, weights: &[f64], treated: bool, t: f64) -> f64 {
        self.outcomes
            .iter()
            .zip(weights)
            .map(|(o, w)| w * o.survival(treated, t))
            .sum()
    }

    /// The weights of a calibration population: the true prevalences (screened) or the
    /// randomised mix of `design`.
    pub fn population_weights(
        &self,
        population: CalibrationPopulation,
        design: &Design,
    ) -> Vec<f64> {
        match population {
            CalibrationPopulation::Screened => self.population.true_prevalence(),
            CalibrationPopulation::Randomised => {
                self.population.randomised_mix(&design.eligible_strata)
            }
        }
    }

    /// Describes a scenario's model and design in closed form (no simulation), with its control
    /// calibrations and its `[calibration]` targets checked against the model.
    pub fn describe_scenario(&self, scenario: &Scenario, design: &Design) -> ModelDescription {
        let mut description = self.describe(&scenario.name, design);
        for (s, point) in description
            .strata
            .iter_mut()
            .zip(&scenario.control_calibration)
        {
            s.control_calibration = *point;
        }
        if let Some(spec) = &scenario.calibration {
            description.add_calibration(self, design, spec);
        }
        description
    }

    /// Describes the model and design in closed form (no simulation).
    pub fn describe(&self, scenario: &str, design: &Design) -> ModelDescription {
        let true_p = self.population.true_prevalence();
        let observed_p = self.population.observed_prevalence();
        let mix = self.population.randomised_mix(&design.eligible_strata);
        let table = self.population.misclassification();
        let strata: Vec<StratumDescription> = self
            .population
            .strata
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let o = &self.outcomes[i];
                StratumDescription {
                    stratum: name.clone(),
                    true_prevalence: true_p[i],
                    observed_prevalence: observed_p[i],
                    eligible: design.eligible[i],
                    randomised_share: mix[i],
                    control_median: o.control.median(),
                    control_calibration: None,
                    control_survival_12: o.survival(false, 12.0),
                    control_survival_21: o.survival(false, 21.0),
                    treatment_survival_21: o.survival(true, 21.0),
                    hazard_ratio: o.hazard_ratio,
                    hazard_ratio_schedule: match o.schedule() {
                        Some(s) => s
                            .starts
                            .iter()
                            .zip(&s.hrs)
                            .map(|(b, h)| format!("{h} from {b}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        None if o.delay > 0.0 => {
                            format!("1 from 0, {} from {}", o.hazard_ratio, o.delay)
                        }
                        None => o.hazard_ratio.to_string(),
                    },
                    observed_given_true: table[i].clone(),
                }
            })
            .collect();
        let mixed = |treated: bool, t: f64| self.mixture_survival(&mix, treated, t);
        let eligible_fraction = self.population.eligible_fraction(&design.eligible_strata);
        ModelDescription {
            scenario: scenario.to_string(),
            strata,
            eligible_fraction,
            randomised_per_screened: eligible_fraction * (1.0 - self.screen_failure),
            expected_screened: self.expected_screened(design),
            expected_enrolment_months: self.expected_enrolment_time(design),
            control_survival_12: mixed(false, 12.0),
            control_survival_21: mixed(false, 21.0),
            treatment_survival_21: mixed(true, 21.0),
            effect_delay: self.outcomes.first().map_or(0.0, |o| o.delay),
            mixture_survival: self.mixture_table(design, &SURVIVAL_TIMES),
            calibration: None,
            prior: crate::prior::summary(self, design, &self.population.strata, &[]),
            notes: vec![
                "survival of a mix of strata is the weighted average of the strata's curves, S(t) = sum_i w_i S_i(t): screened, w_i = true prevalence (an all-comers trial); randomised, w_i = P(true stratum i | measured stratum eligible)".into(),
            ],
        }
    }

    /// [`MixtureSurvival`] at each of `times` (sorted ascending, repeats dropped).
    pub fn mixture_table(&self, design: &Design, times: &[f64]) -> Vec<MixtureSurvival> {
        let mut times = times.to_vec();
        times.sort_by(f64::total_cmp);
        times.dedup();
        let screened = self.population_weights(CalibrationPopulation::Screened, design);
        let randomised = self.population_weights(CalibrationPopulation::Randomised, design);
        times
            .into_iter()
            .map(|t| MixtureSurvival {
                months: t,
                screened_control: self.mixture_survival(&screened, false, t),
                screened_treatment: self.mixture_survival(&screened, true, t),
                randomised_control: self.mixture_survival(&randomised, false, t),
                randomised_treatment: self.mixture_survival(&randomised, true, t),
            })
            .collect()
    }
}

impl ModelDescription {
    /// Adds the checks of `[calibration]` and the survival of the mixtures at the targets'
    /// times.
    fn add_calibration(&mut self, model: &Model, design: &Design, spec: &CalibrationSpec) {
        let weights = model.population_weights(spec.population, design);
        let targets = spec
            .targets
            .iter()
            .map(|t| {
                TargetCheck::new(
                    t.arm,
                    t.at,
                    spec.population,
                    &t.observed,
                    model.mixture_survival(&weights, t.arm.treated(), t.at),
                    t.source.clone(),
                )
            })
            .collect();
        let times: Vec<f64> = SURVIVAL_TIMES
            .iter()
            .copied()
            .chain(spec.targets.iter().map(|t| t.at))
            .collect();
        self.mixture_survival = model.mixture_table(design, &times);
        self.calibration = Some(CalibrationReport {
            population: spec.population,
            targets,
        });
        self.notes.push(
            "a count alive of N is checked against its 95% Wilson score interval (Wilson 1927; Newcombe 1998): \"inside\" when the model's survival lies in it".into(),
        );
    }
}
