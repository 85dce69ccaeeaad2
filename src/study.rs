//! A study: a scenario file loaded, checked and resolved, ready to simulate or describe.
//! This is the library's front door; the CLI only parses arguments and calls it.

use crate::engine::{self, Replicates, RunOptions};
use crate::error::Result;
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
        Ok(summary)
    }

    /// The resolved model in closed form.
    pub fn describe(&self) -> ModelDescription {
        self.model.describe(&self.scenario.name, &self.design)
    }
}
