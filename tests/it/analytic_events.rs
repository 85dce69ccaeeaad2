//! Expected events in closed form, checked three ways:
//! - small closed forms by hand (exponential hazard, uniform accrual; Lachin and Foulkes 1986,
//!   and the Poisson-stopped accrual through Gamma arrival times);
//! - double programming: the expected events re-computed here in the other order of
//!   integration, int_0^t r(u) G(t - u) du over entry times u (r the randomisation density, G
//!   the probability of an observed event within a follow-up, from the survival function by
//!   parts: G(x) = 1 - S(x) e^(-g x) - g int_0^x S e^(-g v) dv), by composite Simpson on a
//!   1/64-month grid, for a three-stratum scenario with assay error, exponential, Weibull and
//!   piecewise control hazards, a delayed effect, dropout, a follow-up cap and a piecewise
//!   screening rate, under both accrual models;
//! - round trips (the time at which events are expected), the average hazard ratio, and the
//!   risk-set log-rank drift against Schoenfeld's near the null (and stratification by
//!   identical strata changing nothing).

use crate::common::*;
use enrichsim::analytic::{
    Accrual, EventModel, StratumShare, average_hazard_ratio, expected_events, time_for_events,
};
use enrichsim::model::enrolment::Screening;
use enrichsim::model::outcome::{Hazard, StratumOutcome};
use enrichsim::scenario::RatePiece;

fn one_stratum(rate: f64, hr: f64, delay: f64, dropout: f64, intensity: f64) -> EventModel {
    EventModel {
        strata: vec![StratumShare {
            share: 1.0,
            outcome: StratumOutcome::new(Hazard::Exponential { rate }, hr, delay),
        }],
        treated_fraction: 0.5,
        dropout_rate: dropout,
        treatment_dropout_rate: dropout,
        follow_up: None,
        intensity: Screening::new(&[RatePiece {
            from: 0.0,
            per_month: intensity,
        }]),
        accrual: Accrual::Fluid,
    }
}

/// Lachin and Foulkes (1986): n patients uniformly over A months, exponential hazard l, no
/// dropout: E(t) = n (1 - (e^(-l (t - A)) - e^(-l t)) / (l A)) for t >= A, and
/// (n / A) (t - (1 - e^(-l t)) / l) for t < A.
fn uniform_exponential(n: f64, a: f64, l: f64, t: f64) -> f64 {
    if t >= a {
        n * (1.0 - ((-l * (t - a)).exp() - (-l * t).exp()) / (l * a))
    } else {
        n / a * (t - (1.0 - (-l * t).exp()) / l)
    }
}

#[test]
fn uniform_accrual_exponential_by_hand() {
    // HR 1 so both arms share the hazard; 300 patients over 20 months.
    let l = std::f64::consts::LN_2 / 25.0;
    let m = one_stratum(l, 1.0, 0.0, 0.0, 15.0);
    for &t in &[0.5, 7.0, 20.0, 20.5, 33.0, 120.0] {
        assert_close!(
            m.total_events(300.0, t),
            uniform_exponential(300.0, 20.0, l, t),
            1e-12
        );
    }
    // With dropout g: the fraction observed is l / (l + g) of the exits at rate l + g.
    let g = 0.01;
    let m = one_stratum(l, 1.0, 0.0, g, 15.0);
    let t = 40.0;
    let want = l / (l + g) * uniform_exponential(300.0, 20.0, l + g, t);
    assert_close!(m.total_events(300.0, t), want, 1e-12);
    assert_close!(m.max_events(300.0), 300.0 * l / (l + g), 1e-12);
    // Two arms: the average of the arms' counts.
    let m = one_stratum(l, 0.6, 0.0, 0.0, 15.0);
    let want = 0.5
        * (uniform_exponential(300.0, 20.0, l, t) + uniform_exponential(300.0, 20.0, 0.6 * l, t));
    assert_close!(m.total_events(300.0, t), want, 1e-12);
}

/// P(Poisson(mu) >= k) by summing the probability function.
fn poisson_at_least(mu: f64, k: usize) -> f64 {
    let mut term = (-mu).exp();
    let mut below = 0.0;
    for j in 0..k {
        below += term;
        term *= mu / (j + 1) as f64;
    }
    1.0 - below
}

#[test]
fn poisson_accrual_by_gamma_arrivals() {
    // Randomisations a Poisson process of rate q stopped at n: the k-th arrives at T_k ~
    // Gamma(k, q). With an exponential hazard l, no dropout,
    // E(t) = sum_k E[(1 - e^(-l (t - T_k))) I(T_k <= t)]
    //      = sum_k P(T_k <= t) - e^(-l t) (q / (q - l))^k P(Gamma(k, q - l) <= t),
    // and P(Gamma(k, b) <= t) = P(Poisson(b t) >= k).
    let (q, l, n) = (10.0, 0.03, 50usize);
    let mut m = one_stratum(l, 1.0, 0.0, 0.0, q);
    m.accrual = Accrual::Poisson;
    for &t in &[2.0, 4.0, 5.0, 8.0, 30.0] {
        let want: f64 = (1..=n)
            .map(|k| {
                poisson_at_least(q * t, k)
                    - (-l * t).exp()
                        * (q / (q - l)).powi(k as i32)
                        * poisson_at_least((q - l) * t, k)
            })
            .sum();
        assert_close!(m.total_events(n as f64, t), want, 1e-9);
        // and fewer than the fluid model's, by about n / (2 q) patient-months of exposure
        let fluid = m.with_accrual(Accrual::Fluid).total_events(n as f64, t);
        assert!(fluid >= m.total_events(n as f64, t) - 1e-12, "t {t}");
    }
}

/// The double-programming scenario: three strata with all three hazard families, assay error,
/// a 2-month delay, dropout, a 30-month cap and a piecewise screening rate.
const MIXED: &str = r#"
name = "double programming"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.35
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low      = { median = 40.0 }
moderate = { weibull = { median = 28.0, shape = 0.8 } }
high     = { piecewise = { starts = [0.0, 6.0, 15.0], rates = [0.03, 0.07, 0.05] } }
[effect]
hazard_ratio = { low = 0.55, moderate = 0.7, high = 1.25 }
delay = 2.0
[enrolment]
rate = [ { from = 0.0, per_month = 6.0 }, { from = 5.0, per_month = 16.0 } ]
screen_failure = 0.2
[dropout]
per_year = 0.08
[design]
eligible = ["low", "moderate"]
sample_size = 180
analysis = { calendar = 40.0 }
follow_up = 30.0
"#;

/// Grid step of the brute-force integrals (1/64 month: every breakpoint below is on the grid).
const H: f64 = 1.0 / 64.0;

/// G(x) on the half-grid x = i H / 2, i = 0..=2 x_max / H, by parts from the survival function.
fn g_table(
    outcome: &StratumOutcome,
    treated: bool,
    dropout: f64,
    cap: f64,
    x_max: f64,
) -> Vec<f64> {
    let s = |v: f64| (-outcome.cumulative(treated, v) - dropout * v).exp();
    let surv = |v: f64| (-outcome.cumulative(treated, v)).exp() * (-dropout * v).exp();
    let step = H / 2.0;
    let cells = (x_max / step).round() as usize;
    let mut table = Vec::with_capacity(cells + 1);
    let mut integral = 0.0; // int_0^x S e^(-g v) dv
    table.push(0.0);
    for i in 0..cells {
        let (a, b) = (i as f64 * step, (i + 1) as f64 * step);
        let x = b.min(cap);
        if a < cap {
            let hi = x;
            integral += (hi - a) / 6.0 * (s(a) + 4.0 * s(0.5 * (a + hi)) + s(hi));
        }
        table.push(1.0 - surv(x) - dropout * integral);
    }
    table
}

/// G(x) at any x, by composite Simpson on 4096 panels (for the one cell cut by the end of the
/// fluid accrual).
fn g_at(outcome: &StratumOutcome, treated: bool, dropout: f64, cap: f64, x: f64) -> f64 {
    let x = x.min(cap).max(0.0);
    let s = |v: f64| (-outcome.cumulative(treated, v) - dropout * v).exp();
    let panels = 4096;
    let h = x / panels as f64;
    let integral: f64 = (0..panels)
        .map(|i| {
            let a = i as f64 * h;
            h / 6.0 * (s(a) + 4.0 * s(a + 0.5 * h) + s(a + h))
        })
        .sum();
    1.0 - s(x) - dropout * integral
}

/// Brute-force expected events per stratum and arm at calendar time t (a multiple of H), in
/// the entry-time order of integration: sum over cells [u, u + H] of Simpson's rule for
/// r(u) G(t - u), r one-sided inside each cell; the cell holding the end of the fluid accrual
/// (where r jumps to 0) is integrated up to that end only.
fn brute_force(em: &EventModel, n: usize, t: f64) -> Vec<[f64; 2]> {
    let p_below = |mu: f64| {
        // P(Poisson(mu) <= n - 1)
        1.0 - poisson_at_least(mu, n)
    };
    let fluid_end = em.intensity.time_to_expect(n as f64);
    let density = |u: f64| -> f64 {
        let q = em.intensity.rate_at(u);
        match em.accrual {
            Accrual::Fluid => {
                if u < fluid_end {
                    q
                } else {
                    0.0
                }
            }
            Accrual::Poisson => q * p_below(em.intensity.expected_by(u)),
        }
    };
    let cap = em.follow_up.unwrap_or(f64::INFINITY);
    let cells = (t / H).round() as usize;
    em.strata
        .iter()
        .map(|StratumShare { share, outcome }| {
            let mut arms = [0.0; 2];
            for (a, treated) in [false, true].into_iter().enumerate() {
                let g = g_table(outcome, treated, em.dropout_of(treated), cap, t);
                let pi = if treated {
                    em.treated_fraction
                } else {
                    1.0 - em.treated_fraction
                };
                let mut sum = 0.0;
                for j in 0..cells {
                    let u0 = j as f64 * H;
                    let u1 = u0 + H;
                    if em.accrual == Accrual::Fluid && u0 < fluid_end && fluid_end < u1 {
                        let e = fluid_end;
                        let gx =
                            |u: f64| g_at(outcome, treated, em.dropout_of(treated), cap, t - u);
                        let q = em.intensity.rate_at(u0 + 1e-12);
                        sum += (e - u0) / 6.0 * q * (gx(u0) + 4.0 * gx(0.5 * (u0 + e)) + gx(e));
                        continue;
                    }
                    // G(t - u) at u0, u0 + H/2, u1: half-grid indices 2 (cells - j), ... - 1, - 2
                    let i0 = 2 * (cells - j);
                    let r0 = density(u0 + 1e-12);
                    let rm = density(u0 + 0.5 * H);
                    let r1 = density(u1 - 1e-12);
                    sum += H / 6.0 * (r0 * g[i0] + 4.0 * rm * g[i0 - 1] + r1 * g[i0 - 2]);
                }
                arms[a] = share * pi * sum;
            }
            arms
        })
        .collect()
}

#[test]
fn double_programming_by_entry_time() {
    let s = study(MIXED);
    let n = s.design.sample_size as usize;
    let mut worst: f64 = 0.0;
    for accrual in [Accrual::Fluid, Accrual::Poisson] {
        let em = EventModel::new(&s.model, &s.design, accrual);
        // 180 randomised at 16 * 0.8 * P(eligible) per month after month 5: the fluid accrual
        // ends near month 21; the times straddle the delay, the cap and the accrual's end.
        for &t in &[1.5, 12.0, 21.25, 33.0, 70.0] {
            let got = em.events(n as f64, t);
            let want = brute_force(&em, n, t);
            for (s_idx, (g, w)) in got.strata.iter().zip(&want).enumerate() {
                for (arm, (a, b)) in [(g.control.total(), w[0]), (g.treatment.total(), w[1])]
                    .into_iter()
                    .enumerate()
                {
                    worst = worst.max((a - b).abs());
                    assert!(
                        (a - b).abs() <= 1e-8 * n as f64,
                        "{accrual:?} t {t} stratum {s_idx} arm {arm}: {a} vs brute force {b}"
                    );
                }
            }
        }
    }
    println!("double programming: worst absolute difference {worst:.3e} events");
}

#[test]
fn events_and_times_round_trip() {
    let s = study(MIXED);
    let n = s.design.sample_size as f64;
    // every patient capped at 30 months: the maximum is finite and never exceeded
    let em = EventModel::new(&s.model, &s.design, Accrual::Poisson);
    let max = em.max_events(n);
    for fraction in [0.05, 0.5, 0.99] {
        let events = fraction * max;
        let t = time_for_events(&s.model, &s.design, n, events).unwrap();
        assert_close!(expected_events(&s.model, &s.design, n, t), events, 1e-9);
    }
    assert!(max < n);
    assert_close!(em.total_events(n, 1e4), max, 1e-9);
    assert!(time_for_events(&s.model, &s.design, n, max * 1.0001).is_none());
}

#[test]
fn average_hazard_ratio_weights_events() {
    // One stratum, proportional hazards: the AHR is the HR at any time.
    let m = one_stratum(0.03, 0.7, 0.0, 0.0, 10.0);
    for &t in &[3.0, 30.0, 300.0] {
        assert_close!(average_hazard_ratio(&m, &m.events(200.0, t)), 0.7, 1e-12);
    }
    // A 4-month delay: events before it count with ln HR = 0. Everyone randomised at time 0
    // (a huge intensity), t = 10: the events split at v = 4 in closed form.
    let (l, hr, d, t) = (0.05, 0.5, 4.0, 10.0);
    let m = one_stratum(l, hr, d, 0.0, 1e12);
    // per patient of each arm: before the delay the arms share the hazard
    let before = 2.0 * (1.0 - (-l * d).exp());
    let after_c = (-l * d).exp() * (1.0 - (-l * (t - d)).exp());
    let after_t = (-l * d).exp() * (1.0 - (-hr * l * (t - d)).exp());
    let want = ((after_c + after_t) * hr.ln() / (before + after_c + after_t)).exp();
    assert_close!(average_hazard_ratio(&m, &m.events(1.0, t)), want, 1e-8);
}

#[test]
fn risk_set_drift_reduces_to_schoenfeld_near_the_null() {
    use enrichsim::analytic::logrank_moments;
    // One stratum, proportional hazards, HR near 1: the risk-set drift -U / sqrt(V) is
    // Schoenfeld's -ln(HR) sqrt(D / 4) to first order in ln HR, and V is D / 4.
    let n = 400.0;
    let t = 40.0;
    for hr in [0.97, 1.0, 1.03] {
        let m = one_stratum(0.03, hr, 0.0, 0.004, 15.0);
        let d = m.total_events(n, t);
        let moments = logrank_moments(&m, &[vec![1.0]], n, t);
        assert_close!(moments.variance, d / 4.0, 1e-3);
        let schoenfeld = -hr.ln() * (d / 4.0).sqrt();
        assert!(
            (moments.drift() - schoenfeld).abs() <= 0.02 * schoenfeld.abs() + 1e-9,
            "HR {hr}: {} vs {schoenfeld}",
            moments.drift()
        );
    }
    // Two identical strata: stratifying changes nothing.
    let mut m = one_stratum(0.03, 0.7, 0.0, 0.004, 15.0);
    m.strata.push(m.strata[0].clone());
    m.strata[0].share = 0.3;
    m.strata[1].share = 0.7;
    let pooled = logrank_moments(&m, &[vec![0.3, 0.7]], n, t);
    let stratified = logrank_moments(&m, &[vec![0.3, 0.0], vec![0.0, 0.7]], n, t);
    assert_close!(stratified.score, pooled.score, 1e-9);
    assert_close!(stratified.variance, pooled.variance, 1e-9);
}
