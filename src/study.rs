//! A study: a scenario file loaded, checked and resolved, ready to simulate or describe.
//! This is the library's front door; the CLI only parses arguments and calls it.

use crate::analytic::{self, DesignAnalysis, Method};
use crate::engine::{self, Replicates, RunOptions};
use crate::error::{Error, Result};
use crate::model::{self, Design, Model, ModelDescription};
use crate::scenario::Scenario;
use crate::summary::Summary;
use std::path::Path;
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
}

impl Study {
    /// Loads a scenario file with `--set` overrides, checks and resolves it.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Study> {
        let scenario = Scenario::load(path, overrides)?;
        Self::from_scenario(scenario, &path.display().to_string())
    }

    /// Resolves a checked scenario.
    pub fn from_scenario(scenario: Scenario, file: &str) -> Result<Study> {
        let (model, design) = model::resolve(&scenario, file)?;
        Ok(Study {
            file: file.to_string(),
            scenario,
            model,
            design,
        })
    }

    /// Simulates the study and summarises it.
    pub fn run(&self, options: &RunOptions, progress: &(dyn Fn(u64) + Sync)) -> Result<Summary> {
        options.check()?;
        let replicates = options.replicates.unwrap_or(Replicates::all(options.reps));
        let start = Instant::now();
        let outcomes = options.in_pool(|| {
            engine::run(
                &self.model,
                &self.design,
                options.seed,
                replicates,
                progress,
            )
        })?;
        let mut summary = Summary::new(
            &self.scenario.name,
            options.seed,
            &self.scenario.strata,
            &self.design,
            &outcomes,
        );
        summary.elapsed_s = (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
        if let Some(closed) =
            analytic::power_analysis(&self.model, &self.design, Method::Schoenfeld)
        {
            summary.analytic_power = Some(closed.power);
            summary.analytic_power_logrank = Some(closed.logrank_power);
            summary.analytic_notes = closed.notes;
        }
        Ok(summary)
    }

    /// The resolved model in closed form.
    pub fn describe(&self) -> ModelDescription {
        self.model.describe(&self.scenario.name, &self.design)
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
        let power = power.unwrap_or_else(|| self.default_design_power());
        let mut analysis = analytic::analyse_with(&self.model, &self.design, power, method)
            .map_err(|e| match e {
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
            })?;
        analysis.scenario = self.scenario.name.clone();
        Ok(analysis)
    }
}
