//! The `validate` report: the resolved model in closed form.

use super::{Row, Tabular, fmt};
use crate::analytic::ModelDescription;
use crate::scenario::SurvivalAt;

/// A number of months as written in keys and labels: `21`, `21.03`.
fn months(t: f64) -> String {
    format!("{t}")
}

/// "55.0% alive at 21 months".
fn calibration_text(point: &Option<SurvivalAt>) -> String {
    match point {
        Some(p) => format!(
            "calibrated: {}% alive at {} months",
            (1e4 * p.survival).round() / 100.0,
            months(p.at)
        ),
        None => "given by its median or hazards".into(),
    }
}

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
                    Row::new(
                        key("control_calibration"),
                        "control model",
                        calibration_text(&s.control_calibration),
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
        let mut survival = Vec::new();
        for m in &self.mixture_survival {
            let t = months(m.months);
            for (population, arm, x) in [
                ("screened", "control", m.screened_control),
                ("screened", "treatment", m.screened_treatment),
                ("randomised", "control", m.randomised_control),
                ("randomised", "treatment", m.randomised_treatment),
            ] {
                survival.push(Row::num(
                    format!("{population}_{arm}_survival_{t}"),
                    format!("{population}, {arm} alive at {t} months"),
                    x,
                    4,
                ));
            }
        }
        sections.push((
            "Survival of the mixes (screened: true prevalences; randomised: the design's mix)"
                .into(),
            survival,
        ));
        if let Some(c) = &self.calibration {
            let mut rows = Vec::new();
            for (i, t) in c.targets.iter().enumerate() {
                let key = |k: &str| format!("calibration_{}_{k}", i + 1);
                let what = format!(
                    "{} {} alive at {} months",
                    i + 1,
                    t.arm.name(),
                    months(t.months)
                );
                let published = match (t.alive, t.of) {
                    (Some(a), Some(n)) => format!("{} ({a} of {n})", fmt(t.target, 4)),
                    _ => fmt(t.target, 4),
                };
                let interval = match t.interval {
                    "wilson_95" => "95% Wilson interval",
                    "tolerance" => "target ± tolerance",
                    _ => "interval (none: a proportion without a count or tolerance)",
                };
                rows.push(Row::num(key("model"), format!("{what}: model"), t.model, 4));
                rows.push(Row {
                    value: published,
                    ..Row::num(key("target"), format!("{what}: published"), t.target, 4)
                });
                rows.push(Row::num(
                    key("lower"),
                    format!("{what}: {interval}, lower"),
                    t.lower.unwrap_or(f64::NAN),
                    4,
                ));
                rows.push(Row::num(
                    key("upper"),
                    format!("{what}: {interval}, upper"),
                    t.upper.unwrap_or(f64::NAN),
                    4,
                ));
                rows.push(Row::new(
                    key("verdict"),
                    format!("{what}: verdict"),
                    t.verdict.name(),
                ));
                rows.push(Row::new(
                    key("source"),
                    format!("{what}: source"),
                    t.source.clone().unwrap_or_else(|| "-".into()),
                ));
            }
            sections.push((
                format!("Calibration targets ({} population)", c.population.name()),
                rows,
            ));
        }
        if let Some(p) = &self.prior {
            sections.push((
                "Prior of the true hazard ratios".into(),
                super::run::prior_rows(p, None),
            ));
        }
        if let Some(f) = &self.function {
            let mut rows = vec![
                Row::num(
                    "function_death_correlation",
                    "rate of decline vs risk of death: correlation",
                    f.death_correlation,
                    2,
                ),
                Row::num(
                    "function_noise_sd",
                    "measurement noise SD, points",
                    f.noise_sd,
                    2,
                ),
            ];
            for s in &f.strata {
                rows.push(Row::new(
                    format!("function_decline_{}", s.stratum),
                    format!(
                        "{}: decline, points/month, control (SD) -> treatment",
                        s.stratum
                    ),
                    format!(
                        "{:.2} ({:.2}) -> {:.2} ({:.0}% slower)",
                        s.decline_mean,
                        s.decline_sd,
                        s.treatment_decline_mean,
                        100.0 * s.slowing
                    ),
                ));
            }
            for v in &f.visits {
                rows.push(Row::new(
                    format!("function_visit_{}", v.months),
                    format!("month {}: mean score C / T; measured C / T", v.months),
                    format!(
                        "{:.1} / {:.1}; {:.1}% / {:.1}%",
                        v.mean_score_control,
                        v.mean_score_treatment,
                        100.0 * v.measured_control,
                        100.0 * v.measured_treatment
                    ),
                ));
            }
            sections.push(("Function (ALSFRS-R), randomised mix".into(), rows));
        }
        sections
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
