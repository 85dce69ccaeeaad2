//! Event re-estimation at an interim (`[design.reestimation]`): a two-stage design whose final
//! number of deaths is chosen at the interim from the conditional power, with the type I error
//! kept by a combination test whose weights are fixed in advance.
//!
//! **Stages.** Stage 1 ends at the interim, the `d_1`-th death of the trial; the planned final
//! analysis is at `D` deaths (`design.analysis.events`), so the planned information fraction of
//! the interim is `t_1 = d_1 / D`. At the interim the final count is re-set to `D*` in
//! `[min_events, max_events]` and the data are cut again at the `D*`-th death. The stage-2
//! statistic is the increment of the (stratified) log-rank between the two cuts.
//!
//! **Conditional power** of the combination test below, for `n_2` further deaths at a log hazard
//! ratio `theta = -ln HR` (positive favours treatment), allocation ratio `r` (treatment :
//! control): with pre-set weights `w_1 = sqrt(t_1)`, `w_2 = sqrt(1 - t_1)` and final critical
//! value `c_2`, the stage-2 z must exceed the *conditional critical value*
//! `c(z_1) = (c_2 - w_1 z_1) / w_2`, and the stage-2 log-rank has mean
//! `theta sqrt(n_2 r) / (1 + r)` (Schoenfeld 1981), so
//!
//! `CP(z_1, n_2, theta) = 1 - Phi(c(z_1) - theta sqrt(n_2 r) / (1 + r))`
//!
//! (Wassmer and Brannath 2016, "Group Sequential and Confirmatory Adaptive Designs in Clinical
//! Trials", section 7.2; rpact 3.3.4's `getConditionalPower` for survival data and its
//! simulation's `conditionalPowerAchieved`). The deaths giving conditional power `1 - beta` are
//! `n_2 = (1 + r)^2 / r (max(0, c(z_1) + z_(1 - beta)))^2 / theta^2` (infinite when
//! `theta <= 0` and the bracket is positive: the rule then takes the maximum), as rpact's
//! `getSimulationSurvival` computes them for `conditionalPower`.
//!
//! **The effect used** (`effect`): `observed`, the interim estimate
//! `theta_1 = z_1 (1 + r) / sqrt(r d_1)` (rpact's `estimatedTheta`); `planned`, `-ln HR` of the
//! given hazard ratio (rpact's `thetaH1`); `mix`, `lambda theta_1 + (1 - lambda) (-ln HR)`.
//!
//! **Rules.**
//! * `rpact`: `D* = ceil(d_1 + min(max(n_2, min_events - d_1), max_events - d_1))`, `n_2` the
//!   deaths giving the target conditional power: rpact's `getSimulationSurvival` with
//!   `conditionalPower`, `minNumberOfEventsPerStage` and `maxNumberOfEventsPerStage` (its
//!   stage-2 minimum and maximum being `min_events - d_1` and `max_events - d_1`). Zones:
//!   decrease (`D* < D`), unchanged, increase (`D* > D`).
//! * `promising_zone` (Mehta and Pocock 2011, "Adaptive increase in sample size when interim
//!   results are promising: a practical guide with examples", Statistics in Medicine
//!   30:3267-3284): the conditional power at the planned `D`, `CP_D`, puts the trial in the
//!   unfavourable zone (`CP_D < cp_lower`: `D* = D`), the promising zone
//!   (`cp_lower <= CP_D < target`: `D* = min(max_events, max(D, ceil(d_1 + n_2)))`, the deaths
//!   reaching the target, capped) or the favourable zone (`CP_D >= target`: `D* = D`). The
//!   deaths are only ever increased.
//!
//! **Tests.** Both keep the type I error whatever the rule (the rule sees only stage 1).
//! * `chw` (Cui, Hung and Wang 1999, "Modification of sample size in group sequential clinical
//!   trials", Biometrics 55:853-857; Lehmacher and Wassmer 1999): the inverse normal
//!   combination `Z = w_1 z_1 + w_2 z_2` with the weights planned from `t_1` and the stage-2
//!   z the score increment `z_2 = (U(D*) - U(d_1)) / sqrt(V(D*) - V(d_1))` (log-rank score
//!   `U = E - O`, variance `V`), which under H0 is N(0, 1) and independent of stage 1 whatever
//!   `D*` (independent increments). Reject when `Z >= c_2`.
//! * `conditional_error` (Proschan and Hunsberger 1995; Müller and Schäfer 2001, "Adaptive group
//!   sequential designs for clinical trials: combining the advantages of adaptive and of
//!   classical group sequential approaches", Biometrics 57:886-891): the conditional type I
//!   error of the original design, `A(z_1) = 1 - Phi(c(z_1))`, is kept by the conventional
//!   (cumulative) log-rank at the new count: reject when `Z(D*) >= c*` with
//!   `c* = sqrt(s) z_1 + sqrt(1 - s) c(z_1)`, `s = d_1 / D*` (information measured in deaths).
//!   Equivalently `w_1 z_1 + w_2 z_2' >= c_2` with the deaths increment
//!   `z_2' = (sqrt(D*) Z(D*) - sqrt(d_1) z_1) / sqrt(D* - d_1)`; with `D* = D` this is exactly
//!   the original test `Z(D) >= c_2`. (In two stages the two tests have the same rejection
//!   region in terms of the stage-2 statistic; they differ in that statistic only: the score
//!   increment, or the deaths increment of the conventional statistic.)
//!
//! **With adaptive enrichment** (`[design.adaptive]`, [`crate::design::adaptive`]) the interim is
//! the adaptive design's, and the re-estimation sets the stage-2 deaths, counted in the
//! selected populations after the interim, to `D* - d_1`. The closed inverse normal
//! combination test keeps the family-wise error whatever that number, as CHW does for one
//! hypothesis: its weights are fixed in advance and each stage-2 statistic is a score
//! increment. The conditional power uses rpact's choices for enrichment designs
//! (`getSimulationEnrichmentSurvival`'s event recalculation, rpact 3.3.4): `z_1` is
//! `Phi^{-1}(1 - p_1)`, `p_1` the stage-1 adjusted p-value of the global intersection by the
//! design's intersection test (rpact uses Bonferroni whatever the test; the two agree for
//! `bonferroni`), capped at `1 - 1e-7`; the effect is the smallest among the selected
//! populations (`observed`: each one's `z (1 + r) / sqrt(r d)` from its own deaths; `mix`
//! likewise), and `c_2`, `w_1`, `w_2` are the adaptive design's. Only `chw` applies, and the
//! early efficacy and futility are the adaptive design's own.
//!
//! **Interim bounds.** `efficacy` gives `c_1`, `c_2` of the two-look group-sequential design at
//! information rates `(t_1, 1)` (none: `c_1 = +inf`, `c_2 = z_(1 - alpha)`); `futility` a
//! non-binding z (or hazard-ratio) bound at the interim, which leaves `c_1`, `c_2` alone.

use crate::design::sequential::{DesignKind, DesignSpec, GroupSequentialDesign, z_from_hr};
use crate::stats::normal;
use crate::{Error, Result};

/// When the interim is taken.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InterimSpec {
    /// A fraction in (0, 1) of the planned final deaths (rounded to whole deaths).
    Fraction(f64),
    /// A number of deaths.
    Events(u32),
}

/// How the final deaths are chosen at the interim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rule {
    /// The deaths reaching the conditional power target, clamped to [min, max] (rpact's
    /// `getSimulationSurvival` with `conditionalPower`).
    Rpact,
    /// Mehta and Pocock (2011): increase only in the promising zone.
    PromisingZone {
        /// Lower end of the promising zone, a conditional power in (0, target).
        cp_lower: f64,
    },
}

impl Rule {
    /// The scenario name.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Rpact => "rpact",
            Rule::PromisingZone { .. } => "promising_zone",
        }
    }

    /// The names of the three zones a re-estimated trial falls in ([`Zone`] 1, 2, 3).
    pub fn zone_names(&self) -> [&'static str; 3] {
        match self {
            Rule::Rpact => ["decrease", "unchanged", "increase"],
            Rule::PromisingZone { .. } => ["unfavourable", "promising", "favourable"],
        }
    }
}

/// The effect the conditional power is computed at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CpEffect {
    /// The interim estimate.
    Observed,
    /// A planned hazard ratio.
    Planned {
        /// The hazard ratio.
        hazard_ratio: f64,
    },
    /// `weight` times the interim estimate plus `1 - weight` times the planned one (log scale).
    Mix {
        /// The planned hazard ratio.
        hazard_ratio: f64,
        /// The weight of the interim estimate, in [0, 1].
        weight: f64,
    },
}

impl CpEffect {
    /// The scenario name.
    pub fn name(&self) -> &'static str {
        match self {
            CpEffect::Observed => "observed",
            CpEffect::Planned { .. } => "planned",
            CpEffect::Mix { .. } => "mix",
        }
    }
}

/// The final test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CombinationTest {
    /// Cui, Hung and Wang (1999): inverse normal combination with planned weights.
    Chw,
    /// Müller and Schäfer (2001): the original design's conditional error kept.
    ConditionalError,
}

impl CombinationTest {
    /// The scenario name.
    pub fn name(&self) -> &'static str {
        match self {
            CombinationTest::Chw => "chw",
            CombinationTest::ConditionalError => "conditional_error",
        }
    }
}

/// A non-binding futility bound at the interim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InterimFutility {
    /// Stop when the interim z is below this.
    ZBelow(f64),
    /// Stop when the hazard ratio implied by the interim z is above this.
    HrAbove(f64),
}

/// `[design.reestimation]` as written.
#[derive(Clone, Debug, PartialEq)]
pub struct ReestimationSpec {
    /// The interim.
    pub interim: InterimSpec,
    /// Smallest final deaths (None: the planned `design.analysis.events`).
    pub min_events: Option<u32>,
    /// Largest final deaths.
    pub max_events: u32,
    /// The rule.
    pub rule: Rule,
    /// Conditional power target, in (0, 1).
    pub conditional_power: f64,
    /// The effect of the conditional power.
    pub effect: CpEffect,
    /// The final test.
    pub test: CombinationTest,
    /// The early efficacy design at the interim (None: no early efficacy).
    pub efficacy: Option<DesignKind>,
    /// The interim futility bound (None: none).
    pub futility: Option<InterimFutility>,
}

/// Where a re-estimated trial went at the interim: 0 when no re-estimation was made (the trial
/// stopped at or before the interim, or the design has none); 1, 2, 3 the rule's zones
/// ([`Rule::zone_names`]).
pub type Zone = u8;

/// The decision at the interim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// The final deaths D*.
    pub final_events: u32,
    /// The zone, 1..=3.
    pub zone: Zone,
    /// The conditional power at the planned final deaths, at the effect used.
    pub cp_planned: f64,
}

/// A resolved re-estimation design.
#[derive(Clone, Debug, PartialEq)]
pub struct ReestimationPlan {
    /// Deaths (whole trial) at the interim, d_1.
    pub interim_events: u32,
    /// Planned final deaths D.
    pub planned_events: u32,
    /// Smallest final deaths.
    pub min_events: u32,
    /// Largest final deaths.
    pub max_events: u32,
    /// The rule.
    pub rule: Rule,
    /// The conditional power target.
    pub target: f64,
    /// The effect of the conditional power.
    pub effect: CpEffect,
    /// The final test.
    pub test: CombinationTest,
    /// Inverse normal weights sqrt(t_1), sqrt(1 - t_1).
    pub weights: [f64; 2],
    /// Critical values c_1 (+inf: no early efficacy), c_2.
    pub critical: [f64; 2],
    /// The early efficacy design (None: none).
    pub efficacy: Option<DesignKind>,
    /// Futility z bound at the interim (-inf: none).
    pub futility: f64,
    /// Allocation ratio r = treatment / control.
    pub allocation: f64,
}

/// The conditional critical value c(z_1) = (c_2 - w_1 z_1) / w_2 of the two-stage inverse
/// normal design with weights `w` (w_1^2 + w_2^2 = 1) and final critical value `c2`.
pub fn conditional_critical_value(z1: f64, weights: [f64; 2], c2: f64) -> f64 {
    (c2 - weights[0] * z1) / weights[1]
}

/// The conditional power 1 - Phi(ccv - theta sqrt(n_2 r) / (1 + r)) of `stage_events` further
/// deaths at log hazard ratio `theta` (positive favours treatment), allocation `r`, given the
/// conditional critical value `ccv` (module documentation).
pub fn conditional_power(ccv: f64, theta: f64, stage_events: f64, r: f64) -> f64 {
    normal::sf(ccv - theta * (stage_events * r).sqrt() / (1.0 + r))
}

/// The further deaths giving conditional power `target`:
/// (1 + r)^2 / r (max(0, ccv + z_target))^2 / theta^2; 0 when the bracket is 0, infinite when
/// `theta <= 0` otherwise.
pub fn required_stage_events(ccv: f64, target: f64, theta: f64, r: f64) -> f64 {
    let bracket = (ccv + normal::quantile(target)).max(0.0);
    if bracket == 0.0 {
        0.0
    } else if theta <= 0.0 || theta.is_nan() {
        f64::INFINITY
    } else {
        (1.0 + r).powi(2) / r * bracket * bracket / (theta * theta)
    }
}

impl ReestimationPlan {
    /// Builds the plan from `[design.reestimation]`, the planned final deaths, the one-sided
    /// `alpha` and the allocation ratio r; `file` names the scenario in errors (the scenario
    /// reader has checked the counts).
    pub fn new(
        spec: &ReestimationSpec,
        planned_events: u32,
        alpha: f64,
        allocation: f64,
        file: &str,
    ) -> Result<ReestimationPlan> {
        let interim_events = match spec.interim {
            InterimSpec::Fraction(t) => (t * planned_events as f64).round() as u32,
            InterimSpec::Events(d) => d,
        };
        let t1 = interim_events as f64 / planned_events as f64;
        let weights = [t1.sqrt(), (1.0 - t1).sqrt()];
        let critical = match spec.efficacy {
            None => [f64::INFINITY, normal::quantile(1.0 - alpha)],
            Some(kind) => {
                let design =
                    GroupSequentialDesign::new(DesignSpec::new(kind, alpha), vec![t1, 1.0])
                        .map_err(|e| Error::Scenario {
                            file: file.to_string(),
                            key: "design.reestimation.efficacy".into(),
                            problem: "the two-stage design cannot be computed".into(),
                            value: kind.code().into(),
                            allowed: e.to_string(),
                        })?;
                [design.efficacy()[0], design.efficacy()[1]]
            }
        };
        let futility = match spec.futility {
            None => f64::NEG_INFINITY,
            Some(InterimFutility::ZBelow(z)) => z,
            Some(InterimFutility::HrAbove(h)) => z_from_hr(h, interim_events as f64, allocation),
        };
        Ok(ReestimationPlan {
            interim_events,
            planned_events,
            min_events: spec.min_events.unwrap_or(planned_events),
            max_events: spec.max_events,
            rule: spec.rule,
            target: spec.conditional_power,
            effect: spec.effect,
            test: spec.test,
            weights,
            critical,
            efficacy: spec.efficacy,
            futility,
            allocation,
        })
    }

    /// Makes the plan an adaptive enrichment design's (module documentation): its interim, its
    /// inverse normal weights and final critical value; no early efficacy or futility of its
    /// own (the adaptive design's apply).
    pub fn align_with(&mut self, adaptive: &crate::design::adaptive::AdaptivePlan) {
        self.interim_events = adaptive.interim_events;
        self.planned_events = adaptive.final_events;
        self.weights = adaptive.test.weights;
        self.critical = [f64::INFINITY, adaptive.test.critical[1]];
        self.efficacy = None;
        self.futility = f64::NEG_INFINITY;
    }

    /// The log hazard ratio (positive favours treatment) the conditional power is computed at,
    /// from the interim z and deaths (module documentation).
    pub fn theta(&self, z1: f64, d1: f64) -> f64 {
        let r = self.allocation;
        let observed = || z1 * (1.0 + r) / (r * d1).sqrt();
        match self.effect {
            CpEffect::Observed => observed(),
            CpEffect::Planned { hazard_ratio } => -hazard_ratio.ln(),
            CpEffect::Mix {
                hazard_ratio,
                weight,
            } => weight * observed() + (1.0 - weight) * -hazard_ratio.ln(),
        }
    }

    /// The final deaths of the trial and the zone, from the interim z of the tested population
    /// and its deaths `d_pop` (> 0). `share` is that population's share of the trial's deaths at
    /// the interim (1 when it is the whole trial): its stage-2 deaths are taken to be that share
    /// of the trial's, so the conditional power at the planned count is computed for
    /// `share (D - d_1)` further deaths, and the deaths it needs, `n_2`, become `n_2 / share`
    /// of the trial's.
    pub fn decide(&self, z1: f64, d_pop: f64, share: f64) -> Decision {
        self.decide_at(z1, self.theta(z1, d_pop), share)
    }

    /// [`ReestimationPlan::decide`] at a given log hazard ratio `theta` (positive favours
    /// treatment): the adaptive enrichment design computes it from the selected populations
    /// (module documentation).
    pub fn decide_at(&self, z1: f64, theta: f64, share: f64) -> Decision {
        let d = self.interim_events as f64;
        let ccv = conditional_critical_value(z1, self.weights, self.critical[1]);
        let r = self.allocation;
        let planned = self.planned_events;
        let cp_planned = conditional_power(ccv, theta, share * (planned as f64 - d), r);
        let needed = required_stage_events(ccv, self.target, theta, r) / share;
        let ceil_total = |n: f64| -> u32 {
            let total = (d + n).ceil();
            if total >= self.max_events as f64 {
                self.max_events
            } else {
                total as u32
            }
        };
        match self.rule {
            Rule::Rpact => {
                let lo = self.min_events as f64 - d;
                let hi = self.max_events as f64 - d;
                let final_events = ceil_total(needed.max(lo).min(hi));
                let zone = 1 + u8::from(final_events >= planned) + u8::from(final_events > planned);
                Decision {
                    final_events,
                    zone,
                    cp_planned,
                }
            }
            Rule::PromisingZone { cp_lower } => {
                let (final_events, zone) = if cp_planned < cp_lower {
                    (planned, 1)
                } else if cp_planned >= self.target {
                    (planned, 3)
                } else {
                    (ceil_total(needed).max(planned), 2)
                };
                Decision {
                    final_events,
                    zone,
                    cp_planned,
                }
            }
        }
    }

    /// The final z statistic of the test, compared with `c_2`: CHW's `w_1 z_1 + w_2 z_2` with
    /// the score increment `z_2 = (u2 - u1) / sqrt(v2 - v1)`, or the conditional error test's
    /// `w_1 z_1 + w_2 z_2'` with the deaths increment
    /// `z_2' = (sqrt(d2) z2cum - sqrt(d1) z1) / sqrt(d2 - d1)` (module documentation). Stage 1
    /// is (`z1`, score `u1`, variance `v1`, deaths `d1`); the final cut (`z2cum`, `u2`, `v2`,
    /// `d2`). A second stage without information (no death, or no variance, since the interim)
    /// counts as z_2 = 0.
    pub fn final_z(&self, stage1: StageStats, last: StageStats) -> f64 {
        let z2 = match self.test {
            CombinationTest::Chw => {
                let dv = last.variance - stage1.variance;
                if dv > 0.0 {
                    (last.score - stage1.score) / dv.sqrt()
                } else {
                    0.0
                }
            }
            CombinationTest::ConditionalError => {
                let dd = last.events - stage1.events;
                if dd > 0.0 {
                    (last.events.sqrt() * last.z - stage1.events.sqrt() * stage1.z) / dd.sqrt()
                } else {
                    0.0
                }
            }
        };
        self.weights[0] * stage1.z + self.weights[1] * z2
    }
}

/// One cut's log-rank statistics as the combination test reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageStats {
    /// The (stratified) log-rank z, positive favours treatment.
    pub z: f64,
    /// Its score U = E - O.
    pub score: f64,
    /// Its variance V.
    pub variance: f64,
    /// Deaths in the cut (of the population).
    pub events: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rule: Rule, effect: CpEffect, test: CombinationTest) -> ReestimationSpec {
        ReestimationSpec {
            interim: InterimSpec::Fraction(0.5),
            min_events: None,
            max_events: 400,
            rule,
            conditional_power: 0.8,
            effect,
            test,
            efficacy: None,
            futility: None,
        }
    }

    fn plan(rule: Rule, effect: CpEffect) -> ReestimationPlan {
        ReestimationPlan::new(
            &spec(rule, effect, CombinationTest::Chw),
            250,
            0.025,
            1.0,
            "t.toml",
        )
        .unwrap()
    }

    #[test]
    fn required_events_reach_the_target() {
        // The deaths returned give exactly the target conditional power.
        for (ccv, theta, r) in [(1.5, 0.3, 1.0), (0.2, 0.2, 2.0), (2.5, 0.1, 0.5)] {
            let n = required_stage_events(ccv, 0.8, theta, r);
            assert!(
                (conditional_power(ccv, theta, n, r) - 0.8).abs() < 1e-12,
                "{n}"
            );
        }
        assert_eq!(required_stage_events(-2.0, 0.8, 0.3, 1.0), 0.0);
        assert_eq!(required_stage_events(1.0, 0.8, -0.1, 1.0), f64::INFINITY);
    }

    #[test]
    fn rpact_rule_clamps_and_zones() {
        let p = plan(Rule::Rpact, CpEffect::Observed);
        assert_eq!(p.interim_events, 125);
        assert_eq!(p.min_events, 250);
        // A very strong interim needs no more deaths: the minimum (the planned 250).
        let strong = p.decide(4.0, 125.0, 1.0);
        assert_eq!((strong.final_events, strong.zone), (250, 2));
        // A negative interim: the maximum.
        let bad = p.decide(-0.5, 125.0, 1.0);
        assert_eq!((bad.final_events, bad.zone), (400, 3));
        // In between: the ceiling of d_1 + n_2, by hand.
        let z1 = 1.7;
        let ccv = (1.959_963_984_540_054 - 0.5f64.sqrt() * z1) / 0.5f64.sqrt();
        let theta = z1 * 2.0 / 125f64.sqrt();
        let n2 = 4.0 * (ccv + normal::quantile(0.8)).powi(2) / (theta * theta);
        let mid = p.decide(z1, 125.0, 1.0);
        assert_eq!(mid.final_events as f64, (125.0 + n2).ceil());
        assert!(mid.final_events > 250 && mid.final_events < 400);
    }

    #[test]
    fn promising_zone_increases_only_when_promising() {
        let p = plan(
            Rule::PromisingZone { cp_lower: 0.36 },
            CpEffect::Planned { hazard_ratio: 0.8 },
        );
        let mut seen = [false; 3];
        for i in 0..400 {
            let z1 = -1.0 + i as f64 * 0.01;
            let d = p.decide(z1, 125.0, 1.0);
            let ccv = conditional_critical_value(z1, p.weights, p.critical[1]);
            let cp = conditional_power(ccv, -(0.8f64.ln()), 125.0, 1.0);
            assert!((d.cp_planned - cp).abs() < 1e-15);
            let zone = if cp < 0.36 {
                1
            } else if cp >= 0.8 {
                3
            } else {
                2
            };
            assert_eq!(d.zone, zone, "z1 {z1}");
            seen[zone as usize - 1] = true;
            if zone == 2 {
                assert!(d.final_events >= 250 && d.final_events <= 400);
            } else {
                assert_eq!(d.final_events, 250);
            }
        }
        assert_eq!(seen, [true; 3]);
    }

    #[test]
    fn conditional_error_equals_the_original_test_at_the_planned_count() {
        let p = ReestimationPlan::new(
            &spec(
                Rule::Rpact,
                CpEffect::Observed,
                CombinationTest::ConditionalError,
            ),
            250,
            0.025,
            1.0,
            "t.toml",
        )
        .unwrap();
        let s1 = StageStats {
            z: 1.1,
            score: 6.0,
            variance: 30.0,
            events: 125.0,
        };
        for z in [-1.0, 0.5, 1.9, 2.7] {
            let last = StageStats {
                z,
                score: 0.0,
                variance: 0.0,
                events: 250.0,
            };
            assert!((p.final_z(s1, last) - z).abs() < 1e-13);
        }
    }
}
