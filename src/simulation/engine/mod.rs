//! The engine: R replicates on rayon, each from its own random streams, collected in order.
//!
//! Replicate r depends only on (model, design, seed, r): the outcome is the same whichever
//! thread runs it, and outcomes are collected in replicate order and reduced serially by
//! `summary`, so the output is byte-identical for any thread count and any sharding.

mod adaptive;
mod calendar;
mod event_driven;
mod multiple;
mod outcome;
mod reestimation;

use outcome::tally;
pub use outcome::{TrialOutcome, Workspace};

use crate::analysis::Ties;
use crate::design::hypotheses::PopulationStats;
use crate::model::{Design, Model};
use crate::stats::rng::Streams;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Simulates replicate `replicate`: screen and randomise, then analyse at each look (one for a
/// fixed design) until a bound is crossed or the final analysis is done.
///
/// At look k the data are cut at the calendar time of the look's event count and the log-rank
/// z is compared with the efficacy bound (z_(1 - alpha) for a fixed design) and, at an interim,
/// with the futility bound. A sequential design on a Fleming-Harrington weighted log-rank
/// compares that test's z with the efficacy bound recomputed at the observed information
/// fraction `V_k / V_K` (`V_k` the observed weighted variance `sum w^2 V`, `V_K` the planned
/// final one, [`crate::model::SequentialPlan::with_weighted_information`]); its correlations
/// across looks are then `sqrt(t_j / t_k) = sqrt(V_j / V_k)`, those of the observed statistics.
/// A fixed design whose primary test is not the log-rank rejects when
/// that test's one-sided p-value is at most alpha; its further tests (`design.tests`) are
/// evaluated on the same data cut. A trial stopped at a look has randomised only the patients entered
/// by then, and its duration is the look's time. The Cox hazard ratio is estimated on the data
/// of the last analysis.
///
/// With an effect prior, the true hazard ratios are drawn first from their own stream
/// ([`crate::model::prior::EffectPrior::draw`]) and the replicate is simulated under them.
pub fn simulate_one(
    model: &Model,
    design: &Design,
    streams: &Streams,
    replicate: u64,
    ws: &mut Workspace,
) -> TrialOutcome {
    let (drawn, true_hr) = replicate_model(model, streams, replicate);
    let mut outcome = simulate_given(drawn.as_ref(), design, streams, replicate, ws);
    if let Some(hr) = true_hr {
        outcome.true_hr = hr;
    }
    outcome
}

/// The model replicate `replicate` is simulated under: `model` itself, or, with priors, the
/// model with this replicate's drawn slowing (`[function.prior]`, from its own stream) and
/// drawn hazard ratios (`[prior]`, [`crate::model::prior::EffectPrior::draw`]), and the hazard
/// ratio drawn for the prior's binning entry.
fn replicate_model<'m>(
    model: &'m Model,
    streams: &Streams,
    replicate: u64,
) -> (std::borrow::Cow<'m, Model>, Option<f64>) {
    use std::borrow::Cow;
    let mut drawn = Cow::Borrowed(model);
    if let Some(slowing) = model
        .function
        .as_ref()
        .and_then(|f| f.drawn_slowing(streams, replicate))
        && let Some(f) = drawn.to_mut().function.as_mut()
    {
        f.slowing = slowing;
    }
    match &model.prior {
        None => (drawn, None),
        Some(prior) => {
            let hrs = prior.draw(streams, replicate);
            let with = drawn.with_drawn_hazard_ratios(prior, &hrs[..prior.entries.len()]);
            (Cow::Owned(with), Some(hrs[prior.bin_by]))
        }
    }
}

/// [`simulate_one`] under the model's fixed hazard ratios.
fn simulate_given(
    model: &Model,
    design: &Design,
    streams: &Streams,
    replicate: u64,
    ws: &mut Workspace,
) -> TrialOutcome {
    // Adaptive enrichment (with or without re-estimating its stage-2 deaths), event
    // re-estimation, several hypotheses: their own paths; the single hypothesis on all
    // eligible strata goes on here.
    if let (Some(plan), Some(h)) = (&design.adaptive, &design.hypotheses) {
        let reestimation = design.reestimation.as_ref();
        return adaptive::simulate_one(
            model,
            design,
            h,
            plan,
            reestimation,
            streams,
            replicate,
            ws,
        );
    }
    if let Some(plan) = &design.reestimation {
        return reestimation::simulate_one(model, design, plan, streams, replicate, ws);
    }
    match &design.hypotheses {
        Some(h) if !h.is_single_whole() => {
            return multiple::simulate_one(model, design, h, streams, replicate, ws);
        }
        _ => {}
    }
    ws.cohort.simulate(model, design, streams, replicate);
    let l = match design.sequential.as_ref().filter(|p| p.calendar_final) {
        Some(plan) => calendar::monitor(design, plan, ws),
        None => event_driven::monitor(model, design, ws),
    };
    let (reject, futility, harm, reached, z, looks, look_events, look_time, look_randomised) = (
        l.reject,
        l.futility,
        l.harm,
        l.reached,
        l.z,
        l.looks,
        l.look_events,
        l.look_time,
        l.look_randomised,
    );
    // The analyzer holds the data of the last analysis.
    let mut tests_reject = 0u16;
    for (i, test) in design.tests.iter().enumerate() {
        let (_, rejects) = ws.decide(test, design.alpha, design.z_critical);
        tests_reject |= u16::from(rejects) << i;
    }
    let cox = ws.analyzer.cox(design.stratified, Ties::Efron);
    let cut = &ws.cut;

    let randomised = cut.time.len();
    let (by_true_stratum, misclassified, true_ineligible) =
        tally(model, design, &ws.cohort, randomised);
    TrialOutcome {
        replicate,
        reject,
        futility,
        harm,
        z,
        hr: cox.hr,
        events: cut.events,
        randomised: randomised as u32,
        screened: cut.screened,
        duration: look_time[looks.max(1) - 1],
        reached,
        misclassified,
        true_ineligible,
        by_true_stratum,
        looks: looks as u8,
        look_events,
        look_time,
        look_randomised,
        tests_reject,
        rejected: u8::from(reject),
        selected: 1,
        populations: [PopulationStats::default(); 2],
        true_hr: f64::NAN,
        zone: 0,
    }
}

/// Which replicates a run simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replicates {
    /// Total replicates of the full run (r = 0..total).
    pub total: u64,
    /// This shard's index i: replicates with r mod n == i.
    pub shard: u64,
    /// Number of shards n (1 = the whole run).
    pub shards: u64,
}

impl Replicates {
    /// All `total` replicates in one shard.
    pub fn all(total: u64) -> Self {
        Replicates {
            total,
            shard: 0,
            shards: 1,
        }
    }

    /// How many replicates this shard runs.
    pub fn count(&self) -> u64 {
        if self.shard >= self.total {
            0
        } else {
            (self.total - self.shard).div_ceil(self.shards)
        }
    }

    /// The k-th replicate index of this shard.
    #[inline]
    pub fn index(&self, k: u64) -> u64 {
        self.shard + k * self.shards
    }
}

/// Runs the replicates in parallel on the current rayon pool and returns their outcomes in
/// replicate order. `progress` is called now and then with the number finished so far.
pub fn run(
    model: &Model,
    design: &Design,
    seed: u64,
    replicates: Replicates,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<TrialOutcome> {
    run_points(&[(model, design)], seed, replicates, progress, None)
        .pop()
        .unwrap_or_default()
}

/// Replicate-point simulations per block: the cancel flag is honoured within a block, and a
/// cancelled run keeps the replicates completed at every point before the first one missing.
const BLOCK_ITEMS: usize = 8192;

/// Runs the same replicates at several points (model and design pairs: a sweep's grid, a
/// search's candidate sizes) on the current rayon pool. Every point uses the same streams for
/// replicate r, so the points are compared on common random numbers.
///
/// Returns one outcome vector per point, in replicate order, all of the same length: all of
/// this shard's replicates, or, when `cancel` is raised, the first k of them that were finished
/// at every point (k replicates of a partial run are exactly those of a run of k replicates).
/// Replicates are processed in blocks, point by point within a replicate, so a cancelled run
/// loses at most the unfinished part of one block. `progress` is called now and then with the
/// number of replicate-point simulations finished so far.
pub fn run_points(
    points: &[(&Model, &Design)],
    seed: u64,
    replicates: Replicates,
    progress: &(dyn Fn(u64) + Sync),
    cancel: Option<&AtomicBool>,
) -> Vec<Vec<TrialOutcome>> {
    let streams = Streams::new(seed);
    let count = replicates.count() as usize;
    let n_points = points.len();
    // (capacity grows with the results: a run stopped early may have asked for millions)
    let mut outcomes: Vec<Vec<TrialOutcome>> = (0..n_points)
        .map(|_| Vec::with_capacity(count.min(1 << 16)))
        .collect();
    if n_points == 0 {
        return outcomes;
    }
    let cancelled = || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let block = (BLOCK_ITEMS / n_points).max(64);
    let done = AtomicU64::new(0);
    let mut start = 0;
    while start < count && !cancelled() {
        let end = (start + block).min(count);
        // Item i is replicate start + i / n_points at point i % n_points.
        let results: Vec<Option<TrialOutcome>> = ((start * n_points)..(end * n_points))
            .into_par_iter()
            .with_min_len(16)
            .map_init(Workspace::default, |ws, i| {
                if cancelled() {
                    return None;
                }
                let (model, design) = points[i % n_points];
                let r = replicates.index((i / n_points) as u64);
                let outcome = simulate_one(model, design, &streams, r, ws);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if finished.is_multiple_of(256) {
                    progress(finished);
                }
                Some(outcome)
            })
            .collect();
        let complete = results
            .chunks(n_points)
            .take_while(|replicate| replicate.iter().all(Option::is_some))
            .count();
        for replicate in results.chunks(n_points).take(complete) {
            for (point, outcome) in outcomes.iter_mut().zip(replicate) {
                point.extend(*outcome);
            }
        }
        if complete < end - start {
            break;
        }
        start = end;
    }
    outcomes
}

/// How a run is carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Replicates of the full run.
    pub reps: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (None: all cores). Never changes the result.
    pub threads: Option<usize>,
    /// A shard of the replicates (None: all of them).
    pub replicates: Option<Replicates>,
}

/// Most worker threads `--threads` may ask for. The pool itself never has more than
/// [`THREADS_PER_CORE`] per core, nor more than one per replicate (more threads than that only
/// cost time and memory: a replicate runs on one thread, and the result never depends on the
/// thread count).
pub const MAX_THREADS: usize = 1024;

/// Most pool threads per available core.
pub const THREADS_PER_CORE: usize = 4;

impl RunOptions {
    /// Checks the options: replicates in 1..=10^9, threads in 1..=[`MAX_THREADS`].
    pub fn check(&self) -> crate::Result<()> {
        if self.reps == 0 || self.reps > 1_000_000_000 {
            return Err(crate::Error::usage(
                "--reps",
                self.reps,
                "a whole number in 1..=1000000000",
            ));
        }
        if let Some(t) = self.threads
            && !(1..=MAX_THREADS).contains(&t)
        {
            return Err(crate::Error::usage(
                "--threads",
                t,
                format!("a whole number in 1..={MAX_THREADS}"),
            ));
        }
        Ok(())
    }

    /// The threads the pool gets: those asked for (all cores by default), at most
    /// [`THREADS_PER_CORE`] per core and at most one per replicate simulated.
    pub fn pool_threads(&self) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let replicates = self.replicates.map_or(self.reps, |r| r.count()).max(1);
        let asked = self.threads.unwrap_or(cores);
        asked
            .min(THREADS_PER_CORE * cores)
            .min(usize::try_from(replicates).unwrap_or(usize::MAX))
            .max(1)
    }

    /// Runs `work` on a rayon pool of [`RunOptions::pool_threads`] threads.
    pub fn in_pool<T: Send>(&self, work: impl FnOnce() -> T + Send) -> crate::Result<T> {
        self.check()?;
        let threads = self.pool_threads();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| {
                crate::Error::usage(
                    "--threads",
                    format!("{threads} ({e})"),
                    "a number of threads the system can start",
                )
            })?;
        Ok(pool.install(work))
    }
}
