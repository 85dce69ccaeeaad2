//! Change from baseline in ALSFRS-R at a visit by a mixed model for repeated measures (MMRM):
//! an unstructured covariance across the visits, fitted by REML (Mallinckrodt, Clark and David
//! 2001, "Accounting for dropout bias using mixed-effects models", J Biopharm Stat 11; Patterson
//! and Thompson 1971 for REML; Jennrich and Schluchter 1986, "Unbalanced repeated-measures models
//! with structured covariance matrices", Biometrics 42, for the likelihood with missing visits).
//!
//! # Data
//! The visit categories are the distinct post-baseline visit times of the [`Visits`] table up to
//! and including the target time `at` (sorted; `vis = 1..J`), compared exactly (simulated visits
//! are nominal times); visits after `at` are not used. The response is the change from baseline,
//! `chg_ij = score_ij - score_i0`, the baseline the patient's row at time 0. A patient with no
//! row at time 0 or no post-baseline visit up to `at` contributes nothing; a second row at the
//! same visit time is ignored (the first counts). Missing visits are simply absent (missing at
//! random).
//!
//! # Model
//! `chg_ij = mu_j + beta_j base_i + tau_j trt_i [+ gamma_js stratum_is] + e_ij`, with
//! `e_i ~ N(0, Sigma_i)`, `Sigma_i` the rows and columns of the unstructured J x J `Sigma` of the
//! visits patient `i` attended: nlme's
//! `gls(chg ~ 0 + visit + visit:base + visit:arm [+ visit:stratum], correlation = corSymm(form =
//! ~ vis | id), weights = varIdent(form = ~ 1 | visit), method = "REML")`, arm 0/1, stratum a
//! factor with its lowest level the reference. The estimate is `tau_J`, treatment minus control
//! mean change at `at`, with its model-based SE `sqrt([(X' V^-1 X)^-1]_tau_J)` (as gls reports)
//! and `z = tau_J / se`: positive favours treatment (ALSFRS-R falls; a smaller fall is a larger
//! change).
//!
//! # Fit
//! Write `z_i = (1, base_i, trt_i, stratum indicators)` (q values) and `B` the J x q matrix of
//! the coefficients, so that the mean of `y_i` (the changes at the visits `P` patient `i`
//! attended) is `B_P z_i`. Patients are grouped by their pattern `P` of visits (a bitmask); per
//! pattern only `n_P`, `Szz_P = sum z_i z_i'`, `Syz_P = sum y_i z_i'` and `Syy_P = sum y_i y_i'`
//! are kept, so an iteration costs nothing per patient. With `W_P = Sigma_P^-1`, the GLS
//! equations are `A beta = b`, `A = sum_P (S_P' W_P S_P) (x) Szz_P`, `b = vec(sum_P S_P' W_P
//! Syz_P)` (`S_P` the J x |P| selection, beta ordered by visit), and minus twice the REML
//! log-likelihood, profiled over beta, is
//!
//! `f(Sigma) = sum_P n_P log|Sigma_P| + log|A| + sum_P tr(W_P Syy_P) - b' A^-1 b`,
//! `log_reml = -(N - p)/2 log(2 pi) - f / 2`
//!
//! (N observations, p = J q coefficients; nlme's `logLik` of a REML gls, without a
//! `log|X'X|` term). Its gradient in `Sigma` is `G = sum_P S_P (n_P W_P - W_P (R_P + C_P) W_P)
//! S_P'`, with `R_P` the residual cross-products at beta-hat and `C_P[a, b] = tr(A^-1_{ab}
//! Szz_P)` (the blocks of `A^-1` of visits a, b), from `d log|A| = -tr(A^-1 sum (S'W dSigma W S
//! (x) Szz))`. `Sigma = L L'` is parameterised by its Cholesky factor `L` with the log of the
//! diagonal (Pinheiro and Bates 1996, "Unconstrained parametrizations for variance-covariance
//! matrices", Statistics and Computing 6), and minimised by Newton's method with the analytic
//! gradient and a Hessian that holds `R_P + C_P` fixed (the terms of beta-hat's and `A^-1`'s
//! second-order change, a relative O(p / N), are left out; when that matrix is not positive
//! definite, the expected information `sum_P n_P tr(W_P dSigma_a W_P dSigma_b)` of Fisher
//! scoring is used), with step halving. Convergence: the Newton decrement `g' H^-1 g` below
//! 1e-14 (about 1e-8 relative in Sigma). The start is the pairwise covariance of the per-visit OLS residuals.
//!
//! # Fallback
//! [`ancova`] is the ANCOVA at the visit: `lm(chg ~ base + arm [+ stratum])` by OLS on the
//! patients seen at `at` (complete cases), for when there are too many visits for an unstructured
//! matrix. [`fit`] always fits the MMRM (up to [`MAX_VISITS`] visits); [`fit_or_ancova`] fits the
//! MMRM with at most [`MAX_UNSTRUCTURED_VISITS`] visits up to `at` and the ANCOVA beyond; the
//! result's `method` says which.

// Matrix code: index loops read as the formulas do.
#![allow(clippy::needless_range_loop)]

use super::Visits;
use std::f64::consts::PI;

/// Most visits up to `at` that [`fit`] accepts (the patterns are 64-bit masks).
pub const MAX_VISITS: usize = 64;
/// Most visits up to `at` for which [`fit_or_ancova`] fits the unstructured MMRM.
pub const MAX_UNSTRUCTURED_VISITS: usize = 12;
/// Newton iterations at most.
const MAX_ITER: u32 = 100;
/// Convergence: Newton decrement `g' H^-1 g` of `f = -2 log_reml`.
const TOL: f64 = 1e-14;

/// Which analysis produced an [`MmrmFit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The MMRM, unstructured covariance, REML.
    Mmrm,
    /// The ANCOVA at the visit (complete cases, OLS).
    Ancova,
}

/// Why an analysis has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undefined {
    /// `at` is not the time of a post-baseline visit of a patient with a baseline.
    NotAVisit,
    /// No patient of one of the arms is observed at `at`.
    ArmUnobserved,
    /// More than [`MAX_VISITS`] visits up to `at`.
    TooManyVisits,
    /// The fixed effects are not estimable: `X' V^-1 X` is singular (a visit seen in one arm
    /// only, a stratum absent at a visit, no more observations than coefficients).
    Singular,
    /// The REML iterations did not reach a finite optimum (a degenerate covariance).
    Failed,
}

/// The treatment effect at a visit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmrmFit {
    /// Treatment minus control mean change from baseline at `at` (`tau_J`; for the ANCOVA the
    /// arm coefficient).
    pub difference: f64,
    /// Model-based standard error of `difference`.
    pub se: f64,
    /// `difference / se` (> 0 favours treatment), always finite.
    pub z: f64,
    /// LS mean change at `at` on treatment: the fitted mean at the mean baseline (and the mean
    /// stratum indicators) of the patients used.
    pub treatment_mean: f64,
    /// LS mean change at `at` on control, likewise.
    pub control_mean: f64,
    /// Visits up to `at`, J (1 for the ANCOVA).
    pub visits: usize,
    /// Patients used.
    pub patients: usize,
    /// Post-baseline observations used (N).
    pub observations: usize,
    /// REML log-likelihood, as nlme's `logLik(gls)` (for the ANCOVA R's `logLik(lm, REML =
    /// TRUE)`, the same quantity with one visit).
    pub log_reml: f64,
    /// Newton iterations (0 for the ANCOVA).
    pub iterations: u32,
    /// The iterations converged (always true for the ANCOVA).
    pub converged: bool,
    /// MMRM or ANCOVA.
    pub method: Method,
}

/// Reusable buffers of [`fit`] and [`ancova`] (no allocation per call after the first calls of
/// a size). After a fit, [`MmrmWorkspace::coefficients`], [`MmrmWorkspace::sigma`] and
/// [`MmrmWorkspace::visit_times`] give the rest of the model.
#[derive(Clone, Debug, Default)]
pub struct MmrmWorkspace {
    /// Visit times up to `at`, ascending (J).
    times: Vec<f64>,
    /// Strata present among the patients used, ascending (the first is the reference).
    strata: Vec<u32>,
    /// Visits J, covariates per visit q, coefficients p = J q, Cholesky parameters t.
    j: usize,
    q: usize,
    p: usize,
    t: usize,
    /// The baseline centre (the mean baseline of the patients used).
    centre: f64,
    /// Per pattern k: mask, number of visits m, the visits (k J + a), patients, sums (Szz: k q q,
    /// Syz: m x q at k J q, Syy: m x m at k J J).
    pat_mask: Vec<u64>,
    pat_m: Vec<usize>,
    pat_vis: Vec<usize>,
    pat_n: Vec<f64>,
    pat_zz: Vec<f64>,
    pat_yz: Vec<f64>,
    pat_yy: Vec<f64>,
    /// Per patient used: its record `[z, y]` (q + J wide) and pattern; per pattern the offset of
    /// its columns in `cols` and the rows filled.
    rec: Vec<f64>,
    rec_pattern: Vec<usize>,
    rec_offset: Vec<usize>,
    rec_fill: Vec<usize>,
    cols: Vec<f64>,
    /// Per pattern: W_P = Sigma_P^-1 (m x m at k J J), residual cross-products R_P.
    pat_w: Vec<f64>,
    pat_r: Vec<f64>,
    /// Cholesky parameters (L_uv, u >= v, row by row; log on the diagonal), saved copy, step.
    theta: Vec<f64>,
    theta_old: Vec<f64>,
    step: Vec<f64>,
    /// L and Sigma (J x J).
    l: Vec<f64>,
    sigma: Vec<f64>,
    /// GLS: A (p x p), its Cholesky factor, A^-1, b, beta (centred baseline).
    a: Vec<f64>,
    a_chol: Vec<f64>,
    a_inv: Vec<f64>,
    b: Vec<f64>,
    beta: Vec<f64>,
    /// Reported coefficients (baseline not centred).
    coef: Vec<f64>,
    /// Gradient in Sigma (J x J), in the unique elements of Sigma (t), Hessians there (t x t,
    /// Newton-type and expected), gradient and Hessian in theta (the Hessian then its Cholesky
    /// factor), a vector.
    g: Vec<f64>,
    g_s: Vec<f64>,
    h_obs: Vec<f64>,
    h_exp: Vec<f64>,
    g_t: Vec<f64>,
    h_t: Vec<f64>,
    tmp: Vec<f64>,
    /// Small scratch matrices (J x J, J x q).
    m1: Vec<f64>,
    m2: Vec<f64>,
    m3: Vec<f64>,
    m4: Vec<f64>,
}

impl MmrmWorkspace {
    /// A workspace with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// The coefficients of the last fit: for the MMRM by visit `j = 1..J`, `(mu_j, beta_j,
    /// tau_j, gamma_j2, ..., gamma_jS)` (gls's `visitj`, `visitj:base`, `visitj:arm`,
    /// `visitj:stratum<s>`), for the ANCOVA `(intercept, base, arm, strata...)`.
    pub fn coefficients(&self) -> &[f64] {
        &self.coef
    }

    /// The J x J covariance matrix `Sigma` of the last MMRM fit, row by row (gls's `getVarCov`
    /// of a patient seen at every visit).
    pub fn sigma(&self) -> &[f64] {
        &self.sigma
    }

    /// The visit times of the last fit, ascending (the last is `at`).
    pub fn visit_times(&self) -> &[f64] {
        &self.times
    }
}

/// Index of the lower-triangle element (u, v), u >= v, row by row.
#[inline]
fn tri(u: usize, v: usize) -> usize {
    u * (u + 1) / 2 + v
}

/// Cholesky factorisation in place of the n x n symmetric positive definite `a` (row-major; the
/// lower triangle is read and overwritten by L, the upper set to 0). Returns `log|a|`, or `None`
/// if `a` is not numerically positive definite.
fn cholesky(a: &mut [f64], n: usize) -> Option<f64> {
    let mut logdet = 0.0;
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 || s.is_infinite() {
                    return None;
                }
                let d = s.sqrt();
                a[i * n + i] = d;
                logdet += 2.0 * d.ln();
            } else {
                a[i * n + j] = s / a[j * n + j];
            }
        }
        for j in i + 1..n {
            a[i * n + j] = 0.0;
        }
    }
    Some(logdet)
}

/// Solves `L L' x = b` in place, `l` from [`cholesky`].
fn cholesky_solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// The inverse `(L L')^-1` into `out` (n x n, full), `l` from [`cholesky`]; `l` is overwritten
/// by `L^-1` (lower triangle).
fn cholesky_inverse(l: &mut [f64], n: usize, out: &mut [f64]) {
    // L^-1 in place, column by column of the lower triangle.
    for i in 0..n {
        l[i * n + i] = 1.0 / l[i * n + i];
        for j in 0..i {
            let mut s = 0.0;
            for k in j..i {
                s -= l[i * n + k] * l[k * n + j];
            }
            l[i * n + j] = s * l[i * n + i];
        }
    }
    // (L L')^-1 = L^-T L^-1.
    for i in 0..n {
        for j in 0..=i {
            let mut s = 0.0;
            for k in i..n {
                s += l[k * n + i] * l[k * n + j];
            }
            out[i * n + j] = s;
            out[j * n + i] = s;
        }
    }
}

/// Post-baseline rows of patient `i` up to `at`, with the baseline score, or `None` if the
/// patient has no row at time 0 first.
#[inline]
fn baseline(visits: &Visits, i: usize) -> Option<(f64, std::ops::Range<usize>)> {
    let rows = visits.rows(i);
    if rows.is_empty() || visits.time[rows.start] != 0.0 {
        return None;
    }
    Some((visits.score[rows.start], rows.start + 1..rows.end))
}

/// Index of `s` in the ascending `strata` (present by construction).
#[inline]
fn stratum_index(strata: &[u32], s: u32) -> usize {
    strata.iter().position(|&x| x == s).unwrap_or(0)
}

/// Inserts `s` into the ascending `strata` if absent.
#[inline]
fn insert_stratum(strata: &mut Vec<u32>, s: u32) {
    if let Err(k) = strata.binary_search(&s) {
        strata.insert(k, s);
    }
}

impl MmrmWorkspace {
    /// First pass: the visit times up to `at`, the strata and the mean baseline of the patients
    /// used. Returns J.
    fn collect_visits(&mut self, visits: &Visits, at: f64) -> Result<usize, Undefined> {
        self.times.clear();
        self.strata.clear();
        let (time, score) = (&visits.time[..], &visits.score[..]);
        let (mut used, mut base_sum) = (0usize, 0.0);
        let mut last_stratum = None;
        for i in 0..visits.patients() {
            let (first, end) = (visits.start[i] as usize, visits.start[i + 1] as usize);
            if first >= end || time[first] != 0.0 {
                continue;
            }
            let mut any = false;
            let mut cursor = 0;
            for &t in &time[first + 1..end] {
                if !(t > 0.0 && t <= at) {
                    continue;
                }
                any = true;
                // Rows ascend in time, and so do the times found: a cursor finds a known time.
                while cursor < self.times.len() && self.times[cursor] < t {
                    cursor += 1;
                }
                if cursor < self.times.len() && self.times[cursor] == t {
                    continue;
                }
                let k = self.times.partition_point(|&x| x < t);
                if k == self.times.len() || self.times[k] != t {
                    self.times.insert(k, t);
                    if self.times.len() > MAX_VISITS {
                        return Err(Undefined::TooManyVisits);
                    }
                }
                cursor = k;
            }
            if any {
                used += 1;
                base_sum += score[first];
                let s = visits.stratum[i];
                if last_stratum != Some(s) {
                    insert_stratum(&mut self.strata, s);
                    last_stratum = Some(s);
                }
            }
        }
        if self.times.last() != Some(&at) {
            return Err(Undefined::NotAVisit);
        }
        self.centre = base_sum / used as f64;
        Ok(self.times.len())
    }

    /// The nonzero covariates of a patient: their indices in `z = (1, base - centre, trt,
    /// stratum indicators)` and values; returns how many (2 to 4).
    #[inline]
    fn covariates(
        &self,
        base: f64,
        treated: bool,
        stratum: u32,
        stratified: bool,
        index: &mut [usize; 4],
        value: &mut [f64; 4],
    ) -> usize {
        *index = [0, 1, 0, 0];
        *value = [1.0, base - self.centre, 1.0, 1.0];
        let mut n = 2;
        if treated {
            index[n] = 2;
            n += 1;
        }
        if stratified {
            let s = stratum_index(&self.strata, stratum);
            if s > 0 {
                index[n] = 2 + s;
                n += 1;
            }
        }
        n
    }

    /// Second pass: the patterns and their sums. Returns (patients, observations).
    ///
    /// Each patient's pattern, covariates and changes are written to a record; the records are
    /// then gathered pattern by pattern into columns (`[z, y]`, n_P x (q + m)), whose pairwise
    /// dot products are the sums: long, predictable loops rather than a few updates of varying
    /// length per patient.
    fn accumulate(
        &mut self,
        visits: &Visits,
        at: f64,
        stratified: bool,
    ) -> Result<(usize, usize), Undefined> {
        let (jn, q) = (self.j, self.q);
        let width = q + jn;
        self.pat_mask.clear();
        self.pat_m.clear();
        self.pat_vis.clear();
        self.pat_n.clear();
        self.pat_zz.clear();
        self.pat_yz.clear();
        self.pat_yy.clear();
        self.rec.clear();
        self.rec_pattern.clear();
        let (time, score) = (&visits.time[..], &visits.score[..]);
        let mut seen_at = [false; 2];
        let mut last = usize::MAX;
        let mut y = [0.0f64; MAX_VISITS];
        for i in 0..visits.patients() {
            let (first, end) = (visits.start[i] as usize, visits.start[i + 1] as usize);
            if first >= end || time[first] != 0.0 {
                continue;
            }
            let base = score[first];
            let mut mask = 0u64;
            let mut m = 0;
            let mut cursor = 0;
            for r in first + 1..end {
                let t = time[r];
                if !(t > 0.0 && t <= at) {
                    continue;
                }
                while cursor < jn && self.times[cursor] < t {
                    cursor += 1;
                }
                if cursor == jn || self.times[cursor] != t {
                    // Rows out of time order: search the whole list.
                    cursor = self.times.partition_point(|&x| x < t);
                }
                let bit = 1u64 << cursor;
                // A second row at a visit, or rows out of order: ignored.
                if mask >> cursor == 0 {
                    mask |= bit;
                    y[m] = score[r] - base;
                    m += 1;
                }
            }
            if mask == 0 {
                continue;
            }
            if mask >> (jn - 1) & 1 == 1 {
                seen_at[visits.treated[i] as usize] = true;
            }
            let k = if last < self.pat_mask.len() && self.pat_mask[last] == mask {
                last
            } else if let Some(k) = self.pat_mask.iter().position(|&x| x == mask) {
                k
            } else {
                self.new_pattern(mask)
            };
            last = k;
            self.pat_n[k] += 1.0;
            self.rec_pattern.push(k);
            let at_rec = self.rec.len();
            self.rec.resize(at_rec + width, 0.0);
            let rec = &mut self.rec[at_rec..];
            rec[0] = 1.0;
            rec[1] = base - self.centre;
            rec[2] = if visits.treated[i] { 1.0 } else { 0.0 };
            if stratified {
                let s = stratum_index(&self.strata, visits.stratum[i]);
                if s > 0 {
                    rec[2 + s] = 1.0;
                }
            }
            rec[q..q + m].copy_from_slice(&y[..m]);
        }
        if !(seen_at[0] && seen_at[1]) {
            return Err(Undefined::ArmUnobserved);
        }
        // Gather by pattern into columns: pattern k's column c at cols[off_k + c n_k ..].
        let patterns = self.pat_mask.len();
        self.rec_offset.clear();
        let mut off = 0;
        for k in 0..patterns {
            self.rec_offset.push(off);
            off += self.pat_n[k] as usize * (q + self.pat_m[k]);
        }
        self.cols.clear();
        self.cols.resize(off, 0.0);
        self.rec_fill.clear();
        self.rec_fill.resize(patterns, 0);
        for (r, &k) in self.rec_pattern.iter().enumerate() {
            let (n, w) = (self.pat_n[k] as usize, q + self.pat_m[k]);
            let row = self.rec_fill[k];
            self.rec_fill[k] += 1;
            let block = &mut self.cols[self.rec_offset[k]..self.rec_offset[k] + n * w];
            let rec = &self.rec[r * width..r * width + w];
            for c in 0..w {
                block[c * n + row] = rec[c];
            }
        }
        // The sums: dot products of the columns.
        let dot = |x: &[f64], y: &[f64]| -> f64 {
            let mut acc = [0.0f64; 4];
            let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
            let tail: f64 = xc
                .remainder()
                .iter()
                .zip(yc.remainder())
                .map(|(a, b)| a * b)
                .sum();
            for (a, b) in xc.zip(yc) {
                for l in 0..4 {
                    acc[l] += a[l] * b[l];
                }
            }
            acc[0] + acc[1] + acc[2] + acc[3] + tail
        };
        let mut observations = 0;
        for k in 0..patterns {
            let (n, m) = (self.pat_n[k] as usize, self.pat_m[k]);
            observations += n * m;
            let block = &self.cols[self.rec_offset[k]..self.rec_offset[k] + n * (q + m)];
            let col = |c: usize| &block[c * n..(c + 1) * n];
            let zz = &mut self.pat_zz[k * q * q..(k + 1) * q * q];
            for c in 0..q {
                for d in c..q {
                    let v = dot(col(c), col(d));
                    zz[c * q + d] = v;
                    zz[d * q + c] = v;
                }
            }
            let yz = &mut self.pat_yz[k * jn * q..k * jn * q + m * q];
            let yy = &mut self.pat_yy[k * jn * jn..k * jn * jn + m * m];
            for a in 0..m {
                for c in 0..q {
                    yz[a * q + c] = dot(col(q + a), col(c));
                }
                for b in a..m {
                    let v = dot(col(q + a), col(q + b));
                    yy[a * m + b] = v;
                    yy[b * m + a] = v;
                }
            }
        }
        Ok((self.rec_pattern.len(), observations))
    }

    /// Adds the pattern `mask` (no patients yet); returns its index.
    fn new_pattern(&mut self, mask: u64) -> usize {
        let (jn, q) = (self.j, self.q);
        let k = self.pat_mask.len();
        self.pat_mask.push(mask);
        self.pat_m.push(mask.count_ones() as usize);
        self.pat_vis.resize((k + 1) * jn, 0);
        let mut a = 0;
        for v in 0..jn {
            if mask >> v & 1 == 1 {
                self.pat_vis[k * jn + a] = v;
                a += 1;
            }
        }
        self.pat_n.push(0.0);
        self.pat_zz.resize((k + 1) * q * q, 0.0);
        self.pat_yz.resize((k + 1) * jn * q, 0.0);
        self.pat_yy.resize((k + 1) * jn * jn, 0.0);
        k
    }

    /// Sizes the per-evaluation buffers.
    fn size_buffers(&mut self) {
        let (jn, p, t, q) = (self.j, self.p, self.t, self.q);
        let k = self.pat_mask.len();
        for (v, n) in [
            (&mut self.pat_w, k * jn * jn),
            (&mut self.pat_r, k * jn * jn),
            (&mut self.theta, t),
            (&mut self.theta_old, t),
            (&mut self.step, t),
            (&mut self.l, jn * jn),
            (&mut self.sigma, jn * jn),
            (&mut self.a, p * p),
            (&mut self.a_chol, p * p),
            (&mut self.a_inv, p * p),
            (&mut self.b, p),
            (&mut self.beta, p),
            (&mut self.coef, p),
            (&mut self.g, jn * jn),
            (&mut self.g_s, t),
            (&mut self.h_obs, t * t),
            (&mut self.h_exp, t * t),
            (&mut self.g_t, t),
            (&mut self.h_t, t * t),
            (&mut self.tmp, t),
            (&mut self.m1, jn * jn.max(q)),
            (&mut self.m2, jn * jn.max(q)),
            (&mut self.m3, jn * jn.max(q)),
            (&mut self.m4, jn * jn.max(q)),
        ] {
            v.clear();
            v.resize(n, 0.0);
        }
    }

    /// `f = -2 log_reml - (N - p) log(2 pi)` at `self.theta`, with beta-hat in `self.beta`; with
    /// `derivatives`, also `A^-1`, the residual cross-products, the gradient `self.g_t` and the
    /// Hessians in the unique elements of Sigma (`h_obs`, `h_exp`) and `self.jac`. `None` when
    /// a `Sigma_P` or `A` is not positive definite.
    fn evaluate(&mut self, derivatives: bool) -> Option<f64> {
        self.evaluate_with(derivatives, derivatives)
    }

    /// [`MmrmWorkspace::evaluate`], the Hessians only if `hessians` (and `derivatives`).
    fn evaluate_with(&mut self, derivatives: bool, hessians: bool) -> Option<f64> {
        let (jn, q, p) = (self.j, self.q, self.p);
        // L and Sigma = L L'.
        for u in 0..jn {
            for v in 0..jn {
                self.l[u * jn + v] = if v > u {
                    0.0
                } else if v == u {
                    self.theta[tri(u, u)].exp()
                } else {
                    self.theta[tri(u, v)]
                };
            }
        }
        for u in 0..jn {
            for v in 0..=u {
                let mut s = 0.0;
                for r in 0..=v {
                    s += self.l[u * jn + r] * self.l[v * jn + r];
                }
                self.sigma[u * jn + v] = s;
                self.sigma[v * jn + u] = s;
            }
        }
        self.a.fill(0.0);
        self.b.fill(0.0);
        let (mut f, mut q0) = (0.0, 0.0);
        for k in 0..self.pat_mask.len() {
            let m = self.pat_m[k];
            let n = self.pat_n[k];
            let vis = &self.pat_vis[k * jn..k * jn + m];
            let chol = &mut self.m1[..m * m];
            for a in 0..m {
                for b in 0..m {
                    chol[a * m + b] = self.sigma[vis[a] * jn + vis[b]];
                }
            }
            let logdet = cholesky(chol, m)?;
            let w = &mut self.pat_w[k * jn * jn..k * jn * jn + m * m];
            cholesky_inverse(chol, m, w);
            f += n * logdet;
            let zz = &self.pat_zz[k * q * q..(k + 1) * q * q];
            let yz = &self.pat_yz[k * jn * q..];
            let yy = &self.pat_yy[k * jn * jn..];
            for a in 0..m {
                let ra = vis[a] * q;
                for bb in 0..m {
                    let wab = w[a * m + bb];
                    let rb = vis[bb] * q;
                    for c in 0..q {
                        let row = &mut self.a[(ra + c) * p + rb..(ra + c) * p + rb + q];
                        let zrow = &zz[c * q..(c + 1) * q];
                        for d in 0..q {
                            row[d] += wab * zrow[d];
                        }
                        self.b[ra + c] += wab * yz[bb * q + c];
                    }
                    q0 += wab * yy[a * m + bb];
                }
            }
        }
        self.a_chol.copy_from_slice(&self.a);
        let logdet_a = cholesky(&mut self.a_chol, p)?;
        self.beta.copy_from_slice(&self.b);
        cholesky_solve(&self.a_chol, p, &mut self.beta);
        let bab: f64 = self.b.iter().zip(&self.beta).map(|(x, y)| x * y).sum();
        f += logdet_a + q0 - bab;
        if !f.is_finite() {
            return None;
        }
        if derivatives {
            self.derivatives(hessians);
        }
        Some(f)
    }

    /// The derivatives of [`MmrmWorkspace::evaluate`] (see the module's documentation).
    fn derivatives(&mut self, hessians: bool) {
        let (jn, q, p, t) = (self.j, self.q, self.p, self.t);
        cholesky_inverse(&mut self.a_chol, p, &mut self.a_inv);
        self.g.fill(0.0);
        self.h_obs.fill(0.0);
        self.h_exp.fill(0.0);
        for k in 0..self.pat_mask.len() {
            let m = self.pat_m[k];
            let n = self.pat_n[k];
            let vis = &self.pat_vis[k * jn..k * jn + m];
            let zz = &self.pat_zz[k * q * q..(k + 1) * q * q];
            let yz = &self.pat_yz[k * jn * q..];
            let yy = &self.pat_yy[k * jn * jn..];
            let w = &self.pat_w[k * jn * jn..k * jn * jn + m * m];
            // T = B_P Szz (m x q), B_P's rows the visits' coefficients.
            let tb = &mut self.m1[..m * q];
            for a in 0..m {
                let ba = &self.beta[vis[a] * q..(vis[a] + 1) * q];
                for d in 0..q {
                    let mut s = 0.0;
                    for c in 0..q {
                        s += ba[c] * zz[c * q + d];
                    }
                    tb[a * q + d] = s;
                }
            }
            // R = Syy - Syz B' - B Syz' + B Szz B'; M = R + C.
            let r = &mut self.pat_r[k * jn * jn..k * jn * jn + m * m];
            let mm = &mut self.m2[..m * m];
            for a in 0..m {
                let ba = &self.beta[vis[a] * q..(vis[a] + 1) * q];
                for b in 0..m {
                    let bb = &self.beta[vis[b] * q..(vis[b] + 1) * q];
                    let mut s = yy[a * m + b];
                    let mut c_ab = 0.0;
                    for c in 0..q {
                        s += -yz[a * q + c] * bb[c] - ba[c] * yz[b * q + c] + tb[a * q + c] * bb[c];
                        let row = &self.a_inv[(vis[a] * q + c) * p + vis[b] * q..];
                        for d in 0..q {
                            c_ab += row[d] * zz[d * q + c];
                        }
                    }
                    r[a * m + b] = s;
                    mm[a * m + b] = s + c_ab;
                }
            }
            // K = W M W.
            let wm = &mut self.m3[..m * m];
            for a in 0..m {
                for b in 0..m {
                    let mut s = 0.0;
                    for c in 0..m {
                        s += w[a * m + c] * mm[c * m + b];
                    }
                    wm[a * m + b] = s;
                }
            }
            let kk = &mut self.m4[..m * m];
            for a in 0..m {
                for b in 0..m {
                    let mut s = 0.0;
                    for c in 0..m {
                        s += wm[a * m + c] * w[c * m + b];
                    }
                    kk[a * m + b] = s;
                }
            }
            for a in 0..m {
                for b in 0..m {
                    self.g[vis[a] * jn + vis[b]] += n * w[a * m + b] - kk[a * m + b];
                }
            }
            if !hessians {
                continue;
            }
            // Hessians in the unique elements sigma_(jk), j >= k: with s(jk) = E_jk + E_kj
            // (j != k) or E_jj, tr(X s(jk) Y s(lm)) = h2(X, Y) f(jk) f(lm) / 4, f = 2 off the
            // diagonal and 1 on it, h2(X, Y) = X_kl Y_mj + X_km Y_lj + X_jl Y_mk + X_jm Y_lk.
            // Newton-type: d2 [n log|S| + tr(W M)] = tr(W s K s') + tr(K s W s') - n tr(W s W s');
            // expected: n tr(W s W s').
            for a1 in 0..m {
                for b1 in 0..=a1 {
                    let e1 = tri(vis[a1], vis[b1]);
                    let f1 = if a1 == b1 { 1.0 } else { 2.0 };
                    for a2 in 0..m {
                        for b2 in 0..=a2 {
                            let e2 = tri(vis[a2], vis[b2]);
                            if e2 > e1 {
                                continue;
                            }
                            let f2 = if a2 == b2 { 1.0 } else { 2.0 };
                            let (j, kq, l, mq) = (a1, b1, a2, b2);
                            let h2 = |x: &[f64], y: &[f64]| {
                                x[kq * m + l] * y[mq * m + j]
                                    + x[kq * m + mq] * y[l * m + j]
                                    + x[j * m + l] * y[mq * m + kq]
                                    + x[j * m + mq] * y[l * m + kq]
                            };
                            let ww = h2(w, w);
                            let scale = f1 * f2 / 4.0;
                            let obs = scale * (h2(w, kk) + h2(kk, w) - n * ww);
                            let exp = scale * n * ww;
                            self.h_obs[e1 * t + e2] += obs;
                            self.h_exp[e1 * t + e2] += exp;
                            if e1 != e2 {
                                self.h_obs[e2 * t + e1] += obs;
                                self.h_exp[e2 * t + e1] += exp;
                            }
                        }
                    }
                }
            }
        }
        // Gradient in sigma: g_s(jk) = f(jk) G_jk; in theta through the Jacobian.
        for j in 0..jn {
            for k in 0..=j {
                self.g_s[tri(j, k)] = if j == k { 1.0 } else { 2.0 } * self.g[j * jn + k];
            }
        }
        for u in 0..jn {
            for v in 0..=u {
                let mut s = 0.0;
                for k in 0..jn {
                    s += self.jacobian(u, v, k) * self.g_s[tri(u.max(k), u.min(k))];
                }
                self.g_t[tri(u, v)] = s;
            }
        }
    }

    /// The Jacobian `d sigma_(uk) / d theta_(uv)` (the only nonzero ones in column (uv)):
    /// `d sigma_jk / d L_uv = [j = u] L_kv + [k = u] L_jv`, times `L_uu` on the diagonal (the
    /// log parameterisation).
    #[inline]
    fn jacobian(&self, u: usize, v: usize, k: usize) -> f64 {
        let jn = self.j;
        let d = if k == u {
            2.0 * self.l[u * jn + v]
        } else {
            self.l[k * jn + v]
        };
        if u == v { d * self.l[u * jn + u] } else { d }
    }

    /// `h_t = Jac' H Jac` for `H` = `h_obs` (with the second-derivative terms of `Sigma(theta)`,
    /// `2 [v = v'] G_uu'` per pair `(uv), (u'v')` with the diagonal's chain factors, and
    /// `g_t` on the diagonal's own entries) or `h_exp`; then its Cholesky factor in place.
    fn theta_hessian(&mut self, observed: bool) -> bool {
        let (jn, t) = (self.j, self.t);
        // Column (uv) of the Jacobian has its nonzeros in the rows (uk), k = 0..J.
        for u in 0..jn {
            for v in 0..=u {
                let a = tri(u, v);
                // tmp = H Jac[:, a]
                self.tmp.fill(0.0);
                for k in 0..jn {
                    let d = self.jacobian(u, v, k);
                    if d == 0.0 {
                        continue;
                    }
                    let e = tri(u.max(k), u.min(k));
                    let h = if observed { &self.h_obs } else { &self.h_exp };
                    for (x, hv) in self.tmp.iter_mut().zip(&h[e * t..(e + 1) * t]) {
                        *x += hv * d;
                    }
                }
                for u2 in 0..=u {
                    for v2 in 0..=u2 {
                        let b = tri(u2, v2);
                        if b > a {
                            break;
                        }
                        let mut s = 0.0;
                        for k in 0..jn {
                            s += self.jacobian(u2, v2, k) * self.tmp[tri(u2.max(k), u2.min(k))];
                        }
                        self.h_t[a * t + b] = s;
                    }
                }
            }
        }
        if observed {
            for u in 0..jn {
                for v in 0..=u {
                    let a = tri(u, v);
                    let ca = if u == v { self.l[u * jn + u] } else { 1.0 };
                    for u2 in 0..jn {
                        if v > u2 {
                            continue;
                        }
                        let b = tri(u2, v);
                        if b > a {
                            continue;
                        }
                        let cb = if u2 == v { self.l[u2 * jn + u2] } else { 1.0 };
                        self.h_t[a * t + b] += 2.0 * self.g[u * jn + u2] * ca * cb;
                    }
                    if u == v {
                        self.h_t[a * t + a] += self.g_t[a];
                    }
                }
            }
        }
        for a in 0..t {
            for b in 0..a {
                self.h_t[b * t + a] = self.h_t[a * t + b];
            }
        }
        cholesky(&mut self.h_t, t).is_some()
    }

    /// The starting theta: the Cholesky factor of the pairwise covariance of the residuals of
    /// the per-visit OLS fits (the GLS at Sigma = I), or of its diagonal if that is not positive
    /// definite.
    fn start(&mut self) -> Result<(), Undefined> {
        let jn = self.j;
        self.theta.fill(0.0);
        self.evaluate_with(true, false).ok_or(Undefined::Singular)?;
        let s = &mut self.sigma;
        s.fill(0.0);
        let cnt = &mut self.m1[..jn * jn];
        cnt.fill(0.0);
        for k in 0..self.pat_mask.len() {
            let m = self.pat_m[k];
            let vis = &self.pat_vis[k * jn..k * jn + m];
            let r = &self.pat_r[k * jn * jn..];
            for a in 0..m {
                for b in 0..m {
                    s[vis[a] * jn + vis[b]] += r[a * m + b];
                    cnt[vis[a] * jn + vis[b]] += self.pat_n[k];
                }
            }
        }
        for e in 0..jn * jn {
            s[e] = if cnt[e] > 0.0 { s[e] / cnt[e] } else { 0.0 };
        }
        let chol = &mut self.m2[..jn * jn];
        chol.copy_from_slice(s);
        if cholesky(chol, jn).is_none() {
            for u in 0..jn {
                for v in 0..jn {
                    chol[u * jn + v] = if u == v { s[u * jn + u] } else { 0.0 };
                }
            }
            if cholesky(chol, jn).is_none() {
                return Err(Undefined::Failed);
            }
        }
        for u in 0..jn {
            for v in 0..=u {
                let x = chol[u * jn + v];
                self.theta[tri(u, v)] = if u == v { x.ln() } else { x };
            }
        }
        Ok(())
    }

    /// Newton iterations from [`MmrmWorkspace::start`]; returns (f, iterations, converged).
    fn newton(&mut self) -> Result<(f64, u32, bool), Undefined> {
        let t = self.t;
        let mut f = self.evaluate(true).ok_or(Undefined::Failed)?;
        let mut iterations = 0;
        loop {
            if !(self.theta_hessian(true) || self.theta_hessian(false)) {
                return Ok((f, iterations, false));
            }
            for a in 0..t {
                self.step[a] = -self.g_t[a];
            }
            cholesky_solve(&self.h_t, t, &mut self.step);
            let decrement: f64 = -self
                .step
                .iter()
                .zip(&self.g_t)
                .map(|(s, g)| s * g)
                .sum::<f64>();
            if !decrement.is_finite() {
                return Ok((f, iterations, false));
            }
            if decrement < TOL {
                return Ok((f, iterations, true));
            }
            if iterations >= MAX_ITER {
                return Ok((f, iterations, false));
            }
            iterations += 1;
            // At most a change of 3 in a log-diagonal element or an off-diagonal one in one step.
            let largest = self.step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
            let mut size = if largest > 3.0 { 3.0 / largest } else { 1.0 };
            self.theta_old.copy_from_slice(&self.theta);
            loop {
                for a in 0..t {
                    self.theta[a] = self.theta_old[a] + size * self.step[a];
                }
                if let Some(f_new) = self.evaluate(true)
                    && (f_new <= f - 1e-4 * size * decrement || decrement < 1e-6)
                {
                    f = f_new;
                    break;
                }
                size *= 0.5;
                if size < 1e-10 {
                    self.theta.copy_from_slice(&self.theta_old);
                    let f = self.evaluate(true).ok_or(Undefined::Failed)?;
                    return Ok((f, iterations, false));
                }
            }
        }
    }
}

/// The MMRM at visit time `at` (see the module's documentation): unstructured covariance over
/// the J visits up to `at`, REML; stratified adds visit-by-stratum effects. The caller gets the
/// MMRM for any J up to [`MAX_VISITS`] (see [`fit_or_ancova`] for the ANCOVA beyond 12).
pub fn fit(
    visits: &Visits,
    at: f64,
    stratified: bool,
    ws: &mut MmrmWorkspace,
) -> Result<MmrmFit, Undefined> {
    let jn = ws.collect_visits(visits, at)?;
    fit_collected(visits, at, stratified, ws, jn)
}

/// The MMRM when there are at most [`MAX_UNSTRUCTURED_VISITS`] visits up to `at`, the ANCOVA at
/// `at` ([`ancova`]) when there are more; `method` says which.
pub fn fit_or_ancova(
    visits: &Visits,
    at: f64,
    stratified: bool,
    ws: &mut MmrmWorkspace,
) -> Result<MmrmFit, Undefined> {
    match ws.collect_visits(visits, at) {
        Ok(jn) if jn <= MAX_UNSTRUCTURED_VISITS => fit_collected(visits, at, stratified, ws, jn),
        Ok(_) | Err(Undefined::TooManyVisits) => ancova(visits, at, stratified, ws),
        Err(e) => Err(e),
    }
}

fn fit_collected(
    visits: &Visits,
    at: f64,
    stratified: bool,
    ws: &mut MmrmWorkspace,
    jn: usize,
) -> Result<MmrmFit, Undefined> {
    let s = if stratified { ws.strata.len() } else { 1 };
    ws.j = jn;
    ws.q = 2 + s;
    ws.p = jn * ws.q;
    ws.t = jn * (jn + 1) / 2;
    let (patients, observations) = ws.accumulate(visits, at, stratified)?;
    if observations <= ws.p {
        return Err(Undefined::Singular);
    }
    ws.size_buffers();
    ws.start()?;
    let (f, iterations, converged) = ws.newton()?;
    let (q, p) = (ws.q, ws.p);
    let k = (jn - 1) * q;
    let difference = ws.beta[k + 2];
    let se = ws.a_inv[(k + 2) * p + k + 2].sqrt();
    let z = difference / se;
    if !z.is_finite() || se.is_nan() || se <= 0.0 {
        return Err(Undefined::Failed);
    }
    // Coefficients with the baseline not centred: mu_j = mu_j(centred) - beta_j centre.
    ws.coef.copy_from_slice(&ws.beta);
    for j in 0..jn {
        ws.coef[j * q] -= ws.beta[j * q + 1] * ws.centre;
    }
    let control_mean = ls_control_mean(ws, k);
    Ok(MmrmFit {
        difference,
        se,
        z,
        treatment_mean: control_mean + difference,
        control_mean,
        visits: jn,
        patients,
        observations,
        log_reml: -0.5 * ((observations - p) as f64 * (2.0 * PI).ln() + f),
        iterations,
        converged,
        method: Method::Mmrm,
    })
}

/// The control LS mean from the centred coefficients at offset `k`: the intercept plus the
/// stratum effects at the mean of their indicators (the baseline is centred at its mean; the
/// mean indicators are the first row of the summed `Szz`).
fn ls_control_mean(ws: &MmrmWorkspace, k: usize) -> f64 {
    let q = ws.q;
    let n: f64 = ws.pat_n.iter().sum();
    let mut mean = ws.beta[k];
    for c in 3..q {
        let sum: f64 = (0..ws.pat_n.len()).map(|i| ws.pat_zz[i * q * q + c]).sum();
        mean += ws.beta[k + c] * sum / n;
    }
    mean
}

/// The ANCOVA at visit time `at`: `chg ~ base + arm [+ stratum]` by OLS on the patients with a
/// baseline and a visit at exactly `at` (complete cases; later and earlier visits unused). The
/// SE is `sqrt(s^2 [(X'X)^-1]_arm)`, `s^2 = RSS / (n - q)`; `log_reml = -(n - q)/2 (log(2 pi) +
/// 1 - log(n - q) + log RSS) - 1/2 log|X'X|` (R's `logLik(lm, REML = TRUE)`). The coefficients
/// are `(intercept, base, arm, strata...)`.
pub fn ancova(
    visits: &Visits,
    at: f64,
    stratified: bool,
    ws: &mut MmrmWorkspace,
) -> Result<MmrmFit, Undefined> {
    // First pass: the patients seen at `at`, their strata and mean baseline.
    ws.strata.clear();
    ws.times.clear();
    ws.times.push(at);
    let (mut n, mut base_sum, mut arms) = (0usize, 0.0, [0usize; 2]);
    for i in 0..visits.patients() {
        if let Some((base, _)) = seen_at(visits, i, at) {
            n += 1;
            base_sum += base;
            arms[visits.treated[i] as usize] += 1;
            insert_stratum(&mut ws.strata, visits.stratum[i]);
        }
    }
    if n == 0 {
        return Err(Undefined::NotAVisit);
    }
    if arms[0] == 0 || arms[1] == 0 {
        return Err(Undefined::ArmUnobserved);
    }
    let s = if stratified { ws.strata.len() } else { 1 };
    ws.j = 1;
    ws.q = 2 + s;
    ws.p = ws.q;
    ws.t = 1;
    ws.centre = base_sum / n as f64;
    let q = ws.q;
    if n <= q {
        return Err(Undefined::Singular);
    }
    // X'X, X'y with the baseline centred (a unit-triangular change of X: log|X'X| and the
    // arm's coefficient and SE are unchanged).
    ws.pat_mask.clear();
    ws.pat_n.clear();
    ws.pat_zz.clear();
    ws.pat_zz.resize(q * q, 0.0);
    ws.pat_n.push(n as f64);
    for v in [&mut ws.b, &mut ws.beta, &mut ws.coef] {
        v.clear();
        v.resize(q, 0.0);
    }
    ws.a.clear();
    ws.a.resize(q * q, 0.0);
    ws.a_chol.clear();
    ws.a_chol.resize(q * q, 0.0);
    ws.a_inv.clear();
    ws.a_inv.resize(q * q, 0.0);
    let (mut index, mut value) = ([0usize; 4], [0.0f64; 4]);
    for i in 0..visits.patients() {
        if let Some((base, y)) = seen_at(visits, i, at) {
            let nz = ws.covariates(
                base,
                visits.treated[i],
                visits.stratum[i],
                stratified,
                &mut index,
                &mut value,
            );
            for c in 0..nz {
                for d in 0..nz {
                    ws.pat_zz[index[c] * q + index[d]] += value[c] * value[d];
                }
                ws.b[index[c]] += value[c] * y;
            }
        }
    }
    ws.a_chol.copy_from_slice(&ws.pat_zz);
    let logdet = cholesky(&mut ws.a_chol, q).ok_or(Undefined::Singular)?;
    ws.beta.copy_from_slice(&ws.b);
    cholesky_solve(&ws.a_chol, q, &mut ws.beta);
    let mut rss = 0.0;
    for i in 0..visits.patients() {
        if let Some((base, y)) = seen_at(visits, i, at) {
            let nz = ws.covariates(
                base,
                visits.treated[i],
                visits.stratum[i],
                stratified,
                &mut index,
                &mut value,
            );
            let fitted: f64 = (0..nz).map(|c| value[c] * ws.beta[index[c]]).sum();
            rss += (y - fitted) * (y - fitted);
        }
    }
    cholesky_inverse(&mut ws.a_chol, q, &mut ws.a_inv);
    let df = (n - q) as f64;
    let difference = ws.beta[2];
    let se = (rss / df * ws.a_inv[2 * q + 2]).sqrt();
    let z = difference / se;
    if !z.is_finite() || se.is_nan() || se <= 0.0 {
        return Err(Undefined::Failed);
    }
    ws.coef.copy_from_slice(&ws.beta);
    ws.coef[0] -= ws.beta[1] * ws.centre;
    let control_mean = ls_control_mean(ws, 0);
    Ok(MmrmFit {
        difference,
        se,
        z,
        treatment_mean: control_mean + difference,
        control_mean,
        visits: 1,
        patients: n,
        observations: n,
        log_reml: -0.5 * (df * ((2.0 * PI).ln() + 1.0 - df.ln() + rss.ln()) + logdet),
        iterations: 0,
        converged: true,
        method: Method::Ancova,
    })
}

/// Patient `i`'s baseline and change from baseline at exactly `at`, if it has both.
#[inline]
fn seen_at(visits: &Visits, i: usize, at: f64) -> Option<(f64, f64)> {
    let (base, rows) = baseline(visits, i)?;
    rows.into_iter()
        .find(|&r| visits.time[r] == at)
        .map(|r| (base, visits.score[r] - base))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (SplitMix64) and normal deviates by Box-Muller.
    struct Gen(u64);
    impl Gen {
        fn uniform(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn normal(&mut self) -> f64 {
            let (u, v) = (1.0 - self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (2.0 * PI * v).cos()
        }
    }

    /// `n` ALS-like patients (1:1, two strata), visits at 3, 6, 9, 12 months; with `missing`,
    /// monotone dropout and intermittent misses.
    fn data(n: usize, seed: u64, missing: bool) -> Visits {
        let mut g = Gen(seed);
        let mut v = Visits::default();
        v.clear();
        for i in 0..n {
            let treated = i % 2 == 0;
            let stratum = (g.uniform() < 0.5) as u32;
            v.push_patient(treated, stratum);
            let b = 38.0 + 5.0 * g.normal();
            let slope = (-1.0 + 0.5 * g.normal()) * if treated { 0.75 } else { 1.0 };
            let gone = if missing {
                -g.uniform().ln() / 0.04
            } else {
                f64::INFINITY
            };
            for t in [0.0, 3.0, 6.0, 9.0, 12.0] {
                let skip = t > 0.0 && (t > gone || (missing && g.uniform() < 0.05));
                let score = (b + slope * t + 2.0 * g.normal()).round().clamp(0.0, 48.0);
                if !skip {
                    v.push_visit(t, score);
                }
            }
        }
        v
    }

    /// Sets the workspace up as `fit` does, to the start of the iterations.
    fn prepared(v: &Visits, at: f64, stratified: bool) -> MmrmWorkspace {
        let mut ws = MmrmWorkspace::default();
        let jn = ws.collect_visits(v, at).unwrap();
        let s = if stratified { ws.strata.len() } else { 1 };
        ws.j = jn;
        ws.q = 2 + s;
        ws.p = jn * ws.q;
        ws.t = jn * (jn + 1) / 2;
        ws.accumulate(v, at, stratified).unwrap();
        ws.size_buffers();
        ws.start().unwrap();
        ws
    }

    #[test]
    fn gradient_matches_central_differences() {
        let v = data(120, 7, true);
        for stratified in [false, true] {
            let mut ws = prepared(&v, 12.0, stratified);
            // Away from the optimum: perturb the start.
            for (a, x) in ws.theta.iter_mut().enumerate() {
                *x += 0.05 * ((a % 3) as f64 - 1.0);
            }
            let theta = ws.theta.clone();
            ws.evaluate(true).unwrap();
            let g = ws.g_t.clone();
            let h = 1e-5;
            for a in 0..ws.t {
                ws.theta.copy_from_slice(&theta);
                ws.theta[a] += h;
                let fp = ws.evaluate(false).unwrap();
                ws.theta[a] -= 2.0 * h;
                let fm = ws.evaluate(false).unwrap();
                let numeric = (fp - fm) / (2.0 * h);
                assert!(
                    (numeric - g[a]).abs() <= 1e-5 * g[a].abs().max(1.0),
                    "theta[{a}]: analytic {} numeric {numeric}",
                    g[a]
                );
            }
        }
    }

    #[test]
    fn newton_hessian_is_close_to_the_true_one_at_the_optimum() {
        // The Hessian that holds R + C fixed differs from the true one by O(p / N): check it to
        // 10% against central differences of the gradient at the optimum (hence few iterations).
        let v = data(300, 11, true);
        let mut ws = prepared(&v, 12.0, false);
        ws.newton().unwrap();
        let theta = ws.theta.clone();
        ws.evaluate(true).unwrap();
        assert!(ws.theta_hessian(true));
        let t = ws.t;
        // Rebuild H from its Cholesky factor.
        let mut approx = vec![0.0; t * t];
        for a in 0..t {
            for b in 0..t {
                approx[a * t + b] = (0..t).map(|k| ws.h_t[a * t + k] * ws.h_t[b * t + k]).sum();
            }
        }
        let h = 1e-5;
        for a in 0..t {
            ws.theta.copy_from_slice(&theta);
            ws.theta[a] += h;
            ws.evaluate(true).unwrap();
            let gp = ws.g_t.clone();
            ws.theta[a] -= 2.0 * h;
            ws.evaluate(true).unwrap();
            for b in 0..t {
                let numeric = (gp[b] - ws.g_t[b]) / (2.0 * h);
                let scale = (approx[a * t + a] * approx[b * t + b]).sqrt();
                assert!(
                    (numeric - approx[a * t + b]).abs() <= 0.1 * scale,
                    "H[{a},{b}]: {} vs {numeric}",
                    approx[a * t + b]
                );
            }
        }
    }

    #[test]
    fn complete_data_is_the_ancova_at_the_visit() {
        // With every visit seen, GLS with the same regressors at every visit is OLS visit by
        // visit (Zellner 1962), and the REML Sigma is the residual cross-product over n - q: the
        // MMRM's effect and SE at the last visit are the ANCOVA's there.
        let v = data(150, 3, false);
        let mut ws = MmrmWorkspace::default();
        for stratified in [false, true] {
            let m = fit(&v, 12.0, stratified, &mut ws).unwrap();
            assert!(m.converged);
            let a = ancova(&v, 12.0, stratified, &mut ws).unwrap();
            assert!((m.difference - a.difference).abs() < 1e-9, "{m:?} {a:?}");
            assert!((m.se - a.se).abs() < 1e-7 * a.se, "{m:?} {a:?}");
            assert!((m.control_mean - a.control_mean).abs() < 1e-9);
            assert_eq!(m.patients, 150);
            assert_eq!(m.observations, 600);
        }
    }

    #[test]
    fn one_visit_is_the_ancova() {
        // At the first visit J = 1: the MMRM is the linear model, REML log-likelihood included.
        let v = data(100, 5, true);
        let mut ws = MmrmWorkspace::default();
        for stratified in [false, true] {
            let m = fit(&v, 3.0, stratified, &mut ws).unwrap();
            let a = ancova(&v, 3.0, stratified, &mut ws).unwrap();
            assert_eq!(m.visits, 1);
            assert_eq!(m.patients, a.patients);
            for (x, y) in [
                (m.difference, a.difference),
                (m.se, a.se),
                (m.log_reml, a.log_reml),
                (m.treatment_mean, a.treatment_mean),
            ] {
                assert!((x - y).abs() < 1e-7 * y.abs().max(1.0), "{m:?} {a:?}");
            }
        }
    }

    #[test]
    fn few_iterations_and_the_same_answer_from_a_reused_workspace() {
        let mut ws = MmrmWorkspace::default();
        let v1 = data(500, 1, true);
        let v2 = data(80, 2, true);
        let first = fit(&v1, 12.0, false, &mut ws).unwrap();
        assert!(first.converged && first.iterations <= 8, "{first:?}");
        fit(&v2, 9.0, true, &mut ws).unwrap();
        ancova(&v2, 6.0, true, &mut ws).unwrap();
        assert_eq!(fit(&v1, 12.0, false, &mut ws).unwrap(), first);
        assert_eq!(fit_or_ancova(&v1, 12.0, false, &mut ws).unwrap(), first);
    }

    #[test]
    fn undefined_never_panics() {
        let mut ws = MmrmWorkspace::default();
        let mut v = Visits::default();
        v.clear();
        assert_eq!(fit(&v, 12.0, false, &mut ws), Err(Undefined::NotAVisit));
        assert_eq!(ancova(&v, 12.0, false, &mut ws), Err(Undefined::NotAVisit));
        // No baseline row: the patient is not used.
        v.push_patient(true, 0);
        v.push_visit(3.0, 40.0);
        assert_eq!(fit(&v, 3.0, false, &mut ws), Err(Undefined::NotAVisit));
        // One patient per arm: fewer observations than coefficients.
        v.clear();
        for (treated, s) in [(true, 40.0), (false, 41.0)] {
            v.push_patient(treated, 0);
            v.push_visit(0.0, s);
            v.push_visit(3.0, s - 2.0);
        }
        assert_eq!(fit(&v, 3.0, false, &mut ws), Err(Undefined::Singular));
        // Visit 3 seen on control only (treated patients seen at 6 only): singular.
        let mut g = Gen(9);
        v.clear();
        for i in 0..40 {
            let treated = i % 2 == 0;
            v.push_patient(treated, 0);
            let b = 38.0 + 4.0 * g.normal();
            v.push_visit(0.0, b.round());
            if !treated {
                v.push_visit(3.0, (b - 3.0 + 2.0 * g.normal()).round());
            }
            v.push_visit(6.0, (b - 6.0 + 2.0 * g.normal()).round());
        }
        assert_eq!(fit(&v, 6.0, false, &mut ws), Err(Undefined::Singular));
        assert!(ancova(&v, 6.0, false, &mut ws).is_ok());
        assert_eq!(
            ancova(&v, 3.0, false, &mut ws),
            Err(Undefined::ArmUnobserved)
        );
        // No change at all: Sigma degenerates to 0; an error, not a NaN z.
        v.clear();
        for i in 0..30 {
            v.push_patient(i % 2 == 0, 0);
            for t in [0.0, 3.0, 6.0] {
                v.push_visit(t, 40.0 + (i % 5) as f64);
            }
        }
        let r = fit(&v, 6.0, false, &mut ws);
        assert!(r.is_err() || r.unwrap().z.is_finite(), "{r:?}");
        let r = ancova(&v, 6.0, false, &mut ws);
        assert!(r.is_err() || r.unwrap().z.is_finite(), "{r:?}");
    }
}
