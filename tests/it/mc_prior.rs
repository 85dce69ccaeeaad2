//! Effect priors and assurance (`[prior]`, src/prior.rs).
//!
//! * A prior of zero width reproduces the fixed-effect run to the bit (same seed): the prior's
//!   draws have their own stream, so nothing else moves.
//! * With a wide prior, the assurance lies strictly between the powers at the interval's ends
//!   (each at least 4 Monte Carlo SE away).
//! * The sampler's quantiles at 10^5 draws match the log-normal's closed form within 4 SE (the
//!   asymptotic SE of a sample quantile, sqrt(p (1 - p) / n) / f(q)), after the discount and the
//!   SD inflation, and the correlation of two entries' log hazard ratios is the one asked for.
//! * The closed-form assurance (Schoenfeld power averaged over the prior by quadrature) matches
//!   O'Hagan, Stevens and Campbell's (2005) closed form for a fixed number of events D and a
//!   normal prior N(mu, s^2) on the log hazard ratio:
//!   Phi((-mu sqrt(D/4) - z_(1-alpha)) / sqrt(1 + s^2 D / 4)); and the simulated assurance
//!   matches it within 4 Monte Carlo SE.
//! * Shards of a run with a prior merge into exactly the single run.
//! * Bad priors are refused with one clear line and exit code 2.

use crate::common::*;
use enrichsim::stats::rng::Streams;
use statrs::distribution::{ContinuousCDF, Normal};

/// rpact's one-stratum trial (150 events) with a prior on its hazard ratio.
fn with_prior(hr: f64, prior: &str) -> String {
    rpact_scenario(hr, &format!("[prior]\n{prior}\n"))
}

#[test]
fn a_prior_of_zero_width_is_the_fixed_effect_to_the_bit() {
    let fixed = study(&rpact_scenario(0.7, ""));
    let point = study(&with_prior(
        0.8, // [effect]'s value is replaced by the prior's
        "hazard_ratio = { estimate = 0.7, lower = 0.7, upper = 0.7 }",
    ));
    let a = run(&fixed, 2000, 11);
    let b = run(&point, 2000, 11);
    assert_eq!(b.assurance, Some(a.power), "assurance equals power exactly");
    assert_eq!(b.power.to_bits(), a.power.to_bits());
    assert_eq!(b.z_mean.to_bits(), a.z_mean.to_bits());
    assert_eq!(b.hr_median.to_bits(), a.hr_median.to_bits());
    assert_eq!(b.duration_mean.to_bits(), a.duration_mean.to_bits());
    // Three strata, two entries, correlated, with a delay: still the same bits.
    let base = std::fs::read_to_string(scenario_path("phase3-enriched.toml")).unwrap();
    let fixed = study(&base.replace("delay = 0.0", "delay = 2.0"));
    let point = study(&format!(
        "{}\n[prior]\ncorrelation = 0.5\n[prior.hazard_ratio]\n\
         low_moderate = {{ strata = [\"low\", \"moderate\"], estimate = 0.65, lower = 0.65, upper = 0.65 }}\n\
         high = {{ estimate = 1.0, lower = 1.0, upper = 1.0 }}\n",
        base.replace("delay = 0.0", "delay = 2.0").replace(
            "low = 0.65, moderate = 0.65, high = 1.0",
            "low = 0.5, moderate = 0.5, high = 0.5"
        )
    ));
    let (a, b) = (outcomes(&fixed, 500, 3), outcomes(&point, 500, 3));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.z.to_bits(), y.z.to_bits(), "replicate {}", x.replicate);
        assert_eq!(x.duration.to_bits(), y.duration.to_bits());
        assert_eq!(x.reject, y.reject);
    }
    assert!(b.iter().all(|o| o.true_hr == 0.65));
}

/// O'Hagan et al.'s closed-form assurance for D events, 1:1, and ln HR ~ N(mu, s^2).
fn ohagan(d: f64, mu: f64, s: f64, alpha: f64) -> f64 {
    let n = Normal::new(0.0, 1.0).unwrap();
    let z = n.inverse_cdf(1.0 - alpha);
    let drift = (d / 4.0).sqrt();
    n.cdf((-mu * drift - z) / (1.0 + s * s * d / 4.0).sqrt())
}

#[test]
fn assurance_lies_between_the_powers_at_the_interval_ends() {
    let reps = 4000;
    let (lower, upper) = (0.55, 0.89);
    let prior = format!("hazard_ratio = {{ estimate = 0.7, lower = {lower}, upper = {upper} }}");
    let wide = run(&study(&with_prior(0.7, &prior)), reps, 5);
    let strong = run(&study(&rpact_scenario(lower, "")), reps, 5);
    let weak = run(&study(&rpact_scenario(upper, "")), reps, 5);
    let a = wide.assurance.expect("a prior gives an assurance");
    let se = |p: f64| binomial_se(p, reps as f64);
    let gap_se = |p: f64| (se(a).powi(2) + se(p).powi(2)).sqrt();
    assert!(
        a - weak.power > 4.0 * gap_se(weak.power),
        "assurance {a} not above the power {} at HR {upper}",
        weak.power
    );
    assert!(
        strong.power - a > 4.0 * gap_se(strong.power),
        "assurance {a} not below the power {} at HR {lower}",
        strong.power
    );
    // The bins partition the replicates, and their powers average back to the assurance.
    let p = wide.prior.as_ref().unwrap();
    let total: u64 = p.bins.iter().map(|b| b.reps).sum();
    assert_eq!(total, reps);
    let pooled: f64 = p
        .bins
        .iter()
        .filter(|b| b.reps > 0)
        .map(|b| b.power * b.reps as f64)
        .sum::<f64>()
        / reps as f64;
    assert_abs_close!(pooled, a, 1e-12);
}

#[test]
fn closed_form_assurance_matches_ohagan_and_the_simulation() {
    let z975 = Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.975);
    for (estimate, lower, upper, discount, inflation) in [
        (0.7, 0.55, 0.89, 1.0, 1.0),
        (0.6, 0.4, 0.9, 0.8, 1.5),
        (0.75, 0.75, 0.75, 1.0, 1.0),
    ] {
        let prior = format!(
            "discount = {discount}\nsd_inflation = {inflation}\n\
             hazard_ratio = {{ estimate = {estimate}, lower = {lower}, upper = {upper} }}"
        );
        let s = study(&with_prior(0.7, &prior));
        let mu = discount * f64::ln(estimate);
        let sd = inflation * (f64::ln(upper) - f64::ln(lower)) / (2.0 * z975);
        let closed = enrichsim::analytic::analytic_assurance(&s.model, &s.design).unwrap();
        assert_abs_close!(closed, ohagan(150.0, mu, sd, 0.025), 1e-7);
        if estimate == 0.7 {
            // The simulated assurance: the log-rank's exact-in-distribution power against
            // Schoenfeld's approximation, which at 150 events is within 0.005 of it (the
            // fixed-HR power at 0.7 is 0.8 in rpact's simulation oracle and 0.799 in closed
            // form); 20,000 replicates have an SE of 0.0035.
            let reps = 20_000;
            let sim = run(&s, reps, 9).assurance.unwrap();
            assert_within_mcse!(sim, closed, binomial_se(closed, reps as f64), 4.0);
        }
    }
}

#[test]
fn sampler_quantiles_and_correlation_match_the_log_normal() {
    let s = study(&format!(
        "{}\n[prior]\ndiscount = 0.8\nsd_inflation = 1.5\ncorrelation = 0.5\n\
         [prior.hazard_ratio]\n\
         low_moderate = {{ strata = [\"low\", \"moderate\"], estimate = 0.52, lower = 0.31, upper = 0.87 }}\n\
         high = {{ estimate = 1.37, lower = 0.64, upper = 2.91 }}\n",
        std::fs::read_to_string(scenario_path("phase3-enriched.toml")).unwrap()
    ));
    let prior = s.model.prior.as_ref().unwrap();
    let n = 100_000;
    let streams = Streams::new(2024);
    let draws: Vec<[f64; 2]> = (0..n)
        .map(|r| {
            let d = prior.draw(&streams, r);
            [d[0], d[1]]
        })
        .collect();
    let normal = Normal::new(0.0, 1.0).unwrap();
    let z975 = normal.inverse_cdf(0.975);
    for (e, (estimate, lower, upper)) in [(0.52, 0.31, 0.87), (1.37, 0.64, 2.91)]
        .into_iter()
        .enumerate()
    {
        let mu = 0.8 * f64::ln(estimate);
        let sd = 1.5 * (f64::ln(upper) - f64::ln(lower)) / (2.0 * z975);
        let mut x: Vec<f64> = draws.iter().map(|d| d[e]).collect();
        x.sort_by(f64::total_cmp);
        for p in [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975] {
            let zp = normal.inverse_cdf(p);
            let q = (mu + sd * zp).exp();
            let density = (-0.5 * zp * zp).exp() / (2.0 * std::f64::consts::PI).sqrt() / (q * sd);
            let se = (p * (1.0 - p) / n as f64).sqrt() / density;
            let empirical = enrichsim::stats::descriptive::quantile_sorted(&x, p);
            assert_within_mcse!(empirical, q, se, 4.0);
            assert_close!(prior.quantile(e, p), q, 1e-12);
        }
    }
    // Correlation of the log hazard ratios: SE (1 - rho^2) / sqrt(n).
    let logs: Vec<[f64; 2]> = draws.iter().map(|d| [d[0].ln(), d[1].ln()]).collect();
    let mean = |k: usize| logs.iter().map(|l| l[k]).sum::<f64>() / n as f64;
    let (m0, m1) = (mean(0), mean(1));
    let cov = |a: usize, b: usize, ma: f64, mb: f64| {
        logs.iter().map(|l| (l[a] - ma) * (l[b] - mb)).sum::<f64>() / n as f64
    };
    let r = cov(0, 1, m0, m1) / (cov(0, 0, m0, m0) * cov(1, 1, m1, m1)).sqrt();
    assert_within_mcse!(r, 0.5, 0.75 / (n as f64).sqrt(), 4.0);
}

#[test]
fn sharded_prior_runs_merge_into_the_single_run() {
    let dir = tempfile::TempDir::new().unwrap();
    let scenario = dir.path().join("prior.toml");
    std::fs::write(
        &scenario,
        with_prior(
            0.7,
            "hazard_ratio = { estimate = 0.7, lower = 0.5, upper = 0.98 }",
        ),
    )
    .unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "run".to_string(),
            scenario.to_str().unwrap().to_string(),
            "--reps".into(),
            "301".into(),
            "--seed".into(),
            "4".into(),
            "--quiet".into(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let single = without_elapsed(&stdout_of(enrichsim().args(args(&["--format", "json"]))));
    let mut files = Vec::new();
    for i in 0..2 {
        let file = dir.path().join(format!("shard{i}.json"));
        let shard = format!("{i}/2");
        stdout_of(enrichsim().args(args(&[
            "--shard",
            &shard,
            "--output",
            file.to_str().unwrap(),
        ])));
        files.push(file);
    }
    let merged = stdout_of(
        enrichsim()
            .arg("merge")
            .args(&files)
            .args(["--format", "json"]),
    );
    assert!(single.contains("\"assurance\""), "{single}");
    assert_eq!(without_elapsed(&merged), single);
}

#[test]
fn bad_priors_are_refused_with_a_clear_message() {
    let enriched = std::fs::read_to_string(scenario_path("phase3-enriched.toml")).unwrap();
    let cases: [(&str, &[&str]); 6] = [
        (
            "[prior]\nhazard_ratio = { estimate = 0.5, lower = 0.6, upper = 0.9 }",
            &["prior.hazard_ratio", "lower <= estimate <= upper"],
        ),
        (
            "[prior]\n[prior.hazard_ratio]\nmedium = { estimate = 0.5, lower = 0.3, upper = 0.9 }",
            &[
                "prior.hazard_ratio.medium",
                "not a stratum",
                "low, moderate, high",
            ],
        ),
        (
            "[prior]\n[prior.hazard_ratio]\nlow = { estimate = 0.5, lower = 0.3, upper = 0.9 }\nall = { strata = [\"low\", \"high\"], estimate = 0.5, lower = 0.3, upper = 0.9 }",
            &["already drawn", "each stratum in at most one entry"],
        ),
        (
            "[prior]\ndiscount = 1.5\nhazard_ratio = { estimate = 0.5, lower = 0.3, upper = 0.9 }",
            &["prior.discount", "1.5", "[0, 1]"],
        ),
        (
            "[prior]\nspread = 2\nhazard_ratio = { estimate = 0.5, lower = 0.3, upper = 0.9 }",
            &["prior.spread", "unknown key", "sd_inflation"],
        ),
        (
            "[prior]\nbin_by = \"everyone\"\nhazard_ratio = { estimate = 0.5, lower = 0.3, upper = 0.9 }",
            &["prior.bin_by", "everyone", "all strata"],
        ),
    ];
    let dir = tempfile::TempDir::new().unwrap();
    for (i, (prior, expected)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&file, format!("{enriched}\n{prior}\n")).unwrap();
        let line = fails_with_one_line(enrichsim().arg("validate").arg(&file));
        assert_mentions(&line, expected, prior);
        assert_mentions(&line, &[&format!("bad{i}.toml")], prior);
    }
    // A piecewise hazard ratio cannot be replaced by a prior.
    let file = dir.path().join("piecewise.toml");
    std::fs::write(
        &file,
        rpact_scenario(
            0.7,
            "[prior]\nhazard_ratio = { estimate = 0.7, lower = 0.5, upper = 0.9 }",
        )
        .replace(
            "hazard_ratio = 0.7",
            "hazard_ratio = [{ from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.7 }]",
        ),
    )
    .unwrap();
    let line = fails_with_one_line(enrichsim().arg("validate").arg(&file));
    assert_mentions(&line, &["piecewise", "effect.delay"], "piecewise");
}

/// The JSON a successful command prints.
fn json_of(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    serde_json::from_str(&stdout_of(cmd)).expect("JSON")
}

#[test]
fn sweep_and_compare_report_assurance() {
    let prior = scenario_path("phase3-enriched-prior.toml");
    let fixed = scenario_path("phase3-enriched.toml");
    let json = json_of(
        enrichsim()
            .args(["sweep", prior.to_str().unwrap()])
            .args(["--vary", "prior.discount=0.5:1:0.25", "--reps", "1000"])
            .args(["--seed", "3", "--format", "json", "--quiet"]),
    );
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 3);
    let assurance: Vec<f64> = points
        .iter()
        .map(|p| {
            assert_eq!(p["assurance"], p["power"]);
            assert!(p["analytic_assurance"].as_f64().is_some());
            p["assurance"].as_f64().unwrap()
        })
        .collect();
    // Less discount (a larger factor on ln 0.52), more assurance: each step is worth many SE.
    for w in assurance.windows(2) {
        let se = (binomial_se(w[0], 1000.0).powi(2) + binomial_se(w[1], 1000.0).powi(2)).sqrt();
        assert!(w[1] - w[0] > 4.0 * se, "{assurance:?}");
    }
    let json = json_of(
        enrichsim()
            .args(["compare", fixed.to_str().unwrap(), prior.to_str().unwrap()])
            .args(["--reps", "500", "--format", "json", "--quiet"]),
    );
    let designs = json["designs"].as_array().unwrap();
    assert!(designs[0].get("assurance").is_none());
    assert_eq!(designs[1]["assurance"], designs[1]["power"]);
    let text = stdout_of(
        enrichsim()
            .args(["compare", fixed.to_str().unwrap(), prior.to_str().unwrap()])
            .args(["--reps", "200", "--quiet"]),
    );
    assert!(text.contains("assurance (success over the prior)"));
}

#[test]
fn validate_describes_the_prior() {
    let prior = scenario_path("phase3-enriched-prior.toml");
    let json = json_of(enrichsim().args(["validate", prior.to_str().unwrap(), "--format", "json"]));
    let p = &json["prior"];
    assert_eq!(p["entries"][0]["name"], "low_moderate");
    // The discount 0.66 moves the centre to 0.52^0.66.
    assert_close!(
        p["entries"][0]["median"].as_f64().unwrap(),
        0.52f64.powf(0.66),
        1e-12
    );
    let a = p["analytic_assurance"].as_f64().unwrap();
    assert!(a > 0.6 && a < 0.8, "closed-form assurance {a}");
    // Without a prior, no prior field.
    let fixed = scenario_path("phase3-enriched.toml");
    let json = json_of(enrichsim().args(["validate", fixed.to_str().unwrap(), "--format", "json"]));
    assert!(json.get("prior").is_none());
}

/// Two strata of equal prevalence measured exactly, both randomised, stratified log-rank, each
/// with its own prior entry.
fn two_strata(correlation: f64) -> String {
    format!(
        r#"
name = "two strata, correlated prior"
[biomarker]
median = 100.0
gsd = 2.0
cutpoints = [100.0]
strata = ["a", "b"]
[control]
a = {{ median = 24.0 }}
b = {{ median = 12.0 }}
[effect]
hazard_ratio = 0.7
[enrolment]
rate = 20.0
[design]
eligible = ["a", "b"]
sample_size = 500
analysis = {{ events = 250 }}
test = "stratified_logrank"
[prior]
correlation = {correlation}
[prior.hazard_ratio]
a = {{ estimate = 0.65, lower = 0.45, upper = 0.94 }}
b = {{ estimate = 0.7, lower = 0.48, upper = 1.02 }}
"#
    )
}

#[test]
fn closed_form_assurance_of_two_correlated_entries() {
    // Two code paths meet: correlation 1 (one dimension, Gauss-Legendre) and 0.999999 (two
    // dimensions, Gauss-Hermite through the Cholesky factor).
    let one = |rho: f64| {
        let s = study(&two_strata(rho));
        enrichsim::analytic::analytic_assurance(&s.model, &s.design).unwrap()
    };
    assert_abs_close!(one(0.999_999), one(1.0), 2e-4);
    // Correlated entries spread the trial's average effect more: with an assurance above 1/2,
    // it falls (0.73 at correlation 0.8 against 0.76 independent, about 9 Monte Carlo SE of
    // the runs below apart).
    let correlated = one(0.8);
    let independent = one(0.0);
    assert!(
        independent - correlated > 0.02,
        "{correlated} vs {independent}"
    );
    // The simulation agrees with the closed form within 4 Monte Carlo SE, both ways.
    let s = study(&two_strata(0.0));
    let sim = run(&s, 20_000, 22).assurance.unwrap();
    assert_within_mcse!(sim, independent, binomial_se(independent, 20_000.0), 4.0);
    let reps = 20_000;
    let s = study(&two_strata(0.8));
    let sim = run(&s, reps, 21).assurance.unwrap();
    assert_within_mcse!(sim, correlated, binomial_se(correlated, reps as f64), 4.0);
}
