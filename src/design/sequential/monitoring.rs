//! The engine's hook: bounds recomputed at the information fractions actually observed, as a
//! data monitoring committee does with a spending function (Lan and DeMets 1983).
//!
//! At look k with observed fractions t_1..t_k (t_j = events_j / planned final events; they may
//! exceed 1 or stop short of it), the efficacy bound spends f(alpha, t_k) - f(alpha, t_{k-1})
//! (f capped at alpha beyond t = 1) given the bounds used at the earlier looks; at the final
//! analysis it spends all that remains, alpha minus what was spent. Wang-Tsiatis designs keep their
//! shape at interims, b_k = c t_k^(delta - 1/2) with the planned c, and the final look spends the
//! remainder; so do Haybittle-Peto designs (the constant interim bound, the remainder at the final
//! look); without early efficacy the interim bounds stay +inf. User-defined spending (`asUser`)
//! interpolates the planned cumulative values linearly in t (see
//! [`super::spending::UserSpending`]). Pampallona-Tsiatis designs keep their shapes at interims
//! with the planned constants, b_k = c1 (K t_k)^(Delta1 - 1/2) and a_k = sqrt(t_k) theta -
//! c2 (K t_k)^(Delta0 - 1/2) (capped at b_k; K the planned looks), and the final look spends
//! the remainder. Futility bounds: fixed z thresholds as planned; beta spending at the observed
//! fractions under the planned drift; at the final look the futility bound is the efficacy bound.
//! Binding futility bounds enter the alpha recursion.
//!
//! [`MonitoringWorkspace`] keeps the recursion's sub-densities for the last sequence of observed
//! fractions, so a replicate calling looks 1, 2, ..., k in turn pays one transition per look
//! (O(m^2) with m <= 12r - 3 grid points), and nothing is allocated once its buffers have grown.
//! When the observed fractions equal the planned ones the planned bounds are returned at once.

use super::boundaries::{Futility, GroupSequentialDesign};
use super::integration::Stage;
use super::spending::DesignKind;
use crate::{Error, Result};

/// Bounds for one look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LookBounds {
    /// Reject H0 when Z >= efficacy.
    pub efficacy: f64,
    /// Stop for futility when Z < futility (-inf when the design has none; equal to `efficacy`
    /// at the final look when it has).
    pub futility: f64,
}

/// Reusable buffers for [`GroupSequentialDesign::bounds_at`] (one per worker thread).
#[derive(Debug, Clone, Default)]
pub struct MonitoringWorkspace {
    /// Identity of the design the cache belongs to.
    owner: u64,
    /// Observed fractions of the interim looks whose results below are valid.
    prefix: Vec<f64>,
    /// H0 sub-densities: h0[j] after j interim looks (h0[0] is the start).
    h0: Vec<Stage>,
    /// H1 sub-densities (planned drift), kept for beta-spending futility.
    h1: Vec<Stage>,
    /// Cumulative alpha after interim look j.
    spent: Vec<f64>,
    /// Number of interim looks of `prefix` whose H1 stages are valid.
    h1_valid: usize,
    /// Grid parameter r overriding the design's.
    grid_r: Option<usize>,
}

impl MonitoringWorkspace {
    /// An empty workspace; buffers grow on first use.
    pub fn new() -> MonitoringWorkspace {
        MonitoringWorkspace::default()
    }

    /// A workspace integrating on a grid with parameter r (clamped to 8..=1000) instead of the
    /// design's: r = 16 is about four times faster than 32; its bounds differ from r = 32 by about 2e-6 in z,
    /// 1e-8 in nominal p (tests/it/closed_form_boundaries.rs).
    pub fn with_grid(r: usize) -> MonitoringWorkspace {
        MonitoringWorkspace {
            grid_r: Some(r.clamp(8, 1000)),
            ..MonitoringWorkspace::default()
        }
    }
}

/// Advances stages[j] into stages[j + 1] (growing the vector if needed).
fn advance(stages: &mut Vec<Stage>, j: usize, t: f64, theta: f64, lo: f64, hi: f64, r: usize) {
    while stages.len() < j + 2 {
        stages.push(Stage::new());
    }
    let (left, right) = stages.split_at_mut(j + 1);
    left[j].advance_into(&mut right[0], t, theta, lo, hi, r);
}

impl GroupSequentialDesign {
    /// Efficacy bound for look k = `observed.len()` at the observed information fractions (see the
    /// module documentation); `final_look` when this is the final analysis.
    pub fn efficacy_bound_at(
        &self,
        observed: &[f64],
        final_look: bool,
        ws: &mut MonitoringWorkspace,
    ) -> Result<f64> {
        self.look_bounds(observed, final_look, false, ws)
            .map(|b| b.efficacy)
    }

    /// Efficacy and futility bounds for look k = `observed.len()` at the observed information
    /// fractions t_1..t_k (strictly increasing, > 0, may exceed 1); `final_look` when look k is the
    /// final analysis, which spends all remaining alpha.
    pub fn bounds_at(
        &self,
        observed: &[f64],
        final_look: bool,
        ws: &mut MonitoringWorkspace,
    ) -> Result<LookBounds> {
        self.look_bounds(observed, final_look, true, ws)
    }

    /// The work of [`Self::bounds_at`]; without `want_futility` the recursion under the
    /// alternative is skipped unless binding futility needs it (the futility bound returned is
    /// then meaningless).
    fn look_bounds(
        &self,
        observed: &[f64],
        final_look: bool,
        want_futility: bool,
        ws: &mut MonitoringWorkspace,
    ) -> Result<LookBounds> {
        let k = observed.len();
        let mut prev = 0.0;
        for &t in observed {
            if !(t.is_finite() && t > prev) {
                return Err(Error::usage(
                    "observed information fractions",
                    format!("{observed:?}"),
                    "strictly increasing, finite and > 0",
                ));
            }
            prev = t;
        }
        if k == 0 {
            return Err(Error::usage(
                "observed information fractions",
                "[]",
                "at least one look",
            ));
        }
        let planned = self.looks();
        let has_futility = self.futility().is_some();
        // The planned timing: the planned bounds.
        if k <= planned
            && final_look == (k == planned)
            && observed
                .iter()
                .zip(self.timing())
                .all(|(a, b)| (a - b).abs() <= 1e-12)
        {
            let futility = match self.futility() {
                Some(a) => a[k - 1],
                None => f64::NEG_INFINITY,
            };
            return Ok(LookBounds {
                efficacy: self.efficacy()[k - 1],
                futility,
            });
        }
        let spec = self.spec();
        let r = ws.grid_r.unwrap_or(spec.grid_r);
        let alpha = spec.alpha;
        let theta = self.drift().unwrap_or(0.0);
        let beta = spec.power.map_or(0.0, |p| 1.0 - p);
        let need_h1 =
            matches!(spec.futility, Futility::BetaSpending(_)) && (want_futility || spec.binding);
        if ws.owner != self.id() {
            ws.owner = self.id();
            ws.prefix.clear();
            ws.h1_valid = 0;
        }
        if ws.h0.is_empty() {
            ws.h0.push(Stage::new());
        }
        if ws.h1.is_empty() {
            ws.h1.push(Stage::new());
        }
        // longest valid prefix of interim looks
        let mut p = ws
            .prefix
            .iter()
            .zip(&observed[..k - 1])
            .take_while(|(a, b)| a == b)
            .count();
        if need_h1 {
            // the alternative's stages may lag behind (earlier calls did not need them)
            p = p.min(ws.h1_valid);
        }
        ws.prefix.truncate(p);
        ws.spent.truncate(p);
        let spent_before =
            |ws: &MonitoringWorkspace, j: usize| if j == 0 { 0.0 } else { ws.spent[j - 1] };
        // efficacy and futility bound at look j (0-based) from the stages after j looks, and
        // the probability under H0 of crossing that efficacy bound there
        let look = |ws: &MonitoringWorkspace, j: usize, last: bool| -> (f64, f64, f64) {
            let t = observed[j];
            let t_prev = if j == 0 { 0.0 } else { observed[j - 1] };
            let s0 = &ws.h0[j];
            let (b, crossed) = match &spec.kind {
                DesignKind::Spending(f) => {
                    let target = if last {
                        alpha - spent_before(ws, j)
                    } else {
                        f.cumulative(alpha, t) - f.cumulative(alpha, t_prev)
                    };
                    s0.solve_upper(t, 0.0, target)
                }
                &DesignKind::WangTsiatis { delta } => {
                    if last {
                        s0.solve_upper(t, 0.0, alpha - spent_before(ws, j))
                    } else {
                        let c = self.wt_constant().unwrap_or(f64::NAN);
                        let b = (c * t.powf(delta - 0.5)).min(super::integration::BOUND_CAP);
                        (b, s0.upper(t, 0.0, b))
                    }
                }
                _ if last => s0.solve_upper(t, 0.0, alpha - spent_before(ws, j)),
                &DesignKind::HaybittlePeto { bound } => (bound, s0.upper(t, 0.0, bound)),
                DesignKind::PampallonaTsiatis { .. } => {
                    let b = self.pt_constants().map_or(f64::NAN, |pt| pt.efficacy(t));
                    (b, s0.upper(t, 0.0, b))
                }
                // WToptimum is resolved to its Wang-Tsiatis shape when the design is computed
                DesignKind::NoEarlyEfficacy | DesignKind::WangTsiatisOptimum { .. } => {
                    (f64::INFINITY, 0.0)
                }
            };
            if let Some(pt) = self.pt_constants() {
                // the design's own futility shape at the observed fraction
                let a = if last { b } else { pt.futility(t).min(b) };
                return (b, a, crossed);
            }
            let a = match &spec.futility {
                Futility::None => f64::NEG_INFINITY,
                _ if last => b,
                Futility::Z(z) => z.get(j).map_or(f64::NEG_INFINITY, |&v| v.min(b)),
                // not asked for, and not binding: not computed
                Futility::BetaSpending(_) if !need_h1 => f64::NAN,
                Futility::BetaSpending(f) => {
                    let target = f.cumulative(beta, t) - f.cumulative(beta, t_prev);
                    ws.h1[j].solve_lower(t, theta, target).0.min(b)
                }
            };
            (b, a, crossed)
        };
        for (j, &t) in observed.iter().enumerate().take(k - 1).skip(p) {
            let (b, a, crossed) = look(ws, j, false);
            let spent = spent_before(ws, j) + crossed;
            let lo = if spec.binding { a } else { f64::NEG_INFINITY };
            advance(&mut ws.h0, j, t, 0.0, lo, b, r);
            if need_h1 {
                advance(&mut ws.h1, j, t, theta, a, b, r);
            }
            ws.spent.push(spent);
            ws.prefix.push(t);
            ws.h1_valid = if need_h1 {
                ws.prefix.len()
            } else {
                ws.h1_valid.min(j)
            };
        }
        let (efficacy, futility, _) = look(ws, k - 1, final_look);
        let futility = if has_futility {
            futility
        } else {
            f64::NEG_INFINITY
        };
        Ok(LookBounds { efficacy, futility })
    }
}
