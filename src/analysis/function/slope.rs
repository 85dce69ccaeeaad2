//! The slope analysis of function: a linear mixed model with a random intercept and a random
//! slope per patient (Laird and Ware 1982), fitted by restricted maximum likelihood (REML;
//! Patterson and Thompson 1971, Harville 1977), as R's
//! `nlme::lme(score ~ time * arm, random = ~ time | id, method = "REML")` fits it (Pinheiro and
//! Bates 2000, chapter 2). The treatment x time coefficient is the difference in the rates of
//! decline (points per month).
//!
//! # Model
//!
//! Patient `i` has `n_i` visits at times `t_ij` (months, the first 0) with scores `y_ij`, and
//! `Z_i = [1, t_ij]` (`n_i x 2`). With a patient-level row `g_i` of 0/1 indicators,
//!
//! ```text
//! y_i = X_i beta + Z_i u_i + e_i,   X_i = Z_i (I_2 kron g_i'),   u_i ~ N(0, D),   e_i ~ N(0, s2 I),
//! ```
//!
//! `D` an unstructured 2 x 2 covariance. Unstratified, `g_i = (1, trt_i)`: the fixed effects are
//! nlme's `(Intercept), time, armtreatment, time:armtreatment` = `(b0, b1, b2, b3)`. Stratified
//! (`score ~ time * arm + stratum * time`, the strata present taken in ascending order, the
//! first the reference), `g_i = (1, trt_i, [s_i = 2], ..., [s_i = S])`: nlme's order is
//! `(Intercept), time, armtreatment, stratum2..S, time:armtreatment, time:stratum2..S`.
//!
//! # REML with sigma^2 profiled out
//!
//! Write `D = s2 Delta` and `V_i = s2 Vt_i`, `Vt_i = I + Z_i Delta Z_i'`. For a given `Delta`,
//! with `F = sum X_i' Vt_i^-1 X_i`, `c = sum X_i' Vt_i^-1 y_i`, `beta-hat = F^-1 c`,
//! `Q = sum y_i' Vt_i^-1 y_i - c' beta-hat` and `m = N - p` (observations less fixed effects),
//! the REML log-likelihood maximised over `s2` (at `s2-hat = Q / m`) is
//!
//! ```text
//! l_R(Delta) = -(1/2) [ m (log(2 pi) + 1 + log(Q / m)) + sum_i log|Vt_i| + log|F| ],
//! ```
//!
//! which is what nlme's `logLik` reports for a REML fit. Every term comes from 2 x 2 algebra on
//! per-patient sufficient statistics `A_i = Z_i'Z_i` (from `n_i`, `sum t`, `sum t^2`),
//! `b_i = Z_i'y_i` (`sum y`, `sum t y`) and `sum y^2`: with `N_i = I + A_i Delta`,
//!
//! ```text
//! Vt_i^-1 = I - Z_i Delta N_i^-1 Z_i'                  (Woodbury; Delta N_i^-1 = (Delta^-1 + A_i)^-1)
//! |Vt_i| = |N_i|                                       (matrix determinant lemma)
//! W_i = Z_i' Vt_i^-1 Z_i = N_i^-1 A_i,   Z_i' Vt_i^-1 y_i = N_i^-1 b_i,
//! y_i' Vt_i^-1 y_i = sum y^2 - b_i' Delta N_i^-1 b_i,
//! ```
//!
//! none of which needs `Delta^-1`, so a singular `Delta` (the boundary) is no special case.
//! `X_i' M X_i = M kron g_i g_i'` for any 2 x 2 `M` ending on `Z_i`, so only the distinct
//! `(A_i, g_i)` matter: patients are grouped into *patterns* with equal `(arm, stratum, n_i,
//! sum t, sum t^2)`, each keeping its count and the sums of `b_i`, `b_i b_i'` and `sum y^2`.
//! On a visit schedule (every 3 months, truncated by death or dropout) a fit of hundreds of
//! patients has a few dozen patterns, and one evaluation costs that many 2 x 2 operations.
//!
//! # Optimisation
//!
//! `-2 l_R` is minimised over the log-Cholesky factor of `Delta` (Pinheiro and Bates 1996):
//! `Delta = L L'`, `L = [[e^a, 0], [c, e^d]]`, three unconstrained parameters, by Newton's
//! method with the exact gradient and Hessian (below), a Hessian made positive definite by a
//! multiple of the identity where it is not, and a backtracking (Armijo) line search. With
//! `E_1 = e1 e1'`, `E_2 = e1 e2' + e2 e1'`, `E_3 = e2 e2'` the derivatives of `Delta` by its
//! elements, `e_i = Z_i' Vt_i^-1 (y_i - X_i beta-hat)`, `F_k = -sum G_i' W_i E_k W_i G_i`,
//! `F_kl = sum G_i' (W_i E_k W_i E_l W_i + W_i E_l W_i E_k W_i) G_i`, `h_k = sum G_i' W_i E_k e_i`
//! (`G_i = I_2 kron g_i'`):
//!
//! ```text
//! d/dk    sum log|Vt_i| = sum tr(W_i E_k),    d2/dkdl = -sum tr(W_i E_k W_i E_l)
//! d/dk    log|F| = tr(F^-1 F_k),              d2/dkdl = tr(F^-1 F_kl) - tr(F^-1 F_k F^-1 F_l)
//! d/dk    Q = -sum e_i' E_k e_i,              d2/dkdl = 2 sum e_i' E_k W_i E_l e_i - 2 h_k' F^-1 h_l
//! ```
//!
//! (`Q` by the envelope theorem, its Hessian with the change of `beta-hat`), and `m log Q`
//! by the chain rule; the chain rule again takes them to `(a, c, d)`. The start is the moment
//! estimate from per-patient least squares (the covariance of the patients' intercepts and
//! slopes within arm, less `s2` times their mean sampling covariance `A_i^-1`), which is the
//! REML estimate itself for balanced complete data. Iterations stop when the Newton decrement
//! `g' H^-1 g` falls below 1e-10 (a change of `-2 l_R` that small moves no estimate in the
//! digits that matter); quadratic convergence then makes the last step exact to rounding.
//!
//! At the boundary (a variance ratio tending to 0) the optimum is approached as a log-Cholesky
//! parameter runs to minus infinity, as in nlme: the decrement falls by a constant factor per
//! iteration there, and the fit stops, converged, with that variance a negligible fraction of
//! its scale.
//!
//! # Standard error
//!
//! `Var(beta-hat) = s2-hat F^-1` (nlme's `vcov`): `se = sqrt(s2-hat [F^-1]_{b3,b3})`, the
//! model-based SE that nlme's summary reports, with the normal reference `z = b3 / se` (> 0:
//! treatment declines more slowly).

// The 2 x 2 and p x p matrix code indexes several arrays by the same subscripts.
#![allow(clippy::needless_range_loop)]

use super::Visits;

/// Maximum number of Newton iterations.
const MAX_ITER: u32 = 100;
/// Convergence: Newton decrement `g' H^-1 g` on the scale of `-2 l_R`.
const DECREMENT_TOL: f64 = 1e-10;
/// A Cholesky pivot at or below this fraction of its diagonal element marks `F` singular.
const PIVOT_TOL: f64 = 1e-10;
/// `ln(2 pi)`.
const LN_2PI: f64 = 1.837_877_066_409_345_3;

/// Why a fit gave no estimate, or that it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlopeStatus {
    /// Newton converged: every number of the fit is the REML estimate.
    Converged,
    /// The iteration limit was reached, or the line search found no decrease with a Newton
    /// decrement still large: the numbers are those of the last iterate (finite).
    NotConverged,
    /// No more observations than fixed effects (`N <= p`), or no patient at all.
    TooFewObservations,
    /// An arm without a patient with visits at two different times: no slope in that arm.
    NoSlopeInArm,
    /// The fixed-effects matrix `sum X_i' V_i^-1 X_i` is singular (e.g. a stratum without a
    /// patient with two visits, or an arm confounded with a stratum), or the residuals are
    /// all 0 (`Q <= 1e-14 sum y^2`: every patient's scores on a line).
    Singular,
}

/// Fitted slope model: REML estimates, as `nlme::lme` reports them.
///
/// When `converged` is false because the fit is undefined (`status` other than `Converged` or
/// `NotConverged`), `difference`, `control_slope`, `treatment_slope`, `sigma2`, `log_reml` and
/// `d` are NaN, `se` is infinite, `z` is 0 and `fixed`, `fixed_se` are empty.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SlopeFit<'w> {
    /// Outcome of the fit.
    pub status: SlopeStatus,
    /// `status == SlopeStatus::Converged`.
    pub converged: bool,
    /// `b3`, treatment slope minus control slope (points per month).
    pub difference: f64,
    /// Model-based standard error of `b3`, `sqrt(s2 [F^-1]_{b3,b3})`.
    pub se: f64,
    /// `difference / se`: positive favours treatment (a slower decline).
    pub z: f64,
    /// Control slope: `b1`; stratified, the average over strata of the control slope of each
    /// stratum, weighted by the stratum's number of patients (both arms).
    pub control_slope: f64,
    /// Treatment slope: `control_slope + b3`.
    pub treatment_slope: f64,
    /// All fixed effects in nlme's order (see the module's documentation).
    pub fixed: &'w [f64],
    /// Their model-based standard errors, `sqrt(diag(vcov))`.
    pub fixed_se: &'w [f64],
    /// Random-effects covariance `D` (intercept, slope), nlme's `getVarCov`.
    pub d: [[f64; 2]; 2],
    /// Residual variance `s2` (nlme's `sigma^2`).
    pub sigma2: f64,
    /// REML log-likelihood with its constant, nlme's `logLik`.
    pub log_reml: f64,
    /// Newton iterations done.
    pub iterations: u32,
    /// Patients in the fit (those with at least one visit).
    pub patients: usize,
    /// Observations (visits) in the fit.
    pub observations: usize,
}

impl SlopeFit<'_> {
    fn undefined(status: SlopeStatus, patients: usize, observations: usize) -> Self {
        SlopeFit {
            status,
            converged: false,
            difference: f64::NAN,
            se: f64::INFINITY,
            z: 0.0,
            control_slope: f64::NAN,
            treatment_slope: f64::NAN,
            fixed: &[],
            fixed_se: &[],
            d: [[f64::NAN; 2]; 2],
            sigma2: f64::NAN,
            log_reml: f64::NAN,
            iterations: 0,
            patients,
            observations,
        }
    }
}

/// Patients with equal arm, stratum and `A_i = Z_i'Z_i`, and their summed responses.
#[derive(Clone, Copy, Debug, Default)]
struct Pattern {
    /// Cell: `2 level + trt`.
    cell: u32,
    /// Visits per patient.
    n: u32,
    /// Number of patients.
    count: f64,
    /// `A = [[n, sum t], [sum t, sum t^2]]` as `(a11, a12, a22)`.
    a: [f64; 3],
    /// `sum_i b_i`, `b_i = (sum y, sum t y)`.
    sb: [f64; 2],
    /// `sum_i b_i b_i'` as `(11, 12, 22)`.
    sbb: [f64; 3],
    /// `sum_i sum_j y_ij^2`.
    syy: f64,
}

/// Per pattern, at the `Delta` of the last evaluation: `N^-1`, `W = N^-1 A` (symmetric) and
/// `N^-1 sum b`.
#[derive(Clone, Copy, Debug, Default)]
struct PatternState {
    ni: [[f64; 2]; 2],
    w: [f64; 3],
    u: [f64; 2],
}

/// Per cell (arm x stratum level) sums over its patterns of 2 x 2 quantities.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    /// `sum count W` (symmetric, `(11, 12, 22)`).
    w: [f64; 3],
    /// `sum N^-1 sum b` (= `sum Z' Vt^-1 y`).
    u: [f64; 2],
    /// `sum count W E_k W`.
    s: [[f64; 3]; 3],
    /// `sum count (W E_k W E_l W + its transpose)`, pairs `(k, l)`, `k <= l`, in PAIRS order.
    t: [[f64; 3]; 6],
    /// `sum W E_k sum e`.
    we: [[f64; 2]; 3],
    /// Patients.
    patients: f64,
}

/// Index pairs `(k, l)`, `k <= l`, of the symmetric 3 x 3 Hessian.
const PAIRS: [(usize, usize); 6] = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)];

/// Reusable buffers of [`fit`]: allocate once (`Default`), pass to every fit.
#[derive(Clone, Debug, Default)]
pub struct SlopeWorkspace {
    patterns: Vec<Pattern>,
    state: Vec<PatternState>,
    /// Open-addressing table of pattern indices + 1 (0 = empty).
    table: Vec<u32>,
    /// Stratum labels present, ascending (the levels).
    labels: Vec<u32>,
    cells: Vec<Cell>,
    /// `F` (`p x p`), its Cholesky factor, `L^-1`, `F^-1`, `F_k` (3), `F_kl` (6), `F^-1 F_k` (3)
    /// and their transposes.
    f: Vec<f64>,
    chol: Vec<f64>,
    linv: Vec<f64>,
    finv: Vec<f64>,
    fk: Vec<f64>,
    fkl: Vec<f64>,
    bk: Vec<f64>,
    bkt: Vec<f64>,
    /// `c`, `beta-hat` (internal order), `h_k` (3), `F^-1 h_k` (3), a scratch vector.
    c: Vec<f64>,
    beta: Vec<f64>,
    h: Vec<f64>,
    finv_h: Vec<f64>,
    /// Results in nlme's order.
    fixed: Vec<f64>,
    fixed_se: Vec<f64>,
    /// `Q` of the last evaluation.
    q_res: f64,
    /// `sum y^2` over all visits (the scale for a zero residual).
    syy: f64,
}

/// Value (`-2 l_R` less its constant), gradient and Hessian in `(a, c, d)`.
#[derive(Clone, Copy, Debug)]
struct Eval {
    f: f64,
    grad: [f64; 3],
    hess: [[f64; 3]; 3],
}

/// Problem dimensions of one fit.
#[derive(Clone, Copy, Debug)]
struct Dims {
    /// Entries of `g`: 2 + (levels - 1) when stratified, else 2.
    q: usize,
    /// Fixed effects, `2 q`.
    p: usize,
    /// Strata levels used for cells (1 when unstratified).
    levels: usize,
    /// `N - p`.
    m: f64,
}

/// The nonzero entries of `g` of a cell: `0` (intercept), `1` (treated), `1 + level` (stratum).
#[inline]
fn nonzero(cell: usize, stratified: bool) -> ([usize; 3], usize) {
    let level = cell / 2;
    let mut idx = [0, 0, 0];
    let mut n = 1;
    if cell % 2 == 1 {
        idx[n] = 1;
        n += 1;
    }
    if stratified && level > 0 {
        idx[n] = 1 + level;
        n += 1;
    }
    (idx, n)
}

/// `mat += s * (M kron g g')` for a symmetric 2 x 2 `M = (m11, m12, m22)`, internal order
/// `a q + k` (`a` = 0 intercept part, 1 time part).
#[inline]
fn add_kron(mat: &mut [f64], p: usize, q: usize, m: [f64; 3], nz: &[usize], s: f64) {
    let mm = [[m[0], m[1]], [m[1], m[2]]];
    for (a, row) in mm.iter().enumerate() {
        for (b, &v) in row.iter().enumerate() {
            let v = s * v;
            for &k in nz {
                for &l in nz {
                    mat[(a * q + k) * p + b * q + l] += v;
                }
            }
        }
    }
}

/// `vec += v kron g`.
#[inline]
fn add_kron_vec(vec: &mut [f64], q: usize, v: [f64; 2], nz: &[usize]) {
    for (a, &x) in v.iter().enumerate() {
        for &k in nz {
            vec[a * q + k] += x;
        }
    }
}

/// In-place lower Cholesky factor of the `p x p` matrix in `l` (row-major, upper part left
/// as is); false if a pivot is at most `PIVOT_TOL` times its diagonal element.
fn cholesky(l: &mut [f64], p: usize) -> bool {
    for j in 0..p {
        let mut s = l[j * p + j];
        let diag = s;
        for k in 0..j {
            s -= l[j * p + k] * l[j * p + k];
        }
        if !s.is_finite() || s <= PIVOT_TOL * diag.abs() {
            return false;
        }
        let d = s.sqrt();
        l[j * p + j] = d;
        for i in j + 1..p {
            let mut s = l[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            l[i * p + j] = s / d;
        }
    }
    true
}

/// Solves `L L' x = b` in place.
fn chol_solve(l: &[f64], p: usize, x: &mut [f64]) {
    for i in 0..p {
        let mut s = x[i];
        for k in 0..i {
            s -= l[i * p + k] * x[k];
        }
        x[i] = s / l[i * p + i];
    }
    for i in (0..p).rev() {
        let mut s = x[i];
        for k in i + 1..p {
            s -= l[k * p + i] * x[k];
        }
        x[i] = s / l[i * p + i];
    }
}

/// `F^-1 = L^-T L^-1` from the Cholesky factor `L` (R's `chol2inv`), `linv` a scratch of
/// `p x p`: needed whole for the traces of the derivatives and the standard errors.
fn chol_inverse(l: &[f64], p: usize, linv: &mut [f64], inv: &mut [f64]) {
    // L^-1, lower triangular, by forward substitution column by column
    for j in 0..p {
        for i in 0..j {
            linv[i * p + j] = 0.0;
        }
        linv[j * p + j] = 1.0 / l[j * p + j];
        for i in j + 1..p {
            let mut s = 0.0;
            for k in j..i {
                s -= l[i * p + k] * linv[k * p + j];
            }
            linv[i * p + j] = s / l[i * p + i];
        }
    }
    for i in 0..p {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i..p {
                s += linv[k * p + i] * linv[k * p + j];
            }
            inv[i * p + j] = s;
            inv[j * p + i] = s;
        }
    }
}

/// `Delta = L L'` from `theta = (a, c, d)`, as `(11, 12, 22)`.
#[inline]
fn delta_of(theta: [f64; 3]) -> [f64; 3] {
    let ea = theta[0].exp();
    let ed = theta[2].exp();
    [ea * ea, theta[1] * ea, theta[1] * theta[1] + ed * ed]
}

type M2 = [[f64; 2]; 2];

#[inline]
fn mul(x: &M2, y: &M2) -> M2 {
    [
        [
            x[0][0] * y[0][0] + x[0][1] * y[1][0],
            x[0][0] * y[0][1] + x[0][1] * y[1][1],
        ],
        [
            x[1][0] * y[0][0] + x[1][1] * y[1][0],
            x[1][0] * y[0][1] + x[1][1] * y[1][1],
        ],
    ]
}

/// `tr(E_k M)`.
#[inline]
fn tr_e(k: usize, m: &M2) -> f64 {
    match k {
        0 => m[0][0],
        1 => m[0][1] + m[1][0],
        _ => m[1][1],
    }
}

impl SlopeWorkspace {
    /// Groups the patients into patterns; returns the dimensions or why the fit is undefined.
    fn load(
        &mut self,
        visits: &Visits,
        stratified: bool,
    ) -> Result<(Dims, usize, usize), (SlopeStatus, usize, usize)> {
        let n_pat = visits.patients();
        self.labels.clear();
        if stratified {
            for i in 0..n_pat {
                if visits.rows(i).is_empty() {
                    continue;
                }
                let s = visits.stratum[i];
                if !self.labels.contains(&s) {
                    self.labels.push(s);
                }
            }
            self.labels.sort_unstable();
        }
        let levels = self.labels.len().max(1);
        let q = if stratified { 1 + levels } else { 2 };
        let p = 2 * q;
        self.cells.clear();
        self.cells.resize(2 * levels, Cell::default());

        let size = (2 * n_pat).next_power_of_two().max(16);
        self.table.clear();
        self.table.resize(size, 0);
        self.patterns.clear();
        let mask = size - 1;
        let (mut patients, mut observations) = (0usize, 0usize);
        for i in 0..n_pat {
            let rows = visits.rows(i);
            if rows.is_empty() {
                continue;
            }
            let (mut st, mut stt, mut sy, mut sty, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (&t, &y) in visits.time[rows.clone()]
                .iter()
                .zip(&visits.score[rows.clone()])
            {
                st += t;
                stt += t * t;
                sy += y;
                sty += t * y;
                syy += y * y;
            }
            let n = rows.len() as u32;
            patients += 1;
            observations += rows.len();
            let level = if stratified {
                self.labels
                    .iter()
                    .position(|&l| l == visits.stratum[i])
                    .unwrap_or(0)
            } else {
                0
            };
            let cell = (2 * level + visits.treated[i] as usize) as u32;
            self.cells[cell as usize].patients += 1.0;
            let mut h = (cell as u64) ^ ((n as u64) << 32);
            h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ st.to_bits();
            h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ stt.to_bits();
            h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut slot = (h >> 32) as usize & mask;
            loop {
                let e = self.table[slot];
                if e == 0 {
                    self.patterns.push(Pattern {
                        cell,
                        n,
                        count: 1.0,
                        a: [n as f64, st, stt],
                        sb: [sy, sty],
                        sbb: [sy * sy, sy * sty, sty * sty],
                        syy,
                    });
                    self.table[slot] = self.patterns.len() as u32;
                    break;
                }
                let pt = &mut self.patterns[e as usize - 1];
                if pt.cell == cell
                    && pt.n == n
                    && pt.a[1].to_bits() == st.to_bits()
                    && pt.a[2].to_bits() == stt.to_bits()
                {
                    pt.count += 1.0;
                    pt.sb[0] += sy;
                    pt.sb[1] += sty;
                    pt.sbb[0] += sy * sy;
                    pt.sbb[1] += sy * sty;
                    pt.sbb[2] += sty * sty;
                    pt.syy += syy;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        self.syy = self.patterns.iter().map(|pt| pt.syy).sum();
        if patients == 0 || observations <= p {
            return Err((SlopeStatus::TooFewObservations, patients, observations));
        }
        // a slope in each arm: a patient with visits at two different times
        let mut slope_in = [false, false];
        for pt in &self.patterns {
            let [a11, a12, a22] = pt.a;
            if a11 * a22 - a12 * a12 > 1e-12 * a11 * a22.max(1e-300) {
                slope_in[(pt.cell % 2) as usize] = true;
            }
        }
        if !slope_in[0] || !slope_in[1] {
            return Err((SlopeStatus::NoSlopeInArm, patients, observations));
        }
        for buf in [&mut self.f, &mut self.chol, &mut self.linv, &mut self.finv] {
            buf.clear();
            buf.resize(p * p, 0.0);
        }
        for (buf, k) in [
            (&mut self.fk, 3),
            (&mut self.bk, 3),
            (&mut self.bkt, 3),
            (&mut self.fkl, 6),
        ] {
            buf.clear();
            buf.resize(k * p * p, 0.0);
        }
        for (buf, k) in [
            (&mut self.c, 1),
            (&mut self.beta, 1),
            (&mut self.h, 3),
            (&mut self.finv_h, 3),
        ] {
            buf.clear();
            buf.resize(k * p, 0.0);
        }
        let dims = Dims {
            q,
            p,
            levels,
            m: (observations - p) as f64,
        };
        Ok((dims, patients, observations))
    }

    /// Moment start: per-patient least squares (patients with 2+ distinct times), the pooled
    /// within-cell covariance of their coefficients less `s2` times their mean `A_i^-1`, over
    /// `s2` pooled from the residuals of patients with 3+ visits; made positive definite.
    fn start(&self) -> [f64; 3] {
        let cells = self.cells.len();
        let mut mean = [[0.0f64; 2]; 64];
        let mut cnt = [0.0f64; 64];
        let use_cells = cells <= 64;
        let (mut rss, mut df, mut ainv_sum, mut n_ls) = (0.0, 0.0, [0.0f64; 3], 0.0);
        let mut tmax = 0.0f64;
        for pt in &self.patterns {
            let [a11, a12, a22] = pt.a;
            let det = a11 * a22 - a12 * a12;
            tmax = tmax.max((a22 / a11).sqrt());
            if det <= 1e-9 * a11 * a22 {
                continue;
            }
            let ai = [a22 / det, -a12 / det, a11 / det];
            // sum of beta_i = A^-1 sum b
            let sbeta = [
                ai[0] * pt.sb[0] + ai[1] * pt.sb[1],
                ai[1] * pt.sb[0] + ai[2] * pt.sb[1],
            ];
            let c = if use_cells { pt.cell as usize } else { 0 };
            mean[c][0] += sbeta[0];
            mean[c][1] += sbeta[1];
            cnt[c] += pt.count;
            for k in 0..3 {
                ainv_sum[k] += pt.count * ai[k];
            }
            n_ls += pt.count;
            if pt.n >= 3 {
                // RSS = sum y^2 - b' A^-1 b
                let bab = ai[0] * pt.sbb[0] + 2.0 * ai[1] * pt.sbb[1] + ai[2] * pt.sbb[2];
                rss += pt.syy - bab;
                df += pt.count * (pt.n as f64 - 2.0);
            }
        }
        let fallback = {
            let t = if tmax > 0.0 { tmax } else { 1.0 };
            [0.0, 0.0, -t.ln()]
        };
        if n_ls < 2.0 || df <= 0.0 || rss <= 0.0 {
            return fallback;
        }
        let s2 = rss / df;
        for c in 0..cells.min(64) {
            if cnt[c] > 0.0 {
                mean[c][0] /= cnt[c];
                mean[c][1] /= cnt[c];
            }
        }
        // sum (beta_i - mean)(beta_i - mean)' = sum beta beta' - count mean mean'
        let mut s = [0.0f64; 3];
        for pt in &self.patterns {
            let [a11, a12, a22] = pt.a;
            let det = a11 * a22 - a12 * a12;
            if det <= 1e-9 * a11 * a22 {
                continue;
            }
            let ai = [[a22 / det, -a12 / det], [-a12 / det, a11 / det]];
            let bb = [[pt.sbb[0], pt.sbb[1]], [pt.sbb[1], pt.sbb[2]]];
            let m = mul(&mul(&ai, &bb), &ai);
            let c = if use_cells { pt.cell as usize } else { 0 };
            let mu = mean[c];
            let sbeta = [
                ai[0][0] * pt.sb[0] + ai[0][1] * pt.sb[1],
                ai[1][0] * pt.sb[0] + ai[1][1] * pt.sb[1],
            ];
            // sum (beta - mu)(beta - mu)' = M - sbeta mu' - mu sbeta' + count mu mu'
            s[0] += m[0][0] - 2.0 * sbeta[0] * mu[0] + pt.count * mu[0] * mu[0];
            s[1] += m[0][1] - sbeta[0] * mu[1] - mu[0] * sbeta[1] + pt.count * mu[0] * mu[1];
            s[2] += m[1][1] - 2.0 * sbeta[1] * mu[1] + pt.count * mu[1] * mu[1];
        }
        let used = cnt[..cells.min(64)].iter().filter(|&&c| c > 0.0).count() as f64;
        let dof = (n_ls - used).max(1.0);
        let cov = [s[0] / dof, s[1] / dof, s[2] / dof];
        let mut d = [
            cov[0] - s2 * ainv_sum[0] / n_ls,
            cov[1] - s2 * ainv_sum[1] / n_ls,
            cov[2] - s2 * ainv_sum[2] / n_ls,
        ];
        d[0] = d[0].max(0.05 * cov[0]).max(1e-8 * s2);
        d[2] = d[2]
            .max(0.05 * cov[2])
            .max(1e-8 * s2 / (tmax * tmax).max(1e-300));
        let lim = 0.95 * (d[0] * d[2]).sqrt();
        d[1] = d[1].clamp(-lim, lim);
        let l11 = (d[0] / s2).sqrt();
        let l21 = d[1] / s2 / l11;
        let l22 = (d[2] / s2 - l21 * l21).max(1e-300).sqrt();
        let theta = [l11.ln(), l21, l22.ln()];
        if theta.iter().all(|x| x.is_finite()) {
            theta
        } else {
            fallback
        }
    }

    /// `-2 l_R` less its constant, and `beta-hat` and the Cholesky factor of `F` left in the
    /// workspace; with `derivs`, also the gradient and Hessian in `theta`. `None` if `F` is
    /// singular, `Q <= 0` or a value is not finite.
    fn evaluate(
        &mut self,
        dims: &Dims,
        stratified: bool,
        theta: [f64; 3],
        derivs: bool,
    ) -> Option<Eval> {
        let Dims { q, p, .. } = *dims;
        let [d11, d12, d22] = delta_of(theta);
        for c in self.cells.iter_mut() {
            let patients = c.patients;
            *c = Cell {
                patients,
                ..Cell::default()
            };
        }
        let (mut logdet, mut yvy) = (0.0, 0.0);
        self.state.clear();
        for pt in &self.patterns {
            let [a11, a12, a22] = pt.a;
            let n00 = 1.0 + a11 * d11 + a12 * d12;
            let n01 = a11 * d12 + a12 * d22;
            let n10 = a12 * d11 + a22 * d12;
            let n11 = 1.0 + a12 * d12 + a22 * d22;
            let det = n00 * n11 - n01 * n10;
            let inv = 1.0 / det;
            let (i00, i01, i10, i11) = (n11 * inv, -n01 * inv, -n10 * inv, n00 * inv);
            let w = [
                i00 * a11 + i01 * a12,
                i00 * a12 + i01 * a22,
                i10 * a12 + i11 * a22,
            ];
            let u = [
                i00 * pt.sb[0] + i01 * pt.sb[1],
                i10 * pt.sb[0] + i11 * pt.sb[1],
            ];
            let c00 = d11 * i00 + d12 * i10;
            let c01 = d11 * i01 + d12 * i11;
            let c10 = d12 * i00 + d22 * i10;
            let c11 = d12 * i01 + d22 * i11;
            yvy += pt.syy - (c00 * pt.sbb[0] + (c01 + c10) * pt.sbb[1] + c11 * pt.sbb[2]);
            logdet += pt.count * det.ln();
            let cell = &mut self.cells[pt.cell as usize];
            for k in 0..3 {
                cell.w[k] += pt.count * w[k];
            }
            cell.u[0] += u[0];
            cell.u[1] += u[1];
            self.state.push(PatternState {
                ni: [[i00, i01], [i10, i11]],
                w,
                u,
            });
        }
        self.f.iter_mut().for_each(|x| *x = 0.0);
        self.c.iter_mut().for_each(|x| *x = 0.0);
        for (ci, cell) in self.cells.iter().enumerate() {
            let (idx, nn) = nonzero(ci, stratified);
            add_kron(&mut self.f, p, q, cell.w, &idx[..nn], 1.0);
            add_kron_vec(&mut self.c, q, cell.u, &idx[..nn]);
        }
        self.chol.copy_from_slice(&self.f);
        if !cholesky(&mut self.chol, p) {
            return None;
        }
        self.beta.copy_from_slice(&self.c);
        chol_solve(&self.chol, p, &mut self.beta);
        let q_res = yvy
            - self
                .c
                .iter()
                .zip(&self.beta)
                .map(|(a, b)| a * b)
                .sum::<f64>();
        let logdet_f: f64 = (0..p).map(|i| 2.0 * self.chol[i * p + i].ln()).sum();
        if !q_res.is_finite() || q_res <= 1e-14 * self.syy {
            return None;
        }
        self.q_res = q_res;
        let m = dims.m;
        let f = logdet + logdet_f + m * q_res.ln();
        if !f.is_finite() {
            return None;
        }
        let mut out = Eval {
            f,
            grad: [0.0; 3],
            hess: [[0.0; 3]; 3],
        };
        if !derivs {
            return Some(out);
        }

        // second pass: derivatives in the elements of Delta
        let mut gamma = [[0.0f64; 2]; 64];
        let many = self.cells.len() > 64;
        let gamma_of = |ci: usize, beta: &[f64]| {
            let (idx, nn) = nonzero(ci, stratified);
            let mut g = [0.0, 0.0];
            for &k in &idx[..nn] {
                g[0] += beta[k];
                g[1] += beta[q + k];
            }
            g
        };
        if !many {
            for (ci, g) in gamma.iter_mut().enumerate().take(self.cells.len()) {
                *g = gamma_of(ci, &self.beta);
            }
        }
        let (mut l1, mut l2, mut q1, mut q2) = ([0.0f64; 3], [0.0f64; 6], [0.0f64; 3], [0.0f64; 6]);
        for (pt, st) in self.patterns.iter().zip(&self.state) {
            let ni = &st.ni;
            let [w00, w01, w11] = st.w;
            let u = st.u;
            let g = if many {
                gamma_of(pt.cell as usize, &self.beta)
            } else {
                gamma[pt.cell as usize]
            };
            let wg = [w00 * g[0] + w01 * g[1], w01 * g[0] + w11 * g[1]];
            let n = pt.count;
            let se = [u[0] - n * wg[0], u[1] - n * wg[1]];
            // P = sum e e' = N^-1 Sbb N^-T - u wg' - wg u' + n wg wg'
            let sbb: M2 = [[pt.sbb[0], pt.sbb[1]], [pt.sbb[1], pt.sbb[2]]];
            let t = mul(ni, &sbb);
            let p00 =
                t[0][0] * ni[0][0] + t[0][1] * ni[0][1] - 2.0 * u[0] * wg[0] + n * wg[0] * wg[0];
            let p01 = t[0][0] * ni[1][0] + t[0][1] * ni[1][1] - u[0] * wg[1] - wg[0] * u[1]
                + n * wg[0] * wg[1];
            let p11 =
                t[1][0] * ni[1][0] + t[1][1] * ni[1][1] - 2.0 * u[1] * wg[1] + n * wg[1] * wg[1];
            // W's columns w1, w2: W E_1 = w1 e1', W E_3 = w2 e2', W E_2 = w1 e2' + w2 e1'
            let (w1, w2) = ([w00, w01], [w01, w11]);
            // S_k = W E_k W (symmetric, (11, 12, 22))
            let sk = [
                [w00 * w00, w00 * w01, w01 * w01],
                [2.0 * w00 * w01, w00 * w11 + w01 * w01, 2.0 * w01 * w11],
                [w01 * w01, w01 * w11, w11 * w11],
            ];
            // W E_k R for a symmetric R with rows r0, r1
            let we = |k: usize, r0: [f64; 2], r1: [f64; 2]| -> M2 {
                match k {
                    0 => [
                        [w1[0] * r0[0], w1[0] * r0[1]],
                        [w1[1] * r0[0], w1[1] * r0[1]],
                    ],
                    2 => [
                        [w2[0] * r1[0], w2[0] * r1[1]],
                        [w2[1] * r1[0], w2[1] * r1[1]],
                    ],
                    _ => [
                        [w1[0] * r1[0] + w2[0] * r0[0], w1[0] * r1[1] + w2[0] * r0[1]],
                        [w1[1] * r1[0] + w2[1] * r0[0], w1[1] * r1[1] + w2[1] * r0[1]],
                    ],
                }
            };
            l1[0] += n * w00;
            l1[1] += n * 2.0 * w01;
            l1[2] += n * w11;
            q1[0] -= p00;
            q1[1] -= 2.0 * p01;
            q1[2] -= p11;
            let cell = &mut self.cells[pt.cell as usize];
            for (r, &(k, l)) in PAIRS.iter().enumerate() {
                // tr(W E_k W E_l) = tr(E_k S_l)
                l2[r] -= n * tr_e(k, &[[sk[l][0], sk[l][1]], [sk[l][1], sk[l][2]]]);
                // 2 tr(E_k W E_l P)
                q2[r] += 2.0 * tr_e(k, &we(l, [p00, p01], [p01, p11]));
                // W E_k S_l + its transpose
                let m = we(k, [sk[l][0], sk[l][1]], [sk[l][1], sk[l][2]]);
                cell.t[r][0] += n * 2.0 * m[0][0];
                cell.t[r][1] += n * (m[0][1] + m[1][0]);
                cell.t[r][2] += n * 2.0 * m[1][1];
            }
            for k in 0..3 {
                for j in 0..3 {
                    cell.s[k][j] += n * sk[k][j];
                }
            }
            // W E_k sum e
            cell.we[0][0] += w1[0] * se[0];
            cell.we[0][1] += w1[1] * se[0];
            cell.we[1][0] += w1[0] * se[1] + w2[0] * se[0];
            cell.we[1][1] += w1[1] * se[1] + w2[1] * se[0];
            cell.we[2][0] += w2[0] * se[1];
            cell.we[2][1] += w2[1] * se[1];
        }
        let pp = p * p;
        self.fk.iter_mut().for_each(|x| *x = 0.0);
        self.fkl.iter_mut().for_each(|x| *x = 0.0);
        self.h.iter_mut().for_each(|x| *x = 0.0);
        for (ci, cell) in self.cells.iter().enumerate() {
            let (idx, nn) = nonzero(ci, stratified);
            let nz = &idx[..nn];
            for k in 0..3 {
                add_kron(
                    &mut self.fk[k * pp..(k + 1) * pp],
                    p,
                    q,
                    cell.s[k],
                    nz,
                    -1.0,
                );
                add_kron_vec(&mut self.h[k * p..(k + 1) * p], q, cell.we[k], nz);
            }
            for r in 0..6 {
                add_kron(
                    &mut self.fkl[r * pp..(r + 1) * pp],
                    p,
                    q,
                    cell.t[r],
                    nz,
                    1.0,
                );
            }
        }
        chol_inverse(&self.chol, p, &mut self.linv, &mut self.finv);
        // B_k = F^-1 F_k
        for k in 0..3 {
            let fk = &self.fk[k * pp..(k + 1) * pp];
            let bk = &mut self.bk[k * pp..(k + 1) * pp];
            bk.iter_mut().for_each(|x| *x = 0.0);
            for i in 0..p {
                for l in 0..p {
                    let a = self.finv[i * p + l];
                    let (row, src) = (&mut bk[i * p..(i + 1) * p], &fk[l * p..(l + 1) * p]);
                    for (b, &x) in row.iter_mut().zip(src) {
                        *b += a * x;
                    }
                }
            }
            // B_k' (for the traces of B_k B_l with contiguous rows)
            let bt = &mut self.bkt[k * pp..(k + 1) * pp];
            for i in 0..p {
                for j in 0..p {
                    bt[j * p + i] = bk[i * p + j];
                }
            }
            let hk = &self.h[k * p..(k + 1) * p];
            for i in 0..p {
                let mut s = 0.0;
                for l in 0..p {
                    s += self.finv[i * p + l] * hk[l];
                }
                self.finv_h[k * p + i] = s;
            }
        }
        let mut gd = [0.0f64; 3];
        for (k, g) in gd.iter_mut().enumerate() {
            let tr: f64 = (0..p).map(|i| self.bk[k * pp + i * p + i]).sum();
            *g = l1[k] + tr + m * q1[k] / q_res;
        }
        let mut hd = [[0.0f64; 3]; 3];
        for (r, &(k, l)) in PAIRS.iter().enumerate() {
            let fkl = &self.fkl[r * pp..(r + 1) * pp];
            let tr_fkl: f64 = self.finv.iter().zip(fkl).map(|(a, b)| a * b).sum();
            let (bk, bl) = (
                &self.bk[k * pp..(k + 1) * pp],
                &self.bkt[l * pp..(l + 1) * pp],
            );
            // tr(B_k B_l) = sum_ij B_k[i][j] B_l'[i][j]
            let tr_bb: f64 = bk.iter().zip(bl).map(|(a, b)| a * b).sum();
            let hfh: f64 = self.h[k * p..(k + 1) * p]
                .iter()
                .zip(&self.finv_h[l * p..(l + 1) * p])
                .map(|(a, b)| a * b)
                .sum();
            let qkl = q2[r] - 2.0 * hfh;
            let v = l2[r] + tr_fkl - tr_bb + m * (qkl / q_res - q1[k] * q1[l] / (q_res * q_res));
            hd[k][l] = v;
            hd[l][k] = v;
        }
        // chain rule to theta = (a, c, d): Delta = (e^2a, c e^a, c^2 + e^2d)
        let ea = theta[0].exp();
        let e2a = ea * ea;
        let e2d = (2.0 * theta[2]).exp();
        let c = theta[1];
        let jac = [
            [2.0 * e2a, 0.0, 0.0],
            [c * ea, ea, 0.0],
            [0.0, 2.0 * c, 2.0 * e2d],
        ];
        for i in 0..3 {
            out.grad[i] = (0..3).map(|mm| jac[mm][i] * gd[mm]).sum();
        }
        for i in 0..3 {
            for j in 0..3 {
                let mut s = 0.0;
                for a in 0..3 {
                    for b in 0..3 {
                        s += jac[a][i] * hd[a][b] * jac[b][j];
                    }
                }
                out.hess[i][j] = s;
            }
        }
        out.hess[0][0] += gd[0] * 4.0 * e2a + gd[1] * c * ea;
        out.hess[0][1] += gd[1] * ea;
        out.hess[1][0] += gd[1] * ea;
        out.hess[1][1] += gd[2] * 2.0;
        out.hess[2][2] += gd[2] * 4.0 * e2d;
        if out
            .grad
            .iter()
            .chain(out.hess.iter().flatten())
            .all(|x| x.is_finite())
        {
            Some(out)
        } else {
            None
        }
    }
}

/// Newton step `s = -(H + tau I)^-1 g` with the smallest `tau` (0, then 1e-8 max|H_ii|
/// growing tenfold) that makes the matrix positive definite.
fn newton_step(h: &[[f64; 3]; 3], g: &[f64; 3]) -> Option<[f64; 3]> {
    let scale = h
        .iter()
        .enumerate()
        .map(|(i, r)| r[i].abs())
        .fold(0.0f64, f64::max);
    let mut tau = 0.0;
    for _ in 0..40 {
        let mut l = [0.0f64; 9];
        for i in 0..3 {
            for j in 0..3 {
                l[i * 3 + j] = h[i][j] + if i == j { tau } else { 0.0 };
            }
        }
        if cholesky(&mut l, 3) {
            let mut s = [-g[0], -g[1], -g[2]];
            chol_solve(&l, 3, &mut s);
            return Some(s);
        }
        tau = if tau == 0.0 {
            (1e-8 * scale).max(1e-12)
        } else {
            tau * 10.0
        };
    }
    None
}

/// Fits the slope model to `visits` by REML (see the module's documentation); `stratified`
/// adds a fixed intercept and slope per stratum (`score ~ time * arm + stratum * time`).
///
/// Patients without visits are ignored; patients with only a baseline visit are kept (they
/// inform the intercepts and the variance components). The returned fit borrows `fixed` and
/// `fixed_se` from `ws`. After the first call on data of a given size it allocates nothing.
/// Never panics on data; an undefined fit says why in `status` (`z` = 0 then).
pub fn fit<'w>(visits: &Visits, stratified: bool, ws: &'w mut SlopeWorkspace) -> SlopeFit<'w> {
    let (dims, patients, observations) = match ws.load(visits, stratified) {
        Ok(x) => x,
        Err((status, patients, observations)) => {
            return SlopeFit::undefined(status, patients, observations);
        }
    };
    let mut theta = ws.start();
    let mut current = match ws.evaluate(&dims, stratified, theta, true) {
        Some(e) => e,
        None => {
            // the start can fail only through F or Q, which do not depend on it much: try the
            // fallback start before giving up
            theta = [0.0, 0.0, 0.0];
            match ws.evaluate(&dims, stratified, theta, true) {
                Some(e) => e,
                None => return SlopeFit::undefined(SlopeStatus::Singular, patients, observations),
            }
        }
    };
    let mut status = SlopeStatus::NotConverged;
    let mut iterations = 0;
    // `ws` holds the state of `theta` as long as `fresh`
    let mut fresh = true;
    while iterations < MAX_ITER {
        let Some(step) = newton_step(&current.hess, &current.grad) else {
            break;
        };
        let slope: f64 = (0..3).map(|i| step[i] * current.grad[i]).sum();
        let decrement = -slope;
        iterations += 1;
        if decrement < DECREMENT_TOL {
            // the last step: quadratic convergence makes it exact to rounding
            let next = [theta[0] + step[0], theta[1] + step[1], theta[2] + step[2]];
            if let Some(e) = ws.evaluate(&dims, stratified, next, false)
                && e.f <= current.f + 1e-9
            {
                theta = next;
                current.f = e.f;
                fresh = true;
            } else {
                fresh = false;
            }
            status = SlopeStatus::Converged;
            break;
        }
        // Backtracking (Armijo) on the objective alone; the derivatives only at the point
        // accepted. Near the optimum (a small decrement) a full step that does not decrease f
        // is rounding: no halving then.
        let mut alpha = 1.0;
        let mut accepted = None;
        let halvings = if decrement < 1e-7 { 1 } else { 40 };
        for _ in 0..halvings {
            let next = [
                theta[0] + alpha * step[0],
                theta[1] + alpha * step[1],
                theta[2] + alpha * step[2],
            ];
            if let Some(e) = ws.evaluate(&dims, stratified, next, false)
                && e.f <= current.f + 1e-4 * alpha * slope
                && let Some(e) = ws.evaluate(&dims, stratified, next, true)
            {
                accepted = Some((next, e));
                break;
            }
            alpha *= 0.5;
        }
        match accepted {
            Some((next, e)) => {
                theta = next;
                current = e;
                fresh = true;
            }
            None => {
                // no decrease: at the optimum to rounding if the decrement is small
                fresh = false;
                if decrement < 1e-6 {
                    status = SlopeStatus::Converged;
                }
                break;
            }
        }
    }
    if !fresh && ws.evaluate(&dims, stratified, theta, false).is_none() {
        return SlopeFit::undefined(SlopeStatus::Singular, patients, observations);
    }
    finish(
        ws,
        &dims,
        stratified,
        theta,
        current.f,
        status,
        iterations,
        patients,
        observations,
    )
}

/// The fit's numbers at `theta`, whose `F` factor and `beta-hat` are in `ws`.
#[allow(clippy::too_many_arguments)]
fn finish<'w>(
    ws: &'w mut SlopeWorkspace,
    dims: &Dims,
    stratified: bool,
    theta: [f64; 3],
    f: f64,
    status: SlopeStatus,
    iterations: u32,
    patients: usize,
    observations: usize,
) -> SlopeFit<'w> {
    let Dims { q, p, m, levels } = *dims;
    chol_inverse(&ws.chol, p, &mut ws.linv, &mut ws.finv);
    let sigma2 = ws.q_res / m;
    let log_reml = -0.5 * (f + m * (LN_2PI + 1.0 - m.ln()));
    let delta = delta_of(theta);
    let d = [
        [sigma2 * delta[0], sigma2 * delta[1]],
        [sigma2 * delta[1], sigma2 * delta[2]],
    ];
    // nlme's order: 0, q, 1..q, q+1..2q
    ws.fixed.clear();
    ws.fixed_se.clear();
    let order = std::iter::once(0)
        .chain(std::iter::once(q))
        .chain(1..q)
        .chain(q + 1..2 * q);
    for i in order {
        ws.fixed.push(ws.beta[i]);
        ws.fixed_se.push((sigma2 * ws.finv[i * p + i]).sqrt());
    }
    let difference = ws.beta[q + 1];
    let se = (sigma2 * ws.finv[(q + 1) * p + q + 1]).sqrt();
    let mut control_slope = ws.beta[q];
    if stratified && levels > 1 {
        let total: f64 = ws.cells.iter().map(|c| c.patients).sum();
        for level in 1..levels {
            let n = ws.cells[2 * level].patients + ws.cells[2 * level + 1].patients;
            control_slope += n / total * ws.beta[q + 1 + level];
        }
    }
    let z = if se > 0.0 && se.is_finite() && difference.is_finite() {
        difference / se
    } else {
        0.0
    };
    SlopeFit {
        status,
        converged: status == SlopeStatus::Converged,
        difference,
        se,
        z,
        control_slope,
        treatment_slope: control_slope + difference,
        fixed: &ws.fixed,
        fixed_se: &ws.fixed_se,
        d,
        sigma2,
        log_reml,
        iterations,
        patients,
        observations,
    }
}

/// Variance of the slope estimate of ONE patient with complete visits at `times` under the
/// model (random intercept and slope with covariance `d`, residual variance `sigma2`): the
/// `[slope, slope]` element of `(Z' V^-1 Z)^-1`, `V = Z D Z' + sigma2 I`.
///
/// By Woodbury, `Z' V^-1 Z = A (sigma2 I + D A)^-1` with `A = Z'Z`, so
/// `(Z' V^-1 Z)^-1 = sigma2 A^-1 + D` and the variance is
///
/// ```text
/// sigma2 / sum_j (t_j - t-bar)^2 + D_22,
/// ```
///
/// the within-patient least-squares variance of the slope plus the between-patient variance of
/// the slopes (Laird and Ware 1982). With `n_t` and `n_c` such patients per arm the variance of
/// the difference in slopes is `slope_variance * (1 / n_t + 1 / n_c)`, the usual power formula
/// of the slope test without death or dropout. Infinite with fewer than two distinct times.
pub fn slope_variance(times: &[f64], d: [[f64; 2]; 2], sigma2: f64) -> f64 {
    if times.is_empty() {
        return f64::INFINITY;
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let sxx: f64 = times.iter().map(|t| (t - mean) * (t - mean)).sum();
    if !sxx.is_finite() || sxx <= 0.0 {
        return f64::INFINITY;
    }
    sigma2 / sxx + d[1][1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use rand_distr::StandardNormal;

    /// ALS-like data: `n` patients alternating arms, strata `i % 3`, visits every 3 months to
    /// 18, baseline N(38, 5^2), slope N(-1 (-0.75 treated), sd_slope^2), noise N(0, 2^2);
    /// with `truncate`, visits stop at an exponential time with mean 30 months.
    fn simulate(n: usize, seed: u64, sd_slope: f64, truncate: bool) -> Visits {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut v = Visits::default();
        v.clear();
        for i in 0..n {
            let treated = i % 2 == 1;
            v.push_patient(treated, (i % 3) as u32);
            let z: f64 = rng.sample(StandardNormal);
            let base = 38.0 + 5.0 * z;
            let z: f64 = rng.sample(StandardNormal);
            let slope = if treated { -0.75 } else { -1.0 } + sd_slope * z;
            let u: f64 = rng.random();
            let stop = if truncate {
                -30.0 * (1.0 - u).ln()
            } else {
                f64::INFINITY
            };
            for k in 0..7 {
                let t = 3.0 * k as f64;
                if k > 0 && t > stop {
                    break;
                }
                let e: f64 = rng.sample(StandardNormal);
                v.push_visit(t, base + slope * t + 2.0 * e);
            }
        }
        v
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn slope_variance_matches_the_matrix_computation() {
        let times = [0.0, 3.0, 6.0, 9.0, 12.0, 18.0];
        let d = [[20.0, -0.4], [-0.4, 0.3]];
        let s2 = 4.0;
        let n = times.len();
        // V = Z D Z' + s2 I, then Z' V^-1 Z by Cholesky solves, then its 2 x 2 inverse
        let mut v = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let (zi, zj) = ([1.0, times[i]], [1.0, times[j]]);
                let mut s = 0.0;
                for a in 0..2 {
                    for b in 0..2 {
                        s += zi[a] * d[a][b] * zj[b];
                    }
                }
                v[i * n + j] = s + if i == j { s2 } else { 0.0 };
            }
        }
        assert!(cholesky(&mut v, n));
        let mut m = [[0.0; 2]; 2];
        for b in 0..2 {
            let mut x: Vec<f64> = times
                .iter()
                .map(|&t| if b == 0 { 1.0 } else { t })
                .collect();
            chol_solve(&v, n, &mut x);
            for (a, row) in m.iter_mut().enumerate() {
                row[b] = times
                    .iter()
                    .zip(&x)
                    .map(|(&t, &xi)| if a == 0 { xi } else { t * xi })
                    .sum();
            }
        }
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
        let direct = m[0][0] / det;
        let closed = slope_variance(&times, d, s2);
        assert!(close(closed, direct, 1e-12), "{closed} vs {direct}");
        assert_eq!(slope_variance(&[0.0], d, s2), f64::INFINITY);
        assert_eq!(slope_variance(&[], d, s2), f64::INFINITY);
    }

    /// Balanced complete data: the REML estimates are the moment estimates of per-patient
    /// least squares (s2 the pooled residual variance; D the pooled within-arm covariance of
    /// the coefficients less s2 (Z'Z)^-1; the fixed effects the arm means of the coefficients)
    /// when that D is positive definite; and se(b3)^2 = slope_variance (1/4 + 1/4).
    #[test]
    fn balanced_data_give_the_moment_estimates() {
        let scores = [
            [40.0, 40.0, 39.0, 39.0],
            [44.0, 42.0, 39.0, 37.0],
            [35.0, 34.0, 32.0, 32.0],
            [41.0, 38.0, 36.0, 32.0],
            [39.0, 39.0, 38.0, 39.0],
            [43.0, 41.0, 40.0, 37.0],
            [37.0, 35.0, 35.0, 34.0],
            [42.0, 42.0, 40.0, 41.0],
        ];
        let times = [0.0, 1.0, 2.0, 3.0];
        let mut v = Visits::default();
        v.clear();
        let mut coef = vec![];
        let mut rss = 0.0;
        for (i, y) in scores.iter().enumerate() {
            v.push_patient(i >= 4, 0);
            for (t, s) in times.iter().zip(y) {
                v.push_visit(*t, *s);
            }
            let ybar = y.iter().sum::<f64>() / 4.0;
            let slope = times
                .iter()
                .zip(y)
                .map(|(t, s)| (t - 1.5) * (s - ybar))
                .sum::<f64>()
                / 5.0;
            let icpt = ybar - 1.5 * slope;
            rss += times
                .iter()
                .zip(y)
                .map(|(t, s)| (s - icpt - slope * t).powi(2))
                .sum::<f64>();
            coef.push([icpt, slope]);
        }
        let s2 = rss / (8.0 * 2.0);
        let mean = |arm: usize, k: usize| (0..4).map(|i| coef[4 * arm + i][k]).sum::<f64>() / 4.0;
        let mut cov = [[0.0; 2]; 2];
        for (i, c) in coef.iter().enumerate() {
            let arm = i / 4;
            for a in 0..2 {
                for b in 0..2 {
                    cov[a][b] += (c[a] - mean(arm, a)) * (c[b] - mean(arm, b)) / 6.0;
                }
            }
        }
        // (Z'Z)^-1 for times 0..3: [[7/10, -3/10], [-3/10, 1/5]]
        let zz_inv = [[0.7, -0.3], [-0.3, 0.2]];
        let mut d = [[0.0; 2]; 2];
        for a in 0..2 {
            for b in 0..2 {
                d[a][b] = cov[a][b] - s2 * zz_inv[a][b];
            }
        }
        let mut ws = SlopeWorkspace::default();
        let f = fit(&v, false, &mut ws);
        assert!(f.converged, "{f:?}");
        assert!(close(f.sigma2, s2, 1e-10), "{} vs {s2}", f.sigma2);
        for a in 0..2 {
            for b in 0..2 {
                assert!(
                    close(f.d[a][b], d[a][b], 1e-9),
                    "d {a}{b}: {} vs {}",
                    f.d[a][b],
                    d[a][b]
                );
            }
        }
        let fixed = [
            mean(0, 0),
            mean(0, 1),
            mean(1, 0) - mean(0, 0),
            mean(1, 1) - mean(0, 1),
        ];
        for (x, e) in f.fixed.iter().zip(fixed) {
            assert!((x - e).abs() < 1e-10, "{x} vs {e}");
        }
        let se = (slope_variance(&times, d, s2) * 0.5).sqrt();
        assert!(close(f.se, se, 1e-9), "{} vs {se}", f.se);
        assert!(close(f.z, f.difference / f.se, 1e-15));
        assert!(
            f.iterations <= 2,
            "started at the optimum: {} iterations",
            f.iterations
        );
    }

    /// The analytic gradient and Hessian against central differences of the value and of the
    /// analytic gradient.
    #[test]
    fn derivatives_match_finite_differences() {
        for stratified in [false, true] {
            let v = simulate(120, 7, 0.5, true);
            let mut ws = SlopeWorkspace::default();
            let (dims, _, _) = ws.load(&v, stratified).expect("defined");
            let theta = [0.9, -0.05, -1.3];
            let e = ws.evaluate(&dims, stratified, theta, true).expect("finite");
            let h = 1e-5;
            for k in 0..3 {
                let mut tp = theta;
                let mut tm = theta;
                tp[k] += h;
                tm[k] -= h;
                let ep = ws.evaluate(&dims, stratified, tp, true).unwrap();
                let em = ws.evaluate(&dims, stratified, tm, true).unwrap();
                let g = (ep.f - em.f) / (2.0 * h);
                assert!(
                    (g - e.grad[k]).abs() < 1e-6 * (1.0 + g.abs()),
                    "grad {k}: {g} vs {}",
                    e.grad[k]
                );
                for l in 0..3 {
                    let hkl = (ep.grad[l] - em.grad[l]) / (2.0 * h);
                    assert!(
                        (hkl - e.hess[k][l]).abs() < 1e-5 * (1.0 + hkl.abs()),
                        "stratified {stratified} hess {k}{l}: {hkl} vs {}",
                        e.hess[k][l]
                    );
                }
            }
        }
    }

    #[test]
    fn patient_order_does_not_matter() {
        let v = simulate(150, 11, 0.5, true);
        let mut r = Visits::default();
        r.clear();
        let mut order: Vec<usize> = (0..v.patients()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for i in (1..order.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &i in &order {
            r.push_patient(v.treated[i], v.stratum[i]);
            for row in v.rows(i) {
                r.push_visit(v.time[row], v.score[row]);
            }
        }
        for stratified in [false, true] {
            let mut w1 = SlopeWorkspace::default();
            let mut w2 = SlopeWorkspace::default();
            let a = fit(&v, stratified, &mut w1);
            let b = fit(&r, stratified, &mut w2);
            assert!(a.converged && b.converged);
            assert!(close(a.z, b.z, 1e-9), "{} vs {}", a.z, b.z);
            assert!(close(a.log_reml, b.log_reml, 1e-12));
            for (x, y) in a.fixed.iter().zip(b.fixed) {
                assert!((x - y).abs() < 1e-9 * (1.0 + y.abs()));
            }
        }
    }

    #[test]
    fn undefined_fits_say_so() {
        let mut ws = SlopeWorkspace::default();
        let mut v = Visits::default();
        v.clear();
        let f = fit(&v, false, &mut ws);
        assert_eq!(f.status, SlopeStatus::TooFewObservations);
        assert_eq!(f.z, 0.0);
        // one arm only
        let all = simulate(40, 1, 0.5, false);
        v.clear();
        for i in 0..all.patients() {
            v.push_patient(true, 0);
            for row in all.rows(i) {
                v.push_visit(all.time[row], all.score[row]);
            }
        }
        let f = fit(&v, false, &mut ws);
        assert_eq!(f.status, SlopeStatus::NoSlopeInArm);
        assert!(!f.converged && f.z == 0.0);
        // treated patients with a baseline only
        v.clear();
        for i in 0..all.patients() {
            v.push_patient(all.treated[i], 0);
            for row in all.rows(i) {
                if all.treated[i] && all.time[row] > 0.0 {
                    break;
                }
                v.push_visit(all.time[row], all.score[row]);
            }
        }
        let f = fit(&v, false, &mut ws);
        assert_eq!(f.status, SlopeStatus::NoSlopeInArm);
        // a stratum whose patients have only a baseline: its slope is not estimable
        v.clear();
        for i in 0..all.patients() {
            v.push_patient(all.treated[i], (i % 3 == 0) as u32);
            for row in all.rows(i) {
                if i % 3 == 0 && all.time[row] > 0.0 {
                    break;
                }
                v.push_visit(all.time[row], all.score[row]);
            }
        }
        let f = fit(&v, true, &mut ws);
        assert_eq!(f.status, SlopeStatus::Singular);
        assert_eq!(f.z, 0.0);
        assert!(fit(&v, false, &mut ws).converged);
        // scores on exact lines: the residuals vanish
        v.clear();
        for i in 0..10 {
            v.push_patient(i % 2 == 0, 0);
            for k in 0..4 {
                v.push_visit(k as f64, 40.0 - (i % 2) as f64 * k as f64);
            }
        }
        let f = fit(&v, false, &mut ws);
        assert_eq!(f.status, SlopeStatus::Singular, "{f:?}");
        assert!(!f.converged && f.z == 0.0);
        // a patient without visits is ignored
        let mut w = simulate(60, 2, 0.5, true);
        let a = fit(&w, false, &mut ws).z;
        w.push_patient(true, 0);
        let b = fit(&w, false, &mut ws);
        assert_eq!(b.patients, 60);
        assert!(close(b.z, a, 1e-12));
    }

    /// No slope variance in truth: the fit approaches the boundary and stops, converged, with
    /// a slope variance negligible against its scale.
    #[test]
    fn boundary_is_approached_gracefully() {
        let v = simulate(200, 5, 0.0, true);
        let mut ws = SlopeWorkspace::default();
        let f = fit(&v, false, &mut ws);
        assert!(f.z.is_finite() && f.se.is_finite());
        assert!(f.d[1][1] >= 0.0 && f.d[1][1] < 0.02, "{:?}", f.d);
        if f.d[1][1] < 1e-6 {
            assert!(f.converged, "{f:?}");
        }
        // a random-intercept-only truth with small noise
        let mut w = Visits::default();
        w.clear();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for i in 0..100 {
            w.push_patient(i % 2 == 0, 0);
            let b: f64 = rng.sample(StandardNormal);
            for k in 0..5 {
                let e: f64 = rng.sample(StandardNormal);
                w.push_visit(k as f64, 30.0 + 4.0 * b - k as f64 + 0.5 * e);
            }
        }
        let f = fit(&w, false, &mut ws);
        assert!(f.z.is_finite() && f.converged, "{f:?}");
    }

    /// The model-based SE of complete balanced data matches the closed form at the true
    /// parameters: se^2 = slope_variance (1/n_t + 1/n_c); and its spread over replicates
    /// matches the SE.
    #[test]
    fn simulated_se_matches_the_closed_form() {
        let times: Vec<f64> = (0..7).map(|k| 3.0 * k as f64).collect();
        let d = [[25.0, 0.0], [0.0, 0.25]];
        let expected = (slope_variance(&times, d, 4.0) * (2.0 / 200.0)).sqrt();
        let mut ws = SlopeWorkspace::default();
        let (mut se_sum, mut diffs) = (0.0, vec![]);
        let reps = 200;
        for r in 0..reps {
            let v = simulate(400, 100 + r, 0.5, false);
            let f = fit(&v, false, &mut ws);
            assert!(f.converged);
            se_sum += f.se;
            diffs.push(f.difference);
        }
        let se = se_sum / reps as f64;
        assert!(
            close(se, expected, 0.02),
            "mean se {se} vs closed form {expected}"
        );
        let mean = diffs.iter().sum::<f64>() / reps as f64;
        let sd =
            (diffs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (reps as f64 - 1.0)).sqrt();
        // the SD of 200 replicates is within about 3 x 5% of the truth
        assert!(
            close(sd, expected, 0.15),
            "sd of estimates {sd} vs {expected}"
        );
        assert!((mean - 0.25).abs() < 4.0 * expected / (reps as f64).sqrt());
    }
}
