//! Error-spending functions and the kinds of group-sequential design, with their names.
//!
//! A spending function f(alpha, t) gives the cumulative one-sided error to be spent by
//! information fraction t: f(alpha, 0) = 0, f(alpha, 1) = alpha, non-decreasing (Lan and DeMets
//! 1983). Fractions beyond 1 spend alpha (the whole error), below 0 spend nothing.
//!
//! Besides the spending functions the design kinds include Wang and Tsiatis (1987) shapes (with
//! O'Brien-Fleming and Pocock), the Wang-Tsiatis shape of optimal Delta (rpact's `WToptimum`),
//! Haybittle (1971) and Peto et al. (1976) constant interim bounds (`HP`), and no early efficacy
//! stop (`noEarlyEfficacy`), and Pampallona and Tsiatis (1994) efficacy and futility bounds of
//! power-family shapes (`PT`); user-defined cumulative spending (rpact's `asUser` / `bsUser`) is a
//! spending function ([`UserSpending`]).

use crate::stats::normal;
use crate::{Error, Result};

/// The names accepted for the efficacy design, for error messages.
pub const DESIGN_NAMES: &str = "OF|obf (O'Brien-Fleming), P|pocock (Pocock), WT|wt:DELTA (Wang-Tsiatis, needs delta), \
asOF|ldobf (Lan-DeMets O'Brien-Fleming type), asP|ldpocock (Lan-DeMets Pocock type), \
asHSD|hsd:GAMMA (Hwang-Shih-DeCani, needs gamma), asKD|kd:RHO (Kim-DeMets power, needs rho > 0), \
asUser (user-defined cumulative alpha, needs the user alpha), HP (Haybittle-Peto, constant interim bound, 3 by default), \
noEarlyEfficacy (no efficacy stop before the final look), WToptimum (Wang-Tsiatis of optimal delta; criterion ASNH1, ASNIFH1 or ASNsum), \
PT (Pampallona-Tsiatis efficacy and futility bounds, needs deltaPT1 and deltaPT0); case-insensitive";

/// The names accepted for a spending function (efficacy or futility), for error messages.
pub const SPENDING_NAMES: &str = "asOF|ldobf, asP|ldpocock, asHSD|hsd:GAMMA (needs gamma), \
asKD|kd:RHO (needs rho > 0), bsUser|asUser (user-defined cumulative spending, needs the values); case-insensitive";

/// The names of the criteria of [`OptimizationCriterion`], for error messages.
pub const CRITERION_NAMES: &str = "ASNH1, ASNIFH1 or ASNsum (case-insensitive)";

/// User-defined cumulative spending (rpact's `asUser` / `bsUser`): the error spent by each
/// planned look, e_1 <= ... <= e_K = the total error (alpha, or beta for futility).
///
/// The spending function through these points is piecewise linear in the information fraction:
/// f(t) = e_{k-1} + (e_k - e_{k-1}) (t - t_{k-1}) / (t_k - t_{k-1}) for t_{k-1} <= t <= t_k
/// (t_0 = 0, e_0 = 0), and the total beyond t_K. At the planned fractions this is exactly rpact's
/// design (getDesignGroupSequential spends userAlphaSpending[k] by look k); rpact has no rule for
/// other fractions (its user spending is indexed by stage, not by information), so the linear
/// interpolation, used when the engine recomputes the bounds at observed fractions, is
/// enrichsim's. The planned fractions are attached by [`UserSpending::at_timing`] when the design
/// is computed.
///
/// The values are held inline (at most [`MAX_USER_LOOKS`]), so that the spending functions and
/// design kinds stay `Copy`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UserSpending {
    spent: [f64; MAX_USER_LOOKS],
    times: [f64; MAX_USER_LOOKS],
    /// Number of values.
    len: usize,
    /// Number of planned fractions attached (0 or `len`).
    timed: usize,
}

/// Most looks a user-defined spending function may have (the `boundaries` command's limit).
pub const MAX_USER_LOOKS: usize = 20;

impl UserSpending {
    /// The cumulative values e_1..e_K, not yet attached to fractions (validated by
    /// [`UserSpending::check`] and [`UserSpending::at_timing`]).
    /// Values beyond [`MAX_USER_LOOKS`] are dropped, and then rejected by the check of
    /// [`UserSpending::at_timing`] (whose number of looks is at most that).
    pub fn new(spent: &[f64]) -> UserSpending {
        let mut s = UserSpending {
            spent: [0.0; MAX_USER_LOOKS],
            times: [0.0; MAX_USER_LOOKS],
            len: spent.len().min(MAX_USER_LOOKS),
            timed: 0,
        };
        s.spent[..s.len].copy_from_slice(&spent[..s.len]);
        if spent.len() > MAX_USER_LOOKS {
            // one value too many is enough for the length check to fail
            s.spent[MAX_USER_LOOKS - 1] = f64::NAN;
        }
        s
    }

    /// The cumulative values e_1..e_K.
    pub fn values(&self) -> &[f64] {
        &self.spent[..self.len]
    }

    /// Checks the values against `looks` and the total error `total`: one per look, each finite
    /// and in [0, total], non-decreasing, the last equal to `total` (to 1e-9 relative). `option`
    /// names the option or key in the error.
    pub fn check(option: &str, spent: &[f64], looks: usize, total: f64) -> Result<()> {
        let shown = spent
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let allowed = format!(
            "{looks} cumulative values (one per look), non-decreasing in [0, {total}], the last equal to {total}"
        );
        let ok = spent.len() == looks
            && spent.iter().all(|v| v.is_finite() && *v >= 0.0)
            && spent.windows(2).all(|w| w[1] >= w[0])
            && spent
                .last()
                .is_some_and(|&l| (l - total).abs() <= 1e-9 * total.max(1e-300));
        if ok {
            Ok(())
        } else {
            Err(Error::usage(option, shown, allowed))
        }
    }

    /// These values at the planned fractions `timing` (checked by [`UserSpending::check`] with
    /// total `total` first); the last value is then set to `total` exactly.
    pub fn at_timing(&self, option: &str, timing: &[f64], total: f64) -> Result<UserSpending> {
        Self::check(option, self.values(), timing.len(), total)?;
        let mut s = *self;
        s.spent[s.len - 1] = total;
        s.times[..s.len].copy_from_slice(timing);
        s.timed = s.len;
        Ok(s)
    }

    /// The piecewise linear cumulative spending at fraction t (see the type's documentation);
    /// `total` beyond the last planned fraction (and before the fractions are attached).
    fn at(&self, total: f64, t: f64) -> f64 {
        let mut t_prev = 0.0;
        let mut e_prev = 0.0;
        for (&tk, &ek) in self.times[..self.timed].iter().zip(&self.spent) {
            if t <= tk {
                let w = (t - t_prev) / (tk - t_prev);
                return (e_prev + w * (ek - e_prev)).clamp(0.0, total);
            }
            t_prev = tk;
            e_prev = ek;
        }
        total
    }
}

/// What an optimal Wang-Tsiatis design minimises (rpact's `optimizationCriterion`), with
/// ASN_theta = I_max E_theta[t at stopping] / I_fixed, the expected information relative to the
/// fixed design with the same alpha and power, and IF = I_max / I_fixed the inflation factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptimizationCriterion {
    /// ASN under the alternative (the drift giving the power): ASN_theta1.
    AsnH1,
    /// IF + ASN_theta1.
    AsnIfH1,
    /// ASN_0 + ASN_{theta1 / 2} + ASN_theta1.
    AsnSum,
}

impl OptimizationCriterion {
    /// Parses `ASNH1`, `ASNIFH1` or `ASNsum` (case-insensitive); `option` names it in errors.
    pub fn parse(option: &str, name: &str) -> Result<OptimizationCriterion> {
        match name.trim().to_ascii_lowercase().as_str() {
            "asnh1" => Ok(OptimizationCriterion::AsnH1),
            "asnifh1" => Ok(OptimizationCriterion::AsnIfH1),
            "asnsum" => Ok(OptimizationCriterion::AsnSum),
            _ => Err(Error::usage(option, name, CRITERION_NAMES)),
        }
    }

    /// rpact's name.
    pub fn code(&self) -> &'static str {
        match self {
            OptimizationCriterion::AsnH1 => "ASNH1",
            OptimizationCriterion::AsnIfH1 => "ASNIFH1",
            OptimizationCriterion::AsnSum => "ASNsum",
        }
    }
}

/// Parameters of the design kinds beyond the name (each used by one kind only).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindParams {
    /// Hwang-Shih-DeCani gamma (`asHSD`).
    pub gamma: Option<f64>,
    /// Kim-DeMets rho (`asKD`).
    pub rho: Option<f64>,
    /// Wang-Tsiatis Delta (`WT`).
    pub delta: Option<f64>,
    /// User-defined cumulative spending (`asUser` / `bsUser`).
    pub user: Option<Vec<f64>>,
    /// Haybittle-Peto's constant interim bound (`HP`; 3 when absent).
    pub hp_bound: Option<f64>,
    /// The criterion of `WToptimum` (ASNH1 when absent).
    pub optimize: Option<String>,
    /// Pampallona-Tsiatis Delta of the efficacy bounds (`PT`, rpact's `deltaPT1`).
    pub delta_pt1: Option<f64>,
    /// Pampallona-Tsiatis Delta of the futility bounds (`PT`, rpact's `deltaPT0`).
    pub delta_pt0: Option<f64>,
}

/// An alpha- (or beta-) spending function.
// The user-defined spending is held inline (about 340 bytes) so that the kinds stay `Copy`;
// they are copied when designs are set up, never per replicate.
#[allow(clippy::large_enum_variant)]
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
    /// User-defined cumulative spending, piecewise linear between the planned looks (rpact's
    /// `asUser` / `bsUser`; see [`UserSpending`]).
    User(UserSpending),
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
        match self {
            SpendingFunction::LanDeMetsObf => {
                let q = -normal::quantile(alpha / 2.0);
                2.0 * normal::sf(q / t.sqrt())
            }
            SpendingFunction::LanDeMetsPocock => {
                alpha * (1.0 + (std::f64::consts::E - 1.0) * t).ln()
            }
            &SpendingFunction::HwangShihDeCani { gamma } => {
                if gamma.abs() < 1e-10 {
                    alpha * t
                } else {
                    // expm1 keeps the precision for small |gamma|.
                    alpha * (-gamma * t).exp_m1() / (-gamma).exp_m1()
                }
            }
            SpendingFunction::KimDeMets { rho } => alpha * t.powf(*rho),
            SpendingFunction::User(u) => u.at(alpha, t),
        }
    }

    /// rpact's type code: `asOF`, `asP`, `asHSD`, `asKD`, `asUser`.
    pub fn code(&self) -> &'static str {
        match self {
            SpendingFunction::LanDeMetsObf => "asOF",
            SpendingFunction::LanDeMetsPocock => "asP",
            SpendingFunction::HwangShihDeCani { .. } => "asHSD",
            SpendingFunction::KimDeMets { .. } => "asKD",
            SpendingFunction::User(_) => "asUser",
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
            SpendingFunction::User(u) => format!(
                "user-defined cumulative spending {} (asUser)",
                u.values()
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
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
        let params = KindParams {
            gamma,
            rho,
            ..KindParams::default()
        };
        Self::parse_params(option, name, &params)
    }

    /// As [`SpendingFunction::parse`], with every parameter; `bsUser` (or `asUser`) takes the
    /// cumulative values from `params.user`.
    pub fn parse_params(option: &str, name: &str, params: &KindParams) -> Result<SpendingFunction> {
        let lower = name.trim().to_ascii_lowercase();
        let params = if lower == "bsuser" {
            &KindParams {
                user: params.user.clone(),
                ..KindParams::default()
            }
        } else {
            params
        };
        let name = if lower == "bsuser" { "asUser" } else { name };
        match DesignKind::parse_with(option, name, params, SPENDING_NAMES)? {
            DesignKind::Spending(f) => Ok(f),
            _ => Err(Error::usage(
                option,
                name,
                format!("a spending function: {SPENDING_NAMES}"),
            )),
        }
    }
}

/// The efficacy design: a spending function, or a Wang and Tsiatis (1987) boundary of fixed
/// shape b_k = c t_k^(delta - 1/2) with c solved so that the total one-sided alpha is exact
/// (delta = 0 is O'Brien and Fleming 1979, delta = 1/2 is Pocock 1977), or one of rpact's
/// further kinds (Haybittle-Peto, no early efficacy, optimal Wang-Tsiatis).
// The user-defined spending is held inline (about 340 bytes) so that the kinds stay `Copy`;
// they are copied when designs are set up, never per replicate.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DesignKind {
    /// Bounds from the spending function at the information fractions.
    Spending(SpendingFunction),
    /// Wang-Tsiatis shape; `delta` in [-0.5, 1].
    WangTsiatis {
        /// The shape parameter Delta.
        delta: f64,
    },
    /// Haybittle (1971) and Peto et al. (1976): b_k = `bound` at every interim look, and the final
    /// bound b_K solved so that the total one-sided level is exactly alpha,
    /// P_0(Z_K >= b_K, no earlier crossing) = alpha - P_0(cross at an interim) (rpact's `HP`
    /// with `constantBoundsHP`, 3 by default; binding futility bounds enter the H0 recursion).
    HaybittlePeto {
        /// The constant interim bound, > 0.
        bound: f64,
    },
    /// No early efficacy stop (rpact's `noEarlyEfficacy`): b_k = +inf at the interims (only
    /// futility stops early), the final bound spends the whole alpha: z_{1-alpha} without
    /// binding futility, else solved with the binding futility bounds in the H0 recursion.
    NoEarlyEfficacy,
    /// The Wang-Tsiatis shape of optimal Delta (rpact's `WToptimum`): the Delta minimising the
    /// criterion (see [`OptimizationCriterion`]) at the design's power; resolved to a
    /// [`DesignKind::WangTsiatis`] when the design is computed
    /// ([`super::GroupSequentialDesign::new`]).
    WangTsiatisOptimum {
        /// What is minimised.
        criterion: OptimizationCriterion,
    },
    /// Pampallona and Tsiatis (1994) (rpact's `PT`): efficacy bounds b_k = c1 (K t_k)^(Delta1 -
    /// 1/2) and futility bounds a_k = sqrt(t_k) theta - c2 (K t_k)^(Delta0 - 1/2), with the
    /// drift theta = c1 K^(Delta1 - 1/2) + c2 K^(Delta0 - 1/2) (so that a_K = b_K), c1 and c2
    /// solved so that the level is alpha and the power 1 - beta (see
    /// [`super::pampallona_tsiatis`]). The futility bounds are part of the design.
    PampallonaTsiatis {
        /// Shape of the efficacy bounds (rpact's `deltaPT1`), in [-0.5, 1].
        delta1: f64,
        /// Shape of the futility bounds (rpact's `deltaPT0`), in [-0.5, 1].
        delta0: f64,
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
        let params = KindParams {
            gamma,
            rho,
            delta,
            ..KindParams::default()
        };
        Self::parse_with("--spending", name, &params, DESIGN_NAMES)
    }

    /// As [`DesignKind::parse`], with every parameter (see [`KindParams`]); `option` names the
    /// option or key in errors.
    pub fn parse_params(option: &str, name: &str, params: &KindParams) -> Result<DesignKind> {
        Self::parse_with(option, name, params, DESIGN_NAMES)
    }

    fn parse_with(
        option: &str,
        name: &str,
        params: &KindParams,
        allowed: &str,
    ) -> Result<DesignKind> {
        let (gamma, rho, delta) = (params.gamma, params.rho, params.delta);
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
            "asuser" | "user" => {
                let values = params.user.as_deref().ok_or_else(|| {
                    Error::usage(
                        option,
                        name,
                        "`asUser` needs the cumulative spending at each look (--user-alpha / user_alpha, --user-beta / user_beta)",
                    )
                })?;
                no_param(DesignKind::Spending(SpendingFunction::User(
                    UserSpending::new(values),
                )))
            }
            "hp" | "haybittle-peto" => {
                let b = params.hp_bound.unwrap_or(3.0);
                if !(b.is_finite() && b > 0.0 && b <= super::integration::BOUND_CAP) {
                    return Err(Error::usage(
                        "--hp-bound",
                        b,
                        "a Haybittle-Peto interim bound in (0, 8]",
                    ));
                }
                no_param(DesignKind::HaybittlePeto { bound: b })
            }
            "noearlyefficacy" | "noearly" => no_param(DesignKind::NoEarlyEfficacy),
            "pt" | "pampallona-tsiatis" => {
                let shape = |what: &str, flag: &str, v: Option<f64>| -> Result<f64> {
                    let v = v.ok_or_else(|| {
                        Error::usage(
                            option,
                            name,
                            format!("`PT` needs {what} (--delta-pt1 / delta_pt1 and --delta-pt0 / delta_pt0)"),
                        )
                    })?;
                    if !(v.is_finite() && (-0.5..=1.0).contains(&v)) {
                        return Err(Error::usage(
                            flag,
                            v,
                            format!("a Pampallona-Tsiatis Delta ({what}) in [-0.5, 1]"),
                        ));
                    }
                    Ok(v)
                };
                let delta1 = shape("deltaPT1", "--delta-pt1", params.delta_pt1)?;
                let delta0 = shape("deltaPT0", "--delta-pt0", params.delta_pt0)?;
                no_param(DesignKind::PampallonaTsiatis { delta1, delta0 })
            }
            "wtoptimum" => {
                let criterion = match &params.optimize {
                    Some(c) => OptimizationCriterion::parse("--optimize", c)?,
                    None => OptimizationCriterion::AsnH1,
                };
                no_param(DesignKind::WangTsiatisOptimum { criterion })
            }
            _ => Err(bad()),
        }
    }

    /// rpact's type code (`OF`, `P`, `WT`, `asOF`, `asP`, `asHSD`, `asKD`, `asUser`, `HP`,
    /// `noEarlyEfficacy`, `WToptimum`, `PT`).
    pub fn code(&self) -> &'static str {
        match self {
            DesignKind::PampallonaTsiatis { .. } => "PT",
            DesignKind::HaybittlePeto { .. } => "HP",
            DesignKind::NoEarlyEfficacy => "noEarlyEfficacy",
            DesignKind::WangTsiatisOptimum { .. } => "WToptimum",
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
            DesignKind::HaybittlePeto { bound } => {
                format!("Haybittle-Peto, interim bound {bound} (HP)")
            }
            DesignKind::NoEarlyEfficacy => "no early efficacy stop (noEarlyEfficacy)".into(),
            DesignKind::WangTsiatisOptimum { criterion } => format!(
                "Wang-Tsiatis of optimal delta, criterion {} (WToptimum)",
                criterion.code()
            ),
            DesignKind::PampallonaTsiatis { delta1, delta0 } => {
                format!("Pampallona-Tsiatis, deltaPT1 = {delta1}, deltaPT0 = {delta0} (PT)")
            }
        }
    }
}
