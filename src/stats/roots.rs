//! One-dimensional root finding for the outer solves (the Wang-Tsiatis constant, the drift):
//! bracketing by expansion, then Brent's (1973) method.

/// Root of `f` near `x0` where f is monotone: expands a bracket from [x0, x0 + step] (geometric
/// steps, either direction) then refines by Brent's method to `tol` in x. `None` when no sign
/// change is found within 60 expansions or f is not finite.
pub fn solve_monotone<F: FnMut(f64) -> f64>(mut f: F, x0: f64, step: f64, tol: f64) -> Option<f64> {
    let (mut a, mut b) = (x0, x0 + step);
    let (mut fa, mut fb) = (f(a), f(b));
    let mut step = step;
    for _ in 0..60 {
        if !fa.is_finite() || !fb.is_finite() {
            return None;
        }
        if fa == 0.0 {
            return Some(a);
        }
        if fa * fb <= 0.0 {
            return brent(&mut f, a, b, fa, fb, tol);
        }
        // move towards the smaller |f|
        step *= 1.6;
        if fa.abs() < fb.abs() {
            b = a;
            fb = fa;
            a -= step;
            fa = f(a);
        } else {
            a = b;
            fa = fb;
            b += step;
            fb = f(b);
        }
    }
    None
}

/// Root of `g` by the secant method from x0, x1, for functions close to linear (the outer solves
/// use probit-transformed probabilities, which are nearly linear in the drift or the constant);
/// falls back to [`solve_monotone`] if it has not converged to `tol` within 12 steps.
pub fn solve_secant<F: FnMut(f64) -> f64>(mut g: F, x0: f64, x1: f64, tol: f64) -> Option<f64> {
    let (mut a, mut b) = (x0, x1);
    let (mut ga, mut gb) = (g(a), g(b));
    for _ in 0..12 {
        if !ga.is_finite() || !gb.is_finite() || ga == gb {
            break;
        }
        let next = b - gb * (b - a) / (gb - ga);
        if !next.is_finite() {
            break;
        }
        if (next - b).abs() <= tol {
            return Some(next);
        }
        a = b;
        ga = gb;
        b = next;
        gb = g(b);
        if gb == 0.0 {
            return Some(b);
        }
    }
    solve_monotone(g, x0, (x1 - x0).abs().max(0.05), tol)
}

/// Brent's method on a bracket [a, b] with f(a) f(b) <= 0.
pub fn brent<F: FnMut(f64) -> f64>(
    f: &mut F,
    mut a: f64,
    mut b: f64,
    mut fa: f64,
    mut fb: f64,
    tol: f64,
) -> Option<f64> {
    if fa * fb > 0.0 {
        return None;
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if fb * fc > 0.0 {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * tol;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            return Some(b);
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            // inverse quadratic interpolation or secant
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let min1 = 3.0 * xm * q - (tol1 * q).abs();
            let min2 = (e * q).abs();
            if 2.0 * p < min1.min(min2) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b);
        if !fb.is_finite() {
            return None;
        }
    }
    Some(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_cube_root() {
        let x = super::solve_monotone(|x| x * x * x - 2.0, 0.0, 0.5, 1e-14).unwrap();
        assert!((x - 2f64.cbrt()).abs() < 1e-12);
        let y = super::solve_monotone(|x| 5.0 - x, 10.0, 0.5, 1e-14).unwrap();
        assert!((y - 5.0).abs() < 1e-12);
    }
}
