//! Reading `[design.hypotheses]` and `[design.adaptive]`.
//!
//! ```toml
//! [design.hypotheses]
//! S = ["low", "moderate"]          # a population: a set of OBSERVED strata
//! F = ["low", "moderate", "high"]
//! primary = "S"                    # its rejection is the run's "power"
//! multiplicity = "fixed_sequence"  # bonferroni, holm, spiessens_debois, graphical
//! order = ["S", "F"]               # fixed_sequence
//! # weights = { S = 0.8, F = 0.2 }                      bonferroni, holm (optional), graphical
//! # transitions = { S = { F = 1.0 }, F = { S = 1.0 } }  graphical
//!
//! [design.adaptive]                # two stages, selection at the interim
//! interim = 0.5                    # fraction of design.analysis.events
//! selection = "rbest"              # rbest (r = 1), epsilon (epsilon = e), all, complement
//! effect_measure = "hazard_ratio"  # or "z"
//! threshold = 1.0                  # drop populations with HR >= threshold (z <= threshold)
//! intersection_test = "simes"      # bonferroni, simes, spiessens_debois
//! weights = [0.7071, 0.7071]       # inverse normal weights (default sqrt(t), sqrt(1 - t))
//! efficacy = "none"                # or asOF, asP, ... : early efficacy at the interim
//! ```

use super::AnalysisSpec;
use super::reader::{Node, show, stratum_indices, usage_allowed};
use super::schema;
use crate::design::adaptive::{AdaptiveSpec, EffectMeasure, IntersectionTest, Selection};
use crate::design::hypotheses::{self, Population};
use crate::design::multiplicity::{self, Graph, Procedure};
use crate::design::sequential::DesignKind;
use crate::error::Result;
use toml::Value;

/// `[design.hypotheses]`: the populations tested and how their error is controlled.
#[derive(Clone, Debug, PartialEq)]
pub struct HypothesesSpec {
    /// The populations, smallest first (ties by name); hypothesis i is population i.
    pub populations: Vec<Population>,
    /// Index of the primary hypothesis.
    pub primary: usize,
    /// The multiple test procedure (None with a single population, or with `[design.adaptive]`,
    /// whose closed test controls the error).
    pub procedure: Option<Procedure>,
}

const PROCEDURES: &str =
    "\"fixed_sequence\", \"bonferroni\", \"holm\", \"spiessens_debois\" or \"graphical\"";

/// Reads `[design.hypotheses]`; `eligible` are the design's eligible strata, `adaptive` whether
/// `[design.adaptive]` is present.
pub(super) fn read_hypotheses(
    node: &Node,
    strata: &[String],
    eligible: &[usize],
    adaptive: bool,
) -> Result<HypothesesSpec> {
    let population_allowed = format!(
        "an array of distinct observed strata: {}",
        strata.join(", ")
    );
    let mut populations = Vec::new();
    for key in node
        .keys()
        .filter(|k| !schema::HYPOTHESES.keys.contains(&k.as_str()))
    {
        let names = match node.raw(&key) {
            Some(Value::Array(_)) => node.str_array(&key)?.unwrap_or_default(),
            _ => {
                return Err(node.bad_value(
                    &key,
                    "not a population (nor a key of the table)",
                    format!(
                        "a population: {population_allowed}; or one of {}",
                        schema::HYPOTHESES.keys.join(", ")
                    ),
                ));
            }
        };
        if names.is_empty() {
            return Err(node.bad_value(&key, "empty population", population_allowed.as_str()));
        }
        let idx = stratum_indices(
            node,
            &key,
            &names,
            strata,
            [population_allowed.as_str(), population_allowed.as_str()],
        )?;
        populations.push(Population::new(&key, &idx));
    }
    if populations.is_empty() {
        return Err(node.bad_self(
            "no population",
            format!("at least one population: NAME = [strata]; {population_allowed}"),
        ));
    }
    hypotheses::sort_populations(&mut populations);
    let eligible_population = Population::new("eligible", eligible);
    if let Err((problem, allowed)) =
        hypotheses::check_family(&populations, &eligible_population, strata)
    {
        return Err(node.bad_self(&problem, allowed));
    }
    let names: Vec<&str> = populations.iter().map(|p| p.name.as_str()).collect();
    let position = |name: &str| names.iter().position(|n| *n == name);
    let m = populations.len();
    let primary = match node.str("primary")? {
        Some(name) => position(name).ok_or_else(|| {
            node.bad_value(
                "primary",
                "not a population of the table",
                format!("one of {}", names.join(", ")),
            )
        })?,
        None if m == 1 => 0,
        None => {
            return Err(node.error(
                "primary",
                "required key is missing",
                "(missing)",
                format!("one of {}", names.join(", ")),
            ));
        }
    };
    let procedure = if adaptive {
        if node.has("multiplicity") {
            return Err(node.bad_value(
                "multiplicity",
                "with [design.adaptive] the closed test controls the error",
                "no multiplicity key; set design.adaptive.intersection_test",
            ));
        }
        only_for(node, &[])?;
        None
    } else {
        match node.str("multiplicity")? {
            None if m == 1 => {
                only_for(node, &[])?;
                None
            }
            None => {
                return Err(node.error(
                    "multiplicity",
                    "required key is missing with several populations",
                    "(missing)",
                    PROCEDURES,
                ));
            }
            Some(name) => Some(read_procedure(node, name, &populations)?),
        }
    };
    Ok(HypothesesSpec {
        populations,
        primary,
        procedure,
    })
}

/// Refuses the procedure keys other than `used`.
fn only_for(node: &Node, used: &[&str]) -> Result<()> {
    let procedure = node.str("multiplicity")?.unwrap_or("(none)");
    for key in ["order", "weights", "transitions"] {
        if node.has(key) && !used.contains(&key) {
            return Err(node.bad_value(
                key,
                &format!("not used by multiplicity = {procedure:?}"),
                match key {
                    "order" => "order only with multiplicity = \"fixed_sequence\"",
                    "weights" => {
                        "weights only with multiplicity = \"bonferroni\", \"holm\" or \"graphical\""
                    }
                    _ => "transitions only with multiplicity = \"graphical\"",
                },
            ));
        }
    }
    Ok(())
}

fn read_procedure(node: &Node, name: &str, populations: &[Population]) -> Result<Procedure> {
    let m = populations.len();
    let names: Vec<&str> = populations.iter().map(|p| p.name.as_str()).collect();
    let weights_allowed = format!(
        "{{ NAME = weight }} for the populations {}, each in [0, 1], summing to at most 1",
        names.join(", ")
    );
    let read_weights = |required: bool| -> Result<Vec<f64>> {
        let Some(t) = node.table("weights")? else {
            if required {
                return Err(node.error(
                    "weights",
                    "required key is missing",
                    "(missing)",
                    weights_allowed.as_str(),
                ));
            }
            return Ok(vec![1.0 / m as f64; m]);
        };
        t.only_names(&names)?;
        let mut w = vec![0.0; m];
        for (i, n) in names.iter().enumerate() {
            w[i] = t.f64(n)?.unwrap_or(0.0);
        }
        if let Err(problem) = multiplicity::check_weights(&w) {
            return Err(node.bad_value("weights", &problem, weights_allowed.as_str()));
        }
        Ok(w)
    };
    match name {
        "fixed_sequence" => {
            only_for(node, &["order"])?;
            let allowed = format!(
                "every population once, first tested first: {}",
                names.join(", ")
            );
            let order = node.str_array("order")?.ok_or_else(|| {
                node.error(
                    "order",
                    "required key is missing",
                    "(missing)",
                    allowed.as_str(),
                )
            })?;
            let idx: Vec<usize> = order
                .iter()
                .map(|n| names.iter().position(|x| x == n))
                .collect::<Option<Vec<_>>>()
                .unwrap_or_default();
            let mut sorted = idx.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if idx.len() != m || sorted.len() != m {
                return Err(node.bad_value("order", "not an order of the populations", allowed));
            }
            Ok(Procedure::FixedSequence { order: idx })
        }
        "bonferroni" => {
            only_for(node, &["weights"])?;
            Ok(Procedure::Bonferroni {
                weights: read_weights(false)?,
            })
        }
        "holm" => {
            only_for(node, &["weights"])?;
            Ok(Procedure::Holm {
                weights: read_weights(false)?,
            })
        }
        "spiessens_debois" => {
            only_for(node, &[])?;
            let nested = m == 2 && populations[0].is_within(&populations[1]);
            if !nested {
                return Err(node.bad_value(
                    "multiplicity",
                    "Spiessens-Debois needs two nested populations",
                    "two populations, one within the other (e.g. S within F)",
                ));
            }
            Ok(Procedure::SpiessensDebois)
        }
        "graphical" => {
            only_for(node, &["weights", "transitions"])?;
            let weights = read_weights(true)?;
            let allowed = format!(
                "{{ FROM = {{ TO = g }} }} over the populations {}: g in [0, 1], no self-loops, each row summing to at most 1",
                names.join(", ")
            );
            let t = node.table("transitions")?.ok_or_else(|| {
                node.error(
                    "transitions",
                    "required key is missing",
                    "(missing)",
                    allowed.as_str(),
                )
            })?;
            t.only_names(&names)?;
            let mut g = vec![vec![0.0; m]; m];
            for (i, from) in names.iter().enumerate() {
                let Some(row) = t.table(from)? else { continue };
                row.only_names(&names)?;
                for (j, to) in names.iter().enumerate() {
                    g[i][j] = row.f64(to)?.unwrap_or(0.0);
                }
            }
            Graph::new(weights, g)
                .map(Procedure::Graphical)
                .map_err(|problem| {
                    // Graph::new numbers the rows; name them.
                    let named = names.iter().enumerate().fold(problem, |p, (i, n)| {
                        p.replace(&format!("row {i}:"), &format!("from {n}:"))
                    });
                    node.bad_value("transitions", &named, allowed)
                })
        }
        _ => Err(node.bad_value("multiplicity", "unknown procedure", PROCEDURES)),
    }
}

/// Reads `[design.adaptive]`; `hypotheses` must be two nested populations, the larger being
/// all the eligible strata, and the final analysis event-driven.
pub(super) fn read_adaptive(
    node: &Node,
    analysis: &AnalysisSpec,
    hypotheses: Option<&HypothesesSpec>,
    eligible: &[usize],
) -> Result<AdaptiveSpec> {
    node.only(&schema::ADAPTIVE)?;
    let AnalysisSpec::Events(total) = *analysis else {
        return Err(node.error(
            "interim",
            "adaptive enrichment needs an event-driven final analysis",
            "design.analysis is not { events = N }",
            "design.analysis = { events = N } with [design.adaptive]",
        ));
    };
    let pops_allowed =
        "[design.hypotheses] with two populations, S within F, F being all of design.eligible";
    let Some(h) = hypotheses else {
        return Err(node.error(
            "selection",
            "adaptive enrichment needs populations to select from",
            "no [design.hypotheses]",
            pops_allowed,
        ));
    };
    let eligible_mask = Population::new("eligible", eligible).mask;
    let p = &h.populations;
    if p.len() != 2 || !p[0].is_within(&p[1]) || p[1].mask != eligible_mask {
        let shown: Vec<String> = p
            .iter()
            .map(|q| format!("{} ({} strata)", q.name, q.strata.len()))
            .collect();
        return Err(node.error(
            "selection",
            "adaptive enrichment selects between two nested populations",
            shown.join(", "),
            pops_allowed,
        ));
    }
    let interim_allowed = format!(
        "a fraction in (0, 1) leaving at least one event in each stage (of {total} events)"
    );
    let interim = node.f64("interim")?.ok_or_else(|| {
        node.error(
            "interim",
            "required key is missing",
            "(missing)",
            interim_allowed.as_str(),
        )
    })?;
    let first = (interim * total as f64).round();
    if !(interim > 0.0 && interim < 1.0 && first >= 1.0 && first < total as f64) {
        return Err(node.bad_value("interim", "impossible interim look", interim_allowed));
    }
    let measure = match node.str("effect_measure")? {
        None | Some("hazard_ratio") => EffectMeasure::HazardRatio,
        Some("z") => EffectMeasure::Z,
        Some(_) => {
            return Err(node.bad_value(
                "effect_measure",
                "unknown effect measure",
                "\"hazard_ratio\" or \"z\"",
            ));
        }
    };
    let threshold = match measure {
        EffectMeasure::HazardRatio => {
            node.f64_where("threshold", "a hazard ratio > 0", |h| h > 0.0)?
        }
        EffectMeasure::Z => node.f64_where("threshold", "z in [-10, 10]", |z| z.abs() <= 10.0)?,
    };
    let rules = "\"rbest\" (with r), \"epsilon\" (with epsilon), \"all\" or \"complement\" (with threshold)";
    let selection_name = node
        .str("selection")?
        .ok_or_else(|| node.error("selection", "required key is missing", "(missing)", rules))?;
    let selection = match selection_name {
        "rbest" => {
            let r = node.uint("r")?.unwrap_or(1);
            if !(1..=2).contains(&r) {
                return Err(node.bad_value("r", "out of range", "1 or 2 (populations kept)"));
            }
            Selection::RBest { r: r as usize }
        }
        "epsilon" => {
            let epsilon = node
                .f64_where("epsilon", "a margin >= 0", |e| e >= 0.0)?
                .ok_or_else(|| {
                    node.error(
                        "epsilon",
                        "required key is missing",
                        "(missing)",
                        "a margin >= 0 on the effect scale (1 / HR, or z)",
                    )
                })?;
            Selection::Epsilon { epsilon }
        }
        "all" => Selection::All,
        "complement" => {
            if threshold.is_none() {
                return Err(node.error(
                    "threshold",
                    "the complement rule needs a threshold",
                    "(missing)",
                    "go on in F when the complement's HR < threshold (or z > threshold)",
                ));
            }
            Selection::Complement
        }
        _ => return Err(node.bad_value("selection", "unknown selection rule", rules)),
    };
    for (key, rule) in [("r", "rbest"), ("epsilon", "epsilon")] {
        if node.has(key) && selection_name != rule {
            return Err(node.bad_value(
                key,
                &format!("not used by selection = {selection_name:?}"),
                format!("{key} only with selection = \"{rule}\""),
            ));
        }
    }
    let intersection = match node.str("intersection_test")? {
        None | Some("simes") => IntersectionTest::Simes,
        Some("bonferroni") => IntersectionTest::Bonferroni,
        Some("spiessens_debois") => IntersectionTest::SpiessensDebois,
        Some(_) => {
            return Err(node.bad_value(
                "intersection_test",
                "unknown intersection test",
                "\"bonferroni\", \"simes\" or \"spiessens_debois\"",
            ));
        }
    };
    let weights = match node.f64_array("weights")? {
        None => None,
        Some(w) if w.len() == 2 && w.iter().all(|&x| x > 0.0) => Some([w[0], w[1]]),
        Some(_) => {
            return Err(node.bad_value(
                "weights",
                "not two positive weights",
                "[w1, w2], both > 0 (normalised to w1^2 + w2^2 = 1)",
            ));
        }
    };
    let efficacy = match node.raw("efficacy") {
        None => None,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("none") => None,
        Some(Value::String(s))
            if s.trim().eq_ignore_ascii_case("pt")
                || s.trim().eq_ignore_ascii_case("pampallona-tsiatis") =>
        {
            return Err(node.bad_value(
                "efficacy",
                "a Pampallona-Tsiatis design (efficacy and futility bounds) is not implemented for the two-stage adaptive design",
                "\"none\" or an efficacy design such as \"asOF\"",
            ));
        }
        Some(Value::String(s)) => Some(
            DesignKind::parse(s, node.f64("gamma")?, node.f64("rho")?, node.f64("delta")?)
                .map_err(|e| {
                    node.bad_value(
                        "efficacy",
                        "unknown or incomplete design",
                        format!("\"none\" or {}", usage_allowed(&e)),
                    )
                })?,
        ),
        Some(v) => {
            return Err(node.error(
                "efficacy",
                "not a design name",
                show(v),
                "\"none\" or a design name such as \"asOF\"",
            ));
        }
    };
    Ok(AdaptiveSpec {
        interim,
        selection,
        measure,
        threshold,
        intersection,
        weights,
        efficacy,
    })
}
