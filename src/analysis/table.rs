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
//! [`Analyzer::load`] builds these rows once per data cut: it packs each patient into one `u64`
//! sort key, the time's bit pattern with its low [`PAYLOAD_BITS`] bits replaced by
//! `(stratum, event, arm)` (the bit pattern of a non-negative `f64` is monotone as an unsigned
//! integer), sorts the keys (a bucket sort on the time, then `sort_unstable` within
//! buckets; no comparator closures on `f64`), then walks them from the largest time down,
//! accumulating the risk sets. The buffers are reused, so after warm-up `load`
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

/// Low bits of a time's IEEE-754 pattern that carry the payload (stratum, event, arm) in a sort key.
///
/// Times are therefore compared on their top 52 bits: two times that agree to a relative
/// 2^-40 (about 9e-13) are treated as tied. R's survival package merges far more coarsely
/// (`timefix` treats times within about 1.5e-8 relative as equal; `enrichsim analyze` does the
/// same first, see `timefix.rs`), so any two times R would tell apart are told apart here too.
/// The times of the table's rows carry that truncation ([`key_time`]); `enrichsim analyze`
/// reports the data's own times (the Kaplan-Meier median: `report.rs`).
pub const PAYLOAD_BITS: u32 = 12;
const TIME_MASK: u64 = !((1u64 << PAYLOAD_BITS) - 1);

/// A time as the event-time table holds it: its low [`PAYLOAD_BITS`] bits cleared (negative
/// and NaN times as 0, as in [`Analyzer::load`]).
#[inline]
pub(crate) fn key_time(t: f64) -> f64 {
    let t = if t > 0.0 { t } else { 0.0 };
    f64::from_bits(t.to_bits() & TIME_MASK)
}

/// Most strata a data cut may have (10 bits of the sort key): stratum values below it are used as
/// they are; otherwise values are mapped to their rank among the distinct values.
pub const MAX_STRATA: u32 = 1 << (PAYLOAD_BITS - 2);

/// Reusable workspace for the analysis of one data cut: one per worker thread; [`Analyzer::load`]
/// reuses its buffers, so no allocation after warm-up.
#[derive(Default, Clone, Debug)]
pub struct Analyzer {
    /// Packed sort keys: the time's bits with the low 12 replaced by the stratum index
    /// (bits 2..12), event (bit 1) and treated (bit 0). See [`PAYLOAD_BITS`].
    keys: Vec<u64>,
    /// Event-time table pooled over strata, in DEcreasing time order: the first `pooled_len`
    /// rows (the buffer beyond is scratch); read it through [`Analyzer::table`].
    pooled: Vec<EventRow>,
    pooled_len: usize,
    /// Event-time table per stratum (rows of all strata, in no particular order between strata),
    /// the first `stratified_len` rows; empty when there is a single stratum (then the pooled
    /// table is the stratified one).
    stratified: Vec<EventRow>,
    stratified_len: usize,
    /// The stratum slot (index into `risk`) of each row of `stratified`.
    stratified_stratum: Vec<u32>,
    /// Per-stratum risk counters [control, treated] during `load`.
    risk: Vec<[u32; 2]>,
    /// Sorted distinct stratum values, used only when they are too sparse to index directly.
    levels: Vec<u32>,
    /// Bucket-sort workspace: the keys scattered by bucket, each key's bucket, bucket offsets.
    sorted: Vec<u64>,
    bucket: Vec<u32>,
    counts: Vec<u32>,
    n: usize,
    n_strata: usize,
    n_arm: [usize; 2],
    events_arm: [usize; 2],
    /// Largest follow-up time in each arm [control, treated] (needed by the KM median rule).
    pub(crate) max_time: [f64; 2],
    /// Patients per arm [control, treated], as one stratum slot.
    pooled_sizes: [u32; 2],
    /// Per-stratum scratch of the weighted and Kaplan-Meier based tests.
    pub(crate) scratch: Vec<f64>,
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
        self.pooled_len = 0;
        self.stratified_len = 0;

        // Strata: a single one (the common case in the hot loop) needs no per-stratum table.
        let (mut smin, mut smax) = (u32::MAX, 0u32);
        for &s in stratum {
            smin = smin.min(s);
            smax = smax.max(s);
        }
        let single = n == 0 || smin == smax;
        let dense = single || smax < MAX_STRATA;
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

        // Pack, then sort. Counters and extremes live in locals (registers) and the keys are
        // written by index: no per-patient capacity check or store back into `self`.
        self.keys.resize(n, 0);
        let keys = &mut self.keys[..n];
        let (mut n1, mut ev0, mut ev1) = (0usize, 0usize, 0usize);
        let (mut max0, mut max1) = (0.0f64, 0.0f64);
        let (mut tmin, mut tmax) = (f64::INFINITY, 0.0f64);
        for i in 0..n {
            // Comparisons rather than f64::min/max: t is never NaN here, and a plain `<`
            // compiles to one instruction.
            let t = if time[i] > 0.0 { time[i] } else { 0.0 };
            let (arm, ev) = (treated[i], event[i]);
            n1 += usize::from(arm);
            ev1 += usize::from(ev & arm);
            ev0 += usize::from(ev & !arm);
            // The arm's time, and 0 for the other arm (exact: t * 1 = t, t - t = 0), with no
            // branch on the arm (a coin toss for the branch predictor).
            let t1 = t * f64::from(u8::from(arm));
            let t0 = t - t1;
            max1 = if t1 > max1 { t1 } else { max1 };
            max0 = if t0 > max0 { t0 } else { max0 };
            tmin = if t < tmin { t } else { tmin };
            tmax = if t > tmax { t } else { tmax };
            let s = if single {
                0
            } else if dense {
                stratum[i]
            } else {
                // A rank among the levels; more than MAX_STRATA levels share the last index
                // (callers refuse such data: see `dataset::read_csv`).
                (self.levels.binary_search(&stratum[i]).unwrap_or(0) as u32).min(MAX_STRATA - 1)
            };
            keys[i] = (t.to_bits() & TIME_MASK)
                | (u64::from(s) << 2)
                | (u64::from(ev) << 1)
                | u64::from(arm);
        }
        self.n_arm = [n - n1, n1];
        self.pooled_sizes = [(n - n1) as u32, n1 as u32];
        self.events_arm = [ev0, ev1];
        self.max_time = [max0, max1];
        self.sort_keys(tmin, tmax);

        // Walk from the largest time down; risk sets grow as we go. Counters are scalars (kept
        // in registers), not small arrays, which the compiler would spill to the stack.
        // Rows are written without a data-dependent branch: each distinct time writes the next
        // slot, which is kept (the length advanced) only when the time has events; whether a
        // time is an event or a censoring is a coin toss for the branch predictor. The row
        // buffers only grow, so after warm-up nothing is allocated or cleared.
        if self.pooled.len() < n {
            self.pooled.resize(n, EventRow::default());
        }
        if !single && self.stratified.len() < n {
            self.stratified.resize(n, EventRow::default());
            self.stratified_stratum.resize(n, 0);
        }
        let (mut pooled_len, mut stratified_len) = (0usize, 0usize);
        let keys = &self.keys;
        let (mut risk0, mut risk1) = (0u32, 0u32);
        let mut i = n;
        while i > 0 {
            let time_bits = keys[i - 1] & TIME_MASK;
            let t = f64::from_bits(time_bits);
            // Patients (a) and events (e) at this time, control (0) and treated (1).
            let (mut a0, mut a1, mut e0, mut e1) = (0u32, 0u32, 0u32, 0u32);
            if single {
                while i > 0 && keys[i - 1] & TIME_MASK == time_bits {
                    let k = keys[i - 1] as u32;
                    let (arm, ev) = (k & 1, (k >> 1) & 1);
                    a1 += arm;
                    a0 += 1 - arm;
                    e1 += ev & arm;
                    e0 += ev & (1 - arm);
                    i -= 1;
                }
            } else {
                while i > 0 && keys[i - 1] & TIME_MASK == time_bits {
                    // One (time, stratum) group: the keys sort by stratum within a time.
                    let group = keys[i - 1] >> 2;
                    let s = (group as u32) & (MAX_STRATA - 1);
                    let (mut b0, mut b1, mut f0, mut f1) = (0u32, 0u32, 0u32, 0u32);
                    while i > 0 && keys[i - 1] >> 2 == group {
                        let k = keys[i - 1] as u32;
                        let (arm, ev) = (k & 1, (k >> 1) & 1);
                        b1 += arm;
                        b0 += 1 - arm;
                        f1 += ev & arm;
                        f0 += ev & (1 - arm);
                        i -= 1;
                    }
                    let idx = s as usize;
                    let r = self.risk[idx];
                    let r = [r[0] + b0, r[1] + b1];
                    self.risk[idx] = r;
                    self.stratified[stratified_len] = row(t, r, [f0, f1]);
                    self.stratified_stratum[stratified_len] = s;
                    stratified_len += usize::from(f0 + f1 > 0);
                    a0 += b0;
                    a1 += b1;
                    e0 += f0;
                    e1 += f1;
                }
            }
            risk0 += a0;
            risk1 += a1;
            self.pooled[pooled_len] = row(t, [risk0, risk1], [e0, e1]);
            pooled_len += usize::from(e0 + e1 > 0);
        }
        self.pooled_len = pooled_len;
        self.stratified_len = stratified_len;
    }

    /// Sorts `keys` ascending. Bucket sort by interpolation on the time (`n` buckets spanning
    /// `[tmin, tmax]`; the bucket index `floor((t - tmin) n / (tmax - tmin))` is monotone in `t`
    /// because IEEE rounding is), then one insertion sort over the bucketed array on the full key
    /// (crowded buckets are first sorted by `sort_unstable`): O(n) expected for any smooth time
    /// distribution, and about one `sort_unstable` at worst (everything in one bucket, e.g. all
    /// times equal).
    fn sort_keys(&mut self, tmin: f64, tmax: f64) {
        let n = self.keys.len();
        if n < 64 || tmax.is_nan() || tmax <= tmin || !(tmax - tmin).is_finite() {
            self.keys.sort_unstable();
            return;
        }
        // At most 2^31 - 1 buckets, so the bucket index fits an i32, whose conversion from f64
        // is cheaper than usize's.
        let nb = n.min(i32::MAX as usize);
        let top = (nb - 1) as i32;
        let scale = nb as f64 / (tmax - tmin);
        self.bucket.resize(n, 0);
        self.counts.clear();
        self.counts.resize(nb + 1, 0);
        for (&k, bucket) in self.keys.iter().zip(&mut self.bucket) {
            let t = f64::from_bits(k & TIME_MASK);
            let b = (((t - tmin) * scale) as i32).clamp(0, top) as usize;
            *bucket = b as u32;
            self.counts[b + 1] += 1;
        }
        // Prefix sums with the running total in a register (not re-read from memory).
        let mut total = 0u32;
        for c in &mut self.counts {
            total += *c;
            *c = total;
        }
        // counts[b] is now the start of bucket b; scatter, advancing the starts.
        // Every slot is written by the scatter: grow only, never clear.
        if self.sorted.len() < n {
            self.sorted.resize(n, 0);
        }
        for (&k, &b) in self.keys.iter().zip(&self.bucket) {
            let slot = &mut self.counts[b as usize];
            self.sorted[*slot as usize] = k;
            *slot += 1;
        }
        // The keys are now in bucket order and out of order only within a bucket (about one key
        // per bucket): one insertion sort over the whole array costs O(n + inversions), with no
        // per-bucket branch on the bucket's size. Buckets that hold many keys (e.g. heavy ties)
        // are sorted first so that insertion never meets a long unsorted run.
        let mut start = 0usize;
        for b in 0..nb {
            let end = self.counts[b] as usize;
            if end - start > 16 {
                self.sorted[start..end].sort_unstable();
            }
            start = end;
        }
        insertion_sort(&mut self.sorted[..n]);
        std::mem::swap(&mut self.keys, &mut self.sorted);
        self.keys.truncate(n);
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
            &self.stratified[..self.stratified_len]
        } else {
            &self.pooled[..self.pooled_len]
        }
    }
}

/// The event-time table with, when stratified, each row's stratum slot; for the statistics
/// that need per-stratum state (weighted log-rank, Kaplan-Meier based tests).
#[derive(Clone, Copy, Debug)]
pub(crate) struct StrataRows<'a> {
    /// Rows in decreasing time within each stratum (pooled: decreasing time).
    pub rows: &'a [EventRow],
    /// Stratum slot of each row, `None` for the pooled table (one slot, 0).
    pub slot: Option<&'a [u32]>,
    /// Patients per slot `[control, treated]` (pooled: one slot).
    pub sizes: &'a [[u32; 2]],
}

impl StrataRows<'_> {
    /// Number of stratum slots (some may be empty when the stratum values are sparse).
    pub fn slots(&self) -> usize {
        self.sizes.len()
    }

    /// The slot of row `i`.
    #[inline]
    pub fn slot_of(&self, i: usize) -> usize {
        self.slot.map_or(0, |s| s[i] as usize)
    }
}

impl Analyzer {
    /// The table with stratum slots: per stratum when `stratified` and more than one stratum
    /// was loaded, else pooled.
    pub(crate) fn strata_rows(&self, stratified: bool) -> StrataRows<'_> {
        if stratified && self.n_strata > 1 {
            StrataRows {
                rows: &self.stratified[..self.stratified_len],
                slot: Some(&self.stratified_stratum[..self.stratified_len]),
                // After `load` the risk counters hold each stratum's totals.
                sizes: &self.risk,
            }
        } else {
            StrataRows {
                rows: &self.pooled[..self.pooled_len],
                slot: None,
                sizes: std::slice::from_ref(&self.pooled_sizes),
            }
        }
    }
}

/// Insertion sort for the small buckets (cheaper than a call into the general sort).
#[inline]
fn insertion_sort(v: &mut [u64]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
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
