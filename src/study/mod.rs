//! A study: a scenario file loaded, checked and resolved, ready to simulate or describe.
//! This is the library's front door; the CLI only parses arguments and calls it.

pub mod compare;
pub mod data;
pub mod monitor;
pub mod pictures;
pub mod predict;
pub mod report;
pub mod search;
pub mod shard;
pub mod summary;
pub mod sweep;

use crate::analytic::ModelDescription;
use crate::analytic::{self, DesignAnalysis, Method};
use crate::error::{Error, Result};
use crate::model::{self, Design, Model};
use crate::scenario::{AnalysisSpec, Scenario};
use crate::simulation::engine::{self, Replicates, RunOptions, TrialOutcome};
use crate::study::summary::Summary;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// A checked scenario with its resolved model and design.
#[derive(Clone, Debug)]
pub struct Study {
    /// The file it came from (for messages).
    pub file: String,
    /// The checked scenario.
    pub scenario: Scenario,
    /// Who is screened and what happens to them.
    pub model: Model,
    /// What the trial does.
    pub design: Design,
    /// Whether the model is the global null of the scenario's ([`Study::global_null`]).
    pub global_null: bool,
}

impl Study {
    /// Loads a scenario file with `--set` overrides, checks and resolves it.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Study> {
        let scenario = Scenario::load(path, overrides)?;
        Self::from_scenario(scenario, &path.display().to_string())
    }

    /// Resolves a checked scenario.
    pub fn from_scenario(scenario: Scenario, file: &str) -> Result<Study> {
        let (model, mut design) = model::resolve(&scenario, file)?;
        // A calendar-time final analysis: the plan needs the closed-form expected events.
        if let Some(spec) = &scenario.design.sequential
            && design.sequential.is_none()
        {
            design.sequential = analytic::calendar_plan(&model, &design, spec, file)?;
        }
        plan_weighted_information(&model, &mut design, file)?;
        plan_maxcombo_bounds(&model, &mut design, file)?;
        Ok(Study {
            file: file.to_string(),
            scenario,
            model,
            design,
            global_null: false,
        })
    }

    /// Parses scenario text with `--set` overrides, checks and resolves it; `file` names it in
    /// messages.
    pub fn parse(text: &str, file: &str, overrides: &[String]) -> Result<Study> {
        Self::from_scenario(Scenario::parse(text, file, overrides)?, file)
    }

    /// The same design under the global null ([`Model::global_null`]: no effect in any
    /// stratum, no prior), named "<name> (global null)": what `run --global-null` and the
    /// report's type I error table simulate.
    pub fn global_null(&self) -> Study {
        let mut scenario = self.scenario.clone();
        scenario.name = format!("{} (global null)", scenario.name);
        Study {
            file: self.file.clone(),
            scenario,
            model: self.model.global_null(),
            design: self.design.clone(),
            global_null: true,
        }
    }

    /// Simulates the study and summarises it.
    pub fn run(&self, options: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Result<Summary> {
        let simulation = self.simulate(options, progress, None)?;
        Ok(self.summarise(options.seed, options.reps, &simulation))
    }

    /// Simulates the replicates of `options` (all, or a shard), stopping early when `cancel` is
    /// raised (see [`engine::run_points`]: the replicates kept are the first ones).
    pub fn simulate(
        &self,
        options: &RunOptions,
        progress: &(dyn Fn(u64) + Sync),
        cancel: Option<&AtomicBool>,
    ) -> Result<Simulation> {
        Ok(
            simulate_all(std::slice::from_ref(self), options, progress, cancel)?
                .pop()
                .expect("one simulation per study"),
        )
    }

    /// The run report of simulated outcomes (in replicate order) of a run of `reps` replicates;
    /// marked partial when fewer outcomes than that are given.
    pub fn summarise(&self, seed: u64, reps: u64, simulation: &Simulation) -> Summary {
        let mut summary = Summary::new(
            &self.scenario.name,
            seed,
            &self.scenario.strata,
            &self.design,
            &simulation.outcomes,
        );
        if let (Some(prior), Some(mut report)) = (
            &self.model.prior,
            analytic::prior_summary(&self.model, &self.design, &self.scenario.strata),
        ) {
            crate::study::summary::bin_by_drawn_hr(prior, &mut report, &simulation.outcomes);
            summary = summary.with_prior(report);
        }
        summary.elapsed_s = simulation.elapsed_s;
        if (simulation.outcomes.len() as u64) < reps {
            summary.partial = true;
            summary.reps_planned = Some(reps);
        }
        if let Some(closed) =
            analytic::power_analysis(&self.model, &self.design, Method::Schoenfeld)
        {
            summary.analytic_power = Some(closed.power);
            summary.analytic_power_logrank = Some(closed.logrank_power);
            summary.analytic_notes = closed.notes;
            if let Some(plan) = &self.design.reestimation {
                summary.analytic_notes.insert(
                    0,
                    format!(
                        "event re-estimation: the closed form is the planned design's, a single analysis at the planned {} deaths; the simulation re-sets the deaths at the interim (in [{}, {}]) and combines the stages",
                        plan.planned_events, plan.min_events, plan.max_events
                    ),
                );
            }
        }
        // A sequential fh() or MaxCombo design: its own weighted closed form (what `design`
        // reports as weighted_power), not the log-rank's.
        if let Some(w) =
            analytic::weighted_drift::weighted_sequential_power(&self.model, &self.design)
        {
            summary.analytic_power = Some(w.power);
            summary.analytic_notes.insert(
                0,
                format!(
                    "analytic_power: the {} test's group-sequential power from the joint normal law of its weighted statistics at the looks' expected times (design's weighted_power); analytic_power_logrank is the log-rank's",
                    self.design.test
                ),
            );
        }
        if self.global_null {
            summary.notes.push(
                "simulated under the global null (no effect in any stratum, no prior): every rejection rate here, `power` included, is a type I error"
                    .into(),
            );
        }
        summary.notes.extend(self.looks_note());
        for (t, spec) in summary.tests.0.iter_mut().zip(&self.design.tests) {
            t.closed_form = analytic::function::slope_power(&self.model, &self.design, spec);
        }
        if summary.tests.0.iter().any(|t| t.closed_form.is_some()) {
            summary.notes.push(
                "slope tests: the closed form assumes every patient seen at every visit (no death, no dropout, no data cut before the last visit; Laird and Ware 1982); the simulated power loses the visits that death, dropout and the data cut take away, so the gap between the two is what death truncation costs"
                    .into(),
            );
        }
        summary
    }

    /// With interim looks: whether the scenario's deaths fall short of what its looks need for
    /// the power a single analysis of those deaths would have (the looks' bounds spend alpha
    /// early, so the same deaths buy less power: the inflation factor). A note saying how many
    /// deaths the looks need, or None.
    fn looks_note(&self) -> Option<String> {
        let plan = self.design.sequential.as_ref()?;
        let AnalysisSpec::Events(events) = self.design.analysis else {
            return None;
        };
        let mut single = self.design.clone();
        single.sequential = None;
        let fixed = analytic::power_analysis(&self.model, &single, Method::Schoenfeld)?.power;
        if !(fixed > self.design.alpha && fixed < 0.999) {
            return None;
        }
        let needed =
            analytic::analyse_with(&self.model, &self.design, fixed, Method::Schoenfeld).ok()?;
        (f64::from(events) < needed.events - 0.5).then(|| {
            format!(
                "the {} looks cost power: in a single analysis these {events} deaths give {fixed:.3} \
                 (closed form); with the looks' bounds that power needs {:.1} deaths ({} to plan; \
                 enrichsim design --power {fixed:.3})",
                plan.design.looks(),
                needed.events,
                needed.events_to_plan
            )
        })
    }

    /// The resolved model in closed form, with the scenario's calibrations checked.
    pub fn describe(&self) -> ModelDescription {
        self.model.describe_scenario(&self.scenario, &self.design)
    }

    /// The power a closed-form design is sized for by default: the scenario's
    /// `design.sequential.power` if it has one, else 0.9.
    pub fn default_design_power(&self) -> f64 {
        self.scenario
            .design
            .sequential
            .as_ref()
            .map_or(0.9, |s| s.power)
    }

    /// The closed-form design (`enrichsim design`): events, subjects, analysis times and
    /// screening for `power` (default: [`Study::default_design_power`]), by `method`.
    pub fn design(&self, power: Option<f64>, method: Method) -> Result<DesignAnalysis> {
        self.design_solving(power, method, analytic::Solve::Subjects)
    }

    /// [`Study::design`] solving for `solve` (`design --solve`): the subjects, the accrual
    /// duration or the follow-up ([`analytic::analyse_solving`]).
    pub fn design_solving(
        &self,
        power: Option<f64>,
        method: Method,
        solve: analytic::Solve,
    ) -> Result<DesignAnalysis> {
        let power = power.unwrap_or_else(|| self.default_design_power());
        let mut analysis =
            analytic::analyse_solving(&self.model, &self.design, power, method, solve).map_err(
                |e| match e {
                    Error::Scenario {
                        key,
                        problem,
                        value,
                        allowed,
                        ..
                    } => Error::Scenario {
                        file: self.file.clone(),
                        key,
                        problem,
                        value,
                        allowed,
                    },
                    other => other,
                },
            )?;
        analysis.scenario = self.scenario.name.clone();
        Ok(analysis)
    }

    /// The operating characteristics of the scenario's design at each hazard ratio (`design
    /// --at-hr`): power, rejection and futility stopping per look, analysis times and the
    /// expected events, duration and subjects at stopping, with the hazard ratio in every
    /// stratum ([`analytic::at_hr`]; gsDesign's gsProbability, rpact's getPowerSurvival).
    /// `accrual` defaults to the simulated process ([`analytic::default_accrual`]).
    pub fn at_hr(
        &self,
        hazard_ratios: &[f64],
        method: Method,
        accrual: Option<analytic::Accrual>,
    ) -> Result<analytic::AtHrAnalysis> {
        let accrual = accrual.unwrap_or_else(|| analytic::default_accrual(&self.design));
        let mut analysis = analytic::operating_characteristics(
            &self.model,
            &self.design,
            hazard_ratios,
            method,
            accrual,
        )?;
        analysis.scenario = self.scenario.name.clone();
        Ok(analysis)
    }
}

/// Simulated outcomes before they are summarised.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// Outcomes in replicate order: all of `replicates`, or the first of them when stopped early.
    pub outcomes: Vec<TrialOutcome>,
    /// The replicates asked for.
    pub replicates: Replicates,
    /// Wall time, seconds, rounded to milliseconds.
    pub elapsed_s: f64,
}

impl Simulation {
    /// Whether every replicate asked for was simulated.
    pub fn complete(&self) -> bool {
        self.outcomes.len() as u64 == self.replicates.count()
    }
}

/// Simulates the replicates of `options` (all, or a shard) of several studies on the same streams
/// (common random numbers), stopping early when `cancel` is raised: then every study keeps the
/// same first replicates (see [`engine::run_points`]). `progress` gets the replicate-study
/// simulations finished so far.
pub fn simulate_all(
    studies: &[Study],
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    cancel: Option<&AtomicBool>,
) -> Result<Vec<Simulation>> {
    options.check()?;
    let replicates = options.replicates.unwrap_or(Replicates::all(options.reps));
    let points: Vec<_> = studies.iter().map(|s| (&s.model, &s.design)).collect();
    let start = Instant::now();
    let outcomes = options
        .in_pool(|| engine::run_points(&points, options.seed, replicates, progress, cancel))?;
    let elapsed_s = seconds_since(start);
    Ok(outcomes
        .into_iter()
        .map(|outcomes| Simulation {
            outcomes,
            replicates,
            elapsed_s,
        })
        .collect())
}

/// Seconds since `start`, rounded to milliseconds (the form of every report's `elapsed_s`).
pub fn seconds_since(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0
}

/// A sequential design on a weighted log-rank test gets its bounds at the planned fractions of
/// the weighted information ([`crate::analytic::weighted_drift::planned_weighted_information`],
/// [`crate::model::SequentialPlan::with_weighted_information`]); other designs are unchanged.
fn plan_weighted_information(
    model: &model::Model,
    design: &mut model::Design,
    file: &str,
) -> Result<()> {
    if design.sequential.is_none() || !matches!(design.test.kind, crate::analysis::TestKind::Fh(_))
    {
        return Ok(());
    }
    if design.sequential.as_ref().is_some_and(|p| p.calendar_final) {
        return Err(crate::Error::Scenario {
            file: file.to_string(),
            key: "design.analysis".into(),
            problem: "a weighted log-rank group-sequential design has its final analysis at a calendar time".into(),
            value: format!("{:?}", design.analysis),
            allowed: "{ events = N } (looks at fractions of the final events) with fh(); calendar-time finals with the log-rank".into(),
        });
    }
    let information = crate::analytic::weighted_drift::planned_weighted_information(model, design)
        .ok_or_else(|| crate::Error::Scenario {
            file: file.to_string(),
            key: "design.sequential".into(),
            problem:
                "a look's events are never expected, so its weighted information cannot be planned"
                    .into(),
            value: format!("{:?}", design.sequential.as_ref().map(|p| p.events.clone())),
            allowed: "event counts the sample size and follow-up are expected to reach".into(),
        })?;
    if let Some(plan) = design.sequential.as_mut() {
        plan.with_weighted_information(information, file)?;
    }
    Ok(())
}

/// A sequential design on a MaxCombo test gets its efficacy bounds from the joint normal law of
/// all (look, component) statistics at the planned (closed-form) covariances
/// ([`crate::analytic::weighted_drift::planned_maxcombo_covariances`],
/// [`crate::design::sequential::maxcombo`]), spending alpha at gsDesign2's `gs_design_combo`
/// spending time (the smallest component information fraction). The bounds are computed once
/// per design and kept at the observed looks (see `simulation::engine::event_driven`).
fn plan_maxcombo_bounds(
    model: &model::Model,
    design: &mut model::Design,
    file: &str,
) -> Result<()> {
    use crate::design::sequential::{DesignKind, maxcombo};
    let Some(plan) = design.sequential.as_ref() else {
        return Ok(());
    };
    let crate::analysis::TestKind::MaxCombo(weights) = &design.test.kind else {
        return Ok(());
    };
    let bad = |problem: &str, value: String, allowed: &str| crate::Error::Scenario {
        file: file.to_string(),
        key: "design.sequential".into(),
        problem: problem.into(),
        value,
        allowed: allowed.into(),
    };
    if plan.calendar_final {
        return Err(crate::Error::Scenario {
            file: file.to_string(),
            key: "design.analysis".into(),
            problem: "a MaxCombo group-sequential design has its final analysis at a calendar time"
                .into(),
            value: format!("{:?}", design.analysis),
            allowed: "{ events = N } (looks at fractions of the final events) with maxcombo()"
                .into(),
        });
    }
    let DesignKind::Spending(sf) = plan.design.spec().kind else {
        return Err(bad(
            "a MaxCombo design spends alpha: only spending functions are implemented for it",
            plan.design.spec().kind.code().to_string(),
            "asOF, asP, asKD or asHSD",
        ));
    };
    let alpha = plan.design.spec().alpha;
    let covariance = crate::analytic::weighted_drift::planned_maxcombo_covariances(model, design)
        .ok_or_else(|| {
        bad(
            "a look's events are never expected, so its MaxCombo correlations cannot be planned",
            format!("{:?}", plan.events),
            "event counts the sample size and follow-up are expected to reach",
        )
    })?;
    let information: Vec<Vec<f64>> = covariance
        .iter()
        .map(|c| (0..weights.len()).map(|j| c[j][j]).collect())
        .collect();
    let times = maxcombo::spending_time(&information);
    let ok = information
        .iter()
        .flatten()
        .all(|v| v.is_finite() && *v > 0.0)
        && times.windows(2).all(|w| w[0] < w[1]);
    if !ok {
        return Err(bad(
            "the planned weighted information does not increase over the looks",
            format!("{information:?}"),
            "looks whose expected weighted log-rank information is positive and increasing for every component",
        ));
    }
    let spent: Vec<f64> = times.iter().map(|&t| sf.cumulative(alpha, t)).collect();
    let corr = maxcombo::joint_correlation(&covariance);
    let bounds = maxcombo::maxcombo_bounds(&corr, times.len(), weights.len(), &spent)?;
    if let Some(plan) = design.sequential.as_mut() {
        plan.efficacy = bounds;
        plan.futility = vec![f64::NEG_INFINITY; plan.events.len()];
        plan.maxcombo_time = Some(times);
    }
    Ok(())
}
