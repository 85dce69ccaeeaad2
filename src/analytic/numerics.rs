//! The numerical tools of the closed-form engine: adaptive Gauss-Legendre quadrature and a
//! bracketed root finder.
//!
//! - Gauss-Legendre: the m nodes are the roots of the Legendre polynomial P_m, found by Newton's
//!   method on the three-term recurrence (k + 1) P_{k+1}(x) = (2k + 1) x P_k(x) - k P_{k-1}(x),
//!   with weights 2 / ((1 - x^2) P_m'(x)^2) (Abramowitz and Stegun 1964, 25.4.29; Davis and
//!   Rabinowitz 1984, section 2.7). The rule with m nodes is exact for polynomials of degree
//!   2m - 1.
//! - Adaptivity: a panel is accepted when the rule on it and the sum of the rule on its two
//!   halves agree to the tolerance, else each half is refined in turn (Davis and Rabinowitz,
//!   section 6.2).
//! - Roots: Brent's (1973) method ([`crate::stats::roots::brent`]), the bracket kept, inverse
//!   quadratic interpolation where it behaves and bisection where it does not.

use std::sync::OnceLock;

/// Nodes per Gauss-Legendre panel.
const NODES: usize = 16;

/// The 16-point Gauss-Legendre rule on [-1, 1]: (nodes, weights), computed once.
pub fn rule() -> &'static ([f64; NODES], [f64; NODES]) {
    static RULE: OnceLock<([f64; NODES], [f64; NODES])> = OnceLock::new();
    RULE.get_or_init(|| {
        let m = NODES;
        let mut nodes = [0.0; NODES];
        let mut weights = [0.0; NODES];
        for i in 0..m.div_ceil(2) {
            // Tricomi's initial guess for the i-th largest root, then Newton.
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (m as f64 + 0.5)).cos();
            let mut derivative = 1.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 1..m {
                    let p2 = ((2 * k + 1) as f64 * x * p1 - k as f64 * p0) / (k + 1) as f64;
                    p0 = p1;
                    p1 = p2;
                }
                // P_m'(x) = m (x P_m - P_{m-1}) / (x^2 - 1)
                derivative = m as f64 * (x * p1 - p0) / (x * x - 1.0);
                let step = p1 / derivative;
                x -= step;
                if step.abs() < 1e-16 {
                    break;
                }
            }
            let w = 2.0 / ((1.0 - x * x) * derivative * derivative);
            nodes[i] = -x;
            nodes[m - 1 - i] = x;
            weights[i] = w;
            weights[m - 1 - i] = w;
        }
        (nodes, weights)
    })
}

/// The 16-point Gauss-Legendre rule on [a, b].
pub fn gauss_legendre<F: FnMut(f64) -> f64>(f: &mut F, a: f64, b: f64) -> f64 {
    let (nodes, weights) = rule();
    let half = 0.5 * (b - a);
    let mid = 0.5 * (a + b);
    nodes
        .iter()
        .zip(weights)
        .map(|(x, w)| w * f(mid + half * x))
        .sum::<f64>()
        * half
}

/// Most 16-point panels one call of [`integrate`] evaluates (a guard against an integrand whose
/// rounding noise exceeds the tolerance, which would otherwise be bisected without end).
const PANEL_BUDGET: usize = 4096;

/// The integral of `f` over the finite interval [a, b] to absolute tolerance `tol`, by adaptive
/// bisection of 16-point Gauss-Legendre panels, depth first, at most 50 levels deep and
/// [`PANEL_BUDGET`] panels in all (the best estimate so far is returned when either runs out).
pub fn integrate<F: FnMut(f64) -> f64>(f: &mut F, a: f64, b: f64, tol: f64) -> f64 {
    if b <= a {
        return 0.0;
    }
    let whole = gauss_legendre(f, a, b);
    let mut budget = PANEL_BUDGET;
    refine(f, a, b, whole, tol, 50, &mut budget)
}

fn refine<F: FnMut(f64) -> f64>(
    f: &mut F,
    a: f64,
    b: f64,
    whole: f64,
    tol: f64,
    depth: u32,
    budget: &mut usize,
) -> f64 {
    let mid = 0.5 * (a + b);
    let left = gauss_legendre(f, a, mid);
    let right = gauss_legendre(f, mid, b);
    *budget = budget.saturating_sub(2);
    let halves = left + right;
    if depth == 0 || *budget == 0 || (halves - whole).abs() <= tol || !halves.is_finite() {
        return halves;
    }
    refine(f, a, mid, left, 0.5 * tol, depth - 1, budget)
        + refine(f, mid, b, right, 0.5 * tol, depth - 1, budget)
}

/// The root of `f` in [a, b], where f(a) and f(b) differ in sign, to `tol` in x (Brent 1973).
/// `None` when the bracket holds no sign change or f is not finite at its ends.
pub fn brent<F: FnMut(f64) -> f64>(mut f: F, a: f64, b: f64, tol: f64) -> Option<f64> {
    let (fa, fb) = (f(a), f(b));
    if !fa.is_finite() || !fb.is_finite() || fa * fb > 0.0 {
        return None;
    }
    if fa == 0.0 {
        return Some(a);
    }
    if fb == 0.0 {
        return Some(b);
    }
    crate::stats::roots::brent(&mut f, a, b, fa, fb, tol)
}

/// phi1(z) = (1 - e^-z) / z, with phi1(0) = 1: the integral of e^(-z x) over x in [0, 1].
pub fn phi1(z: f64) -> f64 {
    if z.abs() < 1e-8 {
        1.0 - 0.5 * z
    } else {
        -(-z).exp_m1() / z
    }
}

/// phi2(z) = (1 - e^-z (1 + z)) / z^2, with phi2(0) = 1/2: the integral of x e^(-z x) over
/// x in [0, 1]. A Taylor series where the direct form cancels (|z| < 0.05).
pub fn phi2(z: f64) -> f64 {
    if z.abs() < 0.05 {
        // sum_k (-z)^k / (k! (k + 2)): 1/2 - z/3 + z^2/8 - z^3/30 + z^4/144 - z^5/840 + ...
        let mut term = 1.0;
        let mut sum = 0.0;
        for k in 0..12 {
            sum += term / (k as f64 + 2.0);
            term *= -z / (k as f64 + 1.0);
        }
        sum
    } else {
        (1.0 - (-z).exp() * (1.0 + z)) / (z * z)
    }
}

/// The n-point Gauss-Hermite rule for expectations under the standard normal law:
/// E f(Z) ~ sum_i w_i f(x_i), exact for polynomials of degree up to 2n - 1. The nodes are the
/// roots of the probabilists' Hermite polynomial He_n (He_(k+1) = x He_k - k He_(k-1)),
/// bracketed by a scan of (-2 sqrt(n) - 2, 2 sqrt(n) + 2) and refined by bisection; the weights
/// are w_i = n! / (n He_(n-1)(x_i))^2 (Abramowitz and Stegun 25.4.46, rescaled to the normal
/// density). For 1 <= n <= 40.
pub fn gauss_hermite(n: usize) -> Vec<(f64, f64)> {
    assert!(
        (1..=40).contains(&n),
        "Gauss-Hermite rule of 1 to 40 points"
    );
    // (He_n(x), He_(n-1)(x))
    let he = |x: f64| {
        let (mut prev, mut cur) = (1.0f64, x);
        if n == 1 {
            return (cur, prev);
        }
        for k in 1..n {
            let next = x * cur - k as f64 * prev;
            prev = cur;
            cur = next;
        }
        (cur, prev)
    };
    let bound = 2.0 * (n as f64).sqrt() + 2.0;
    let steps = 4000 * n;
    let h = 2.0 * bound / steps as f64;
    let factorial: f64 = (1..=n).map(|k| k as f64).product();
    let mut rule = Vec::with_capacity(n);
    let mut a = -bound;
    let mut fa = he(a).0;
    for i in 1..=steps {
        let b = -bound + i as f64 * h;
        let fb = he(b).0;
        // (signum(+0) = 1: a node met exactly on the grid is bracketed once)
        if fa.signum() != fb.signum() {
            let (mut lo, mut hi, mut flo) = (a, b, fa);
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if mid <= lo || mid >= hi {
                    break;
                }
                let fm = he(mid).0;
                if fm == 0.0 {
                    lo = mid;
                    hi = mid;
                    break;
                }
                if fm.signum() == flo.signum() {
                    lo = mid;
                    flo = fm;
                } else {
                    hi = mid;
                }
            }
            let x = 0.5 * (lo + hi);
            let p = he(x).1;
            rule.push((x, factorial / (n as f64 * p).powi(2)));
        }
        a = b;
        fa = fb;
    }
    debug_assert_eq!(rule.len(), n);
    rule
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_hermite_gives_the_normal_moments() {
        for n in [1, 2, 5, 12, 16, 20] {
            let rule = gauss_hermite(n);
            assert_eq!(rule.len(), n);
            // E Z^(2k) = (2k - 1)!!, exact for 2k <= 2n - 1.
            let mut double_factorial = 1.0;
            for k in 0..n {
                if k > 0 {
                    double_factorial *= (2 * k - 1) as f64;
                }
                let m: f64 = rule.iter().map(|(x, w)| w * x.powi(2 * k as i32)).sum();
                assert!(
                    (m / double_factorial - 1.0).abs() < 1e-11,
                    "n {n}, moment {}",
                    2 * k
                );
                let odd: f64 = rule.iter().map(|(x, w)| w * x.powi(2 * k as i32 + 1)).sum();
                assert!(
                    odd.abs() < 1e-9 * double_factorial.max(1.0),
                    "n {n}, odd moment"
                );
            }
        }
        // E Phi(a + b Z) = Phi(a / sqrt(1 + b^2)).
        let rule = gauss_hermite(16);
        let e: f64 = rule
            .iter()
            .map(|(x, w)| w * crate::stats::normal::cdf(1.0 + 0.8 * x))
            .sum();
        assert!((e - crate::stats::normal::cdf(1.0 / (1.0f64 + 0.64).sqrt())).abs() < 1e-8);
    }

    #[test]
    fn rule_integrates_polynomials_exactly() {
        let (nodes, weights) = rule();
        assert!((weights.iter().sum::<f64>() - 2.0).abs() < 1e-14);
        // degree 30: int_{-1}^{1} x^30 = 2/31
        let s: f64 = nodes.iter().zip(weights).map(|(x, w)| w * x.powi(30)).sum();
        assert!((s - 2.0 / 31.0).abs() < 1e-14);
        // the largest node of P_16 (A&S table 25.4)
        assert!((nodes[15] - 0.989_400_934_991_649_9).abs() < 1e-15);
    }

    #[test]
    fn adaptive_handles_a_root_singularity() {
        // int_0^1 sqrt(x) = 2/3
        let v = integrate(&mut |x: f64| x.sqrt(), 0.0, 1.0, 1e-13);
        assert!((v - 2.0 / 3.0).abs() < 1e-11, "{v}");
    }

    #[test]
    fn brent_finds_roots() {
        let r = brent(|x| x * x * x - 2.0, 0.0, 3.0, 1e-14).unwrap();
        assert!((r - 2f64.cbrt()).abs() < 1e-13);
        assert!(brent(|x| x * x + 1.0, -1.0, 1.0, 1e-12).is_none());
    }

    #[test]
    fn phi_series_meet_the_direct_forms() {
        for &z in &[0.049_999f64, 0.050_001, 1e-9, 0.3, 5.0] {
            let direct1 = (1.0 - (-z).exp()) / z;
            assert!((phi1(z) - direct1).abs() < 1e-7 * direct1.max(1.0));
            if z > 0.01 {
                let direct2 = (1.0 - (-z).exp() * (1.0 + z)) / (z * z);
                assert!((phi2(z) - direct2).abs() < 1e-10, "{z}");
            }
        }
        assert!((phi2(0.0) - 0.5).abs() < 1e-16);
    }
}
