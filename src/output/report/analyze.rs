//! The `analyze` report: log-rank, Cox and Kaplan-Meier on real data, as labelled rows.

use super::{Row, Tabular, fmt_opt};
use crate::analysis::AnalyzeReport;

/// A p-value for people, the same way everywhere in the `analyze` text and Markdown: 4
/// decimals (`0.3258`), or `< 0.0001` below that (JSON and CSV carry the full value); `NA`
/// when undefined.
fn p_value(p: f64) -> String {
    if p.is_nan() {
        "NA".into()
    } else if p < 0.0001 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// A p-value row: shown by [`p_value`], full precision in CSV under `key`.
fn p_row(key: &str, label: &str, p: f64) -> Row {
    Row {
        value: p_value(p),
        ..Row::num(key, label, p, 4)
    }
}

impl Tabular for AnalyzeReport {
    fn title(&self) -> String {
        let strata = if self.stratified {
            format!(
                "stratified by {} strata ({})",
                self.strata.len(),
                self.strata.join(", ")
            )
        } else {
            "unstratified".to_string()
        };
        format!(
            "Survival analysis: {} patients, {} events, {strata}",
            self.n, self.events
        )
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let arm = |name: &str, n: usize, e: usize, m: Option<f64>| {
            vec![
                Row::new(
                    format!("n_{name}"),
                    format!("{name}: patients"),
                    n.to_string(),
                ),
                Row::new(
                    format!("events_{name}"),
                    format!("{name}: events"),
                    e.to_string(),
                ),
                Row {
                    raw: m.map_or_else(|| "NA".into(), |v| v.to_string()),
                    ..Row::new(
                        format!("km_median_{name}"),
                        format!("{name}: Kaplan-Meier median, months"),
                        fmt_opt(m, 3),
                    )
                },
            ]
        };
        let mut arms = arm(
            "treatment",
            self.n_treatment,
            self.events_treatment,
            self.km_median_treatment,
        );
        arms.extend(arm(
            "control",
            self.n_control,
            self.events_control,
            self.km_median_control,
        ));
        let converged = if self.cox_converged {
            ""
        } else {
            " (NOT converged)"
        };
        let mut test_section = Vec::new();
        if let Some(t) = &self.test {
            let mut rows = vec![
                Row::num("z", "z (> 0 favours treatment)", t.z, 4),
                p_row("p", "one-sided p (small when z > 0)", t.p_one_sided),
            ];
            let opt = |key: &str, label: &str, x: Option<f64>| {
                x.map(|v| Row::num(key.to_string(), label.to_string(), v, 4))
            };
            rows.extend(
                [
                    opt("estimate_treatment", "treatment", t.estimate_treatment),
                    opt("estimate_control", "control", t.estimate_control),
                    opt("estimate", "difference, treatment - control", t.estimate),
                    opt("se", "standard error of the difference", t.se),
                    opt("lower", "95% CI, lower", t.lower),
                    opt("upper", "95% CI, upper", t.upper),
                ]
                .into_iter()
                .flatten(),
            );
            if let Some(m) = &t.method {
                rows.push(Row::new("method", "method", m.clone()));
            }
            if let Some(pairs) = &t.pairs {
                rows.push(Row::num(
                    "win_probability",
                    "win probability, treated vs control (ties half)",
                    pairs.win_probability,
                    4,
                ));
                rows.push(Row::new(
                    "wins",
                    "pairs won by the treated",
                    pairs.wins.to_string(),
                ));
                rows.push(Row::new(
                    "losses",
                    "pairs lost by the treated",
                    pairs.losses.to_string(),
                ));
                rows.push(Row::new("ties", "pairs tied", pairs.ties.to_string()));
                rows.push(Row::num(
                    "win_ratio",
                    "win ratio, wins / losses",
                    pairs.win_ratio.unwrap_or(f64::NAN),
                    4,
                ));
            }
            if let Some(components) = &t.components {
                for (i, c) in components.iter().enumerate() {
                    rows.push(Row::num(
                        format!("component{}_z", i + 1),
                        format!("{}: z", c.test),
                        c.z.unwrap_or(f64::NAN),
                        4,
                    ));
                }
            }
            test_section.push((format!("Test {}", t.test), rows));
        }
        let mut sections = vec![
            ("Arms".into(), arms),
            (
                "Log-rank test".into(),
                vec![
                    Row::num(
                        "logrank_observed",
                        "treatment events observed",
                        self.logrank_observed,
                        2,
                    ),
                    Row::num(
                        "logrank_expected",
                        "treatment events expected",
                        self.logrank_expected,
                        2,
                    ),
                    Row::num("logrank_chisq", "chi-square (1 df)", self.logrank_chisq, 4),
                    Row::num("logrank_z", "z (> 0 favours treatment)", self.logrank_z, 4),
                    p_row("logrank_p", "two-sided p", self.logrank_p_two_sided),
                ],
            ),
            (
                format!("Cox proportional hazards, {} ties{converged}", self.ties),
                vec![
                    Row::num("cox_hr", "hazard ratio", self.cox_hr, 4),
                    Row::num("cox_hr_lower", "95% CI, lower", self.cox_hr_lower, 4),
                    Row::num("cox_hr_upper", "95% CI, upper", self.cox_hr_upper, 4),
                    Row::num(
                        "cox_se_log_hr",
                        "SE of log hazard ratio",
                        self.cox_se_log_hr,
                        4,
                    ),
                    p_row(
                        "cox_wald_p",
                        "Wald test, two-sided p",
                        self.cox_wald_p_two_sided,
                    ),
                    Row::num(
                        "cox_score_chisq",
                        "score chi-square",
                        self.cox_score_chisq,
                        4,
                    ),
                    Row::num("cox_loglik", "log partial likelihood", self.cox_loglik, 4),
                ],
            ),
        ];
        sections.extend(test_section);
        sections
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
