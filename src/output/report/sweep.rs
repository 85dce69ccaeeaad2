//! The `sweep` report: the power table, one row per grid point.
//!
//! Columns: one per varied key (its value as given), then `power`, `power_se`, `power_lower`,
//! `power_upper` (95% Wilson), `events_mean`, `randomised_mean`, `screened_mean`,
//! `duration_mean` (months), `analytic_power` (closed form, `NA` where it does not apply) and
//! `reps`. With `[prior]`, `assurance`, `assurance_se` and `analytic_assurance` follow
//! `analytic_power` (the power columns are then averaged over the prior, and equal the
//! assurance). JSON holds the same rows as objects, the varied keys' values as JSON values.

use super::{Row, Table, fmt};
use crate::study::sweep::{SweepPoint, SweepReport};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A TOML literal as a JSON value (a number stays a number); a bare word stays a string.
fn json_value(literal: &str) -> serde_json::Value {
    toml::from_str::<toml::Table>(&format!("v = {literal}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or_else(|| serde_json::Value::String(literal.to_string()))
}

/// A number for JSON: null for NaN.
fn number(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl SweepPoint {
    /// (key, value) pairs of the measured columns, in table order.
    fn measures(&self) -> [(&'static str, &'static str, f64, usize); 8] {
        [
            ("power", "power", self.power, 4),
            ("power_se", "SE", self.power_se, 4),
            ("power_lower", "95% lower", self.power_lower, 4),
            ("power_upper", "95% upper", self.power_upper, 4),
            ("events_mean", "events", self.events_mean, 1),
            ("randomised_mean", "randomised", self.randomised_mean, 1),
            ("screened_mean", "screened", self.screened_mean, 1),
            ("duration_mean", "months", self.duration_mean, 2),
        ]
    }
}

impl Serialize for SweepPoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in &self.values {
            map.serialize_entry(key, &json_value(value))?;
        }
        for (key, _, value, _) in self.measures() {
            map.serialize_entry(key, &number(value))?;
        }
        map.serialize_entry("analytic_power", &self.analytic_power.and_then(number))?;
        if self.over_prior {
            map.serialize_entry("assurance", &number(self.power))?;
            map.serialize_entry("assurance_se", &number(self.power_se))?;
            map.serialize_entry(
                "analytic_assurance",
                &self.analytic_assurance.and_then(number),
            )?;
        }
        map.serialize_entry("reps", &self.reps)?;
        map.end()
    }
}

impl Serialize for SweepReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("scenario", &self.scenario)?;
        map.serialize_entry("seed", &self.seed)?;
        map.serialize_entry("reps", &self.reps)?;
        if self.partial {
            map.serialize_entry("partial", &true)?;
            map.serialize_entry("reps_planned", &self.reps_planned)?;
        }
        map.serialize_entry("keys", &self.keys)?;
        if let Some(target) = self.target_power {
            map.serialize_entry("target_power", &target)?;
        }
        map.serialize_entry("points", &self.points)?;
        map.serialize_entry("elapsed_s", &self.elapsed_s)?;
        map.end()
    }
}

impl Table for SweepReport {
    fn title(&self) -> String {
        let partial = super::partial_note(self.reps, self.reps_planned);
        format!(
            "{}: power over {} points, {} replicates each, seed {} (common random numbers){partial}",
            self.scenario,
            self.points.len(),
            self.reps,
            self.seed
        )
    }

    fn rows(&self) -> Vec<Vec<Row>> {
        self.points
            .iter()
            .map(|p| {
                let mut row: Vec<Row> = p
                    .values
                    .iter()
                    .map(|(key, value)| Row::new(key.as_str(), key.as_str(), value.as_str()))
                    .collect();
                row.extend(
                    p.measures()
                        .into_iter()
                        .map(|(key, label, x, decimals)| Row::num(key, label, x, decimals)),
                );
                row.push(Row::num(
                    "analytic_power",
                    "closed form",
                    p.analytic_power.unwrap_or(f64::NAN),
                    4,
                ));
                if p.over_prior {
                    row.push(Row::num("assurance", "assurance", p.power, 4));
                    row.push(Row::num("assurance_se", "SE", p.power_se, 4));
                    row.push(Row::num(
                        "analytic_assurance",
                        "closed form",
                        p.analytic_assurance.unwrap_or(f64::NAN),
                        4,
                    ));
                }
                row.push(Row::new("reps", "reps", p.reps.to_string()));
                row
            })
            .collect()
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = vec![format!(
            "power: fraction rejecting at one-sided alpha {}; SE its Monte Carlo standard error; 95% Wilson interval; means per trial; months from first screening to the analysis; closed form: Schoenfeld where it applies.",
            self.points
                .first()
                .map_or_else(|| "NA".into(), |p| fmt(p.alpha, 4))
        )];
        if self.points.iter().any(|p| p.over_prior) {
            notes.push("with a prior: every replicate draws its true hazard ratios from the prior, so power is the assurance (the probability of success averaged over the prior); the first closed form is at [effect]'s fixed hazard ratios, the second averages it over the prior.".into());
        }
        if let Some(target) = self.target_power {
            notes.push(format!("target power: {}", fmt(target, 4)));
        }
        notes.push(format!("elapsed: {} s", fmt(self.elapsed_s, 2)));
        notes
    }
}
