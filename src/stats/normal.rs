//! The standard normal distribution: density, distribution function, its complement and quantile.
//!
//! `cdf` and `sf` use the complementary error function of `libm` (a port of FreeBSD msun, < 1 ulp), which keeps full relative
//! accuracy far into the tails (sf(8) ~ 6.2e-16 is exact to a few ulps). `quantile` is
//! Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988), accurate to about 1e-16
//! relative, and is what the simulator uses to turn one uniform draw into one normal draw, so
//! the random streams do not depend on any crate's sampling algorithm.
//!
//! [`bivariate_cdf`] and [`max2_sf`] give the standard bivariate normal with a non-negative
//! correlation (the joint law of two nested populations' log-rank statistics, as the
//! Spiessens-Debois test needs) by one-dimensional quadrature of the one-factor representation.

#![allow(clippy::inconsistent_digit_grouping, clippy::excessive_precision)]

use libm::erfc;

/// 1 / sqrt(2 pi).
pub const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// Density phi(x) = exp(-x^2/2) / sqrt(2 pi).
#[inline]
pub fn pdf(x: f64) -> f64 {
    INV_SQRT_2PI * (-0.5 * x * x).exp()
}

/// Distribution function Phi(x) = erfc(-x / sqrt 2) / 2.
#[inline]
pub fn cdf(x: f64) -> f64 {
    0.5 * erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Survival function 1 - Phi(x) = erfc(x / sqrt 2) / 2, accurate in the upper tail.
#[inline]
pub fn sf(x: f64) -> f64 {
    0.5 * erfc(x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Two-sided p-value of a chi-square statistic with one degree of freedom:
/// P(X > c) = P(|Z| > sqrt c) = erfc(sqrt(c / 2)).
#[inline]
pub fn chisq1_sf(c: f64) -> f64 {
    if c <= 0.0 {
        1.0
    } else {
        erfc((0.5 * c).sqrt())
    }
}

/// Quantile Phi^{-1}(p) for 0 < p < 1 by Wichura's AS 241 (PPND16).
///
/// Returns -inf at p = 0, +inf at p = 1 and NaN outside [0, 1].
pub fn quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || p.is_nan() {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2509.080_928_730_122_7 * r + 33430.575_583_588_128) * r
                + 67265.770_927_008_7)
                * r
                + 45921.953_931_549_87)
                * r
                + 13731.693_765_509_461)
                * r
                + 1971.590_950_306_551_3)
                * r
                + 133.141_667_891_784_38)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((5226.495_278_852_545 * r + 28729.085_735_721_943) * r
                + 39307.895_800_092_71)
                * r
                + 21213.794_301_586_597)
                * r
                + 5394.196_021_424_751)
                * r
                + 687.187_007_492_057_9)
                * r
                + 42.313_330_701_600_91)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        (((((((7.745_450_142_783_414e-4 * r + 0.022_723_844_989_269_184) * r
            + 0.241_780_725_177_450_6)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_546)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((1.050_750_071_644_416_9e-9 * r + 5.475_938_084_995_345e-4) * r
                + 0.015_198_666_563_616_457)
                * r
                + 0.148_103_976_427_480_08)
                * r
                + 0.689_767_334_985_1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_759)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 0.001_242_660_947_388_078_4)
            * r
            + 0.026_532_189_526_576_124)
            * r
            + 0.296_560_571_828_504_9)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103)
            / (((((((2.044_263_103_389_939_7e-15 * r + 1.421_511_758_316_446e-7) * r
                + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_133e-4)
                * r
                + 0.014_875_361_290_850_615)
                * r
                + 0.136_929_880_922_735_8)
                * r
                + 0.599_832_206_555_888)
                * r
                + 1.0)
    };
    if q < 0.0 { -x } else { x }
}

/// 8-point Gauss-Legendre nodes on [-1, 1] (Abramowitz and Stegun, table 25.4).
pub(crate) const GL_NODES: [f64; 8] = [
    -0.960_289_856_497_536_3,
    -0.796_666_477_413_626_7,
    -0.525_532_409_916_329,
    -0.183_434_642_495_649_8,
    0.183_434_642_495_649_8,
    0.525_532_409_916_329,
    0.796_666_477_413_626_7,
    0.960_289_856_497_536_3,
];
/// 8-point Gauss-Legendre weights (sum 2).
pub(crate) const GL_WEIGHTS: [f64; 8] = [
    0.101_228_536_290_376_3,
    0.222_381_034_453_374_5,
    0.313_706_645_877_887_3,
    0.362_683_783_378_362,
    0.362_683_783_378_362,
    0.313_706_645_877_887_3,
    0.222_381_034_453_374_5,
    0.101_228_536_290_376_3,
];

/// The bivariate normal distribution function P(X1 <= h, X2 <= k) of two standard normals with
/// correlation `rho` in [0, 1] (NaN outside).
///
/// One-factor representation: X_i = sqrt(rho) U + sqrt(1 - rho) E_i with U, E_1, E_2
/// independent N(0, 1), so
/// P = int phi(u) Phi((h - sqrt(rho) u) / sqrt(1 - rho)) Phi((k - sqrt(rho) u) / sqrt(1 - rho)) du
/// (e.g. Tong 1990, The Multivariate Normal Distribution, section 8.2). The integral over
/// u in [-9, 9] (the mass beyond is below 1e-18) is taken by 8-point Gauss-Legendre on panels at
/// most 1/4 wide, narrowed to a quarter of the step width sqrt((1 - rho) / rho) within ten step
/// widths of each step u = h / sqrt(rho), k / sqrt(rho), where the factors Phi(.) turn from 0 to
/// 1 (sharply when rho is near 1). rho = 0 gives Phi(h) Phi(k), rho = 1 gives Phi(min(h, k)).
pub fn bivariate_cdf(h: f64, k: f64, rho: f64) -> f64 {
    if h.is_nan() || k.is_nan() || !(0.0..=1.0).contains(&rho) {
        return f64::NAN;
    }
    if h == f64::NEG_INFINITY || k == f64::NEG_INFINITY {
        return 0.0;
    }
    if h == f64::INFINITY {
        return cdf(k);
    }
    if k == f64::INFINITY {
        return cdf(h);
    }
    if rho == 0.0 {
        return cdf(h) * cdf(k);
    }
    if rho >= 1.0 {
        return cdf(h.min(k));
    }
    let (a, b) = (rho.sqrt(), (1.0 - rho).sqrt());
    let step = b / a;
    let centres = [h / a, k / a];
    let reach = 10.0 * step;
    let mut cuts: Vec<f64> = vec![-9.0, 9.0];
    for c in centres {
        for x in [c - reach, c, c + reach] {
            if x > -9.0 && x < 9.0 {
                cuts.push(x);
            }
        }
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let integrand = |u: f64| pdf(u) * cdf((h - a * u) / b) * cdf((k - a * u) / b);
    let mut total = 0.0;
    for w in cuts.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let mid = 0.5 * (lo + hi);
        let in_step = centres.iter().any(|c| (mid - c).abs() < reach);
        let width = if in_step {
            (0.25 * step).min(0.25)
        } else {
            0.25
        };
        let panels = ((hi - lo) / width).ceil().max(1.0) as usize;
        let h_panel = (hi - lo) / panels as f64;
        for p in 0..panels {
            let left = lo + p as f64 * h_panel;
            let mut sum = 0.0;
            for (node, weight) in GL_NODES.iter().zip(GL_WEIGHTS.iter()) {
                sum += weight * integrand(left + 0.5 * h_panel * (1.0 + node));
            }
            total += 0.5 * h_panel * sum;
        }
    }
    total.clamp(0.0, 1.0)
}

/// P(max(X1, X2) > c) for two standard normals with correlation `rho` in [0, 1]:
/// 2 (1 - Phi(c)) - P(X1 > c, X2 > c), the last term as [`bivariate_cdf`](-c, -c, rho) by
/// symmetry, which keeps full relative accuracy in the upper tail. rho = 0 gives Sidak's
/// 1 - Phi(c)^2, rho = 1 gives 1 - Phi(c).
pub fn max2_sf(c: f64, rho: f64) -> f64 {
    (2.0 * sf(c) - bivariate_cdf(-c, -c, rho)).clamp(0.0, 1.0)
}

/// The c with P(max(X1, X2) > c) = `alpha` for correlation `rho` in [0, 1]: the Dunnett-type
/// critical value of the Spiessens and Debois (2010) test of two nested populations. It lies
/// between z_(1 - alpha) (rho = 1) and Sidak's Phi^{-1}((1 - alpha)^(1/2)) (rho = 0).
pub fn max2_quantile(alpha: f64, rho: f64) -> f64 {
    let z = quantile(1.0 - alpha);
    crate::stats::roots::solve_monotone(|c| max2_sf(c, rho) - alpha, z, 0.1, 1e-12)
        .unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_inverts_cdf() {
        for &p in &[
            1e-300, 1e-20, 1e-8, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999999,
        ] {
            let x = quantile(p);
            let back = cdf(x);
            // Relative error of Phi(x) is about x^2 times that of x: allow 1e-15 (1 + x^2).
            assert!(
                (back - p).abs() <= 1e-15 * (1.0 + x * x) * p,
                "p={p} x={x} back={back}"
            );
        }
    }

    #[test]
    fn known_values() {
        // Published: z_0.975 = 1.959963984540054, z_0.9 = 1.2815515655446004 (R qnorm).
        assert!((quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-14);
        assert!((quantile(0.9) - 1.281_551_565_544_600_4).abs() < 1e-14);
        assert!((cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
        // R: pnorm(8, lower.tail = FALSE) = 6.220960574271785e-16
        assert!((sf(8.0) / 6.220_960_574_271_785e-16 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bivariate_closed_forms() {
        // Orthant probability: P(X1 <= 0, X2 <= 0) = 1/4 + asin(rho) / (2 pi) (Sheppard 1899).
        for rho in [0.0, 0.1, 0.3, 0.5, 0.8, 0.95, 0.999, 0.999_999, 1.0] {
            let want = 0.25 + f64::asin(rho) / (2.0 * std::f64::consts::PI);
            let got = bivariate_cdf(0.0, 0.0, rho);
            assert!((got - want).abs() < 1e-13, "rho {rho}: {got} vs {want}");
        }
        // rho = 0: product; rho = 1: Phi(min).
        assert!((bivariate_cdf(1.2, -0.4, 0.0) - cdf(1.2) * cdf(-0.4)).abs() < 1e-15);
        assert!((bivariate_cdf(1.2, -0.4, 1.0) - cdf(-0.4)).abs() < 1e-15);
        // Nearly 1: continuous towards Phi(min).
        assert!((bivariate_cdf(1.2, -0.4, 1.0 - 1e-12) - cdf(-0.4)).abs() < 1e-6);
        // Symmetry in (h, k).
        assert!((bivariate_cdf(1.2, -0.4, 0.6) - bivariate_cdf(-0.4, 1.2, 0.6)).abs() < 1e-14);
    }

    #[test]
    fn bivariate_against_r() {
        // R 4.2.2, mnormt 2.1.1 (bivariate: Genz's BVN code via biv.nt.prob):
        // pmnorm(c(h, k), mean = c(0, 0), varcov = matrix(c(1, r, r, 1), 2))
        let cases = [
            (1.5, 2.0, 0.7, 0.923_689_679_372_903_03),
            (-0.5, 1.2, 0.3, 0.291_527_899_616_119_3),
            (2.2414, 2.2414, 0.8, 0.979_885_759_648_528_75),
            (-2.5, -2.5, 0.95, 0.004_046_561_003_768_841_7),
            (1.96, 1.96, 0.999, 0.973_959_692_806_347_2),
            (0.3, -1.1, 0.5, 0.121_023_240_332_851_83),
        ];
        for (h, k, rho, want) in cases {
            let got = bivariate_cdf(h, k, rho);
            assert!(
                (got - want).abs() <= 1e-12 * want.max(1e-3),
                "({h}, {k}, {rho}): {got} vs R {want}"
            );
        }
    }

    #[test]
    fn max_of_two_limits() {
        // rho = 0: Sidak; rho = 1: one test.
        for c in [1.5, 1.96, 2.5, 3.5] {
            assert!((max2_sf(c, 0.0) - (1.0 - cdf(c) * cdf(c))).abs() < 1e-15);
            assert!((max2_sf(c, 1.0) / sf(c) - 1.0).abs() < 1e-13);
        }
        let sidak = quantile(0.975f64.sqrt());
        assert!((max2_quantile(0.05, 0.0) - quantile(0.95f64.sqrt())).abs() < 1e-10);
        assert!((max2_quantile(0.025, 0.0) - sidak).abs() < 1e-10);
        assert!((max2_quantile(0.025, 1.0) - quantile(0.975)).abs() < 1e-10);
        // Monotone in rho between the two.
        let mid = max2_quantile(0.025, 0.64);
        assert!(mid > quantile(0.975) && mid < sidak, "{mid}");
    }
}
