//! Hand-checked survival statistics on tiny data sets: every expected value below is worked out
//! in the comments from the definitions (exact fractions), plus the documented outputs on
//! degenerate data (no events, an empty arm, all events in one arm).

use enrichsim::analysis::{Analyzer, Ties};

use crate::common::*;

fn load(time: &[f64], event: &[bool], treated: &[bool]) -> Analyzer {
    let mut a = Analyzer::new();
    a.load(time, event, treated, &vec![0; time.len()]);
    a
}

/// The tiny tied data set (one stratum):
///
/// | arm       | times (* = censored) |
/// | --------- | -------------------- |
/// | control   | 1, 2, 2, 3*, 4       |
/// | treatment | 2, 2*, 3, 5*         |
///
/// Event-time table (censored at t still at risk at t):
///
/// | t | n0 | n1 | d0 | d1 |
/// | - | -- | -- | -- | -- |
/// | 1 | 5  | 4  | 1  | 0  |
/// | 2 | 4  | 4  | 2  | 1  |
/// | 3 | 2  | 2  | 0  | 1  |
/// | 4 | 1  | 1  | 1  | 0  |
fn tiny() -> Analyzer {
    let c = [
        (1.0, true, false),
        (2.0, true, false),
        (2.0, true, false),
        (3.0, false, false),
        (4.0, true, false),
        (2.0, true, true),
        (2.0, false, true),
        (3.0, true, true),
        (5.0, false, true),
    ];
    let time: Vec<f64> = c.iter().map(|r| r.0).collect();
    let event: Vec<bool> = c.iter().map(|r| r.1).collect();
    let treated: Vec<bool> = c.iter().map(|r| r.2).collect();
    load(&time, &event, &treated)
}

#[test]
fn tiny_logrank_by_hand() {
    // O = 0 + 1 + 1 + 0 = 2 treated events.
    // E = 1*4/9 + 3*4/8 + 1*2/4 + 1*1/2 = 4/9 + 3/2 + 1/2 + 1/2 = 53/18.
    // V = n1 n0 d (n-d) / (n^2 (n-1)):
    //   t=1: 4*5*1*8/(81*8) = 20/81;  t=2: 4*4*3*5/(64*7) = 15/28;
    //   t=3: 2*2*1*3/(16*3) = 1/4;    t=4: 1*1*1*1/(4*1) = 1/4;
    //   V = 20/81 + 15/28 + 1/2 = 2909/2268.
    // z = (E - O)/sqrt(V) = (17/18)/sqrt(2909/2268); chisq = (289/324)(2268/2909) = 2023/2909.
    let a = tiny();
    assert_eq!(a.n(), 9);
    assert_eq!(a.events(), 6);
    let lr = a.logrank(false);
    assert_close!(lr.observed, 2.0, 1e-15);
    assert_close!(lr.expected, 53.0 / 18.0, 1e-14);
    assert_close!(lr.variance, 2909.0 / 2268.0, 1e-14);
    assert_close!(lr.z, (17.0 / 18.0) / (2909.0f64 / 2268.0).sqrt(), 1e-14);
    assert_close!(lr.chisq, 2023.0 / 2909.0, 1e-14);
    assert!(lr.z > 0.0, "fewer treated events than expected: z > 0");
    // p = P(chi2_1 > 2023/2909) = erfc(sqrt(2023/2909 / 2)) = 0.4043242362707593
    // (Python 3 math.erfc; z = 0.8339232471423502).
    assert_close!(lr.p_two_sided, 0.404_324_236_270_759_3, 1e-13);
    assert_eq!(lr.events, 6);
    // One stratum: stratified is the same test.
    assert_eq!(a.logrank(true), lr);
}

#[test]
fn tiny_breslow_by_hand() {
    // Breslow, e = exp(beta):
    //   l(beta) = 2 beta - ln(5+4e) - 3 ln(4+4e) - ln(2+2e) - ln(1+e).
    //   l(0) = -(ln 9 + 3 ln 8 + ln 4 + ln 2) = -(ln 9 + 12 ln 2).
    //   U(0) = 2 - (4/9 + 3*4/8 + 2/4 + 1/2) = -17/18.
    //   I(0) = sum d m (1-m): 20/81 + 3/4 + 1/4 + 1/4 = 485/324.
    //   score chisq = (289/324)/(485/324) = 289/485.
    let fit = tiny().cox(false, Ties::Breslow);
    assert!(fit.converged);
    assert_close!(fit.loglik_null, -(9f64.ln() + 12.0 * 2f64.ln()), 1e-14);
    assert_close!(fit.score_chisq, 289.0 / 485.0, 1e-13);
    // At the maximum U(beta) = 0:  2 = 4e/(5+4e) + 3*4e/(4+4e) + 2e/(2+2e) + e/(1+e),
    // i.e. 2 = 4e/(5+4e) + 5e/(1+e); check the fitted beta solves it (to coxph's stopping rule,
    // relative change of l below 1e-9, which leaves the score at about 3e-9 here).
    let e = fit.hr;
    assert_abs_close!(4.0 * e / (5.0 + 4.0 * e) + 5.0 * e / (1.0 + e), 2.0, 1e-8);
    let l = |b: f64| {
        let e = b.exp();
        2.0 * b
            - (5.0 + 4.0 * e).ln()
            - 3.0 * (4.0 + 4.0 * e).ln()
            - (2.0 + 2.0 * e).ln()
            - (1.0 + e).ln()
    };
    assert_close!(fit.loglik, l(fit.beta), 1e-13);
    // I(beta) = 4e*5/(5+4e)^2 + 5e/(1+e)^2 (each term d m (1-m)).
    let info = 20.0 * e / (5.0 + 4.0 * e).powi(2) + 5.0 * e / (1.0 + e).powi(2);
    assert_close!(fit.se, 1.0 / info.sqrt(), 1e-9);
}

#[test]
fn tiny_efron_by_hand() {
    // Efron differs from Breslow only at t = 2 (d = 3: d0 = 2, d1 = 1), where the risk-set sums
    // are S = 4 + 4e, S1 = 4e and the tied events' sums D = 2 + e, D1 = e; the three
    // denominators are S - (k/3) D for k = 0, 1, 2.
    //   At beta = 0: denominators 8, 7, 6, so
    //   l(0) = -(ln 9 + ln 8 + ln 7 + ln 6 + ln 4 + ln 2).
    //   m_k = (S1 - k/3 D1)/(S - k/3 D) at 0: 4/8 = 1/2, (11/3)/7 = 11/21, (10/3)/6 = 5/9.
    //   U(0) = 2 - (4/9 + 1/2 + 11/21 + 5/9 + 1/2 + 1/2) = 2 - 127/42 = -43/42.
    //   I(0) = 20/81 + (1/4 + 110/441 + 20/81) + 1/4 + 1/4 = 40/81 + 3/4 + 110/441.
    let fit = tiny().cox(false, Ties::Efron);
    assert!(fit.converged);
    let l0 = -[9.0f64, 8.0, 7.0, 6.0, 4.0, 2.0]
        .iter()
        .map(|v| v.ln())
        .sum::<f64>();
    assert_close!(fit.loglik_null, l0, 1e-14);
    let u0 = -43.0 / 42.0;
    let i0 = 40.0 / 81.0 + 0.75 + 110.0 / 441.0;
    assert_close!(fit.score_chisq, u0 * u0 / i0, 1e-13);
    // The log likelihood at the estimate, by the formula.
    let l = |b: f64| {
        let e = b.exp();
        let (s, dd) = (4.0 + 4.0 * e, 2.0 + e);
        2.0 * b
            - (5.0 + 4.0 * e).ln()
            - s.ln()
            - (s - dd / 3.0).ln()
            - (s - 2.0 * dd / 3.0).ln()
            - (2.0 + 2.0 * e).ln()
            - (1.0 + e).ln()
    };
    assert_close!(fit.loglik, l(fit.beta), 1e-13);
    // beta-hat maximises it: nearby values are lower.
    assert!(l(fit.beta + 1e-4) < fit.loglik && l(fit.beta - 1e-4) < fit.loglik);
    // Ties matter here: Efron's estimate differs from Breslow's.
    let b = tiny().cox(false, Ties::Breslow);
    assert!((fit.beta - b.beta).abs() > 1e-3);
}

#[test]
fn tiny_km_medians_by_hand() {
    // Control: S(1) = 4/5, S(2) = 4/5 * (1 - 2/4) = 0.4 <= 0.5, so the median is 2.
    // Treatment: S(2) = 3/4, S(3) = 3/4 * 1/2 = 0.375, so the median is 3.
    let a = tiny();
    assert_eq!(a.km_median(false), Some(2.0));
    assert_eq!(a.km_median(true), Some(3.0));
}

#[test]
fn km_median_r_conventions() {
    let all = |n: usize| vec![true; n];
    // Events at 1, 2, 3, 4 (treated arm): S = 0.75, 0.5 (flat) -> midpoint of 2 and 3 = 2.5.
    let a = load(
        &[1.0, 2.0, 3.0, 4.0, 9.0],
        &[true, true, true, true, false],
        &[true, true, true, true, false],
    );
    assert_eq!(a.km_median(true), Some(2.5));
    // Control arm here: one censored patient, never reaches 0.5.
    assert_eq!(a.km_median(false), None);

    // Six events at 1..6: S(3) = 5/6 * 4/5 * 3/4, equal to 0.5 only up to rounding; R's
    // tolerance sqrt(eps) treats it as flat: median (3 + 4)/2.
    let t: Vec<f64> = (1..=6).map(f64::from).collect();
    let a = load(&t, &all(6), &all(6));
    assert_eq!(a.km_median(true), Some(3.5));

    // Flat at 0.5 to the end of the curve: events at 1, 2, censored at 3, 4:
    // S(2) = 0.5 and no later event: midpoint of 2 and the last time 4 = 3.
    let a = load(&[1.0, 2.0, 3.0, 4.0], &[true, true, false, false], &all(4));
    assert_eq!(a.km_median(true), Some(3.0));

    // Tied events at the crossing: 1, 1 events then 2 event, 5 censored: S(1) = 1 - 2/4 = 0.5,
    // flat until the next event at 2: median 1.5.
    let a = load(&[1.0, 1.0, 2.0, 5.0], &[true, true, true, false], &all(4));
    assert_eq!(a.km_median(true), Some(1.5));

    // Strictly below 0.5 at the first drop: 3 of 4 die at 7: median 7.
    let a = load(&[7.0, 7.0, 7.0, 8.0], &[true, true, true, false], &all(4));
    assert_eq!(a.km_median(true), Some(7.0));

    // Censoring before the crossing: events at 1, 3, 4; censored at 2.
    // S(1) = 3/4, S(3) = 3/4 * (1 - 1/2) = 0.375: median 3.
    let a = load(&[1.0, 2.0, 3.0, 4.0], &[true, false, true, true], &all(4));
    assert_eq!(a.km_median(true), Some(3.0));
}

#[test]
fn no_events() {
    let a = load(
        &[1.0, 2.0, 3.0, 4.0],
        &[false; 4],
        &[true, false, true, false],
    );
    assert_eq!(a.events(), 0);
    let lr = a.logrank(false);
    assert_eq!(
        (lr.z, lr.chisq, lr.p_two_sided, lr.events),
        (0.0, 0.0, 1.0, 0)
    );
    for ties in [Ties::Breslow, Ties::Efron] {
        let fit = a.cox(true, ties);
        assert!(fit.beta.is_nan() && fit.hr.is_nan() && fit.se.is_nan() && fit.wald_p.is_nan());
        assert!(!fit.converged);
        assert_eq!((fit.score_chisq, fit.loglik, fit.iterations), (0.0, 0.0, 0));
    }
    assert_eq!(a.km_median(true), None);
}

#[test]
fn empty_data() {
    let a = load(&[], &[], &[]);
    assert_eq!((a.n(), a.events(), a.n_strata()), (0, 0, 0));
    assert_eq!(a.logrank(true).p_two_sided, 1.0);
    assert!(a.cox(false, Ties::Efron).hr.is_nan());
    assert_eq!(a.km_median(false), None);
}

#[test]
fn one_arm_empty() {
    // Everyone treated: nobody in control at risk, V = 0 and I(0) = 0.
    let a = load(&[1.0, 2.0, 3.0], &[true, true, false], &[true; 3]);
    let lr = a.logrank(false);
    assert_eq!((lr.z, lr.chisq, lr.p_two_sided), (0.0, 0.0, 1.0));
    assert_eq!(lr.observed, 2.0);
    let fit = a.cox(false, Ties::Efron);
    assert!(fit.hr.is_nan() && !fit.converged);
    // KM still works for the arm that has patients: S(1) = 2/3, S(2) = 1/3.
    assert_eq!(a.km_median(true), Some(2.0));
    assert_eq!(a.km_median(false), None);
}

#[test]
fn all_events_in_one_arm_is_monotone() {
    // Control: 4 events; treatment: all censored (late). The MLE is beta = -inf.
    let time = [1.0, 2.0, 2.0, 3.0, 5.0, 6.0, 7.0, 8.0];
    let event = [true, true, true, true, false, false, false, false];
    let treated = [false, false, false, false, true, true, true, true];
    let a = load(&time, &event, &treated);
    let lr = a.logrank(false);
    assert!(lr.z > 0.0 && lr.chisq > 0.0 && lr.p_two_sided < 1.0);
    for ties in [Ties::Breslow, Ties::Efron] {
        let fit = a.cox(false, ties);
        assert!(!fit.converged, "{ties:?}: {fit:?}");
        // The documented last iterate: a large negative beta, hr near 0, finite numbers.
        assert!(fit.beta < -5.0 && fit.beta.is_finite(), "{fit:?}");
        assert!(fit.hr < 0.01 && fit.se > 10.0, "{fit:?}");
        assert!(fit.iterations <= 30);
        assert!(fit.loglik >= fit.loglik_null);
        assert!(fit.score_chisq > 0.0);
    }
    // All events in the treatment arm instead: beta -> +inf.
    let treated: Vec<bool> = treated.iter().map(|t| !t).collect();
    let fit = load(&time, &event, &treated).cox(false, Ties::Efron);
    assert!(
        !fit.converged && fit.beta > 5.0 && fit.hr.is_finite(),
        "{fit:?}"
    );
}

#[test]
fn stratified_separates_baselines() {
    // Two strata, each with one event at a time when both arms are at risk; within stratum
    // 7: treated event at 1 with (n0, n1) = (2, 2); within stratum 3: control event at 1 with
    // (n0, n1) = (1, 1). Stratified: O = 1, E = 2/4 + 1/2 = 1, so z = 0 exactly.
    let time = [1.0, 2.0, 3.0, 4.0, 1.0, 2.0];
    let event = [true, false, false, false, true, false];
    let treated = [true, true, false, false, false, true];
    let stratum = [7, 7, 7, 7, 3, 3];
    let mut a = Analyzer::new();
    a.load(&time, &event, &treated, &stratum);
    assert_eq!(a.n_strata(), 2);
    let lr = a.logrank(true);
    assert_close!(lr.expected, 1.0, 1e-15);
    assert_abs_close!(lr.z, 0.0, 1e-15);
    // Unstratified: at t = 1, (n0, n1) = (3, 3), d = 2 (one each): E = 2*3/6 = 1 too, but
    // V = 3*3*2*4/(36*5) = 0.4 versus stratified 2/4*2/4*... = 1/4 + 1/4.
    assert_close!(a.logrank(false).variance, 0.4, 1e-15);
    assert_close!(lr.variance, 0.5, 1e-15);
    // Cox stratified: U(beta) = 1 - 2e/(2+2e) - e/(1+e) = 1 - 2e/(1+e) = 0 at e = 1.
    let fit = a.cox(true, Ties::Efron);
    assert!(fit.converged);
    assert_abs_close!(fit.beta, 0.0, 1e-12);
}
