//! The `design` report: a [`DesignAnalysis`] as labelled rows.

use super::{Row, Tabular, fmt};
use crate::analytic::DesignAnalysis;

impl Tabular for DesignAnalysis {
    fn title(&self) -> String {
        format!(
            "{}: closed-form design for {}% power, one-sided alpha {} ({})",
            self.scenario,
            fmt(100.0 * self.target_power, 1),
            self.alpha,
            self.method
        )
    }

    fn sections(&self) -> Vec<(String, Vec<Row>)> {
        let mut required = vec![
            Row::num(
                "average_hr",
                "average hazard ratio at the final analysis",
                self.average_hr,
                4,
            ),
            Row::num(
                "schoenfeld_events",
                "events, fixed design (Schoenfeld)",
                self.schoenfeld_events,
                1,
            ),
        ];
        if self.method != "Schoenfeld (1981)" {
            required.push(Row::num(
                "fixed_events",
                format!("events, fixed design ({})", self.method),
                self.fixed_events,
                1,
            ));
        }
        if self.looks > 1 {
            required.push(Row::num(
                "inflation_factor",
                format!("inflation factor, {} looks", self.looks),
                self.inflation_factor,
                4,
            ));
        }
        required.extend([
            Row::num("events", "events required", self.events, 1),
            Row::new(
                "events_to_plan",
                "events to plan (rounded up)",
                self.events_to_plan.to_string(),
            ),
            Row::num("subjects", "subjects to randomise", self.subjects, 1),
            Row::new(
                "subjects_to_plan",
                "subjects to plan (rounded up to the allocation block)",
                self.subjects_to_plan.to_string(),
            ),
            Row::num(
                "accrual_months",
                "months to randomise them",
                self.accrual_months,
                2,
            ),
            Row::num(
                "follow_up_months",
                "months from last randomisation to final analysis",
                self.follow_up_months,
                2,
            ),
            Row::num(
                "expected_screened",
                "expected screened",
                self.expected_screened,
                1,
            ),
            Row::num(
                "screening_rate",
                "screening rate per month over the accrual",
                self.screening_rate,
                3,
            ),
        ]);
        if self.solve != crate::analytic::Solve::Subjects {
            required.insert(
                0,
                Row::new(
                    "solve",
                    "solved for (the rest of the scenario kept)",
                    match self.solve {
                        crate::analytic::Solve::Accrual => "accrual",
                        _ => "follow_up",
                    }
                    .to_string(),
                ),
            );
        }
        let mut analyses = Vec::new();
        for (k, (e, t)) in self
            .events_per_look
            .iter()
            .zip(&self.analysis_times)
            .enumerate()
        {
            analyses.push(Row::num(
                format!("look{}_events", k + 1),
                format!("look {}: events", k + 1),
                *e,
                1,
            ));
            analyses.push(Row::num(
                format!("look{}_time", k + 1),
                format!("look {}: months from first screening", k + 1),
                *t,
                2,
            ));
        }
        let mut scenario = vec![
            Row::new(
                "scenario_sample_size",
                "sample size",
                self.scenario_sample_size.to_string(),
            ),
            Row::num(
                "events_at_scenario",
                "events at the final analysis",
                self.events_at_scenario,
                1,
            ),
            Row::num(
                "average_hr_at_scenario",
                "average hazard ratio then",
                self.average_hr_at_scenario,
                4,
            ),
        ];
        for (k, t) in self.scenario_analysis_times.iter().enumerate() {
            scenario.push(Row::num(
                format!("scenario_look{}_time", k + 1),
                format!("look {}: months from first screening", k + 1),
                *t,
                2,
            ));
        }
        scenario.push(Row::num(
            "power",
            format!("power (closed form, {})", self.method),
            self.power,
            4,
        ));
        scenario.push(Row::num(
            "logrank_power",
            "power (closed form, log-rank over risk sets)",
            self.logrank_power,
            4,
        ));
        if let Some(p) = self.weighted_power {
            scenario.push(Row::num(
                "weighted_power",
                "power (closed form, the weighted test's looks)",
                p,
                4,
            ));
        }
        for (k, p) in self.weighted_power_per_look.iter().flatten().enumerate() {
            scenario.push(Row::num(
                format!("weighted_look{}_rejection", k + 1),
                format!("look {}: first crossing (closed form)", k + 1),
                *p,
                4,
            ));
        }
        let mut strata = Vec::new();
        for s in &self.strata {
            strata.push(Row {
                value: format!(
                    "{}% of randomised, HR {}, events {} control + {} treatment",
                    fmt(100.0 * s.share, 2),
                    fmt(s.hazard_ratio, 3),
                    fmt(s.control_events, 1),
                    fmt(s.treatment_events, 1)
                ),
                ..Row::num(
                    format!("events_{}", s.stratum),
                    format!("true stratum {}", s.stratum),
                    s.control_events + s.treatment_events,
                    1,
                )
            });
        }
        vec![
            ("Required".into(), required),
            ("Analyses of the design".into(), analyses),
            (
                "The scenario as specified (its own sample size and analyses)".into(),
                scenario,
            ),
            (
                "Expected events at the design's final analysis".into(),
                strata,
            ),
        ]
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
