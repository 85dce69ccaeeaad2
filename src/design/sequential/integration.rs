//! Recursive numerical integration of the joint distribution of sequential z-statistics
//! (Armitage, McPherson and Rowe 1969; Jennison and Turnbull 2000, chapter 19).
//!
//! With information fractions t_1 < ... < t_K and drift theta (the mean of Z at t = 1),
//! the score process S(t) = Z(t) sqrt(t) is Brownian motion with drift theta: S(t_k) - S(t_{k-1})
//! ~ N(theta D_k, D_k), D_k = t_k - t_{k-1}, independent of the past. The sub-density of Z_k on
//! the continuation region C_{k-1} of earlier looks is
//!
//! g_k(z) = int_{C_{k-1}} g_{k-1}(u) sqrt(t_k / D_k) phi((z sqrt t_k - u sqrt t_{k-1} - theta D_k) / sqrt D_k) du,
//!
//! and the probability of first crossing b_k at look k is
//! int g_{k-1}(u) (1 - Phi((b_k sqrt t_k - u sqrt t_{k-1} - theta D_k) / sqrt D_k)) du.
//!
//! Each integral is evaluated by Simpson's rule on Jennison and Turnbull's grid: 6r - 1 points
//! centred on the mean theta sqrt t_k, dense (spacing 3/(2r)) within 3 of the mean and
//! logarithmically sparse out to about 3 + 4 ln r, cut to the continuation interval with its ends
//! added, plus the midpoints: at most 12r - 3 points. With r = 32 probabilities are accurate to
//! about 1e-9 (checked against rpact in tests/it/oracle_boundaries.rs).
//!
//! Look 1 is handled by the same formulas from a point mass at S(0) = 0, t_0 = 0.

use crate::stats::normal;

/// Jennison and Turnbull's grid parameter r used unless a caller asks otherwise.
pub const DEFAULT_GRID_R: usize = 32;

/// Bounds are sought in [-BOUND_CAP, BOUND_CAP]; a look that may spend nothing gets BOUND_CAP
/// (rpact uses 8 the same way; 1 - Phi(8) = 6e-16).
pub const BOUND_CAP: f64 = 8.0;

/// Kernel truncation in standard deviations (phi beyond it is below 1e-17 of its peak).
const KERNEL_CUT: f64 = 8.8;

/// The sub-density of the z-statistic at one look restricted to continuing, on a Simpson grid:
/// points `z` and `h[i] = w[i] g(z[i])` (weight times density), at information fraction `t`.
#[derive(Debug, Clone, Default)]
pub struct Stage {
    t: f64,
    z: Vec<f64>,
    h: Vec<f64>,
    /// scratch: the centres u sqrt(t) + theta D (divided by sqrt D) of the next transition.
    c: Vec<f64>,
}

impl Stage {
    /// A new stage holding the start of the process: S(0) = 0 with probability 1.
    pub fn new() -> Stage {
        let mut s = Stage::default();
        s.reset();
        s
    }

    /// Resets to the start of the process (t = 0, point mass at 0), keeping the buffers.
    pub fn reset(&mut self) {
        self.t = 0.0;
        self.z.clear();
        self.h.clear();
        self.z.push(0.0);
        self.h.push(1.0);
    }

    /// The information fraction of this stage.
    pub fn t(&self) -> f64 {
        self.t
    }

    /// Probability of having continued to this stage (the integral of the sub-density).
    pub fn mass(&self) -> f64 {
        self.h.iter().sum()
    }

    /// Standardised arguments of the transition to fraction t with drift theta:
    /// x_i(b) = b * scale - c_i with scale = sqrt(t / D), c_i = (u_i sqrt t_prev + theta D) / sqrt D.
    #[inline]
    fn transition(&self, t: f64, theta: f64) -> (f64, f64, f64) {
        let d = t - self.t;
        let sd = d.sqrt();
        (t.sqrt() / sd, self.t.sqrt() / sd, theta * d / sd)
    }

    /// (sum_i h_i (1 - Phi(x_i)), sum_i h_i phi(x_i)) with x_i = x0 - u_i slope. Terms with
    /// |x_i| > KERNEL_CUT take their limits (1 - Phi is then within 1e-18 of 0 or 1).
    #[inline]
    fn sf_sums(&self, x0: f64, slope: f64) -> (f64, f64) {
        let (mut prob, mut dens) = (0.0, 0.0);
        for (&u, &h) in self.z.iter().zip(&self.h) {
            let x = x0 - u * slope;
            if x > KERNEL_CUT {
                continue;
            }
            if x < -KERNEL_CUT {
                prob += h;
                continue;
            }
            prob += h * normal::sf(x);
            dens += h * exp_nonpositive(-0.5 * x * x);
        }
        (prob, dens * normal::INV_SQRT_2PI)
    }

    /// P(continue to this stage, then Z >= b at the next look, at fraction t, drift theta).
    pub fn upper(&self, t: f64, theta: f64, b: f64) -> f64 {
        let (scale, ut, shift) = self.transition(t, theta);
        self.sf_sums(b * scale - shift, ut).0
    }

    /// P(continue to this stage, then Z < a at the next look, at fraction t, drift theta).
    pub fn lower(&self, t: f64, theta: f64, a: f64) -> f64 {
        if a == f64::NEG_INFINITY {
            return 0.0;
        }
        let (scale, ut, shift) = self.transition(t, theta);
        // Phi(y) = 1 - Phi(-y)
        self.sf_sums(-(a * scale - shift), -ut).0
    }

    /// The bound b at fraction t with `upper(t, theta, b) = p`, by safeguarded Newton, and
    /// `upper` at it; BOUND_CAP when p is 0 (nothing to spend), -BOUND_CAP when p is the whole
    /// remaining mass.
    pub fn solve_upper(&self, t: f64, theta: f64, p: f64) -> (f64, f64) {
        if p <= 0.0 {
            return (BOUND_CAP, self.upper(t, theta, BOUND_CAP));
        }
        let (scale, ut, shift) = self.transition(t, theta);
        let f = |b: f64| -> (f64, f64) {
            let (prob, dens) = self.sf_sums(b * scale - shift, ut);
            (prob - p, -dens * scale)
        };
        let start = -normal::quantile(p / self.mass().max(f64::MIN_POSITIVE)) + theta * t.sqrt();
        let (b, fb) = newton_bracketed(f, start, -BOUND_CAP, BOUND_CAP);
        (b, fb + p)
    }

    /// The bound a at fraction t with `lower(t, theta, a) = p`, by safeguarded Newton, and
    /// `lower` at it; -BOUND_CAP when p is 0.
    pub fn solve_lower(&self, t: f64, theta: f64, p: f64) -> (f64, f64) {
        if p <= 0.0 {
            return (-BOUND_CAP, self.lower(t, theta, -BOUND_CAP));
        }
        let (scale, ut, shift) = self.transition(t, theta);
        let f = |a: f64| -> (f64, f64) {
            let (prob, dens) = self.sf_sums(-(a * scale - shift), -ut);
            // decreasing form for the shared solver: p - P(Z < a)
            (p - prob, -dens * scale)
        };
        let start = normal::quantile(p / self.mass().max(f64::MIN_POSITIVE)) + theta * t.sqrt();
        let (a, fa) = newton_bracketed(f, start, -BOUND_CAP, BOUND_CAP);
        (a, p - fa)
    }

    /// P(continue to this stage, then -a < Z < a at the next look): the inner (futility)
    /// interval of a two-sided design with beta spending (0 when a <= 0).
    pub fn inner(&self, t: f64, theta: f64, a: f64) -> f64 {
        if a <= 0.0 {
            return 0.0;
        }
        self.lower(t, theta, a) - self.lower(t, theta, -a)
    }

    /// The a in [0, BOUND_CAP] with `inner(t, theta, a) = p`, by safeguarded Newton (the
    /// derivative is the density at a plus that at -a); 0 when p <= 0.
    pub fn solve_inner(&self, t: f64, theta: f64, p: f64) -> f64 {
        if p <= 0.0 {
            return 0.0;
        }
        let (scale, ut, shift) = self.transition(t, theta);
        let f = |a: f64| -> (f64, f64) {
            let (hi, dh) = self.sf_sums(-(a * scale - shift), -ut);
            let (lo, dl) = self.sf_sums(-(-a * scale - shift), -ut);
            (p - (hi - lo), -(dh + dl) * scale)
        };
        newton_bracketed(f, 1.0, 0.0, BOUND_CAP).0
    }

    /// As [`Stage::advance_into`] on the two-sided continuation region (-hi, -lo) U (lo, hi)
    /// of a two-sided design with an inner futility interval (0 < lo < hi): the grid is the
    /// concatenation of the grids of the two intervals (as rpact's four-row decision matrix).
    pub fn advance_split_into(
        &mut self,
        next: &mut Stage,
        t: f64,
        theta: f64,
        lo: f64,
        hi: f64,
        r: usize,
    ) {
        self.advance_into(next, t, theta, -hi, -lo, r);
        let lower_mass = std::mem::take(&mut next.h);
        let lower_z = std::mem::take(&mut next.z);
        // the upper interval: the same transition on its own grid
        self.advance_into(next, t, theta, lo, hi, r);
        let (mut z, mut h) = (lower_z, lower_mass);
        z.append(&mut next.z);
        h.append(&mut next.h);
        next.z = z;
        next.h = h;
    }

    /// As [`Stage::advance_into`] on the union of two disjoint intervals (lo1, hi1) U (lo2,
    /// hi2), hi1 <= lo2, whose grids are concatenated (as [`Stage::advance_split_into`], for
    /// regions that need not be symmetric about 0). An empty interval (lo >= hi) is left out.
    #[allow(clippy::too_many_arguments)]
    pub fn advance_union_into(
        &mut self,
        next: &mut Stage,
        t: f64,
        theta: f64,
        (lo1, hi1): (f64, f64),
        (lo2, hi2): (f64, f64),
        r: usize,
    ) {
        if lo1 >= hi1 {
            self.advance_into(next, t, theta, lo2, hi2, r);
            return;
        }
        if lo2 >= hi2 {
            self.advance_into(next, t, theta, lo1, hi1, r);
            return;
        }
        self.advance_into(next, t, theta, lo1, hi1, r);
        let mut h = std::mem::take(&mut next.h);
        let mut z = std::mem::take(&mut next.z);
        self.advance_into(next, t, theta, lo2, hi2, r);
        z.append(&mut next.z);
        h.append(&mut next.h);
        next.z = z;
        next.h = h;
    }

    /// Advances to the next look: writes into `next` the sub-density at fraction t (> this
    /// stage's), drift theta, restricted to continuing there, lo < Z < hi (lo may be -inf),
    /// on a grid with parameter r.
    pub fn advance_into(
        &mut self,
        next: &mut Stage,
        t: f64,
        theta: f64,
        lo: f64,
        hi: f64,
        r: usize,
    ) {
        let (scale, ut, shift) = self.transition(t, theta);
        build_grid(r, theta * t.sqrt(), lo, hi, &mut next.z, &mut next.h);
        next.t = t;
        // centres of the kernel in the standardised scale
        self.c.clear();
        self.c.extend(self.z.iter().map(|&u| u * ut + shift));
        let norm = scale * normal::INV_SQRT_2PI;
        // The centres are increasing; sources further than KERNEL_CUT standard deviations from
        // a target add less than exp(-KERNEL_CUT^2 / 2) = 1e-17 of their mass and are skipped.
        let (mut from, mut to) = (0, 0);
        let n = self.c.len();
        for (zj, wj) in next.z.iter().zip(next.h.iter_mut()) {
            let a = zj * scale;
            while from < n && self.c[from] < a - KERNEL_CUT {
                from += 1;
            }
            to = to.max(from);
            while to < n && self.c[to] <= a + KERNEL_CUT {
                to += 1;
            }
            *wj *= kernel_sum(a, &self.c[from..to], &self.h[from..to]) * norm;
        }
    }
}

/// sum_i h_i exp(-(a - c_i)^2 / 2), with AVX2 when the processor has it. Both paths do the same
/// IEEE operations in the same order (no fused multiply-add), so the result is bit-identical.
#[inline]
fn kernel_sum(a: f64, c: &[f64], h: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { kernel_sum_avx2(a, c, h) };
        }
    }
    kernel_sum_portable(a, c, h)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn kernel_sum_avx2(a: f64, c: &[f64], h: &[f64]) -> f64 {
    kernel_sum_portable(a, c, h)
}

/// Eight independent partial sums, so that the loop vectorises.
#[inline(always)]
fn kernel_sum_portable(a: f64, c: &[f64], h: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let cs = c.chunks_exact(8);
    let hs = h.chunks_exact(8);
    let (c_rest, h_rest) = (cs.remainder(), hs.remainder());
    for (c8, h8) in cs.zip(hs) {
        for l in 0..8 {
            let x = a - c8[l];
            acc[l] += h8[l] * exp_nonpositive(-0.5 * x * x);
        }
    }
    let mut s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (&c, &h) in c_rest.iter().zip(h_rest) {
        let x = a - c;
        s += h * exp_nonpositive(-0.5 * x * x);
    }
    s
}

/// e^x for x <= 0, branch-free so that the transition's inner loop vectorises: Cody-Waite
/// reduction x = n ln 2 + r, |r| <= ln(2)/2, a degree-12 Taylor polynomial for e^r (truncation
/// error < 2e-16 relative) and 2^n from the exponent bits. Arguments below -708 give e^-708
/// (about 3e-308, negligible next to the densities summed here).
#[inline(always)]
pub fn exp_nonpositive(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SHIFTER: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52: adding it rounds to an integer
    let x = x.max(-708.0);
    let t = x * LOG2E + SHIFTER;
    let n = t - SHIFTER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Horner: sum_{i=0}^{12} r^i / i!
    let mut p = 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // n sits in the low bits of t; 2^n = (n + 1023) << 52
    let ni = (t.to_bits() as i64).wrapping_sub(SHIFTER.to_bits() as i64);
    let scale = f64::from_bits(((ni + 1023) as u64) << 52);
    p * scale
}

/// Root of a decreasing function given with its derivative, by Newton's method kept inside a
/// bracket [lo, hi] (bisection when a step leaves it). Returns the last point evaluated and f
/// there: the root to about 1e-13, or the bracket end nearer a root that lies beyond it.
fn newton_bracketed<F: Fn(f64) -> (f64, f64)>(f: F, start: f64, lo: f64, hi: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (lo, hi);
    let mut x = if start.is_finite() && start > lo && start < hi {
        start
    } else {
        0.5 * (lo + hi)
    };
    let mut last = (x, f64::NAN);
    for _ in 0..200 {
        let (fx, dfx) = f(x);
        last = (x, fx);
        if fx == 0.0 {
            return last;
        }
        if fx > 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let mut next = x - fx / dfx;
        if next.is_nan() || next <= lo || next >= hi {
            next = 0.5 * (lo + hi);
        }
        if (next - x).abs() <= 1e-13 * (1.0 + x.abs()) {
            return last;
        }
        if hi - lo <= 1e-13 {
            // a root beyond the bracket: evaluate the end it closed on
            let (fe, _) = f(next);
            return (next, fe);
        }
        x = next;
    }
    last
}

/// Jennison and Turnbull's (2000, section 19.2) grid for a look whose z has mean `mu`, cut to
/// (lo, hi) with the ends added, then completed with midpoints; `w` receives Simpson weights.
/// Empty when the interval is empty.
pub fn build_grid(r: usize, mu: f64, lo: f64, hi: f64, z: &mut Vec<f64>, w: &mut Vec<f64>) {
    z.clear();
    w.clear();
    let rf = r as f64;
    let n = 6 * r - 1;
    let base = |i: usize| -> f64 {
        // i in 1..=6r-1
        let fi = i as f64;
        if i < r {
            mu - 3.0 - 4.0 * (rf / fi).ln()
        } else if i <= 5 * r {
            mu - 3.0 + 3.0 * (fi - rf) / (2.0 * rf)
        } else {
            mu + 3.0 + 4.0 * (rf / (6.0 * rf - fi)).ln()
        }
    };
    let lo = lo.max(base(1));
    let hi = hi.min(base(n));
    if hi <= lo {
        return;
    }
    // the odd points (ends and inner base points); midpoints are added after
    z.push(lo);
    for i in 1..=n {
        let x = base(i);
        if x > lo && x < hi {
            z.push(x);
        }
    }
    z.push(hi);
    let m = z.len();
    // interleave midpoints: final length 2m - 1
    z.resize(2 * m - 1, 0.0);
    for i in (0..m).rev() {
        z[2 * i] = z[i];
    }
    for i in 0..m - 1 {
        z[2 * i + 1] = 0.5 * (z[2 * i] + z[2 * i + 2]);
    }
    w.resize(2 * m - 1, 0.0);
    for i in 0..m - 1 {
        let d = (z[2 * i + 2] - z[2 * i]) / 6.0;
        w[2 * i] += d;
        w[2 * i + 1] += 4.0 * d;
        w[2 * i + 2] += d;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_integrates_normal_density() {
        let (mut z, mut w) = (Vec::new(), Vec::new());
        build_grid(32, 0.7, f64::NEG_INFINITY, 1.5, &mut z, &mut w);
        assert!(z.len() % 2 == 1 && z.len() <= 12 * 32 - 3);
        let s: f64 = z
            .iter()
            .zip(&w)
            .map(|(&x, &wi)| wi * normal::pdf(x - 0.7))
            .sum();
        // Simpson with spacing 3/(4r) on a density cut at 1.5: error about 1e-8
        assert!((s - normal::cdf(0.8)).abs() < 1e-7, "{s}");
    }

    #[test]
    fn kernel_paths_agree_bit_for_bit() {
        let c: Vec<f64> = (0..203).map(|i| -6.0 + 0.061 * i as f64).collect();
        let h: Vec<f64> = (0..203)
            .map(|i| 1e-3 * (1.0 + (i as f64 * 0.37).sin()))
            .collect();
        for a in [-3.3, 0.0, 0.71, 5.2] {
            let direct: f64 = c
                .iter()
                .zip(&h)
                .map(|(&ci, &hi)| hi * (-0.5 * (a - ci) * (a - ci)).exp())
                .sum();
            let fast = kernel_sum(a, &c, &h);
            assert_eq!(fast.to_bits(), kernel_sum_portable(a, &c, &h).to_bits());
            assert!((fast - direct).abs() <= 1e-14 * direct, "{fast} {direct}");
        }
    }

    #[test]
    fn fast_exp_is_accurate() {
        let mut worst: f64 = 0.0;
        for i in 0..200_000 {
            let x = -(i as f64) * 0.0035;
            let e = x.exp();
            worst = worst.max((exp_nonpositive(x) - e).abs() / e);
        }
        assert!(worst < 1e-15, "{worst:e}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert!(exp_nonpositive(-1e6) < 1e-300);
    }

    #[test]
    fn first_look_is_closed_form() {
        let s = Stage::new();
        assert!((s.upper(0.4, 1.0, 2.0) - normal::sf(2.0 - 0.4f64.sqrt())).abs() < 1e-16);
        let (b, p) = s.solve_upper(0.4, 0.0, 0.01);
        assert!((b + normal::quantile(0.01)).abs() < 1e-10);
        assert!((p - 0.01).abs() < 1e-15);
        let (a, q) = s.solve_lower(0.4, 1.0, 0.2);
        assert!((a - normal::quantile(0.2) - 0.4f64.sqrt()).abs() < 1e-10);
        assert!((q - s.lower(0.4, 1.0, a)).abs() < 1e-16);
    }
}
