//! Reading `[design.reestimation]` (see [`crate::design::reestimation`]).
//!
//! ```toml
//! [design.reestimation]
//! interim = 0.5                   # fraction of design.analysis.events (or interim_events = 125)
//! min_events = 250                # smallest final deaths (default design.analysis.events)
//! max_events = 400                # largest final deaths
//! rule = "promising_zone"         # or "rpact"
//! conditional_power = 0.8         # the target
//! cp_lower = 0.36                 # promising_zone: lower end of the promising zone
//! effect = "observed"             # "planned" or "mix" (with hazard_ratio, mix_weight)
//! test = "chw"                    # or "conditional_error"
//! efficacy = "none"               # or asOF, asP, ...: early efficacy at the interim
//! futility = { z_below = 0.0 }    # or { hr_above = 1.0 }: non-binding, at the interim
//! ```

use super::AnalysisSpec;
use super::reader::{Node, show, usage_allowed};
use super::schema;
use crate::design::reestimation::{
    CombinationTest, CpEffect, InterimFutility, InterimSpec, ReestimationSpec, Rule,
};
use crate::design::sequential::DesignKind;
use crate::error::Result;
use toml::Value;

/// Reads `[design.reestimation]` for a design of `sample_size` patients analysed at `analysis`;
/// `adaptive_interim` is `[design.adaptive]`'s interim fraction when the design is an adaptive
/// enrichment one, whose interim, early efficacy, futility (selection) and closed combination
/// test are then the re-estimation's too.
pub(super) fn read_reestimation(
    node: &Node,
    analysis: &AnalysisSpec,
    sample_size: u32,
    adaptive_interim: Option<f64>,
) -> Result<ReestimationSpec> {
    node.only(&schema::REESTIMATION)?;
    let AnalysisSpec::Events(planned) = *analysis else {
        return Err(node.bad_self(
            "event re-estimation changes the final number of deaths, so it needs an event-driven final analysis",
            "design.analysis = { events = N } with [design.reestimation]",
        ));
    };
    // The interim: a fraction, or a count.
    let interim_allowed = format!(
        "interim = a fraction in (0, 1) or interim_events = a whole number, leaving at least one death in each stage (of {planned} planned deaths)"
    );
    if adaptive_interim.is_some() {
        for key in ["interim", "interim_events", "efficacy", "futility"] {
            if node.has(key) {
                return Err(node.bad_value(
                    key,
                    "with [design.adaptive] the re-estimation is made at the adaptive design's interim, with its early efficacy and selection",
                    "no interim, interim_events, efficacy or futility here: design.adaptive.interim, design.adaptive.efficacy and the selection rule apply",
                ));
            }
        }
        if node.str("test")? == Some("conditional_error") {
            return Err(node.bad_value(
                "test",
                "adaptive enrichment combines the stages by its closed inverse normal test",
                "test = \"chw\" (or left out) with [design.adaptive]",
            ));
        }
    }
    let (interim, interim_events) = match (
        adaptive_interim,
        node.has("interim"),
        node.has("interim_events"),
    ) {
        (Some(t), _, _) => (
            InterimSpec::Fraction(t),
            (t * planned as f64).round() as u32,
        ),
        (None, true, true) => {
            return Err(node.bad_value(
                "interim_events",
                "interim and interim_events are both given",
                interim_allowed,
            ));
        }
        (None, false, false) => {
            return Err(node.error(
                "interim",
                "required key is missing",
                "(missing)",
                interim_allowed,
            ));
        }
        (None, true, false) => {
            let t = node.f64("interim")?.expect("present");
            let d = (t * planned as f64).round();
            if !(t > 0.0 && t < 1.0 && d >= 1.0 && d < planned as f64) {
                return Err(node.bad_value("interim", "impossible interim look", interim_allowed));
            }
            (InterimSpec::Fraction(t), d as u32)
        }
        (None, false, true) => {
            let d = node.uint("interim_events")?.expect("present");
            if d == 0 || d >= planned as u64 {
                return Err(node.bad_value(
                    "interim_events",
                    "impossible interim look",
                    interim_allowed,
                ));
            }
            (InterimSpec::Events(d as u32), d as u32)
        }
    };
    let max_allowed = format!(
        "a whole number of deaths in {planned}..={sample_size} (design.analysis.events to design.sample_size)"
    );
    let max_events = node.uint("max_events")?.ok_or_else(|| {
        node.error(
            "max_events",
            "required key is missing",
            "(missing)",
            max_allowed.as_str(),
        )
    })?;
    if max_events < planned as u64 || max_events > sample_size as u64 {
        return Err(node.bad_value("max_events", "impossible maximum", max_allowed));
    }
    let min_events = match node.uint("min_events")? {
        None => None,
        Some(m) if m > interim_events as u64 && m <= planned as u64 => Some(m as u32),
        Some(_) => {
            return Err(node.bad_value(
                "min_events",
                "impossible minimum",
                format!(
                    "a whole number of deaths above the interim's {interim_events} and at most {planned} (design.analysis.events)"
                ),
            ));
        }
    };
    let target = node.req_f64_where("conditional_power", "a conditional power in (0, 1)", |p| {
        p > 0.0 && p < 1.0
    })?;
    let rules = "\"rpact\" (the deaths reaching the conditional power, clamped to [min_events, max_events]) or \"promising_zone\" (with cp_lower)";
    let rule = match node.str("rule")? {
        None => return Err(node.error("rule", "required key is missing", "(missing)", rules)),
        Some("rpact") => Rule::Rpact,
        Some("promising_zone") => {
            let lower_allowed = format!("a conditional power in (0, {target}) (conditional_power)");
            let cp_lower = node.f64("cp_lower")?.ok_or_else(|| {
                node.error(
                    "cp_lower",
                    "required key is missing",
                    "(missing)",
                    lower_allowed.as_str(),
                )
            })?;
            if !(cp_lower > 0.0 && cp_lower < target) {
                return Err(node.bad_value(
                    "cp_lower",
                    "not below the conditional power target",
                    lower_allowed,
                ));
            }
            Rule::PromisingZone { cp_lower }
        }
        Some(_) => return Err(node.bad_value("rule", "unknown rule", rules)),
    };
    if node.has("cp_lower") && rule == Rule::Rpact {
        return Err(node.bad_value(
            "cp_lower",
            "not used by rule = \"rpact\"",
            "cp_lower only with rule = \"promising_zone\"",
        ));
    }
    if node.has("min_events") && rule != Rule::Rpact {
        return Err(node.bad_value(
            "min_events",
            "the promising-zone rule never decreases the deaths",
            "min_events only with rule = \"rpact\" (the promising zone keeps at least design.analysis.events)",
        ));
    }
    let effect_name = node.str("effect")?.unwrap_or("observed");
    let hr = || -> Result<f64> {
        node.f64_where("hazard_ratio", "a hazard ratio in (0, 1)", |h| {
            h > 0.0 && h < 1.0
        })?
        .ok_or_else(|| {
            node.error(
                "hazard_ratio",
                "required key is missing",
                "(missing)",
                format!("a planned hazard ratio in (0, 1) with effect = {effect_name:?}"),
            )
        })
    };
    let effect = match effect_name {
        "observed" => CpEffect::Observed,
        "planned" => CpEffect::Planned {
            hazard_ratio: hr()?,
        },
        "mix" => {
            let weight = node.req_f64_where(
                "mix_weight",
                "a weight in [0, 1] of the interim estimate",
                |w| (0.0..=1.0).contains(&w),
            )?;
            CpEffect::Mix {
                hazard_ratio: hr()?,
                weight,
            }
        }
        _ => {
            return Err(node.bad_value(
                "effect",
                "unknown effect",
                "\"observed\" (the interim estimate), \"planned\" (with hazard_ratio) or \"mix\" (with hazard_ratio and mix_weight)",
            ));
        }
    };
    for (key, used, needs) in [
        (
            "hazard_ratio",
            effect != CpEffect::Observed,
            "hazard_ratio only with effect = \"planned\" or \"mix\"",
        ),
        (
            "mix_weight",
            matches!(effect, CpEffect::Mix { .. }),
            "mix_weight only with effect = \"mix\"",
        ),
    ] {
        if node.has(key) && !used {
            return Err(node.bad_value(
                key,
                &format!("not used by effect = {effect_name:?}"),
                needs,
            ));
        }
    }
    let test = match node.str("test")? {
        None | Some("chw") => CombinationTest::Chw,
        Some("conditional_error") => CombinationTest::ConditionalError,
        Some(_) => {
            return Err(node.bad_value(
                "test",
                "unknown test",
                "\"chw\" (inverse normal, Cui-Hung-Wang) or \"conditional_error\" (Müller-Schäfer)",
            ));
        }
    };
    let efficacy = match node.raw("efficacy") {
        None => None,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("none") => None,
        Some(Value::String(s)) => Some(DesignKind::parse(s, None, None, None).map_err(|e| {
            node.bad_value(
                "efficacy",
                "unknown or incomplete design",
                format!("\"none\" or {}", usage_allowed(&e)),
            )
        })?),
        Some(v) => {
            return Err(node.error(
                "efficacy",
                "not a design name",
                show(v),
                "\"none\" or a design name such as \"asOF\"",
            ));
        }
    };
    let futility_allowed = "{ z_below = z } with z in [-10, 10], or { hr_above = h } with h > 0";
    let futility = match node.raw("futility") {
        None => None,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("none") => None,
        Some(Value::Table(_)) => {
            let t = node.table("futility")?.expect("a table");
            t.only(&schema::REESTIMATION_FUTILITY)?;
            match (t.has("z_below"), t.has("hr_above")) {
                (true, false) => Some(InterimFutility::ZBelow(t.req_f64_where(
                    "z_below",
                    "z in [-10, 10]",
                    |z| z.abs() <= 10.0,
                )?)),
                (false, true) => Some(InterimFutility::HrAbove(t.req_f64_where(
                    "hr_above",
                    "a hazard ratio > 0",
                    |h| h > 0.0,
                )?)),
                _ => {
                    return Err(node.bad_value(
                        "futility",
                        "exactly one of z_below and hr_above is needed",
                        futility_allowed,
                    ));
                }
            }
        }
        Some(_) => {
            return Err(node.bad_value(
                "futility",
                "not a futility rule",
                format!("\"none\", {futility_allowed}"),
            ));
        }
    };
    Ok(ReestimationSpec {
        interim,
        min_events,
        max_events: max_events as u32,
        rule,
        conditional_power: target,
        effect,
        test,
        efficacy,
        futility,
    })
}
