//! Error-spending functions and the kinds of group-sequential design, with their names.
//!
//! A spending function f(alpha, t) gives the cumulative one-sided error to be spent by
//! information fraction t: f(alpha, 0) = 0, f(alpha, 1) = alpha, non-decreasing (Lan and DeMets
//! 1983). Fractions beyond 1 spend alpha (the whole error), below 0 spend nothing.

use crate::stats::normal;
use crate::{Error, Result};

/// The names accepted for the efficacy design, for error messages.
pub const DESIGN_NAMES: &str = "OF|obf (O'Brien-Fleming), P|pocock (Pocock), WT|wt:DELTA (Wang-Tsiatis, needs delta), \
asOF|ldobf (Lan-DeMets O'Brien-Fleming type), asP|ldpocock (Lan-DeMets Pocock type), \
asHSD|hsd:GAMMA (Hwang-Shih-DeCani, needs gamma), asKD|kd:RHO (Kim-DeMets power, needs rho > 0); case-insensitive";

/// The names accepted for a spending function (efficacy or futility), for error messages.
pub const SPENDING_NAMES: &str = "asOF|ldobf, asP|ldpocock, asHSD|hsd:GAMMA (needs gamma), \
asKD|kd:RHO (needs rho > 0); case-insensitive";

/// An alpha- (or beta-) spending function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpendingFunction {
    /// Lan and DeMets (1983) O'Brien-Fleming type, one-sided as rpact's `asOF`:
    /// f(a, t) = 2 - 2 Phi(z_{1-a/2} / sqrt t).
    LanDeMetsObf,
    /// Lan and DeMets (1983) Pocock type: f(a, t) = a ln(1 + (e - 1) t).
    LanDeMetsPocock,
    /// Hwang, Shih and DeCani (1990): f(a, t) = a (1 - e^{-gamma t}) / (1 - e^{-gamma}),
    /// and a t when gamma = 0. gamma = -4 resembles O'Brien-Fleming, gamma = 1 Pocock.
    HwangShihDeCani {
        /// The shape parameter; any finite real.
        gamma: f64,
    },
    /// Kim and DeMets (1987) power family: f(a, t) = a t^rho, rho > 0 (rho = 1 is linear,
    /// rho = 3 resembles O'Brien-Fleming).
    KimDeMets {
        /// The power, > 0.
        rho: f64,
    },
}

impl SpendingFunction {
    /// Cumulative error spent by fraction t out of a total `alpha` (see the variants' formulas).
    /// Returns 0 for t <= 0 and `alpha` for t >= 1.
    pub fn cumulative(&self, alpha: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        if t >= 1.0 {
            return alpha;
        }
        match *self {
            SpendingFunction::LanDeMetsObf => {
                let q = -normal::quantile(alpha / 2.0);
                2.0 * normal::sf(q / t.sqrt())
            }
            SpendingFunction::LanDeMetsPocock => {
                alpha * (1.0 + (std::f64::consts::E - 1.0) * t).ln()
            }
            SpendingFunction::HwangShihDeCani { gamma } => {
                if gamma.abs() < 1e-10 {
                    alpha * t
                } else {
                    // expm1 keeps the precision for small |gamma|.
                    alpha * (-gamma * t).exp_m1() / (-gamma).exp_m1()
                }
            }
            SpendingFunction::KimDeMets { rho } => alpha * t.powf(rho),
        }
    }

    /// rpact's type code: `asOF`, `asP`, `asHSD`, `asKD`.
    pub fn code(&self) -> &'static str {
        match self {
            SpendingFunction::LanDeMetsObf => "asOF",
            SpendingFunction::LanDeMetsPocock => "asP",
            SpendingFunction::HwangShihDeCani { .. } => "asHSD",
            SpendingFunction::KimDeMets { .. } => "asKD",
        }
    }

    /// A short human description with the parameter, e.g. `Hwang-Shih-DeCani (gamma = -4)`.
    pub fn describe(&self) -> String {
        match self {
            SpendingFunction::LanDeMetsObf => "Lan-DeMets O'Brien-Fleming type (asOF)".into(),
            SpendingFunction::LanDeMetsPocock => "Lan-DeMets Pocock type (asP)".into(),
            SpendingFunction::HwangShihDeCani { gamma } => {
                format!("Hwang-Shih-DeCani, gamma = {gamma} (asHSD)")
            }
            SpendingFunction::KimDeMets { rho } => format!("Kim-DeMets power, rho = {rho} (asKD)"),
        }
    }

    /// Parses a spending-function name (see [`SPENDING_NAMES`]); `hsd:G` and `kd:RHO` carry their
    /// parameter, otherwise `gamma` / `rho` supply it. `option` names the option in errors.
    pub fn parse(
        option: &str,
        name: &str,
        gamma: Option<f64>,
        rho: Option<f64>,
    ) -> Result<SpendingFunction> {
        match DesignKind::parse_with(option, name, gamma, rho, None, SPENDING_NAMES)? {
            DesignKind::Spending(f) => Ok(f),
            DesignKind::WangTsiatis { .. } => Err(Error::usage(
                option,
                name,
                format!("a spending function: {SPENDING_NAMES}"),
            )),
        }
    }
}

/// The efficacy design: a spending function, or a Wang and Tsiatis (1987) boundary of fixed
/// shape b_k = c t_k^(delta - 1/2) with c solved so that the total one-sided alpha is exact
/// (delta = 0 is O'Brien and Fleming 1979, delta = 1/2 is Pocock 1977).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DesignKind {
    /// Bounds from the spending function at the information fractions.
    Spending(SpendingFunction),
    /// Wang-Tsiatis shape; `delta` in [-0.5, 1].
    WangTsiatis {
        /// The shape parameter Delta.
        delta: f64,
    },
}

impl DesignKind {
    /// Parses a design name (rpact's type codes or descriptive names, case-insensitive; see
    /// [`DESIGN_NAMES`]). `gamma` is used by `asHSD`/`hsd`, `rho` by `asKD`/`kd`, `delta` by `WT`;
    /// a parameter written in the name (`hsd:-4`, `kd:3`, `wt:0.25`) takes precedence when the
    /// option is absent, and the two must agree when both are given.
    pub fn parse(
        name: &str,
        gamma: Option<f64>,
        rho: Option<f64>,
        delta: Option<f64>,
    ) -> Result<DesignKind> {
        Self::parse_with("--spending", name, gamma, rho, delta, DESIGN_NAMES)
    }

    fn parse_with(
        option: &str,
        name: &str,
        gamma: Option<f64>,
        rho: Option<f64>,
        delta: Option<f64>,
        allowed: &str,
    ) -> Result<DesignKind> {
        let trimmed = name.trim();
        let lower = trimmed.to_ascii_lowercase();
        let (head, param) = match lower.split_once(':') {
            Some((h, p)) => (h.trim(), Some(p.trim())),
            None => (lower.as_str(), None),
        };
        let bad = || Error::usage(option, name, allowed);
        // The value from the name (if any), reconciled with the option's.
        let value = |what: &str, opt: Option<f64>| -> Result<f64> {
            let from_name = match param {
                Some(p) => Some(p.parse::<f64>().map_err(|_| {
                    Error::usage(option, name, format!("{what} after ':' must be a number"))
                })?),
                None => None,
            };
            let v = match (from_name, opt) {
                (Some(a), Some(b)) if (a - b).abs() > 1e-12 => {
                    return Err(Error::usage(
                        option,
                        name,
                        format!("{what} given twice with different values ({a} and {b})"),
                    ));
                }
                (Some(a), _) => a,
                (None, Some(b)) => b,
                (None, None) => {
                    return Err(Error::usage(
                        option,
                        name,
                        format!("`{head}` needs {what} (e.g. `{head}:VALUE` or the {what} option)"),
                    ));
                }
            };
            if !v.is_finite() {
                return Err(Error::usage(what, v, "a finite number"));
            }
            Ok(v)
        };
        let no_param = |kind: DesignKind| -> Result<DesignKind> {
            if param.is_some() {
                Err(bad())
            } else {
                Ok(kind)
            }
        };
        match head {
            "of" | "obf" | "obrien-fleming" => no_param(DesignKind::WangTsiatis { delta: 0.0 }),
            "p" | "pocock" => no_param(DesignKind::WangTsiatis { delta: 0.5 }),
            "wt" => {
                let d = value("delta", delta)?;
                if !(-0.5..=1.0).contains(&d) {
                    return Err(Error::usage("delta", d, "Wang-Tsiatis delta in [-0.5, 1]"));
                }
                Ok(DesignKind::WangTsiatis { delta: d })
            }
            "asof" | "ldobf" => no_param(DesignKind::Spending(SpendingFunction::LanDeMetsObf)),
            "asp" | "ldpocock" => no_param(DesignKind::Spending(SpendingFunction::LanDeMetsPocock)),
            "ashsd" | "hsd" => {
                let g = value("gamma", gamma)?;
                Ok(DesignKind::Spending(SpendingFunction::HwangShihDeCani {
                    gamma: g,
                }))
            }
            "askd" | "kd" => {
                let r = value("rho", rho)?;
                if r <= 0.0 {
                    return Err(Error::usage("rho", r, "Kim-DeMets rho > 0"));
                }
                Ok(DesignKind::Spending(SpendingFunction::KimDeMets { rho: r }))
            }
            _ => Err(bad()),
        }
    }

    /// rpact's type code (`OF`, `P`, `WT`, `asOF`, `asP`, `asHSD`, `asKD`).
    pub fn code(&self) -> &'static str {
        match self {
            DesignKind::WangTsiatis { delta } if *delta == 0.0 => "OF",
            DesignKind::WangTsiatis { delta } if *delta == 0.5 => "P",
            DesignKind::WangTsiatis { .. } => "WT",
            DesignKind::Spending(f) => f.code(),
        }
    }

    /// A short human description.
    pub fn describe(&self) -> String {
        match self {
            DesignKind::WangTsiatis { delta } if *delta == 0.0 => "O'Brien-Fleming (OF)".into(),
            DesignKind::WangTsiatis { delta } if *delta == 0.5 => "Pocock (P)".into(),
            DesignKind::WangTsiatis { delta } => format!("Wang-Tsiatis, delta = {delta} (WT)"),
            DesignKind::Spending(f) => f.describe(),
        }
    }
}
