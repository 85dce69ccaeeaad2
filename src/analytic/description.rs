//! The resolved model described in closed form, with no simulation: what `enrichsim validate`
//! prints (prevalences, misclassification, control medians and survival, the survival of the
//! screened and randomised mixes, expected screening and enrolment, the `[calibration]`
//! targets checked, the prior and its closed-form assurance).

use crate::model::calibration::TargetCheck;
use crate::model::{Design, Model, SURVIVAL_TIMES};
use crate::scenario::{CalibrationPopulation, CalibrationSpec, Scenario, SurvivalAt};

impl Model {
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
            prior: super::prior_summary(self, design, &self.population.strata),
            function: self.describe_function(design),
            notes: vec![
                "survival of a mix of strata is the weighted average of the strata's curves, S(t) = sum_i w_i S_i(t): screened, w_i = true prevalence (an all-comers trial); randomised, w_i = P(true stratum i | measured stratum eligible)".into(),
            ],
        }
    }

    /// The `[function]` model in closed form, for the randomised mix.
    fn describe_function(&self, design: &Design) -> Option<FunctionDescription> {
        let f = self.function.as_ref()?;
        let w = self.population_weights(CalibrationPopulation::Randomised, design);
        let strata = self
            .population
            .strata
            .iter()
            .enumerate()
            .map(|(s, name)| FunctionStratum {
                stratum: name.clone(),
                decline_mean: f.decline[s].mean,
                decline_sd: f.decline[s].sd,
                slowing: f.slowing[s],
                treatment_decline_mean: f.decline[s].mean * (1.0 - f.slowing[s]),
            })
            .collect();
        let cap = design.follow_up.unwrap_or(f64::INFINITY);
        let visits = f
            .visits
            .iter()
            .map(|&v| {
                let mean = |treated: bool| -> f64 {
                    w.iter()
                        .enumerate()
                        .map(|(s, w)| {
                            w * (f.baseline.mean - f.decline_by(s, treated, f.decline[s].mean, v))
                        })
                        .sum()
                };
                let kept = |treated: bool| {
                    if v <= cap {
                        (-self.dropout.rate_of(treated) * v).exp()
                    } else {
                        0.0
                    }
                };
                FunctionVisit {
                    months: v,
                    mean_score_control: mean(false),
                    mean_score_treatment: mean(true),
                    measured_control: kept(false) * self.mixture_survival(&w, false, v),
                    measured_treatment: kept(true) * self.mixture_survival(&w, true, v),
                }
            })
            .collect();
        Some(FunctionDescription {
            death_correlation: f.death_correlation,
            noise_sd: f.noise_sd,
            strata,
            visits,
        })
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
    pub prior: Option<crate::analytic::PriorSummary>,
    /// The ALSFRS-R model (`[function]`); absent without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionDescription>,
    /// Remarks for people.
    pub notes: Vec<String>,
}

/// The ALSFRS-R model in closed form: the rates of decline and, at each visit, the mean score
/// and the share of the randomised still measured.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FunctionDescription {
    /// Correlation of the rate of decline with the latent risk of death.
    pub death_correlation: f64,
    /// SD of the measurement noise, points.
    pub noise_sd: f64,
    /// Per true stratum.
    pub strata: Vec<FunctionStratum>,
    /// Per scheduled visit, for the randomised mix of true strata.
    pub visits: Vec<FunctionVisit>,
}

/// The decline of one true stratum.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FunctionStratum {
    /// Stratum name.
    pub stratum: String,
    /// Control-arm mean rate of decline, points per month.
    pub decline_mean: f64,
    /// Its between-patient SD.
    pub decline_sd: f64,
    /// Fraction of the decline treatment removes.
    pub slowing: f64,
    /// Treatment-arm mean rate of decline (after any delay), points per month.
    pub treatment_decline_mean: f64,
}

/// One scheduled visit.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FunctionVisit {
    /// Months after randomisation.
    pub months: f64,
    /// Mean true score on control (randomised mix; before noise, rounding and the floor).
    pub mean_score_control: f64,
    /// Mean true score on treatment.
    pub mean_score_treatment: f64,
    /// Share of the control arm alive and not lost to follow-up at the visit (so measured,
    /// if the data cut comes later): `sum_i w_i S_i(v) exp(-dropout_arm v)`, 0 after
    /// `design.follow_up`.
    pub measured_control: f64,
    /// The same on treatment.
    pub measured_treatment: f64,
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
