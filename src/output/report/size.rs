//! The `size` report: the value found, its uncertainty, the closed form and the points simulated.

use super::{Row, Tabular, fmt};
use crate::study::search::SizeReport;

impl Tabular for SizeReport {
    fn title(&self) -> String {
        let partial = super::partial_note(self.reps, self.reps_planned);
        format!(
            "{}: smallest {} for {} {}, seed {}{partial}",
            self.scenario,
            self.key,
            if self.over_prior {
                "assurance (power averaged over the prior)"
            } else {
                "power"
            },
            fmt(self.target_power, 4),
            self.seed
        )
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let result = vec![
            Row::new(
                "value",
                format!("{} ({})", self.key, self.unit),
                self.value.to_string(),
            ),
            Row {
                value: format!(
                    "{} to {} (root {} +- {})",
                    self.value_lower,
                    self.value_upper,
                    fmt(self.root, 1),
                    fmt(self.uncertainty, 1)
                ),
                ..Row::num(
                    "uncertainty",
                    "95% Monte Carlo interval",
                    self.uncertainty,
                    1,
                )
            },
            Row::new(
                "value_lower",
                "interval, lower",
                self.value_lower.to_string(),
            ),
            Row::new(
                "value_upper",
                "interval, upper",
                self.value_upper.to_string(),
            ),
            Row::num("root", "root of the fitted curve", self.root, 2),
            Row::num("root_se", "root, Monte Carlo SE", self.root_se, 2),
            Row {
                value: format!("{} (SE {})", fmt(self.power, 4), fmt(self.power_se, 4)),
                ..Row::num(
                    "power",
                    format!("power at {} (fitted curve)", self.value),
                    self.power,
                    4,
                )
            },
            Row::num("power_se", "power, SE", self.power_se, 4),
            Row::num(
                "analytic_value",
                "closed form",
                self.analytic_value.unwrap_or(f64::NAN),
                1,
            ),
            Row::new(
                "bracketed",
                "root within the final values",
                if self.bracketed {
                    "yes"
                } else {
                    "NO: rerun with more replicates"
                },
            ),
        ];
        let effort = vec![
            Row::new("reps", "replicates per final value", self.reps.to_string()),
            Row::new(
                "reps_total",
                "replicate simulations in all",
                self.reps_total.to_string(),
            ),
            Row::num(
                "probit_intercept",
                "curve: probit(power) = a + b sqrt(value), a",
                self.probit_intercept,
                4,
            ),
            Row::num("probit_slope", "curve: b", self.probit_slope, 5),
            Row::num("alpha", "one-sided alpha", self.alpha, 4),
            Row::num("elapsed_s", "elapsed, seconds", self.elapsed_s, 2),
        ];
        let points = self
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| Row {
                value: format!(
                    "{} (SE {}, {} replicates)",
                    fmt(p.power, 4),
                    fmt(p.power_se, 4),
                    p.reps
                ),
                ..Row::num(
                    format!("{}{}_power_at_{}", p.stage, i + 1, p.value),
                    format!("{} {} = {}", p.stage, self.key, p.value),
                    p.power,
                    4,
                )
            })
            .collect();
        vec![
            ("Result".into(), result),
            ("Simulated power (common random numbers)".into(), points),
            ("Search".into(), effort),
        ]
    }
}
