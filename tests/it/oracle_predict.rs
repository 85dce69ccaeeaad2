//! The maximum likelihood fits of `enrichsim predict` against R's survival (survreg for the
//! exponential and Weibull, survSplit for the piecewise exponential's deaths and exposure) on
//! the blinded data set tests/data/oracles/predict-dataset.csv: estimates, SEs of the log
//! parameters, the Weibull covariance and the log-likelihoods to 1e-6 (relative).
//! tests/r/oracle_predict.R makes the values.

use crate::common::*;
use enrichsim::analysis::blinded::{BlindedColumns, Status, TimeScale, read_blinded_csv};
use enrichsim::analytic::prediction::{fit_exponential, fit_piecewise, fit_weibull};

const TOL: f64 = 1e-6;

#[test]
fn fits_match_survreg() {
    let expected = oracle_json("predict.expected.json");
    let v = &expected;
    let f = |x: &serde_json::Value| x.as_f64().expect("a number");
    let columns = BlindedColumns {
        entry: "entry".into(),
        status: "status".into(),
        date: "date".into(),
    };
    let data = read_blinded_csv(
        &oracle("predict-dataset.csv"),
        &columns,
        TimeScale::Dates,
        None,
        None,
    )
    .expect("reads");
    assert_eq!(data.len() as f64, f(&v["patients"]));
    let event: Vec<bool> = data.status.iter().map(|&s| s == Status::Event).collect();
    assert_eq!(event.iter().filter(|&&e| e).count() as f64, f(&v["deaths"]));
    // The data set has a death on the day of entry: the half-day rule is exercised.
    assert!(f(&v["deaths_on_entry_day"]) >= 1.0);

    let e = fit_exponential(&data.time, &event, "x").unwrap();
    let r = &v["exponential"];
    assert_close!(e.exposure, f(&v["exposure"]), TOL);
    assert_close!(e.parameters[0].estimate, f(&r["rate"]), TOL);
    assert_close!(e.parameters[0].se_log, f(&r["se_log"]), TOL);
    assert_close!(e.log_likelihood, f(&r["log_likelihood"]), TOL);

    let w = fit_weibull(&data.time, &event, "x").unwrap();
    let r = &v["weibull"];
    assert_close!(w.parameters[0].estimate, f(&r["scale"]), TOL);
    assert_close!(w.parameters[1].estimate, f(&r["shape"]), TOL);
    assert_close!(w.parameters[0].se_log, f(&r["se_log_scale"]), TOL);
    assert_close!(w.parameters[1].se_log, f(&r["se_log_shape"]), TOL);
    assert_close!(w.covariance[0][1], f(&r["cov_log_scale_log_shape"]), TOL);
    assert_close!(w.covariance[1][0], f(&r["cov_log_scale_log_shape"]), TOL);
    assert_close!(w.log_likelihood, f(&r["log_likelihood"]), TOL);

    let r = &v["piecewise"];
    let breaks: Vec<f64> = r["breaks"].as_array().unwrap().iter().map(f).collect();
    let p = fit_piecewise(&data.time, &event, &breaks, "x").unwrap();
    for (j, q) in p.parameters.iter().enumerate() {
        assert_close!(q.estimate, f(&r["rate"][j]), TOL);
        assert_close!(q.se_log, f(&r["se_log"][j]), TOL);
        assert_close!(1.0 / q.se_log.powi(2), f(&r["deaths"][j]), TOL);
    }
    assert_close!(p.log_likelihood, f(&r["log_likelihood"]), TOL);

    // Dropout: the rate over the same months at risk.
    let dropouts = data
        .status
        .iter()
        .filter(|&&s| s == Status::Dropout)
        .count();
    assert_eq!(dropouts as f64, f(&v["dropouts"]));
    let d = enrichsim::analytic::prediction::RateFit::new(dropouts as u32, e.exposure);
    assert_close!(d.rate, f(&v["dropout"]["rate"]), TOL);
    assert_close!(d.se_log, f(&v["dropout"]["se_log"]), TOL);
}
