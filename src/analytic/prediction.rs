//! The fits of a blinded event prediction (`enrichsim predict`): the pooled hazard of death,
//! the dropout hazard and the recruitment rate, each by maximum likelihood with its observed
//! information, from the blinded data of a running trial (no arm).
//!
//! Times are months since randomisation. Patient i is followed for `t_i` months and died at
//! `t_i` (`d_i = 1`) or was censored there (`d_i = 0`: dropout, ongoing, completed). An event on
//! the day of entry (`t_i = 0`) counts at half a day, [`HALF_DAY`]. With `D = sum d_i` and
//! `T = sum t_i`, the log-likelihoods are the full ones of the censored times (Lawless 2003,
//! ch. 2 and 3), so their AICs (`2 p - 2 l`, Akaike 1974) compare:
//!
//! * exponential, hazard `lambda`: `l = D ln(lambda) - lambda T`; `lambda = D / T`, and on the
//!   log scale `Var(ln lambda) = 1 / D` (the inverse observed information);
//! * Weibull, `S(t) = exp(-(t / s)^k)`, parameters `a = ln s`, `b = ln k`:
//!   `l = sum_{d_i = 1} (b - k a + (k - 1) ln t_i) - sum_i (t_i / s)^k`, maximised by Newton's
//!   method from the exponential fit (k = 1), with analytic gradient and Hessian; the covariance
//!   of `(ln s, ln k)` is the inverse of minus the Hessian at the maximum. R's `survreg(dist =
//!   "weibull")` estimates `mu = ln s` and `ln sigma = -ln k`: the same fit, with the sign of the
//!   covariance term changed;
//! * piecewise exponential, hazard `lambda_j` on `[c_j, c_{j+1})` (c_0 = 0, the user's
//!   breakpoints): `l = sum_j (D_j ln(lambda_j) - lambda_j E_j)`, `lambda_j = D_j / E_j` with
//!   `D_j` the deaths and `E_j` the exposure (months at risk) in piece j, `Var(ln lambda_j) = 1 /
//!   D_j`, independent.
//!
//! Dropout is exponential: rate `n_dropout / T`, `Var(ln rate) = 1 / n_dropout` (rate 0, with
//! no uncertainty, when nobody dropped out). Recruitment is a Poisson process of intensity
//! `c rho(t)`, `rho` a known shape (1: constant; or the scenario's randomisation intensity, its
//! ramp): `m` arrivals over an exposure `R = int rho` give `c = m / R`, `Var(ln c) = 1 / m`.

use crate::error::{Error, Result};
use crate::model::outcome::Hazard;
use crate::stats::date::DAYS_PER_MONTH;
use serde::Serialize;

/// Half a day in months: the follow-up of a death on the day of entry.
pub const HALF_DAY: f64 = 0.5 / DAYS_PER_MONTH;

/// A family of pooled hazards.
#[derive(Clone, Debug, PartialEq)]
pub enum HazardKind {
    /// Constant hazard.
    Exponential,
    /// Weibull.
    Weibull,
    /// Piecewise-constant hazard with these breakpoints (months after randomisation, > 0,
    /// ascending).
    Piecewise(Vec<f64>),
}

/// The hazard family asked for: one, or the best by AIC among exponential, Weibull and (with
/// breakpoints) piecewise exponential.
#[derive(Clone, Debug, PartialEq)]
pub enum HazardChoice {
    /// This family.
    Fixed(HazardKind),
    /// The smallest AIC; piecewise at these breakpoints among the candidates if given.
    Auto(Option<Vec<f64>>),
}

const HAZARD_ALLOWED: &str = "exponential, weibull, piecewise:B1,B2,... (breakpoints in months after randomisation, > 0, ascending), auto, or auto:B1,B2,... (the smallest AIC, piecewise at the breakpoints among the candidates)";

impl HazardChoice {
    /// Reads `--hazard`.
    pub fn parse(text: &str) -> Result<HazardChoice> {
        let bad = || Error::usage("--hazard", text, HAZARD_ALLOWED);
        let lower = text.trim().to_ascii_lowercase();
        let (name, breaks) = match lower.split_once(':') {
            Some((n, b)) => (n.trim().to_string(), Some(b.to_string())),
            None => (lower.clone(), None),
        };
        let breaks = breaks
            .map(|b| {
                let v: Option<Vec<f64>> = b
                    .split(',')
                    .map(|x| {
                        x.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite() && *x > 0.0)
                    })
                    .collect();
                v.filter(|v| !v.is_empty() && v.windows(2).all(|w| w[0] < w[1]))
                    .ok_or_else(bad)
            })
            .transpose()?;
        match (name.as_str(), breaks) {
            ("exponential", None) => Ok(HazardChoice::Fixed(HazardKind::Exponential)),
            ("weibull", None) => Ok(HazardChoice::Fixed(HazardKind::Weibull)),
            ("piecewise", Some(b)) => Ok(HazardChoice::Fixed(HazardKind::Piecewise(b))),
            ("auto", b) => Ok(HazardChoice::Auto(b)),
            _ => Err(bad()),
        }
    }
}

/// One parameter of a fit, on its natural scale and on the log scale the draws use.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    /// Its name: `rate`, `scale`, `shape`, `rate_from_<c>`.
    pub name: String,
    /// The estimate (a rate per month, a scale in months, a shape).
    pub estimate: f64,
    /// Its logarithm.
    pub log_estimate: f64,
    /// The standard error of the logarithm (inverse observed information).
    pub se_log: f64,
}

/// A fitted pooled hazard of death.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HazardFit {
    /// `exponential`, `weibull` or `piecewise`.
    pub model: String,
    /// The family.
    #[serde(skip)]
    pub kind: HazardKind,
    /// The parameters.
    pub parameters: Vec<Parameter>,
    /// The covariance of the log parameters (inverse observed information), row by row.
    pub covariance: Vec<Vec<f64>>,
    /// The maximised log-likelihood.
    pub log_likelihood: f64,
    /// Akaike's information criterion, 2 p - 2 l.
    pub aic: f64,
    /// Deaths.
    pub events: u32,
    /// Months at risk.
    pub exposure: f64,
    /// The median time to death of the fit, months after randomisation.
    pub median: f64,
}

impl HazardFit {
    /// The log parameters at the estimate.
    pub fn log_estimate(&self) -> Vec<f64> {
        self.parameters.iter().map(|p| p.log_estimate).collect()
    }

    /// The hazard of log parameters `theta`.
    pub fn hazard_at(&self, theta: &[f64]) -> Hazard {
        match &self.kind {
            HazardKind::Exponential => Hazard::Exponential {
                rate: theta[0].exp(),
            },
            HazardKind::Weibull => {
                let shape = theta[1].exp();
                Hazard::Weibull {
                    scale: theta[0].exp(),
                    shape,
                    inv_shape: 1.0 / shape,
                }
            }
            HazardKind::Piecewise(breaks) => {
                let starts: Vec<f64> = std::iter::once(0.0).chain(breaks.iter().copied()).collect();
                let rates: Vec<f64> = theta.iter().map(|t| t.exp()).collect();
                let mut cumulative = Vec::with_capacity(starts.len());
                let mut h = 0.0;
                for j in 0..starts.len() {
                    cumulative.push(h);
                    if j + 1 < starts.len() {
                        h += rates[j] * (starts[j + 1] - starts[j]);
                    }
                }
                Hazard::Piecewise {
                    starts,
                    rates,
                    cumulative,
                }
            }
        }
    }

    /// The lower Cholesky factor of [`HazardFit::covariance`] (for the draws `theta + L z`).
    pub fn cholesky(&self) -> Vec<Vec<f64>> {
        cholesky(&self.covariance)
    }
}

/// The lower Cholesky factor of a symmetric positive semi-definite matrix (a zero pivot gives a
/// zero column).
pub fn cholesky(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                l[i][j] = (a[i][i] - s).max(0.0).sqrt();
            } else if l[j][j] > 0.0 {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    l
}

/// Follow-up times for the fits: a death at 0 counts at [`HALF_DAY`].
fn times(time: &[f64], event: &[bool]) -> Vec<f64> {
    time.iter()
        .zip(event)
        .map(|(&t, &d)| if d { t.max(HALF_DAY) } else { t })
        .collect()
}

/// Why the death hazard cannot be estimated: an error on the data file.
fn unfit(file: &str, message: String) -> Error {
    Error::DataFile {
        file: file.to_string(),
        message,
    }
}

/// The exponential fit.
pub fn fit_exponential(time: &[f64], event: &[bool], file: &str) -> Result<HazardFit> {
    let t = times(time, event);
    let d = event.iter().filter(|&&e| e).count();
    let total: f64 = t.iter().sum();
    if d == 0 || total <= 0.0 {
        return Err(unfit(
            file,
            "no deaths by the cut: the hazard of death cannot be estimated; allowed: data with at least one event".into(),
        ));
    }
    let rate = d as f64 / total;
    let l = d as f64 * rate.ln() - rate * total;
    Ok(HazardFit {
        model: "exponential".into(),
        kind: HazardKind::Exponential,
        parameters: vec![Parameter {
            name: "rate".into(),
            estimate: rate,
            log_estimate: rate.ln(),
            se_log: (1.0 / d as f64).sqrt(),
        }],
        covariance: vec![vec![1.0 / d as f64]],
        log_likelihood: l,
        aic: 2.0 - 2.0 * l,
        events: d as u32,
        exposure: total,
        median: std::f64::consts::LN_2 / rate,
    })
}

/// The Weibull log-likelihood, its gradient and Hessian in `(a, b) = (ln scale, ln shape)`.
fn weibull_terms(t: &[f64], event: &[bool], a: f64, b: f64) -> (f64, [f64; 2], [[f64; 2]; 2]) {
    let k = b.exp();
    let (mut l, mut d) = (0.0, 0.0);
    let (mut su, mut suz, mut suzz, mut sz_events, mut slog) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (&ti, &di) in t.iter().zip(event) {
        if ti <= 0.0 {
            continue; // censored at 0: no contribution
        }
        let lt = ti.ln();
        let z = k * (lt - a);
        let u = z.exp();
        su += u;
        suz += u * z;
        suzz += u * z * z;
        if di {
            d += 1.0;
            sz_events += z;
            slog += lt;
        }
    }
    l += d * b - k * a * d + (k - 1.0) * slog - su;
    let ga = -k * d + k * su;
    let gb = d + sz_events - suz;
    let haa = -k * k * su;
    let hab = -k * d + k * su + k * suz;
    let hbb = sz_events - suzz - suz;
    (l, [ga, gb], [[haa, hab], [hab, hbb]])
}

/// The Weibull fit by Newton's method with step halving, from the exponential fit.
pub fn fit_weibull(time: &[f64], event: &[bool], file: &str) -> Result<HazardFit> {
    let exp = fit_exponential(time, event, file)?;
    let t = times(time, event);
    let distinct = {
        let mut e: Vec<f64> = t.iter().zip(event).filter(|p| *p.1).map(|p| *p.0).collect();
        e.sort_by(f64::total_cmp);
        e.dedup();
        e.len()
    };
    let failed = || {
        unfit(
            file,
            format!(
                "the Weibull fit does not converge ({} deaths at {distinct} distinct times); allowed: more deaths at distinct times, or --hazard exponential",
                exp.events
            ),
        )
    };
    if distinct < 2 {
        return Err(failed());
    }
    let (mut a, mut b) = (-exp.parameters[0].log_estimate, 0.0);
    let (mut l, mut g, mut h) = weibull_terms(&t, event, a, b);
    let mut converged = false;
    for _ in 0..200 {
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        // Newton's step where the Hessian is negative definite, else a gradient step.
        let (mut da, mut db) = if h[0][0] < 0.0 && det > 0.0 {
            (
                -(h[1][1] * g[0] - h[0][1] * g[1]) / det,
                -(-h[1][0] * g[0] + h[0][0] * g[1]) / det,
            )
        } else {
            (g[0] * 1e-3, g[1] * 1e-3)
        };
        let mut step = 1.0;
        let mut moved = false;
        for _ in 0..60 {
            let (na, nb) = (a + step * da, b + step * db);
            let (nl, ng, nh) = weibull_terms(&t, event, na, nb);
            if nl.is_finite() && nl >= l - 1e-12 * l.abs() {
                a = na;
                b = nb;
                l = nl;
                g = ng;
                h = nh;
                moved = true;
                break;
            }
            step *= 0.5;
        }
        da *= step;
        db *= step;
        if !moved {
            break;
        }
        if da.abs().max(db.abs()) < 1e-12 && g[0].abs().max(g[1].abs()) < 1e-6 {
            converged = true;
            break;
        }
    }
    let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
    let scale_free = g[0].abs().max(g[1].abs()) < 1e-6 * (1.0 + exp.events as f64);
    if !(converged || scale_free) || !(h[0][0] < 0.0 && det > 0.0) || !b.is_finite() {
        return Err(failed());
    }
    // Covariance: (-H)^{-1}.
    let cov = vec![
        vec![-h[1][1] / det, h[0][1] / det],
        vec![h[1][0] / det, -h[0][0] / det],
    ];
    let (scale, shape) = (a.exp(), b.exp());
    Ok(HazardFit {
        model: "weibull".into(),
        kind: HazardKind::Weibull,
        parameters: vec![
            Parameter {
                name: "scale".into(),
                estimate: scale,
                log_estimate: a,
                se_log: cov[0][0].sqrt(),
            },
            Parameter {
                name: "shape".into(),
                estimate: shape,
                log_estimate: b,
                se_log: cov[1][1].sqrt(),
            },
        ],
        covariance: cov,
        log_likelihood: l,
        aic: 4.0 - 2.0 * l,
        events: exp.events,
        exposure: exp.exposure,
        median: scale * std::f64::consts::LN_2.powf(1.0 / shape),
    })
}

/// The piecewise exponential fit at `breaks` (months, > 0, ascending).
pub fn fit_piecewise(
    time: &[f64],
    event: &[bool],
    breaks: &[f64],
    file: &str,
) -> Result<HazardFit> {
    let exp = fit_exponential(time, event, file)?;
    let t = times(time, event);
    let starts: Vec<f64> = std::iter::once(0.0).chain(breaks.iter().copied()).collect();
    let j_max = starts.len();
    let (mut deaths, mut exposure) = (vec![0u32; j_max], vec![0.0; j_max]);
    for (&ti, &di) in t.iter().zip(event) {
        for j in 0..j_max {
            let end = starts.get(j + 1).copied().unwrap_or(f64::INFINITY);
            if ti > starts[j] {
                exposure[j] += ti.min(end) - starts[j];
            }
            if di && ti > starts[j] && ti <= end {
                deaths[j] += 1;
            }
        }
    }
    if let Some(j) = (0..j_max).find(|&j| deaths[j] == 0) {
        let piece = match starts.get(j + 1) {
            Some(e) => format!("{} to {e} months", starts[j]),
            None => format!("from {} months on", starts[j]),
        };
        return Err(Error::usage(
            "--hazard",
            format!(
                "piecewise:{}",
                breaks
                    .iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            format!(
                "breakpoints leaving at least one death in every piece (none {piece} after randomisation)"
            ),
        ));
    }
    let mut parameters = Vec::with_capacity(j_max);
    let mut covariance = vec![vec![0.0; j_max]; j_max];
    let mut l = 0.0;
    for j in 0..j_max {
        let rate = deaths[j] as f64 / exposure[j];
        l += deaths[j] as f64 * rate.ln() - rate * exposure[j];
        covariance[j][j] = 1.0 / deaths[j] as f64;
        parameters.push(Parameter {
            name: format!("rate_from_{}", starts[j]),
            estimate: rate,
            log_estimate: rate.ln(),
            se_log: covariance[j][j].sqrt(),
        });
    }
    let mut fit = HazardFit {
        model: "piecewise".into(),
        kind: HazardKind::Piecewise(breaks.to_vec()),
        parameters,
        covariance,
        log_likelihood: l,
        aic: 2.0 * j_max as f64 - 2.0 * l,
        events: exp.events,
        exposure: exp.exposure,
        median: f64::NAN,
    };
    fit.median = fit.hazard_at(&fit.log_estimate()).median();
    Ok(fit)
}

/// Fits the chosen family, or every candidate of [`HazardChoice::Auto`]; returns the fit used
/// (the smallest AIC, the first on a tie) and every candidate fitted.
pub fn fit_hazard(
    time: &[f64],
    event: &[bool],
    choice: &HazardChoice,
    file: &str,
) -> Result<(HazardFit, Vec<HazardFit>)> {
    let one = |kind: &HazardKind| match kind {
        HazardKind::Exponential => fit_exponential(time, event, file),
        HazardKind::Weibull => fit_weibull(time, event, file),
        HazardKind::Piecewise(b) => fit_piecewise(time, event, b, file),
    };
    let candidates: Vec<HazardFit> = match choice {
        HazardChoice::Fixed(kind) => vec![one(kind)?],
        HazardChoice::Auto(breaks) => {
            let mut kinds = vec![HazardKind::Exponential, HazardKind::Weibull];
            if let Some(b) = breaks {
                kinds.push(HazardKind::Piecewise(b.clone()));
            }
            kinds.iter().map(one).collect::<Result<_>>()?
        }
    };
    let best = candidates
        .iter()
        .enumerate()
        .min_by(|x, y| x.1.aic.total_cmp(&y.1.aic).then(x.0.cmp(&y.0)))
        .map(|(_, f)| f.clone())
        .expect("a candidate");
    Ok((best, candidates))
}

/// A Poisson rate: `count` over `exposure`, with the SE of its log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateFit {
    /// Events counted (dropouts, or arrivals).
    pub count: u32,
    /// Exposure: months at risk (dropout) or the integral of the intensity shape (recruitment).
    pub exposure: f64,
    /// `count / exposure` (0 when nothing was counted).
    pub rate: f64,
    /// `1 / sqrt(count)`, the SE of the log rate (0 when nothing was counted: no uncertainty).
    pub se_log: f64,
}

impl RateFit {
    /// The fit of `count` events over `exposure`.
    pub fn new(count: u32, exposure: f64) -> RateFit {
        let (rate, se_log) = if count == 0 || exposure <= 0.0 {
            (0.0, 0.0)
        } else {
            (count as f64 / exposure, (1.0 / count as f64).sqrt())
        };
        RateFit {
            count,
            exposure,
            rate,
            se_log,
        }
    }

    /// The rate drawn from the asymptotic normal law of its log, for a standard normal `z`.
    pub fn draw(&self, z: f64) -> f64 {
        self.rate * (self.se_log * z).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weibull_of_an_exponential_sample_has_shape_near_one() {
        // Deterministic exponential quantiles: the Weibull shape is close to 1 and its
        // log-likelihood at least the exponential's.
        let n = 400;
        let time: Vec<f64> = (0..n)
            .map(|i| -((1.0 - (i as f64 + 0.5) / n as f64).ln()) * 10.0)
            .collect();
        let event: Vec<bool> = (0..n).map(|i| i % 5 != 0).collect();
        let e = fit_exponential(&time, &event, "x").unwrap();
        let w = fit_weibull(&time, &event, "x").unwrap();
        assert!(w.log_likelihood >= e.log_likelihood - 1e-9);
        assert!((w.parameters[1].estimate - 1.0).abs() < 0.1, "{w:?}");
        let p = fit_piecewise(&time, &event, &[5.0, 10.0], "x").unwrap();
        assert_eq!(p.parameters.len(), 3);
        assert!(p.log_likelihood >= e.log_likelihood - 1e-9);
        // The piecewise pieces add up to the totals.
        let d: f64 = p.parameters.iter().map(|q| 1.0 / q.se_log.powi(2)).sum();
        assert!((d - e.events as f64).abs() < 1e-9);
    }

    #[test]
    fn hazard_names_parse() {
        assert_eq!(
            HazardChoice::parse("Piecewise:3,6,12").unwrap(),
            HazardChoice::Fixed(HazardKind::Piecewise(vec![3.0, 6.0, 12.0]))
        );
        assert_eq!(
            HazardChoice::parse("auto").unwrap(),
            HazardChoice::Auto(None)
        );
        for bad in [
            "piecewise",
            "piecewise:6,3",
            "weibull:3",
            "gompertz",
            "auto:0",
        ] {
            assert!(HazardChoice::parse(bad).is_err(), "{bad}");
        }
    }
}
