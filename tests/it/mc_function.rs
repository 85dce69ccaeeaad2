//! The ALSFRS-R model (`[function]`) against its closed forms, at fixed seeds, tolerances in
//! Monte Carlo SE:
//! - the simulated trajectories: each true stratum's mean and SD of the rate of decline, the
//!   exact mean score at a visit (of a rounded, clamped normal) per arm, and the correlation
//!   of the rate with the normal score of the death time (the copula's `rho`);
//! - the survival numbers of every replicate unchanged by adding `[function]`;
//! - type I error of slope, mmrm and cafs (and their stratified forms) at 100,000 null
//!   replicates, with death truncation, within 3 SE of alpha;
//! - the slope test's power without death against its closed form, and with death below it.

use crate::common::*;
use enrichsim::model::function::FunctionModel;
use enrichsim::simulation::trial::Cohort;
use enrichsim::stats::normal;
use enrichsim::stats::rng::Streams;

fn enriched_function() -> String {
    std::fs::read_to_string(scenario_path("phase3-enriched-function.toml")).unwrap()
}

/// `E[clamp(round(X), 0, 48)]` for `X ~ N(mu, sd^2)`, exactly (a sum over the 49 scores).
fn mean_observed_score(mu: f64, sd: f64) -> f64 {
    let cdf = |x: f64| normal::cdf((x - mu) / sd);
    // P(score = k) = P(k - 1/2 <= X < k + 1/2), the ends taking the tails.
    (1..48)
        .map(|k| k as f64 * (cdf(k as f64 + 0.5) - cdf(k as f64 - 0.5)))
        .sum::<f64>()
        + 48.0 * (1.0 - cdf(47.5))
}

#[test]
fn trajectories_follow_the_model_in_every_stratum_and_arm() {
    // All strata eligible, so that every stratum is well represented.
    let text = enriched_function().replace(
        r#"eligible = ["low", "moderate"]"#,
        r#"eligible = ["low", "moderate", "high"]"#,
    );
    let study = study(&text);
    // The same trial with rates independent of death: the survivors at a visit are then a
    // random subset of their stratum and arm, so their scores have the model's law.
    let independent =
        crate::common::study(&text.replace("death_correlation = 0.5", "death_correlation = 0.0"));
    let f = study.model.function.clone().unwrap();
    let streams = Streams::new(99);
    let (mut c, mut c0) = (Cohort::default(), Cohort::default());
    let strata = 3;
    // Per stratum: rates (all arms), and per arm the scores at visit 12 months (index 4).
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); strata];
    let mut risk: Vec<Vec<f64>> = vec![Vec::new(); strata];
    let mut scores: Vec<[Vec<f64>; 2]> = (0..strata).map(|_| [Vec::new(), Vec::new()]).collect();
    let v = f.visits.len();
    let visit = 4;
    assert_eq!(f.visits[visit], 12.0);
    for r in 0..200 {
        c.simulate(&study.model, &study.design, &streams, r);
        c0.simulate(&independent.model, &independent.design, &streams, r);
        for k in 0..c.len() {
            let s = c.true_stratum[k] as usize;
            let treated = c.treated[k];
            rates[s].push(c.function_rate[k]);
            // The unit exponential of the death time, recovered from it: E = H(T).
            let e = study.model.outcomes[s].cumulative(treated, c.event_time[k]);
            risk[s].push(FunctionModel::risk_score(e));
            // A score exactly at the visits before death and not after censoring.
            for (j, &t) in f.visits.iter().enumerate() {
                let seen = t < c.event_time[k] && t <= c.censor_time[k];
                assert_eq!(!c.function_scores[k * v + j].is_nan(), seen);
            }
            let y = c0.function_scores[k * v + visit];
            if !y.is_nan() {
                scores[c0.true_stratum[k] as usize][usize::from(c0.treated[k])].push(y);
            }
        }
    }
    for s in 0..strata {
        let d = f.decline[s];
        let x = &rates[s];
        let n = x.len() as f64;
        assert!(n > 5000.0, "stratum {s}: {n} patients");
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert_within_mcse!(mean, d.mean, d.sd / n.sqrt(), 4.0);
        // SE of a normal sample's SD: sd / sqrt(2 (n - 1)).
        assert_within_mcse!(var.sqrt(), d.sd, d.sd / (2.0 * (n - 1.0)).sqrt(), 4.0);
        // The copula: corr(R, Z_risk) = rho; SE of Pearson's r about (1 - rho^2) / sqrt(n).
        let z = &risk[s];
        let zm = z.iter().sum::<f64>() / n;
        let cov = x
            .iter()
            .zip(z)
            .map(|(a, b)| (a - mean) * (b - zm))
            .sum::<f64>();
        let zz = z.iter().map(|b| (b - zm).powi(2)).sum::<f64>();
        let r = cov / (var * (n - 1.0) * zz).sqrt();
        let rho = f.death_correlation;
        assert_within_mcse!(r, rho, (1.0 - rho * rho) / n.sqrt(), 4.0);
        // The score at 12 months: X = B - D(12) + noise is normal with mean
        // baseline - (1 - slowing) m 12 on treatment and SD sqrt(sd_B^2 + 144 sd_R^2 + noise^2)
        // (R's margin is N(m, sd^2) whatever rho).
        for treated in [false, true] {
            let y = &scores[s][usize::from(treated)];
            let n = y.len() as f64;
            let mu = f.baseline.mean - f.decline_by(s, treated, d.mean, 12.0);
            let sd = (f.baseline.sd.powi(2) + 144.0 * d.sd.powi(2) + f.noise_sd.powi(2)).sqrt();
            let mean = y.iter().sum::<f64>() / n;
            let spread = (y.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            assert_within_mcse!(mean, mean_observed_score(mu, sd), spread / n.sqrt(), 4.0);
        }
    }
    // The test can fail: the treated arm of low pNFH does decline more slowly.
    let low = &scores[0];
    let m = |y: &Vec<f64>| y.iter().sum::<f64>() / y.len() as f64;
    assert!(m(&low[1]) > m(&low[0]) + 1.0);
}

#[test]
fn adding_function_leaves_every_survival_number_unchanged() {
    let with = enriched_function();
    let start = with.find("[function]").unwrap();
    let end = with.find("# The Phase 2b placebo arm").unwrap();
    let without = format!("{}{}", &with[..start], &with[end..]).replace(
        r#"tests = ["stratified_slope", "stratified_mmrm(12)", "stratified_cafs(12)", "stratified_cafs(21)"]"#,
        "",
    );
    assert!(!without.contains("[function]") && !without.contains("tests ="));
    let (a, b) = (
        outcomes(&study(&with), 300, 7),
        outcomes(&study(&without), 300, 7),
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.z.to_bits(), y.z.to_bits());
        assert_eq!(x.hr.to_bits(), y.hr.to_bits());
        assert_eq!(x.duration.to_bits(), y.duration.to_bits());
        assert_eq!(
            (x.events, x.randomised, x.screened, x.reject),
            (y.events, y.randomised, y.screened, y.reject)
        );
    }
    // ...and the function tests did run: they reject in some replicates.
    assert!(a.iter().any(|o| o.tests_reject != 0));
    assert!(b.iter().all(|o| o.tests_reject == 0));
}

/// A null trial with death truncation: no effect on survival or function, faster decliners die
/// sooner, deaths and dropout take visits away.
const NULL_TRIAL: &str = r#"
name = "null, function and survival"
[biomarker]
median = 2000.0
gsd = 2.1
cutpoints = [3700.0]
strata = ["lowmod", "high"]
[control]
lowmod = { median = 24.0 }
high = { median = 12.0 }
[effect]
hazard_ratio = 1.0
[enrolment]
rate = 30.0
[dropout]
per_year = 0.10
[design]
sample_size = 300
randomisation = "simple"
analysis = { after_last = 12.0 }
test = "logrank"
tests = ["slope", "stratified_slope", "mmrm(12)", "stratified_mmrm(12)", "cafs(12)", "stratified_cafs(12)"]
[function]
visits = [0, 3, 6, 9, 12]
baseline = { mean = 38.0, sd = 5.0 }
noise_sd = 2.0
death_correlation = 0.5
decline = { lowmod = { mean = 0.9, sd = 0.5 }, high = { mean = 1.3, sd = 0.5 } }
[function.effect]
slowing = 0.0
"#;

// Randomisation is simple: under blocks stratified by an observed stratum that predicts both
// death and decline (as here), the unstratified tests are conservative (their variance ignores
// the balance the blocks force; Kahan and Morris 2012), which is not what is tested here.
#[test]
fn function_tests_keep_their_level_under_the_null_with_death_truncation() {
    let study = study(NULL_TRIAL);
    let reps = 100_000;
    let s = run(&study, reps, 20261202);
    let alpha = 0.025;
    let se = binomial_se(alpha, reps as f64);
    for t in &s.tests.0 {
        assert_within_mcse!(t.power, alpha, se, 3.0);
    }
    assert_eq!(s.tests.0.len(), 6);
    // Deaths did truncate: over a tenth of the patients died by the analysis.
    assert!(s.events_mean > 30.0, "{}", s.events_mean);
}

/// A trial without death: survival so long that nobody dies, no dropout, everyone followed to
/// the last visit.
fn no_death(median: &str, n: u32) -> String {
    format!(
        r#"
name = "slope without death"
[control]
all = {{ median = {median} }}
[effect]
hazard_ratio = 1.0
[enrolment]
rate = 40.0
[design]
sample_size = {n}
analysis = {{ after_last = 12.0 }}
test = "logrank"
tests = ["slope"]
[function]
visits = [0, 3, 6, 9, 12]
baseline = {{ mean = 38.0, sd = 5.0 }}
noise_sd = 2.0
death_correlation = 0.5
decline = {{ mean = 0.9, sd = 0.5 }}
[function.effect]
slowing = 0.25
"#
    )
}

#[test]
fn slope_power_without_death_matches_its_closed_form_and_death_costs_power() {
    let reps = 4000;
    let complete = study(&no_death("100000.0", 160));
    let s = run(&complete, reps, 5);
    let t = &s.tests.0[0];
    let closed = t.closed_form.expect("a slope test has its closed form");
    assert!(closed.power > 0.5 && closed.power < 0.9, "{closed:?}");
    // (The floor at 0 is not reached in 12 months: 38 - 0.9 x 12 is far above it.)
    assert_within_mcse!(
        t.power,
        closed.power,
        binomial_se(closed.power, reps as f64),
        4.0
    );
    // With deaths (median 12 months, faster decliners first) the same trial loses power.
    let truncated = study(&no_death("12.0", 160));
    let d = run(&truncated, reps, 5);
    let dt = &d.tests.0[0];
    assert_eq!(dt.closed_form, t.closed_form);
    assert!(
        dt.power < closed.power - 4.0 * binomial_se(closed.power, reps as f64),
        "with death {} vs {}",
        dt.power,
        closed.power
    );
}

#[test]
fn function_runs_are_the_same_bytes_for_any_thread_count() {
    let path = scenario_path("phase3-enriched-function.toml");
    let run = |extra: &[&str]| {
        without_elapsed(&stdout_of(
            enrichsim()
                .arg("run")
                .arg(&path)
                .args(["--reps", "600", "--quiet", "--format", "json"])
                .args(extra),
        ))
    };
    let one = run(&["--threads", "1"]);
    assert_eq!(one, run(&["--threads", "2"]));
    assert_eq!(one, run(&["--threads", "7"]));
    assert!(one.contains("stratified_cafs(12)"));
}

#[test]
fn a_slowing_prior_draws_its_law_and_a_point_prior_is_the_fixed_effect() {
    let text = enriched_function();
    // A prior of zero width: the same replicates, bit for bit.
    let point = format!(
        "{text}\n[function.prior]\nslowing = {{ low = {{ estimate = 0.23, lower = 0.23, upper = 0.23 }} }}\n"
    );
    let (a, b) = (
        outcomes(&study(&text), 200, 3),
        outcomes(&study(&point), 200, 3),
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.tests_reject, y.tests_reject);
        assert_eq!(x.z.to_bits(), y.z.to_bits());
    }
    // A wide one: f = clamp(0.23 + sigma Z), sigma = 0.46 / (2 x 1.959964); clamping at -1 or 1
    // is 8 SD away, so the draws are normal.
    let wide = format!(
        "{text}\n[function.prior]\nslowing = {{ estimate = 0.23, lower = 0.0, upper = 0.46 }}\n"
    );
    let s = study(&wide);
    let f = s.model.function.as_ref().unwrap();
    let streams = Streams::new(5);
    let n = 100_000;
    let draws: Vec<Vec<f64>> = (0..n)
        .map(|r| f.drawn_slowing(&streams, r).unwrap())
        .collect();
    let sigma = 0.46 / (2.0 * normal::quantile(0.975));
    for stratum in 0..3 {
        let x: Vec<f64> = draws.iter().map(|d| d[stratum]).collect();
        let m = x.iter().sum::<f64>() / n as f64;
        let sd = (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n as f64 - 1.0)).sqrt();
        assert_within_mcse!(m, 0.23, sigma / (n as f64).sqrt(), 4.0);
        assert_within_mcse!(sd, sigma, sigma / (2.0 * (n as f64 - 1.0)).sqrt(), 4.0);
    }
    // One draw shared by the strata.
    assert!(draws.iter().all(|d| d[0] == d[1] && d[1] == d[2]));
    // And the run averages over it: the slope power lies below the fixed effect's (a concave
    // power curve at high power) but well above the level.
    let fixed = run(&study(&text), 2000, 9).tests.0[0].power;
    let averaged = run(&s, 2000, 9).tests.0[0].power;
    assert!(averaged < fixed && averaged > 0.5, "{averaged} vs {fixed}");
}
