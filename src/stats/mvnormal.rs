//! The multivariate normal distribution function `P(Z_1 < b_1, ..., Z_k < b_k)` for a
//! correlation matrix `R`, k <= [`MAX_DIM`], computed deterministically to about 1e-12: what
//! the MaxCombo p-value needs (`analysis/maxcombo.rs`).
//!
//! * k = 1: `Phi(b)`.
//! * k = 2: the bivariate normal by Drezner and Wesolowsky's (1990) integrals as refined by
//!   Genz (2004, "Numerical computation of rectangular bivariate and trivariate normal and t
//!   probabilities", Statistics and Computing 14): for `|r| < 0.925`,
//!   `P(X > h, Y > k) = Phi(-h) Phi(-k) + (1 / 2 pi) int_0^{asin r} exp(-(h^2 + k^2 -
//!   2 h k sin u) / (2 cos^2 u)) du`; for `|r| >= 0.925` the integral from `r` to 1 in the
//!   variable `x = sqrt(1 - rho^2)`, with the Taylor part of its integrand integrated in closed
//!   form and the remainder by 20-point Gauss-Legendre. Accurate to about 1e-15.
//! * k >= 3: Plackett's (1954) identity `dP/dr_ij = phi_2(b_i, b_j; r_ij) P_{k-2}(rest | Z_i =
//!   b_i, Z_j = b_j)` integrated along `R(t) = R_0 + t (R - R_0)`, `t` in [0, 1], from a
//!   block-diagonal `R_0` (two groups of variables, chosen to make the largest correlation
//!   between the groups as small as possible, so the integrand is smooth), at which the
//!   probability factorises into two lower-dimensional ones:
//!   `P(b; R) = P_A(b_A; R_AA) P_B(b_B; R_BB) + int_0^1 sum_{i in A, j in B} r_ij
//!   phi_2(b_i, b_j; t r_ij) P_{k-2}(conditional) dt`, the conditional law being that of the
//!   other variables given `Z_i = b_i, Z_j = b_j` under `R(t)`. This is Genz's (2004) method for
//!   trivariate probabilities, applied recursively. The integrals over `t` use adaptive
//!   Gauss-Legendre quadrature (20 points, checked against 10, bisected until they agree).
//!
//! Everything is deterministic: the same inputs give the same bits.

// Matrix code: index loops read as the formulas do.
#![allow(clippy::needless_range_loop)]

use crate::stats::normal;
use std::f64::consts::PI;
use std::sync::OnceLock;

/// Largest dimension [`mvn_cdf`] accepts.
pub const MAX_DIM: usize = 6;

/// A k x k correlation matrix stored in a fixed array (only the leading k x k block is read).
pub type Corr = [[f64; MAX_DIM]; MAX_DIM];

/// Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on the Legendre polynomial
/// (nodes from the Tricomi initial guess `cos(pi (i - 1/4) / (n + 1/2))`).
fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    let mut rule = Vec::with_capacity(n);
    for i in 1..=n {
        let mut x = (PI * (i as f64 - 0.25) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..100 {
            // P_n(x) and P_{n-1}(x) by the three-term recurrence.
            let (mut p0, mut p1) = (1.0, x);
            for m in 2..=n {
                let p2 = ((2 * m - 1) as f64 * x * p1 - (m - 1) as f64 * p0) / m as f64;
                p0 = p1;
                p1 = p2;
            }
            dp = n as f64 * (x * p1 - p0) / (x * x - 1.0);
            let step = p1 / dp;
            x -= step;
            if step.abs() < 1e-16 {
                break;
            }
        }
        rule.push((x, 2.0 / ((1.0 - x * x) * dp * dp)));
    }
    rule
}

fn gl10() -> &'static [(f64, f64)] {
    static RULE: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    RULE.get_or_init(|| gauss_legendre(10))
}

fn gl20() -> &'static [(f64, f64)] {
    static RULE: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    RULE.get_or_init(|| gauss_legendre(20))
}

/// `int_a^b f` by 20-point Gauss-Legendre, accepted when it agrees with the 10-point rule to
/// `tol`, else bisected (at most `depth` times). For the smooth integrands here the 20-point
/// value is then far more accurate than `tol`.
fn integrate(f: &dyn Fn(f64) -> f64, a: f64, b: f64, tol: f64, depth: u32) -> f64 {
    let half = 0.5 * (b - a);
    let mid = 0.5 * (a + b);
    let g10: f64 = gl10()
        .iter()
        .map(|&(x, w)| w * f(mid + half * x))
        .sum::<f64>()
        * half;
    let g20: f64 = gl20()
        .iter()
        .map(|&(x, w)| w * f(mid + half * x))
        .sum::<f64>()
        * half;
    if (g20 - g10).abs() <= tol || depth == 0 || !g20.is_finite() {
        g20
    } else {
        integrate(f, a, mid, 0.5 * tol, depth - 1) + integrate(f, mid, b, 0.5 * tol, depth - 1)
    }
}

/// Bivariate normal upper orthant `P(X > h, Y > k)` for correlation `r` (Drezner and
/// Wesolowsky 1990; Genz 2004; see the module documentation).
fn bvn_upper(h: f64, k: f64, r: f64) -> f64 {
    if h.is_nan() || k.is_nan() || r.is_nan() {
        return f64::NAN;
    }
    if h == f64::INFINITY || k == f64::INFINITY {
        return 0.0;
    }
    if h == f64::NEG_INFINITY {
        return normal::sf(k);
    }
    if k == f64::NEG_INFINITY {
        return normal::sf(h);
    }
    let r = r.clamp(-1.0, 1.0);
    let gl = gl20();
    if r.abs() < 0.925 {
        // Plackett's integral in the angle u = asin(rho).
        let hs = 0.5 * (h * h + k * k);
        let hk = h * k;
        let asr = r.asin();
        let sum: f64 = gl
            .iter()
            .map(|&(x, w)| {
                let sn = (0.5 * asr * (x + 1.0)).sin();
                w * ((sn * hk - hs) / (1.0 - sn * sn)).exp()
            })
            .sum();
        return sum * asr / (4.0 * PI) + normal::sf(h) * normal::sf(k);
    }
    // |r| >= 0.925: P = P(r = +-1) - T, T = int_r^1 phi_2 in x = sqrt(1 - rho^2); for r < 0
    // the same with k -> -k (Y -> -Y).
    let (k, hk) = if r < 0.0 { (-k, -h * k) } else { (k, h * k) };
    let mut bvn = 0.0;
    if r.abs() < 1.0 {
        let a2 = (1.0 - r) * (1.0 + r);
        let a = a2.sqrt();
        let bs = (h - k) * (h - k);
        let c = (4.0 - hk) / 8.0;
        let d = (12.0 - hk) / 16.0;
        // Closed form of int_0^a exp(-bs / 2x^2 - hk / 2) (1 + c x^2 + c d x^4) dx.
        let mut t = 0.0;
        let e = -0.5 * (bs / a2 + hk);
        if e > -100.0 {
            t = a
                * e.exp()
                * (1.0 - c * (bs - a2) * (1.0 - d * bs / 5.0) / 3.0 + c * d * a2 * a2 / 5.0);
        }
        if hk > -100.0 {
            let b = bs.sqrt();
            t -= (-0.5 * hk).exp()
                * (2.0 * PI).sqrt()
                * normal::sf(b / a)
                * b
                * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
        }
        // The remainder exp(-bs / 2x^2 - hk / 2) (exp(-hk (1 - rs) / (2 (1 + rs))) / rs -
        // (1 + c x^2 (1 + d x^2))), rs = sqrt(1 - x^2), by Gauss-Legendre on (0, a).
        let half = 0.5 * a;
        for &(x, w) in gl {
            let xs = (half * (x + 1.0)) * (half * (x + 1.0));
            let rs = (1.0 - xs).sqrt();
            let e = -0.5 * (bs / xs + hk);
            if e > -100.0 {
                t += half
                    * w
                    * e.exp()
                    * ((-hk * (1.0 - rs) / (2.0 * (1.0 + rs))).exp() / rs
                        - (1.0 + c * xs * (1.0 + d * xs)));
            }
        }
        bvn = -t / (2.0 * PI);
    }
    if r > 0.0 {
        bvn + normal::sf(h.max(k))
    } else {
        let mut v = -bvn;
        if k > h {
            v += normal::cdf(k) - normal::cdf(h);
        }
        v.max(0.0)
    }
}

/// Bivariate normal distribution function `P(X < h, Y < k)` for standard margins and
/// correlation `r`, accurate to about 1e-15 (Genz 2004).
pub fn bvn_cdf(h: f64, k: f64, r: f64) -> f64 {
    bvn_upper(-h, -k, r).clamp(0.0, 1.0)
}

/// Bivariate normal density with standard margins and correlation `r`.
fn phi2(h: f64, k: f64, r: f64) -> f64 {
    let s = 1.0 - r * r;
    (-(h * h - 2.0 * r * h * k + k * k) / (2.0 * s)).exp() / (2.0 * PI * s.sqrt())
}

/// `P(Z_i < b_i, i = 0..k)` for `Z ~ N(0, R)`, `R` a correlation matrix (unit diagonal,
/// positive definite; its leading `k x k` block is used), `k <= MAX_DIM`. An upper limit of
/// `+inf` drops its variable, `-inf` gives 0. Deterministic and accurate to about 1e-12.
///
/// # Panics
/// If `upper` has more than [`MAX_DIM`] entries.
pub fn mvn_cdf(upper: &[f64], corr: &Corr) -> f64 {
    assert!(upper.len() <= MAX_DIM, "mvn_cdf: dimension above {MAX_DIM}");
    let mut b = [0.0; MAX_DIM];
    b[..upper.len()].copy_from_slice(upper);
    cdf(&b, corr, upper.len(), 1e-10).clamp(0.0, 1.0)
}

/// The recursion of [`mvn_cdf`].
fn cdf(b: &[f64; MAX_DIM], r: &Corr, k: usize, tol: f64) -> f64 {
    // Drop the variables without an upper limit.
    let mut idx = [0usize; MAX_DIM];
    let mut m = 0;
    for i in 0..k {
        if b[i].is_nan() {
            return f64::NAN;
        }
        if b[i] == f64::NEG_INFINITY {
            return 0.0;
        }
        if b[i] < f64::INFINITY {
            idx[m] = i;
            m += 1;
        }
    }
    let mut bb = [0.0; MAX_DIM];
    let mut rr = [[0.0; MAX_DIM]; MAX_DIM];
    for x in 0..m {
        bb[x] = b[idx[x]];
        for y in 0..m {
            rr[x][y] = if x == y {
                1.0
            } else {
                r[idx[x]][idx[y]].clamp(-1.0, 1.0)
            };
        }
    }
    match m {
        0 => return 1.0,
        1 => return normal::cdf(bb[0]),
        2 => return bvn_cdf(bb[0], bb[1], rr[0][1]),
        _ => {}
    }
    // The split into groups A (a bit mask containing variable 0) and B with the smallest
    // largest |correlation| across, then the fewest pairs across.
    let full = (1u32 << m) - 1;
    let mut best = (f64::INFINITY, usize::MAX, 0u32);
    let mut mask = 1u32;
    while mask < full {
        if mask & 1 == 1 {
            let mut worst = 0.0f64;
            for x in 0..m {
                for y in 0..m {
                    if mask >> x & 1 == 1 && mask >> y & 1 == 0 {
                        worst = worst.max(rr[x][y].abs());
                    }
                }
            }
            let na = mask.count_ones() as usize;
            let pairs = na * (m - na);
            if worst < best.0 || (worst == best.0 && pairs < best.1) {
                best = (worst, pairs, mask);
            }
        }
        mask += 1;
    }
    let mask = best.2;
    let in_a = |x: usize| mask >> x & 1 == 1;
    // P at R_0: the product over the two groups.
    let group = |want: bool| -> f64 {
        let mut gb = [f64::INFINITY; MAX_DIM];
        let mut gr = [[0.0; MAX_DIM]; MAX_DIM];
        let mut map = [0usize; MAX_DIM];
        let mut g = 0;
        for x in 0..m {
            if in_a(x) == want {
                map[g] = x;
                gb[g] = bb[x];
                g += 1;
            }
        }
        for x in 0..g {
            for y in 0..g {
                gr[x][y] = rr[map[x]][map[y]];
            }
        }
        cdf(&gb, &gr, g, tol)
    };
    let base = group(true) * group(false);
    if best.0 == 0.0 {
        return base;
    }
    // The derivative along R(t): cross correlations scaled by t.
    let derivative = |t: f64| -> f64 {
        let rt = |x: usize, y: usize| {
            if in_a(x) == in_a(y) {
                rr[x][y]
            } else {
                t * rr[x][y]
            }
        };
        let mut total = 0.0;
        for i in 0..m {
            if !in_a(i) {
                continue;
            }
            for j in 0..m {
                if in_a(j) || rr[i][j] == 0.0 {
                    continue;
                }
                let rho = t * rr[i][j];
                let s = 1.0 - rho * rho;
                let density = phi2(bb[i], bb[j], rho);
                if density == 0.0 {
                    continue;
                }
                // The conditional law of the others given Z_i = b_i, Z_j = b_j.
                let mut others = [0usize; MAX_DIM];
                let mut n = 0;
                for x in 0..m {
                    if x != i && x != j {
                        others[n] = x;
                        n += 1;
                    }
                }
                let mut cb = [f64::INFINITY; MAX_DIM];
                let mut cr = [[0.0; MAX_DIM]; MAX_DIM];
                let mut sd = [0.0; MAX_DIM];
                let mut dead = false;
                for p in 0..n {
                    let x = others[p];
                    let (ax, cx) = (rt(x, i), rt(x, j));
                    let mean = ((ax - rho * cx) * bb[i] + (cx - rho * ax) * bb[j]) / s;
                    let var = 1.0 - (ax * ax - 2.0 * rho * ax * cx + cx * cx) / s;
                    if var <= 1e-14 {
                        // Determined by Z_i and Z_j: probability 1 or 0.
                        if bb[x] < mean {
                            dead = true;
                            break;
                        }
                        cb[p] = f64::INFINITY;
                        sd[p] = 0.0;
                    } else {
                        sd[p] = var.sqrt();
                        cb[p] = (bb[x] - mean) / sd[p];
                    }
                }
                if dead {
                    continue;
                }
                for p in 0..n {
                    for q in 0..n {
                        if p == q || sd[p] == 0.0 || sd[q] == 0.0 {
                            cr[p][q] = f64::from(u8::from(p == q));
                            continue;
                        }
                        let (x, y) = (others[p], others[q]);
                        let (ax, cx, ay, cy) = (rt(x, i), rt(x, j), rt(y, i), rt(y, j));
                        let cov = rt(x, y) - (ax * ay - rho * (ax * cy + cx * ay) + cx * cy) / s;
                        cr[p][q] = cov / (sd[p] * sd[q]);
                    }
                }
                total += rr[i][j] * density * cdf(&cb, &cr, n, tol);
            }
        }
        total
    };
    base + integrate(&derivative, 0.0, 1.0, tol, 12)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corr(k: usize, f: impl Fn(usize, usize) -> f64) -> Corr {
        let mut r = [[0.0; MAX_DIM]; MAX_DIM];
        for (i, row) in r.iter_mut().enumerate().take(k) {
            for (j, v) in row.iter_mut().enumerate().take(k) {
                *v = if i == j { 1.0 } else { f(i, j) };
            }
        }
        r
    }

    /// Brute force: P(X < h, Y < k) = int_{-inf}^h phi(x) Phi((k - r x) / sqrt(1 - r^2)) dx by
    /// 20-point Gauss-Legendre on 400 panels of [-12, h], split at the kink x = k / r.
    fn bvn_brute(h: f64, k: f64, r: f64) -> f64 {
        let s = (1.0 - r * r).sqrt();
        let f = |x: f64| normal::pdf(x) * normal::cdf((k - r * x) / s);
        let composite = |a: f64, b: f64| -> f64 {
            let panels = 400;
            let w = (b - a) / panels as f64;
            (0..panels)
                .map(|p| {
                    let mid = a + (p as f64 + 0.5) * w;
                    gl20()
                        .iter()
                        .map(|&(x, g)| g * f(mid + 0.5 * w * x))
                        .sum::<f64>()
                        * 0.5
                        * w
                })
                .sum()
        };
        let lo = -12.0f64;
        let kink = (k / r).clamp(lo, h);
        composite(lo, kink) + composite(kink, h)
    }

    #[test]
    fn gauss_legendre_integrates_polynomials() {
        for rule in [gl10(), gl20()] {
            let n = rule.len();
            for p in 0..2 * n {
                let exact = if p % 2 == 0 {
                    2.0 / (p + 1) as f64
                } else {
                    0.0
                };
                let got: f64 = rule.iter().map(|&(x, w)| w * x.powi(p as i32)).sum();
                assert!((got - exact).abs() < 1e-14, "n={n} p={p}: {got} vs {exact}");
            }
        }
    }

    #[test]
    fn bvn_closed_forms() {
        // r = 0: product; h = k = 0: 1/4 + asin(r) / (2 pi) (Sheppard 1899).
        for &(h, k) in &[(0.3, -1.2), (2.0, 1.5), (-0.5, -0.5)] {
            let want = normal::cdf(h) * normal::cdf(k);
            assert!((bvn_cdf(h, k, 0.0) - want).abs() < 1e-15);
        }
        for &r in &[-0.999, -0.95, -0.5, 0.1, 0.6, 0.93, 0.99, 0.999_999] {
            let want = 0.25 + f64::asin(r) / (2.0 * PI);
            assert!((bvn_cdf(0.0, 0.0, r) - want).abs() < 1e-14, "r={r}");
        }
        // r = +-1.
        assert!((bvn_cdf(0.4, 1.1, 1.0) - normal::cdf(0.4)).abs() < 1e-15);
        assert!(
            (bvn_cdf(0.4, 1.1, -1.0) - (normal::cdf(0.4) + normal::cdf(1.1) - 1.0)).abs() < 1e-15
        );
    }

    #[test]
    fn bvn_matches_brute_force() {
        let mut worst = 0.0f64;
        for &r in &[
            -0.99, -0.93, -0.9, -0.6, -0.2, 0.05, 0.45, 0.8, 0.92, 0.926, 0.95, 0.99, 0.9995,
        ] {
            for &h in &[-2.5, -0.7, 0.0, 0.9, 2.2] {
                for &k in &[-1.9, -0.3, 0.6, 1.96, 3.1] {
                    let got = bvn_cdf(h, k, r);
                    let want = bvn_brute(h, k, r);
                    worst = worst.max((got - want).abs());
                    assert!(
                        (got - want).abs() < 1e-12,
                        "h={h} k={k} r={r}: {got} vs {want}"
                    );
                }
            }
        }
        assert!(worst < 1e-12);
    }

    #[test]
    fn orthant_closed_forms() {
        // Equicorrelated orthant probabilities: k = 3: 1/8 + 3 asin(r) / (4 pi);
        // r = 1/2: 1 / (k + 1) for every k.
        for &r in &[-0.3, 0.2, 0.5, 0.9] {
            let want = 0.125 + 3.0 * f64::asin(r) / (4.0 * PI);
            let got = mvn_cdf(&[0.0; 3], &corr(3, |_, _| r));
            assert!((got - want).abs() < 1e-12, "r={r}: {got} vs {want}");
        }
        for k in 2..=MAX_DIM {
            let got = mvn_cdf(&vec![0.0; k], &corr(k, |_, _| 0.5));
            assert!((got - 1.0 / (k + 1) as f64).abs() < 1e-11, "k={k}: {got}");
        }
        // Independence: a product.
        let b = [0.3, -0.4, 1.2, 2.0];
        let got = mvn_cdf(&b, &corr(4, |_, _| 0.0));
        let want: f64 = b.iter().map(|&x| normal::cdf(x)).product();
        assert!((got - want).abs() < 1e-15);
        // A block of two independent pairs.
        let r = corr(4, |i, j| if i / 2 == j / 2 { 0.7 } else { 0.0 });
        let want = bvn_cdf(0.3, -0.4, 0.7) * bvn_cdf(1.2, 2.0, 0.7);
        assert!((mvn_cdf(&b, &r) - want).abs() < 1e-14);
    }

    #[test]
    fn infinite_limits_drop_variables() {
        let r = corr(3, |_, _| 0.4);
        let got = mvn_cdf(&[0.5, f64::INFINITY, -0.2], &r);
        assert!((got - bvn_cdf(0.5, -0.2, 0.4)).abs() < 1e-15);
        assert_eq!(mvn_cdf(&[0.5, f64::NEG_INFINITY, -0.2], &r), 0.0);
    }
}
