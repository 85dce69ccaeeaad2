//! The scenario file (TOML; every key in docs/scenario.md): parsing, `--set` overrides and checks.
//!
//! `Scenario::load` reads a file, applies overrides, then reads every table key by key with
//! [`reader::Node`], so each problem is reported with the file, the dotted key, the value and
//! what is allowed. Checks that span several keys (a stratum named in `eligible` that does not
//! exist, more events than patients) are made here too, so a `Scenario` that exists is valid.
//! Times are in months, rates per month unless the key says otherwise.

mod calibration;
pub mod comments;
mod function;
mod hypotheses;
mod limits;
mod overrides;
mod prior;
mod reader;
mod reestimation;
pub mod schema;
mod timing;

use crate::error::{Error, Result};
use limits::{HR_ALLOWED, MEDIAN_ALLOWED, within};
use reader::{Node, show, stratum_indices, usage_allowed};
use std::path::Path;
use toml::{Table, Value};

pub use crate::design::adaptive::AdaptiveSpec;
pub use crate::design::reestimation::ReestimationSpec;
pub use calibration::{
    CalibrationArm, CalibrationObserved, CalibrationPopulation, CalibrationSpec, CalibrationTarget,
    MAX_CALIBRATION_TARGETS,
};
pub use function::{FunctionSpec, MAX_VISITS, MeanSd, SlowingPrior};
pub use hypotheses::HypothesesSpec;
pub use limits::{HAZARD_RATIO, MAX_HAZARD_PER_MONTH, MAX_RATE_PER_MONTH, MEDIAN_MONTHS};
pub use overrides::apply as apply_override;
pub use prior::{PriorEntrySpec, PriorSpec};
pub use timing::AnalysisSpec;

/// The name of the single stratum of a scenario without a `[biomarker]` table.
pub const ALL_STRATUM: &str = "all";

/// A checked scenario: the user's assumptions and design choices, before resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `name`: shown in every report.
    pub name: String,
    /// `description`: free text.
    pub description: Option<String>,
    /// `[biomarker]`, absent for an ordinary two-arm trial with the single stratum `all`.
    pub biomarker: Option<BiomarkerSpec>,
    /// Stratum names in order (`biomarker.strata`, or `["all"]`).
    pub strata: Vec<String>,
    /// `[control]`: control-arm time to event per TRUE stratum, in `strata` order.
    pub control: Vec<HazardSpec>,
    /// Per stratum, in `strata` order: the survival point a control model was calibrated by
    /// (`{ survival = s, at = t }`, with or without a Weibull shape), or `None` for a model
    /// given by its median or piecewise rates. The model itself is in `control`, resolved to
    /// the equivalent median.
    pub control_calibration: Vec<Option<SurvivalAt>>,
    /// `[effect]`.
    pub effect: EffectSpec,
    /// `[enrolment]`.
    pub enrolment: EnrolmentSpec,
    /// `[dropout]`.
    pub dropout: DropoutSpec,
    /// `[design]`.
    pub design: DesignSpec,
    /// `[prior]`: hazard ratios drawn once per replicate (None: `[effect]`'s fixed ones).
    pub prior: Option<PriorSpec>,
    /// `[calibration]`: published figures to check the model against (`enrichsim validate`).
    pub calibration: Option<CalibrationSpec>,
    /// `[function]`: ALSFRS-R trajectories simulated beside survival (None: survival only).
    pub function: Option<FunctionSpec>,
}

/// A point of a survival curve, `S(at) = survival`: how a control model may be calibrated.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SurvivalAt {
    /// Proportion alive (event-free) at `at`, in (0, 1).
    pub survival: f64,
    /// Months after randomisation (> 0).
    pub at: f64,
}

impl SurvivalAt {
    /// The median of the exponential through this point: `S(t) = exp(-lambda t)` with
    /// `lambda = -ln(s) / at`, so the median `ln 2 / lambda = at ln 2 / (-ln s)`.
    pub fn exponential_median(&self) -> f64 {
        self.at * std::f64::consts::LN_2 / -self.survival.ln()
    }

    /// The median of the Weibull of shape `k` through this point: `S(t) = exp(-(t / l)^k)` with
    /// scale `l = at / (-ln s)^(1/k)`, so the median `l (ln 2)^(1/k) = at (ln 2 / -ln s)^(1/k)`.
    pub fn weibull_median(&self, shape: f64) -> f64 {
        self.at * (std::f64::consts::LN_2 / -self.survival.ln()).powf(1.0 / shape)
    }
}

/// `[biomarker]`: log-normal true values, multiplicative log-normal assay error, cut-points.
#[derive(Clone, Debug, PartialEq)]
pub struct BiomarkerSpec {
    /// Display name, e.g. "CSF pNFH".
    pub name: String,
    /// Display unit, e.g. "pg/mL".
    pub unit: String,
    /// Median of the true values in the screened population (> 0).
    pub median: f64,
    /// Geometric standard deviation (> 1): the log values have SD ln(gsd).
    pub gsd: f64,
    /// Coefficient of variation of the assay's multiplicative error (>= 0; 0 = exact).
    pub assay_cv: f64,
    /// Ascending cut-points; n cut-points make n + 1 strata.
    pub cutpoints: Vec<f64>,
}

/// A control-arm event-time distribution for one stratum.
#[derive(Clone, Debug, PartialEq)]
pub enum HazardSpec {
    /// `{ median = m }`: exponential with rate ln 2 / m.
    Exponential {
        /// Median in months.
        median: f64,
    },
    /// `{ weibull = { median = m, shape = k } }`: S(t) = exp(-(t/lambda)^k), lambda = m / (ln 2)^(1/k).
    Weibull {
        /// Median in months.
        median: f64,
        /// Shape k > 0 (k > 1: hazard rising with time).
        shape: f64,
    },
    /// `{ piecewise = { starts = [0, ...], rates = [...] } }`: constant hazard `rates[j]` per month from `starts[j]`.
    Piecewise {
        /// Start of each piece, months; starts at 0, strictly ascending.
        starts: Vec<f64>,
        /// Hazard per month on each piece (>= 0).
        rates: Vec<f64>,
    },
}

/// One piece of a piecewise-constant hazard ratio: `hr` from `from` months after randomisation
/// until the next piece.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HrPiece {
    /// Start of the piece, months after randomisation (the first piece starts at 0).
    pub from: f64,
    /// Hazard ratio treatment / control on the piece (> 0).
    pub hr: f64,
}

/// Most pieces a piecewise hazard ratio may have.
pub const MAX_HR_PIECES: usize = 32;

/// `[effect]`: the treatment's hazard ratio per TRUE stratum, from `delay` months on, or as a
/// piecewise-constant function of the time since randomisation.
///
/// `hazard_ratio` is a number (every stratum), a list of `{ from, hr }` pieces (every stratum),
/// or a table with one number or list per stratum. A list describes delayed onset
/// (`[{ from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.6 }]`), waning or crossing hazards.
#[derive(Clone, Debug, PartialEq)]
pub struct EffectSpec {
    /// Hazard ratio (treatment / control) per stratum, in `strata` order: the constant hazard
    /// ratio, or the last piece's for a piecewise one.
    pub hazard_ratio: Vec<f64>,
    /// Months after randomisation before the effect starts (hazard ratio 1 before); 0 with a
    /// piecewise hazard ratio (which may not be combined with a delay).
    pub delay: f64,
    /// Per stratum: the piecewise hazard ratio (at least two pieces, the first from 0,
    /// strictly ascending), or empty for a constant one.
    pub schedule: Vec<Vec<HrPiece>>,
}

/// One piece of the screening rate: from `from` months on, `per_month` patients screened per month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RatePiece {
    /// Start of the piece, months from first screening.
    pub from: f64,
    /// Patients screened per month.
    pub per_month: f64,
}

/// `[enrolment]`: the screening process.
#[derive(Clone, Debug, PartialEq)]
pub struct EnrolmentSpec {
    /// Piecewise-constant screening rate; the first piece starts at 0.
    pub rate: Vec<RatePiece>,
    /// Fraction failing other criteria, independent of the biomarker.
    pub screen_failure: f64,
}

/// `[dropout]`: loss to follow-up.
#[derive(Clone, Debug, PartialEq)]
pub struct DropoutSpec {
    /// Probability of loss to follow-up within 12 months (exponential), both arms (when
    /// both arms are given and this is not, the control arm's).
    pub per_year: f64,
    /// The same on treatment (`per_year` unless given).
    pub treatment_per_year: f64,
    /// The same on control (`per_year` unless given).
    pub control_per_year: f64,
}

/// `design.randomisation`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RandomisationSpec {
    /// Permuted blocks within each observed stratum.
    StratifiedBlocks,
    /// Independent allocation of each patient with probability a_t / (a_t + a_c).
    Simple,
}

/// `design.test` and the entries of `design.tests`: a test by name (`logrank`,
/// `stratified_logrank`, `fh(rho,gamma)`, `maxcombo`, `rmst(tau)`, `milestone(t)`, and the
/// `stratified_` forms; see [`crate::analysis::Test`]). A stratified primary test also
/// stratifies the Cox model.
pub type TestSpec = crate::analysis::Test;

/// Most tests `design.tests` may list.
pub const MAX_TESTS: usize = 16;

/// Most analyses (interims plus the final) a sequential design may have.
pub const MAX_LOOKS: usize = 10;

/// The futility rule of `[design.sequential]`.
// The user-defined spending is held inline (about 340 bytes) so that the kinds stay `Copy`;
// they are copied when designs are set up, never per replicate.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum FutilitySpec {
    /// `"none"`: no futility stopping.
    None,
    /// A beta-spending function name: bounds from spending beta under the design's alternative.
    BetaSpending(crate::design::sequential::SpendingFunction),
    /// `{ z_below = z }` (one value, or one per interim): stop when the log-rank z is below.
    ZBelow(Vec<f64>),
    /// `{ hr_above = h }` (one value, or one per interim): stop when the hazard ratio implied by
    /// z at the look's events, exp(-z / sqrt(d r / (1 + r)^2)), is above h.
    HrAbove(Vec<f64>),
}

/// `[design.sequential]`: interim analyses at fractions of the final event count.
#[derive(Clone, Debug, PartialEq)]
pub struct SequentialSpec {
    /// Information fractions of the interim looks, strictly ascending in (0, 1) (empty with
    /// `look_months`).
    pub looks: Vec<f64>,
    /// `look_months`: the interim looks at these calendar months from the first screening,
    /// strictly ascending and before the final analysis (None: at the fractions `looks`).
    pub look_months: Option<Vec<f64>>,
    /// The efficacy design (spending function or Wang-Tsiatis shape).
    pub efficacy: crate::design::sequential::DesignKind,
    /// The futility rule.
    pub futility: FutilitySpec,
    /// Whether futility bounds bind (efficacy bounds then assume the trial stops at them).
    pub binding_futility: bool,
    /// Power the beta-spending futility is planned for (its drift), in (alpha, 1).
    pub power: f64,
    /// `sided`: 1 (the default) or 2, a symmetric two-sided design. `design.alpha` stays the
    /// one-sided level: the two-sided design is rpact's `sided = 2` design at level 2 alpha, its
    /// upper bound alone spending alpha; the trial also stops "for harm" when Z_k <= -b_k.
    pub sided: u8,
    /// `lower = { spending, alpha, binding }`: an asymmetric two-sided design, a lower bound
    /// spent under H0 with its own spending function and total (gsDesign's test.type 5 when
    /// binding, 6 otherwise); the trial stops at Z_k < a_k (counted as a harm stop). None: no
    /// such bound.
    pub lower: Option<crate::design::sequential::LowerSpending>,
    /// Whether the lower bound binds (the upper bounds then assume the trial stops at it).
    pub lower_binding: bool,
}

/// `[design]`: who is randomised, how, and when and how the data are analysed.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignSpec {
    /// Indices (into `strata`) of the OBSERVED strata admitted to randomisation.
    pub eligible: Vec<usize>,
    /// Patients randomised.
    pub sample_size: u32,
    /// Allocation ratio treatment : control.
    pub allocation: [u32; 2],
    /// Randomisation scheme.
    pub randomisation: RandomisationSpec,
    /// Block size for permuted blocks (a multiple of the allocation's sum).
    pub block_size: u32,
    /// When the data are cut.
    pub analysis: AnalysisSpec,
    /// Each patient censored this many months after randomisation, if given.
    pub follow_up: Option<f64>,
    /// The primary test (decides `power`).
    pub test: TestSpec,
    /// Further tests evaluated on the same replicates at the (single) analysis, reported side
    /// by side (`design.tests`); empty when absent.
    pub tests: Vec<TestSpec>,
    /// One-sided significance level.
    pub alpha: f64,
    /// Interim analyses, if any (`[design.sequential]`).
    pub sequential: Option<SequentialSpec>,
    /// Hypotheses on populations, if any (`[design.hypotheses]`).
    pub hypotheses: Option<HypothesesSpec>,
    /// Adaptive enrichment, if any (`[design.adaptive]`).
    pub adaptive: Option<AdaptiveSpec>,
    /// Event re-estimation at an interim, if any (`[design.reestimation]`).
    pub reestimation: Option<ReestimationSpec>,
}

/// Largest number of strata (cut-points + 1) a scenario may have.
pub const MAX_STRATA: usize = 16;

impl Scenario {
    /// Reads, overrides and checks a scenario file.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, &path.display().to_string(), overrides)
    }

    /// Parses scenario text; `file` names it in error messages.
    pub fn parse(text: &str, file: &str, overrides: &[String]) -> Result<Scenario> {
        let mut table: Table = toml::from_str(text).map_err(|e| Error::ScenarioSyntax {
            file: file.to_string(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        for assignment in overrides {
            overrides::apply(&mut table, file, assignment)?;
        }
        Self::from_table(&table, file)
    }

    /// Reads a scenario from a parsed TOML table.
    pub fn from_table(table: &Table, file: &str) -> Result<Scenario> {
        refuse_control_keys(table, "", file)?;
        let root = Node::root(file, table);
        root.only(&schema::TOP)?;
        let name = root.req_str("name", "a non-empty string")?.to_string();
        if name.trim().is_empty() {
            return Err(root.bad_value("name", "empty", "a non-empty string"));
        }
        if name.contains(['\n', '\t']) {
            return Err(root.bad_value(
                "name",
                "a line break or tab in the name",
                "one line of text (the description may have several)",
            ));
        }
        let description = root.str("description")?.map(str::to_string);

        let biomarker_node = root.table("biomarker")?;
        let (biomarker, strata) = match &biomarker_node {
            Some(node) => {
                let (spec, strata) = read_biomarker(node)?;
                (Some(spec), strata)
            }
            None => (None, vec![ALL_STRATUM.to_string()]),
        };

        let control_node = root.table("control")?.ok_or_else(|| {
            root.error(
                "control",
                "required table is missing",
                "(missing)",
                stratum_list(&strata),
            )
        })?;
        let (control, control_calibration) = read_control(&control_node, &strata)?;

        let effect_node = root.table("effect")?.ok_or_else(|| {
            root.error(
                "effect",
                "required table is missing",
                "(missing)",
                "a table with hazard_ratio (and optional delay)",
            )
        })?;
        let effect = read_effect(&effect_node, &strata)?;

        let enrolment_node = root.table("enrolment")?.ok_or_else(|| {
            root.error(
                "enrolment",
                "required table is missing",
                "(missing)",
                "a table with rate (and optional screen_failure)",
            )
        })?;
        let enrolment = read_enrolment(&enrolment_node)?;

        let dropout = match root.table("dropout")? {
            Some(node) => {
                node.only(&schema::DROPOUT)?;
                let probability = |key: &str| {
                    node.f64_where(key, "a probability in [0, 1)", |p| (0.0..1.0).contains(&p))
                };
                let both = probability("per_year")?;
                let treatment = probability("treatment_per_year")?;
                let control = probability("control_per_year")?;
                match (both, treatment, control) {
                    (Some(p), t, c) => DropoutSpec {
                        per_year: p,
                        treatment_per_year: t.unwrap_or(p),
                        control_per_year: c.unwrap_or(p),
                    },
                    (None, Some(t), Some(c)) => DropoutSpec {
                        per_year: c,
                        treatment_per_year: t,
                        control_per_year: c,
                    },
                    (None, None, None) => DropoutSpec {
                        per_year: 0.0,
                        treatment_per_year: 0.0,
                        control_per_year: 0.0,
                    },
                    (None, t, _) => {
                        return Err(node.error(
                            "per_year",
                            "is missing while only one arm's dropout is given",
                            if t.is_some() {
                                "treatment_per_year alone"
                            } else {
                                "control_per_year alone"
                            },
                            "per_year, or both treatment_per_year and control_per_year",
                        ));
                    }
                }
            }
            None => DropoutSpec {
                per_year: 0.0,
                treatment_per_year: 0.0,
                control_per_year: 0.0,
            },
        };

        let design_node = root.table("design")?.ok_or_else(|| {
            root.error(
                "design",
                "required table is missing",
                "(missing)",
                "a table with sample_size and analysis",
            )
        })?;
        let design = read_design(&design_node, &strata)?;

        let prior = match root.table("prior")? {
            Some(node) => {
                let piecewise: Vec<bool> = effect.schedule.iter().map(|p| !p.is_empty()).collect();
                Some(prior::read_prior(&node, &strata, &piecewise)?)
            }
            None => None,
        };

        let calibration = match root.table("calibration")? {
            None => None,
            Some(node) => Some(calibration::read_calibration(&node)?),
        };

        let function = match root.table("function")? {
            None => None,
            Some(node) => Some(function::read_function(&node, &strata)?),
        };
        check_function_tests(&design, function.as_ref(), &design_node)?;

        Ok(Scenario {
            name,
            description,
            biomarker,
            strata,
            control,
            control_calibration,
            effect,
            enrolment,
            dropout,
            design,
            prior,
            calibration,
            function,
        })
    }
}

/// A function test (`slope`, `mmrm(t)`, `cafs(t)`) needs `[function]`, and the time of `mmrm`
/// and `cafs` must be one of its post-baseline visits.
fn check_function_tests(
    design: &DesignSpec,
    function: Option<&FunctionSpec>,
    node: &Node,
) -> Result<()> {
    let tests =
        std::iter::once(("test", &design.test)).chain(design.tests.iter().map(|t| ("tests", t)));
    for (key, test) in tests {
        if !test.kind.is_function() {
            continue;
        }
        let Some(f) = function else {
            return Err(node.bad_value(
                key,
                &format!("the test {test} analyses function scores, and the scenario has no [function] table"),
                "a survival test, or a [function] table that simulates the ALSFRS-R visits",
            ));
        };
        if let Some(t) = test.kind.visit()
            && !f.has_visit(t)
        {
            let visits: Vec<String> = f.visits[1..].iter().map(|v| v.to_string()).collect();
            return Err(node.bad_value(
                key,
                &format!("the test {test} needs a scheduled visit at {t} months"),
                format!(
                    "a time among function.visits after baseline: {}",
                    visits.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn stratum_list(strata: &[String]) -> String {
    format!("a table with one entry per stratum: {}", strata.join(", "))
}

fn read_biomarker(node: &Node) -> Result<(BiomarkerSpec, Vec<String>)> {
    node.only(&schema::BIOMARKER)?;
    let name = node.str("name")?.unwrap_or("biomarker").to_string();
    let unit = node.str("unit")?.unwrap_or("").to_string();
    let median = node.req_f64_where("median", "a number > 0", |x| x > 0.0)?;
    let gsd = node.req_f64_where("gsd", "a number > 1 (geometric SD)", |x| x > 1.0)?;
    let assay_cv = node
        .f64_where("assay_cv", "a number in [0, 10]", |x| {
            (0.0..=10.0).contains(&x)
        })?
        .unwrap_or(0.0);
    let cutpoints = node.f64_array("cutpoints")?.ok_or_else(|| {
        node.error(
            "cutpoints",
            "required key is missing",
            "(missing)",
            "an ascending array of positive numbers",
        )
    })?;
    if cutpoints.is_empty() || cutpoints.len() + 1 > MAX_STRATA {
        return Err(node.bad_value(
            "cutpoints",
            "wrong number of cut-points",
            format!("1 to {} ascending positive numbers", MAX_STRATA - 1),
        ));
    }
    if cutpoints.iter().any(|&c| c <= 0.0) || cutpoints.windows(2).any(|w| w[1] <= w[0]) {
        return Err(node.bad_value(
            "cutpoints",
            "cut-points not positive and strictly ascending",
            "strictly ascending positive numbers",
        ));
    }
    let strata = node.str_array("strata")?.unwrap_or_else(|| {
        (0..=cutpoints.len())
            .map(|i| format!("stratum{}", i + 1))
            .collect()
    });
    if strata.len() != cutpoints.len() + 1 {
        return Err(node.bad_value(
            "strata",
            "number of strata does not match the cut-points",
            format!(
                "{} names ({} cut-points make {} strata)",
                cutpoints.len() + 1,
                cutpoints.len(),
                cutpoints.len() + 1
            ),
        ));
    }
    for (i, s) in strata.iter().enumerate() {
        if s.trim().is_empty() || strata[..i].contains(s) {
            return Err(node.bad_value(
                "strata",
                "empty or repeated stratum name",
                "distinct non-empty names",
            ));
        }
    }
    Ok((
        BiomarkerSpec {
            name,
            unit,
            median,
            gsd,
            assay_cv,
            cutpoints,
        },
        strata,
    ))
}

/// The forms a control model may take, for "no control model" messages.
const CONTROL_FORMS: &str = "{ median = m }, { survival = s, at = t }, { survival = s, at = t, shape = k }, { weibull = { median = m, shape = k } }, { weibull = { survival = s, at = t, shape = k } } or { piecewise = { starts = [...], rates = [...] } }";

/// Reads `[control]`: one model per stratum, with the survival point each was calibrated by
/// (if any).
fn read_control(
    node: &Node,
    strata: &[String],
) -> Result<(Vec<HazardSpec>, Vec<Option<SurvivalAt>>)> {
    let allowed: Vec<&str> = strata.iter().map(String::as_str).collect();
    node.only_names(&allowed)?;
    strata
        .iter()
        .map(|s| {
            let model = node.table(s)?.ok_or_else(|| {
                node.error(
                    s,
                    "no control model for this stratum",
                    "(missing)",
                    CONTROL_FORMS,
                )
            })?;
            read_hazard(&model)
        })
        .collect::<Result<Vec<_>>>()
        .map(|models| models.into_iter().unzip())
}

const HAZARD_FORMS: &str = "exactly one of median = m; survival = s, at = t (optional shape = k: Weibull); weibull = { median, shape } or { survival, at, shape }; piecewise = { starts, rates }";

/// Checks the median a survival point implies (`S(at) = survival`), which may lie outside
/// [`MEDIAN_MONTHS`] when the point is extreme (survival = 0.999999999 at 1 month).
fn check_implied_median(node: &Node, point: &SurvivalAt, median: f64) -> Result<()> {
    if within(MEDIAN_MONTHS, median) {
        return Ok(());
    }
    Err(node.bad_self(
        &format!(
            "survival {} at {} months implies a median of {median:.4e} months",
            point.survival, point.at
        ),
        format!("a survival point whose median is {MEDIAN_ALLOWED}"),
    ))
}

/// Refuses a key with a control character anywhere in the file (a quoted key such as
/// `"low\u0000" = ...`), which would otherwise be printed raw in reports.
fn refuse_control_keys(table: &Table, path: &str, file: &str) -> Result<()> {
    for (k, v) in table {
        let here = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        if k.chars().any(char::is_control) {
            return Err(Error::Scenario {
                file: file.to_string(),
                key: format!("{here:?}"),
                problem: "a control character in a key".into(),
                value: show(v),
                allowed: "keys of printable characters".into(),
            });
        }
        let tables: Vec<&Table> = match v {
            Value::Table(t) => vec![t],
            Value::Array(items) => items.iter().filter_map(Value::as_table).collect(),
            _ => Vec::new(),
        };
        for t in tables {
            refuse_control_keys(t, &here, file)?;
        }
    }
    Ok(())
}

/// What `survival` may be.
const SURVIVAL_ALLOWED: &str = "a proportion alive strictly between 0 and 1";
/// What `at` may be.
const AT_ALLOWED: &str = "months > 0";
/// What a Weibull `shape` may be.
const SHAPE_ALLOWED: &str = "a number in (0, 20]";

/// Reads `survival = s, at = t` of `node` (both required, `0 < s < 1`, `t > 0`).
fn read_survival_at(node: &Node) -> Result<SurvivalAt> {
    let survival = node.req_f64_where("survival", SURVIVAL_ALLOWED, |x| x > 0.0 && x < 1.0)?;
    let at = node.req_f64_where("at", AT_ALLOWED, |x| x > 0.0)?;
    Ok(SurvivalAt { survival, at })
}

/// Refuses `median` beside `survival`/`at` in one table: the model would be given twice.
fn refuse_median_with_survival(node: &Node, allowed: &str) -> Result<()> {
    if node.has("median") && (node.has("survival") || node.has("at")) {
        return Err(node.bad_self(
            "both a median and a survival point are given (a model is fixed by one of them)",
            allowed,
        ));
    }
    Ok(())
}

/// Reads one event-time distribution and the survival point it was calibrated by, if any:
///
/// - `{ median = m }`: exponential with rate ln 2 / m;
/// - `{ survival = s, at = t }`: the exponential with `S(t) = s`, i.e. median `t ln 2 / (-ln s)`;
/// - `{ survival = s, at = t, shape = k }` (or `weibull = { survival, at, shape }`): the Weibull
///   `S(u) = exp(-(u / l)^k)` with `S(t) = s`: scale `l = t / (-ln s)^(1/k)`, median
///   `l (ln 2)^(1/k)`;
/// - `{ weibull = { median = m, shape = k } }`;
/// - `{ piecewise = { starts, rates } }`.
///
/// Calibrated models are resolved to the equivalent [`HazardSpec::Exponential`] or
/// [`HazardSpec::Weibull`] median, so nothing downstream depends on how they were given.
fn read_hazard(node: &Node) -> Result<(HazardSpec, Option<SurvivalAt>)> {
    node.only(&schema::HAZARD)?;
    refuse_median_with_survival(
        node,
        "either { median = m } or { survival = s, at = t }, not both",
    )?;
    let point_form = node.has("survival") || node.has("at");
    if node.has("shape") && !point_form {
        return Err(node.bad_value(
            "shape",
            "a shape alone does not fix a model",
            "shape beside survival and at ({ survival = s, at = t, shape = k }), or weibull = { median = m, shape = k }",
        ));
    }
    let forms = [
        node.has("median"),
        point_form,
        node.has("weibull"),
        node.has("piecewise"),
    ]
    .iter()
    .filter(|&&f| f)
    .count();
    if forms != 1 {
        return Err(node.bad_self(
            &format!("ambiguous or empty distribution ({forms} forms given)"),
            HAZARD_FORMS,
        ));
    }
    if node.has("median") {
        let median = node.req_f64_where("median", MEDIAN_ALLOWED, |x| within(MEDIAN_MONTHS, x))?;
        return Ok((HazardSpec::Exponential { median }, None));
    }
    if point_form {
        let point = read_survival_at(node)?;
        let spec = match node.f64_where("shape", SHAPE_ALLOWED, |x| x > 0.0 && x <= 20.0)? {
            None => HazardSpec::Exponential {
                median: point.exponential_median(),
            },
            Some(shape) => HazardSpec::Weibull {
                median: point.weibull_median(shape),
                shape,
            },
        };
        let (HazardSpec::Exponential { median } | HazardSpec::Weibull { median, .. }) = spec else {
            unreachable!("a survival point gives an exponential or a Weibull model")
        };
        check_implied_median(node, &point, median)?;
        return Ok((spec, Some(point)));
    }
    if let Some(w) = node.table("weibull")? {
        w.only(&schema::WEIBULL)?;
        refuse_median_with_survival(
            &w,
            "either weibull = { median = m, shape = k } or weibull = { survival = s, at = t, shape = k }, not both",
        )?;
        let shape = w.req_f64_where("shape", SHAPE_ALLOWED, |x| x > 0.0 && x <= 20.0)?;
        if w.has("survival") || w.has("at") {
            let point = read_survival_at(&w)?;
            let median = point.weibull_median(shape);
            check_implied_median(&w, &point, median)?;
            return Ok((HazardSpec::Weibull { median, shape }, Some(point)));
        }
        let median = w.req_f64_where(
            "median",
            "a number of months in [0.01, 100000] (or survival = s, at = t instead)",
            |x| within(MEDIAN_MONTHS, x),
        )?;
        return Ok((HazardSpec::Weibull { median, shape }, None));
    }
    let Some(p) = node.table("piecewise")? else {
        return Err(node.bad_value(
            "piecewise",
            "expected a table",
            "{ starts = [0, ...], rates = [...] }",
        ));
    };
    p.only(&schema::PIECEWISE)?;
    let starts = p.f64_array("starts")?.ok_or_else(|| {
        p.error(
            "starts",
            "required key is missing",
            "(missing)",
            "ascending numbers starting at 0",
        )
    })?;
    let rates = p.f64_array("rates")?.ok_or_else(|| {
        p.error(
            "rates",
            "required key is missing",
            "(missing)",
            "hazards per month >= 0, one per start",
        )
    })?;
    if starts.is_empty() || starts[0] != 0.0 || starts.windows(2).any(|w| w[1] <= w[0]) {
        return Err(p.bad_value(
            "starts",
            "not strictly ascending from 0",
            "strictly ascending numbers starting at 0",
        ));
    }
    if rates.len() != starts.len() {
        return Err(p.bad_value(
            "rates",
            "one rate per start is needed",
            format!("{} rates >= 0", starts.len()),
        ));
    }
    if rates.iter().any(|&r| r < 0.0) {
        return Err(p.bad_value("rates", "negative hazard", "hazards per month >= 0"));
    }
    if rates.iter().any(|&r| r > MAX_HAZARD_PER_MONTH) {
        return Err(p.bad_value(
            "rates",
            "a hazard too large to simulate",
            format!("hazards per month in [0, {MAX_HAZARD_PER_MONTH}]"),
        ));
    }
    if rates.iter().all(|&r| r == 0.0) {
        return Err(p.bad_value("rates", "all hazards are zero", "at least one hazard > 0"));
    }
    Ok((HazardSpec::Piecewise { starts, rates }, None))
}

fn read_effect(node: &Node, strata: &[String]) -> Result<EffectSpec> {
    node.only(&schema::EFFECT)?;
    let hr_allowed = "a hazard ratio in [0.001, 1000], a list of { from, hr } pieces starting at from = 0, or a table with one of those per stratum";
    let mut schedule = vec![Vec::new(); strata.len()];
    let hazard_ratio = match node.raw("hazard_ratio") {
        None => {
            return Err(node.error(
                "hazard_ratio",
                "required key is missing",
                "(missing)",
                hr_allowed,
            ));
        }
        Some(Value::Table(_)) => {
            let t = node.table("hazard_ratio")?.expect("checked to be a table");
            let allowed: Vec<&str> = strata.iter().map(String::as_str).collect();
            t.only_names(&allowed)?;
            let mut hrs = Vec::with_capacity(strata.len());
            for (j, s) in strata.iter().enumerate() {
                match t.raw(s) {
                    Some(Value::Array(_)) => {
                        let pieces = read_hr_pieces(&t, s)?;
                        hrs.push(pieces.last().map_or(1.0, |p| p.hr));
                        if pieces.len() > 1 {
                            schedule[j] = pieces;
                        }
                    }
                    _ => hrs.push(
                        t.f64_where(
                            s,
                            "a hazard ratio in [0.001, 1000], or a list of { from, hr }",
                            |x| within(HAZARD_RATIO, x),
                        )?
                        .ok_or_else(|| {
                            t.error(
                                s,
                                "no hazard ratio for this stratum",
                                "(missing)",
                                "a hazard ratio > 0, or a list of { from, hr }",
                            )
                        })?,
                    ),
                }
            }
            hrs
        }
        Some(Value::Array(_)) => {
            let pieces = read_hr_pieces(node, "hazard_ratio")?;
            let last = pieces.last().map_or(1.0, |p| p.hr);
            if pieces.len() > 1 {
                schedule = vec![pieces; strata.len()];
            }
            vec![last; strata.len()]
        }
        Some(_) => {
            let hr = node.req_f64_where("hazard_ratio", hr_allowed, |x| within(HAZARD_RATIO, x))?;
            vec![hr; strata.len()]
        }
    };
    let delay = node
        .f64_where("delay", "months >= 0", |x| x >= 0.0)?
        .unwrap_or(0.0);
    if delay > 0.0 && schedule.iter().any(|p| !p.is_empty()) {
        return Err(node.bad_value(
            "delay",
            "a delay cannot be combined with a piecewise hazard_ratio",
            "delay = 0 (or no delay key); write the delay as a first piece { from = 0.0, hr = 1.0 }",
        ));
    }
    Ok(EffectSpec {
        hazard_ratio,
        delay,
        schedule,
    })
}

/// Reads a list of `{ from, hr }` pieces at key `k` of `node`: the first from 0, strictly
/// ascending, every `hr > 0`, at most [`MAX_HR_PIECES`].
fn read_hr_pieces(node: &Node, k: &str) -> Result<Vec<HrPiece>> {
    let allowed = "a list of { from = months, hr = hazard ratio > 0 }, the first from = 0.0, strictly ascending";
    let Some(Value::Array(items)) = node.raw(k) else {
        return Err(node.bad_value(k, "expected a list of pieces", allowed));
    };
    if items.is_empty() || items.len() > MAX_HR_PIECES {
        return Err(node.bad_value(
            k,
            "wrong number of pieces",
            format!("1 to {MAX_HR_PIECES} pieces: {allowed}"),
        ));
    }
    let mut pieces = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Table(t) = item else {
            return Err(node.error(
                &format!("{k}.{i}"),
                "expected a table",
                show(item),
                "{ from = months, hr = hazard ratio }",
            ));
        };
        let piece = node.child(node.key(&format!("{k}.{i}")), t);
        piece.only(&schema::HR_PIECE)?;
        let from = piece.req_f64_where("from", "months >= 0", |x| x >= 0.0 && x.is_finite())?;
        let hr = piece.req_f64_where("hr", HR_ALLOWED, |x| within(HAZARD_RATIO, x))?;
        pieces.push(HrPiece { from, hr });
    }
    if pieces[0].from != 0.0 || pieces.windows(2).any(|w| w[1].from <= w[0].from) {
        return Err(node.bad_value(
            k,
            "pieces must start at from = 0 and ascend strictly in `from`",
            allowed,
        ));
    }
    Ok(pieces)
}

fn read_enrolment(node: &Node) -> Result<EnrolmentSpec> {
    node.only(&schema::ENROLMENT)?;
    let rate_allowed =
        "a number in (0, 1000000], or an array of { from, per_month } starting at from = 0";
    let rate = match node.raw("rate") {
        None => {
            return Err(node.error("rate", "required key is missing", "(missing)", rate_allowed));
        }
        Some(Value::Array(items)) => {
            let mut pieces = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let Value::Table(t) = item else {
                    return Err(node.error(
                        &format!("rate.{i}"),
                        "expected a table",
                        show(item),
                        "{ from = months, per_month = patients }",
                    ));
                };
                let piece = node.child(node.key(&format!("rate.{i}")), t);
                piece.only(&schema::RATE_PIECE)?;
                let from = piece.req_f64_where("from", "months >= 0", |x| x >= 0.0)?;
                let per_month = piece.req_f64_where(
                    "per_month",
                    "patients per month in [0, 1000000]",
                    |x| (0.0..=MAX_RATE_PER_MONTH).contains(&x),
                )?;
                pieces.push(RatePiece { from, per_month });
            }
            if pieces.is_empty()
                || pieces[0].from != 0.0
                || pieces.windows(2).any(|w| w[1].from <= w[0].from)
            {
                return Err(node.bad_value(
                    "rate",
                    "pieces must start at 0 and ascend strictly in `from`",
                    rate_allowed,
                ));
            }
            let last = pieces.len() - 1;
            if pieces[last].per_month <= 0.0 {
                return Err(node.error(
                    &format!("rate.{last}.per_month"),
                    "the last piece's rate is 0, so screening could never finish",
                    items[last].get("per_month").map(show).unwrap_or_default(),
                    "a last piece with per_month > 0",
                ));
            }
            pieces
        }
        Some(_) => {
            let per_month =
                node.req_f64_where("rate", rate_allowed, |x| x > 0.0 && x <= MAX_RATE_PER_MONTH)?;
            vec![RatePiece {
                from: 0.0,
                per_month,
            }]
        }
    };
    let screen_failure = node
        .f64_where("screen_failure", "a fraction in [0, 1)", |x| {
            (0.0..1.0).contains(&x)
        })?
        .unwrap_or(0.0);
    Ok(EnrolmentSpec {
        rate,
        screen_failure,
    })
}

fn read_design(node: &Node, strata: &[String]) -> Result<DesignSpec> {
    node.only(&schema::DESIGN)?;
    let eligible = match node.str_array("eligible")? {
        None => (0..strata.len()).collect(),
        Some(names) => {
            if names.is_empty() {
                return Err(node.bad_value(
                    "eligible",
                    "no stratum is eligible",
                    format!("a non-empty subset of {}", strata.join(", ")),
                ));
            }
            let mut idx = stratum_indices(
                node,
                "eligible",
                &names,
                strata,
                [
                    "distinct stratum names",
                    &format!("strata of the biomarker: {}", strata.join(", ")),
                ],
            )?;
            idx.sort_unstable();
            idx
        }
    };
    let sample_size = node.uint("sample_size")?.ok_or_else(|| {
        node.error(
            "sample_size",
            "required key is missing",
            "(missing)",
            "a whole number of patients in [2, 1000000]",
        )
    })?;
    if !(2..=1_000_000).contains(&sample_size) {
        return Err(node.bad_value(
            "sample_size",
            "out of range",
            "a whole number of patients in [2, 1000000]",
        ));
    }
    let sample_size = sample_size as u32;
    let allocation = match node.raw("allocation") {
        None => [1, 1],
        Some(_) => {
            let a = node.f64_array("allocation")?.unwrap_or_default();
            let ok = a.len() == 2
                && a.iter()
                    .all(|&x| (1.0..=100.0).contains(&x) && x.fract() == 0.0);
            if !ok {
                return Err(node.bad_value(
                    "allocation",
                    "not a ratio of two whole numbers",
                    "[treatment, control], whole numbers in 1..=100",
                ));
            }
            [a[0] as u32, a[1] as u32]
        }
    };
    let randomisation = match node.str("randomisation")? {
        None | Some("stratified_blocks") => RandomisationSpec::StratifiedBlocks,
        Some("simple") => RandomisationSpec::Simple,
        Some(_) => {
            return Err(node.bad_value(
                "randomisation",
                "unknown scheme",
                "\"stratified_blocks\" or \"simple\"",
            ));
        }
    };
    let unit = allocation[0] + allocation[1];
    let block_size = match node.uint("block_size")? {
        None => {
            if unit <= 4 && 4 % unit == 0 {
                4
            } else {
                unit
            }
        }
        Some(b) => {
            if b == 0 || b > 1000 || b % unit as u64 != 0 {
                return Err(node.bad_value(
                    "block_size",
                    "not a multiple of the allocation's sum",
                    format!(
                        "a multiple of {unit} (allocation {}:{}), at most 1000",
                        allocation[0], allocation[1]
                    ),
                ));
            }
            b as u32
        }
    };
    let analysis_allowed = "{ events = N }, { calendar = months } or { after_last = months }";
    let analysis_node = node.table("analysis")?.ok_or_else(|| {
        node.error(
            "analysis",
            "required key is missing",
            "(missing)",
            analysis_allowed,
        )
    })?;
    analysis_node.only(&schema::ANALYSIS)?;
    let forms = ["events", "calendar", "after_last"]
        .iter()
        .filter(|k| analysis_node.has(k))
        .count();
    if forms != 1 {
        return Err(node.bad_value(
            "analysis",
            "exactly one analysis time is needed",
            analysis_allowed,
        ));
    }
    let analysis = if analysis_node.has("events") {
        let events = analysis_node.uint("events")?.unwrap_or(0);
        if events == 0 || events > sample_size as u64 {
            return Err(analysis_node.bad_value(
                "events",
                "impossible event count",
                format!("a whole number in 1..={sample_size} (design.sample_size)"),
            ));
        }
        AnalysisSpec::Events(events as u32)
    } else if analysis_node.has("calendar") {
        AnalysisSpec::Calendar(analysis_node.req_f64_where("calendar", "months > 0", |x| x > 0.0)?)
    } else {
        AnalysisSpec::AfterLast(
            analysis_node.req_f64_where("after_last", "months >= 0", |x| x >= 0.0)?,
        )
    };
    let follow_up = node.f64_where("follow_up", "months > 0", |x| x > 0.0)?;
    let test = match node.str("test")? {
        None => TestSpec::stratified_logrank(),
        Some(name) => TestSpec::parse(name).map_err(|problem| {
            node.bad_value(
                "test",
                &format!("unknown or malformed test ({problem})"),
                crate::analysis::TEST_NAMES,
            )
        })?,
    };
    let mut tests = Vec::new();
    if let Some(names) = node.str_array("tests")? {
        if names.is_empty() || names.len() > MAX_TESTS {
            return Err(node.bad_value(
                "tests",
                "wrong number of tests",
                format!(
                    "1 to {MAX_TESTS} test names: {}",
                    crate::analysis::TEST_NAMES
                ),
            ));
        }
        for name in &names {
            let t = TestSpec::parse(name).map_err(|problem| {
                node.bad_value(
                    "tests",
                    &format!("unknown or malformed test ({problem})"),
                    crate::analysis::TEST_NAMES,
                )
            })?;
            if tests.contains(&t) {
                return Err(node.bad_value(
                    "tests",
                    &format!("test {name:?} listed twice"),
                    "distinct test names",
                ));
            }
            tests.push(t);
        }
    }
    let alpha = node
        .f64_where("alpha", "a one-sided level in (0, 0.5)", |x| {
            x > 0.0 && x < 0.5
        })?
        .unwrap_or(0.025);
    let sequential = match node.table("sequential")? {
        None => None,
        Some(seq) => Some(read_sequential(&seq, &analysis, alpha)?),
    };
    if let Some(seq) = &sequential
        && seq.sided == 2
    {
        let seq_node = node.table("sequential")?.expect("present");
        if !test.is_logrank() {
            return Err(seq_node.bad_value(
                "sided",
                "two-sided monitoring is implemented for the log-rank only",
                "sided = 2 with test = \"logrank\" or \"stratified_logrank\"; sided = 1 with other tests",
            ));
        }
        if node.has("hypotheses") {
            return Err(seq_node.bad_value(
                "sided",
                "two-sided monitoring is implemented for a single hypothesis only",
                "sided = 2 without [design.hypotheses]; sided = 1 with several hypotheses",
            ));
        }
    }
    if let Some(seq) = &sequential
        && seq.lower.is_some()
    {
        let seq_node = node.table("sequential")?.expect("present");
        if !test.is_logrank() || node.has("hypotheses") {
            return Err(seq_node.bad_value(
                "lower",
                "asymmetric monitoring is implemented for a single log-rank hypothesis only",
                "lower with test = \"logrank\" or \"stratified_logrank\" and no [design.hypotheses]",
            ));
        }
    }
    if let Some(seq) = &sequential
        && !test.is_logrank()
    {
        check_weighted_sequential(node, &test, seq)?;
    }
    if sequential.is_some() && !tests.is_empty() {
        return Err(node.bad_value(
            "tests",
            "further tests are evaluated at a single final analysis, so they need a fixed design",
            "no design.tests with [design.sequential]",
        ));
    }
    if (node.has("hypotheses") || node.has("adaptive")) && (!test.is_logrank() || !tests.is_empty())
    {
        return Err(node.bad_value(
            "test",
            "several hypotheses and adaptive enrichment are tested by the (stratified) log-rank in each population",
            "\"logrank\" or \"stratified_logrank\", and no design.tests, with [design.hypotheses] or [design.adaptive]",
        ));
    }
    let hypotheses = match node.table("hypotheses")? {
        None => None,
        Some(h) => Some(hypotheses::read_hypotheses(
            &h,
            strata,
            &eligible,
            node.has("adaptive"),
        )?),
    };
    if let (Some(seq), Some(_)) = (&sequential, &hypotheses)
        && (seq.look_months.is_some() || !matches!(analysis, AnalysisSpec::Events(_)))
    {
        return Err(node.bad_value(
            "hypotheses",
            "several hypotheses are monitored at event-driven looks only",
            "design.analysis = { events = N } and [design.sequential] looks, or no [design.hypotheses], with a calendar-time final analysis or look_months",
        ));
    }
    let adaptive = match node.table("adaptive")? {
        None => None,
        Some(a) => {
            if node.has("sequential") {
                return Err(a.bad_self(
                    "adaptive enrichment has its own two stages",
                    "either [design.adaptive] or [design.sequential], not both",
                ));
            }
            Some(hypotheses::read_adaptive(
                &a,
                &analysis,
                hypotheses.as_ref(),
                &eligible,
            )?)
        }
    };
    // Hypotheses other than a single one on every eligible stratum go through the multiple
    // testing path, whose futility rule is the primary's, non-binding.
    if let (Some(seq), Some(h)) = (&sequential, &hypotheses)
        && (h.populations.len() > 1 || h.populations[0].strata != eligible)
    {
        let seq_node = node.table("sequential")?.expect("present");
        if h.procedure == Some(crate::design::multiplicity::Procedure::SpiessensDebois) {
            return Err(node.error(
                "hypotheses.multiplicity",
                "Spiessens-Debois is implemented for a single analysis only",
                "\"spiessens_debois\" with [design.sequential]",
                "fixed_sequence, bonferroni, holm or graphical with interim looks",
            ));
        }
        if seq.binding_futility {
            return Err(seq_node.bad_value(
                "binding_futility",
                "futility with several hypotheses is applied to the primary only, non-binding",
                "false (or no futility rule)",
            ));
        }
    }
    let reestimation = match node.table("reestimation")? {
        None => None,
        Some(r) => Some(read_reestimation_checked(
            node,
            &r,
            &analysis,
            sample_size,
            &test,
            &tests,
            hypotheses.as_ref(),
            &eligible,
            adaptive.as_ref(),
        )?),
    };
    Ok(DesignSpec {
        tests,
        hypotheses,
        adaptive,
        reestimation,
        sequential,
        eligible,
        sample_size,
        allocation,
        randomisation,
        block_size,
        analysis,
        follow_up,
        test,
        alpha,
    })
}

/// Reads `[design.reestimation]` and checks it against the rest of `[design]`: not with
/// `[design.sequential]` (the re-estimation design has its own interim, whose bounds are its
/// `efficacy` and `futility` keys); with `[design.adaptive]`, at the adaptive design's interim
/// (its stage-2 deaths re-estimated); the primary test a (stratified) log-rank with no further
/// tests; with several hypotheses and no adaptive design, no early efficacy (the multiple test
/// procedure is applied once, to the combined statistics).
#[allow(clippy::too_many_arguments)]
fn read_reestimation_checked(
    node: &Node,
    r: &Node,
    analysis: &AnalysisSpec,
    sample_size: u32,
    test: &TestSpec,
    tests: &[TestSpec],
    hypotheses: Option<&HypothesesSpec>,
    eligible: &[usize],
    adaptive: Option<&AdaptiveSpec>,
) -> Result<ReestimationSpec> {
    if node.has("sequential") {
        return Err(r.bad_self(
            "event re-estimation has its own interim look (its bounds are design.reestimation.efficacy and futility)",
            "either [design.reestimation] or [design.sequential], not both",
        ));
    }
    if !test.is_logrank() || !tests.is_empty() {
        return Err(node.bad_value(
            "test",
            "event re-estimation combines the stages of the (stratified) log-rank",
            "\"logrank\" or \"stratified_logrank\", and no design.tests, with [design.reestimation]",
        ));
    }
    let spec =
        reestimation::read_reestimation(r, analysis, sample_size, adaptive.map(|a| a.interim))?;
    let several =
        hypotheses.is_some_and(|h| h.populations.len() > 1 || h.populations[0].strata != eligible);
    if several && spec.efficacy.is_some() {
        return Err(r.bad_value(
            "efficacy",
            "with several hypotheses the multiple test procedure is applied once, at the final analysis",
            "efficacy = \"none\" (or left out) with [design.hypotheses]",
        ));
    }
    Ok(spec)
}

/// Reads the interim looks of `[design.sequential]`: exactly one of `looks` (information
/// fractions) and `look_months` (calendar months from the first screening).
///
/// With an event-driven final analysis of N events the fractions must fall on whole, distinct
/// event counts round(t N) (checked here); with a calendar final analysis (`calendar` or
/// `after_last`) the planned final events D are the expected events at that time, known only
/// once the model is resolved, where the counts ceil(t D) are checked
/// ([`crate::model::SequentialPlan::at_calendar`]). `look_months` must be strictly ascending,
/// positive and, with `calendar = T`, before T (with `after_last` the check against the expected
/// final time is made at resolution).
fn read_looks(node: &Node, analysis: &AnalysisSpec) -> Result<(Vec<f64>, Option<Vec<f64>>)> {
    let both = "exactly one of looks (information fractions) and look_months (calendar months)";
    match (node.has("looks"), node.has("look_months")) {
        (true, true) => {
            return Err(node.bad_value(
                "look_months",
                "looks and look_months are both given",
                both,
            ));
        }
        (false, false) => {
            return Err(node.error("looks", "required key is missing", "(missing)", both));
        }
        _ => {}
    }
    if node.has("look_months") {
        let months = node.f64_array("look_months")?.unwrap_or_default();
        if let AnalysisSpec::Events(_) = analysis {
            return Err(node.bad_value(
                "look_months",
                "interims at calendar months need a calendar-time final analysis",
                "design.analysis = { calendar = months } or { after_last = months } with look_months; looks (fractions) with { events = N }",
            ));
        }
        let (limit, allowed) = match *analysis {
            AnalysisSpec::Calendar(t) => (
                t,
                format!(
                    "1 to {} strictly ascending months in (0, {t}) (before design.analysis.calendar)",
                    MAX_LOOKS - 1
                ),
            ),
            _ => (
                f64::INFINITY,
                format!(
                    "1 to {} strictly ascending months > 0, before the final analysis",
                    MAX_LOOKS - 1
                ),
            ),
        };
        let ok = !months.is_empty()
            && months.len() < MAX_LOOKS
            && months
                .iter()
                .all(|&m| m.is_finite() && m > 0.0 && m < limit)
            && months.windows(2).all(|w| w[1] > w[0]);
        if !ok {
            return Err(node.bad_value("look_months", "impossible interim months", allowed));
        }
        return Ok((Vec::new(), Some(months)));
    }
    let looks = node.f64_array("looks")?.unwrap_or_default();
    let fractions_ok = !looks.is_empty()
        && looks.len() < MAX_LOOKS
        && looks.iter().all(|&t| t > 0.0 && t < 1.0)
        && looks.windows(2).all(|w| w[1] > w[0]);
    let AnalysisSpec::Events(total) = *analysis else {
        if !fractions_ok {
            return Err(node.bad_value(
                "looks",
                "impossible interim looks",
                format!(
                    "1 to {} strictly ascending fractions in (0, 1) of the events expected at the final analysis",
                    MAX_LOOKS - 1
                ),
            ));
        }
        return Ok((looks, None));
    };
    let looks_allowed = format!(
        "1 to {} strictly ascending fractions in (0, 1), each a whole number of events >= 1 apart (final: {total} events)",
        MAX_LOOKS - 1
    );
    let counts: Vec<u64> = looks
        .iter()
        .map(|t| (t * total as f64).round() as u64)
        .collect();
    let ok = fractions_ok
        && counts.first().is_some_and(|&c| c >= 1)
        && counts.windows(2).all(|w| w[1] > w[0])
        && counts.last().is_some_and(|&c| c < total as u64);
    if !ok {
        return Err(node.bad_value("looks", "impossible interim looks", looks_allowed));
    }
    Ok((looks, None))
}

/// Reads `[design.sequential]`: interim looks at information fractions or calendar months, the
/// final analysis at `design.analysis` (an event count or a calendar time).
fn read_sequential(node: &Node, analysis: &AnalysisSpec, alpha: f64) -> Result<SequentialSpec> {
    use crate::design::sequential::spending::{
        CRITERION_NAMES, KindParams, OptimizationCriterion, UserSpending,
    };
    use crate::design::sequential::{DesignKind, SpendingFunction};
    node.only(&schema::SEQUENTIAL)?;
    let sided = read_sided(node, analysis)?;
    let (looks, look_months) = read_looks(node, analysis)?;
    let gamma = node.f64("gamma")?;
    let rho = node.f64("rho")?;
    let delta = node.f64("delta")?;
    let name = node.str("efficacy")?.unwrap_or("asOF");
    let power = node
        .f64_where("power", "a power in (alpha, 1)", |p| p > 0.0 && p < 1.0)?
        .unwrap_or(0.9);
    let interims = look_months.as_ref().map_or(looks.len(), Vec::len);
    let n_looks = interims + 1;
    // user-defined cumulative spending: one value per analysis, non-decreasing, ending at total
    let user = |key: &str, total: f64| -> Result<Option<Vec<f64>>> {
        let Some(values) = node.f64_array(key)? else {
            return Ok(None);
        };
        UserSpending::check(key, &values, n_looks, total)
            .map_err(|e| node.bad_value(key, "not a cumulative spending", usage_allowed(&e)))?;
        Ok(Some(values))
    };
    // two-sided user spending is cumulative two-sided alpha, ending at 2 alpha
    let user_alpha = user("user_alpha", alpha * f64::from(sided))?;
    let user_beta = user("user_beta", 1.0 - power)?;
    let hp_bound = node.f64_where("hp_bound", "a z bound in (0, 8]", |b| b > 0.0 && b <= 8.0)?;
    let optimize = node.str("optimize")?;
    if let Some(c) = optimize {
        OptimizationCriterion::parse("optimize", c)
            .map_err(|_| node.bad_value("optimize", "unknown criterion", CRITERION_NAMES))?;
    }
    let delta_pt = |key: &str| {
        node.f64_where(key, "a Pampallona-Tsiatis Delta in [-0.5, 1]", |d| {
            (-0.5..=1.0).contains(&d)
        })
    };
    let delta_pt1 = delta_pt("delta_pt1")?;
    let delta_pt0 = delta_pt("delta_pt0")?;
    let params = KindParams {
        gamma,
        rho,
        delta,
        user: user_alpha.clone(),
        hp_bound,
        optimize: optimize.map(String::from),
        delta_pt1,
        delta_pt0,
    };
    let efficacy = DesignKind::parse_params("efficacy", name, &params).map_err(|e| {
        node.bad_value(
            "efficacy",
            "unknown or incomplete design",
            usage_allowed(&e),
        )
    })?;
    // a key for another design is a mistake, never silently ignored
    let only = |key: &str, used: bool, needs: &str| -> Result<()> {
        if node.has(key) && !used {
            Err(node.bad_value(key, "not used by this design", needs))
        } else {
            Ok(())
        }
    };
    only(
        "user_alpha",
        matches!(efficacy, DesignKind::Spending(SpendingFunction::User(_))),
        "only with efficacy = \"asUser\"",
    )?;
    only(
        "hp_bound",
        matches!(efficacy, DesignKind::HaybittlePeto { .. }),
        "only with efficacy = \"HP\"",
    )?;
    only(
        "optimize",
        matches!(efficacy, DesignKind::WangTsiatisOptimum { .. }),
        "only with efficacy = \"WToptimum\"",
    )?;
    let is_pt = matches!(efficacy, DesignKind::PampallonaTsiatis { .. });
    only("delta_pt1", is_pt, "only with efficacy = \"PT\"")?;
    only("delta_pt0", is_pt, "only with efficacy = \"PT\"")?;
    for key in ["delta", "gamma", "rho"] {
        only(
            key,
            !is_pt,
            "not with efficacy = \"PT\" (its shapes are delta_pt1 and delta_pt0, and it takes no futility rule)",
        )?;
    }
    let per_interim =
        |t: &Node, key: &str, ok: &dyn Fn(f64) -> bool, allowed: &str| -> Result<Vec<f64>> {
            let values = match t.raw(key) {
                Some(Value::Array(_)) => t.f64_array(key)?.unwrap_or_default(),
                _ => vec![t.req_f64_where(key, allowed, ok)?; interims],
            };
            if values.len() != interims || !values.iter().all(|&v| ok(v)) {
                return Err(t.bad_value(
                    key,
                    "one value, or one per interim look, is needed",
                    format!("{allowed} ({interims} interim looks)"),
                ));
            }
            Ok(values)
        };
    let futility = match node.raw("futility") {
        None => FutilitySpec::None,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("none") => FutilitySpec::None,
        Some(Value::String(s)) => {
            let name = s.strip_prefix("beta:").unwrap_or(s);
            let params = KindParams {
                gamma,
                rho,
                user: user_beta.clone(),
                ..KindParams::default()
            };
            let f = SpendingFunction::parse_params("futility", name, &params).map_err(|e| {
                node.bad_value("futility", "unknown futility rule", format!("\"none\", {{ z_below = z }}, {{ hr_above = h }} or a beta-spending name: {}", usage_allowed(&e)))
            })?;
            FutilitySpec::BetaSpending(f)
        }
        Some(Value::Table(_)) => {
            let t = node.table("futility")?.expect("checked to be a table");
            t.only(&schema::FUTILITY)?;
            match (t.has("z_below"), t.has("hr_above")) {
                (true, false) => FutilitySpec::ZBelow(per_interim(
                    &t,
                    "z_below",
                    &|z: f64| z.abs() <= 10.0,
                    "z in [-10, 10]",
                )?),
                (false, true) => FutilitySpec::HrAbove(per_interim(
                    &t,
                    "hr_above",
                    &|h: f64| h > 0.0,
                    "a hazard ratio > 0",
                )?),
                _ => {
                    return Err(node.bad_value(
                        "futility",
                        "exactly one of z_below and hr_above is needed",
                        "{ z_below = z } or { hr_above = h }",
                    ));
                }
            }
        }
        Some(_) => {
            return Err(node.bad_value(
                "futility",
                "not a futility rule",
                "\"none\", a beta-spending name, { z_below = z } or { hr_above = h }",
            ));
        }
    };
    let binding_futility = match node.raw("binding_futility") {
        None => false,
        Some(Value::Boolean(b)) => *b,
        Some(_) => {
            return Err(node.bad_value("binding_futility", "not a boolean", "true or false"));
        }
    };
    only(
        "user_beta",
        matches!(
            futility,
            FutilitySpec::BetaSpending(SpendingFunction::User(_))
        ),
        "only with futility = \"bsUser\"",
    )?;
    if is_pt && !matches!(futility, FutilitySpec::None) {
        return Err(node.bad_value(
            "futility",
            "a Pampallona-Tsiatis design has its own futility bounds (shaped by delta_pt0)",
            "no futility key (or \"none\") with efficacy = \"PT\"",
        ));
    }
    if sided == 2 {
        check_two_sided(node, &efficacy, &futility)?;
    }
    let (lower, lower_binding) = read_lower(node, analysis, alpha, sided, &efficacy, &futility)?;
    Ok(SequentialSpec {
        looks,
        look_months,
        efficacy,
        futility,
        binding_futility,
        power,
        sided,
        lower,
        lower_binding,
    })
}

/// `lower = { spending = NAME, alpha = A, binding = B }` of `[design.sequential]`: the lower
/// bound of an asymmetric two-sided design (see [`SequentialSpec::lower`]); only with an
/// event-driven final analysis, `sided = 1`, an alpha-spending efficacy kind and no futility.
fn read_lower(
    node: &Node,
    analysis: &AnalysisSpec,
    alpha: f64,
    sided: u8,
    efficacy: &crate::design::sequential::DesignKind,
    futility: &FutilitySpec,
) -> Result<(Option<crate::design::sequential::LowerSpending>, bool)> {
    use crate::design::sequential::{DesignKind, LowerSpending, SpendingFunction};
    if !node.has("lower") {
        return Ok((None, false));
    }
    let Some(t) = node.table("lower")? else {
        return Err(node.bad_value(
            "lower",
            "not a table",
            "{ spending = \"asOF\", alpha = 0.01, binding = false }",
        ));
    };
    t.only(&schema::LOWER)?;
    let names = "asOF|ldobf, asP|ldpocock, hsd:GAMMA, kd:RHO (case-insensitive)";
    let name = t.str("spending")?.unwrap_or("asOF");
    let spending = match SpendingFunction::parse("spending", name, None, None) {
        Ok(SpendingFunction::User(_)) | Err(_) => {
            return Err(t.bad_value("spending", "not a lower-bound spending function", names));
        }
        Ok(f) => f,
    };
    let rest = 1.0 - alpha;
    let total = t
        .f64_where(
            "alpha",
            &format!("a total probability under H0 in (0, 1 - design.alpha] = (0, {rest}]"),
            |a| a > 0.0 && a <= rest + 1e-12,
        )?
        .unwrap_or(rest);
    let binding = match t.raw("binding") {
        None => false,
        Some(Value::Boolean(b)) => *b,
        Some(_) => return Err(t.bad_value("binding", "not a boolean", "true or false")),
    };
    let refuse = |problem: &str, allowed: &str| Err(node.bad_value("lower", problem, allowed));
    if sided != 1 {
        return refuse(
            "a lower bound with its own spending is the asymmetric two-sided design; sided = 2 is the symmetric one",
            "lower without sided (or sided = 1)",
        );
    }
    if !matches!(efficacy, DesignKind::Spending(_)) {
        return refuse(
            &format!("{} has no asymmetric design", efficacy.code()),
            "with lower: efficacy = asOF, asP, asKD, asHSD or asUser (as gsDesign's test.type 5 and 6)",
        );
    }
    if !matches!(futility, FutilitySpec::None) {
        return refuse(
            "a lower bound and a futility rule together",
            "either lower (spent under H0) or futility (\"none\" or the key left out with lower)",
        );
    }
    if !matches!(analysis, AnalysisSpec::Events(_)) || node.has("look_months") {
        return refuse(
            "asymmetric designs are monitored at event-driven looks only",
            "lower with design.analysis = { events = N } and looks (fractions)",
        );
    }
    Ok((
        Some(LowerSpending {
            spending,
            alpha: total,
        }),
        binding,
    ))
}

/// `sided` of `[design.sequential]`: 1 (default) or 2. Two-sided designs are monitored at
/// event-driven looks only (`design.analysis = { events = N }` with `looks`).
fn read_sided(node: &Node, analysis: &AnalysisSpec) -> Result<u8> {
    let sided = match node.raw("sided") {
        None => 1,
        Some(Value::Integer(1)) => 1,
        Some(Value::Integer(2)) => 2,
        Some(_) => {
            return Err(node.bad_value(
                "sided",
                "not a number of sides",
                "1 (one-sided, the default) or 2 (symmetric two-sided)",
            ));
        }
    };
    if sided == 2 && (!matches!(analysis, AnalysisSpec::Events(_)) || node.has("look_months")) {
        return Err(node.bad_value(
            "sided",
            "two-sided designs are monitored at event-driven looks only",
            "sided = 2 with design.analysis = { events = N } and looks (fractions); sided = 1 with a calendar-time final analysis or look_months",
        ));
    }
    Ok(sided)
}

/// The kinds a two-sided design of a scenario supports: the spending functions and the
/// Wang-Tsiatis family (OF, P, WT), with no futility rule, and the Pampallona-Tsiatis design
/// (its own inner futility interval).
fn check_two_sided(
    node: &Node,
    efficacy: &crate::design::sequential::DesignKind,
    futility: &FutilitySpec,
) -> Result<()> {
    use crate::design::sequential::DesignKind;
    if !matches!(
        efficacy,
        DesignKind::Spending(_)
            | DesignKind::WangTsiatis { .. }
            | DesignKind::PampallonaTsiatis { .. }
    ) {
        return Err(node.bad_value(
            "efficacy",
            &format!("{} has no two-sided design", efficacy.code()),
            "with sided = 2: asOF, asP, asKD, asHSD, asUser, OF, P, WT or PT",
        ));
    }
    if !matches!(futility, FutilitySpec::None) {
        return Err(node.bad_value(
            "futility",
            "two-sided designs have no futility rule (the lower bound -b_k stops for harm)",
            "no futility (\"none\" or the key left out) with sided = 2",
        ));
    }
    Ok(())
}

/// A group-sequential design on another test than the log-rank: only the Fleming-Harrington
/// weighted log-rank `fh(rho,gamma)` (stratified or not), with an efficacy spending function
/// and no futility rule (the bounds are spent on the weighted information, see
/// `SequentialPlan::with_weighted_information`), or MaxCombo with looks at event fractions,
/// (interim looks + 1) x components at most `mvnormal::MAX_DIM`, the same efficacy spending and
/// no futility (bounds from the joint law, `crate::design::sequential::maxcombo`).
fn check_weighted_sequential(
    node: &reader::Node<'_>,
    test: &TestSpec,
    seq: &SequentialSpec,
) -> Result<()> {
    use crate::analysis::TestKind;
    if !matches!(test.kind, TestKind::Fh(_) | TestKind::MaxCombo(_)) {
        return Err(node.bad_value(
            "test",
            "group-sequential monitoring is implemented for the log-rank, the Fleming-Harrington weighted log-rank and MaxCombo only",
            "\"logrank\", \"stratified_logrank\", \"fh(rho,gamma)\", \"stratified_fh(rho,gamma)\" or \"maxcombo(...)\" with [design.sequential], or a fixed design (no [design.sequential]) for other tests",
        ));
    }
    let seq_node = node.table("sequential")?.expect("present");
    if let TestKind::MaxCombo(weights) = &test.kind {
        let limit = crate::stats::mvnormal::MAX_DIM;
        let looks = seq.looks.len() + 1;
        if seq.look_months.is_some() {
            return Err(seq_node.bad_value(
                "look_months",
                "a MaxCombo design looks at fractions of the final events",
                "looks = [fractions] with test = \"maxcombo(...)\"",
            ));
        }
        if looks * weights.len() > limit {
            return Err(node.bad_value(
                "test",
                &format!(
                    "a group-sequential MaxCombo of {} components at {looks} analyses needs a {}-dimensional normal law",
                    weights.len(),
                    looks * weights.len()
                ),
                format!("(interim looks + 1) x components <= {limit}"),
            ));
        }
    }
    use crate::design::sequential::{DesignKind, SpendingFunction};
    if !matches!(seq.efficacy, DesignKind::Spending(ref f) if !matches!(f, SpendingFunction::User(_)))
    {
        return Err(seq_node.bad_value(
            "efficacy",
            "a weighted log-rank or MaxCombo design spends alpha on its weighted information: only spending functions are implemented for it",
            "an alpha-spending kind (asOF, asP, asKD, asHSD) with test = \"fh(rho,gamma)\" or \"maxcombo(...)\"",
        ));
    }
    if !matches!(seq.futility, FutilitySpec::None) {
        return Err(seq_node.bad_value(
            "futility",
            "futility bounds are not implemented for a weighted log-rank or MaxCombo design",
            "no futility (\"none\" or the key left out) with test = \"fh(rho,gamma)\" or \"maxcombo(...)\"",
        ));
    }
    Ok(())
}
