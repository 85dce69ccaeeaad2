//! The `run` report: a [`Summary`] as labelled rows.

use super::{Row, Tabular, fmt};
use crate::summary::Summary;

impl Tabular for Summary {
    fn title(&self) -> String {
        format!(
            "{}: {} replicates, seed {}",
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
            Row::num("z_critical", "critical z", self.z_critical, 4),
            Row::num("z_mean", "log-rank z, mean", self.z_mean, 3),
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
        vec![
            ("Decision".into(), decision),
            ("Size and duration".into(), size),
            ("Estimates".into(), estimates),
            ("Biomarker strata".into(), biomarker),
            (
                "".into(),
                vec![Row::num("elapsed_s", "elapsed, seconds", self.elapsed_s, 2)],
            ),
        ]
    }
}
