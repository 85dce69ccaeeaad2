//! Required events for a log-rank test, and the drift of its z-statistic, given the hazard ratio.
//!
//! With allocation r : 1 (treatment : control), one-sided level alpha and power 1 - beta, and
//! z_p the standard normal p-quantile:
//! - Schoenfeld (1981): the log-rank z has mean -ln(HR) sqrt(D r / (1 + r)^2) after D events,
//!   so D = (z_(1-alpha) + z_(1-beta))^2 (1 + r)^2 / (r ln(HR)^2). rpact's default
//!   (`typeOfComputation = "Schoenfeld"`).
//! - Freedman (1982): the mean is sqrt(D r) (1 - HR) / (1 + r HR), so
//!   D = (z_(1-alpha) + z_(1-beta))^2 (1 + r HR)^2 / (r (1 - HR)^2). With 1:1 allocation it is
//!   larger than Schoenfeld's for HR < 1.
//! - Hsieh's (1992) form of Freedman's: the mean is 2 sqrt(D r) (1 - HR) / ((1 + r)(1 + HR)),
//!   so D = (z_(1-alpha) + z_(1-beta))^2 (1 + r)^2 (1 + HR)^2 / (4 r (1 - HR)^2): Freedman's
//!   with 1:1 allocation, symmetric in r and 1/r otherwise (rpact's
//!   `typeOfComputation = "HsiehFreedman"`).
//!
//! For a group-sequential design the maximum events are the fixed design's times the inflation
//! factor of the design (Jennison and Turnbull 2000, section 2.3; `sequential` module).

use crate::stats::normal;
use serde::Serialize;

/// Which approximation of the log-rank statistic's mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Schoenfeld (1981): mean -ln(HR) sqrt(D r / (1 + r)^2).
    #[default]
    Schoenfeld,
    /// Freedman (1982): mean sqrt(D r) (1 - HR) / (1 + r HR).
    Freedman,
    /// Hsieh (1992) after Freedman: mean 2 sqrt(D r) (1 - HR) / ((1 + r)(1 + HR)).
    HsiehFreedman,
}

impl Method {
    /// Parses `schoenfeld`, `freedman` or `hsieh_freedman` (any case; also rpact's
    /// `HsiehFreedman`).
    pub fn parse(name: &str) -> crate::Result<Method> {
        match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "schoenfeld" => Ok(Method::Schoenfeld),
            "freedman" => Ok(Method::Freedman),
            "hsiehfreedman" => Ok(Method::HsiehFreedman),
            _ => Err(crate::Error::usage(
                "--method",
                name,
                "schoenfeld, freedman or hsieh_freedman",
            )),
        }
    }

    /// The method's name and reference, for reports.
    pub fn describe(&self) -> &'static str {
        match self {
            Method::Schoenfeld => "Schoenfeld (1981)",
            Method::Freedman => "Freedman (1982)",
            Method::HsiehFreedman => "Hsieh-Freedman (Hsieh 1992)",
        }
    }

    /// The mean of the log-rank z (positive favours treatment) after `events` events at hazard
    /// ratio `hazard_ratio` with allocation r = `allocation` : 1.
    pub fn drift(&self, hazard_ratio: f64, allocation: f64, events: f64) -> f64 {
        let r = allocation;
        match self {
            Method::Schoenfeld => {
                -hazard_ratio.ln() * (events * r / ((1.0 + r) * (1.0 + r))).sqrt()
            }
            Method::Freedman => {
                (events * r).sqrt() * (1.0 - hazard_ratio) / (1.0 + r * hazard_ratio)
            }
            Method::HsiehFreedman => {
                2.0 * (events * r).sqrt() * (1.0 - hazard_ratio)
                    / ((1.0 + r) * (1.0 + hazard_ratio))
            }
        }
    }

    /// Events giving a fixed design's z the mean `z_sum` = z_(1-alpha) + z_(1-beta).
    fn events_for_drift(&self, hazard_ratio: f64, allocation: f64, z_sum: f64) -> f64 {
        // drift is proportional to sqrt(events): D = (z_sum / drift(1 event))^2
        let unit = self.drift(hazard_ratio, allocation, 1.0);
        (z_sum / unit).powi(2)
    }

    /// Required events for a fixed design.
    pub fn events(&self, alpha: f64, power: f64, hazard_ratio: f64, allocation: f64) -> f64 {
        let z_sum = normal::quantile(1.0 - alpha) + normal::quantile(power);
        self.events_for_drift(hazard_ratio, allocation, z_sum)
    }
}

/// Schoenfeld's (1981) required events for one-sided level `alpha` and `power` at hazard ratio
/// `hazard_ratio` with allocation r = `allocation` (treatment : control = r : 1):
/// D = (z_(1-alpha) + z_power)^2 (1 + r)^2 / (r ln(HR)^2).
pub fn schoenfeld_events(alpha: f64, power: f64, hazard_ratio: f64, allocation: f64) -> f64 {
    Method::Schoenfeld.events(alpha, power, hazard_ratio, allocation)
}

/// Freedman's (1982) required events, same arguments:
/// D = (z_(1-alpha) + z_power)^2 (1 + r HR)^2 / (r (1 - HR)^2).
pub fn freedman_events(alpha: f64, power: f64, hazard_ratio: f64, allocation: f64) -> f64 {
    Method::Freedman.events(alpha, power, hazard_ratio, allocation)
}

/// Power of a fixed design with `events` events at hazard ratio `hazard_ratio`, allocation r,
/// one-sided level alpha: Phi(drift - z_(1-alpha)), the drift by `method`.
pub fn power_for_events(
    method: Method,
    alpha: f64,
    hazard_ratio: f64,
    allocation: f64,
    events: f64,
) -> f64 {
    let drift = method.drift(hazard_ratio, allocation, events);
    normal::sf(normal::quantile(1.0 - alpha) - drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schoenfeld_by_hand() {
        // HR 0.5, 1:1, alpha 0.025, 80%: (1.959964 + 0.841621)^2 * 4 / ln(2)^2 = 65.3457
        let z = 1.959_963_984_540_054 + 0.841_621_233_572_914_3;
        let want = z * z * 4.0 / std::f64::consts::LN_2.powi(2);
        assert!((schoenfeld_events(0.025, 0.8, 0.5, 1.0) - want).abs() < 1e-9);
    }

    #[test]
    fn freedman_by_hand_and_round_trip() {
        // HR 0.7, 2:1, alpha 0.025, 90%: (1.959964 + 1.281552)^2 (1 + 1.4)^2 / (2 * 0.09)
        let z = 1.959_963_984_540_054 + 1.281_551_565_544_600_5;
        let want = z * z * 2.4 * 2.4 / (2.0 * 0.09);
        let d = freedman_events(0.025, 0.9, 0.7, 2.0);
        assert!((d - want).abs() < 1e-9 * want);
        let p = power_for_events(Method::Freedman, 0.025, 0.7, 2.0, d);
        assert!((p - 0.9).abs() < 1e-12);
        // 1:1: (1 + HR)^2 / (1 - HR)^2 > 4 / ln(HR)^2 for HR < 1
        assert!(freedman_events(0.025, 0.9, 0.7, 1.0) > schoenfeld_events(0.025, 0.9, 0.7, 1.0));
    }
}
