//! The event-time table: the sufficient statistics of a two-arm survival data cut.
//!
//! For one binary covariate the log-rank statistic, the Cox partial likelihood (Breslow or Efron
//! ties) and the Kaplan-Meier curve of each arm depend on the data only through, at each distinct
//! event time `t` (within each stratum when stratified):
//!
//! * `n0(t)`, `n1(t)`: control and treated patients at risk, i.e. with time `>= t` (so patients
//!   censored at `t` are at risk for the events at `t`, as in R's `survival`);
//! * `d0(t)`, `d1(t)`: control and treated events at `t`.
//!
//! [`Analyzer::load`] builds these rows once per data cut: it packs each patient into one `u128`
//! sort key `(time bits, stratum, event, arm)` (the bit pattern of a non-negative `f64` is monotone
//! as an unsigned integer), sorts the keys with `sort_unstable`, then walks them from the largest
//! time down, accumulating the risk sets. The buffers are reused, so after warm-up `load`
//! allocates nothing.

/// One row of the event-time table: a distinct event time (within a stratum, for the stratified
/// table) with the numbers at risk and the events in each arm, stored as `f64` for the arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct EventRow {
    /// The event time (months).
    pub time: f64,
    /// Control patients at risk at `time` (time `>= time`).
    pub n0: f64,
    /// Treated patients at risk at `time`.
    pub n1: f64,
    /// Control events at `time`.
    pub d0: f64,
    /// Treated events at `time`.
    pub d1: f64,
}

/// Largest stratum value for which the per-stratum risk counters are indexed directly (beyond it,
/// and beyond a few times `n`, stratum values are first mapped to their rank).
const DENSE_STRATA_LIMIT: u32 = 1 << 16;

/// Reusable workspace for the analysis of one data cut: one per worker thread; [`Analyzer::load`]
/// reuses its buffers, so no allocation after warm-up.
#[derive(Default, Clone, Debug)]
pub struct Analyzer {
    /// Packed sort keys: time bits (high 64), stratum (bits 2..34), event (bit 1), treated (bit 0).
    keys: Vec<u128>,
    /// Event-time table pooled over strata, in DEcreasing time order.
    pub(crate) pooled: Vec<EventRow>,
    /// Event-time table per stratum (rows of all strata, in no particular order between strata);
    /// empty when there is a single stratum (then the pooled table is the stratified one).
    pub(crate) stratified: Vec<EventRow>,
    /// Per-stratum risk counters [control, treated] during `load`.
    risk: Vec<[u32; 2]>,
    /// Sorted distinct stratum values, used only when they are too sparse to index directly.
    levels: Vec<u32>,
    n: usize,
    n_strata: usize,
    n_arm: [usize; 2],
    events_arm: [usize; 2],
    /// Largest follow-up time in each arm [control, treated] (needed by the KM median rule).
    pub(crate) max_time: [f64; 2],
}

impl Analyzer {
    /// An empty workspace (equivalent to `Analyzer::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads one data cut and builds its event-time tables.
    ///
    /// * `time`: months from randomisation, finite and `>= 0` (a negative or NaN time, which the
    ///   caller must not pass, is treated as 0 rather than panicking; `-0.0` is `0`);
    /// * `event`: `true` when the event was observed, `false` when censored;
    /// * `treated`: `true` for the treatment arm, `false` for control;
    /// * `stratum`: any `u32` labels; the number of strata is the number of distinct values.
    ///
    /// All slices should have the same length; if not, only the common prefix is used.
    pub fn load(&mut self, time: &[f64], event: &[bool], treated: &[bool], stratum: &[u32]) {
        debug_assert!(
            time.len() == event.len() && time.len() == treated.len() && time.len() == stratum.len(),
            "Analyzer::load: slices of different lengths"
        );
        let n = time
            .len()
            .min(event.len())
            .min(treated.len())
            .min(stratum.len());
        let (time, event, treated, stratum) =
            (&time[..n], &event[..n], &treated[..n], &stratum[..n]);
        self.n = n;
        self.n_arm = [0; 2];
        self.events_arm = [0; 2];
        self.max_time = [0.0; 2];
        self.pooled.clear();
        self.stratified.clear();
        self.keys.clear();

        // Strata: a single one (the common case in the hot loop) needs no per-stratum table.
        let (mut smin, mut smax) = (u32::MAX, 0u32);
        for &s in stratum {
            smin = smin.min(s);
            smax = smax.max(s);
        }
        let single = n == 0 || smin == smax;
        let dense = single || (smax < DENSE_STRATA_LIMIT && (smax as usize) <= 4 * n + 64);
        self.levels.clear();
        self.risk.clear();
        if single {
            self.n_strata = usize::from(n > 0);
        } else if dense {
            self.risk.resize(smax as usize + 1, [0; 2]);
            for &s in stratum {
                self.risk[s as usize][0] = 1; // presence mark, reset below
            }
            self.n_strata = self.risk.iter().filter(|r| r[0] == 1).count();
            self.risk.iter_mut().for_each(|r| *r = [0; 2]);
        } else {
            self.levels.extend_from_slice(stratum);
            self.levels.sort_unstable();
            self.levels.dedup();
            self.n_strata = self.levels.len();
            self.risk.resize(self.levels.len(), [0; 2]);
        }

        // Pack and sort.
        self.keys.reserve(n);
        for i in 0..n {
            let t = if time[i] > 0.0 { time[i] } else { 0.0 };
            let arm = usize::from(treated[i]);
            self.n_arm[arm] += 1;
            self.events_arm[arm] += usize::from(event[i]);
            if t > self.max_time[arm] {
                self.max_time[arm] = t;
            }
            let s = if single { 0 } else { stratum[i] };
            self.keys.push(
                (u128::from(t.to_bits()) << 64)
                    | (u128::from(s) << 2)
                    | (u128::from(event[i]) << 1)
                    | u128::from(treated[i]),
            );
        }
        self.keys.sort_unstable();

        // Walk from the largest time down; risk sets grow as we go.
        let keys = &self.keys;
        let mut pooled_risk = [0u32; 2];
        let mut i = n;
        while i > 0 {
            let time_bits = (keys[i - 1] >> 64) as u64;
            let t = f64::from_bits(time_bits);
            let mut pooled_added = [0u32; 2];
            let mut pooled_events = [0u32; 2];
            while i > 0 && (keys[i - 1] >> 64) as u64 == time_bits {
                // One (time, stratum) group.
                let group = keys[i - 1] >> 2;
                let s = group as u32;
                let mut added = [0u32; 2];
                let mut events = [0u32; 2];
                while i > 0 && keys[i - 1] >> 2 == group {
                    let k = keys[i - 1] as u32;
                    let arm = (k & 1) as usize;
                    added[arm] += 1;
                    events[arm] += (k >> 1) & 1;
                    i -= 1;
                }
                if !single {
                    let idx = if dense {
                        s as usize
                    } else {
                        // `s` is one of the levels by construction.
                        self.levels.binary_search(&s).unwrap_or(0)
                    };
                    let r = &mut self.risk[idx];
                    r[0] += added[0];
                    r[1] += added[1];
                    if events[0] + events[1] > 0 {
                        self.stratified.push(row(t, *r, events));
                    }
                }
                pooled_added[0] += added[0];
                pooled_added[1] += added[1];
                pooled_events[0] += events[0];
                pooled_events[1] += events[1];
            }
            pooled_risk[0] += pooled_added[0];
            pooled_risk[1] += pooled_added[1];
            if pooled_events[0] + pooled_events[1] > 0 {
                self.pooled.push(row(t, pooled_risk, pooled_events));
            }
        }
    }

    /// Number of patients loaded.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of events (observed, not censored) loaded.
    pub fn events(&self) -> usize {
        self.events_arm[0] + self.events_arm[1]
    }

    /// Number of distinct strata loaded (0 when nothing is loaded).
    pub fn n_strata(&self) -> usize {
        self.n_strata
    }

    /// Number of patients in one arm (`treated = true`: treatment arm).
    pub fn n_arm(&self, treated: bool) -> usize {
        self.n_arm[usize::from(treated)]
    }

    /// Number of events in one arm.
    pub fn events_arm(&self, treated: bool) -> usize {
        self.events_arm[usize::from(treated)]
    }

    /// The event-time table: pooled over strata (in decreasing time) or per stratum (rows of the
    /// different strata in no particular order; the pooled table when there is one stratum).
    pub fn table(&self, stratified: bool) -> &[EventRow] {
        if stratified && self.n_strata > 1 {
            &self.stratified
        } else {
            &self.pooled
        }
    }
}

#[inline]
fn row(time: f64, risk: [u32; 2], events: [u32; 2]) -> EventRow {
    EventRow {
        time,
        n0: f64::from(risk[0]),
        n1: f64::from(risk[1]),
        d0: f64::from(events[0]),
        d1: f64::from(events[1]),
    }
}
