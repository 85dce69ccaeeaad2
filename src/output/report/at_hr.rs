//! The `design --at-hr` report: the design's operating characteristics, one row per hazard
//! ratio ([`AtHrAnalysis`]).
//!
//! Columns: `hazard_ratio`, `power`, `futility_stop` (with futility bounds), `expected_events`,
//! `expected_duration` (months), `expected_subjects`, then per look k `lookK_reject` (with
//! interim looks), `lookK_futility` (with futility bounds), `lookK_events` and `lookK_time`
//! (months from the first screening). JSON is
//! the analysis itself (docs/output.md, `design --at-hr`).

use super::{Row, Table, fmt};
use crate::analytic::AtHrAnalysis;

impl Table for AtHrAnalysis {
    fn title(&self) -> String {
        format!(
            "{}: operating characteristics at other hazard ratios, {} patients, {} ({}, one-sided alpha {})",
            self.scenario,
            self.sample_size,
            if self.looks > 1 {
                format!("{} looks", self.looks)
            } else {
                "one analysis".to_string()
            },
            self.method,
            self.alpha
        )
    }

    fn rows(&self) -> Vec<Vec<Row>> {
        let looks = self.at_hr.iter().map(|p| p.looks.len()).max().unwrap_or(1);
        let sequential = self.looks > 1;
        let futility = self
            .at_hr
            .iter()
            .any(|p| p.looks.iter().any(|l| l.futility_bound.is_finite()));
        self.at_hr
            .iter()
            .map(|p| {
                let mut row = vec![
                    Row::num("hazard_ratio", "HR", p.hazard_ratio, 3),
                    Row::num("power", "power", p.power, 4),
                ];
                if futility {
                    row.push(Row::num("futility_stop", "futility", p.futility_stop, 4));
                }
                row.extend([
                    Row::num("expected_events", "E[events]", p.expected_events, 1),
                    Row::num("expected_duration", "E[months]", p.expected_duration, 2),
                    Row::num("expected_subjects", "E[subjects]", p.expected_subjects, 1),
                ]);
                for k in 0..looks {
                    let l = p.looks.get(k);
                    let get = |f: fn(&crate::analytic::AtHrLook) -> f64| l.map_or(f64::NAN, f);
                    let n = k + 1;
                    if sequential {
                        row.push(Row::num(
                            format!("look{n}_reject"),
                            format!("reject {n}"),
                            get(|l| l.reject_prob),
                            4,
                        ));
                    }
                    if futility {
                        row.push(Row::num(
                            format!("look{n}_futility"),
                            format!("futility {n}"),
                            get(|l| l.futility_prob),
                            4,
                        ));
                    }
                    row.push(Row::num(
                        format!("look{n}_events"),
                        format!("events {n}"),
                        get(|l| l.events),
                        1,
                    ));
                    let time = get(|l| l.time);
                    row.push(Row {
                        value: if time.is_infinite() {
                            "never".into()
                        } else {
                            fmt(time, 2)
                        },
                        ..Row::num(format!("look{n}_time"), format!("month {n}"), time, 2)
                    });
                }
                row
            })
            .collect()
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

#[cfg(test)]
mod tests {
    use crate::output::report::{Format, render_table};

    #[test]
    fn every_format_has_a_row_per_hazard_ratio() {
        let study = crate::Study::load(
            std::path::Path::new("scenarios/phase3-enriched-sequential.toml"),
            &[],
        )
        .expect("loads");
        let a = study
            .at_hr(&[1.0, 0.7], crate::analytic::Method::Schoenfeld, None)
            .expect("computed");
        let csv = render_table(&a, Format::Csv);
        assert_eq!(csv.lines().count(), 3, "{csv}");
        assert!(csv.starts_with("hazard_ratio,power,"), "{csv}");
        assert!(csv.contains("expected_events,expected_duration,expected_subjects"));
        assert!(csv.contains("look1_reject"));
        let md = render_table(&a, Format::Markdown);
        assert!(md.contains("| HR |") || md.contains("HR"), "{md}");
        let text = render_table(&a, Format::Text);
        assert!(text.contains("E[months]"), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&render_table(&a, Format::Json)).expect("JSON");
        assert_eq!(json["at_hr"].as_array().unwrap().len(), 2);
    }
}
