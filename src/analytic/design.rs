//! The closed-form design of a scenario: required events, subjects, analysis times, screening.
//!
//! 1. Events: D = D_fixed(alpha, power, AHR, r) x IF, with D_fixed from Schoenfeld (1981) or
//!    Freedman (1982) at the average hazard ratio AHR of the events at the final analysis
//!    (Kalbfleisch and Prentice 1981; gsDesign2), and IF the inflation factor of the scenario's
//!    group-sequential design at the target power (1 for a fixed design).
//! 2. Subjects: the scenario's recruitment (screening rate times the fraction randomised) and
//!    its follow-up after the last randomisation, F, are kept; n solves E_n(A(n) + F) = D, where
//!    A(n) is the time to randomise n and E_n(t) the expected events by t (the `events` module;
//!    accrual as a deterministic flow, Lachin and Foulkes 1986). This is rpact's
//!    `getSampleSizeSurvival` with `accrualIntensity` and `followUpTime` given. F comes from the
//!    scenario's analysis: `after_last = F`; a calendar analysis at T gives F = T - A(n_s); an
//!    event-driven one the time its events are expected at the scenario's own size n_s.
//! 3. The AHR depends on the analysis time, which depends on D: steps 1 and 2 are iterated to a
//!    fixed point (the AHR moves little with the time, so a few steps suffice).
//! 4. Analysis times: the calendar times at which the looks' events D t_k are expected.
//!    A two-sided design (`sided = 2`) is the symmetric design at two-sided level 2 alpha:
//!    its inflation factor is (theta / (z_(1-alpha) + z_power))^2 with theta the drift whose
//!    upper-crossing power is the target (rpact's `getSampleSizeSurvival` with a
//!    `sided = 2` design and `twoSidedPower = FALSE`). An asymmetric design (`lower`,
//!    gsDesign's test.type 5 or 6) uses its own inflation factor, the drift giving the power
//!    with both bounds stopping.
//! 5. `--solve` ([`Solve`]) chooses what step 2 solves, the others kept: `subjects` (the
//!    default, above); `accrual`: n = `design.sample_size` and F kept, the accrual duration A
//!    solves E_n(A + F) = D with the intensity's shape kept and scaled so that n are expected by
//!    A (rpact's `getSampleSizeSurvival(maxNumberOfSubjects = n, accrualTime = c(0, A))`, whose
//!    computed `followUpTime` is then F); `follow_up`: n and the recruitment kept, so A = A(n),
//!    and F solves E_n(A + F) = D (the same rpact call with A given, `followUpTime` computed).
//!    Both need D below the n patients' eventual events E_n(inf); `accrual` also needs D above
//!    E_n(F) with instantaneous accrual.
//! 6. The power of the scenario as it stands (its own size and analyses) comes from
//!    [`power_analysis`](super::power::power_analysis).

use super::average_hr::average_hazard_ratio;
use super::events::{Accrual, EventModel};
use super::numerics::brent;
use super::power::power_analysis;
use super::sample_size::Method;
use crate::design::sequential::GroupSequentialDesign;
use crate::error::{Error, Result};
use crate::model::{Design, Model};
use crate::scenario::AnalysisSpec;
use serde::Serialize;

/// What `design` solves for (`--solve`), the rest of the scenario kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Solve {
    /// The subjects, at the scenario's recruitment rate and follow-up.
    #[default]
    Subjects,
    /// The accrual duration (the recruitment rate scaled), at the scenario's sample size and
    /// follow-up after the last randomisation.
    Accrual,
    /// The follow-up after the last randomisation, at the scenario's sample size and rate.
    FollowUp,
}

impl Solve {
    /// Parses `subjects`, `accrual` or `follow_up` (any case, `-` for `_`).
    pub fn parse(name: &str) -> Result<Solve> {
        match name.to_ascii_lowercase().replace('-', "_").as_str() {
            "subjects" => Ok(Solve::Subjects),
            "accrual" => Ok(Solve::Accrual),
            "follow_up" => Ok(Solve::FollowUp),
            _ => Err(Error::usage(
                "--solve",
                name,
                "subjects, accrual or follow_up",
            )),
        }
    }
}

/// One true stratum at the design's final analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesignStratum {
    /// Stratum name.
    pub stratum: String,
    /// Share of the randomised (true stratum).
    pub share: f64,
    /// Its hazard ratio after the delay.
    pub hazard_ratio: f64,
    /// Expected control-arm events at the final analysis.
    pub control_events: f64,
    /// Expected treatment-arm events at the final analysis.
    pub treatment_events: f64,
}

/// The closed-form design of a scenario (`enrichsim design`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesignAnalysis {
    /// Scenario name (set by the caller; empty from [`analyse`]).
    pub scenario: String,
    /// What was solved for (`--solve`): subjects, accrual or follow_up.
    pub solve: Solve,
    /// The approximation of the log-rank's mean: "Schoenfeld (1981)" or "Freedman (1982)".
    pub method: String,
    /// One-sided level.
    pub alpha: f64,
    /// The power the design is sized for.
    pub target_power: f64,
    /// Allocation ratio r (treatment : control = r : 1).
    pub allocation: f64,
    /// Number of analyses.
    pub looks: usize,
    /// Inflation factor of the group-sequential design (1 for one analysis).
    pub inflation_factor: f64,
    /// Average hazard ratio at the design's final analysis.
    pub average_hr: f64,
    /// Schoenfeld's fixed-design events at that average hazard ratio.
    pub schoenfeld_events: f64,
    /// Fixed-design events by the chosen method (equal to `schoenfeld_events` for Schoenfeld).
    pub fixed_events: f64,
    /// Required events at the final analysis (inflated if sequential).
    pub events: f64,
    /// Events at each look.
    pub events_per_look: Vec<f64>,
    /// Subjects to randomise.
    pub subjects: f64,
    /// The events to plan: `events` rounded up to a whole number.
    pub events_to_plan: u64,
    /// The subjects to plan: `subjects` rounded up to a multiple of the allocation block (the
    /// sum of `design.allocation`, 2 for 1:1), so that the arms are exactly in the ratio.
    pub subjects_to_plan: u64,
    /// Months to randomise them at the scenario's recruitment rate.
    pub accrual_months: f64,
    /// Months from the last randomisation to the final analysis.
    pub follow_up_months: f64,
    /// Expected calendar time of each analysis, months from the first screening.
    pub analysis_times: Vec<f64>,
    /// Expected patients screened to randomise the subjects.
    pub expected_screened: f64,
    /// Mean screening rate per month over the accrual, `expected_screened / accrual_months`:
    /// the scenario's rate unless `--solve accrual` scaled it.
    pub screening_rate: f64,
    /// Closed-form power of the scenario as specified (its own sample size and analyses); NaN
    /// when no closed form applies.
    pub power: f64,
    /// The same with the log-rank's drift integrated over the expected risk sets (no
    /// proportional-hazards assumption; `logrank_drift`).
    pub logrank_power: f64,
    /// For a group-sequential `fh(rho,gamma)` or `maxcombo(...)` test: its closed-form power at
    /// the scenario's own size and looks, from the weighted moments at each look
    /// ([`super::weighted_drift::weighted_sequential_power`]); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted_power: Option<f64>,
    /// The same design's probability of a first crossing at each look; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted_power_per_look: Option<Vec<f64>>,
    /// The scenario's own sample size.
    pub scenario_sample_size: u32,
    /// Expected events at the scenario's own final analysis.
    pub events_at_scenario: f64,
    /// Expected calendar times of the scenario's own analyses.
    pub scenario_analysis_times: Vec<f64>,
    /// Average hazard ratio at the scenario's own final analysis.
    pub average_hr_at_scenario: f64,
    /// The true strata at the design's final analysis.
    pub strata: Vec<DesignStratum>,
    /// How the figures were obtained and why they may differ from the simulation.
    pub notes: Vec<String>,
}

/// The closed-form design of the scenario for `power`, by Schoenfeld's formula.
pub fn analyse(model: &Model, design: &Design, power: f64) -> Result<DesignAnalysis> {
    analyse_with(model, design, power, Method::Schoenfeld)
}

/// The subjects n at which `events` are expected `follow_up` months after the last of them is
/// randomised (fluid accrual at the model's intensity); `None` beyond 1e9 subjects.
pub fn subjects_for_follow_up(em: &EventModel, events: f64, follow_up: f64) -> Option<f64> {
    let events_at = |n: f64| {
        let t = em.accrual_duration(n) + follow_up;
        em.total_events(n, t)
    };
    // With a negative follow-up (analysis before the end of accrual) n must make A(n) > -F.
    let lo = if follow_up < 0.0 {
        em.intensity.expected_by(-follow_up)
    } else {
        0.0
    };
    let mut hi = (lo + events).max(1.0);
    while events_at(hi) < events {
        hi *= 2.0;
        if hi > 1e9 {
            return None;
        }
    }
    brent(|n| events_at(n) - events, lo, hi, 1e-9 * hi)
}

/// The subjects at which `events` are expected at `duration + follow_up` months when the
/// accrual (its intensity's shape kept) lasts `duration` months: rpact's `getSampleSizeSurvival`
/// with `accrualTime` and `followUpTime` given. Expected events are then proportional to n.
pub fn subjects_for_duration(em: &EventModel, events: f64, duration: f64, follow_up: f64) -> f64 {
    let unit = em.with_accrual_duration(1.0, duration);
    events / unit.total_events(1.0, duration + follow_up)
}

/// The accrual duration A at which n patients, the intensity's shape kept and scaled so that n
/// are expected by A, give `events` expected events at A + `follow_up`. `Err(low)` when no
/// A > 0 does: `low` is true when the follow-up alone gives more (E_n(F) at instantaneous
/// accrual), false when the n patients never give that many.
pub fn accrual_for_events(
    em: &EventModel,
    n: f64,
    events: f64,
    follow_up: f64,
) -> std::result::Result<f64, bool> {
    let events_at = |a: f64| {
        em.with_accrual_duration(n, a)
            .total_events(n, a + follow_up)
    };
    if events.is_nan() || events >= em.max_events(n) {
        return Err(false);
    }
    // (A -> 0: every patient in at once, followed F months)
    let lo = 1e-9;
    if events_at(lo) >= events {
        return Err(true);
    }
    let mut hi = em.accrual_duration(n).max(1.0);
    while events_at(hi) < events {
        hi *= 2.0;
        if hi > 1e7 {
            return Err(false);
        }
    }
    brent(|a| events_at(a) - events, lo, hi, 1e-12 * hi).ok_or(false)
}

/// The closed-form design of the scenario for `power`, by `method` (see the module notes).
pub fn analyse_with(
    model: &Model,
    design: &Design,
    power: f64,
    method: Method,
) -> Result<DesignAnalysis> {
    analyse_solving(model, design, power, method, Solve::Subjects)
}

/// The error of a design whose events the scenario's `n` patients cannot give.
fn too_few(em: &EventModel, n: f64, events: f64, solve: Solve) -> Error {
    let most = em.max_events(n);
    Error::Scenario {
        file: String::new(),
        key: "design.sample_size".into(),
        problem: format!(
            "too few subjects for --solve {}: {events:.1} events are required and {n} \
             patients give {most:.1} at most even with unlimited follow-up",
            if solve == Solve::Accrual {
                "accrual"
            } else {
                "follow_up"
            }
        ),
        value: format!("{n}"),
        allowed: format!(
            "more than {:.1} subjects (or --solve subjects)",
            n * events / most
        ),
    }
}

/// [`analyse_with`], solving for `solve` (see the module notes, item 5).
pub fn analyse_solving(
    model: &Model,
    design: &Design,
    power: f64,
    method: Method,
    solve: Solve,
) -> Result<DesignAnalysis> {
    let alpha = design.alpha;
    if !(power.is_finite() && power > alpha && power < 1.0) {
        return Err(Error::usage(
            "--power",
            power,
            format!("a power in ({alpha}, 1), e.g. 0.9"),
        ));
    }
    let em = EventModel::new(model, design, Accrual::Fluid);
    let r = em.allocation_ratio();
    let n_s = design.sample_size as f64;
    let a_s = em.accrual_duration(n_s);
    let mut notes = Vec::new();
    let final_events = match (&design.sequential, design.analysis) {
        (Some(plan), _) => plan.events.last().map(|&e| e as f64),
        (None, AnalysisSpec::Events(e)) => Some(e as f64),
        _ => None,
    };
    let t_s = match design.analysis {
        AnalysisSpec::Calendar(t) => t,
        AnalysisSpec::AfterLast(d) => a_s + d,
        AnalysisSpec::Events(_) => {
            let e = final_events.unwrap_or(0.0);
            match em.time_for_events(n_s, e) {
                Some(t) => t,
                None => {
                    notes.push(format!(
                        "the scenario's {e} events are never expected with its {n_s} patients; \
                         the design assumes the final analysis at the end of accrual"
                    ));
                    a_s
                }
            }
        }
    };
    let follow_up = t_s - a_s;
    if follow_up < 0.0 && solve != Solve::FollowUp {
        notes.push(format!(
            "the scenario's analysis comes {:.2} months before its last randomisation: the \
             design keeps that gap",
            -follow_up
        ));
    }

    // The group-sequential design at the target power, for its inflation factor.
    let (inflation, timing) = match &design.sequential {
        Some(plan) => {
            let mut spec = plan.design.spec().clone();
            spec.power = Some(power);
            let timing = plan.design.timing().to_vec();
            let gs = GroupSequentialDesign::new(spec, timing.clone())?;
            let inflation = gs.inflation_factor().ok_or_else(|| {
                Error::usage("--power", power, "a power the sequential design can reach")
            })?;
            (inflation, timing)
        }
        None => (1.0, vec![1.0]),
    };

    let no_benefit = |ahr: f64| Error::Scenario {
        file: String::new(),
        key: "effect.hazard_ratio".into(),
        problem: "no benefit to detect: the average hazard ratio of the randomised is not below 1"
            .into(),
        value: format!("{ahr:.4}"),
        allowed: "hazard ratios giving an average below 1".into(),
    };
    let ahr_at = |em: &EventModel, n: f64, t: f64| average_hazard_ratio(em, &em.events(n, t));
    let mut ahr = ahr_at(&em, n_s, t_s);
    let mut fixed = f64::NAN;
    let mut events = f64::NAN;
    let mut subjects = f64::NAN;
    let mut follow_up = follow_up;
    // The event model of the solution (its intensity scaled by `--solve accrual`).
    let mut solved = em.clone();
    let mut converged = false;
    for _ in 0..100 {
        if ahr.is_nan() || ahr >= 1.0 {
            return Err(no_benefit(ahr));
        }
        fixed = method.events(alpha, power, ahr, r);
        events = fixed * inflation;
        match solve {
            Solve::Subjects => {
                subjects = subjects_for_follow_up(&em, events, follow_up).ok_or_else(|| {
                    Error::usage(
                        "--power",
                        power,
                        "a power reachable with at most 1e9 subjects",
                    )
                })?;
            }
            Solve::FollowUp => {
                subjects = n_s;
                let t = em
                    .time_for_events(n_s, events)
                    .ok_or_else(|| too_few(&em, n_s, events, solve))?;
                follow_up = t - a_s;
            }
            Solve::Accrual => {
                subjects = n_s;
                let a = accrual_for_events(&em, n_s, events, follow_up).map_err(|low| {
                    if low {
                        Error::Scenario {
                            file: String::new(),
                            key: "design.analysis".into(),
                            problem: format!(
                                "follow-up too long for --solve accrual: {follow_up:.2} months \
                                 after the last randomisation give more than the {events:.1} \
                                 required events even with all {n_s} patients randomised at once"
                            ),
                            value: format!("{follow_up:.2} months after the last randomisation"),
                            allowed: "a shorter follow-up, or --solve follow_up".into(),
                        }
                    } else {
                        too_few(&em, n_s, events, solve)
                    }
                })?;
                solved = em.with_accrual_duration(n_s, a);
            }
        }
        let next = ahr_at(
            &solved,
            subjects,
            solved.accrual_duration(subjects) + follow_up,
        );
        if (next - ahr).abs() <= 1e-13 {
            converged = true;
            break;
        }
        ahr = next;
    }
    if !converged {
        notes.push(format!(
            "the average hazard ratio and the design did not settle to 1e-13 in 100 steps \
             (last {ahr:.6})"
        ));
    }
    let em = solved;
    let accrual_months = em.accrual_duration(subjects);
    let final_time = accrual_months + follow_up;
    let events_per_look: Vec<f64> = timing.iter().map(|t| t * events).collect();
    let analysis_times: Vec<f64> = events_per_look
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let months = design
                .sequential
                .as_ref()
                .and_then(|p| p.interim_months.as_ref());
            if k + 1 == events_per_look.len() {
                final_time
            } else if let Some(m) = months {
                // (interims at calendar months stay there)
                m[k]
            } else {
                em.time_for_events(subjects, d).unwrap_or(f64::NAN)
            }
        })
        .collect();
    let counts = em.events(subjects, final_time);
    let strata = model
        .population
        .strata
        .iter()
        .zip(&em.strata)
        .zip(&counts.strata)
        .map(|((name, s), e)| DesignStratum {
            stratum: name.clone(),
            share: s.share,
            hazard_ratio: s.outcome.hazard_ratio,
            control_events: e.control.total(),
            treatment_events: e.treatment.total(),
        })
        .collect();
    let randomised_per_screened =
        model.population.eligible_fraction(&design.eligible_strata) * (1.0 - model.screen_failure);

    notes.push(format!(
        "events: {} at the average hazard ratio {ahr:.4} of the events at the final analysis \
         (Kalbfleisch and Prentice 1981; gsDesign2), solved together with the analysis time it \
         depends on",
        method.describe()
    ));
    if design
        .sequential
        .as_ref()
        .is_some_and(|p| p.design.sided() == 2)
    {
        notes.push(format!(
            "two-sided design (sided = 2): the symmetric design at two-sided level {} (rpact's \
             getDesignGroupSequential(sided = 2)), its power the upper crossing's; the fixed \
             design's events use z_(1-alpha) with the one-sided alpha = {alpha}",
            2.0 * alpha
        ));
    }
    if let Some(lower) = design
        .sequential
        .as_ref()
        .and_then(|p| p.design.spec().lower.map(|l| (l, p.design.spec().binding)))
    {
        let (l, binding) = lower;
        notes.push(format!(
            "asymmetric two-sided design: a lower bound spent under H0 by {} with total {} \
             ({}; gsDesign's test.type {}), the trial stopping when z falls below it; the \
             power is the upper crossing's with both bounds stopping",
            l.spending.describe(),
            l.alpha,
            if binding {
                "binding: the upper bounds assume the trial stops at it"
            } else {
                "non-binding: the upper bounds ignore it"
            },
            if binding { 5 } else { 6 }
        ));
    }
    if design.sequential.is_some() {
        notes.push(format!(
            "maximum events inflated by {inflation:.6} for the {}-look design at information \
             fractions {:?}",
            timing.len(),
            timing
                .iter()
                .map(|t| (t * 1e4).round() / 1e4)
                .collect::<Vec<_>>()
        ));
    }
    notes.push(match solve {
        Solve::Subjects => format!(
            "subjects: the scenario's recruitment rate and its {follow_up:.2} months from the \
             last randomisation to the final analysis are kept, and the sample size solved so \
             the events are expected then (accrual as a deterministic flow, Lachin and Foulkes \
             1986; rpact's getSampleSizeSurvival with accrualIntensity and followUpTime)"
        ),
        Solve::Accrual => format!(
            "accrual: the scenario's {n_s} subjects and its {follow_up:.2} months from the last \
             randomisation to the final analysis are kept, and the accrual duration solved \
             ({accrual_months:.2} months, the recruitment rate scaled by {:.6}) so the events \
             are expected then (deterministic accrual flow; rpact's getSampleSizeSurvival with \
             maxNumberOfSubjects and accrualTime)",
            a_s / accrual_months
        ),
        Solve::FollowUp => format!(
            "follow-up: the scenario's {n_s} subjects and recruitment rate ({accrual_months:.2} \
             months' accrual) are kept, and the follow-up after the last randomisation solved \
             ({follow_up:.2} months) so the events are expected then (deterministic accrual \
             flow; rpact's getSampleSizeSurvival with maxNumberOfSubjects and accrualTime, \
             followUpTime computed)"
        ),
    });
    if follow_up < 0.0 && solve == Solve::FollowUp {
        notes.push(format!(
            "the events are expected {:.2} months before the last randomisation",
            -follow_up
        ));
    }
    let scenario_power = power_analysis(model, design, method);
    notes.push(match &scenario_power {
        Some(p) => format!(
            "power: at the scenario's own {n_s} patients and analyses, expected events under {}",
            match p.accrual {
                Accrual::Poisson =>
                    "the simulated accrual (Poisson screening stopped at the n-th randomisation)",
                Accrual::Fluid => "a deterministic accrual flow",
            }
        ),
        None => "power: no closed form (no events expected at the scenario's analysis)".into(),
    });
    if let Some(p) = &scenario_power {
        notes.extend(p.notes.iter().cloned());
    }
    let weighted = super::weighted_drift::weighted_sequential_power(model, design);
    if weighted.is_some() {
        notes.push(format!(
            "weighted_power: the {} test's group-sequential power from the joint normal law of its \
             statistics at the looks' expected times (weighted moments over the risk sets, the \
             plan's bounds; gsDesign2's gs_power_wlr / gs_power_combo)",
            design.test
        ));
    }
    let expected_screened = subjects / randomised_per_screened;
    Ok(DesignAnalysis {
        scenario: String::new(),
        solve,
        method: method.describe().to_string(),
        alpha,
        target_power: power,
        allocation: r,
        looks: timing.len(),
        inflation_factor: inflation,
        average_hr: ahr,
        schoenfeld_events: Method::Schoenfeld.events(alpha, power, ahr, r),
        fixed_events: fixed,
        events,
        events_per_look,
        subjects,
        events_to_plan: round_up(events, 1),
        subjects_to_plan: round_up(
            subjects,
            u64::from(design.allocation[0] + design.allocation[1]),
        ),
        accrual_months,
        follow_up_months: follow_up,
        analysis_times,
        expected_screened,
        screening_rate: expected_screened / accrual_months,
        power: scenario_power.as_ref().map_or(f64::NAN, |p| p.power),
        logrank_power: scenario_power
            .as_ref()
            .map_or(f64::NAN, |p| p.logrank_power),
        weighted_power: weighted.as_ref().map(|w| w.power),
        weighted_power_per_look: weighted.map(|w| w.per_look),
        scenario_sample_size: design.sample_size,
        events_at_scenario: scenario_power
            .as_ref()
            .map_or(f64::NAN, |p| p.last().events),
        scenario_analysis_times: scenario_power
            .as_ref()
            .map_or_else(Vec::new, |p| p.looks.iter().map(|l| l.time).collect()),
        average_hr_at_scenario: scenario_power
            .as_ref()
            .map_or(f64::NAN, |p| p.last().average_hr),
        strata,
        notes,
    })
}

/// `x` rounded up to a multiple of `block` (a whole number when `block` is 1), with a
/// tolerance of 1e-9 so that an exact result such as 242.00000000000003 stays 242; 0 for a
/// value that is not a finite positive number.
fn round_up(x: f64, block: u64) -> u64 {
    if !(x.is_finite() && x > 0.0) {
        return 0;
    }
    let b = block.max(1) as f64;
    ((x / b - 1e-9).ceil().max(1.0) * b) as u64
}
