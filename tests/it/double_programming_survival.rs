//! Double programming: the log-rank test and the Cox model (Breslow and Efron ties, stratified or
//! not) re-implemented naively here, straight from the definitions, and compared with the fast
//! event-time-table code on random data sets with heavy ties (times rounded to whole months).
//!
//! The naive code works on the raw rows: for each stratum and each distinct event time it finds
//! the risk set and the tied events by scanning every patient (O(n^2) overall), then sums
//! exp(x beta) over them. Newton-Raphson runs its own loop to a step below 1e-13.

use enrichsim::analysis::{Analyzer, CoxFit, Ties};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::common::*;

/// A data set as plain rows.
#[derive(Clone, Debug)]
struct Data {
    time: Vec<f64>,
    event: Vec<bool>,
    treated: Vec<bool>,
    stratum: Vec<u32>,
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Random data with heavy ties: exponential times (treated hazard lower) rounded to whole months,
/// 30% censored at a rounded uniform time, `n_strata` strata with labels 0, 10, 20, ...
fn random_data(seed: u64, n: usize, n_strata: u32) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut d = Data {
        time: vec![],
        event: vec![],
        treated: vec![],
        stratum: vec![],
    };
    for _ in 0..n {
        let treated = uniform(&mut rng) < 0.5;
        let s = (uniform(&mut rng) * f64::from(n_strata)) as u32;
        let rate = if treated { 0.18 } else { 0.25 } * (1.0 + 0.5 * f64::from(s));
        let t_event = -(1.0 - uniform(&mut rng)).ln() / rate;
        let censored = uniform(&mut rng) < 0.3;
        let t = if censored {
            uniform(&mut rng) * t_event
        } else {
            t_event
        };
        d.time.push(t.round());
        d.event.push(!censored);
        d.treated.push(treated);
        d.stratum.push(s * 10);
    }
    d
}

/// Per (stratum, distinct event time): indices at risk and indices of the events, by brute force.
fn risk_sets(d: &Data, stratified: bool) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = d.time.len();
    let stratum = |i: usize| if stratified { d.stratum[i] } else { 0 };
    let mut out = vec![];
    let mut seen: Vec<(u32, f64)> = vec![];
    for i in 0..n {
        if !d.event[i] || seen.contains(&(stratum(i), d.time[i])) {
            continue;
        }
        let (s, t) = (stratum(i), d.time[i]);
        seen.push((s, t));
        let at_risk: Vec<usize> = (0..n)
            .filter(|&j| stratum(j) == s && d.time[j] >= t)
            .collect();
        let events: Vec<usize> = (0..n)
            .filter(|&j| stratum(j) == s && d.time[j] == t && d.event[j])
            .collect();
        out.push((at_risk, events));
    }
    out
}

fn x(d: &Data, i: usize) -> f64 {
    if d.treated[i] { 1.0 } else { 0.0 }
}

/// Naive log-rank: returns (observed, expected, variance).
fn naive_logrank(d: &Data, stratified: bool) -> (f64, f64, f64) {
    let (mut o, mut e, mut v) = (0.0, 0.0, 0.0);
    for (risk, events) in risk_sets(d, stratified) {
        let n = risk.len() as f64;
        let n1 = risk.iter().filter(|&&j| d.treated[j]).count() as f64;
        let n0 = n - n1;
        let dd = events.len() as f64;
        o += events.iter().filter(|&&j| d.treated[j]).count() as f64;
        e += dd * n1 / n;
        if n > 1.0 {
            v += n1 * n0 * dd * (n - dd) / (n * n * (n - 1.0));
        }
    }
    (o, e, v)
}

/// Naive log partial likelihood, score, information at beta.
fn naive_cox_eval(d: &Data, stratified: bool, ties: Ties, beta: f64) -> (f64, f64, f64) {
    let (mut l, mut u, mut info) = (0.0, 0.0, 0.0);
    for (risk, events) in risk_sets(d, stratified) {
        let w = |j: usize| (x(d, j) * beta).exp();
        let s0: f64 = risk.iter().map(|&j| w(j)).sum();
        let s1: f64 = risk.iter().map(|&j| x(d, j) * w(j)).sum();
        let s2: f64 = risk.iter().map(|&j| x(d, j) * x(d, j) * w(j)).sum();
        let e0: f64 = events.iter().map(|&j| w(j)).sum();
        let e1: f64 = events.iter().map(|&j| x(d, j) * w(j)).sum();
        let e2: f64 = events.iter().map(|&j| x(d, j) * x(d, j) * w(j)).sum();
        let m = events.len();
        for (k, &i) in events.iter().enumerate() {
            l += x(d, i) * beta;
            u += x(d, i);
            let f = match ties {
                Ties::Breslow => 0.0,
                Ties::Efron => k as f64 / m as f64,
            };
            let a0 = s0 - f * e0;
            let a1 = s1 - f * e1;
            let a2 = s2 - f * e2;
            l -= a0.ln();
            u -= a1 / a0;
            info += a2 / a0 - (a1 / a0) * (a1 / a0);
        }
    }
    (l, u, info)
}

/// Naive Newton-Raphson to the maximum (no step halving needed for these data).
fn naive_mle(d: &Data, stratified: bool, ties: Ties) -> f64 {
    let mut beta = 0.0;
    for _ in 0..100 {
        let (_, u, i) = naive_cox_eval(d, stratified, ties, beta);
        let step = u / i;
        beta += step;
        if step.abs() < 1e-13 {
            break;
        }
    }
    beta
}

fn fast(d: &Data) -> Analyzer {
    let mut a = Analyzer::new();
    a.load(&d.time, &d.event, &d.treated, &d.stratum);
    a
}

fn compare(d: &Data, label: &str) {
    let a = fast(d);
    assert_eq!(a.n(), d.time.len());
    assert_eq!(a.events(), d.event.iter().filter(|&&e| e).count());
    for stratified in [false, true] {
        let (o, e, v) = naive_logrank(d, stratified);
        let lr = a.logrank(stratified);
        assert_close!(lr.observed, o, 1e-12);
        assert_close!(lr.expected, e, 1e-12);
        assert_close!(lr.variance, v, 1e-12);
        let z = (e - o) / v.sqrt();
        assert_close!(lr.z, z, 1e-9);
        assert_close!(lr.chisq, z * z, 1e-9);

        for ties in [Ties::Breslow, Ties::Efron] {
            let what = format!("{label} stratified={stratified} {ties:?}");
            let fit: CoxFit = a.cox(stratified, ties);
            assert!(fit.converged, "{what}: {fit:?}");
            let (l0, u0, i0) = naive_cox_eval(d, stratified, ties, 0.0);
            assert_close!(fit.loglik_null, l0, 1e-12);
            assert_close!(fit.score_chisq, u0 * u0 / i0, 1e-9);
            // The likelihood, score and information at the fast code's estimate.
            let (l, u, i) = naive_cox_eval(d, stratified, ties, fit.beta);
            assert_close!(fit.loglik, l, 1e-12);
            assert_close!(fit.se, 1.0 / i.sqrt(), 1e-9);
            assert!(
                u.abs() / i.sqrt() < 1e-7,
                "{what}: score at beta-hat {u:e} is not ~0"
            );
            // The estimate itself, against the naive Newton run to machine precision.
            let beta = naive_mle(d, stratified, ties);
            assert_abs_close!(fit.beta, beta, 1e-9);
            assert_close!(fit.hr, beta.exp(), 1e-9);
            assert_close!(fit.lower, (beta - 1.959963984540054 / i.sqrt()).exp(), 1e-9);
            assert_close!(fit.upper, (beta + 1.959963984540054 / i.sqrt()).exp(), 1e-9);
        }
    }
}

#[test]
fn random_tied_data_sets_agree_with_naive_code() {
    let mut checked = 0;
    for (seed, n, strata) in [
        (1, 20, 1),
        (2, 40, 2),
        (3, 60, 3),
        (4, 150, 1),
        (5, 150, 3),
        (6, 300, 2),
        (7, 600, 4),
        (8, 90, 5),
    ] {
        let d = random_data(seed, n, strata);
        // Heavy ties are the point: most events share their time with another event.
        let tied_events = (0..n)
            .filter(|&i| {
                d.event[i] && (0..n).any(|j| j != i && d.event[j] && d.time[j] == d.time[i])
            })
            .count();
        let events = d.event.iter().filter(|&&e| e).count();
        assert!(
            2 * tied_events > events,
            "seed {seed}: only {tied_events} of {events} events tied"
        );
        compare(&d, &format!("seed {seed} n {n} strata {strata}"));
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn permuting_rows_changes_nothing() {
    let d = random_data(11, 200, 3);
    let a = fast(&d);
    let mut p = d.clone();
    // Reverse the rows: the sort must make the result order-free (bit for bit).
    p.time.reverse();
    p.event.reverse();
    p.treated.reverse();
    p.stratum.reverse();
    let b = fast(&p);
    for s in [false, true] {
        assert_eq!(a.logrank(s), b.logrank(s));
        assert_eq!(a.cox(s, Ties::Efron), b.cox(s, Ties::Efron));
    }
}

#[test]
fn reused_analyzer_gives_the_same_answers() {
    let d1 = random_data(21, 300, 3);
    let d2 = random_data(22, 50, 1);
    let mut a = Analyzer::new();
    a.load(&d1.time, &d1.event, &d1.treated, &d1.stratum);
    a.load(&d2.time, &d2.event, &d2.treated, &d2.stratum);
    let b = fast(&d2);
    assert_eq!(a.logrank(true), b.logrank(true));
    assert_eq!(a.cox(true, Ties::Breslow), b.cox(true, Ties::Breslow));
    assert_eq!(a.km_median(true), b.km_median(true));
    assert_eq!(a.n_strata(), 1);
}

#[test]
fn sparse_stratum_labels_match_dense_ones() {
    // Labels far above n take the rank-mapping path; the answers must not change.
    let d = random_data(31, 120, 3);
    let mut sparse = d.clone();
    sparse.stratum = d.stratum.iter().map(|s| s * 100_000 + 7).collect();
    let (a, b) = (fast(&d), fast(&sparse));
    assert_eq!(b.n_strata(), 3);
    assert_eq!(a.logrank(true), b.logrank(true));
    assert_eq!(a.cox(true, Ties::Efron), b.cox(true, Ties::Efron));
}
