//! `[calibration]`: published figures a scenario is checked against by `enrichsim validate`.
//!
//! ```toml
//! [calibration]
//! population = "screened"   # or "randomised"
//! targets = [
//!   { arm = "control", at = 21.0, alive = 61, of = 110, source = "MIROCALS placebo" },
//!   { arm = "treatment", at = 21.0, survival = 0.63, tolerance = 0.03 },
//! ]
//! ```
//!
//! A target is a survival figure in one arm at a time after randomisation, given as a count
//! (`alive` of `of`: checked against its 95% Wilson score interval) or as a proportion
//! (`survival`, checked against `± tolerance` when one is given). `population` says which mix of
//! TRUE strata the figure describes: `"screened"` (every stratum at its true prevalence, as in
//! an all-comers trial such as MIROCALS' Phase 2b) or `"randomised"` (the design's own mix,
//! after eligibility on the measured biomarker).

use super::reader::{Node, show};
use super::schema;
use crate::error::Result;
use toml::Value;

/// Most targets `[calibration]` may list.
pub const MAX_CALIBRATION_TARGETS: usize = 32;

/// Which mix of true strata a calibration figure describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationPopulation {
    /// Every stratum at its true prevalence among the screened (an all-comers trial).
    Screened,
    /// The design's randomised mix, P(true stratum | measured stratum eligible).
    Randomised,
}

impl CalibrationPopulation {
    /// The scenario's name for it.
    pub fn name(self) -> &'static str {
        match self {
            CalibrationPopulation::Screened => "screened",
            CalibrationPopulation::Randomised => "randomised",
        }
    }
}

/// The arm a calibration figure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationArm {
    /// The control (placebo) arm.
    Control,
    /// The treatment arm.
    Treatment,
}

impl CalibrationArm {
    /// The scenario's name for it.
    pub fn name(self) -> &'static str {
        match self {
            CalibrationArm::Control => "control",
            CalibrationArm::Treatment => "treatment",
        }
    }

    /// Whether this is the treatment arm.
    pub fn treated(self) -> bool {
        self == CalibrationArm::Treatment
    }
}

/// A published survival figure, as a count or a proportion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CalibrationObserved {
    /// `alive` of `of` patients alive: a binomial count (`0 <= alive <= of`, `of >= 1`).
    Count {
        /// Patients alive.
        alive: u32,
        /// Patients followed.
        of: u32,
    },
    /// A proportion alive without its denominator, with an optional absolute tolerance.
    Survival {
        /// Proportion alive, in [0, 1].
        survival: f64,
        /// The model is "inside" when within this distance of `survival`.
        tolerance: Option<f64>,
    },
}

impl CalibrationObserved {
    /// The proportion alive: `alive / of`, or `survival`.
    pub fn proportion(&self) -> f64 {
        match *self {
            CalibrationObserved::Count { alive, of } => f64::from(alive) / f64::from(of),
            CalibrationObserved::Survival { survival, .. } => survival,
        }
    }
}

/// One figure to check.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationTarget {
    /// The arm.
    pub arm: CalibrationArm,
    /// Months after randomisation (> 0).
    pub at: f64,
    /// The figure.
    pub observed: CalibrationObserved,
    /// Where it comes from (free text), if given.
    pub source: Option<String>,
}

/// `[calibration]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationSpec {
    /// The mix of true strata the figures describe.
    pub population: CalibrationPopulation,
    /// The figures, in the file's order (at least one).
    pub targets: Vec<CalibrationTarget>,
}

/// What a target may be.
const TARGET_ALLOWED: &str = "{ arm = \"control\" or \"treatment\", at = months, alive = n, of = N, source = \"...\" } or { arm, at, survival = proportion, tolerance = d (optional), source }";

/// Reads `[calibration]`.
pub(super) fn read_calibration(node: &Node) -> Result<CalibrationSpec> {
    node.only(&schema::CALIBRATION)?;
    let population = match node.str("population")? {
        None | Some("screened") => CalibrationPopulation::Screened,
        Some("randomised") => CalibrationPopulation::Randomised,
        Some(_) => {
            return Err(node.bad_value(
                "population",
                "unknown population",
                "\"screened\" (every stratum at its true prevalence) or \"randomised\" (the design's randomised mix)",
            ));
        }
    };
    let items = node.array("targets")?.ok_or_else(|| {
        node.error(
            "targets",
            "required key is missing",
            "(missing)",
            format!("a list of 1 to {MAX_CALIBRATION_TARGETS} targets {TARGET_ALLOWED}"),
        )
    })?;
    if items.is_empty() || items.len() > MAX_CALIBRATION_TARGETS {
        return Err(node.bad_value(
            "targets",
            "wrong number of targets",
            format!("1 to {MAX_CALIBRATION_TARGETS} targets {TARGET_ALLOWED}"),
        ));
    }
    let targets = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Table(t) = item else {
                return Err(node.error(
                    &format!("targets.{i}"),
                    "expected a table",
                    show(item),
                    TARGET_ALLOWED,
                ));
            };
            read_target(&node.child(node.key(&format!("targets.{i}")), t))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CalibrationSpec {
        population,
        targets,
    })
}

/// Reads one target table.
fn read_target(t: &Node) -> Result<CalibrationTarget> {
    t.only(&schema::TARGET)?;
    let arm = match t.str("arm")? {
        Some("control") => CalibrationArm::Control,
        Some("treatment") => CalibrationArm::Treatment,
        Some(_) => {
            return Err(t.bad_value("arm", "unknown arm", "\"control\" or \"treatment\""));
        }
        None => {
            return Err(t.error(
                "arm",
                "required key is missing",
                "(missing)",
                "\"control\" or \"treatment\"",
            ));
        }
    };
    let at = t.req_f64_where("at", "months > 0", |x| x > 0.0)?;
    let count = t.has("alive") || t.has("of");
    if count && (t.has("survival") || t.has("tolerance")) {
        return Err(t.bad_self(
            "both a count (alive, of) and a proportion (survival, tolerance) are given",
            "either alive = n, of = N (checked against the 95% Wilson interval) or survival = p with an optional tolerance",
        ));
    }
    let observed = if count {
        let of = t.uint("of")?.ok_or_else(|| {
            t.error(
                "of",
                "required key is missing",
                "(missing)",
                "the number of patients followed, a whole number in 1..=1000000",
            )
        })?;
        if !(1..=1_000_000).contains(&of) {
            return Err(t.bad_value(
                "of",
                "out of range",
                "the number of patients followed, a whole number in 1..=1000000",
            ));
        }
        let alive_allowed = format!("a whole number of patients alive in 0..={of} (of)");
        let alive = t.uint("alive")?.ok_or_else(|| {
            t.error(
                "alive",
                "required key is missing",
                "(missing)",
                &alive_allowed,
            )
        })?;
        if alive > of {
            return Err(t.bad_value("alive", "more alive than followed", alive_allowed));
        }
        CalibrationObserved::Count {
            alive: alive as u32,
            of: of as u32,
        }
    } else {
        let survival = t.f64_where("survival", "a proportion alive in [0, 1]", |x| {
            (0.0..=1.0).contains(&x)
        })?;
        let Some(survival) = survival else {
            return Err(t.bad_self(
                "no figure: neither a count nor a proportion",
                "alive = n, of = N, or survival = p",
            ));
        };
        let tolerance = t.f64_where("tolerance", "an absolute tolerance in (0, 1)", |x| {
            x > 0.0 && x < 1.0
        })?;
        CalibrationObserved::Survival {
            survival,
            tolerance,
        }
    };
    let source = t.str("source")?.map(str::to_string);
    Ok(CalibrationTarget {
        arm,
        at,
        observed,
        source,
    })
}
