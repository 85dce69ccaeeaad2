//! Adaptive enrichment in two stages: at the first interim look a selection rule decides in
//! which populations the trial goes on (screening then admits only their strata); the final
//! test combines the stage-wise p-values by the inverse normal method within a closed testing
//! procedure (Bauer and Koehne 1994; Lehmacher and Wassmer 1999; Brannath, Zuber, Branson,
//! Bretz, Gallo, Posch and Racine-Poon 2009, "Confirmatory adaptive designs with Bayesian
//! decision tools for a targeted therapy in oncology", Statistics in Medicine 28:1445-1463;
//! Wassmer and Brannath 2016, "Group Sequential and Confirmatory Adaptive Designs in Clinical
//! Trials", chapters 6, 11 and 12).
//!
//! The conventions are those of rpact 3.3.4's `getSimulationEnrichmentSurvival` (read from its
//! source), so that the two agree:
//!
//! * Stage-wise statistics. Stage 1 is the log-rank of each population at the interim (the
//!   `interim` fraction of `design.analysis.events`, events counted in the whole trial). Stage 2
//!   is the increment of the log-rank between the interim and the final analysis: with score
//!   U = E - O and variance V of the (stratified) log-rank at the two cuts,
//!   z_2 = (U_2 - U_1) / sqrt(V_2 - V_1), i.e. (sqrt(V_2) z_2cum - sqrt(V_1) z_1) / sqrt(V_2 - V_1),
//!   asymptotically N(0, 1) and independent of stage 1 under H0 (independent increments; with
//!   1:1 allocation V is about events / 4). The final analysis is when the SELECTED populations
//!   (the union of their strata) have had `events - interim events` new events since the
//!   interim, as rpact's `plannedEvents` count stage-2 events in the selected subsets only.
//!   Stage-wise one-sided p-values are p = 1 - Phi(z).
//! * Selection at the interim, on the populations' stage-1 effect: the hazard ratio estimate
//!   HR = exp(-z / sqrt(V)) (Peto's (O - E) / V, rpact's "effectEstimate", ranked by 1 / HR), or
//!   the z statistic ("testStatistic"). `rbest`: the r best; `epsilon`: all within epsilon of the
//!   best (on 1 / HR or z); `all`: every population; then any population whose effect does not
//!   beat `threshold` (HR >= threshold, or z <= threshold) is dropped. `complement` (enrichment
//!   by the complement's result, e.g. Jenkins, Stone and Jennison 2011): with S within F, go on
//!   in both if the complement F \ S beats `threshold`, else in S only. A population not
//!   selected is not tested at stage 2, so its hypothesis can be rejected only at stage 1
//!   (rpact: rejections count only for populations selected at the stage). Selecting no
//!   population stops the trial (futility).
//! * Closed test. Each intersection H_J (J a non-empty set of populations) has a stage-wise
//!   adjusted p-value from the populations of J tested at that stage (n of them): Bonferroni
//!   min(1, n min p_i); Simes min_r n p_(r) / r; Spiessens-Debois P(max(Z_S, Z_F) > max z) under
//!   the bivariate normal with correlation sqrt(V_S / V_F) of that stage's variances (rpact uses
//!   sqrt(events_S / events_F)); with one population tested, its own p. The inverse normal
//!   combination at stage k is sum_{l<=k} w_l Phi^{-1}(1 - p_J,l) / sqrt(sum_{l<=k} w_l^2) with
//!   pre-set weights w (w_1^2 + w_2^2 = 1; by default w_1 = sqrt(t), w_2 = sqrt(1 - t) for the
//!   interim fraction t, as rpact's `.getWeightsInverseNormal`), and H_J is rejected at stage k
//!   when it reaches the critical value c_k (or was rejected at stage 1). An H_J with no
//!   population tested at stage 2 is not rejected there. H_i is rejected at stage k when every
//!   H_J with i in J is, and population i is tested at stage k (or H_i was rejected at stage 1).
//! * Critical values: those of the group-sequential design with information rates (w_1^2, 1):
//!   `efficacy = "none"` (rpact's "noEarlyEfficacy": c_1 = +inf, c_2 = z_(1 - alpha)) or a
//!   spending function or Wang-Tsiatis shape (early efficacy stopping at the interim). The trial
//!   stops at the interim when every hypothesis is rejected (rpact's successCriterion "all").
//! * Futility: there is no futility bound; the trial stops at the interim when no population is
//!   selected, or when nothing can be rejected any more (the global intersection's stage-1
//!   adjusted p-value is 1, as with Bonferroni when every z <= 0: rpact stops these too).

use crate::design::hypotheses::PopulationStats;
use crate::design::multiplicity::{MAX_HYPOTHESES, max_test_p};
use crate::design::sequential::{DesignKind, DesignSpec, GroupSequentialDesign};
use crate::stats::normal;
use crate::{Error, Result};

/// `[design.adaptive]`: two-stage adaptive enrichment.
#[derive(Clone, Debug, PartialEq)]
pub struct AdaptiveSpec {
    /// The interim (selection) look, a fraction of `design.analysis.events`.
    pub interim: f64,
    /// The selection rule.
    pub selection: Selection,
    /// What the rule ranks.
    pub measure: EffectMeasure,
    /// Populations whose effect does not beat this are dropped.
    pub threshold: Option<f64>,
    /// The intersection test of the closed test.
    pub intersection: IntersectionTest,
    /// Inverse normal weights (normalised later); None: from the interim fraction.
    pub weights: Option<[f64; 2]>,
    /// Early efficacy design at the interim; None: no early efficacy.
    pub efficacy: Option<DesignKind>,
}

/// The selection rule at the interim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Selection {
    /// The r populations with the best effect.
    RBest {
        /// How many to keep, 1..=m.
        r: usize,
    },
    /// Every population whose effect is within epsilon of the best.
    Epsilon {
        /// Margin on the effect scale (1 / HR, or z), >= 0.
        epsilon: f64,
    },
    /// Every population (only the threshold drops some).
    All,
    /// S and F if the complement F \ S beats the threshold, else S only (two nested populations).
    Complement,
}

/// What the selection ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectMeasure {
    /// The hazard ratio estimate exp(-z / sqrt(V)), ranked by 1 / HR.
    HazardRatio,
    /// The log-rank z.
    Z,
}

/// The test of intersection hypotheses in the closed test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntersectionTest {
    /// Bonferroni.
    Bonferroni,
    /// Simes (1986).
    Simes,
    /// Spiessens and Debois (2010): bivariate normal max test.
    SpiessensDebois,
}

impl IntersectionTest {
    /// The scenario name.
    pub fn name(&self) -> &'static str {
        match self {
            IntersectionTest::Bonferroni => "bonferroni",
            IntersectionTest::Simes => "simes",
            IntersectionTest::SpiessensDebois => "spiessens_debois",
        }
    }
}

/// The inverse normal combination test in a closed testing procedure on m hypotheses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClosedTest {
    /// Number of hypotheses (populations).
    pub m: usize,
    /// The intersection test.
    pub intersection: IntersectionTest,
    /// Inverse normal weights w_1, w_2 with w_1^2 + w_2^2 = 1.
    pub weights: [f64; 2],
    /// Critical values c_1 (+inf: no early efficacy), c_2.
    pub critical: [f64; 2],
}

/// One stage's statistics as the closed test sees them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageData {
    /// Stage-wise z per population (the increment's for stage 2).
    pub stats: PopulationStats,
    /// Bit i: population i is tested at this stage (selected, with a defined statistic).
    pub tested: u32,
}

impl ClosedTest {
    /// The stage-wise adjusted p-value of the intersection of the hypotheses in `j` (bit set),
    /// None when none of them is tested at this stage.
    pub fn intersection_p(&self, j: u32, stage: &StageData) -> Option<f64> {
        let available = j & stage.tested;
        let n = available.count_ones() as usize;
        if n == 0 {
            return None;
        }
        let mut p = [1.0f64; MAX_HYPOTHESES];
        let mut z = [f64::NEG_INFINITY; MAX_HYPOTHESES];
        let mut v = [0.0f64; MAX_HYPOTHESES];
        for (slot, i) in (0..self.m).filter(|&i| available >> i & 1 == 1).enumerate() {
            z[slot] = stage.stats.z[i];
            p[slot] = normal::sf(stage.stats.z[i]);
            v[slot] = stage.stats.variance[i];
        }
        let p = &mut p[..n];
        Some(match (self.intersection, n) {
            (_, 1) => p[0],
            (IntersectionTest::Bonferroni, _) => {
                (n as f64 * p.iter().copied().fold(1.0, f64::min)).min(1.0)
            }
            (IntersectionTest::Simes, _) => {
                p.sort_by(f64::total_cmp);
                p.iter()
                    .enumerate()
                    .map(|(r, &pr)| n as f64 * pr / (r + 1) as f64)
                    .fold(1.0, f64::min)
            }
            (IntersectionTest::SpiessensDebois, _) => {
                // Two nested populations: the smaller one's variance over the larger one's.
                let (small, large) = (v[0].min(v[1]), v[0].max(v[1]));
                let rho = if large > 0.0 {
                    (small / large).sqrt()
                } else {
                    0.0
                };
                max_test_p(z[0].max(z[1]), rho)
            }
        })
    }

    /// Whether, after stage 1, no hypothesis can be rejected any more: the global
    /// intersection's stage-1 adjusted p-value is 1, so its inverse normal combination is -inf
    /// whatever stage 2 brings (Bonferroni when every z <= 0). rpact's simulation stops such a
    /// trial for futility (its overall adjusted statistic -inf is below the default futility
    /// bound -6); so does this one.
    pub fn hopeless(&self, stage1: &StageData) -> bool {
        self.intersection_p((1u32 << self.m) - 1, stage1)
            .is_some_and(|p| p >= 1.0)
    }

    /// The rejections after stage 1 and after stage 2 (bit i: H_i), from the stage data
    /// (`stages[1]` absent when the trial ended at the interim).
    pub fn decide(&self, stages: &[StageData]) -> [u32; 2] {
        let intersections = (1u32 << self.m) - 1;
        let mut rejected_sets = 0u32; // bit (J - 1): H_J rejected
        let mut first = [f64::NAN; 1 << MAX_HYPOTHESES]; // stage-1 Phi^{-1}(1 - p_J)
        let mut result = [0u32; 2];
        let mut rejected = 0u32;
        for (k, stage) in stages.iter().enumerate().take(2) {
            for j in 1..=intersections {
                if rejected_sets >> (j - 1) & 1 == 1 {
                    continue;
                }
                let Some(p) = self.intersection_p(j, stage) else {
                    continue;
                };
                let q = -normal::quantile(p);
                let combined = if k == 0 {
                    first[j as usize] = q;
                    q
                } else {
                    // w_1^2 + w_2^2 = 1
                    self.weights[0] * first[j as usize] + self.weights[1] * q
                };
                if combined >= self.critical[k] {
                    rejected_sets |= 1 << (j - 1);
                }
            }
            for i in 0..self.m {
                let all = (1..=intersections)
                    .filter(|j| j >> i & 1 == 1)
                    .all(|j| rejected_sets >> (j - 1) & 1 == 1);
                if all && stage.tested >> i & 1 == 1 {
                    rejected |= 1 << i;
                }
            }
            result[k] = rejected;
        }
        if stages.len() < 2 {
            result[1] = result[0];
        }
        result
    }
}

/// A resolved two-stage adaptive enrichment design.
#[derive(Clone, Debug)]
pub struct AdaptivePlan {
    /// Events (in the whole trial) at the interim.
    pub interim_events: u32,
    /// Planned total: the stage-2 events are `final_events - interim_events`, counted in the
    /// selected populations after the interim.
    pub final_events: u32,
    /// The selection rule.
    pub selection: Selection,
    /// What the rule ranks.
    pub measure: EffectMeasure,
    /// Populations whose effect does not beat this are dropped (HR >= threshold, z <=
    /// threshold); None: no threshold.
    pub threshold: Option<f64>,
    /// The closed combination test.
    pub test: ClosedTest,
}

impl AdaptivePlan {
    /// Builds the plan from `[design.adaptive]` for m populations, `final_events` in all and
    /// one-sided `alpha`: the interim at the `interim` fraction of the events, inverse normal
    /// weights as given (normalised) or sqrt(t), sqrt(1 - t) for the realised interim fraction
    /// t, critical values from the early `efficacy` design (none: c_1 = +inf). `file` names the
    /// scenario in errors.
    pub fn new(
        spec: &AdaptiveSpec,
        m: usize,
        final_events: u32,
        alpha: f64,
        file: &str,
    ) -> Result<AdaptivePlan> {
        let AdaptiveSpec {
            interim,
            selection,
            measure,
            threshold,
            intersection,
            weights,
            efficacy,
        } = *spec;
        let interim_events = (interim * final_events as f64).round() as u32;
        let t = interim_events as f64 / final_events as f64;
        let weights = match weights {
            Some([a, b]) => {
                let norm = a.hypot(b);
                [a / norm, b / norm]
            }
            None => [t.sqrt(), (1.0 - t).sqrt()],
        };
        let rate = weights[0] * weights[0];
        let critical = match efficacy {
            None => [f64::INFINITY, normal::quantile(1.0 - alpha)],
            Some(kind) => {
                let design =
                    GroupSequentialDesign::new(DesignSpec::new(kind, alpha), vec![rate, 1.0])
                        .map_err(|e| Error::Scenario {
                            file: file.to_string(),
                            key: "design.adaptive.efficacy".into(),
                            problem: "the two-stage design cannot be computed".into(),
                            value: kind.code().into(),
                            allowed: e.to_string(),
                        })?;
                [design.efficacy()[0], design.efficacy()[1]]
            }
        };
        Ok(AdaptivePlan {
            interim_events,
            final_events,
            selection,
            measure,
            threshold,
            test: ClosedTest {
                m,
                intersection,
                weights,
                critical,
            },
        })
    }

    /// The effect a population is ranked by: 1 / HR = exp(z / sqrt(V)), or z (NaN when V = 0).
    fn effect(&self, z: f64, variance: f64) -> f64 {
        if variance <= 0.0 {
            return f64::NAN;
        }
        match self.measure {
            EffectMeasure::HazardRatio => (z / variance.sqrt()).exp(),
            EffectMeasure::Z => z,
        }
    }

    /// The threshold on the ranking scale (1 / HR, or z): an effect at or below it is dropped.
    fn threshold_effect(&self) -> f64 {
        match (self.threshold, self.measure) {
            (None, _) => f64::NEG_INFINITY,
            (Some(h), EffectMeasure::HazardRatio) => 1.0 / h,
            (Some(z), EffectMeasure::Z) => z,
        }
    }

    /// The populations selected for stage 2 (bit set) from the stage-1 statistics; for the
    /// `complement` rule, `complement` is the complement's (z, V).
    pub fn select(&self, stage1: &PopulationStats, complement: Option<(f64, f64)>) -> u32 {
        let m = self.test.m;
        let effects: Vec<f64> = (0..m)
            .map(|i| self.effect(stage1.z[i], stage1.variance[i]))
            .collect();
        let floor = self.threshold_effect();
        let mut selected = match self.selection {
            Selection::Complement => {
                let (z, v) = complement.unwrap_or((f64::NAN, 0.0));
                let e = self.effect(z, v);
                // the populations are sorted small to large: S is 0, F is 1
                return if e > floor { 0b11 } else { 0b01 };
            }
            Selection::All => (1u32 << m) - 1,
            Selection::RBest { r } => {
                // decreasing effect, ties to the lower index (R's order() is stable)
                let mut order: Vec<usize> = (0..m).collect();
                order.sort_by(|&a, &b| {
                    let (ea, eb) = (effects[a], effects[b]);
                    eb.partial_cmp(&ea)
                        .unwrap_or_else(|| ea.is_nan().cmp(&eb.is_nan()))
                });
                order.iter().take(r).fold(0, |s, &i| s | 1 << i)
            }
            Selection::Epsilon { epsilon } => {
                let best = effects
                    .iter()
                    .copied()
                    .filter(|e| !e.is_nan())
                    .fold(f64::NEG_INFINITY, f64::max);
                (0..m)
                    .filter(|&i| best - effects[i] <= epsilon)
                    .fold(0, |s, i| s | 1 << i)
            }
        };
        for (i, &e) in effects.iter().enumerate() {
            if e.is_nan() || e <= floor {
                selected &= !(1 << i);
            }
        }
        selected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(z: [f64; 2], v: [f64; 2], tested: u32) -> StageData {
        let mut stats = PopulationStats::default();
        stats.z[..2].copy_from_slice(&z);
        stats.variance[..2].copy_from_slice(&v);
        StageData { stats, tested }
    }

    fn test(intersection: IntersectionTest) -> ClosedTest {
        ClosedTest {
            m: 2,
            intersection,
            weights: [0.5f64.sqrt(), 0.5f64.sqrt()],
            critical: [f64::INFINITY, normal::quantile(0.975)],
        }
    }

    fn z(p: f64) -> f64 {
        normal::quantile(1.0 - p)
    }

    #[test]
    fn intersection_p_values_by_hand() {
        let s = stage([z(0.01), z(0.03)], [40.0, 60.0], 0b11);
        let bonf = test(IntersectionTest::Bonferroni);
        let simes = test(IntersectionTest::Simes);
        let sd = test(IntersectionTest::SpiessensDebois);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        // Bonferroni: 2 * 0.01; Simes: min(2 * 0.01, 0.03) = 0.02; with p = (0.02, 0.03):
        // Simes min(0.04, 0.03) = 0.03.
        assert!(close(bonf.intersection_p(0b11, &s).unwrap(), 0.02));
        assert!(close(simes.intersection_p(0b11, &s).unwrap(), 0.02));
        let s2 = stage([z(0.02), z(0.03)], [40.0, 60.0], 0b11);
        assert!(close(simes.intersection_p(0b11, &s2).unwrap(), 0.03));
        // Elementary hypotheses: their own p.
        assert!(close(bonf.intersection_p(0b10, &s).unwrap(), 0.03));
        // Spiessens-Debois: between the smallest p and Bonferroni, with rho = sqrt(40/60).
        let p_sd = sd.intersection_p(0b11, &s).unwrap();
        assert!(close(
            p_sd,
            normal::max2_sf(z(0.01), (40.0f64 / 60.0).sqrt())
        ));
        assert!(p_sd > 0.01 && p_sd < 0.02, "{p_sd}");
        // One population tested (the other deselected): its own p, no adjustment.
        let only_s = stage([z(0.01), 0.0], [40.0, 0.0], 0b01);
        for t in [bonf, simes, sd] {
            assert!(close(t.intersection_p(0b11, &only_s).unwrap(), 0.01));
            assert_eq!(t.intersection_p(0b10, &only_s), None);
        }
    }

    #[test]
    fn closed_test_by_hand() {
        // No early efficacy; w = sqrt(1/2) each; c_2 = 1.96.
        let bonf = test(IntersectionTest::Bonferroni);
        // Stage 1: p_S = 0.01, p_F = 0.2. Select S only. Stage 2: p_S = 0.02.
        let s1 = stage([z(0.01), z(0.2)], [40.0, 60.0], 0b11);
        let s2 = stage([z(0.02), 0.0], [40.0, 0.0], 0b01);
        // H_S and H_F: stage 1 Bonferroni p = 0.02, stage 2 p = 0.02 (S alone):
        // (z(0.02) + z(0.02)) / sqrt 2 = 2.905 >= 1.96. H_S: (z(0.01) + z(0.02)) / sqrt 2 >= 1.96.
        // H_F: not tested at stage 2: not rejected.
        assert_eq!(bonf.decide(&[s1, s2]), [0, 0b01]);
        // A weak second stage: p_S = 0.4: (2.054 + 0.253) / sqrt 2 = 1.63 < 1.96 for H_S ∩ H_F.
        let weak = stage([z(0.4), 0.0], [40.0, 0.0], 0b01);
        assert_eq!(bonf.decide(&[s1, weak]), [0, 0]);
        // Both selected and both strong: both rejected.
        let s2b = stage([z(0.01), z(0.01)], [40.0, 60.0], 0b11);
        assert_eq!(bonf.decide(&[s1, s2b]), [0, 0b11]);
        // The global intersection by hand with Simes at stage 1, p = (0.01, 0.2) -> 0.02, and
        // stage 2 (0.03, 0.04) -> min(0.06, 0.04) = 0.04: (z(0.02) + z(0.04)) / sqrt 2 = 2.64.
        let simes = test(IntersectionTest::Simes);
        let s2c = stage([z(0.03), z(0.04)], [40.0, 60.0], 0b11);
        let combined = (z(0.02) + z(0.04)) / 2f64.sqrt();
        assert!(combined > 1.96);
        // H_F alone: (z(0.2) + z(0.04)) / sqrt 2 = (0.8416 + 1.7507) / 1.414 = 1.833 < 1.96.
        assert_eq!(simes.decide(&[s1, s2c]), [0, 0b01]);
    }

    #[test]
    fn early_efficacy_needs_every_intersection() {
        let mut t = test(IntersectionTest::Bonferroni);
        t.critical = [2.5, 2.0];
        let s1 = stage([3.0, 2.6], [40.0, 60.0], 0b11);
        // H_S ∩ H_F: 2 * (1 - Phi(3)) = 0.0027 -> z = 2.78 >= 2.5; H_S: 3 >= 2.5; H_F: 2.6 >= 2.5.
        assert_eq!(t.decide(&[s1]), [0b11, 0b11]);
        let s1b = stage([3.0, 2.4], [40.0, 60.0], 0b11);
        assert_eq!(t.decide(&[s1b]), [0b01, 0b01]);
    }

    #[test]
    fn hopeless_when_the_global_intersection_has_p_one() {
        let bonf = test(IntersectionTest::Bonferroni);
        let simes = test(IntersectionTest::Simes);
        // Both z <= 0: Bonferroni's 2 min p >= 1.
        let s1 = stage([-0.1, -0.3], [40.0, 60.0], 0b11);
        assert!(bonf.hopeless(&s1));
        assert!(!simes.hopeless(&s1));
        assert!(!bonf.hopeless(&stage([0.1, -0.3], [40.0, 60.0], 0b11)));
    }

    fn spec(selection: Selection, measure: EffectMeasure, threshold: Option<f64>) -> AdaptiveSpec {
        AdaptiveSpec {
            interim: 0.5,
            selection,
            measure,
            threshold,
            intersection: IntersectionTest::Simes,
            weights: None,
            efficacy: None,
        }
    }

    fn plan(selection: Selection, measure: EffectMeasure, threshold: Option<f64>) -> AdaptivePlan {
        AdaptivePlan::new(
            &spec(selection, measure, threshold),
            2,
            300,
            0.025,
            "test.toml",
        )
        .unwrap()
    }

    #[test]
    fn selection_rules() {
        let mut st = PopulationStats::default();
        // S: z 2.0, V 25 -> 1/HR = exp(0.4) = 1.492; F: z 2.2, V 36 -> exp(0.3667) = 1.443.
        st.z[..2].copy_from_slice(&[2.0, 2.2]);
        st.variance[..2].copy_from_slice(&[25.0, 36.0]);
        let hr = EffectMeasure::HazardRatio;
        assert_eq!(
            plan(Selection::RBest { r: 1 }, hr, None).select(&st, None),
            0b01
        );
        assert_eq!(
            plan(Selection::RBest { r: 1 }, EffectMeasure::Z, None).select(&st, None),
            0b10
        );
        assert_eq!(
            plan(Selection::RBest { r: 2 }, hr, None).select(&st, None),
            0b11
        );
        assert_eq!(
            plan(Selection::Epsilon { epsilon: 0.05 }, hr, None).select(&st, None),
            0b11
        );
        assert_eq!(
            plan(Selection::Epsilon { epsilon: 0.04 }, hr, None).select(&st, None),
            0b01
        );
        // Threshold: HR 1/1.443 = 0.693 >= 0.69 drops F.
        assert_eq!(plan(Selection::All, hr, Some(0.69)).select(&st, None), 0b01);
        assert_eq!(plan(Selection::All, hr, Some(0.6)).select(&st, None), 0);
        // Complement: HR of the complement 0.9 < 1 goes on in both, 1.1 in S only.
        let comp = plan(Selection::Complement, hr, Some(1.0));
        let v: f64 = 20.0;
        assert_eq!(comp.select(&st, Some((-(0.9f64.ln()) * v.sqrt(), v))), 0b11);
        assert_eq!(comp.select(&st, Some((-(1.1f64.ln()) * v.sqrt(), v))), 0b01);
    }

    #[test]
    fn default_weights_and_critical_values() {
        let p = plan(Selection::All, EffectMeasure::Z, None);
        assert_eq!(p.interim_events, 150);
        assert!((p.test.weights[0] - 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(p.test.critical[0], f64::INFINITY);
        assert!((p.test.critical[1] - 1.959_963_984_540_054).abs() < 1e-12);
        // rpact 3.3.4: getDesignInverseNormal(kMax = 2, typeOfDesign = "asOF",
        // informationRates = c(0.5, 1), alpha = 0.025)$criticalValues = 2.962588 1.968596
        let mut asof = spec(Selection::All, EffectMeasure::Z, None);
        asof.efficacy = Some(DesignKind::Spending(
            crate::design::sequential::SpendingFunction::LanDeMetsObf,
        ));
        let of = AdaptivePlan::new(&asof, 2, 300, 0.025, "test.toml").unwrap();
        assert!((of.test.critical[0] - 2.962588).abs() < 1e-5);
        assert!((of.test.critical[1] - 1.968596).abs() < 1e-5);
    }
}
