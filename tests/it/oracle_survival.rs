//! Oracle test: survival statistics on tests/data/oracles/survival-dataset1.csv against the values R
//! 4.2 with survival 3.5 computed (survival-dataset1.expected.json).
//!
//! The R calls (data `d` read with read.csv; `arm` a factor with `control` as reference):
//! * `survdiff(Surv(months, death) ~ arm, d)`: log-rank chi-square, p; z = (E - O) / sqrt(V) for
//!   the treatment arm, > 0 favours treatment;
//! * `survdiff(Surv(months, death) ~ arm + strata(pnfh_stratum), d)`: stratified log-rank;
//! * `coxph(Surv(months, death) ~ arm [+ strata(pnfh_stratum)], d, ties = "breslow" | "efron")`:
//!   hr, 95% CI, se(coef), Wald p, score test, loglik[2];
//! * `survfit(Surv(months, death) ~ arm, d)`: median per arm.
//!
//! Achieved precision (largest relative difference over all values, measured when written):
//! 3.6e-13 (logrank_z; the oracle prints 13 significant digits, so this is the oracle's rounding);
//! Cox loglik agrees to 7e-16. The tolerance asserted is 1e-11 relative.

use crate::common::*;
use enrichsim::analysis::dataset::{Columns, Dataset, read_csv};
use enrichsim::analysis::{Analyzer, Ties, analyze};

const REL: f64 = 1e-11;

fn dataset() -> Dataset {
    let columns = Columns {
        time: "months".into(),
        event: "death".into(),
        arm: "arm".into(),
        strata: Some("pnfh_stratum".into()),
    };
    read_csv(&oracle("survival-dataset1.csv"), &columns).expect("oracle CSV reads")
}

fn analyzer() -> Analyzer {
    let d = dataset();
    let mut a = Analyzer::new();
    a.load(&d.time, &d.event, &d.treated, &d.stratum);
    a
}

fn num(v: &serde_json::Value, path: &[&str]) -> f64 {
    let mut x = v;
    for p in path {
        x = &x[*p];
    }
    x.as_f64()
        .unwrap_or_else(|| panic!("oracle value {path:?} missing"))
}

#[test]
fn counts_match() {
    let o = oracle_json("survival-dataset1.expected.json");
    let a = analyzer();
    assert_eq!(a.n() as f64, num(&o, &["n"]));
    assert_eq!(a.events() as f64, num(&o, &["events"]));
    assert_eq!(a.n_strata(), 3);
}

#[test]
fn logrank_unstratified() {
    // survival 3.5: survdiff(Surv(months, death) ~ arm, d)
    let o = oracle_json("survival-dataset1.expected.json");
    let lr = analyzer().logrank(false);
    assert_close!(lr.chisq, num(&o, &["logrank_chisq"]), REL);
    assert_close!(lr.p_two_sided, num(&o, &["logrank_p"]), REL);
    assert_close!(lr.z, num(&o, &["logrank_z"]), REL);
    assert_eq!(lr.events, 183);
}

#[test]
fn logrank_stratified() {
    // survival 3.5: survdiff(Surv(months, death) ~ arm + strata(pnfh_stratum), d)
    let o = oracle_json("survival-dataset1.expected.json");
    let lr = analyzer().logrank(true);
    assert_close!(lr.chisq, num(&o, &["stratified_logrank_chisq"]), REL);
    assert_close!(lr.p_two_sided, num(&o, &["stratified_logrank_p"]), REL);
    assert_close!(lr.z, num(&o, &["stratified_logrank_z"]), REL);
}

fn check_cox(key: &str, stratified: bool, ties: Ties) {
    let o = oracle_json("survival-dataset1.expected.json");
    let fit = analyzer().cox(stratified, ties);
    assert!(fit.converged, "{key}: not converged: {fit:?}");
    assert_close!(fit.hr, num(&o, &[key, "hr"]), REL);
    assert_close!(fit.lower, num(&o, &[key, "lower"]), REL);
    assert_close!(fit.upper, num(&o, &[key, "upper"]), REL);
    assert_close!(fit.se, num(&o, &[key, "se_log_hr"]), REL);
    assert_close!(fit.wald_p, num(&o, &[key, "wald_p"]), REL);
    assert_close!(fit.score_chisq, num(&o, &[key, "score_chisq"]), REL);
    assert_close!(fit.loglik, num(&o, &[key, "loglik"]), REL);
    assert_close!(fit.beta, fit.hr.ln(), 1e-15);
}

#[test]
fn cox_breslow() {
    // survival 3.5: coxph(Surv(months, death) ~ arm, d, ties = "breslow")
    check_cox("cox_breslow", false, Ties::Breslow);
}

#[test]
fn cox_efron() {
    // survival 3.5: coxph(Surv(months, death) ~ arm, d, ties = "efron")
    check_cox("cox_efron", false, Ties::Efron);
}

#[test]
fn cox_breslow_stratified() {
    // survival 3.5: coxph(Surv(months, death) ~ arm + strata(pnfh_stratum), d, ties = "breslow")
    check_cox("cox_breslow_stratified", true, Ties::Breslow);
}

#[test]
fn cox_efron_stratified() {
    // survival 3.5: coxph(Surv(months, death) ~ arm + strata(pnfh_stratum), d, ties = "efron")
    check_cox("cox_efron_stratified", true, Ties::Efron);
}

#[test]
fn km_medians() {
    // survival 3.5: survfit(Surv(months, death) ~ arm, d); the oracle prints 6 decimals, the
    // times themselves have 6 decimals in the CSV, so the median is an exact data value.
    let o = oracle_json("survival-dataset1.expected.json");
    let a = analyzer();
    let t = a.km_median(true).expect("treatment median reached");
    let c = a.km_median(false).expect("control median reached");
    assert_close!(t, num(&o, &["km_median", "treatment"]), REL);
    assert_close!(c, num(&o, &["km_median", "control"]), REL);
}

#[test]
fn analyze_report_matches_analyzer() {
    let o = oracle_json("survival-dataset1.expected.json");
    let r = analyze(&dataset(), true, Ties::Efron);
    assert!(r.stratified);
    assert_eq!(r.strata.len(), 3);
    assert_eq!(r.ties, "efron");
    assert_eq!(r.n_treatment + r.n_control, 400);
    assert_eq!(r.events_treatment + r.events_control, 183);
    assert_close!(r.logrank_chisq, num(&o, &["stratified_logrank_chisq"]), REL);
    assert_close!(r.cox_hr, num(&o, &["cox_efron_stratified", "hr"]), REL);
    assert_close!(
        r.cox_loglik,
        num(&o, &["cox_efron_stratified", "loglik"]),
        REL
    );
    assert_close!(
        r.km_median_control.unwrap_or(f64::NAN),
        num(&o, &["km_median", "control"]),
        REL
    );
    // Text and markdown forms mention the key numbers.
    let text = enrichsim::output::report::render(&r, enrichsim::output::report::Format::Text);
    assert!(text.contains("hazard ratio"), "{text}");
    assert!(text.contains(&format!("{:.4}", r.cox_hr)), "{text}");
    let md = enrichsim::output::report::render(&r, enrichsim::output::report::Format::Markdown);
    assert!(md.contains("| --- |"), "{md}");
    // JSON: a reached median is a number.
    let json = serde_json::to_value(&r).expect("serialises");
    assert!(json["km_median_treatment"].is_number());
}

/// Prints every relative difference from the oracle (run with `--nocapture` to see the achieved
/// precision quoted at the top of this file).
#[test]
fn report_achieved_precision() {
    let o = oracle_json("survival-dataset1.expected.json");
    let a = analyzer();
    let mut worst: f64 = 0.0;
    let mut rel = |name: &str, x: f64, e: f64| {
        let r = ((x - e) / e).abs();
        println!("{name:<40} {x:>22.15e} {e:>22.15e} {r:.1e}");
        worst = worst.max(r);
    };
    for (s, pre) in [(false, ""), (true, "stratified_")] {
        let lr = a.logrank(s);
        rel(
            &format!("{pre}logrank_chisq"),
            lr.chisq,
            num(&o, &[&format!("{pre}logrank_chisq")]),
        );
        rel(
            &format!("{pre}logrank_p"),
            lr.p_two_sided,
            num(&o, &[&format!("{pre}logrank_p")]),
        );
        rel(
            &format!("{pre}logrank_z"),
            lr.z,
            num(&o, &[&format!("{pre}logrank_z")]),
        );
    }
    for (key, s, ties) in [
        ("cox_breslow", false, Ties::Breslow),
        ("cox_efron", false, Ties::Efron),
        ("cox_breslow_stratified", true, Ties::Breslow),
        ("cox_efron_stratified", true, Ties::Efron),
    ] {
        let f = a.cox(s, ties);
        for (field, x) in [
            ("hr", f.hr),
            ("lower", f.lower),
            ("upper", f.upper),
            ("se_log_hr", f.se),
            ("wald_p", f.wald_p),
            ("score_chisq", f.score_chisq),
            ("loglik", f.loglik),
        ] {
            rel(&format!("{key}.{field}"), x, num(&o, &[key, field]));
        }
    }
    rel(
        "km_median.treatment",
        a.km_median(true).unwrap_or(f64::NAN),
        num(&o, &["km_median", "treatment"]),
    );
    rel(
        "km_median.control",
        a.km_median(false).unwrap_or(f64::NAN),
        num(&o, &["km_median", "control"]),
    );
    println!("worst relative difference: {worst:.1e}");
    assert!(worst <= REL);
}
