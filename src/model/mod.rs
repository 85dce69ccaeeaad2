//! Resolution of a checked scenario into the two halves the engine uses:
//! the [`Model`] (who is screened and what happens to them) and the [`Design`] (who is
//! randomised, when and how the data are analysed, what is decided).

pub mod calibration;
pub mod enrolment;
pub mod function;
pub mod outcome;
pub mod population;
pub mod prior;

use crate::design::adaptive::AdaptivePlan;
use crate::design::hypotheses::{DEFAULT_NAME, HypothesisPlan, Population as HypothesisPopulation};
use crate::design::multiplicity::{MAX_HYPOTHESES, Multiplicity, Procedure, SequentialFamily};
use crate::design::reestimation::ReestimationPlan;
use crate::design::sequential::{self, GroupSequentialDesign};
use crate::error::{Error, Result};
use crate::model::enrolment::{Randomiser, Screening};
use crate::model::outcome::{Dropout, Hazard, StratumOutcome};
use crate::model::population::{Biomarker, Population};
use crate::model::prior::EffectPrior;
use crate::scenario::{
    AnalysisSpec, CalibrationPopulation, FutilitySpec, Scenario, SequentialSpec, TestSpec,
};
use crate::stats::normal;

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
    /// The ALSFRS-R trajectories (None: survival only).
    pub function: Option<function::FunctionModel>,
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
    /// Whether the primary test or a further one reads the function scores (`slope`, `mmrm`,
    /// `cafs`): the engine then builds the visits of the analysis cut.
    pub function_tests: bool,
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
    /// Event re-estimation at an interim (`[design.reestimation]`).
    pub reestimation: Option<ReestimationPlan>,
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

/// Interim analyses at event counts or calendar months, with their bounds.
///
/// Event-driven final analysis (`design.analysis = { events = N }`, `looks`): looks are taken
/// when the trial reaches `events[k]` deaths, so the information fractions actually observed
/// are `events[k] / events[K-1]` in every replicate that reaches them: the bounds are computed
/// once at those fractions (what a data monitoring committee recomputing the spending function
/// at the observed information would get). A replicate that can never reach its next look ends
/// with a final analysis at its last event, whose bound is recomputed at that observed
/// fraction, spending all the remaining alpha.
///
/// Calendar-time final analysis (`calendar` or `after_last`, [`SequentialPlan::at_calendar`]):
/// the planned maximum information is D = `planned_events`, the closed-form expected events at
/// the final calendar time (rpact's `maxNumberOfEvents` of `getSampleSizeSurvival` with
/// `accrualTime` and `followUpTime`). Interim k is taken at ceil(t_k D) events (`looks`) or at
/// month m_k (`look_months`); the final at the calendar time, its bound spending the rest of
/// alpha at the observed fraction d_K / D (which may exceed 1 or fall short of it; the
/// spending function is capped at alpha beyond 1, as rpact's `getDesignGroupSequential`
/// spending functions are). The engine recomputes every bound at the observed fractions
/// d_k / D (Lan and DeMets 1983).
#[derive(Clone, Debug)]
pub struct SequentialPlan {
    /// The design at the planned fractions.
    pub design: GroupSequentialDesign,
    /// Events at each look (the last is the final analysis's; with a calendar final, the
    /// planned counts: ceil(t_k D) at interims by fraction, round(E(m_k)) at interims by month,
    /// round(D) at the final).
    pub events: Vec<u32>,
    /// Efficacy z bound at each look (planned).
    pub efficacy: Vec<f64>,
    /// Futility z bound at each interim look (-inf where there is none).
    pub futility: Vec<f64>,
    /// Lower (harm) z bound at each look, final included: -b_k for a two-sided design
    /// (`sided = 2`: the trial stops for harm when Z_k <= -b_k), a_k for an asymmetric one
    /// (`lower`: it stops when Z_k <= a_k, a_K <= b_K), -inf for a one-sided one.
    pub lower: Vec<f64>,
    /// The planned final information D in events: the denominator of the observed fractions.
    pub planned_events: f64,
    /// Calendar months of the interim looks (`look_months`; None: at the event counts).
    pub interim_months: Option<Vec<f64>>,
    /// Whether the final analysis is at `design.analysis`'s calendar time (true) or at the
    /// last look's event count (false).
    pub calendar_final: bool,
    /// For a Fleming-Harrington primary test: the planned weighted information at each look
    /// (see [`SequentialPlan::with_weighted_information`]); None for the log-rank.
    pub weighted_information: Option<Vec<f64>>,
    /// For a MaxCombo primary test: the spending time of each look (the smallest component
    /// information fraction); its bounds (in `efficacy`) bound `max_j Z_kj`. None otherwise.
    pub maxcombo_time: Option<Vec<f64>>,
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
        let information: Vec<f64> = events.iter().map(|&e| e as f64).collect();
        let (design, efficacy, futility, lower) =
            Self::bounds(spec, timing, &information, alpha, allocation, file)?;
        Ok(SequentialPlan {
            design,
            events,
            efficacy,
            futility,
            lower,
            planned_events: total as f64,
            interim_months: None,
            calendar_final: false,
            weighted_information: None,
            maxcombo_time: None,
        })
    }

    /// The plan of a calendar-time final analysis with planned final events `planned` (D, the
    /// expected events at the final time) and, with `look_months`, `expected[k]` the expected
    /// events at month m_k. Interims by fraction: at ceil(t_k D) events (at least the planned
    /// information, as rpact's simulations are planned at `ceiling(eventsPerStage)`), planned
    /// fractions t_k (the observed ones, ceil(t_k D) / D, differ by less than 1 / D); by month:
    /// planned fractions E(m_k) / D. The counts (or the
    /// expected events) must be >= 1, strictly increasing and below D.
    pub fn at_calendar(
        spec: &SequentialSpec,
        planned: f64,
        expected: Option<&[f64]>,
        alpha: f64,
        allocation: [u32; 2],
        file: &str,
    ) -> Result<SequentialPlan> {
        let bad = |problem: String, value: String, allowed: &str| Error::Scenario {
            file: file.to_string(),
            key: "design.sequential".into(),
            problem,
            value,
            allowed: allowed.into(),
        };
        if !(planned.is_finite() && planned >= 2.0) {
            return Err(bad(
                "too few events are expected at the final analysis for interim looks".into(),
                format!("{planned:.3} expected events"),
                "a final analysis expecting at least 2 events",
            ));
        }
        let information: Vec<f64> = match expected {
            Some(e) => e.to_vec(),
            None => spec.looks.iter().map(|t| (t * planned).ceil()).collect(),
        };
        let ok = information.first().is_some_and(|&d| d >= 1.0)
            && information.windows(2).all(|w| w[1] > w[0])
            && information.last().is_some_and(|&d| d < planned);
        if !ok {
            let (key, values) = match &spec.look_months {
                Some(m) => ("look_months", format!("{m:?}")),
                None => ("looks", format!("{:?}", spec.looks)),
            };
            return Err(bad(
                format!(
                    "the interim looks ({key}) do not fall on distinct event counts below the {planned:.2} expected at the final analysis"
                ),
                format!("{values}: {information:.2?} events"),
                "interims each expecting >= 1 event, strictly more at each, fewer than at the final analysis",
            ));
        }
        // The planned fractions: t_k as given (the bounds are rpact's at informationRates t_k;
        // the engine recomputes them at the observed ceil(t_k D) / D), or E(m_k) / D.
        let mut timing: Vec<f64> = match expected {
            Some(_) => information.iter().map(|d| d / planned).collect(),
            None => spec.looks.clone(),
        };
        timing.push(1.0);
        let mut information = information;
        information.push(planned);
        let (design, efficacy, futility, lower) =
            Self::bounds(spec, timing, &information, alpha, allocation, file)?;
        Ok(SequentialPlan {
            design,
            events: information.iter().map(|d| d.round() as u32).collect(),
            efficacy,
            futility,
            lower,
            planned_events: planned,
            interim_months: spec.look_months.clone(),
            calendar_final: true,
            weighted_information: None,
            maxcombo_time: None,
        })
    }

    /// The group-sequential design at `timing` and its planned bounds (efficacy, futility,
    /// lower); `information` gives the events at each look (for `hr_above` futility).
    ///
    /// `alpha` is the scenario's one-sided level: a two-sided design (`sided = 2`) is the
    /// symmetric design at two-sided level 2 alpha (rpact's `sided = 2, alpha = 2 alpha`), whose
    /// upper bound alone spends alpha under symmetric spending; its lower bounds are -b_k.
    #[allow(clippy::type_complexity)]
    fn bounds(
        spec: &SequentialSpec,
        timing: Vec<f64>,
        information: &[f64],
        alpha: f64,
        allocation: [u32; 2],
        file: &str,
    ) -> Result<(GroupSequentialDesign, Vec<f64>, Vec<f64>, Vec<f64>)> {
        let ratio = allocation[0] as f64 / allocation[1] as f64;
        let mut design_spec =
            sequential::DesignSpec::new(spec.efficacy, alpha * f64::from(spec.sided));
        design_spec.sided = spec.sided;
        design_spec.binding = spec.binding_futility;
        if spec.lower.is_some() {
            // an asymmetric design: `binding` is the lower bound's
            design_spec.lower = spec.lower;
            design_spec.binding = spec.lower_binding;
        }
        if let sequential::DesignKind::WangTsiatisOptimum { .. }
        | sequential::DesignKind::PampallonaTsiatis { .. } = spec.efficacy
        {
            // the optimal Delta, and the Pampallona-Tsiatis constants, at the scenario's power
            design_spec.power = Some(spec.power);
        }
        design_spec.futility = match &spec.futility {
            FutilitySpec::None => sequential::Futility::None,
            FutilitySpec::BetaSpending(f) => {
                design_spec.power = Some(spec.power);
                sequential::Futility::BetaSpending(*f)
            }
            FutilitySpec::ZBelow(z) => sequential::Futility::Z(z.clone()),
            FutilitySpec::HrAbove(hr) => sequential::Futility::Z(
                hr.iter()
                    .zip(information)
                    .map(|(&h, &d)| sequential::z_from_hr(h, d, ratio))
                    .collect(),
            ),
        };
        let looks = timing.len();
        let design =
            GroupSequentialDesign::new(design_spec, timing).map_err(|e| Error::Scenario {
                file: file.to_string(),
                key: "design.sequential".into(),
                problem: "the group-sequential design cannot be computed".into(),
                value: match &spec.look_months {
                    Some(m) => format!("look_months {m:?}"),
                    None => format!("{:?}", spec.looks),
                },
                allowed: e.to_string(),
            })?;
        let efficacy = design.efficacy().to_vec();
        let futility = match design.futility() {
            Some(f) => f
                .iter()
                .take(looks - 1)
                .copied()
                .chain([f64::NEG_INFINITY])
                .collect(),
            None => vec![f64::NEG_INFINITY; looks],
        };
        let lower = design
            .lower()
            .unwrap_or_else(|| vec![f64::NEG_INFINITY; looks]);
        Ok((design, efficacy, futility, lower))
    }

    /// The plan of a weighted log-rank primary test: `information[k]` is the planned (closed
    /// form, expected) weighted information `C_kk` of the statistic at look k's expected time
    /// (`crate::analytic::weighted_drift`), and the bounds are recomputed at the information
    /// fractions `information[k] / information[K-1]`, as gsDesign2's `gs_design_wlr` plans
    /// them. The engine then monitors at the observed fractions `V_k / information[K-1]`
    /// (`V_k` the look's observed weighted variance). Only efficacy spending functions and no
    /// futility rule are accepted (the scenario reader refuses the others).
    pub fn with_weighted_information(&mut self, information: Vec<f64>, file: &str) -> Result<()> {
        let last = information.last().copied().unwrap_or(f64::NAN);
        let timing: Vec<f64> = information.iter().map(|v| v / last).collect();
        let ok = information.len() == self.events.len()
            && last.is_finite()
            && last > 0.0
            && timing.windows(2).all(|w| w[0] < w[1])
            && timing[0] > 0.0;
        if !ok {
            return Err(Error::Scenario {
                file: file.to_string(),
                key: "design.sequential".into(),
                problem: "the planned weighted information does not increase over the looks".into(),
                value: format!("{information:?}"),
                allowed: "looks whose expected weighted log-rank information is positive and increasing (later looks, or a weight that does not vanish early)".into(),
            });
        }
        let design =
            GroupSequentialDesign::new(self.design.spec().clone(), timing).map_err(|e| {
                Error::Scenario {
                    file: file.to_string(),
                    key: "design.sequential".into(),
                    problem: "the group-sequential design cannot be computed".into(),
                    value: format!("{information:?}"),
                    allowed: e.to_string(),
                }
            })?;
        self.efficacy = design.efficacy().to_vec();
        self.futility = vec![f64::NEG_INFINITY; self.events.len()];
        self.design = design;
        self.weighted_information = Some(information);
        Ok(())
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
    let outcomes: Vec<StratumOutcome> = scenario
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
    // Every derived hazard must be a number the engine can use: the checks of the scenario
    // bound each input, and this checks what they make together, each arm's cumulative
    // hazard (which the event times invert): finite over a year, and positive by the longest
    // median the scenario may give (a piecewise hazard may be 0 for a while, not for ever).
    let horizon = crate::scenario::MEDIAN_MONTHS.1;
    for (name, o) in scenario.strata.iter().zip(&outcomes) {
        for (arm, treated) in [("control", false), ("treatment", true)] {
            let (year, late) = (o.cumulative(treated, 12.0), o.cumulative(treated, horizon));
            if !(year.is_finite() && year >= 0.0 && late > 0.0) {
                return Err(Error::Scenario {
                    file: file.to_string(),
                    key: format!("control.{name}"),
                    problem: format!(
                        "the {arm} arm's cumulative hazard is not a usable number (over 12 months, over {horizon} months)"
                    ),
                    value: format!("{year:e}, {late:e}"),
                    allowed:
                        "a control model and hazard ratio whose hazards are finite and not 0 for ever"
                            .into(),
                });
            }
        }
    }
    let model = Model {
        population,
        screening: Screening::new(&scenario.enrolment.rate),
        screen_failure: scenario.enrolment.screen_failure,
        outcomes,
        dropout: Dropout::by_arm(
            scenario.dropout.treatment_per_year,
            scenario.dropout.control_per_year,
        ),
        prior: None,
        function: scenario.function.clone(),
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
        function_tests: std::iter::once(&d.test)
            .chain(&d.tests)
            .any(|t| t.kind.is_function()),
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
        reestimation: match (&d.reestimation, d.analysis) {
            (Some(spec), AnalysisSpec::Events(total)) => Some(ReestimationPlan::new(
                spec,
                total,
                d.alpha,
                d.allocation[0] as f64 / d.allocation[1] as f64,
                file,
            )?),
            _ => None,
        },
    };
    let mut design = design;
    design.hypotheses = resolve_hypotheses(&design, d.hypotheses.as_ref(), file)?;
    if let (Some(spec), Some(h)) = (&d.adaptive, &design.hypotheses)
        && let AnalysisSpec::Events(total) = d.analysis
    {
        let adaptive = AdaptivePlan::new(spec, h.len(), total, d.alpha, file)?;
        // Re-estimating an adaptive design's stage-2 deaths: at its interim, with its weights
        // and final critical value; its own early efficacy and selection stand in for the
        // re-estimation's (crate::design::reestimation, "With adaptive enrichment").
        if let Some(plan) = design.reestimation.as_mut() {
            plan.align_with(&adaptive);
        }
        design.adaptive = Some(adaptive);
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

    /// The model with the hazard ratios `hrs` of `prior`'s entries in their strata, and no
    /// prior: one replicate's draw ([`EffectPrior::draw`]) or one node of the closed-form
    /// assurance.
    pub fn with_drawn_hazard_ratios(&self, prior: &EffectPrior, hrs: &[f64]) -> Model {
        let mut outcomes = self.outcomes.clone();
        for (entry, &hr) in prior.entries.iter().zip(hrs) {
            for &j in &entry.strata {
                outcomes[j] = outcomes[j].with_hazard_ratio(hr);
            }
        }
        Model {
            population: self.population.clone(),
            screening: self.screening.clone(),
            screen_failure: self.screen_failure,
            outcomes,
            dropout: self.dropout,
            prior: None,
            function: self.function.clone(),
        }
    }

    /// The global null hypothesis of this model: no treatment effect anywhere (hazard ratio 1
    /// in every stratum from randomisation on, no piecewise schedule, no slowing of the
    /// function decline) and no priors; the population, enrolment, prognosis and dropout are
    /// unchanged. Simulated under it, a design's rejection rates are its type I errors (per
    /// hypothesis and family-wise) at these nuisance parameters.
    pub fn global_null(&self) -> Model {
        let function = self.function.as_ref().map(|f| {
            let mut f = f.clone();
            f.slowing.iter_mut().for_each(|s| *s = 0.0);
            f.prior = None;
            f
        });
        Model {
            population: self.population.clone(),
            screening: self.screening.clone(),
            screen_failure: self.screen_failure,
            outcomes: self
                .outcomes
                .iter()
                .map(|o| crate::model::outcome::StratumOutcome::new(o.control.clone(), 1.0, 0.0))
                .collect(),
            dropout: self.dropout,
            prior: None,
            function,
        }
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
}
