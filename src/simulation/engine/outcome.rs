//! What one replicate produces ([`TrialOutcome`]), the buffers it reuses ([`Workspace`]),
//! and the tally of its cohort by stratum.

use crate::analysis::function::{FunctionAnalyzer, Visits};
use crate::analysis::{Analyzer, LogRank, Test};
use crate::design::hypotheses::{HypothesisPlan, PopulationStats};
use crate::design::multiplicity::{FamilyWorkspace, MAX_HYPOTHESES};
use crate::design::sequential::MonitoringWorkspace;
use crate::model::{Design, Model};
use crate::scenario::{MAX_LOOKS, MAX_STRATA};
use crate::simulation::trial::{Cohort, Cut};

/// What one simulated trial produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrialOutcome {
    /// Replicate index.
    pub replicate: u64,
    /// The primary hypothesis was rejected at some look (z >= the look's efficacy bound).
    pub reject: bool,
    /// The trial stopped for futility at an interim look.
    pub futility: bool,
    /// Two-sided designs (`sided = 2`): the trial stopped for harm, Z_k <= -b_k at some look
    /// (the final one included); always false for one-sided designs.
    pub harm: bool,
    /// Log-rank z at the last analysis (positive favours treatment).
    pub z: f64,
    /// Cox hazard ratio estimate (NaN when not estimable, e.g. no events).
    pub hr: f64,
    /// Events in the analysis.
    pub events: u32,
    /// Patients randomised by the analysis.
    pub randomised: u32,
    /// Patients screened to randomise them.
    pub screened: u32,
    /// Calendar time of the analysis, months from the first screening.
    pub duration: f64,
    /// False when the design's event count could never be reached.
    pub reached: bool,
    /// Randomised patients whose observed stratum differs from their true one.
    pub misclassified: u32,
    /// Randomised patients whose TRUE stratum is not eligible.
    pub true_ineligible: u32,
    /// Randomised patients per TRUE stratum.
    pub by_true_stratum: [u32; MAX_STRATA],
    /// Analyses performed (the last is where the trial stopped).
    pub looks: u8,
    /// Events at each analysis performed.
    pub look_events: [u32; MAX_LOOKS],
    /// Calendar time of each analysis performed, months.
    pub look_time: [f64; MAX_LOOKS],
    /// Patients randomised by each analysis performed.
    pub look_randomised: [u32; MAX_LOOKS],
    /// Bit i set when `design.tests[i]` rejects at the analysis (fixed designs; 0 without
    /// further tests).
    pub tests_reject: u16,
    /// Hypotheses rejected at some look (bit i: hypothesis i; bit 0 alone for a design without
    /// `[design.hypotheses]`).
    pub rejected: u8,
    /// Populations tested at the last analysis: every hypothesis of a non-adaptive design; for
    /// an adaptive design, those selected at the interim for the second stage (0 when the trial
    /// stopped at the interim).
    pub selected: u8,
    /// With hypotheses, the per-population log-rank statistics: of the last analysis in
    /// `[0]`; for an adaptive design, of stage 1 in `[0]` and of the stage-2 increment in `[1]`
    /// (zeros for populations not tested there). Zeros without hypotheses.
    pub populations: [PopulationStats; 2],
    /// With an effect prior (`[prior]`), the hazard ratio drawn for the prior's binning entry
    /// in this replicate; NaN without a prior.
    pub true_hr: f64,
    /// With `[design.reestimation]`, the zone the interim put the trial in: 1, 2, 3 the rule's
    /// zones ([`crate::design::reestimation::Rule::zone_names`]); 0 when no re-estimation was
    /// made (stopped at or before the interim) and for designs without it.
    pub zone: u8,
}

/// A worker's reusable buffers: one per rayon job split, so no allocation per replicate
/// after warm-up.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub(super) cohort: Cohort,
    pub(super) cut: Cut,
    pub(super) analyzer: Analyzer,
    pub(super) monitor: MonitoringWorkspace,
    /// One population's rows of the cut.
    pub(super) sub_cut: Cut,
    /// Bounds at the local levels of a multiple test procedure.
    pub(super) family: FamilyWorkspace,
    /// The function scores of the current cut (with `[function]` and a function test).
    pub(super) visits: Visits,
    /// The function tests' buffers.
    pub(super) function: FunctionAnalyzer,
}

impl Workspace {
    /// The cohort of the last replicate simulated with this workspace.
    pub fn cohort(&self) -> &Cohort {
        &self.cohort
    }

    /// The decision of `test` at one-sided level `alpha` on the current cut: a survival test
    /// on the loaded analyzer ([`Analyzer::decide`]), a function test on the visits
    /// (`visits` must hold the cut's, by [`Cohort::visits_at`]).
    pub(super) fn decide(&mut self, test: &Test, alpha: f64, z_alpha: f64) -> (f64, bool) {
        if test.kind.is_function() {
            let r = self
                .function
                .evaluate(test, &self.visits, &self.cut.time, &self.cut.event);
            (r.z, r.p <= alpha)
        } else {
            self.analyzer.decide(test, alpha, z_alpha)
        }
    }

    /// The (stratified) log-rank of the current cut restricted to the observed strata of the
    /// bit set `strata` (None: the whole cut); the analyzer then holds those data.
    pub(super) fn logrank_in(&mut self, strata: Option<u32>, stratified: bool) -> LogRank {
        let cut = match strata {
            None => &self.cut,
            Some(mask) => {
                self.cut.restrict(mask, &mut self.sub_cut);
                &self.sub_cut
            }
        };
        self.analyzer
            .load(&cut.time, &cut.event, &cut.treated, &cut.stratum);
        self.analyzer.logrank(stratified)
    }

    /// Each population's log-rank statistics on the current cut, with their scores U = E - O.
    pub(super) fn population_stats(
        &mut self,
        h: &HypothesisPlan,
        stratified: bool,
    ) -> (PopulationStats, [f64; MAX_HYPOTHESES]) {
        let mut stats = PopulationStats::default();
        let mut scores = [0.0; MAX_HYPOTHESES];
        for (i, score) in scores.iter_mut().enumerate().take(h.len()) {
            let strata = (!h.whole[i]).then_some(h.populations[i].mask);
            let lr = self.logrank_in(strata, stratified);
            stats.z[i] = lr.z;
            stats.variance[i] = lr.variance;
            stats.events[i] = lr.events as u32;
            *score = lr.expected - lr.observed;
        }
        (stats, scores)
    }
}

/// Tallies of the randomised: per true stratum, misclassified (observed stratum not the true
/// one) and truly ineligible (true stratum not among the design's eligible strata).
pub(super) fn tally(
    model: &Model,
    design: &Design,
    cohort: &Cohort,
    randomised: usize,
) -> ([u32; MAX_STRATA], u32, u32) {
    let mut by_true_stratum = [0u32; MAX_STRATA];
    let mut misclassified = 0;
    let mut true_ineligible = 0;
    if model.population.n_strata() == 1 {
        // One stratum: nobody is misclassified, and everyone randomised is eligible.
        by_true_stratum[0] = randomised as u32;
    } else {
        for i in 0..randomised {
            let t = cohort.true_stratum[i] as usize;
            by_true_stratum[t] += 1;
            misclassified += u32::from(cohort.true_stratum[i] != cohort.observed_stratum[i]);
            true_ineligible += u32::from(!design.eligible[t]);
        }
    }
    (by_true_stratum, misclassified, true_ineligible)
}

/// What the looks of one replicate found; the workspace's analyzer holds the data of the last
/// analysis.
pub(super) struct Looks {
    pub(super) reject: bool,
    pub(super) futility: bool,
    /// Two-sided designs: stopped for harm (Z_k <= -b_k).
    pub(super) harm: bool,
    /// Whether the last look's event count (or calendar time) was reached.
    pub(super) reached: bool,
    pub(super) z: f64,
    pub(super) looks: usize,
    pub(super) look_events: [u32; MAX_LOOKS],
    pub(super) look_time: [f64; MAX_LOOKS],
    pub(super) look_randomised: [u32; MAX_LOOKS],
}
