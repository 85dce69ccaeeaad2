//! The design in words and numbers: who is screened and randomised, how, when the data are
//! analysed and with which test, the looks and their bounds (on the z and hazard-ratio
//! scales, with a figure), the multiplicity or adaptation rules.

use super::markup::{anchor, esc, num};
use crate::design::adaptive::{AdaptiveSpec, EffectMeasure, Selection};
use crate::design::multiplicity::Procedure;
use crate::output::report::plot::bound_hr;
use crate::scenario::{AnalysisSpec, FutilitySpec, RandomisationSpec, Scenario};
use crate::stats::normal;
use crate::study::report::ScenarioReport;
use std::fmt::Write;

/// Names of strata by index.
fn names(scenario: &Scenario, strata: &[usize]) -> String {
    strata
        .iter()
        .map(|&j| scenario.strata[j].as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The design in sentences.
fn words(s: &ScenarioReport) -> Vec<String> {
    let sc = &s.study.scenario;
    let d = &sc.design;
    let mut lines = Vec::new();
    match &sc.biomarker {
        Some(b) => {
            let cuts: Vec<String> = b.cutpoints.iter().map(|c| format!("{c}")).collect();
            let assay = if b.assay_cv > 0.0 {
                format!(
                    "measured with a coefficient of variation of {}% (the measured value decides the stratum, so some patients are misclassified near a cut-off)",
                    100.0 * b.assay_cv
                )
            } else {
                "measured without error".to_string()
            };
            lines.push(format!(
                "Every screened patient's {} is {assay}; cut-offs {} {} make the strata {}.",
                b.name,
                list(&cuts),
                b.unit,
                list(&sc.strata)
            ));
            let eligible = names(sc, &d.eligible);
            lines.push(if d.eligible.len() == sc.strata.len() {
                format!("All comers are randomised (measured strata {eligible}).")
            } else {
                format!(
                    "Only patients measured in {eligible} are randomised (enrichment); the others are screened out."
                )
            });
        }
        None => lines.push("One population (no biomarker strata).".into()),
    }
    let scheme = match d.randomisation {
        RandomisationSpec::StratifiedBlocks => format!(
            "by permuted blocks of {} within the measured strata",
            d.block_size
        ),
        RandomisationSpec::Simple => "by simple randomisation".into(),
    };
    lines.push(format!(
        "{} patients are randomised {}:{} (treatment : control) {scheme}.",
        d.sample_size, d.allocation[0], d.allocation[1]
    ));
    let when = match d.analysis {
        AnalysisSpec::Events(n) => format!("when {n} deaths have been observed"),
        AnalysisSpec::Calendar(t) => format!("{t} months after the first screening"),
        AnalysisSpec::AfterLast(t) => format!("{t} months after the last randomisation"),
    };
    let cap = d.follow_up.map_or_else(String::new, |f| {
        format!(", each patient followed for at most {f} months")
    });
    lines.push(format!(
        "The final analysis is {when}{cap}; the primary test is the {} at one-sided alpha {}.",
        d.test, d.alpha
    ));
    if !d.tests.is_empty() {
        let tests: Vec<String> = d.tests.iter().map(|t| t.to_string()).collect();
        lines.push(format!(
            "Further tests on the same data: {} (each at alpha {}, reported beside the primary, not part of its decision).",
            list(&tests),
            d.alpha
        ));
    }
    if let Some(q) = &d.sequential {
        let fractions: Vec<String> = q.looks.iter().map(|t| format!("{t}")).collect();
        let futility = match &q.futility {
            FutilitySpec::None => "no futility stopping".to_string(),
            FutilitySpec::BetaSpending(f) => format!(
                "{} futility by beta spending (planned for power {}, {})",
                if q.binding_futility {
                    "binding"
                } else {
                    "non-binding"
                },
                q.power,
                f.describe()
            ),
            FutilitySpec::ZBelow(z) => format!("futility when z is below {z:?}"),
            FutilitySpec::HrAbove(h) => format!("futility when the hazard ratio is above {h:?}"),
        };
        lines.push(format!(
            "Interim analyses at information fractions {} of the final deaths: efficacy bounds from {} (recomputed at the deaths observed), {futility}.",
            list(&fractions),
            q.efficacy.describe()
        ));
    }
    if let Some(h) = &d.hypotheses {
        let pops: Vec<String> = h
            .populations
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{} ({}{})",
                    p.name,
                    names(sc, &p.strata),
                    if i == h.primary { ", primary" } else { "" }
                )
            })
            .collect();
        lines.push(format!("Hypotheses, one per population: {}.", list(&pops)));
        if let Some(p) = &h.procedure {
            lines.push(procedure_words(p, &h.populations));
        }
    }
    if let Some(a) = &d.adaptive {
        lines.push(adaptive_words(a, s));
    }
    if let Some(plan) = &s.study.design.reestimation {
        lines.push(match &d.adaptive {
            None => reestimation_words(plan),
            Some(_) => adaptive_reestimation_words(plan),
        });
    }
    lines
}

/// The conditional power's effect, in words.
fn cp_effect_words(effect: crate::design::reestimation::CpEffect, adaptive: bool) -> String {
    use crate::design::reestimation::CpEffect;
    let estimate = if adaptive {
        "the smallest interim estimate of the selected populations' effects"
    } else {
        "the interim estimate of the hazard ratio"
    };
    match effect {
        CpEffect::Observed => estimate.to_string(),
        CpEffect::Planned { hazard_ratio } => format!("the planned hazard ratio {hazard_ratio}"),
        CpEffect::Mix {
            hazard_ratio,
            weight,
        } => format!(
            "a mix of {estimate} (weight {weight}) and the planned hazard ratio {hazard_ratio} on the log scale"
        ),
    }
}

/// The re-estimation rule, in words; `adaptive`: an adaptive enrichment design's (the deaths
/// counted in all, the effect the selected populations').
fn rule_words(p: &crate::design::reestimation::ReestimationPlan, adaptive: bool) -> String {
    use crate::design::reestimation::Rule;
    let effect = cp_effect_words(p.effect, adaptive);
    let (final_, in_all) = if adaptive {
        ("", " in all")
    } else {
        ("final ", "")
    };
    match p.rule {
        Rule::Rpact => format!(
            "the {final_}deaths become those giving conditional power {} at {effect}, kept within {} to {}{in_all}",
            p.target, p.min_events, p.max_events
        ),
        Rule::PromisingZone { cp_lower } => format!(
            "when the conditional power at the planned deaths, at {effect}, is in the promising zone ({cp_lower} to {}) the deaths are raised to reach {}, to at most {}{in_all}; otherwise the plan stands (Mehta and Pocock 2011)",
            p.target, p.target, p.max_events
        ),
    }
}

/// The re-estimation of an adaptive enrichment design's stage-2 deaths, in words.
fn adaptive_reestimation_words(p: &crate::design::reestimation::ReestimationPlan) -> String {
    format!(
        "Event re-estimation: at the selection interim ({} deaths of the planned {}), the stage-2 deaths of the selected populations are re-set: {}. The conditional power is that of the global intersection's closed inverse normal test, whose pre-set weights keep the family-wise error whatever the interim decides (Cui, Hung and Wang 1999; rpact's getSimulationEnrichmentSurvival).",
        p.interim_events,
        p.planned_events,
        rule_words(p, true)
    )
}

fn reestimation_words(p: &crate::design::reestimation::ReestimationPlan) -> String {
    use crate::design::reestimation::CombinationTest;
    let rule = rule_words(p, false);
    let test = match p.test {
        CombinationTest::Chw => format!(
            "the inverse normal combination of the stages with the planned weights {:.3} and {:.3} (Cui, Hung and Wang 1999)",
            p.weights[0], p.weights[1]
        ),
        CombinationTest::ConditionalError => "the conventional log-rank at the new count against the critical value that keeps the planned design's conditional error (Müller and Schäfer 2001)".to_string(),
    };
    let early = match (p.efficacy, p.futility.is_finite()) {
        (None, false) => "no early stopping".to_string(),
        (e, f) => {
            let mut parts = Vec::new();
            if let Some(e) = e {
                parts.push(format!(
                    "early efficacy when z >= {:.3} ({})",
                    p.critical[0],
                    e.describe()
                ));
            }
            if f {
                parts.push(format!("non-binding futility when z < {:.3}", p.futility));
            }
            parts.join(", ")
        }
    };
    format!(
        "Event re-estimation: at an interim at {} deaths of the planned {}, {rule}; the final test is {test}, which keeps the type I error whatever the interim decides; {early}.",
        p.interim_events, p.planned_events
    )
}

fn procedure_words(p: &Procedure, pops: &[crate::design::hypotheses::Population]) -> String {
    let name = |i: usize| pops.get(i).map_or("?", |p| p.name.as_str()).to_string();
    let weights = |w: &[f64]| {
        w.iter()
            .enumerate()
            .map(|(i, w)| format!("{} {w}", name(i)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match p {
        Procedure::FixedSequence { order } => format!(
            "Multiplicity: fixed sequence (hierarchical), each hypothesis at the full alpha in the order {}, while the previous ones are rejected.",
            order.iter().map(|&i| name(i)).collect::<Vec<_>>().join(" then ")
        ),
        Procedure::Bonferroni { weights: w } => {
            format!("Multiplicity: weighted Bonferroni, alpha split {}.", weights(w))
        }
        Procedure::Holm { weights: w } => format!(
            "Multiplicity: weighted Holm, initial weights {} (a rejected hypothesis passes its alpha on).",
            weights(w)
        ),
        Procedure::SpiessensDebois => "Multiplicity: closed test of the nested populations with the Spiessens-Debois intersection test (the bivariate normal of their log-rank statistics).".into(),
        Procedure::Graphical(g) => format!(
            "Multiplicity: graphical procedure (Bretz et al. 2009), initial weights {}, transitions {:?}.",
            weights(&g.weights),
            g.transitions
        ),
    }
}

fn adaptive_words(a: &AdaptiveSpec, s: &ScenarioReport) -> String {
    let measure = match a.measure {
        EffectMeasure::HazardRatio => "the estimated hazard ratio",
        EffectMeasure::Z => "the log-rank z",
    };
    let rule = match a.selection {
        Selection::RBest { r } => format!("the {r} population(s) with the best {measure}"),
        Selection::Epsilon { epsilon } => {
            format!("every population whose {measure} is within {epsilon} of the best")
        }
        Selection::All => "every population".into(),
        Selection::Complement => "by the complement rule".into(),
    };
    let threshold = a.threshold.map_or_else(String::new, |t| {
        format!(", dropping those whose {measure} does not beat {t}")
    });
    let early = a.efficacy.map_or_else(
        || "no early efficacy stop".to_string(),
        |e| format!("early efficacy by {}", e.describe()),
    );
    let interim = s
        .study
        .design
        .adaptive
        .as_ref()
        .map_or(String::new(), |p| format!(" ({} deaths)", p.interim_events));
    format!(
        "Adaptive enrichment: at an interim at {} of the deaths{interim} the trial continues with {rule}{threshold}; {early}. The error is controlled by the closed test with {} intersection tests and the inverse normal combination of the stages.",
        a.interim,
        a.intersection.name()
    )
}

/// The section.
pub(super) fn section(out: &mut String, k: usize, s: &ScenarioReport) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>Design</h3>",
        anchor(k, "design")
    );
    out.push_str("<ul class=\"design\">\n");
    for line in words(s) {
        let _ = writeln!(out, "<li>{}</li>", esc(&line));
    }
    out.push_str("</ul>\n");
    bounds(out, k, s);
    super::figures::boundaries(out, k, s);
    out.push_str("</section>\n");
}

/// The analyses and their bounds (from the run's JSON), with the hazard ratio at each bound.
fn bounds(out: &mut String, k: usize, s: &ScenarioReport) {
    let src = format!("run-{k}");
    let stages = &s.summary.stages;
    let allocation = s.study.design.allocation;
    let final_events = stages
        .last()
        .and_then(|st| st.planned_events)
        .map_or(f64::NAN, f64::from);
    let sequential = s.study.design.sequential.is_some();
    let _ = writeln!(
        out,
        "<p>{}</p>",
        if sequential {
            "Analyses and bounds. The trial stops for efficacy when the log-rank z reaches the efficacy bound, for futility when it falls below the futility bound; on the hazard-ratio scale, an observed hazard ratio at or below the efficacy HR rejects (Schoenfeld's approximation exp(-z / sqrt(d p (1 - p))), p the treated fraction)."
        } else {
            "The analysis and its critical value (and the hazard ratio that just rejects, exp(-z / sqrt(d p (1 - p))), Schoenfeld 1981)."
        }
    );
    out.push_str("<div class=\"wide\"><table class=\"bounds\">\n<thead><tr><th>analysis</th><th class=\"v\">deaths planned</th><th class=\"v\">information</th><th class=\"v\">efficacy z</th><th class=\"v\">nominal one-sided p</th><th class=\"v\">efficacy HR</th><th class=\"v\">futility z</th><th class=\"v\">futility HR</th></tr></thead>\n<tbody>\n");
    for (i, st) in stages.iter().enumerate() {
        let events = st.planned_events.map(f64::from);
        let e_cell = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |v| format!("{v:.3}"));
        let events_cell = st.planned_events.map_or_else(
            || "–".into(),
            |_| {
                num(
                    &src,
                    &format!("/stages/{i}/planned_events"),
                    events.unwrap_or(f64::NAN),
                    0,
                )
            },
        );
        let info = events.map(|e| e / final_events);
        let efficacy_hr = events.map(|e| bound_hr(st.efficacy_bound, e, allocation));
        let (futility_z, futility_hr) = match st.futility_bound {
            Some(z) => (
                num(&src, &format!("/stages/{i}/futility_bound"), z, 3),
                e_cell(events.map(|e| bound_hr(z, e, allocation))),
            ),
            None => ("–".into(), "–".into()),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"v\">{events_cell}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{:.5}</td><td class=\"v\">{}</td><td class=\"v\">{futility_z}</td><td class=\"v\">{futility_hr}</td></tr>",
            if i + 1 == stages.len() {
                "final".to_string()
            } else {
                format!("interim {}", i + 1)
            },
            e_cell(info),
            num(
                &src,
                &format!("/stages/{i}/efficacy_bound"),
                st.efficacy_bound,
                3
            ),
            normal::sf(st.efficacy_bound),
            e_cell(efficacy_hr),
        );
    }
    out.push_str("</tbody></table></div>\n");
}
