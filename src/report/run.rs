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
            Row::num(
                "z_critical",
                "critical z of a single analysis",
                self.z_critical,
                4,
            ),
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
        let mut stages = Vec::new();
        if self.stages.len() > 1 {
            stages.push(Row::num(
                "futility_prob",
                "stopped for futility",
                self.futility_prob,
                4,
            ));
        }
        for st in &self.stages {
            let k = st.look;
            let events = st
                .planned_events
                .map_or_else(String::new, |e| format!(", {e} events"));
            stages.push(Row::num(
                format!("stage{k}_efficacy_bound"),
                format!("look {k}{events}: efficacy bound, z >="),
                st.efficacy_bound,
                3,
            ));
            if let Some(f) = st.futility_bound {
                stages.push(Row::num(
                    format!("stage{k}_futility_bound"),
                    format!("look {k}: futility bound, z <"),
                    f,
                    3,
                ));
            }
            stages.push(Row::num(
                format!("stage{k}_efficacy_prob"),
                format!("look {k}: stop for efficacy"),
                st.efficacy_prob,
                4,
            ));
            if st.futility_bound.is_some() {
                stages.push(Row::num(
                    format!("stage{k}_futility_prob"),
                    format!("look {k}: stop for futility"),
                    st.futility_prob,
                    4,
                ));
            }
            stages.push(Row::num(
                format!("stage{k}_reached_prob"),
                format!("look {k}: performed"),
                st.reached_prob,
                4,
            ));
            stages.push(Row::num(
                format!("stage{k}_events_mean"),
                format!("look {k}: events, mean"),
                st.events_mean,
                1,
            ));
            stages.push(Row::num(
                format!("stage{k}_time_mean"),
                format!("look {k}: months, mean"),
                st.time_mean,
                2,
            ));
            stages.push(Row::num(
                format!("stage{k}_randomised_mean"),
                format!("look {k}: randomised, mean"),
                st.randomised_mean,
                1,
            ));
        }
        vec![
            ("Decision".into(), decision),
            ("Analyses".into(), stages),
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
