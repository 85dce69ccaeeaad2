//! The `predict` report: the fits, then each planned look's date with its prediction intervals
//! and the deaths expected by each month after the cut, as labelled rows (CSV: one line, a
//! column per row; JSON: the [`Prediction`] itself, docs/output.md).

use super::{Row, Tabular, fmt};
use crate::study::predict::Prediction;

/// A calendar month for people: its date with dates, else `month 14.25`.
fn when(m: Option<f64>, date: &Option<String>) -> String {
    match (m, date) {
        (None, _) => "not reached".into(),
        (Some(_), Some(d)) => d.clone(),
        (Some(m), None) => format!("month {}", fmt(m, 2)),
    }
}

/// A row of a calendar month whose CSV value is the month in full (`NA` when not reached).
fn month_row(
    key: String,
    label: String,
    m: Option<f64>,
    d: &Option<String>,
    after: Option<f64>,
) -> Row {
    let value = match after {
        Some(a) => format!("{} ({} months after the cut)", when(m, d), fmt(a, 1)),
        None => when(m, d),
    };
    Row {
        key,
        label,
        value,
        raw: m.map_or_else(|| "NA".into(), |v| v.to_string()),
    }
}

/// A band of death counts: `lower to upper`.
fn count_band(lo: Option<f64>, hi: Option<f64>) -> String {
    let f = |x: Option<f64>| x.map_or_else(|| "NA".into(), |v| fmt(v, 0));
    format!("{} to {}", f(lo), f(hi))
}

impl Tabular for Prediction {
    fn title(&self) -> String {
        format!(
            "{}: predicted dates of the looks' deaths from {} (cut {})",
            self.scenario,
            self.data_file,
            self.cut_date
                .clone()
                .unwrap_or_else(|| format!("month {}", fmt(self.cut, 2)))
        )
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let int = |key: &str, label: &str, v: u32| Row::new(key, label, v.to_string());
        let mut data = vec![
            int("patients", "patients randomised", self.patients),
            int("deaths", "deaths", self.deaths),
            int("dropouts", "dropouts", self.dropouts),
            int("ongoing", "ongoing", self.ongoing),
        ];
        if self.completed > 0 {
            data.push(int(
                "completed",
                "completed the planned follow-up",
                self.completed,
            ));
        }
        data.push(int("sample_size", "sample size planned", self.sample_size));
        data.push(int("to_recruit", "still to randomise", self.to_recruit));

        let h = &self.hazard;
        let mut fit = vec![Row::new(
            "hazard_model",
            format!(
                "death hazard ({})",
                if self.hazard_selection == "aic" {
                    "smallest AIC"
                } else {
                    "given"
                }
            ),
            h.model.clone(),
        )];
        for p in &h.parameters {
            fit.push(Row {
                value: format!("{} (SE of log {})", fmt(p.estimate, 5), fmt(p.se_log, 4)),
                ..Row::num(
                    format!("hazard_{}", p.name),
                    format!("{} {}", h.model, p.name.replace('_', " ")),
                    p.estimate,
                    5,
                )
            });
        }
        fit.push(Row::num(
            "hazard_median",
            "median survival of the fit, months",
            h.median,
            2,
        ));
        for c in &self.hazard_candidates {
            fit.push(Row::num(
                format!("aic_{}", c.model),
                format!("AIC, {}", c.model),
                c.aic,
                2,
            ));
        }
        fit.push(Row {
            value: format!(
                "{} per month ({} dropouts over {} months at risk)",
                fmt(self.dropout.rate, 5),
                self.dropout.count,
                fmt(self.dropout.exposure, 1)
            ),
            ..Row::num("dropout_rate", "dropout hazard", self.dropout.rate, 5)
        });
        fit.push(Row {
            value: format!(
                "{} per month at the cut ({}, {} arrivals)",
                fmt(self.recruitment.rate_at_cut, 2),
                self.recruitment.model,
                self.recruitment.fit.count
            ),
            ..Row::num(
                "recruitment_rate",
                "recruitment rate",
                self.recruitment.rate_at_cut,
                2,
            )
        });

        let mut looks = Vec::new();
        for l in &self.looks {
            let k = l.look;
            let name = format!("look {k} ({} deaths)", l.events);
            looks.push(month_row(
                format!("look{k}_median"),
                format!("{name}: median"),
                l.month.median,
                &l.date.median,
                l.after_cut.median,
            ));
            for (lo, hi, level) in [
                (
                    (l.month.lower_80, &l.date.lower_80),
                    (l.month.upper_80, &l.date.upper_80),
                    "80",
                ),
                (
                    (l.month.lower_95, &l.date.lower_95),
                    (l.month.upper_95, &l.date.upper_95),
                    "95",
                ),
            ] {
                looks.push(month_row(
                    format!("look{k}_lower_{level}"),
                    format!("{name}: {level}% interval, from"),
                    lo.0,
                    lo.1,
                    None,
                ));
                looks.push(month_row(
                    format!("look{k}_upper_{level}"),
                    format!("{name}: {level}% interval, to"),
                    hi.0,
                    hi.1,
                    None,
                ));
            }
            looks.push(Row::num(
                format!("look{k}_probability_reached"),
                format!("{name}: probability reached"),
                l.probability_reached,
                4,
            ));
        }

        let mut months = Vec::new();
        for m in &self.months {
            let label = match &m.date {
                Some(d) => format!("by {d}"),
                None => format!("by month {}", fmt(m.month, 2)),
            };
            months.push(Row {
                value: format!(
                    "{} (80%: {}; 95%: {})",
                    fmt(m.mean, 1),
                    count_band(m.deaths.lower_80, m.deaths.upper_80),
                    count_band(m.deaths.lower_95, m.deaths.upper_95)
                ),
                ..Row::num(format!("deaths_month{}", m.after_cut), label, m.mean, 1)
            });
        }
        vec![
            ("Data at the cut".into(), data),
            ("Fits (maximum likelihood)".into(), fit),
            ("Planned looks: date of the N-th death".into(), looks),
            (
                "Expected cumulative deaths (mean; prediction intervals)".into(),
                months,
            ),
        ]
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
