//! One-sided group-sequential boundaries at given information fractions: efficacy bounds by
//! error spending (Lan and DeMets 1983) or of Wang-Tsiatis shape (Wang and Tsiatis 1987),
//! optional futility bounds (fixed z thresholds, or beta spending), the drift giving a target
//! power, and the exit probabilities (Jennison and Turnbull 2000, chapters 2, 7 and 19).
//!
//! Conventions (those of rpact 3.3.4): z > 0 favours treatment; efficacy is declared at look k
//! when Z_k >= b_k; futility stops when Z_k < a_k. The drift theta is the mean of Z at
//! fraction t = 1 (Z_k ~ N(theta sqrt t_k, 1)); for a fixed design with one-sided alpha and
//! power 1 - beta it is z_{1-alpha} + z_{1-beta}, so the inflation factor of the maximum
//! information is (theta / (z_{1-alpha} + z_{1-beta}))^2.

use super::asymmetric::{LowerBounds, LowerSpending};
use super::integration::{BOUND_CAP, DEFAULT_GRID_R, Stage};
use super::pampallona_tsiatis::PtConstants;
use super::spending::{DesignKind, OptimizationCriterion, SpendingFunction};
use crate::stats::normal;
use crate::stats::roots::solve_secant;
use crate::{Error, Result};

/// The futility rule.
// The user-defined spending is held inline (about 340 bytes) so that the kinds stay `Copy`;
// they are copied when designs are set up, never per replicate.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Futility {
    /// No futility stopping.
    None,
    /// Stop for futility at interim look k when Z_k < z_k (one value per interim look).
    Z(Vec<f64>),
    /// Beta spending: the futility bound a_k at each interim is set so that the probability under
    /// the alternative (drift theta) of stopping for futility by t_k is f(beta, t_k); the drift is
    /// solved so that a_K = b_K, which makes the power exactly 1 - beta (Pampallona, Tsiatis and
    /// Kim 2001; as rpact's `typeBetaSpending`).
    BetaSpending(SpendingFunction),
}

/// What defines a design, apart from the timing.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignSpec {
    /// The efficacy design.
    pub kind: DesignKind,
    /// One-sided significance level, in (0, 0.5).
    pub alpha: f64,
    /// The futility rule.
    pub futility: Futility,
    /// Whether the futility bounds bind (efficacy bounds then computed assuming the trial stops
    /// at them; non-binding, the default, ignores them when spending alpha).
    pub binding: bool,
    /// Target power for the drift and inflation factor (and beta spending), in (alpha, 1).
    pub power: Option<f64>,
    /// Jennison and Turnbull's grid parameter r (>= 8; 32 by default).
    pub grid_r: usize,
    /// 1 (one-sided, the default) or 2: a symmetric two-sided design (rpact's `sided = 2`,
    /// gsDesign's `test.type = 2`), rejecting when |Z_k| >= b_k, with `alpha` the two-sided
    /// level (see [`GroupSequentialDesign::new`]).
    pub sided: u8,
    /// Two-sided designs with beta spending: rescale the beta spending when the first looks get
    /// no futility bound (rpact's `betaAdjustment`, TRUE by default; see
    /// [`two_sided_beta_targets`]). Unused otherwise.
    pub beta_adjustment: bool,
    /// Spending kinds whose last fraction t_K is below 1: spend only f(alpha, t_K) at the last
    /// look (rpact's informationRates ending below 1; the `boundaries` command). False (the
    /// default, the engine's monitoring at observed fractions): the last look spends all the
    /// alpha left.
    pub final_spends_f: bool,
    /// An asymmetric two-sided design: a lower bound spent under H0 with its own spending
    /// function and total (gsDesign's test.type 5 when `binding`, 6 otherwise; see
    /// [`super::asymmetric`]). None (the default): no such bound.
    pub lower: Option<LowerSpending>,
}

impl DesignSpec {
    /// An efficacy-only design with the default grid.
    pub fn new(kind: DesignKind, alpha: f64) -> DesignSpec {
        DesignSpec {
            kind,
            alpha,
            futility: Futility::None,
            binding: false,
            power: None,
            grid_r: DEFAULT_GRID_R,
            sided: 1,
            beta_adjustment: true,
            final_spends_f: false,
            lower: None,
        }
    }
}

/// Exit probabilities per look under one drift.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExitProbabilities {
    /// The drift (mean of Z at t = 1).
    pub drift: f64,
    /// P(stop for efficacy at look k).
    pub efficacy: Vec<f64>,
    /// P(stop for futility at look k) (at the last look: Z_K < b_K); zeros without futility.
    pub futility: Vec<f64>,
    /// Sum of `efficacy`: the probability of rejecting H0.
    pub reject: f64,
    /// Expected information fraction at stopping, sum over k of t_k P(stop at k).
    pub expected_information: f64,
    /// Two-sided designs: P(stop at look k with Z_k <= -b_k), the lower (harm) crossing; empty
    /// for one-sided designs (and then not serialised).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lower: Vec<f64>,
}

/// A computed group-sequential design.
#[derive(Debug, Clone)]
pub struct GroupSequentialDesign {
    spec: DesignSpec,
    timing: Vec<f64>,
    efficacy: Vec<f64>,
    futility: Vec<f64>,
    alpha_spent: Vec<f64>,
    wt_constant: Option<f64>,
    /// The constants of a Pampallona-Tsiatis design.
    pt: Option<PtConstants>,
    drift: Option<f64>,
    /// The kind asked for (differs from `spec.kind` for `WToptimum`, resolved to its Delta).
    requested: DesignKind,
    /// Asymmetric designs (`spec.lower`): the lower bounds and what they spend.
    asymmetric: Option<LowerBounds>,
    /// Identity for the monitoring workspace's cache (a clone shares it: same bounds).
    id: u64,
}

/// Source of design identities (0 is never used, so an empty workspace owns nothing).
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Buffers of one run of the recursion (under H0 and H1).
#[derive(Debug, Clone, Default)]
pub(crate) struct Recursion {
    pub h0: Stage,
    pub h0n: Stage,
    pub h1: Stage,
    pub h1n: Stage,
    pub b: Vec<f64>,
    pub a: Vec<f64>,
    pub spent: Vec<f64>,
    /// Two-sided beta spending: the cumulative beta to spend by each look (after rpact's
    /// adjustment) and the looks without a futility bound.
    pub beta_cum: Vec<f64>,
    pub no_futility: Vec<bool>,
}

/// Checks that fractions are finite, strictly increasing and in (0, `max`].
pub(crate) fn check_timing(option: &str, timing: &[f64], max: f64) -> Result<()> {
    let shown = || {
        timing
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    if timing.is_empty() {
        return Err(Error::usage(
            option,
            "(none)",
            "at least one information fraction",
        ));
    }
    let mut prev = 0.0;
    for &t in timing {
        if !t.is_finite() || t <= prev || t > max {
            let range = if max.is_finite() {
                format!("(0, {max}]")
            } else {
                "(0, inf)".to_string()
            };
            return Err(Error::usage(
                option,
                shown(),
                format!("information fractions strictly increasing in {range}"),
            ));
        }
        prev = t;
    }
    Ok(())
}

/// One pass of the recursion over the looks.
///
/// Unless `fixed_b`, computes the efficacy bounds into `rec.b` under H0 (with the futility
/// bounds when binding) and the cumulative alpha into `rec.spent`; with `theta`, runs the
/// recursion under that drift too, computing beta-spending futility bounds, and returns the
/// power. The last look spends the remaining alpha (spending designs, or Wang-Tsiatis when
/// `wt_remainder`), and its futility bound is the efficacy bound. Returns (alpha, power).
pub(crate) fn pass(
    spec: &DesignSpec,
    timing: &[f64],
    wt_c: f64,
    theta: Option<f64>,
    fixed_b: bool,
    wt_remainder: bool,
    rec: &mut Recursion,
) -> (f64, f64) {
    let n = timing.len();
    let r = spec.grid_r;
    let need_h0 = !fixed_b;
    let need_h1 = theta.is_some();
    let th = theta.unwrap_or(0.0);
    let beta = spec.power.map_or(0.0, |p| 1.0 - p);
    let two = spec.sided == 2;
    // two-sided: the cumulative two-sided spending is 2 f(alpha / 2, t) (rpact's
    // getSpendingValueCpp with sided = 2: 4 (1 - Phi(z_{1-alpha/4} / sqrt t)) for asOF, and
    // f(alpha, t) = 2 f(alpha / 2, t) for the kinds linear in alpha); user values are two-sided.
    let spend = |f: &SpendingFunction, t: f64| -> f64 {
        match (two, f) {
            (false, _) | (true, SpendingFunction::User(_)) => f.cumulative(spec.alpha, t),
            (true, _) => 2.0 * f.cumulative(spec.alpha / 2.0, t),
        }
    };
    // P_0(cross b at this look): one side, or both (|Z| >= b) for two-sided designs
    let h0_cross = |st: &Stage, t: f64, b: f64| -> f64 {
        if two {
            st.upper(t, 0.0, b) + st.lower(t, 0.0, -b)
        } else {
            st.upper(t, 0.0, b)
        }
    };
    // the bound spending p at this look under H0 (two-sided: the H0 sub-density is symmetric
    // on the symmetric continuation region, so each side takes p / 2)
    let h0_solve = |st: &Stage, t: f64, p: f64| -> (f64, f64) {
        if two {
            let (b, _) = st.solve_upper(t, 0.0, 0.5 * p);
            (b, st.upper(t, 0.0, b) + st.lower(t, 0.0, -b))
        } else {
            st.solve_upper(t, 0.0, p)
        }
    };
    if need_h0 {
        rec.b.clear();
        rec.b.resize(n, BOUND_CAP);
        rec.spent.clear();
    }
    rec.a.clear();
    rec.a.resize(n, f64::NEG_INFINITY);
    rec.h0.reset();
    rec.h1.reset();
    let (mut cum0, mut power, mut t_prev) = (0.0, 0.0, 0.0);
    let two_beta = two && matches!(spec.futility, Futility::BetaSpending(_));
    let mut beta_spent = 0.0;
    for k in 0..n {
        let t = timing[k];
        let last = k + 1 == n;
        if need_h0 {
            let (bk, crossed) = match &spec.kind {
                DesignKind::Spending(f) => {
                    // a final look before t = 1 (rpact's informationRates ending below 1) spends
                    // f(alpha, t_K) only; at t = 1 the remainder alpha - spent
                    let target = if last && (t >= 1.0 || n == 1 || !spec.final_spends_f) {
                        spec.alpha - cum0
                    } else {
                        spend(f, t) - spend(f, t_prev)
                    };
                    h0_solve(&rec.h0, t, target)
                }
                &DesignKind::WangTsiatis { delta } => {
                    if last && wt_remainder {
                        h0_solve(&rec.h0, t, spec.alpha - cum0)
                    } else {
                        let b = (wt_c * t.powf(delta - 0.5)).min(BOUND_CAP);
                        (b, h0_cross(&rec.h0, t, b))
                    }
                }
                _ if last => rec.h0.solve_upper(t, 0.0, spec.alpha - cum0),
                &DesignKind::HaybittlePeto { bound } => (bound, rec.h0.upper(t, 0.0, bound)),
                // resolved before any pass; treated as no early stop should it ever get here
                DesignKind::NoEarlyEfficacy
                | DesignKind::WangTsiatisOptimum { .. }
                | DesignKind::PampallonaTsiatis { .. } => (f64::INFINITY, 0.0),
            };
            rec.b[k] = bk;
            cum0 += crossed;
            rec.spent.push(cum0);
        }
        let bk = rec.b[k];
        let ak = match &spec.futility {
            Futility::None => f64::NEG_INFINITY,
            _ if last => bk,
            Futility::Z(z) => z[k].min(bk),
            // two-sided: the inner interval (-a_k, a_k) spends beta_cum[k] by look k
            Futility::BetaSpending(_) if two => {
                if rec.no_futility.get(k).copied().unwrap_or(true) {
                    0.0
                } else {
                    let target = rec.beta_cum[k] - beta_spent;
                    rec.h1.solve_inner(t, th, target).min(bk)
                }
            }
            Futility::BetaSpending(f) => {
                let target = f.cumulative(beta, t) - f.cumulative(beta, t_prev);
                rec.h1.solve_lower(t, th, target).0.min(bk)
            }
        };
        rec.a[k] = ak;
        if need_h1 {
            power += rec.h1.upper(t, th, bk);
            if two_beta {
                // the drift is solved so that P(inner futility by K) = beta (rpact: a_K = b_K),
                // so the "power" of the solve counts both outer crossings
                power += rec.h1.lower(t, th, -bk);
                beta_spent += rec.h1.inner(t, th, ak);
            }
        }
        if two_beta && !last {
            // the continuation region (-b, -a) U (a, b); (-b, b) when there is no inner interval
            if need_h0 {
                if spec.binding && ak > 0.0 {
                    rec.h0.advance_split_into(&mut rec.h0n, t, 0.0, ak, bk, r);
                } else {
                    rec.h0.advance_into(&mut rec.h0n, t, 0.0, -bk, bk, r);
                }
                std::mem::swap(&mut rec.h0, &mut rec.h0n);
            }
            if need_h1 {
                if ak > 0.0 {
                    rec.h1.advance_split_into(&mut rec.h1n, t, th, ak, bk, r);
                } else {
                    rec.h1.advance_into(&mut rec.h1n, t, th, -bk, bk, r);
                }
                std::mem::swap(&mut rec.h1, &mut rec.h1n);
            }
        } else if !last {
            // two-sided: the trial stops at Z <= -b_k too
            let floor = if two { -bk } else { f64::NEG_INFINITY };
            if need_h0 {
                let lo = if spec.binding { ak } else { floor };
                rec.h0.advance_into(&mut rec.h0n, t, 0.0, lo, bk, r);
                std::mem::swap(&mut rec.h0, &mut rec.h0n);
            }
            if need_h1 {
                rec.h1
                    .advance_into(&mut rec.h1n, t, th, ak.max(floor), bk, r);
                std::mem::swap(&mut rec.h1, &mut rec.h1n);
            }
        }
        t_prev = t;
    }
    (cum0, power)
}

impl GroupSequentialDesign {
    /// Computes the design at information fractions `timing` (strictly increasing in (0, 1]; the
    /// last look is the final analysis and spends all the alpha left).
    ///
    /// Wang-Tsiatis designs: b_k = c t_k^(delta - 1/2), c solved so that the total alpha is exact.
    /// Spending designs: b_k solved so that P_0(first crossing at k) = f(alpha, t_k) -
    /// f(alpha, t_{k-1}). With `power`, the drift is solved so that the power is exact.
    pub fn new(spec: DesignSpec, timing: Vec<f64>) -> Result<GroupSequentialDesign> {
        check_timing("--timing", &timing, 1.0)?;
        check_sided(&spec)?;
        if spec.sided == 2 && !(spec.alpha > 0.0 && spec.alpha < 1.0) {
            return Err(Error::usage(
                "--alpha",
                spec.alpha,
                "two-sided alpha in (0, 1) (with --sided 2)",
            ));
        }
        if spec.sided == 1 && !(spec.alpha > 0.0 && spec.alpha < 0.5) {
            return Err(Error::usage(
                "--alpha",
                spec.alpha,
                "one-sided alpha in (0, 0.5)",
            ));
        }
        let side_alpha = spec.alpha / f64::from(spec.sided);
        if let Some(p) = spec.power
            && !(p > side_alpha && p < 1.0)
        {
            return Err(Error::usage("--power", p, format!("in ({side_alpha}, 1)")));
        }
        if !(8..=1000).contains(&spec.grid_r) {
            return Err(Error::usage("grid r", spec.grid_r, "8 to 1000"));
        }
        let n = timing.len();
        let mut spec = spec;
        if let DesignKind::Spending(SpendingFunction::User(u)) = &spec.kind {
            spec.kind = DesignKind::Spending(SpendingFunction::User(u.at_timing(
                "--user-alpha",
                &timing,
                spec.alpha,
            )?));
        }
        if let Futility::BetaSpending(SpendingFunction::User(u)) = &spec.futility {
            let beta = spec.power.map_or(f64::NAN, |p| 1.0 - p);
            if spec.power.is_some() {
                spec.futility = Futility::BetaSpending(SpendingFunction::User(u.at_timing(
                    "--user-beta",
                    &timing,
                    beta,
                )?));
            }
        }
        if let Some(lower) = spec.lower {
            let has_futility = !matches!(spec.futility, Futility::None);
            super::asymmetric::check(
                &spec.kind,
                spec.sided,
                has_futility,
                &lower,
                spec.alpha,
                &timing,
            )?;
            let plan = super::asymmetric::Asymmetric {
                upper: super::asymmetric::upper_function(&spec.kind)?,
                alpha: spec.alpha,
                lower,
                binding: spec.binding,
                grid_r: spec.grid_r,
            };
            let solved = super::asymmetric::solve(&plan, &timing, spec.power)?;
            return Ok(GroupSequentialDesign {
                timing,
                efficacy: solved.upper,
                futility: Vec::new(),
                alpha_spent: solved.upper_spent,
                wt_constant: None,
                pt: None,
                drift: solved.drift,
                requested: spec.kind,
                asymmetric: Some(solved.lower),
                spec,
                id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            });
        }
        if let DesignKind::WangTsiatisOptimum { criterion } = spec.kind {
            return optimal_wang_tsiatis(spec, timing, criterion);
        }
        if let DesignKind::PampallonaTsiatis { delta1, delta0 } = spec.kind {
            return pampallona_tsiatis(spec, timing, delta1, delta0);
        }
        match &mut spec.futility {
            Futility::Z(z) => {
                if z.iter().any(|v| !v.is_finite()) {
                    return Err(Error::usage(
                        "--futility",
                        format!("{z:?}"),
                        "finite z values",
                    ));
                }
                if z.len() == 1 && n > 2 {
                    let v = z[0];
                    z.resize(n - 1, v);
                }
                if z.len() != n - 1 {
                    return Err(Error::usage(
                        "--futility",
                        format!("{} values", z.len()),
                        format!("one z threshold, or one per interim look ({})", n - 1),
                    ));
                }
            }
            Futility::BetaSpending(_) if spec.power.is_none() => {
                return Err(Error::usage(
                    "--futility",
                    "beta spending without --power",
                    "a target power (beta spending needs the alternative's drift)",
                ));
            }
            _ => {}
        }
        let mut rec = Recursion::default();
        let z_fixed = -normal::quantile(side_alpha);
        let solve_c = |spec: &DesignSpec, theta: Option<f64>, rec: &mut Recursion| -> Result<f64> {
            // -Phi^{-1}(alpha(c)) is nearly c shifted: the secant method converges in a few steps
            // (two-sided designs: alpha(c) / 2 against alpha / 2)
            let sides = f64::from(spec.sided);
            solve_secant(
                |c| {
                    z_fixed
                        + normal::quantile(
                            pass(spec, &timing, c, theta, false, false, rec).0 / sides,
                        )
                },
                z_fixed,
                z_fixed + 0.1,
                1e-11,
            )
            .ok_or_else(|| {
                Error::usage(
                    "--spending",
                    spec.kind.describe(),
                    "a design whose constant can be solved",
                )
            })
        };
        let beta_binding = matches!(spec.futility, Futility::BetaSpending(_)) && spec.binding;
        let two_beta = spec.sided == 2 && matches!(spec.futility, Futility::BetaSpending(_));
        if beta_binding {
            check_hp(&spec, &timing)?;
        }
        if two_beta && spec.binding {
            let a1 = one_sided_companion(&spec, &timing, None)?;
            two_sided_beta_targets(&spec, &timing, &a1, &mut rec);
        }
        let mut wt_c = None;
        let mut drift = None;
        // Unless beta spending binds (then the efficacy bounds depend on the drift), the
        // efficacy bounds come from H0 alone: solve them once (at the Wang-Tsiatis constant);
        // they stay fixed during any drift search below. Beta spending always has a power.
        if !beta_binding {
            if let DesignKind::WangTsiatis { .. } = spec.kind {
                wt_c = Some(solve_c(&spec, None, &mut rec)?);
            }
            check_hp(&spec, &timing)?;
            pass(
                &spec,
                &timing,
                wt_c.unwrap_or(0.0),
                None,
                false,
                false,
                &mut rec,
            );
            if two_beta {
                let a1 = one_sided_companion(&spec, &timing, Some(&rec.b))?;
                two_sided_beta_targets(&spec, &timing, &a1, &mut rec);
            }
        }
        if let Some(power) = spec.power {
            let theta0 = z_fixed - normal::quantile(1.0 - power);
            let c = wt_c.unwrap_or(0.0);
            // Phi^{-1}(power(theta)) is nearly linear in theta (exactly, slope 1, for one look)
            let z_power = normal::quantile(power);
            let found = solve_secant(
                |theta| {
                    if beta_binding {
                        let cc = match spec.kind {
                            DesignKind::WangTsiatis { .. } => {
                                solve_c(&spec, Some(theta), &mut rec).unwrap_or(f64::NAN)
                            }
                            _ => 0.0,
                        };
                        normal::quantile(
                            pass(&spec, &timing, cc, Some(theta), false, false, &mut rec).1,
                        ) - z_power
                    } else {
                        normal::quantile(
                            pass(&spec, &timing, c, Some(theta), true, false, &mut rec).1,
                        ) - z_power
                    }
                },
                theta0 * 1.01,
                theta0 * 1.06,
                1e-10,
            )
            .ok_or_else(|| Error::usage("--power", power, "a power the design can reach"))?;
            drift = Some(found);

            // final pass at the solution to leave consistent bounds in `rec`
            if beta_binding {
                if let DesignKind::WangTsiatis { .. } = spec.kind {
                    wt_c = Some(solve_c(&spec, Some(found), &mut rec)?);
                }
                pass(
                    &spec,
                    &timing,
                    wt_c.unwrap_or(0.0),
                    Some(found),
                    false,
                    false,
                    &mut rec,
                );
            } else {
                pass(&spec, &timing, c, Some(found), true, false, &mut rec);
            }
        }
        Ok(GroupSequentialDesign {
            timing,
            efficacy: rec.b,
            futility: rec.a,
            alpha_spent: rec.spent,
            wt_constant: wt_c,
            pt: None,
            drift,
            requested: spec.kind,
            asymmetric: None,
            spec,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }
    /// The design kind asked for: `spec().kind` except for `WToptimum`, whose `spec().kind` is
    /// the Wang-Tsiatis shape at the optimal Delta.
    pub fn requested_kind(&self) -> &DesignKind {
        &self.requested
    }
    /// The optimal Delta of a `WToptimum` design (rounded to 3 decimals, as rpact reports it).
    pub fn optimal_delta(&self) -> Option<f64> {
        match (&self.requested, &self.spec.kind) {
            (DesignKind::WangTsiatisOptimum { .. }, DesignKind::WangTsiatis { delta }) => {
                Some(*delta)
            }
            _ => None,
        }
    }
    /// The design described: the kind's description, and for `WToptimum` the Delta chosen.
    pub fn describe(&self) -> String {
        match self.optimal_delta() {
            Some(d) => format!("{}, delta = {d}", self.requested.describe()),
            None => self.requested.describe(),
        }
    }
    /// The specification.
    pub fn spec(&self) -> &DesignSpec {
        &self.spec
    }
    /// Number of looks K.
    pub fn looks(&self) -> usize {
        self.timing.len()
    }
    /// Information fractions t_1..t_K.
    pub fn timing(&self) -> &[f64] {
        &self.timing
    }
    /// Efficacy bounds b_1..b_K (z scale; reject when Z_k >= b_k).
    pub fn efficacy(&self) -> &[f64] {
        &self.efficacy
    }
    /// Futility bounds a_1..a_K (stop when Z_k < a_k; a_K = b_K), or `None` without futility.
    /// Two-sided designs stop for futility when |Z_k| < a_k (none at a look where a_k is 0).
    /// Pampallona-Tsiatis designs always have them.
    pub fn futility(&self) -> Option<&[f64]> {
        match (&self.spec.futility, &self.spec.kind) {
            (_, DesignKind::PampallonaTsiatis { .. }) => Some(&self.futility),
            (Futility::None, _) => None,
            _ => Some(&self.futility),
        }
    }
    /// The solved constants of a Pampallona-Tsiatis design.
    pub fn pt_constants(&self) -> Option<&PtConstants> {
        self.pt.as_ref()
    }
    /// Cumulative alpha spent by look k under H0, as used for the efficacy bounds (futility
    /// bounds counted only when binding). The last value is alpha.
    pub fn alpha_spent(&self) -> &[f64] {
        &self.alpha_spent
    }
    /// Nominal one-sided p-values of the efficacy bounds, 1 - Phi(b_k).
    pub fn nominal_p(&self) -> Vec<f64> {
        self.efficacy.iter().map(|&b| normal::sf(b)).collect()
    }
    /// The Wang-Tsiatis constant c, for those designs.
    pub fn wt_constant(&self) -> Option<f64> {
        self.wt_constant
    }
    /// The drift (mean of Z at t = 1) giving the target power, when a power was given.
    pub fn drift(&self) -> Option<f64> {
        self.drift
    }
    /// Inflation factor of the maximum information over the fixed design with the same alpha and
    /// power: (theta / (z_{1-alpha} + z_{power}))^2; two-sided designs use z_{1-alpha/2}, and
    /// their power is that of the upper crossing (rpact's `twoSidedPower = FALSE`).
    pub fn inflation_factor(&self) -> Option<f64> {
        let p = self.spec.power?;
        let side_alpha = self.spec.alpha / f64::from(self.spec.sided);
        let fixed = -normal::quantile(side_alpha) + normal::quantile(p);
        self.drift.map(|d| (d / fixed).powi(2))
    }

    /// Exit probabilities per look under drift `theta` (0 for H0), with the futility bounds
    /// applied whether binding or not (as the trial would run).
    pub fn exit_probabilities(&self, theta: f64) -> ExitProbabilities {
        if self.spec.sided == 2 && self.futility().is_some() {
            return exit_probabilities_two_sided(
                &self.timing,
                &self.futility,
                &self.efficacy,
                theta,
                self.spec.grid_r,
            );
        }
        if self.spec.sided == 2 || self.asymmetric.is_some() {
            // the lower bounds (-b_k, or an asymmetric design's) enter as "futility" bounds,
            // whose crossing is the lower exit
            let lower = self.lower().unwrap_or_default();
            let mut e = exit_probabilities(
                &self.timing,
                Some(&lower),
                &self.efficacy,
                theta,
                self.spec.grid_r,
            );
            e.lower = std::mem::replace(&mut e.futility, vec![0.0; lower.len()]);
            return e;
        }
        exit_probabilities(
            &self.timing,
            self.futility(),
            &self.efficacy,
            theta,
            self.spec.grid_r,
        )
    }

    /// 1 or 2 (see [`DesignSpec::sided`]).
    pub fn sided(&self) -> u8 {
        self.spec.sided
    }

    /// Two-sided designs: the lower bounds -b_1..-b_K (stop for harm when Z_k <= -b_k);
    /// asymmetric designs ([`DesignSpec::lower`]): their lower bounds a_1..a_K; `None` for
    /// one-sided designs.
    pub fn lower(&self) -> Option<Vec<f64>> {
        if let Some(a) = &self.asymmetric {
            return Some(a.bounds.clone());
        }
        (self.spec.sided == 2).then(|| self.efficacy.iter().map(|b| -b).collect())
    }

    /// Asymmetric designs: the lower bounds, their cumulative H0 crossing probabilities and
    /// the rescaling of their spending; `None` otherwise.
    pub fn lower_bounds(&self) -> Option<&LowerBounds> {
        self.asymmetric.as_ref()
    }

    /// Whether the trial also stops at a lower bound (harm): two-sided designs (symmetric,
    /// `sided = 2`, or asymmetric, [`DesignSpec::lower`]).
    pub fn has_lower_stop(&self) -> bool {
        self.spec.sided == 2 || self.asymmetric.is_some()
    }
}

/// The futility bounds a_1..a_{K-1} of the one-sided beta-spending design at level alpha / 2
/// that rpact 3.3.4 computes first for a two-sided design with beta spending
/// (getDesignGroupSequentialBetaSpendingTwoSidedCpp): the looks where it is negative get no
/// two-sided futility bound. Binding: the one-sided binding design at alpha / 2 (user alpha
/// halved). Non-binding (`efficacy` given): the two-sided efficacy bounds kept, the drift solved
/// so that the one-sided beta spending ends at them.
fn one_sided_companion(
    spec: &DesignSpec,
    timing: &[f64],
    efficacy: Option<&[f64]>,
) -> Result<Vec<f64>> {
    let n = timing.len();
    let mut one = spec.clone();
    one.sided = 1;
    one.alpha = spec.alpha / 2.0;
    if let DesignKind::Spending(SpendingFunction::User(u)) = &spec.kind {
        let half: Vec<f64> = u.values().iter().map(|v| v / 2.0).collect();
        one.kind = DesignKind::Spending(SpendingFunction::User(
            super::spending::UserSpending::new(&half).at_timing(
                "--user-alpha",
                timing,
                one.alpha,
            )?,
        ));
    }
    let a = match efficacy {
        None => GroupSequentialDesign::new(one, timing.to_vec())?
            .futility
            .clone(),
        Some(b) => {
            let power = spec.power.unwrap_or(0.8);
            let z_power = normal::quantile(power);
            let mut rec = Recursion {
                b: b.to_vec(),
                ..Recursion::default()
            };
            let theta0 = -normal::quantile(one.alpha) + z_power;
            let found = solve_secant(
                |theta| {
                    normal::quantile(pass(&one, timing, 0.0, Some(theta), true, false, &mut rec).1)
                        - z_power
                },
                theta0 * 1.01,
                theta0 * 1.06,
                1e-10,
            )
            .ok_or_else(|| Error::usage("--power", power, "a power the design can reach"))?;
            pass(&one, timing, 0.0, Some(found), true, false, &mut rec);
            rec.a
        }
    };
    Ok(a[..n.saturating_sub(1)].to_vec())
}

/// The cumulative beta to spend by each look of a two-sided design with beta spending, and the
/// looks without futility bound, as rpact 3.3.4 (getAdjustedBetaSpendingValues): e_k =
/// f(beta, t_k); the looks whose one-sided companion bound `a1` is negative get none. With
/// k_min the first look whose companion bound is positive (when it is not the first), e_k = 0
/// before k_min, and with `beta_adjustment`, e_k = (e_k - e_{k_min - 1}) / (e_K - e_{k_min - 1})
/// e_K from look k_min - 1 on (so that the whole beta is spent from look k_min on).
fn two_sided_beta_targets(spec: &DesignSpec, timing: &[f64], a1: &[f64], rec: &mut Recursion) {
    let Futility::BetaSpending(f) = &spec.futility else {
        return;
    };
    let beta = spec.power.map_or(0.0, |p| 1.0 - p);
    let n = timing.len();
    let raw: Vec<f64> = timing.iter().map(|&t| f.cumulative(beta, t)).collect();
    let mut e = raw.clone();
    if let Some(kmin) = a1.iter().position(|&a| a > 0.0)
        && kmin > 0
    {
        e[..kmin].iter_mut().for_each(|v| *v = 0.0);
        if spec.beta_adjustment {
            let (base, total) = (raw[kmin - 1], raw[n - 1]);
            for k in kmin - 1..n {
                e[k] = (raw[k] - base) / (total - base) * total;
            }
        }
    }
    rec.beta_cum = e;
    rec.no_futility = (0..n)
        .map(|k| a1.get(k).is_some_and(|&a| a < 0.0))
        .collect();
}

/// The sides: 1, or 2 for the symmetric two-sided designs of the spending and Wang-Tsiatis
/// kinds (without futility, or with beta spending for the spending kinds) and of the
/// Pampallona-Tsiatis kind (the other kinds and futility thresholds are refused, naming
/// `--sided`).
fn check_sided(spec: &DesignSpec) -> Result<()> {
    match spec.sided {
        1 => Ok(()),
        2 => {
            let kind_ok = matches!(
                spec.kind,
                DesignKind::Spending(_)
                    | DesignKind::WangTsiatis { .. }
                    | DesignKind::PampallonaTsiatis { .. }
            );
            if !kind_ok {
                return Err(Error::usage(
                    "--sided",
                    format!("2 with {}", spec.kind.code()),
                    "two-sided designs of the spending kinds (asOF, asP, asKD, asHSD, asUser) and OF, P, WT, PT",
                ));
            }
            match (&spec.futility, &spec.kind) {
                // (its own futility bounds; another rule is refused when it is computed)
                (_, DesignKind::PampallonaTsiatis { .. }) => {}
                (Futility::None, _) => {}
                (Futility::BetaSpending(_), DesignKind::Spending(_)) => {}
                (Futility::BetaSpending(_), _) => {
                    return Err(Error::usage(
                        "--sided",
                        format!("2 with beta spending and {}", spec.kind.code()),
                        "two-sided beta spending with an alpha-spending design (asOF, asP, asKD, asHSD, asUser), as rpact",
                    ));
                }
                (Futility::Z(_), _) => {
                    return Err(Error::usage(
                        "--sided",
                        "2 with z or hazard-ratio futility thresholds",
                        "a two-sided design without futility, or with beta spending (--futility asOF, ...)",
                    ));
                }
            }
            Ok(())
        }
        s => Err(Error::usage("--sided", s, "1 or 2")),
    }
}

/// Haybittle-Peto: the interim bounds must leave some alpha to the final look (an error naming
/// `--hp-bound` otherwise).
fn check_hp(spec: &DesignSpec, timing: &[f64]) -> Result<()> {
    let DesignKind::HaybittlePeto { bound } = spec.kind else {
        return Ok(());
    };
    let n = timing.len();
    if n < 2 {
        return Ok(());
    }
    let spent = spent_at_constant(spec, bound, &timing[..n - 1]);
    if spent >= spec.alpha * (1.0 - 1e-9) {
        return Err(Error::usage(
            "--hp-bound",
            bound,
            format!(
                "an interim bound whose interims spend less than alpha = {} (they spend {spent:.6})",
                spec.alpha
            ),
        ));
    }
    Ok(())
}

/// P_0(cross `bound` at one of the looks `timing`), with the binding futility of `spec` (its
/// z thresholds; beta-spending futility is not counted here).
fn spent_at_constant(spec: &DesignSpec, bound: f64, timing: &[f64]) -> f64 {
    let b = vec![bound; timing.len()];
    let a: Option<Vec<f64>> = match (&spec.futility, spec.binding) {
        (Futility::Z(z), true) => Some(z.iter().map(|&v| v.min(bound)).collect()),
        _ => None,
    };
    exit_probabilities(timing, a.as_deref(), &b, 0.0, spec.grid_r).reject
}

/// The `WToptimum` design: the Delta in [-0.5, 1] minimising the criterion (golden-section
/// search to 1e-7, the ends compared too), rounded to 3 decimals as rpact reports it, and the
/// Wang-Tsiatis design at that Delta. The criterion at Delta uses the design at the target power
/// (0.8, rpact's default beta = 0.2, when none is given): IF = (theta / (z_{1-alpha} +
/// z_{power}))^2 and ASN_x = IF E_x[t at stopping] (futility bounds applied), so ASNH1 =
/// ASN_theta, ASNIFH1 = IF + ASN_theta, ASNsum = ASN_0 + ASN_{theta/2} + ASN_theta (rpact's
/// .getOptimumDesign; rpact searches Delta in [0, 1] with R's optimize, tol 1e-4).
fn optimal_wang_tsiatis(
    spec: DesignSpec,
    timing: Vec<f64>,
    criterion: OptimizationCriterion,
) -> Result<GroupSequentialDesign> {
    let mut spec = spec;
    spec.power = Some(spec.power.unwrap_or(0.8));
    let at = |delta: f64| -> Result<GroupSequentialDesign> {
        let mut s = spec.clone();
        s.kind = DesignKind::WangTsiatis { delta };
        GroupSequentialDesign::new(s, timing.clone())
    };
    let value = |delta: f64| -> f64 {
        let Ok(d) = at(delta) else {
            return f64::INFINITY;
        };
        let (Some(theta), Some(inflation)) = (d.drift(), d.inflation_factor()) else {
            return f64::INFINITY;
        };
        let asn = |x: f64| inflation * d.exit_probabilities(x).expected_information;
        match criterion {
            OptimizationCriterion::AsnH1 => asn(theta),
            OptimizationCriterion::AsnIfH1 => inflation + asn(theta),
            OptimizationCriterion::AsnSum => asn(0.0) + asn(theta / 2.0) + asn(theta),
        }
    };
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (-0.5f64, 1.0f64);
    let mut x1 = hi - ratio * (hi - lo);
    let mut x2 = lo + ratio * (hi - lo);
    let (mut f1, mut f2) = (value(x1), value(x2));
    while hi - lo > 1e-7 {
        if f1 <= f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - ratio * (hi - lo);
            f1 = value(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + ratio * (hi - lo);
            f2 = value(x2);
        }
    }
    let mut best = (0.5 * (lo + hi), value(0.5 * (lo + hi)));
    for end in [-0.5, 1.0] {
        let v = value(end);
        if v < best.1 {
            best = (end, v);
        }
    }
    if !best.1.is_finite() {
        return Err(Error::usage(
            "--spending",
            "WToptimum",
            "a design whose Wang-Tsiatis constant and drift can be solved",
        ));
    }
    let delta = ((best.0 * 1000.0).round() / 1000.0).clamp(-0.5, 1.0);
    let mut design = at(delta)?;
    design.requested = DesignKind::WangTsiatisOptimum { criterion };
    Ok(design)
}

/// The Pampallona-Tsiatis design (see [`super::pampallona_tsiatis`]) at the target power (0.8,
/// rpact's default beta = 0.2, when none is given). Its futility bounds are the design's own:
/// another futility rule is refused (naming `--futility`).
fn pampallona_tsiatis(
    spec: DesignSpec,
    timing: Vec<f64>,
    delta1: f64,
    delta0: f64,
) -> Result<GroupSequentialDesign> {
    if !matches!(spec.futility, Futility::None) {
        return Err(Error::usage(
            "--futility",
            "a futility rule with PT",
            "none: a Pampallona-Tsiatis design has its own futility bounds (--delta-pt0)",
        ));
    }
    let mut spec = spec;
    let power = spec.power.unwrap_or(0.8);
    spec.power = Some(power);
    let solved = super::pampallona_tsiatis::solve(
        delta1,
        delta0,
        &timing,
        spec.alpha,
        power,
        spec.binding,
        spec.sided,
        spec.grid_r,
    )?;
    Ok(GroupSequentialDesign {
        timing,
        efficacy: solved.efficacy,
        futility: solved.futility,
        alpha_spent: solved.alpha_spent,
        wt_constant: None,
        pt: Some(solved.constants),
        drift: Some(solved.constants.drift()),
        requested: spec.kind,
        asymmetric: None,
        spec,
        id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    })
}

/// Exit probabilities of a two-sided design with an inner futility interval: at look k, efficacy
/// when Z_k >= b_k, lower (harm) when Z_k <= -b_k, futility when |Z_k| < a_k (a_k <= 0: none;
/// at the last look a_K = b_K, so that `futility[K-1]` is P(|Z_K| < b_K)); the continuation
/// region is (-b_k, -a_k) U (a_k, b_k).
pub fn exit_probabilities_two_sided(
    timing: &[f64],
    inner: &[f64],
    efficacy: &[f64],
    theta: f64,
    grid_r: usize,
) -> ExitProbabilities {
    let n = timing.len().min(efficacy.len());
    let mut s = Stage::new();
    let mut next = Stage::new();
    let (mut up, mut low, mut fut) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for k in 0..n {
        let t = timing[k];
        let b = efficacy[k];
        let a = if k + 1 == n {
            b
        } else {
            inner.get(k).copied().unwrap_or(0.0)
        };
        up[k] = s.upper(t, theta, b);
        low[k] = s.lower(t, theta, -b);
        fut[k] = s.inner(t, theta, a);
        if k + 1 < n {
            if a > 0.0 {
                s.advance_split_into(&mut next, t, theta, a, b, grid_r.max(8));
            } else {
                s.advance_into(&mut next, t, theta, -b, b, grid_r.max(8));
            }
            std::mem::swap(&mut s, &mut next);
        }
    }
    let mut stopped = 0.0;
    let mut expected = 0.0;
    for k in 0..n.saturating_sub(1) {
        expected += timing[k] * (up[k] + low[k] + fut[k]);
        stopped += up[k] + low[k] + fut[k];
    }
    if n > 0 {
        expected += timing[n - 1] * (1.0 - stopped);
    }
    ExitProbabilities {
        drift: theta,
        reject: up.iter().sum(),
        efficacy: up,
        futility: fut,
        expected_information: expected,
        lower: low,
    }
}

/// Exit probabilities of a two-sided design with an inner futility interval whose regions need
/// not be symmetric about 0 (the bounds of a symmetric design shifted by a look's departure
/// from the drift's proportionality, as the closed-form power uses them): at look k, efficacy
/// when Z_k >= `upper[k]`, lower (harm) when Z_k <= `lower[k]`, futility when `inner[k].0` <
/// Z_k < `inner[k].1` (none when the interval is empty; at the last look the futility is
/// everything between the lower and upper bounds), lower[k] <= inner[k].0 <= inner[k].1 <=
/// upper[k]; the continuation region is (lower, inner.0) U (inner.1, upper).
pub fn exit_probabilities_two_sided_regions(
    timing: &[f64],
    upper: &[f64],
    lower: &[f64],
    inner: &[(f64, f64)],
    theta: f64,
    grid_r: usize,
) -> ExitProbabilities {
    let n = timing.len().min(upper.len()).min(lower.len());
    let mut s = Stage::new();
    let mut next = Stage::new();
    let (mut up, mut low, mut fut) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for k in 0..n {
        let t = timing[k];
        let (b, l) = (upper[k], lower[k]);
        let (a0, a1) = if k + 1 == n {
            (l, b)
        } else {
            inner.get(k).copied().unwrap_or((0.0, 0.0))
        };
        up[k] = s.upper(t, theta, b);
        low[k] = s.lower(t, theta, l);
        fut[k] = if a1 > a0 {
            s.lower(t, theta, a1) - s.lower(t, theta, a0)
        } else {
            0.0
        };
        if k + 1 < n {
            if a1 > a0 {
                s.advance_union_into(&mut next, t, theta, (l, a0), (a1, b), grid_r.max(8));
            } else {
                s.advance_into(&mut next, t, theta, l, b, grid_r.max(8));
            }
            std::mem::swap(&mut s, &mut next);
        }
    }
    let mut stopped = 0.0;
    let mut expected = 0.0;
    for k in 0..n.saturating_sub(1) {
        expected += timing[k] * (up[k] + low[k] + fut[k]);
        stopped += up[k] + low[k] + fut[k];
    }
    if n > 0 {
        expected += timing[n - 1] * (1.0 - stopped);
    }
    ExitProbabilities {
        drift: theta,
        reject: up.iter().sum(),
        efficacy: up,
        futility: fut,
        expected_information: expected,
        lower: low,
    }
}

/// Exit probabilities of any bounds: efficacy when Z_k >= `efficacy[k]`, futility when
/// Z_k < `futility[k]` (if given), at fractions `timing` (strictly increasing, > 0; only the
/// ratios t_j / t_k matter, so fractions beyond 1 are fine), under drift `theta`, by the
/// recursive integration with grid parameter `grid_r`. The expected information uses `timing`.
pub fn exit_probabilities(
    timing: &[f64],
    futility: Option<&[f64]>,
    efficacy: &[f64],
    theta: f64,
    grid_r: usize,
) -> ExitProbabilities {
    let n = timing.len().min(efficacy.len());
    let mut s = Stage::new();
    let mut next = Stage::new();
    let (mut up, mut low) = (vec![0.0; n], vec![0.0; n]);
    for k in 0..n {
        let t = timing[k];
        let b = efficacy[k];
        let a = futility
            .and_then(|f| f.get(k).copied())
            .unwrap_or(f64::NEG_INFINITY);
        up[k] = s.upper(t, theta, b);
        low[k] = s.lower(t, theta, a);
        if k + 1 < n {
            s.advance_into(&mut next, t, theta, a, b, grid_r.max(8));
            std::mem::swap(&mut s, &mut next);
        }
    }
    let mut stopped = 0.0;
    let mut expected = 0.0;
    for k in 0..n.saturating_sub(1) {
        expected += timing[k] * (up[k] + low[k]);
        stopped += up[k] + low[k];
    }
    if n > 0 {
        expected += timing[n - 1] * (1.0 - stopped);
    }
    ExitProbabilities {
        drift: theta,
        reject: up.iter().sum(),
        efficacy: up,
        futility: low,
        expected_information: expected,
        lower: Vec::new(),
    }
}
