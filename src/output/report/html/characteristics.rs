//! The operating characteristics of a design: one table with the run under the scenario's
//! assumptions beside the same design under the global null — rejection per hypothesis and
//! look with Monte Carlo SE, selection, stopping, deaths, randomised, screened, duration and
//! the hazard-ratio estimate with their spread — and, with a prior, the assurance.

use super::markup::{anchor, esc, num, token};
use crate::output::report::fmt;
use crate::study::report::ScenarioReport;
use crate::study::summary::Summary;
use std::fmt::Write;

/// One row: a label and, per run, the value cell and its SE or spread cell.
struct Line {
    label: String,
    cells: [(String, String); 2],
    group: bool,
}

fn group(label: &str) -> Line {
    Line {
        label: label.into(),
        cells: Default::default(),
        group: true,
    }
}

/// A row whose two runs' cells are made by `cell` from each summary and its JSON name.
fn line(
    label: impl Into<String>,
    cell: impl Fn(&Summary, &str) -> (String, String),
    s: &ScenarioReport,
    k: usize,
) -> Line {
    Line {
        label: label.into(),
        cells: [
            cell(&s.summary, &format!("run-{k}")),
            cell(&s.null_summary, &format!("null-{k}")),
        ],
        group: false,
    }
}

/// "(a to b)" of two tagged numbers.
fn range(src: &str, lo: (&str, f64), hi: (&str, f64), d: usize) -> String {
    format!("{} to {}", num(src, lo.0, lo.1, d), num(src, hi.0, hi.1, d))
}

fn lines(k: usize, s: &ScenarioReport) -> Vec<Line> {
    let mut v = Vec::new();
    let sum = &s.summary;
    v.push(group("Decision"));
    v.push(line(
        format!(
            "primary hypothesis rejected ({}, one-sided alpha {})",
            sum.test, sum.alpha
        ),
        |m, src| {
            (
                num(src, "/power", m.power, 4),
                format!("SE {}", num(src, "/power_se", m.power_se, 4)),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "95% Wilson interval",
        |m, src| {
            (
                range(
                    src,
                    ("/power_lower", m.power_lower),
                    ("/power_upper", m.power_upper),
                    4,
                ),
                String::new(),
            )
        },
        s,
        k,
    ));
    if sum.analytic_power.is_some() {
        v.push(line(
            "closed form (Schoenfeld, average hazard ratio)",
            |m, src| {
                (
                    m.analytic_power
                        .map_or("–".into(), |p| num(src, "/analytic_power", p, 4)),
                    String::new(),
                )
            },
            s,
            k,
        ));
    }
    if sum.has_hypotheses || sum.hypotheses.len() > 1 {
        for (i, h) in sum.hypotheses.iter().enumerate() {
            v.push(line(
                format!(
                    "{} ({}{}) rejected",
                    h.name,
                    h.strata.join(", "),
                    if h.primary { ", primary" } else { "" }
                ),
                |m, src| {
                    let h = &m.hypotheses[i];
                    (
                        num(
                            src,
                            &format!("/hypotheses/{i}/reject_prob"),
                            h.reject_prob,
                            4,
                        ),
                        format!(
                            "SE {}",
                            num(src, &format!("/hypotheses/{i}/reject_se"), h.reject_se, 4)
                        ),
                    )
                },
                s,
                k,
            ));
            if sum.adaptive {
                v.push(line(
                    format!("{} selected for the second stage", h.name),
                    |m, src| {
                        (
                            num(
                                src,
                                &format!("/hypotheses/{i}/selected_prob"),
                                m.hypotheses[i].selected_prob,
                                4,
                            ),
                            String::new(),
                        )
                    },
                    s,
                    k,
                ));
            }
        }
        v.push(line(
            "at least one hypothesis rejected (family-wise under the null)",
            |m, src| {
                (
                    num(src, "/reject_any", m.reject_any, 4),
                    format!("SE {}", num(src, "/reject_any_se", m.reject_any_se, 4)),
                )
            },
            s,
            k,
        ));
    }
    for (i, t) in sum.tests.0.iter().enumerate() {
        let name = t.test.clone();
        v.push(line(
            format!("further test {name} rejects"),
            |m, src| {
                let t = &m.tests.0[i];
                let base = format!("/tests/{}", token(&t.test));
                (
                    num(src, &format!("{base}/power"), t.power, 4),
                    format!(
                        "SE {}",
                        num(src, &format!("{base}/power_se"), t.power_se, 4)
                    ),
                )
            },
            s,
            k,
        ));
    }
    if sum.stages.len() > 1 {
        v.push(group("Analyses"));
        for (i, st) in sum.stages.iter().enumerate() {
            let name = if i + 1 == sum.stages.len() {
                "final analysis".to_string()
            } else {
                format!("interim {}", i + 1)
            };
            let planned = st
                .planned_events
                .map_or(String::new(), |e| format!(" ({e} deaths)"));
            v.push(line(
                format!("{name}{planned}: performed"),
                |m, src| {
                    (
                        num(
                            src,
                            &format!("/stages/{i}/reached_prob"),
                            m.stages[i].reached_prob,
                            4,
                        ),
                        String::new(),
                    )
                },
                s,
                k,
            ));
            v.push(line(
                format!("{name}: stop for efficacy"),
                |m, src| {
                    (
                        num(
                            src,
                            &format!("/stages/{i}/efficacy_prob"),
                            m.stages[i].efficacy_prob,
                            4,
                        ),
                        String::new(),
                    )
                },
                s,
                k,
            ));
            if st.futility_bound.is_some() {
                v.push(line(
                    format!("{name}: stop for futility"),
                    |m, src| {
                        (
                            num(
                                src,
                                &format!("/stages/{i}/futility_prob"),
                                m.stages[i].futility_prob,
                                4,
                            ),
                            String::new(),
                        )
                    },
                    s,
                    k,
                ));
            }
            v.push(line(
                format!("{name}: months from first screening"),
                |m, src| {
                    let st = &m.stages[i];
                    (
                        num(src, &format!("/stages/{i}/time_mean"), st.time_mean, 1),
                        format!(
                            "SD {}",
                            num(src, &format!("/stages/{i}/time_sd"), st.time_sd, 1)
                        ),
                    )
                },
                s,
                k,
            ));
            v.push(line(
                format!("{name}: randomised by then"),
                |m, src| {
                    (
                        num(
                            src,
                            &format!("/stages/{i}/randomised_mean"),
                            m.stages[i].randomised_mean,
                            1,
                        ),
                        String::new(),
                    )
                },
                s,
                k,
            ));
        }
        v.push(line(
            "stopped for futility at an interim",
            |m, src| {
                (
                    num(src, "/futility_prob", m.futility_prob, 4),
                    String::new(),
                )
            },
            s,
            k,
        ));
    }
    v.push(group("Size and duration (expected at stopping)"));
    v.push(line(
        "deaths",
        |m, src| (num(src, "/events_mean", m.events_mean, 1), String::new()),
        s,
        k,
    ));
    v.push(line(
        "randomised",
        |m, src| {
            (
                num(src, "/randomised_mean", m.randomised_mean, 1),
                String::new(),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "screened",
        |m, src| {
            (
                num(src, "/screened_mean", m.screened_mean, 1),
                format!(
                    "{} per randomised",
                    num(
                        src,
                        "/screened_per_randomised",
                        m.screened_per_randomised,
                        3
                    )
                ),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "months from first screening to the last analysis",
        |m, src| {
            (
                num(src, "/duration_mean", m.duration_mean, 1),
                format!("SD {}", num(src, "/duration_sd", m.duration_sd, 1)),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "the same, 2.5% to 97.5% quantiles",
        |m, src| {
            (
                range(
                    src,
                    ("/duration_lower", m.duration_lower),
                    ("/duration_upper", m.duration_upper),
                    1,
                ),
                String::new(),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "deaths never reached (trial ended at its last death)",
        |m, src| {
            (
                num(src, "/events_not_reached", m.events_not_reached, 4),
                String::new(),
            )
        },
        s,
        k,
    ));
    reestimation_lines(&mut v, s, k);
    v.push(group("Estimates and the biomarker"));
    v.push(line(
        "Cox hazard ratio, median",
        |m, src| (num(src, "/hr_median", m.hr_median, 3), String::new()),
        s,
        k,
    ));
    v.push(line(
        "Cox hazard ratio, 2.5% to 97.5% quantiles",
        |m, src| {
            (
                range(src, ("/hr_lower", m.hr_lower), ("/hr_upper", m.hr_upper), 3),
                String::new(),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "randomised patients misclassified by the assay",
        |m, src| {
            (
                num(src, "/misclassified_fraction", m.misclassified_fraction, 4),
                String::new(),
            )
        },
        s,
        k,
    ));
    v.push(line(
        "randomised patients truly ineligible",
        |m, src| {
            (
                num(
                    src,
                    "/true_ineligible_fraction",
                    m.true_ineligible_fraction,
                    4,
                ),
                String::new(),
            )
        },
        s,
        k,
    ));
    for (j, st) in sum.randomised_by_true_stratum.iter().enumerate() {
        v.push(line(
            format!("randomised from true stratum {}", st.stratum),
            |m, src| {
                (
                    num(
                        src,
                        &format!("/randomised_by_true_stratum/{j}/randomised_mean"),
                        m.randomised_by_true_stratum[j].randomised_mean,
                        1,
                    ),
                    String::new(),
                )
            },
            s,
            k,
        ));
    }
    v
}

/// A tagged number, or "–" when it is undefined (NaN: no replicate to average).
fn known(src: &str, pointer: &str, value: f64, decimals: usize) -> String {
    if value.is_nan() {
        "–".to_string()
    } else {
        num(src, pointer, value, decimals)
    }
}

/// With `[design.reestimation]`: how often the interim re-set the deaths, each zone's
/// probability, power and mean final deaths, and the final deaths and duration of the trials
/// re-estimated.
fn reestimation_lines(v: &mut Vec<Line>, s: &ScenarioReport, k: usize) {
    fn opt(m: &Summary) -> Option<&crate::study::summary::ReestimationSummary> {
        m.reestimation.as_ref()
    }
    let Some(r) = &s.summary.reestimation else {
        return;
    };
    v.push(group(&format!(
        "Event re-estimation ({} rule, conditional power target {}, deaths in [{}, {}], {} at the interim)",
        r.rule, r.conditional_power, r.min_events, r.max_events, r.interim_events
    )));
    v.push(line(
        "went on past the interim (re-estimated)",
        |m, src| {
            opt(m).map_or_else(Default::default, |r| {
                (
                    num(src, "/reestimation/reestimated_prob", r.reestimated_prob, 4),
                    String::new(),
                )
            })
        },
        s,
        k,
    ));
    for (z, zone) in r.zones.iter().enumerate() {
        v.push(line(
            format!("zone {}: probability; power in it", zone.zone),
            |m, src| {
                opt(m).map_or_else(Default::default, |r| {
                    let zs = &r.zones[z];
                    (
                        num(src, &format!("/reestimation/zones/{z}/prob"), zs.prob, 4),
                        format!(
                            "SE {}; power {}",
                            num(
                                src,
                                &format!("/reestimation/zones/{z}/prob_se"),
                                zs.prob_se,
                                4
                            ),
                            known(
                                src,
                                &format!("/reestimation/zones/{z}/reject_prob"),
                                zs.reject_prob,
                                4,
                            )
                        ),
                    )
                })
            },
            s,
            k,
        ));
        v.push(line(
            format!("zone {}: final deaths, mean", zone.zone),
            |m, src| {
                opt(m).map_or_else(Default::default, |r| {
                    let mean = r.zones[z].final_events_mean;
                    let pointer = format!("/reestimation/zones/{z}/final_events_mean");
                    (known(src, &pointer, mean, 1), String::new())
                })
            },
            s,
            k,
        ));
    }
    v.push(line(
        "final deaths of the re-estimated, mean (5% to 95%)",
        |m, src| {
            opt(m).map_or_else(Default::default, |r| {
                let q = &r.final_events_quantiles;
                let mean = r.final_events_mean;
                let spread = if mean.is_nan() {
                    String::new()
                } else {
                    range(
                        src,
                        ("/reestimation/final_events_quantiles/0", q[0]),
                        ("/reestimation/final_events_quantiles/4", q[4]),
                        0,
                    )
                };
                (
                    known(src, "/reestimation/final_events_mean", mean, 1),
                    spread,
                )
            })
        },
        s,
        k,
    ));
    v.push(line(
        "months to the final analysis of the re-estimated, mean (2.5% to 97.5%)",
        |m, src| {
            opt(m).map_or_else(Default::default, |r| {
                let mean = r.final_duration_mean;
                let spread = if mean.is_nan() {
                    String::new()
                } else {
                    range(
                        src,
                        ("/reestimation/final_duration_lower", r.final_duration_lower),
                        ("/reestimation/final_duration_upper", r.final_duration_upper),
                        1,
                    )
                };
                (
                    known(src, "/reestimation/final_duration_mean", mean, 1),
                    spread,
                )
            })
        },
        s,
        k,
    ));
}

/// The section.
pub(super) fn section(out: &mut String, k: usize, s: &ScenarioReport) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>Operating characteristics</h3>",
        anchor(k, "oc")
    );
    let _ = writeln!(
        out,
        "<p class=\"muted\">{} replicates each, seed {}, on common random numbers: the scenario's assumptions (power) and the global null, the same design with no effect in any stratum and no prior (type I error). SE: Monte Carlo standard error.</p>",
        s.summary.reps, s.summary.seed
    );
    out.push_str("<div class=\"wide\"><table class=\"oc\">\n<thead><tr><th>quantity</th><th class=\"v\">under the assumptions</th><th class=\"v\">under the global null</th></tr></thead>\n<tbody>\n");
    for l in lines(k, s) {
        if l.group {
            let _ = writeln!(
                out,
                "<tr class=\"group\"><th colspan=\"3\">{}</th></tr>",
                esc(&l.label)
            );
            continue;
        }
        // the SE or spread under the value, so the table stays three columns wide on a phone
        let cell = |(value, sub): &(String, String)| {
            if sub.is_empty() {
                value.clone()
            } else {
                format!("{value}<br/><span class=\"sub\">{sub}</span>")
            }
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td></tr>",
            esc(&l.label),
            cell(&l.cells[0]),
            cell(&l.cells[1])
        );
    }
    out.push_str("</tbody></table></div>\n");
    assurance(out, k, s);
    let notes: Vec<&String> = s
        .summary
        .notes
        .iter()
        .chain(&s.summary.analytic_notes)
        .collect();
    if !notes.is_empty() {
        out.push_str("<ul class=\"note\">\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// With a prior: the assurance (simulated and closed form) and the power by drawn hazard ratio.
fn assurance(out: &mut String, k: usize, s: &ScenarioReport) {
    let (Some(a), Some(se), Some(prior)) = (
        s.summary.assurance,
        s.summary.assurance_se,
        &s.summary.prior,
    ) else {
        return;
    };
    let src = format!("run-{k}");
    out.push_str("<h4>Assurance (probability of success over the prior)</h4>\n");
    let json = serde_json::to_value(prior).unwrap_or_default();
    let closed = json
        .get("analytic_assurance")
        .and_then(serde_json::Value::as_f64)
        .map_or_else(
            || "no closed form".into(),
            |c| num(&src, "/prior/analytic_assurance", c, 4),
        );
    let _ = writeln!(
        out,
        "<p>The true hazard ratios are drawn from the prior once per replicate: assurance {} (SE {}); closed form {closed}.</p>",
        num(&src, "/assurance", a, 4),
        num(&src, "/assurance_se", se, 4)
    );
    let Some(bins) = json.get("bins").and_then(serde_json::Value::as_array) else {
        return;
    };
    let by = json
        .get("bin_by")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    let _ = writeln!(
        out,
        "<div class=\"wide\"><table class=\"assurance\">\n<thead><tr><th>drawn hazard ratio ({})</th><th class=\"v\">replicates</th><th class=\"v\">power</th><th class=\"v\">SE</th></tr></thead>\n<tbody>",
        esc(by)
    );
    for (i, b) in bins.iter().enumerate() {
        let f = |key: &str| b.get(key).and_then(serde_json::Value::as_f64);
        let reps = b
            .get("reps")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if reps == 0 {
            continue;
        }
        let p = |key: &str, d: usize| match f(key) {
            Some(x) => num(&src, &format!("/prior/bins/{i}/{key}"), x, d),
            None => "NA".into(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td></tr>",
            match f("hr_to") {
                Some(to) => format!("{} to {}", fmt(f("hr_from").unwrap_or(0.0), 2), fmt(to, 2)),
                None => format!("{} and above", fmt(f("hr_from").unwrap_or(0.0), 2)),
            },
            num(&src, &format!("/prior/bins/{i}/reps"), reps as f64, 0),
            p("power", 3),
            p("power_se", 3)
        );
    }
    out.push_str("</tbody></table></div>\n");
}
