//! Descriptive statistics of simulated replicates: sample quantiles and the Wilson score
//! interval of a proportion.

/// Phi^{-1}(0.975), the two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// Quantile of sorted data by linear interpolation (Hyndman and Fan 1996 type 7, R's default).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Wilson's score interval for x successes in n trials at confidence 95%.
pub fn wilson(x: f64, n: f64) -> (f64, f64) {
    if n == 0.0 {
        return (0.0, 1.0);
    }
    let p = x / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_quantiles_match_r() {
        // Type 7 by hand: h = (n - 1) p; x[floor h] + frac(h) (x[floor h + 1] - x[floor h]):
        // p = 0.025: h = 0.1 -> 1.1; p = 0.5: h = 2 -> 4; p = 0.975: h = 3.9 -> 8 + 0.9 * 8 = 15.2.
        let x = [1.0, 2.0, 4.0, 8.0, 16.0];
        assert!((quantile_sorted(&x, 0.025) - 1.1).abs() < 1e-12);
        assert_eq!(quantile_sorted(&x, 0.5), 4.0);
        assert!((quantile_sorted(&x, 0.975) - 15.2).abs() < 1e-12);
    }

    #[test]
    fn wilson_bounds_solve_the_score_equation() {
        // Wilson's bounds are the p with (x/n - p)^2 = z^2 p (1 - p) / n (score test inverted).
        for &(x, n) in &[(81.0, 100.0), (3.0, 1000.0), (500.0, 1000.0)] {
            let (lo, hi) = wilson(x, n);
            for p in [lo, hi] {
                let lhs = (x / n - p) * (x / n - p);
                let rhs = Z95 * Z95 * p * (1.0 - p) / n;
                assert!((lhs - rhs).abs() < 1e-12, "x={x} n={n} p={p}");
            }
            assert!(lo < x / n && x / n < hi);
        }
    }
}
