//! The `boundaries` command's report: options in, a serialisable report out, rendered as an
//! aligned text table or Markdown.

use super::boundaries::{DesignSpec, Futility, GroupSequentialDesign};
use super::integration::DEFAULT_GRID_R;
use super::scale::{hr_from_z, z_from_hr};
use super::spending::{DesignKind, KindParams, SPENDING_NAMES, SpendingFunction};
use crate::{Error, Result};

/// What the `boundaries` command was asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryOptions {
    /// Number of looks K (1 to 20).
    pub looks: usize,
    /// Information fractions; equally spaced k / K when absent.
    pub timing: Option<Vec<f64>>,
    /// Design name (see [`super::spending::DESIGN_NAMES`]).
    pub spending: String,
    /// Hwang-Shih-DeCani gamma, when not in the name.
    pub gamma: Option<f64>,
    /// Kim-DeMets rho, when not in the name.
    pub rho: Option<f64>,
    /// Wang-Tsiatis delta, when not in the name.
    pub delta: Option<f64>,
    /// One-sided alpha.
    pub alpha: f64,
    /// Power for the drift, inflation factor, H1 exit probabilities and beta spending.
    pub power: Option<f64>,
    /// Futility rule: `none`; `z:V[,V..]` (one threshold, or one per interim); `hr:V[,V..]`
    /// (hazard-ratio thresholds, need `events`); or a beta-spending function name
    /// (`asOF`, `asP`, `hsd:G`, `kd:RHO`, optionally prefixed `beta:`).
    pub futility: Option<String>,
    /// Binding futility.
    pub binding: bool,
    /// Planned events at the final look, for the hazard ratios at the bounds.
    pub events: Option<f64>,
    /// Allocation r (treatment : control = r : 1).
    pub allocation: f64,
    /// `asUser`: the cumulative alpha spent by each look (the last equal to alpha).
    pub user_alpha: Option<Vec<f64>>,
    /// `bsUser` futility: the cumulative beta spent by each look (the last equal to 1 - power).
    pub user_beta: Option<Vec<f64>>,
    /// `HP`: the constant interim bound (3 when absent).
    pub hp_bound: Option<f64>,
    /// `WToptimum`: the criterion, ASNH1 (default), ASNIFH1 or ASNsum.
    pub optimize: Option<String>,
    /// 1 (one-sided) or 2 (symmetric two-sided; `alpha` is then the two-sided level).
    pub sided: u8,
    /// Two-sided beta spending: rpact's `betaAdjustment` (true when absent).
    pub beta_adjustment: Option<bool>,
    /// An asymmetric two-sided design: the spending function of a lower bound spent under H0
    /// (`asOF`, `asP`, `hsd:G`, `kd:RHO`; gsDesign's `sfl` with test.type 5 when `binding`,
    /// 6 otherwise).
    pub lower_spending: Option<String>,
    /// Its total probability under H0 (gsDesign's `astar`; 1 - alpha when absent).
    pub lower_alpha: Option<f64>,
    /// `PT`: the shape of the efficacy bounds (rpact's `deltaPT1`).
    pub delta_pt1: Option<f64>,
    /// `PT`: the shape of the futility bounds (rpact's `deltaPT0`).
    pub delta_pt0: Option<f64>,
}

impl Default for BoundaryOptions {
    fn default() -> Self {
        BoundaryOptions {
            looks: 3,
            timing: None,
            spending: "asOF".into(),
            gamma: None,
            rho: None,
            delta: None,
            alpha: 0.025,
            power: None,
            futility: None,
            binding: false,
            events: None,
            allocation: 1.0,
            user_alpha: None,
            user_beta: None,
            hp_bound: None,
            optimize: None,
            sided: 1,
            beta_adjustment: None,
            lower_spending: None,
            lower_alpha: None,
            delta_pt1: None,
            delta_pt0: None,
        }
    }
}

/// The report of the `boundaries` command (JSON field names are part of the interface).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BoundaryReport {
    /// Number of looks.
    pub looks: usize,
    /// Information fractions.
    pub timing: Vec<f64>,
    /// Efficacy bounds (z).
    pub z: Vec<f64>,
    /// Nominal one-sided p-values of the efficacy bounds.
    pub nominal_p: Vec<f64>,
    /// Cumulative alpha spent (under H0, futility counted only when binding).
    pub alpha_spent: Vec<f64>,
    /// The design, described.
    pub spending: String,
    /// rpact's type code of the design.
    pub spending_code: String,
    /// One-sided alpha.
    pub alpha: f64,
    /// The Wang-Tsiatis Delta chosen by a `WToptimum` design (rpact's `deltaWT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_wt: Option<f64>,
    /// The criterion a `WToptimum` design minimises (ASNH1, ASNIFH1 or ASNsum).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimization_criterion: Option<String>,
    /// The Wang-Tsiatis constant c (b_k = c t_k^(delta - 1/2)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wt_constant: Option<f64>,
    /// Pampallona-Tsiatis: the efficacy constant c1 (b_k = c1 (K t_k)^(deltaPT1 - 1/2)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pt_c1: Option<f64>,
    /// Pampallona-Tsiatis: the futility constant c2 (a_k = sqrt(t_k) drift - c2 (K
    /// t_k)^(deltaPT0 - 1/2)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pt_c2: Option<f64>,
    /// The futility rule, described.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub futility: Option<String>,
    /// Whether futility binds.
    pub binding: bool,
    /// Futility bounds (z); the last equals the last efficacy bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub futility_z: Option<Vec<f64>>,
    /// Target power.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<f64>,
    /// Drift (mean of Z at t = 1) giving the power.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drift: Option<f64>,
    /// Maximum information over the fixed design's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inflation_factor: Option<f64>,
    /// P(stop for efficacy at look k) under H0 (futility bounds applied).
    pub efficacy_prob_h0: Vec<f64>,
    /// P(stop for efficacy at look k) under H1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub efficacy_prob_h1: Option<Vec<f64>>,
    /// P(stop for futility at look k) under H0 (last: not rejecting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub futility_prob_h0: Option<Vec<f64>>,
    /// P(stop for futility at look k) under H1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub futility_prob_h1: Option<Vec<f64>>,
    /// Expected information fraction at stopping under H0.
    pub expected_information_h0: f64,
    /// Expected information fraction at stopping under H1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_information_h1: Option<f64>,
    /// Planned events at the final look.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<f64>,
    /// Allocation r : 1.
    pub allocation: f64,
    /// Hazard ratio at each efficacy bound, with events t_k * events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hr_at_bound: Option<Vec<f64>>,
    /// Hazard ratio at each futility bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hr_at_futility: Option<Vec<f64>>,
    /// Two-sided designs only (absent for one-sided): 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sided: Option<u8>,
    /// Two-sided beta spending: whether the beta spending was adjusted (rpact's
    /// `betaAdjustment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta_adjustment: Option<bool>,
    /// Two-sided: the lower bounds -b_k (stop for harm when Z_k <= -b_k).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_z: Option<Vec<f64>>,
    /// Two-sided: the nominal two-sided p-values of the bounds, 2 (1 - Phi(b_k)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nominal_p_two_sided: Option<Vec<f64>>,
    /// Two-sided: cumulative alpha spent by the upper bounds under H0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_spent_upper: Option<Vec<f64>>,
    /// Two-sided: cumulative alpha spent by the lower bounds under H0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha_spent_lower: Option<Vec<f64>>,
    /// Two-sided: P(stop at look k for Z_k <= -b_k) under H0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_prob_h0: Option<Vec<f64>>,
    /// Two-sided, with `power`: the same under the drift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_prob_h1: Option<Vec<f64>>,
    /// Asymmetric designs: the lower bound's spending function, described.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_spending: Option<String>,
    /// Asymmetric designs: its type code (asOF, asP, asHSD, asKD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_spending_code: Option<String>,
    /// Asymmetric designs: the lower bound's total probability under H0 (gsDesign's astar).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_alpha: Option<f64>,
    /// Asymmetric designs: nominal lower-tail p-values of the lower bounds, Phi(a_k).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_nominal_p: Option<Vec<f64>>,
    /// Asymmetric designs with `events`: the hazard ratio at each lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hr_at_lower: Option<Vec<f64>>,
}

/// Parses the futility option into a rule and its description.
fn parse_futility(opts: &BoundaryOptions, timing: &[f64]) -> Result<(Futility, Option<String>)> {
    let allowed = format!(
        "none; z:V[,V..]; hr:V[,V..] (needs --events); or a beta-spending function (bsOF, bsP, bsKD, bsHSD for the as names): {SPENDING_NAMES}"
    );
    let Some(text) = opts.futility.as_deref() else {
        return Ok((Futility::None, None));
    };
    let lower = text.trim().to_ascii_lowercase();
    if lower.is_empty() || lower == "none" {
        return Ok((Futility::None, None));
    }
    let numbers = |list: &str| -> Result<Vec<f64>> {
        list.split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| Error::usage("--futility", text, &allowed))
            })
            .collect()
    };
    let interims = timing.len().saturating_sub(1);
    let per_interim = |v: Vec<f64>| -> Result<Vec<f64>> {
        match v.len() {
            1 => Ok(vec![v[0]; interims]),
            n if n == interims => Ok(v),
            n => Err(Error::usage(
                "--futility",
                text,
                format!("one threshold or one per interim look ({interims}), got {n}"),
            )),
        }
    };
    if let Some(list) = lower.strip_prefix("z:") {
        let z = per_interim(numbers(list)?)?;
        return Ok((Futility::Z(z), Some(format!("z thresholds {text}"))));
    }
    if let Some(list) = lower.strip_prefix("hr:") {
        let events = opts.events.ok_or_else(|| {
            Error::usage(
                "--futility",
                text,
                "a hazard-ratio threshold needs --events",
            )
        })?;
        let hr = per_interim(numbers(list)?)?;
        if hr.iter().any(|&h| h <= 0.0) {
            return Err(Error::usage("--futility", text, "hazard ratios > 0"));
        }
        let z = hr
            .iter()
            .zip(timing)
            .map(|(&h, &t)| z_from_hr(h, events * t, opts.allocation))
            .collect();
        return Ok((
            Futility::Z(z),
            Some(format!("hazard-ratio thresholds {text}")),
        ));
    }
    let name = lower.strip_prefix("beta:").unwrap_or(&lower);
    // rpact's beta-spending names bsOF, bsP, bsKD, bsHSD stand for the spending functions
    let renamed = match name.strip_prefix("bs") {
        Some(rest) if rest != "user" => format!("as{rest}"),
        _ => name.to_string(),
    };
    let name = renamed.as_str();
    let is_user = matches!(name, "bsuser" | "asuser" | "user");
    if is_user && opts.user_beta.is_none() {
        return Err(Error::usage(
            "--futility",
            text,
            "bsUser needs --user-beta B1,...,BK (cumulative beta by each look, the last 1 - power)",
        ));
    }
    let params = KindParams {
        user: opts.user_beta.clone(),
        ..KindParams::default()
    };
    let f = SpendingFunction::parse_params("--futility", name, &params)
        .map_err(|_| Error::usage("--futility", text, &allowed))?;
    Ok((
        Futility::BetaSpending(f),
        Some(format!("beta spending, {}", f.describe())),
    ))
}

/// Computes the `boundaries` command's report.
pub fn boundaries_report(opts: &BoundaryOptions) -> Result<BoundaryReport> {
    if !(1..=20).contains(&opts.looks) {
        return Err(Error::usage("--looks", opts.looks, "1 to 20"));
    }
    let timing = match &opts.timing {
        Some(t) => {
            if t.len() != opts.looks {
                return Err(Error::usage(
                    "--timing",
                    format!("{} fractions", t.len()),
                    format!("one per look ({})", opts.looks),
                ));
            }
            t.clone()
        }
        None => (1..=opts.looks)
            .map(|k| k as f64 / opts.looks as f64)
            .collect(),
    };
    if !(opts.allocation.is_finite() && opts.allocation > 0.0) {
        return Err(Error::usage("--allocation", opts.allocation, "a ratio > 0"));
    }
    if let Some(e) = opts.events
        && !(e.is_finite() && e > 0.0)
    {
        return Err(Error::usage("--events", e, "a number of events > 0"));
    }
    let params = KindParams {
        gamma: opts.gamma,
        rho: opts.rho,
        delta: opts.delta,
        user: opts.user_alpha.clone(),
        hp_bound: opts.hp_bound,
        optimize: opts.optimize.clone(),
        delta_pt1: opts.delta_pt1,
        delta_pt0: opts.delta_pt0,
    };
    let lower = opts.spending.trim().to_ascii_lowercase();
    if matches!(lower.as_str(), "asuser" | "user") && opts.user_alpha.is_none() {
        return Err(Error::usage(
            "--spending",
            &opts.spending,
            "asUser needs --user-alpha A1,...,AK (cumulative alpha by each look, the last equal to alpha)",
        ));
    }
    let kind = DesignKind::parse_params("--spending", &opts.spending, &params)?;
    // A parameter the design does not use is a mistake (a spending name mistyped, or the
    // parameter meant for another design), never silently ignored.
    let unused = |option: &str, value: Option<f64>, used: bool, needs: &str| -> Result<()> {
        match value {
            Some(v) if !used => Err(Error::usage(
                option,
                v,
                format!("only with {needs} (this design is {})", kind.describe()),
            )),
            _ => Ok(()),
        }
    };
    unused(
        "--gamma",
        opts.gamma,
        matches!(
            kind,
            DesignKind::Spending(SpendingFunction::HwangShihDeCani { .. })
        ),
        "--spending asHSD",
    )?;
    unused(
        "--rho",
        opts.rho,
        matches!(
            kind,
            DesignKind::Spending(SpendingFunction::KimDeMets { .. })
        ),
        "--spending asKD",
    )?;
    unused(
        "--delta",
        opts.delta,
        matches!(kind, DesignKind::WangTsiatis { .. }),
        "--spending WT",
    )?;
    let list = |v: &Option<Vec<f64>>| {
        v.as_ref().map(|v| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    let unused_text = |option: &str, value: Option<String>, used: bool, needs: &str| match value {
        Some(v) if !used => Err(Error::usage(
            option,
            v,
            format!("only with {needs} (this design is {})", kind.describe()),
        )),
        _ => Ok(()),
    };
    unused_text(
        "--user-alpha",
        list(&opts.user_alpha),
        matches!(kind, DesignKind::Spending(SpendingFunction::User(_))),
        "--spending asUser",
    )?;
    unused_text(
        "--hp-bound",
        opts.hp_bound.map(|v| v.to_string()),
        matches!(kind, DesignKind::HaybittlePeto { .. }),
        "--spending HP",
    )?;
    unused_text(
        "--optimize",
        opts.optimize.clone(),
        matches!(kind, DesignKind::WangTsiatisOptimum { .. }),
        "--spending WToptimum",
    )?;
    let is_pt = matches!(kind, DesignKind::PampallonaTsiatis { .. });
    unused("--delta-pt1", opts.delta_pt1, is_pt, "--spending PT")?;
    unused("--delta-pt0", opts.delta_pt0, is_pt, "--spending PT")?;
    let (futility, futility_text) = parse_futility(opts, &timing)?;
    if is_pt && !matches!(futility, Futility::None) {
        return Err(Error::usage(
            "--futility",
            opts.futility.as_deref().unwrap_or_default(),
            "none with --spending PT (a Pampallona-Tsiatis design has its own futility bounds, shaped by --delta-pt0)",
        ));
    }
    let futility_text = match kind {
        DesignKind::PampallonaTsiatis { delta0, .. } => Some(format!(
            "Pampallona-Tsiatis, deltaPT0 = {delta0} (futility bounds solved with the power)"
        )),
        _ => futility_text,
    };
    if let Some(v) = list(&opts.user_beta)
        && !matches!(futility, Futility::BetaSpending(SpendingFunction::User(_)))
    {
        return Err(Error::usage(
            "--user-beta",
            v,
            "only with --futility bsUser",
        ));
    }
    let lower_spending = parse_lower(opts)?;
    if opts.binding && matches!(futility, Futility::None) && lower_spending.is_none() && !is_pt {
        return Err(Error::usage(
            "--binding",
            "true",
            "only with a futility rule (--futility z:..., hr:... or a beta-spending name), --spending PT or a lower bound (--lower-spending)",
        ));
    }
    if let Some(adjust) = opts.beta_adjustment
        && !(opts.sided == 2 && matches!(futility, Futility::BetaSpending(_)))
    {
        return Err(Error::usage(
            "--beta-adjustment",
            adjust,
            "only with --sided 2 and a beta-spending --futility (rpact adjusts two-sided beta spending only)",
        ));
    }
    let final_t = timing.last().copied().unwrap_or(1.0);
    if final_t < 1.0 && timing.len() > 1 {
        let spending_kind = matches!(kind, DesignKind::Spending(_) | DesignKind::NoEarlyEfficacy);
        if !spending_kind || matches!(futility, Futility::BetaSpending(_)) {
            return Err(Error::usage(
                "--timing",
                final_t,
                "a last fraction of 1 for this design (as rpact, a final fraction below 1 is for alpha-spending designs without beta spending: asOF, asP, asKD, asHSD, asUser, noEarlyEfficacy)",
            ));
        }
    }
    let spec = DesignSpec {
        kind,
        alpha: opts.alpha,
        futility,
        binding: opts.binding,
        power: opts.power,
        grid_r: DEFAULT_GRID_R,
        sided: opts.sided,
        beta_adjustment: opts.beta_adjustment.unwrap_or(true),
        final_spends_f: true,
        lower: lower_spending,
    };
    let design = GroupSequentialDesign::new(spec, timing)?;
    let has_futility = design.futility().is_some();
    let two = design.sided() == 2;
    let asym = design.lower_bounds().is_some();
    let cumulative = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .scan(0.0, |acc, &x| {
                *acc += x;
                Some(*acc)
            })
            .collect()
    };
    let h0 = design.exit_probabilities(0.0);
    let h1 = design.drift().map(|d| design.exit_probabilities(d));
    let hr = |z: &[f64]| -> Option<Vec<f64>> {
        opts.events.map(|e| {
            z.iter()
                .zip(design.timing())
                .map(|(&z, &t)| hr_from_z(z, e * t, opts.allocation))
                .collect()
        })
    };
    Ok(BoundaryReport {
        looks: design.looks(),
        timing: design.timing().to_vec(),
        z: design.efficacy().to_vec(),
        nominal_p: design.nominal_p(),
        alpha_spent: design.alpha_spent().to_vec(),
        spending: design.describe(),
        spending_code: kind.code().to_string(),
        alpha: opts.alpha,
        delta_wt: design.optimal_delta(),
        optimization_criterion: match kind {
            DesignKind::WangTsiatisOptimum { criterion } => Some(criterion.code().to_string()),
            _ => None,
        },
        wt_constant: design.wt_constant(),
        pt_c1: design.pt_constants().map(|pt| pt.c1),
        pt_c2: design.pt_constants().map(|pt| pt.c2),
        futility: futility_text,
        binding: opts.binding,
        futility_z: design.futility().map(|a| a.to_vec()),
        power: design.spec().power,
        drift: design.drift(),
        inflation_factor: design.inflation_factor(),
        efficacy_prob_h0: h0.efficacy.clone(),
        efficacy_prob_h1: h1.as_ref().map(|h| h.efficacy.clone()),
        futility_prob_h0: has_futility.then(|| h0.futility.clone()),
        futility_prob_h1: h1
            .as_ref()
            .filter(|_| has_futility)
            .map(|h| h.futility.clone()),
        expected_information_h0: h0.expected_information,
        expected_information_h1: h1.as_ref().map(|h| h.expected_information),
        events: opts.events,
        allocation: opts.allocation,
        hr_at_bound: hr(design.efficacy()),
        hr_at_futility: design.futility().and_then(hr),
        sided: two.then_some(2),
        beta_adjustment: (two && matches!(design.spec().futility, Futility::BetaSpending(_)))
            .then_some(design.spec().beta_adjustment),
        lower_z: design.lower(),
        nominal_p_two_sided: two.then(|| design.nominal_p().iter().map(|p| 2.0 * p).collect()),
        alpha_spent_upper: (two || asym).then(|| cumulative(&h0.efficacy)),
        alpha_spent_lower: (two || asym).then(|| cumulative(&h0.lower)),
        lower_prob_h0: (two || asym).then(|| h0.lower.clone()),
        lower_prob_h1: h1.as_ref().filter(|_| two || asym).map(|h| h.lower.clone()),
        lower_spending: lower_spending.map(|l| l.spending.describe()),
        lower_spending_code: lower_spending.map(|l| l.spending.code().to_string()),
        lower_alpha: lower_spending.map(|l| l.alpha),
        lower_nominal_p: design.lower_bounds().map(|l| {
            l.bounds
                .iter()
                .map(|&a| crate::stats::normal::cdf(a))
                .collect()
        }),
        hr_at_lower: design.lower_bounds().and_then(|l| hr(&l.bounds)),
    })
}

/// The lower bound of an asymmetric design (`--lower-spending`, `--lower-alpha`), or `None`.
fn parse_lower(opts: &BoundaryOptions) -> Result<Option<super::LowerSpending>> {
    let Some(name) = opts.lower_spending.as_deref() else {
        if let Some(a) = opts.lower_alpha {
            return Err(Error::usage(
                "--lower-alpha",
                a,
                "only with --lower-spending (the lower bound's spending function)",
            ));
        }
        return Ok(None);
    };
    let allowed = "a lower-bound spending function: asOF|ldobf, asP|ldpocock, hsd:GAMMA, kd:RHO (case-insensitive)";
    let spending = match SpendingFunction::parse("--lower-spending", name, None, None) {
        Ok(SpendingFunction::User(_)) | Err(_) => {
            return Err(Error::usage("--lower-spending", name, allowed));
        }
        Ok(f) => f,
    };
    let lower = super::LowerSpending {
        spending,
        alpha: opts.lower_alpha.unwrap_or(1.0 - opts.alpha),
    };
    lower.check("--lower-alpha", opts.alpha)?;
    Ok(Some(lower))
}

/// A probability with 6 decimals, or 3 significant digits in scientific notation below 1e-4.
fn fmt_p(p: f64) -> String {
    if p != 0.0 && p.abs() < 1e-4 {
        format!("{p:.3e}")
    } else {
        format!("{p:.6}")
    }
}

impl BoundaryReport {
    /// Column headers and cells of the per-look table.
    fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut head: Vec<String> = ["look", "info", "z efficacy", "nominal p", "cum. alpha"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let opt = |v: &Option<Vec<f64>>, name: &str, head: &mut Vec<String>| {
            if v.is_some() {
                head.push(name.to_string());
            }
        };
        opt(&self.lower_z, "z lower", &mut head);
        opt(&self.futility_z, "z futility", &mut head);
        opt(&self.hr_at_bound, "HR efficacy", &mut head);
        opt(&self.hr_at_futility, "HR futility", &mut head);
        opt(&self.hr_at_lower, "HR lower", &mut head);
        head.push("P(eff|H0)".into());
        opt(&self.lower_prob_h0, "P(low|H0)", &mut head);
        opt(&self.futility_prob_h0, "P(fut|H0)", &mut head);
        opt(&self.efficacy_prob_h1, "P(eff|H1)", &mut head);
        opt(&self.lower_prob_h1, "P(low|H1)", &mut head);
        opt(&self.futility_prob_h1, "P(fut|H1)", &mut head);
        let mut rows = Vec::new();
        for k in 0..self.looks {
            let mut row = vec![
                format!("{}", k + 1),
                format!("{:.4}", self.timing[k]),
                format!("{:.4}", self.z[k]),
                fmt_p(self.nominal_p[k]),
                fmt_p(self.alpha_spent[k]),
            ];
            let cell = |v: &Option<Vec<f64>>, digits: usize, row: &mut Vec<String>| {
                if let Some(v) = v {
                    row.push(format!("{:.*}", digits, v[k]));
                }
            };
            cell(&self.lower_z, 4, &mut row);
            cell(&self.futility_z, 4, &mut row);
            cell(&self.hr_at_bound, 4, &mut row);
            cell(&self.hr_at_futility, 4, &mut row);
            cell(&self.hr_at_lower, 4, &mut row);
            row.push(fmt_p(self.efficacy_prob_h0[k]));
            if let Some(v) = &self.lower_prob_h0 {
                row.push(fmt_p(v[k]));
            }
            cell(&self.futility_prob_h0, 4, &mut row);
            cell(&self.efficacy_prob_h1, 4, &mut row);
            if let Some(v) = &self.lower_prob_h1 {
                row.push(fmt_p(v[k]));
            }
            cell(&self.futility_prob_h1, 4, &mut row);
            rows.push(row);
        }
        (head, rows)
    }

    /// The lines above the table.
    fn preamble(&self) -> Vec<String> {
        let sides = if self.sided == Some(2) {
            "two-sided (symmetric, reject when |Z| >= bound)"
        } else if self.lower_spending.is_some() {
            "asymmetric two-sided, upper"
        } else {
            "one-sided"
        };
        let mut lines = vec![format!(
            "Group-sequential design: {}, {} looks, {sides} alpha {}",
            self.spending, self.looks, self.alpha
        )];
        if let Some(f) = &self.futility {
            let kind = if self.binding {
                "binding"
            } else {
                "non-binding"
            };
            lines.push(format!("Futility: {f} ({kind})"));
        }
        if let (Some(f), Some(a)) = (&self.lower_spending, self.lower_alpha) {
            let kind = if self.binding {
                "binding: the upper bounds assume the trial stops at it"
            } else {
                "non-binding: the upper bounds ignore it"
            };
            lines.push(format!(
                "Lower bound: {f}, total {a} under H0, stop when Z < lower ({kind})"
            ));
        }
        if let (Some(p), Some(d), Some(i)) = (self.power, self.drift, self.inflation_factor) {
            lines.push(format!(
                "Power {p}: drift {d:.4}, inflation factor {i:.4}; expected information H0 {:.4}, H1 {:.4}",
                self.expected_information_h0,
                self.expected_information_h1.unwrap_or(f64::NAN)
            ));
        } else {
            lines.push(format!(
                "Expected information under H0 {:.4}",
                self.expected_information_h0
            ));
        }
        if let Some(e) = self.events {
            lines.push(format!(
                "Hazard ratios at {e} final events, allocation {}:1",
                self.allocation
            ));
        }
        lines
    }

    /// An aligned plain-text table, as a trialist reads it.
    pub fn to_text(&self) -> String {
        let (head, rows) = self.table();
        let widths: Vec<usize> = (0..head.len())
            .map(|j| {
                rows.iter()
                    .map(|r| r[j].len())
                    .chain([head[j].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, &w)| format!("{c:>w$}"))
                .collect::<Vec<_>>()
                .join("  ")
        };
        let mut out = self.preamble().join("\n");
        out.push_str("\n\n");
        out.push_str(&line(&head));
        out.push('\n');
        for r in &rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }

    /// A Markdown table with the same content.
    pub fn to_markdown(&self) -> String {
        let (head, rows) = self.table();
        let mut out: String = self.preamble().iter().map(|l| format!("{l}  \n")).collect();
        out.push('\n');
        // a `|` inside a cell must be escaped
        let esc = |c: &String| c.replace('|', "\\|");
        let head: Vec<String> = head.iter().map(esc).collect();
        out.push_str(&format!("| {} |\n", head.join(" | ")));
        out.push_str(&format!("|{}\n", " ---: |".repeat(head.len())));
        for r in &rows {
            out.push_str(&format!("| {} |\n", r.join(" | ")));
        }
        out
    }
}
