//! The `monitor` report: the summary as labelled rows, then one row per look (text and
//! Markdown); JSON is serde; CSV is one row per look, with the stage-wise inference on the
//! final stage's row.

use super::table::{Row, Table, Tabular, fmt};
use super::{Format, csv, markdown, text};
use crate::study::monitor::MonitorReport;

fn opt_row(key: &str, label: &str, x: Option<f64>, decimals: usize) -> Row {
    match x {
        Some(v) => Row::num(key, label, v, decimals),
        None => Row {
            raw: "NA".into(),
            ..Row::new(key, label, "-")
        },
    }
}

fn opt_pct(key: &str, label: &str, x: Option<f64>) -> Row {
    match x {
        Some(v) => Row::pct(key, label, v),
        None => opt_row(key, label, None, 0),
    }
}

impl Tabular for MonitorReport {
    fn title(&self) -> String {
        format!(
            "Interim analysis: {}, look {} of {}",
            self.scenario, self.look, self.looks_planned
        )
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let d = &self.data;
        let design = vec![
            Row::new("design", "efficacy", &self.design),
            Row::num("alpha", "one-sided alpha", self.alpha, 4),
            Row::new("futility", "futility", &self.futility),
            Row::new(
                "binding_futility",
                "binding futility",
                self.binding_futility.to_string(),
            ),
            Row::num(
                "max_events",
                "maximum information (events)",
                self.max_events,
                1,
            ),
            Row::num(
                "allocation_planned",
                "planned allocation (treatment : control)",
                self.allocation_planned,
                3,
            ),
            Row::num("planned_hr", "planned hazard ratio", self.planned_hr, 4),
            Row::new(
                "planned_hr_source",
                "planned HR from",
                &self.planned_hr_source,
            ),
        ];
        let data = vec![
            Row::new(
                "n",
                "patients (treatment, control)",
                format!("{} ({}, {})", d.n, d.n_treatment, d.n_control),
            ),
            Row::new(
                "events",
                "events (treatment, control)",
                format!(
                    "{} ({}, {})",
                    d.events, d.events_treatment, d.events_control
                ),
            ),
            Row::new(
                "stratified",
                "stratified log-rank",
                d.stratified.to_string(),
            ),
            Row::num("logrank_z", "log-rank z", d.logrank_z, 4),
            Row::num("observed_hr", "hazard ratio from z", self.observed_hr, 4),
            Row::new(
                "cox_hr",
                "Cox hazard ratio (95% CI)",
                format!(
                    "{} ({}, {})",
                    fmt(d.cox_hr, 4),
                    fmt(d.cox_hr_lower, 4),
                    fmt(d.cox_hr_upper, 4)
                ),
            ),
        ];
        let decision = vec![
            Row::new("decision", "decision", &self.decision_text),
            Row {
                raw: self.final_stage.map_or("NA".into(), |s| s.to_string()),
                ..Row::new(
                    "final_stage",
                    "trial ended at look",
                    self.final_stage.map_or("-".into(), |s| s.to_string()),
                )
            },
            opt_row("final_p", "stage-wise ordering p-value", self.final_p, 6),
            opt_row(
                "median_unbiased_hr",
                "median-unbiased hazard ratio",
                self.median_unbiased_hr,
                4,
            ),
            opt_row(
                "final_ci_lower",
                &format!(
                    "{}% CI lower (stage-wise)",
                    fmt(100.0 * (1.0 - 2.0 * self.alpha), 0)
                ),
                self.final_ci_lower,
                4,
            ),
            opt_row(
                "final_ci_upper",
                &format!(
                    "{}% CI upper (stage-wise)",
                    fmt(100.0 * (1.0 - 2.0 * self.alpha), 0)
                ),
                self.final_ci_upper,
                4,
            ),
        ];
        let prior = match self.prior.sd_log_hr {
            Some(sd) => format!(
                "{}: ln HR ~ N({}, {}^2)",
                self.prior.source,
                fmt(self.prior.mean_log_hr, 4),
                fmt(sd, 4)
            ),
            None => "flat".into(),
        };
        let future = vec![
            opt_pct(
                "conditional_power_planned",
                &format!("conditional power at HR {}", fmt(self.planned_hr, 3)),
                self.conditional_power_planned,
            ),
            opt_pct(
                "conditional_power_observed",
                &format!(
                    "conditional power at HR {} (observed)",
                    fmt(self.observed_hr, 3)
                ),
                self.conditional_power_observed,
            ),
            opt_pct(
                "predictive_power",
                "predictive power",
                self.predictive_power,
            ),
            Row::new("prior", "prior", prior),
            Row::new(
                "posterior",
                "posterior of ln HR (mean, SD)",
                format!(
                    "{}, {}",
                    fmt(self.posterior_mean_log_hr, 4),
                    fmt(self.posterior_sd_log_hr, 4)
                ),
            ),
        ];
        vec![
            ("Design".into(), design),
            (format!("Data at look {}", self.look), data),
            ("Decision and final inference".into(), decision),
            ("Remaining looks".into(), future),
        ]
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

/// The per-look table.
struct Looks<'a>(&'a MonitorReport);

impl Table for Looks<'_> {
    fn title(&self) -> String {
        "Looks".into()
    }

    fn rows(&self) -> Vec<Vec<Row>> {
        let r = self.0;
        r.looks
            .iter()
            .map(|l| {
                let at_final = r.final_stage == Some(l.look);
                let fin = |x: Option<f64>| if at_final { x } else { None };
                vec![
                    Row::new("look", "look", l.look.to_string()),
                    Row::new(
                        "status",
                        "status",
                        if l.observed { "observed" } else { "projected" },
                    ),
                    Row::num("events", "events", l.events, 0),
                    Row::num("fraction", "fraction", l.fraction, 4),
                    opt_row("z", "z", l.z, 3),
                    opt_row("hazard_ratio", "HR", l.hazard_ratio, 3),
                    Row::num("efficacy_bound", "efficacy z", l.efficacy_bound, 4),
                    Row::num("efficacy_bound_hr", "HR at bound", l.efficacy_bound_hr, 3),
                    opt_row("futility_bound", "futility z", l.futility_bound, 4),
                    Row {
                        raw: l.action.map_or("NA".into(), |a| a.as_str().into()),
                        ..Row::new("action", "action", l.action.map_or("-", |a| a.as_str()))
                    },
                    opt_row("rci_lower", "RCI lower", l.rci_lower, 3),
                    opt_row("rci_upper", "RCI upper", l.rci_upper, 3),
                    opt_row("repeated_p", "repeated p", l.repeated_p, 4),
                    opt_row(
                        "conditional_power_planned",
                        "CP planned",
                        l.conditional_power_planned,
                        4,
                    ),
                    opt_row(
                        "conditional_power_observed",
                        "CP observed",
                        l.conditional_power_observed,
                        4,
                    ),
                    opt_row("predictive_power", "PP", l.predictive_power, 4),
                    opt_row("final_p", "final p", fin(r.final_p), 6),
                    opt_row("median_unbiased_hr", "MUE HR", fin(r.median_unbiased_hr), 4),
                    opt_row("final_ci_lower", "final CI lower", fin(r.final_ci_lower), 4),
                    opt_row("final_ci_upper", "final CI upper", fin(r.final_ci_upper), 4),
                ]
            })
            .collect()
    }
}

/// Renders a `monitor` report in the given format.
pub fn render_monitor(report: &MonitorReport, format: Format) -> String {
    match format {
        Format::Text => format!("{}\n{}", text::render(report), text::table(&Looks(report))),
        Format::Markdown => format!(
            "{}\n{}",
            markdown::render(report),
            markdown::table(&Looks(report)).replacen("## ", "### ", 1)
        ),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialise to JSON");
            s.push('\n');
            s
        }
        Format::Csv => csv::table(&Looks(report)),
    }
}
