//! The `enrichsim analyze` report: log-rank, Cox and Kaplan-Meier on a real data set.

use super::{Analyzer, Ties};
use crate::dataset::Dataset;

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
}

/// Runs the log-rank test, the Cox model and the Kaplan-Meier medians on a data set.
/// `stratified` has an effect only when the data set has more than one stratum.
pub fn analyze(data: &Dataset, stratified: bool, ties: Ties) -> AnalyzeReport {
    let mut a = Analyzer::new();
    a.load(&data.time, &data.event, &data.treated, &data.stratum);
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
    }
}
