//! The keys of every table of a scenario file: the parser accepts exactly these (each table's
//! reader calls [`Node::only`](super::reader::Node::only) with its [`Table`]), and
//! docs/scenario.md documents each (a test checks that every key of [`ALL`] has its row there,
//! so the two cannot drift apart).
//!
//! A table's path is written as the document writes it: dotted from the file's top, `<stratum>`
//! for a stratum's name, `<entry>` for a prior entry's name, `[]` for an element of an array of
//! tables. Tables whose keys are names chosen in the file (strata in `[control]`, hypotheses in
//! `design.hypotheses.weights`) are checked against those names instead.

/// One kind of table and the keys it accepts.
#[derive(Debug)]
pub struct Table {
    /// Where the table appears (some kinds of table appear in several places).
    pub paths: &'static [&'static str],
    /// The keys it accepts.
    pub keys: &'static [&'static str],
}

/// The keys of the file itself.
pub const TOP: Table = Table {
    paths: &[""],
    keys: &[
        "name",
        "description",
        "biomarker",
        "control",
        "effect",
        "enrolment",
        "dropout",
        "design",
        "prior",
        "calibration",
        "function",
    ],
};

/// The keys of `[biomarker]`.
pub const BIOMARKER: Table = Table {
    paths: &["biomarker"],
    keys: &[
        "name",
        "unit",
        "median",
        "gsd",
        "assay_cv",
        "cutpoints",
        "strata",
    ],
};

/// The keys of a control model, `[control]`'s entry for a TRUE stratum.
pub const HAZARD: Table = Table {
    paths: &["control.<stratum>"],
    keys: &["median", "survival", "at", "shape", "weibull", "piecewise"],
};

/// The keys of a control model's `weibull = { ... }`.
pub const WEIBULL: Table = Table {
    paths: &["control.<stratum>.weibull"],
    keys: &["median", "survival", "at", "shape"],
};

/// The keys of a control model's `piecewise = { ... }`.
pub const PIECEWISE: Table = Table {
    paths: &["control.<stratum>.piecewise"],
    keys: &["starts", "rates"],
};

/// The keys of `[effect]`.
pub const EFFECT: Table = Table {
    paths: &["effect"],
    keys: &["hazard_ratio", "delay"],
};

/// The keys of a piece of a piecewise hazard ratio.
pub const HR_PIECE: Table = Table {
    paths: &["effect.hazard_ratio[]", "effect.hazard_ratio.<stratum>[]"],
    keys: &["from", "hr"],
};

/// The keys of `[enrolment]`.
pub const ENROLMENT: Table = Table {
    paths: &["enrolment"],
    keys: &["rate", "screen_failure"],
};

/// The keys of a piece of a piecewise screening rate.
pub const RATE_PIECE: Table = Table {
    paths: &["enrolment.rate[]"],
    keys: &["from", "per_month"],
};

/// The keys of `[dropout]`.
pub const DROPOUT: Table = Table {
    paths: &["dropout"],
    keys: &["per_year", "treatment_per_year", "control_per_year"],
};

/// The keys of `[design]`.
pub const DESIGN: Table = Table {
    paths: &["design"],
    keys: &[
        "eligible",
        "sample_size",
        "allocation",
        "randomisation",
        "block_size",
        "analysis",
        "follow_up",
        "test",
        "tests",
        "alpha",
        "sequential",
        "hypotheses",
        "adaptive",
        "reestimation",
    ],
};

/// The keys of `design.analysis`.
pub const ANALYSIS: Table = Table {
    paths: &["design.analysis"],
    keys: &["events", "calendar", "after_last"],
};

/// The keys of `[design.sequential]`.
pub const SEQUENTIAL: Table = Table {
    paths: &["design.sequential"],
    keys: &[
        "looks",
        "look_months",
        "efficacy",
        "gamma",
        "rho",
        "delta",
        "futility",
        "binding_futility",
        "power",
        "user_alpha",
        "user_beta",
        "hp_bound",
        "optimize",
        "delta_pt1",
        "delta_pt0",
        "sided",
        "lower",
    ],
};

/// The keys of the lower bound of an asymmetric two-sided design.
pub const LOWER: Table = Table {
    paths: &["design.sequential.lower"],
    keys: &["spending", "alpha", "binding"],
};

/// The keys of a futility rule given as a table.
pub const FUTILITY: Table = Table {
    paths: &["design.sequential.futility"],
    keys: &["z_below", "hr_above"],
};

/// The keys of `[design.hypotheses]`, beside its populations (`<hypothesis> = [strata]`).
pub const HYPOTHESES: Table = Table {
    paths: &["design.hypotheses"],
    keys: &["primary", "multiplicity", "order", "weights", "transitions"],
};

/// The keys of `[design.adaptive]`.
pub const ADAPTIVE: Table = Table {
    paths: &["design.adaptive"],
    keys: &[
        "interim",
        "selection",
        "r",
        "epsilon",
        "threshold",
        "effect_measure",
        "intersection_test",
        "weights",
        "efficacy",
        "gamma",
        "rho",
        "delta",
    ],
};

/// The keys of `[design.reestimation]`.
pub const REESTIMATION: Table = Table {
    paths: &["design.reestimation"],
    keys: &[
        "interim",
        "interim_events",
        "min_events",
        "max_events",
        "rule",
        "conditional_power",
        "cp_lower",
        "effect",
        "hazard_ratio",
        "mix_weight",
        "test",
        "efficacy",
        "futility",
    ],
};

/// The keys of `[design.reestimation]`'s futility rule.
pub const REESTIMATION_FUTILITY: Table = Table {
    paths: &["design.reestimation.futility"],
    keys: &["z_below", "hr_above"],
};

/// The keys of `[prior]`.
pub const PRIOR: Table = Table {
    paths: &["prior"],
    keys: &[
        "hazard_ratio",
        "discount",
        "sd_inflation",
        "correlation",
        "level",
        "bin_by",
        "bins",
    ],
};

/// The keys of `[prior.hazard_ratio]` given as one entry for every stratum.
pub const PRIOR_SINGLE: Table = Table {
    paths: &["prior.hazard_ratio"],
    keys: &["estimate", "lower", "upper"],
};

/// The keys of an entry of `[prior.hazard_ratio]`, by name.
pub const PRIOR_ENTRY: Table = Table {
    paths: &["prior.hazard_ratio.<entry>"],
    keys: &["strata", "estimate", "lower", "upper"],
};

/// The keys of `[calibration]`.
pub const CALIBRATION: Table = Table {
    paths: &["calibration"],
    keys: &["population", "targets"],
};

/// The keys of a target of `calibration.targets`.
pub const TARGET: Table = Table {
    paths: &["calibration.targets[]"],
    keys: &[
        "arm",
        "at",
        "alive",
        "of",
        "survival",
        "tolerance",
        "source",
    ],
};

/// The keys of `[function]`.
pub const FUNCTION: Table = Table {
    paths: &["function"],
    keys: &[
        "visits",
        "baseline",
        "noise_sd",
        "curvature",
        "death_correlation",
        "decline",
        "effect",
        "prior",
    ],
};

/// The keys of a normal law given by its mean and SD.
pub const MEAN_SD: Table = Table {
    paths: &[
        "function.baseline",
        "function.decline",
        "function.decline.<stratum>",
    ],
    keys: &["mean", "sd"],
};

/// The keys of `[function.effect]`.
pub const FUNCTION_EFFECT: Table = Table {
    paths: &["function.effect"],
    keys: &["slowing", "delay"],
};

/// The keys of `[function.prior]`.
pub const FUNCTION_PRIOR: Table = Table {
    paths: &["function.prior"],
    keys: &["slowing", "level"],
};

/// The keys of a slowing prior's entry.
pub const SLOWING_ENTRY: Table = Table {
    paths: &["function.prior.slowing", "function.prior.slowing.<stratum>"],
    keys: &["estimate", "lower", "upper"],
};

/// Every table above.
pub const ALL: &[&Table] = &[
    &TOP,
    &BIOMARKER,
    &HAZARD,
    &WEIBULL,
    &PIECEWISE,
    &EFFECT,
    &HR_PIECE,
    &ENROLMENT,
    &RATE_PIECE,
    &DROPOUT,
    &DESIGN,
    &ANALYSIS,
    &SEQUENTIAL,
    &FUTILITY,
    &LOWER,
    &HYPOTHESES,
    &ADAPTIVE,
    &REESTIMATION,
    &REESTIMATION_FUTILITY,
    &PRIOR,
    &PRIOR_SINGLE,
    &PRIOR_ENTRY,
    &CALIBRATION,
    &TARGET,
    &FUNCTION,
    &MEAN_SD,
    &FUNCTION_EFFECT,
    &FUNCTION_PRIOR,
    &SLOWING_ENTRY,
];
