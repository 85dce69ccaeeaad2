//! The `enrichsim analyze` report: log-rank, Cox and Kaplan-Meier on a real data set.

use super::{Analyzer, Test, TestKind, Ties};
use crate::analysis::dataset::Dataset;
use crate::error::{Error, Result};

/// Everything `enrichsim analyze` reports on one data set. JSON via serde (a median not reached
/// is `null`); text, Markdown and CSV through `report::render` (see `report/analyze.rs`).
#[derive(serde::Serialize, Clone, Debug)]
pub struct AnalyzeReport {
    /// Patients.
    pub n: usize,
    /// Events (both arms).
    pub events: usize,
    /// Whether the log-rank test and the Cox model are stratified.
    pub stratified: bool,
    /// Stratum names in order of first appearance (empty when there is no strata column).
    pub strata: Vec<String>,
    /// Ties method of the Cox model (`"efron"` or `"breslow"`).
    pub ties: String,
    /// Log-rank chi-square (1 df).
    pub logrank_chisq: f64,
    /// Log-rank two-sided p-value.
    pub logrank_p: f64,
    /// Log-rank z = (E - O) / sqrt(V), positive when treatment has fewer events than expected.
    pub logrank_z: f64,
    /// Observed events in the treatment arm.
    pub logrank_observed: f64,
    /// Expected events in the treatment arm under H0.
    pub logrank_expected: f64,
    /// Cox hazard ratio, treatment versus control.
    pub cox_hr: f64,
    /// Lower 95% Wald limit of the hazard ratio.
    pub cox_hr_lower: f64,
    /// Upper 95% Wald limit of the hazard ratio.
    pub cox_hr_upper: f64,
    /// Two-sided Wald p-value.
    pub cox_wald_p: f64,
    /// Standard error of the log hazard ratio.
    pub cox_se_log_hr: f64,
    /// Score test chi-square at beta = 0.
    pub cox_score_chisq: f64,
    /// Log partial likelihood at the estimate.
    pub cox_loglik: f64,
    /// Whether Newton-Raphson converged to a finite estimate.
    pub cox_converged: bool,
    /// Kaplan-Meier median (months) of the treatment arm, `None` if not reached.
    pub km_median_treatment: Option<f64>,
    /// Kaplan-Meier median (months) of the control arm, `None` if not reached.
    pub km_median_control: Option<f64>,
    /// Patients in the treatment arm.
    pub n_treatment: usize,
    /// Patients in the control arm.
    pub n_control: usize,
    /// Events in the treatment arm.
    pub events_treatment: usize,
    /// Events in the control arm.
    pub events_control: usize,
    /// The test chosen with `--test`, when one was (its fields then appear at the top level of
    /// the JSON object: `test`, `z`, `p`, ...).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub test: Option<TestReport>,
}

/// One MaxCombo component in a [`TestReport`].
#[derive(serde::Serialize, Clone, Debug, PartialEq)]
pub struct ComponentReport {
    /// The component's name, e.g. `fh(0,1)`.
    pub test: String,
    /// Its z (`None`, JSON `null`, when its variance is 0).
    pub z: Option<f64>,
}

/// The result of `enrichsim analyze --test NAME`.
#[derive(serde::Serialize, Clone, Debug, PartialEq)]
pub struct TestReport {
    /// The test's canonical name.
    pub test: String,
    /// Standardised statistic, positive favouring treatment (MaxCombo: the largest component z).
    pub z: f64,
    /// One-sided p-value.
    pub p: f64,
    /// RMST or milestone: estimated difference, treatment - control (months, or survival).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<f64>,
    /// Lower 95% limit of the difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    /// Upper 95% limit of the difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    /// Standard error of the difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
    /// Treatment-arm RMST or survival (stratum-weighted when stratified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_treatment: Option<f64>,
    /// Control-arm RMST or survival.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_control: Option<f64>,
    /// MaxCombo: each component's z.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<ComponentReport>>,
    /// MaxCombo: the components' correlation matrix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Vec<Vec<f64>>>,
}

/// Runs one test on a loaded analyzer for the report.
fn test_report(a: &mut Analyzer, test: &Test) -> TestReport {
    let mut report = TestReport {
        test: test.to_string(),
        z: 0.0,
        p: 1.0,
        estimate: None,
        lower: None,
        upper: None,
        se: None,
        estimate_treatment: None,
        estimate_control: None,
        components: None,
        correlation: None,
    };
    if let TestKind::MaxCombo(weights) = &test.kind {
        let mc = a.maxcombo(test.stratified, weights);
        report.z = mc.z_max;
        report.p = mc.p;
        report.components = Some(
            mc.weights
                .iter()
                .zip(&mc.z)
                .map(|(w, z)| ComponentReport {
                    test: Test {
                        kind: TestKind::Fh(*w),
                        stratified: test.stratified,
                    }
                    .to_string(),
                    z: *z,
                })
                .collect(),
        );
        report.correlation = Some(mc.correlation);
        return report;
    }
    let r = a.evaluate(test);
    report.z = r.z;
    report.p = r.p;
    if let Some(e) = r.estimate {
        report.estimate = Some(e.difference);
        report.lower = Some(e.lower);
        report.upper = Some(e.upper);
        report.se = Some(e.se);
        report.estimate_treatment = Some(e.treatment);
        report.estimate_control = Some(e.control);
    }
    report
}

/// Runs the log-rank test, the Cox model and the Kaplan-Meier medians on a data set.
/// `stratified` has an effect only when the data set has more than one stratum.
pub fn analyze(data: &Dataset, stratified: bool, ties: Ties) -> AnalyzeReport {
    let mut a = Analyzer::new();
    a.load(&data.time, &data.event, &data.treated, &data.stratum);
    base_report(&a, data, stratified, ties)
}

/// [`analyze`] plus the test `test` (`enrichsim analyze --test NAME`).
///
/// Refused (a usage error of `--test`): an RMST `tau` or a milestone time beyond the last
/// follow-up time of either arm (where the Kaplan-Meier curve is not estimated; survRM2
/// refuses such a `tau` too).
pub fn analyze_with_test(
    data: &Dataset,
    stratified: bool,
    ties: Ties,
    test: &Test,
) -> Result<AnalyzeReport> {
    let mut a = Analyzer::new();
    a.load(&data.time, &data.event, &data.treated, &data.stratum);
    let horizon = match test.kind {
        TestKind::Rmst { tau } => Some(tau),
        TestKind::Milestone { time } => Some(time),
        _ => None,
    };
    let last = a.max_time[0].min(a.max_time[1]);
    if let Some(h) = horizon
        && h > last
    {
        return Err(Error::usage(
            "--test",
            test,
            format!(
                "a time at most {last} months, the last follow-up of the arm followed the shortest"
            ),
        ));
    }
    let mut report = base_report(&a, data, stratified, ties);
    report.test = Some(test_report(&mut a, test));
    Ok(report)
}

fn base_report(a: &Analyzer, data: &Dataset, stratified: bool, ties: Ties) -> AnalyzeReport {
    let lr = a.logrank(stratified);
    let cox = a.cox(stratified, ties);
    AnalyzeReport {
        n: a.n(),
        events: a.events(),
        stratified: stratified && a.n_strata() > 1,
        strata: data.strata_names.clone(),
        ties: ties.name().to_string(),
        logrank_chisq: lr.chisq,
        logrank_p: lr.p_two_sided,
        logrank_z: lr.z,
        logrank_observed: lr.observed,
        logrank_expected: lr.expected,
        cox_hr: cox.hr,
        cox_hr_lower: cox.lower,
        cox_hr_upper: cox.upper,
        cox_wald_p: cox.wald_p,
        cox_se_log_hr: cox.se,
        cox_score_chisq: cox.score_chisq,
        cox_loglik: cox.loglik,
        cox_converged: cox.converged,
        km_median_treatment: a.km_median(true),
        km_median_control: a.km_median(false),
        n_treatment: a.n_arm(true),
        n_control: a.n_arm(false),
        events_treatment: a.events_arm(true),
        events_control: a.events_arm(false),
        test: None,
    }
}
