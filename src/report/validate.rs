//! The `validate` report: the resolved model in closed form.

use super::{Row, Tabular, fmt};
use crate::model::ModelDescription;

impl Tabular for ModelDescription {
    fn title(&self) -> String {
        format!("{}: resolved model", self.scenario)
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let pct = |x: f64| format!("{}%", fmt(100.0 * x, 2));
        let mut sections = Vec::new();
        for s in &self.strata {
            let key = |k: &str| format!("{}_{k}", s.stratum);
            let misclass = self
                .strata
                .iter()
                .zip(&s.observed_given_true)
                .map(|(o, p)| format!("{} {}", o.stratum, pct(*p)))
                .collect::<Vec<_>>()
                .join(", ");
            sections.push((
                format!(
                    "Stratum {}{}",
                    s.stratum,
                    if s.eligible {
                        " (eligible)"
                    } else {
                        " (not eligible)"
                    }
                ),
                vec![
                    Row::pct(
                        key("true_prevalence"),
                        "prevalence, true",
                        s.true_prevalence,
                    ),
                    Row::pct(
                        key("observed_prevalence"),
                        "prevalence, observed",
                        s.observed_prevalence,
                    ),
                    Row::new(
                        key("observed_given_true"),
                        "observed as (given true)",
                        misclass,
                    ),
                    Row::pct(
                        key("randomised_share"),
                        "share of the randomised",
                        s.randomised_share,
                    ),
                    Row::num(
                        key("control_median"),
                        "control median, months",
                        s.control_median,
                        2,
                    ),
                    Row::num(
                        key("control_survival_12"),
                        "control survival at 12 months",
                        s.control_survival_12,
                        4,
                    ),
                    Row::num(
                        key("control_survival_21"),
                        "control survival at 21 months",
                        s.control_survival_21,
                        4,
                    ),
                    Row::num(
                        key("treatment_survival_21"),
                        "treatment survival at 21 months",
                        s.treatment_survival_21,
                        4,
                    ),
                    Row::num(key("hazard_ratio"), "hazard ratio", s.hazard_ratio, 3),
                    Row::new(
                        key("hazard_ratio_schedule"),
                        "hazard ratio over time (hr from month)",
                        s.hazard_ratio_schedule.clone(),
                    ),
                ],
            ));
        }
        sections.push((
            "Screening and enrolment".into(),
            vec![
                Row::pct(
                    "eligible_fraction",
                    "biomarker-eligible among screened",
                    self.eligible_fraction,
                ),
                Row::pct(
                    "randomised_per_screened",
                    "randomised per screened",
                    self.randomised_per_screened,
                ),
                Row::num(
                    "expected_screened",
                    "expected screened",
                    self.expected_screened,
                    1,
                ),
                Row::num(
                    "expected_enrolment_months",
                    "expected months to randomise all",
                    self.expected_enrolment_months,
                    2,
                ),
            ],
        ));
        sections.push((
            "Randomised population (mix of true strata)".into(),
            vec![
                Row::num(
                    "control_survival_12",
                    "control survival at 12 months",
                    self.control_survival_12,
                    4,
                ),
                Row::num(
                    "control_survival_21",
                    "control survival at 21 months",
                    self.control_survival_21,
                    4,
                ),
                Row::num(
                    "treatment_survival_21",
                    "treatment survival at 21 months",
                    self.treatment_survival_21,
                    4,
                ),
                Row::num("effect_delay", "effect delay, months", self.effect_delay, 1),
            ],
        ));
        sections
    }
}
