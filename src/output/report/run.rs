//! The `run` report: a [`Summary`] as labelled rows.

use super::{Row, Tabular, fmt};
use crate::study::summary::Summary;

/// Simulated and closed-form power differ visibly when they are this many Monte Carlo SE apart.
const VISIBLE_GAP_SE: f64 = 3.0;

impl Tabular for Summary {
    /// The closed form's caveats, shown when it and the simulation differ by more than
    /// [`VISIBLE_GAP_SE`] Monte Carlo SE (JSON always carries them, as `analytic_notes`).
    fn notes(&self) -> Vec<String> {
        let mut notes = self.notes.clone();
        notes.extend(self.analytic_gap_notes());
        notes
    }

    fn title(&self) -> String {
        let partial = super::partial_note(self.reps, self.reps_planned);
        format!(
            "{}: {} replicates, seed {}{partial}",
            self.scenario, self.reps, self.seed
        )
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let decision = vec![
            Row {
                value: format!(
                    "{} (SE {}; 95% CI {} to {})",
                    fmt(self.power, 4),
                    fmt(self.power_se, 4),
                    fmt(self.power_lower, 4),
                    fmt(self.power_upper, 4)
                ),
                ..Row::num(
                    "power",
                    format!("power (one-sided alpha {})", self.alpha),
                    self.power,
                    4,
                )
            },
            Row {
                value: match self.analytic_power {
                    Some(a) => format!(
                        "{} (simulated minus closed form {:+.4})",
                        fmt(a, 4),
                        self.power - a
                    ),
                    None => "no closed form".into(),
                },
                ..Row::num(
                    "analytic_power",
                    "power, closed form (Schoenfeld, average HR)",
                    self.analytic_power.unwrap_or(f64::NAN),
                    4,
                )
            },
            Row::num(
                "analytic_power_logrank",
                "power, closed form (log-rank over risk sets)",
                self.analytic_power_logrank.unwrap_or(f64::NAN),
                4,
            ),
            Row::num("power_se", "power, Monte Carlo SE", self.power_se, 4),
            Row::num(
                "power_lower",
                "power, 95% Wilson lower",
                self.power_lower,
                4,
            ),
            Row::num(
                "power_upper",
                "power, 95% Wilson upper",
                self.power_upper,
                4,
            ),
            Row::num(
                "z_critical",
                if self.stages.is_empty() {
                    "critical z of a single analysis"
                } else {
                    "critical z, fixed design (unused with looks)"
                },
                self.z_critical,
                4,
            ),
            Row::num("z_mean", format!("{} z, mean", self.test), self.z_mean, 3),
        ];
        let size = vec![
            Row::num("events_mean", "events (deaths), mean", self.events_mean, 1),
            Row::num(
                "randomised_mean",
                "randomised, mean",
                self.randomised_mean,
                1,
            ),
            Row::num("screened_mean", "screened, mean", self.screened_mean, 1),
            Row::num(
                "screened_per_randomised",
                "screened per randomised",
                self.screened_per_randomised,
                3,
            ),
            Row::num(
                "duration_mean",
                "analysis time, months, mean",
                self.duration_mean,
                2,
            ),
            Row::num(
                "duration_lower",
                "analysis time, 2.5% quantile",
                self.duration_lower,
                2,
            ),
            Row::num(
                "duration_upper",
                "analysis time, 97.5% quantile",
                self.duration_upper,
                2,
            ),
            Row::pct(
                "events_not_reached",
                "trials never reaching their events",
                self.events_not_reached,
            ),
        ];
        let estimates = vec![
            Row::num("hr_median", "Cox hazard ratio, median", self.hr_median, 3),
            Row::num(
                "hr_lower",
                "Cox hazard ratio, 2.5% quantile",
                self.hr_lower,
                3,
            ),
            Row::num(
                "hr_upper",
                "Cox hazard ratio, 97.5% quantile",
                self.hr_upper,
                3,
            ),
            Row::new(
                "hr_not_estimable",
                "hazard ratio not estimable",
                self.hr_not_estimable.to_string(),
            ),
        ];
        let mut biomarker = vec![
            Row::pct(
                "misclassified_fraction",
                "randomised in the wrong stratum",
                self.misclassified_fraction,
            ),
            Row::pct(
                "true_ineligible_fraction",
                "randomised though truly ineligible",
                self.true_ineligible_fraction,
            ),
        ];
        for s in &self.randomised_by_true_stratum {
            biomarker.push(Row::num(
                format!("randomised_true_{}", s.stratum),
                format!(
                    "randomised, true stratum {}{}",
                    s.stratum,
                    if s.eligible { "" } else { " (not eligible)" }
                ),
                s.randomised_mean,
                1,
            ));
        }
        let mut stages = Vec::new();
        if self.stages.len() > 1 {
            stages.push(Row::num(
                "futility_prob",
                "stopped for futility",
                self.futility_prob,
                4,
            ));
        }
        if let Some(harm) = self.harm_prob {
            let label = if self.sided == Some(2) {
                "stopped for harm (two-sided, z <= -b_k)"
            } else {
                "stopped at the lower bound (asymmetric two-sided, z <= a_k)"
            };
            stages.push(Row::num("harm_prob", label, harm, 4));
        }
        for st in &self.stages {
            let k = st.look;
            let events = st
                .planned_events
                .map_or_else(String::new, |e| format!(", {e} events"));
            let has_futility = st.futility_bound.is_some();
            let two_sided = st.lower_bound.is_some();
            // (key suffix, label, value, decimals, shown)
            let rows: [(&str, String, f64, usize, bool); 10] = [
                (
                    "efficacy_bound",
                    format!("{events}: efficacy bound, z >="),
                    st.efficacy_bound,
                    3,
                    true,
                ),
                (
                    "futility_bound",
                    if two_sided {
                        ": futility bound, |z| <".into()
                    } else {
                        ": futility bound, z <".into()
                    },
                    st.futility_bound.unwrap_or(f64::NAN),
                    3,
                    has_futility,
                ),
                (
                    "lower_bound",
                    ": harm bound, z <=".into(),
                    st.lower_bound.unwrap_or(f64::NAN),
                    3,
                    two_sided,
                ),
                (
                    "efficacy_prob",
                    ": stop for efficacy".into(),
                    st.efficacy_prob,
                    4,
                    true,
                ),
                (
                    "futility_prob",
                    ": stop for futility".into(),
                    st.futility_prob,
                    4,
                    has_futility,
                ),
                (
                    "harm_prob",
                    ": stop for harm".into(),
                    st.harm_prob.unwrap_or(f64::NAN),
                    4,
                    two_sided,
                ),
                (
                    "reached_prob",
                    ": performed".into(),
                    st.reached_prob,
                    4,
                    true,
                ),
                (
                    "events_mean",
                    ": events, mean".into(),
                    st.events_mean,
                    1,
                    true,
                ),
                ("time_mean", ": months, mean".into(), st.time_mean, 2, true),
                (
                    "randomised_mean",
                    ": randomised, mean".into(),
                    st.randomised_mean,
                    1,
                    true,
                ),
            ];
            stages.extend(rows.into_iter().filter(|r| r.4).map(
                |(key, label, value, decimals, _)| {
                    Row::num(
                        format!("stage{k}_{key}"),
                        format!("look {k}{label}"),
                        value,
                        decimals,
                    )
                },
            ));
        }
        let mut run = vec![Row::num("elapsed_s", "elapsed, seconds", self.elapsed_s, 2)];
        if let Some(planned) = self.reps_planned {
            run.push(Row::new("partial", "partial (stopped early)", "true"));
            run.push(Row::new(
                "reps_planned",
                "replicates planned",
                planned.to_string(),
            ));
        }
        let tests: Vec<Row> = self
            .tests
            .0
            .iter()
            .map(|t| Row {
                value: match t.closed_form {
                    None => format!("{} (SE {})", fmt(t.power, 4), fmt(t.power_se, 4)),
                    Some(c) => format!(
                        "{} (SE {}); closed form without death {}",
                        fmt(t.power, 4),
                        fmt(t.power_se, 4),
                        fmt(c.power, 4)
                    ),
                },
                ..Row::num(
                    format!("test_{}_power", column_name(&t.test)),
                    format!("{}: rejects", t.test),
                    t.power,
                    4,
                )
            })
            .collect();
        let mut decision = decision;
        decision[0].label = format!("power (one-sided alpha {}, {})", self.alpha, self.test);
        let (prior, bins, bins_title) = self.prior_rows();
        if let (Some(a), Some(se)) = (self.assurance, self.assurance_se) {
            decision[0].label = format!(
                "power over the prior (one-sided alpha {}, {})",
                self.alpha, self.test
            );
            decision.insert(
                0,
                Row {
                    value: format!("{} (SE {})", fmt(a, 4), fmt(se, 4)),
                    ..Row::num(
                        "assurance",
                        "assurance: probability of success averaged over the prior",
                        a,
                        4,
                    )
                },
            );
            decision[2].label = "power at [effect]'s hazard ratios, closed form".into();
            decision[2].value = self
                .analytic_power
                .map_or_else(|| "no closed form".into(), |p| fmt(p, 4));
        }
        let mut hypotheses = Vec::new();
        if self.has_hypotheses {
            for h in &self.hypotheses {
                let strata = h.strata.join(", ");
                let primary = if h.primary { ", primary" } else { "" };
                hypotheses.push(Row {
                    value: format!("{} (SE {})", fmt(h.reject_prob, 4), fmt(h.reject_se, 4)),
                    ..Row::num(
                        format!("reject_{}", h.name),
                        format!("{} ({strata}{primary}): rejected", h.name),
                        h.reject_prob,
                        4,
                    )
                });
                if self.adaptive {
                    hypotheses.push(Row::num(
                        format!("selected_{}", h.name),
                        format!("{}: selected for stage 2", h.name),
                        h.selected_prob,
                        4,
                    ));
                }
            }
            hypotheses.push(Row {
                value: format!(
                    "{} (SE {})",
                    fmt(self.reject_any, 4),
                    fmt(self.reject_any_se, 4)
                ),
                ..Row::num("reject_any", "at least one rejected", self.reject_any, 4)
            });
        }
        vec![
            ("Decision".into(), decision),
            ("Prior of the true hazard ratios".into(), prior),
            (bins_title, bins),
            ("Hypotheses".into(), hypotheses),
            ("Tests on the same replicates".into(), tests),
            ("Analyses".into(), stages),
            ("Event re-estimation".into(), self.reestimation_rows()),
            ("Size and duration".into(), size),
            ("Estimates".into(), estimates),
            ("Biomarker strata".into(), biomarker),
            ("".into(), run),
        ]
        .into_iter()
        // A section with nothing to show (no extra tests, no biomarker) is left out.
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
    }
}

impl Summary {
    /// The rows of `[design.reestimation]` (empty without it): the rule, the zones with their
    /// probabilities and power, the final deaths' mean, SD, quantiles and histogram, and the
    /// duration of the re-estimated trials.
    fn reestimation_rows(&self) -> Vec<Row> {
        let Some(r) = &self.reestimation else {
            return Vec::new();
        };
        let mut rows = vec![
            Row::new(
                "reestimation_rule",
                "rule, test, effect of the conditional power",
                format!(
                    "{}, {}, {} (target {}; deaths {} at the interim, {} planned, in [{}, {}])",
                    r.rule,
                    r.test,
                    r.effect,
                    r.conditional_power,
                    r.interim_events,
                    r.planned_events,
                    r.min_events,
                    r.max_events
                ),
            ),
            Row::num(
                "reestimated_prob",
                "re-estimated (went on past the interim)",
                r.reestimated_prob,
                4,
            ),
        ];
        for z in &r.zones {
            rows.push(Row {
                value: format!(
                    "{} (SE {}); power in it {}, final deaths mean {}",
                    fmt(z.prob, 4),
                    fmt(z.prob_se, 4),
                    fmt(z.reject_prob, 4),
                    fmt(z.final_events_mean, 1)
                ),
                ..Row::num(
                    format!("zone_{}_prob", z.zone),
                    format!("zone {}", z.zone),
                    z.prob,
                    4,
                )
            });
        }
        rows.push(Row {
            value: format!(
                "{} (SD {})",
                fmt(r.final_events_mean, 1),
                fmt(r.final_events_sd, 1)
            ),
            ..Row::num(
                "final_events_mean",
                "final deaths of the re-estimated, mean",
                r.final_events_mean,
                1,
            )
        });
        for (q, v) in crate::study::summary::FINAL_EVENTS_QUANTILES
            .iter()
            .zip(&r.final_events_quantiles)
        {
            let pct = fmt(100.0 * q, 0);
            rows.push(Row::num(
                format!("final_events_q{pct}"),
                format!("final deaths, {pct}% quantile"),
                *v,
                0,
            ));
        }
        for b in &r.final_events_histogram {
            rows.push(Row::new(
                format!("final_events_{}_{}", b.from, b.to),
                format!("final deaths {} to {}", b.from, b.to),
                b.count.to_string(),
            ));
        }
        rows.push(Row {
            value: format!(
                "{} (SD {}; 95% range {} to {})",
                fmt(r.final_duration_mean, 2),
                fmt(r.final_duration_sd, 2),
                fmt(r.final_duration_lower, 2),
                fmt(r.final_duration_upper, 2)
            ),
            ..Row::num(
                "final_duration_mean",
                "duration of the re-estimated, months, mean",
                r.final_duration_mean,
                2,
            )
        });
        rows
    }

    /// The prior's rows (empty without a prior): its entries, and the power by drawn hazard
    /// ratio with that section's title.
    fn prior_rows(&self) -> (Vec<Row>, Vec<Row>, String) {
        let Some(p) = &self.prior else {
            return (Vec::new(), Vec::new(), String::new());
        };
        let rows = prior_rows(p, self.assurance);
        let bins = p
            .bins
            .iter()
            .map(|b| {
                let range = if b.hr_from == 0.0 {
                    format!("below {}", fmt(b.hr_to, 3))
                } else if b.hr_to.is_infinite() {
                    format!("{} and above", fmt(b.hr_from, 3))
                } else {
                    format!("{} to {}", fmt(b.hr_from, 3), fmt(b.hr_to, 3))
                };
                let to = if b.hr_to.is_finite() {
                    b.hr_to.to_string()
                } else {
                    "inf".into()
                };
                Row {
                    value: if b.reps == 0 {
                        "no replicates".into()
                    } else {
                        format!(
                            "{} (SE {}), {} replicates",
                            fmt(b.power, 4),
                            fmt(b.power_se, 4),
                            b.reps
                        )
                    },
                    ..Row::num(
                        format!("power_true_hr_{}_{to}", b.hr_from),
                        format!("true HR {range}"),
                        b.power,
                        4,
                    )
                }
            })
            .collect();
        (
            rows,
            bins,
            format!("Power by the true hazard ratio drawn for {}", p.bin_by),
        )
    }
}

/// The rows describing a prior: its entries as reported and as drawn, the discount, the SD
/// inflation, the correlation and the closed-form assurance (beside the simulated one, if
/// given).
pub(super) fn prior_rows(p: &crate::analytic::PriorSummary, simulated: Option<f64>) -> Vec<Row> {
    {
        let mut rows: Vec<Row> = p
            .entries
            .iter()
            .map(|e| {
                Row::new(
                    format!("prior_{}", column_name(&e.name)),
                    format!("{} ({})", e.name, e.strata.join(", ")),
                    format!(
                        "reported {} ({}% interval {} to {}); drawn median {}, 95% range {} to {}",
                        fmt(e.estimate, 3),
                        fmt(100.0 * p.level, 0),
                        fmt(e.lower, 3),
                        fmt(e.upper, 3),
                        fmt(e.median, 3),
                        fmt(e.hr_lower, 3),
                        fmt(e.hr_upper, 3)
                    ),
                )
            })
            .collect();
        rows.push(Row::num(
            "prior_discount",
            "discount (factor on the log hazard ratio)",
            p.discount,
            3,
        ));
        rows.push(Row::num(
            "prior_sd_inflation",
            "SD inflation (factor on the log SD)",
            p.sd_inflation,
            3,
        ));
        if p.entries.len() > 1 {
            rows.push(Row::num(
                "prior_correlation",
                "correlation of the entries' log hazard ratios",
                p.correlation,
                3,
            ));
        }
        rows.push(Row {
            value: match p.analytic_assurance {
                Some(a) => match simulated {
                    Some(sim) => format!(
                        "{} (simulated minus closed form {:+.4})",
                        fmt(a, 4),
                        sim - a
                    ),
                    None => fmt(a, 4),
                },
                None => "not computed (three or more entries vary independently)".into(),
            },
            ..Row::num(
                "analytic_assurance",
                "assurance, closed form (Schoenfeld power over the prior)",
                p.analytic_assurance.unwrap_or(f64::NAN),
                4,
            )
        });
        rows
    }
}

/// A test name as a CSV column fragment: `fh(0,1)` -> `fh_0_1`, `rmst(18.5)` -> `rmst_18.5`.
fn column_name(test: &str) -> String {
    let mapped: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    mapped.trim_end_matches('_').replace("__", "_")
}

impl Summary {
    /// The note on a visible gap between the simulated and the closed-form power, with the
    /// closed form's approximations.
    fn analytic_gap_notes(&self) -> Vec<String> {
        let Some(a) = self.analytic_power else {
            return Vec::new();
        };
        if self.prior.is_some() {
            // The closed form is at [effect]'s fixed hazard ratios, not over the prior.
            return Vec::new();
        }
        let gap = self.power - a;
        let se = self.power_se.max(1e-12);
        if gap.is_nan() || gap.abs() <= VISIBLE_GAP_SE * se {
            return Vec::new();
        }
        let mut notes = vec![format!(
            "simulated and closed-form power differ by {gap:+.4} ({:.1} Monte Carlo SE){}",
            gap / se,
            if self.analytic_notes.is_empty() {
                ": the closed form rests on the log-rank's large-sample normal approximation"
                    .to_string()
            } else {
                "; the closed form's approximations:".to_string()
            }
        )];
        notes.extend(self.analytic_notes.iter().cloned());
        notes
    }
}
