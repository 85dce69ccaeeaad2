//! The `enrichsim analyze` report: log-rank, Cox and Kaplan-Meier on a real data set.
//!
//! Before anything is computed the times go through R's `timefix` (`timefix.rs`; off with
//! `--no-timefix`), so that the risk sets are those of R's `survdiff`, `coxph` and `survfit`
//! with their defaults. The report says so in its notes.
//!
//! p-values: the log-rank test and the Cox Wald test are two-sided (as R reports them:
//! `P(chi2_1 > z^2) = 2 (1 - Phi(|z|))`), the `--test` p is one-sided (`1 - Phi(z)`, small when
//! `z > 0` favours treatment; MaxCombo from the joint normal law of its components). The JSON
//! fields name the sidedness (`logrank_p_two_sided`, `cox_wald_p_two_sided`, `p_one_sided`);
//! the older names `logrank_p`, `cox_wald_p`, `p` carry the same values.

use super::km::MedianAt;
use super::table::key_time;
use super::timefix::{TIMEFIX_TOLERANCE, TimefixSummary, timefix};
use super::{Analyzer, Test, TestKind, Ties};
use crate::analysis::dataset::Dataset;
use crate::error::{Error, Result};
use std::borrow::Cow;

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
    /// Log-rank two-sided p-value (the same value as `logrank_p_two_sided`: the older name).
    pub logrank_p: f64,
    /// Log-rank two-sided p-value, `P(chi2_1 > chisq) = 2 (1 - Phi(|z|))`.
    pub logrank_p_two_sided: f64,
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
    /// Two-sided Wald p-value (the same value as `cox_wald_p_two_sided`: the older name).
    pub cox_wald_p: f64,
    /// Two-sided Wald p-value, `P(chi2_1 > (beta / se)^2)`.
    pub cox_wald_p_two_sided: f64,
    /// Standard error of the log hazard ratio.
    pub cox_se_log_hr: f64,
    /// Score test chi-square at beta = 0.
    pub cox_score_chisq: f64,
    /// Log partial likelihood at the estimate.
    pub cox_loglik: f64,
    /// Whether Newton-Raphson converged to a finite estimate.
    pub cox_converged: bool,
    /// Kaplan-Meier median (months) of the treatment arm, `None` if not reached: a time of the
    /// data exactly as read (after timefix), or the midpoint of two (R's convention when the
    /// curve is flat at 0.5; see [`Analyzer::km_median`]).
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
    /// Whether R's timefix merged near-equal times before the analysis (`--no-timefix`: false).
    pub timefix: bool,
    /// Patients whose time timefix replaced by a smaller time equal to it within the tolerance
    /// (0 with `--no-timefix`).
    pub timefix_changed: usize,
    /// Remarks for people: timefix, strata a stratified RMST or milestone test left out.
    pub notes: Vec<String>,
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
    /// One-sided p-value (the same value as `p_one_sided`: the older name).
    pub p: f64,
    /// One-sided p-value, `1 - Phi(z)` (MaxCombo: from the components' joint normal law).
    pub p_one_sided: f64,
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
    /// Stratified RMST or milestone: the strata left out because they have patients in one arm
    /// only (empty when none was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped_strata: Option<Vec<String>>,
    /// CAFS: the treatment-control pairs' outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<PairsReport>,
    /// MMRM: `"mmrm"` (unstructured covariance, REML) or `"ancova"` (the fallback beyond 12
    /// visits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// CAFS: how the treatment-control pairs came out.
#[derive(serde::Serialize, Clone, Copy, Debug, PartialEq)]
pub struct PairsReport {
    /// `(wins + ties / 2) / pairs`: the probability that a treated patient does better than a
    /// control patient (ties counted half).
    pub win_probability: f64,
    /// Pairs the treated patient wins.
    pub wins: u64,
    /// Pairs the treated patient loses.
    pub losses: u64,
    /// Pairs tied (or not comparable).
    pub ties: u64,
    /// `wins / losses` (`null` in JSON when losses = 0).
    pub win_ratio: Option<f64>,
}

/// Runs one test on a loaded analyzer for the report.
fn test_report(a: &mut Analyzer, test: &Test) -> TestReport {
    let mut report = TestReport::undefined(test);
    if let TestKind::MaxCombo(weights) = &test.kind {
        let mc = a.maxcombo(test.stratified, weights);
        report.z = mc.z_max;
        report.p = mc.p;
        report.p_one_sided = mc.p;
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
    report.set_result(&a.evaluate(test));
    report
}

impl TestReport {
    /// The report of `test` before it is run: z 0, p 1, nothing else.
    fn undefined(test: &Test) -> Self {
        TestReport {
            test: test.to_string(),
            z: 0.0,
            p: 1.0,
            p_one_sided: 1.0,
            estimate: None,
            lower: None,
            upper: None,
            se: None,
            estimate_treatment: None,
            estimate_control: None,
            components: None,
            correlation: None,
            dropped_strata: None,
            pairs: None,
            method: None,
        }
    }

    /// Takes a result's z, p and estimate.
    fn set_result(&mut self, r: &crate::analysis::TestResult) {
        self.z = r.z;
        self.p = r.p;
        self.p_one_sided = r.p;
        if let Some(e) = r.estimate {
            self.estimate = Some(e.difference);
            self.lower = Some(e.lower);
            self.upper = Some(e.upper);
            self.se = Some(e.se);
            self.estimate_treatment = Some(e.treatment);
            self.estimate_control = Some(e.control);
        }
    }
}

/// A function test's report on long-format data.
fn function_report(
    test: &Test,
    data: &Dataset,
    visits: &crate::analysis::function::Visits,
) -> TestReport {
    let mut f = crate::analysis::function::FunctionAnalyzer::default();
    let r = f.evaluate(test, visits, &data.time, &data.event);
    let mut report = TestReport::undefined(test);
    report.set_result(&r);
    if let Some(c) = f.last_cafs() {
        report.pairs = Some(PairsReport {
            win_probability: c.win_probability,
            wins: c.wins,
            losses: c.losses,
            ties: c.ties,
            win_ratio: c.win_ratio.is_finite().then_some(c.win_ratio),
        });
    }
    report.method = f.last_mmrm_method().map(|m| {
        match m {
            crate::analysis::function::mmrm::Method::Mmrm => "mmrm",
            crate::analysis::function::mmrm::Method::Ancova => "ancova",
        }
        .to_string()
    });
    report
}

/// What `enrichsim analyze` computes, besides the data.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyzeOptions {
    /// Stratify the log-rank test and the Cox model (an effect only when the data set has more
    /// than one stratum).
    pub stratified: bool,
    /// Ties in the Cox model.
    pub ties: Ties,
    /// Merge near-equal times first, as R does by default (`timefix.rs`); `false` keeps the
    /// times as read (`--no-timefix`).
    pub timefix: bool,
    /// A further test (`--test NAME`).
    pub test: Option<Test>,
}

impl AnalyzeOptions {
    /// R's defaults: timefix on, no further test.
    pub fn new(stratified: bool, ties: Ties) -> Self {
        AnalyzeOptions {
            stratified,
            ties,
            timefix: true,
            test: None,
        }
    }
}

/// Runs the log-rank test, the Cox model and the Kaplan-Meier medians on a data set, with R's
/// timefix. `stratified` has an effect only when the data set has more than one stratum.
pub fn analyze(data: &Dataset, stratified: bool, ties: Ties) -> AnalyzeReport {
    let (data, fix) = fixed(data, true);
    let mut a = Analyzer::new();
    a.load(&data.time, &data.event, &data.treated, &data.stratum);
    base_report(&a, &data, stratified, ties, fix)
}

/// [`analyze`] plus the test `test` (`enrichsim analyze --test NAME`), with R's timefix.
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
    analyze_data(
        data,
        &AnalyzeOptions {
            test: Some(test.clone()),
            ..AnalyzeOptions::new(stratified, ties)
        },
    )
}

/// The whole `enrichsim analyze` report, with every option ([`analyze_with_test`]'s refusals).
pub fn analyze_data(data: &Dataset, options: &AnalyzeOptions) -> Result<AnalyzeReport> {
    let (data, fix) = fixed(data, options.timefix);
    let mut a = Analyzer::new();
    a.load(&data.time, &data.event, &data.treated, &data.stratum);
    let Some(test) = &options.test else {
        return Ok(base_report(
            &a,
            &data,
            options.stratified,
            options.ties,
            fix,
        ));
    };
    if test.kind.is_function() {
        let Some(visits) = &data.visits else {
            return Err(Error::usage(
                "--test",
                test,
                "a survival test, or a function test (slope, mmrm(t), cafs(t)) with long-format data: --id, --visit-time and --score",
            ));
        };
        if let Some(t) = test.kind.visit()
            && !visits.time.contains(&t)
        {
            return Err(Error::usage(
                "--test",
                test,
                format!(
                    "a visit time of the data (column --visit-time has no visit at {t} months)"
                ),
            ));
        }
        let mut report = base_report(&a, &data, options.stratified, options.ties, fix);
        report.test = Some(function_report(test, &data, visits));
        return Ok(report);
    }
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
    let mut report = base_report(&a, &data, options.stratified, options.ties, fix);
    let mut t = test_report(&mut a, test);
    if horizon.is_some() && test.stratified && data.strata_names.len() > 1 {
        let (dropped, note) = dropped_strata(&data, test);
        report.notes.extend(note);
        t.dropped_strata = Some(dropped);
    }
    report.test = Some(t);
    Ok(report)
}

/// The data with R's timefix applied (borrowed unchanged when `timefix` is off or changes
/// nothing), and what it did (`None` when off).
fn fixed(data: &Dataset, timefix_on: bool) -> (Cow<'_, Dataset>, Option<TimefixSummary>) {
    if !timefix_on {
        return (Cow::Borrowed(data), None);
    }
    let mut time = data.time.clone();
    let summary = timefix(&mut time);
    if summary.changed == 0 {
        return (Cow::Borrowed(data), Some(summary));
    }
    (
        Cow::Owned(Dataset {
            time,
            ..data.clone()
        }),
        Some(summary),
    )
}

/// The note on timefix.
fn timefix_note(fix: Option<TimefixSummary>) -> String {
    match fix {
        None => "--no-timefix: times kept as read; R's survival merges times equal within \
                 1.49e-8 (timefix = TRUE, its default), so on near-tied times R's defaults \
                 can give other results"
            .to_string(),
        Some(s) if s.changed == 0 => format!(
            "timefix (as R's survival, timefix = TRUE): times equal within {TIMEFIX_TOLERANCE:.3e} \
             (absolute, or relative to the mean time) are merged; none were that close, so the \
             times are as read"
        ),
        Some(s) => format!(
            "timefix (as R's survival, timefix = TRUE): times equal within {TIMEFIX_TOLERANCE:.3e} \
             (absolute, or relative to the mean time) were merged into the smallest: {} \
             patients' times changed, {} distinct times became {}; --no-timefix keeps the \
             times as read",
            s.changed, s.distinct_before, s.distinct_after
        ),
    }
}

/// The strata a stratified RMST or milestone test leaves out (patients in one arm only), in
/// the data's order, and the note saying so (none when every stratum has both arms). The rule
/// is `combine_strata`'s (`km.rs`): such a stratum carries no contrast, and the others are
/// weighted by their sizes among the patients of the strata kept.
fn dropped_strata(data: &Dataset, test: &Test) -> (Vec<String>, Option<String>) {
    let k = data.strata_names.len();
    let mut counts = vec![[0usize; 2]; k];
    for (&s, &treated) in data.stratum.iter().zip(&data.treated) {
        counts[s as usize][usize::from(treated)] += 1;
    }
    let mut dropped = Vec::new();
    let mut described = Vec::new();
    let mut kept_patients = 0;
    for (name, c) in data.strata_names.iter().zip(&counts) {
        if c[0] == 0 || c[1] == 0 {
            dropped.push(name.clone());
            described.push(format!("`{name}` (treatment {}, control {})", c[1], c[0]));
        } else {
            kept_patients += c[0] + c[1];
        }
    }
    if dropped.is_empty() {
        return (dropped, None);
    }
    let note = if dropped.len() == k {
        format!(
            "{test}: every stratum has patients in one arm only ({}), so there is no contrast: \
             the test is undefined (z = 0, p = 1)",
            described.join(", ")
        )
    } else {
        format!(
            "{test}: {} {} patients in one arm only and {} left out; the other {} strata are \
             weighted by their sizes among their {kept_patients} patients",
            if dropped.len() == 1 {
                "stratum"
            } else {
                "strata"
            },
            described.join(", ") + if dropped.len() == 1 { " has" } else { " have" },
            if dropped.len() == 1 { "is" } else { "are" },
            k - dropped.len()
        )
    };
    (dropped, Some(note))
}

/// The exact data time of the arm whose table time (its sort key's time) is `key`: the
/// smallest such event time (times that agree to 2^-40 share a key; after timefix no two
/// distinct times do).
fn exact_event_time(data: &Dataset, treated: bool, key: f64) -> f64 {
    data.time
        .iter()
        .zip(&data.event)
        .zip(&data.treated)
        .filter(|((t, e), arm)| **e && **arm == treated && key_time(**t) == key)
        .map(|((t, _), _)| *t)
        .min_by(f64::total_cmp)
        .unwrap_or(key)
}

/// The Kaplan-Meier median of an arm in the data's own times.
fn exact_median(a: &Analyzer, data: &Dataset, treated: bool) -> Option<f64> {
    let exact = |key| exact_event_time(data, treated, key);
    a.km_median_at(treated).map(|at| match at {
        MedianAt::Event(t) => exact(t),
        MedianAt::Midpoint(t0, t1) => MedianAt::Midpoint(exact(t0), exact(t1)).value(),
        MedianAt::MidpointToLast(t0, last) => MedianAt::MidpointToLast(exact(t0), last).value(),
    })
}

fn base_report(
    a: &Analyzer,
    data: &Dataset,
    stratified: bool,
    ties: Ties,
    fix: Option<TimefixSummary>,
) -> AnalyzeReport {
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
        logrank_p_two_sided: lr.p_two_sided,
        logrank_z: lr.z,
        logrank_observed: lr.observed,
        logrank_expected: lr.expected,
        cox_hr: cox.hr,
        cox_hr_lower: cox.lower,
        cox_hr_upper: cox.upper,
        cox_wald_p: cox.wald_p,
        cox_wald_p_two_sided: cox.wald_p,
        cox_se_log_hr: cox.se,
        cox_score_chisq: cox.score_chisq,
        cox_loglik: cox.loglik,
        cox_converged: cox.converged,
        km_median_treatment: exact_median(a, data, true),
        km_median_control: exact_median(a, data, false),
        n_treatment: a.n_arm(true),
        n_control: a.n_arm(false),
        events_treatment: a.events_arm(true),
        events_control: a.events_arm(false),
        timefix: fix.is_some(),
        timefix_changed: fix.map_or(0, |f| f.changed),
        notes: vec![timefix_note(fix)],
        test: None,
    }
}
