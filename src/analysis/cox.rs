//! Cox proportional hazards model with one binary covariate (treated), fitted by Newton-Raphson
//! on the event-time table, as R's `survival::coxph` does (Cox 1972; Efron 1977 and Breslow 1974
//! for ties; Therneau and Grambsch 2000, chapter 3).

use super::table::{Analyzer, EventRow};
use crate::stats::normal;

/// `Phi^{-1}(0.975)`, for the 95% Wald interval.
const Z_975: f64 = 1.959_963_984_540_054;
/// Convergence tolerance on the relative change of the log partial likelihood (coxph's `eps`).
const EPS: f64 = 1e-9;
/// Maximum number of Newton-Raphson iterations.
const MAX_ITER: u32 = 30;

/// Approximation of the partial likelihood at tied event times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Ties {
    /// Breslow (1974): every tied event sees the full risk set.
    Breslow,
    /// Efron (1977): the tied events are removed from the risk set in equal fractions
    /// (coxph's default).
    #[default]
    Efron,
}

impl Ties {
    /// The lower-case name, as R spells it (`"breslow"`, `"efron"`).
    pub fn name(self) -> &'static str {
        match self {
            Ties::Breslow => "breslow",
            Ties::Efron => "efron",
        }
    }
}

/// Fitted Cox model for treatment versus control.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CoxFit {
    /// Log hazard ratio of treatment versus control, `beta-hat`.
    pub beta: f64,
    /// Standard error of `beta-hat`, `1 / sqrt(I(beta-hat))`.
    pub se: f64,
    /// Hazard ratio `exp(beta-hat)`.
    pub hr: f64,
    /// Lower 95% Wald limit `exp(beta-hat - 1.959964 se)`.
    pub lower: f64,
    /// Upper 95% Wald limit `exp(beta-hat + 1.959964 se)`.
    pub upper: f64,
    /// Two-sided Wald p-value `P(chi2_1 > (beta-hat / se)^2)`.
    pub wald_p: f64,
    /// Score test at `beta = 0`: `U(0)^2 / I(0)` (the log-rank chi-square when there are no ties).
    pub score_chisq: f64,
    /// Log partial likelihood at `beta-hat`.
    pub loglik: f64,
    /// Log partial likelihood at `beta = 0`.
    pub loglik_null: f64,
    /// Newton-Raphson iterations done.
    pub iterations: u32,
    /// True when the iterations converged to a finite maximum.
    pub converged: bool,
}

/// Log partial likelihood, score and information at one `beta`.
#[derive(Clone, Copy, Debug)]
struct Eval {
    loglik: f64,
    score: f64,
    info: f64,
}

/// Sum of logarithms computed as the logarithm of running products, to call `ln` rarely;
/// the product is flushed into the sum before it can overflow or underflow.
struct LogSum {
    product: f64,
    sum: f64,
}

impl LogSum {
    #[inline]
    fn new() -> Self {
        LogSum {
            product: 1.0,
            sum: 0.0,
        }
    }
    #[inline]
    fn add_ln(&mut self, x: f64) {
        self.product *= x;
        if !(1e-200..=1e200).contains(&self.product) {
            self.sum += self.product.ln();
            self.product = 1.0;
        }
    }
    #[inline]
    fn value(&self) -> f64 {
        self.sum + self.product.ln()
    }
}

/// Log partial likelihood `l(beta)`, score `U = dl/dbeta` and information `I = -d2l/dbeta2`
/// from the event-time table.
///
/// With `x = 1` for treated, at an event time with risk-set sums `S = n0 + n1 e^beta`,
/// `S1 = n1 e^beta` (the covariate-weighted sum; since `x^2 = x` it is also the second moment) and
/// the tied events' sums `D = d0 + d1 e^beta`, `D1 = d1 e^beta`, `d = d0 + d1`:
///
/// * Breslow: `l += d1 beta - d ln S`, `U += d1 - d m`, `I += d m (1 - m)` with `m = S1 / S`;
/// * Efron (1977): for `k = 0..d`, with `f = k / d`, `den = S - f D`, `m = (S1 - f D1) / den`:
///   `l += -ln den`, `U += -m`, `I += m (1 - m)`; plus `l += d1 beta`, `U += d1`.
///
/// Efron and Breslow agree at times with a single event. Sums run over all rows (strata add up,
/// each with its own risk sets: a separate baseline hazard per stratum).
fn evaluate(rows: &[EventRow], beta: f64, ties: Ties, untied: bool) -> Eval {
    if untied {
        return evaluate_untied(rows, beta);
    }
    let e = beta.exp();
    let mut logs = LogSum::new();
    let (mut d1_total, mut score, mut info) = (0.0, 0.0, 0.0);
    for r in rows {
        let d = r.d0 + r.d1;
        let s = r.n0 + r.n1 * e;
        let s1 = r.n1 * e;
        d1_total += r.d1;
        if ties == Ties::Breslow || d <= 1.0 {
            let m = s1 / s;
            if d == 1.0 {
                logs.add_ln(s);
            } else {
                // d ln S for Breslow ties
                let dl = d * s.ln();
                logs.sum += dl;
            }
            score -= d * m;
            info += d * m * (1.0 - m);
        } else {
            let dd = r.d0 + r.d1 * e;
            let dd1 = r.d1 * e;
            let k_max = d as u32;
            for k in 0..k_max {
                let f = f64::from(k) / d;
                let den = s - f * dd;
                let m = (s1 - f * dd1) / den;
                logs.add_ln(den);
                score -= m;
                info += m * (1.0 - m);
            }
        }
    }
    Eval {
        loglik: d1_total * beta - logs.value(),
        score: d1_total + score,
        info,
    }
}

/// [`evaluate`] for a table without tied events (one event per row, the common case of
/// continuous simulated times), where Breslow and Efron coincide: `l += beta d1 - ln S`,
/// `U += d1 - m`, `I += m (1 - m)`. The same operations in the same order as the general loop
/// (so the same bits), without its per-row branches on the ties.
fn evaluate_untied(rows: &[EventRow], beta: f64) -> Eval {
    let e = beta.exp();
    let mut logs = LogSum::new();
    let (mut d1_total, mut score, mut info) = (0.0, 0.0, 0.0);
    for r in rows {
        let s = r.n0 + r.n1 * e;
        let m = r.n1 * e / s;
        d1_total += r.d1;
        logs.add_ln(s);
        score -= m;
        info += m * (1.0 - m);
    }
    Eval {
        loglik: d1_total * beta - logs.value(),
        score: d1_total + score,
        info,
    }
}

/// True when the partial likelihood increases without bound as `beta -> +inf` or `-inf`
/// (monotone likelihood, "infinite" coefficient): as `beta -> +inf` the score tends to
/// `-sum d0` over rows with treated patients at risk, so the maximum is at `+inf` exactly when
/// no control event happens while a treated patient is at risk; symmetrically for `-inf`
/// (Therneau and Grambsch 2000, section 3.5). The same holds for Breslow and Efron ties.
fn monotone(rows: &[EventRow]) -> bool {
    let to_plus = !rows.iter().any(|r| r.n1 > 0.0 && r.d0 > 0.0);
    let to_minus = !rows.iter().any(|r| r.n0 > 0.0 && r.d1 > 0.0);
    to_plus || to_minus
}

/// Fits the Cox model on an event-time table by Newton-Raphson, following coxph's algorithm
/// (Therneau and Grambsch 2000, section 3.2; `coxph.control`):
///
/// 1. at `beta = 0` compute `l(0)`, `U(0)`, `I(0)`; the score test is `U(0)^2 / I(0)`; the first
///    step is `beta_1 = U(0) / I(0)`;
/// 2. at each iteration evaluate `l`, `U`, `I` at the new `beta`; stop (converged) when
///    `|1 - l_old / l_new| <= 1e-9` and the step was not a halving; otherwise, if `l` decreased,
///    halve the step towards the previous `beta`, else accept and step `beta += U / I`;
/// 3. at most 30 iterations.
///
/// Degenerate data (no events, or `I(0) = 0` because the two arms are never both at risk at an
/// event time): `beta`, `se`, `hr`, `lower`, `upper` and `wald_p` are NaN, `score_chisq` is 0,
/// `loglik = loglik_null = l(0)`, `iterations = 0`, `converged = false`.
///
/// Monotone likelihood (the MLE is infinite, e.g. all events in one arm): the iterations run as
/// above (the log likelihood creeps towards its supremum, so the relative-change rule stops them
/// after a few dozen unit steps at most); the result holds that last iterate (`|beta|` large,
/// typically 10 to 30, its `se` large) with `converged = false`. R's coxph reports the same
/// iterate with a warning that the coefficient may be infinite.
pub(crate) fn cox_table(rows: &[EventRow], ties: Ties) -> CoxFit {
    let untied = rows.iter().all(|r| r.d0 + r.d1 == 1.0);
    let null = evaluate(rows, 0.0, ties, untied);
    let degenerate = CoxFit {
        beta: f64::NAN,
        se: f64::NAN,
        hr: f64::NAN,
        lower: f64::NAN,
        upper: f64::NAN,
        wald_p: f64::NAN,
        score_chisq: 0.0,
        loglik: null.loglik,
        loglik_null: null.loglik,
        iterations: 0,
        converged: false,
    };
    if rows.is_empty() || null.info.is_nan() || null.info <= 0.0 || !null.loglik.is_finite() {
        return degenerate;
    }
    let score_chisq = null.score * null.score / null.info;

    let mut beta = 0.0;
    let mut loglik = null.loglik;
    let mut new_beta = null.score / null.info;
    let mut halving = false;
    let mut converged = false;
    let mut iterations = 0;
    let mut at_new = null;
    for iter in 1..=MAX_ITER {
        iterations = iter;
        at_new = evaluate(rows, new_beta, ties, untied);
        let finite = at_new.loglik.is_finite() && at_new.info > 0.0 && at_new.info.is_finite();
        if finite && !halving && (1.0 - loglik / at_new.loglik).abs() <= EPS {
            converged = true;
            break;
        }
        if iter == MAX_ITER {
            break;
        }
        if !finite || at_new.loglik < loglik {
            // Not improving: halve the last step.
            halving = true;
            new_beta = 0.5 * (new_beta + beta);
        } else {
            halving = false;
            loglik = at_new.loglik;
            beta = new_beta;
            new_beta = beta + at_new.score / at_new.info;
        }
    }
    if !(at_new.loglik.is_finite() && at_new.info > 0.0) {
        // Only reachable in pathological overflow: report the last accepted iterate.
        at_new = evaluate(rows, beta, ties, untied);
        new_beta = beta;
        converged = false;
    }
    let beta_hat = new_beta;
    let se = 1.0 / at_new.info.sqrt();
    let z = beta_hat / se;
    CoxFit {
        beta: beta_hat,
        se,
        hr: beta_hat.exp(),
        lower: (beta_hat - Z_975 * se).exp(),
        upper: (beta_hat + Z_975 * se).exp(),
        wald_p: 2.0 * normal::sf(z.abs()),
        score_chisq,
        loglik: at_new.loglik,
        loglik_null: null.loglik,
        iterations,
        converged: converged && !monotone(rows),
    }
}

impl Analyzer {
    /// Cox model `coxph(Surv(time, event) ~ treated [+ strata(stratum)], ties = ...)`: a separate
    /// baseline hazard per stratum when `stratified` is true. Newton-Raphson from `beta = 0` as
    /// coxph does (relative change of the log partial likelihood `<= 1e-9`, at most 30 iterations,
    /// step halving when it decreases).
    ///
    /// * No events, or the two arms never both at risk at an event time (e.g. an empty arm):
    ///   `beta`, `se`, `hr`, `lower`, `upper`, `wald_p` are NaN, `score_chisq = 0`,
    ///   `loglik = loglik_null = l(0)`, `iterations = 0`, `converged = false`.
    /// * Monotone likelihood (infinite MLE, e.g. all events in one arm): `converged = false`
    ///   and the fields describe the last Newton iterate (`|beta|` large, typically 10 to 30,
    ///   with a large `se`; `hr` near 0 or huge), which is what coxph reports with its warning.
    pub fn cox(&self, stratified: bool, ties: Ties) -> CoxFit {
        cox_table(self.table(stratified), ties)
    }
}
