//! The Combined Assessment of Function and Survival (CAFS; Berry et al. 2013, "The Combined
//! Assessment of Function and Survival (CAFS): a new endpoint for ALS clinical trials",
//! Amyotroph Lateral Scler Frontotemporal Degener 14:162-168): the joint rank test of
//! Finkelstein and Schoenfeld (1999, "Combining mortality and longitudinal measures in clinical
//! trials", Stat Med 18:1341-1354), which compares every pair of patients first on survival and,
//! when survival cannot tell them apart, on the change in ALSFRS-R.
//!
//! # The pairwise rule
//!
//! Survival is first truncated at the horizon `t` (months): a patient followed past `t` alive,
//! or who dies after `t`, is *alive at the horizon* (time `t`, no death); a patient censored
//! exactly at `t` is alive at the horizon too, one who dies exactly at `t` is a death at `t`.
//! With `T` the truncated time and `D` the truncated death indicator, patient `i` against
//! patient `j` scores `u_ij`:
//!
//! 1. `u_ij = +1` when `i` is known to have outlived `j`: `D_j` and (`T_j < T_i`, or
//!    `T_j = T_i` and not `D_i`), Gehan's (1965) rule, a patient censored at a death's time
//!    counting as having outlived it; `u_ij = -1` in the mirror case;
//! 2. otherwise, when both are alive at the horizon, `u_ij = sign(c_i - c_j)` on their ALSFRS-R
//!    changes from baseline at the horizon (the larger change, i.e. the smaller decline, is
//!    better); equal changes, or a change missing (NaN) on either side, give 0;
//! 3. every other pair (e.g. one censored before the other's death could be seen, or two deaths
//!    at the same time) scores 0.
//!
//! Each patient's score is `U_i = sum_{j != i} u_ij` (wins minus losses; over the patients of
//! its stratum when stratified), and `sum_i U_i = 0`. The statistic is `T = sum_{i treated} U_i`;
//! under the permutation null (treatment labels exchangeable given the scores)
//! `E T = 0` and `Var T = n_t n_c / (n (n - 1)) sum_i U_i^2` (Finkelstein and Schoenfeld 1999,
//! section 2), and `z = T / sqrt(Var T)` is referred to the standard normal; `z > 0` favours
//! treatment. Stratified, `T` and `Var T` are sums over strata of the within-stratum values.
//! Berry et al. (2013) rank the patients by `U_i` and compare the arms' ranks; the test here is
//! the Finkelstein-Schoenfeld form on the scores themselves, as their section "Statistical
//! analysis" describes it.
//!
//! Since the treated-treated pairs cancel, `T = W - L`, with `W` (`L`) the treatment-control pairs
//! that the treated patient wins (loses). From these counts come the win probability
//! `(W + ties / 2) / (n_t n_c)` (the probability that a random treated patient does better than a
//! random control, ties split; Buyse 2010, "Generalized pairwise comparisons of prioritized
//! outcomes in the two-sample problem", Stat Med 29:3245-3257) and the win ratio `W / L`
//! (Pocock et al. 2012, "The win ratio: a new approach to the analysis of composite endpoints in
//! clinical trials based on clinical priorities", Eur Heart J 33:176-182). When stratified, the
//! counts are over the treatment-control pairs within a stratum (the pairs the stratified
//! statistic compares), pooled over strata; unstratified, over all treatment-control pairs.
//!
//! # Cost
//!
//! `O(n log n)` rather than the `O(n^2)` of the definition: the patients not alive at the horizon
//! are sorted once by (stratum, truncated time) and the patients alive at the horizon by
//! (stratum, change), each into one `u128` key that also carries the patient's index and arm
//! (a bucket sort, `O(n)` expected, falling back to `sort_unstable`: see `sort_keys`), and
//! each sorted run is swept once with running counts (all patients and controls only). In the time
//! sweep a death at `t` wins against the earlier deaths and loses to every patient later in the
//! run, to those censored at `t` and to every patient alive at the horizon; a patient censored at
//! `t` wins against the deaths at or before `t` and never loses. A patient alive at the horizon
//! wins against every death of its stratum and, on function, against the lower changes and loses
//! to the higher ones. Ties in time or change are whole groups of equal values, compared
//! exactly (no tolerance: times that differ in the last bit are not tied). Only the workspace's
//! buffers are used: no allocation after warm-up. For 500 patients a call takes about 7.5 µs
//! (`benches/cafs.rs`; the pairwise definition about 330 µs).

use crate::stats::normal;

/// Result of the CAFS (Finkelstein-Schoenfeld) test of treatment versus control.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cafs {
    /// `z = T / sqrt(Var T)`, `> 0` favouring treatment; 0 when undefined (`Var T = 0`: fewer
    /// than two patients, one arm empty in every stratum, or every pair tied).
    pub z: f64,
    /// One-sided p-value `1 - Phi(z)` (small when `z` is large); 1 when `z` is undefined.
    pub p: f64,
    /// `T = sum_{i treated} U_i` (a whole number, `= wins - losses`).
    pub statistic: f64,
    /// Permutation variance `sum_strata n_t n_c / (n (n - 1)) sum_i U_i^2`.
    pub variance: f64,
    /// `(wins + ties / 2) / (wins + losses + ties)` over the treatment-control pairs; 0.5 when
    /// there is no such pair.
    pub win_probability: f64,
    /// Treatment-control pairs won by the treated patient (`u_ij = +1`).
    pub wins: u64,
    /// Treatment-control pairs lost by the treated patient (`u_ij = -1`).
    pub losses: u64,
    /// Treatment-control pairs tied (`u_ij = 0`).
    pub ties: u64,
    /// `wins / losses`: `+inf` when `losses = 0 < wins`, NaN when both are 0.
    pub win_ratio: f64,
}

/// Reusable buffers of [`test`]: one per worker thread; nothing is allocated after warm-up.
#[derive(Clone, Debug, Default)]
pub struct CafsWorkspace {
    /// Patients not alive at the horizon (the first of them):
    /// `stratum << 96 | time bits << 33 | index << 2 | death << 1 | control`.
    timed: Vec<u128>,
    /// Patients alive at the horizon (the first of them):
    /// `stratum << 96 | change key << 32 | index << 1 | control`.
    alive: Vec<u128>,
    /// `U_i` of the last call, in the input's order.
    score: Vec<i64>,
    /// The keys' buckets and the buckets' counts in [`sort_keys`], and its output.
    bucket: Vec<u32>,
    counts: Vec<u32>,
    scratch: Vec<u128>,
}

impl CafsWorkspace {
    /// The scores `U_i` (wins minus losses against the patients of the stratum, or of all
    /// patients unstratified) of the last [`test`], in the input's order.
    pub fn scores(&self) -> &[i64] {
        &self.score
    }
}

/// Most patients a call reads: the index has 31 bits of a sort key.
const INDEX_MASK: u32 = (1 << 31) - 1;

/// Change key of a patient alive at the horizon without an observed change: sorts last, never
/// compared.
const MISSING: u64 = u64::MAX;

/// An order-preserving map of a non-NaN `f64` to `u64` (`-0.0` as `0.0`); NaN to [`MISSING`].
#[inline]
fn change_key(c: f64) -> u64 {
    if c.is_nan() {
        return MISSING;
    }
    let b = (c + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The change of a key made by [`change_key`] (NaN for [`MISSING`]).
#[inline]
fn change_value(key: u64) -> f64 {
    if key == MISSING {
        f64::NAN
    } else if key >> 63 == 1 {
        f64::from_bits(key & !(1 << 63))
    } else {
        f64::from_bits(!key)
    }
}

/// Strata labels below this index the buckets of [`sort_keys`] directly.
const MAX_SLOTS: u32 = 1024;

/// A bucket holding more keys than this is sorted on its own before the final insertion sort.
const HEAVY_BUCKET: u32 = 16;

/// Sorts `keys[..m]`, ordered by stratum (bits 96 and up), then by `value(key)` (monotone in the
/// key within a stratum, NaN last), then by the rest, in `O(m)` expected time: a stable scatter
/// into `slots` x `m / slots` buckets of (stratum, value) on a linear scale over the values'
/// range, a comparison sort of each heavy bucket, then one insertion sort over the whole (which
/// meets only the few inversions within light buckets), as `table.rs` sorts its keys. Small
/// inputs, stratum labels of `MAX_SLOTS` or more (`slots = 0`) and values of infinite range
/// take `sort_unstable`. The output is swapped with `scratch`.
fn sort_keys(
    keys: &mut Vec<u128>,
    m: usize,
    scratch: &mut Vec<u128>,
    bucket: &mut Vec<u32>,
    counts: &mut Vec<u32>,
    slots: usize,
    value: impl Fn(u128) -> f64,
) {
    if m < 64 || slots == 0 {
        keys[..m].sort_unstable();
        return;
    }
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &k in &keys[..m] {
        let v = value(k);
        lo = if v < lo { v } else { lo };
        hi = if v > hi { v } else { hi };
    }
    if hi < lo {
        (lo, hi) = (0.0, 0.0); // all NaN
    }
    if !(hi - lo).is_finite() {
        keys[..m].sort_unstable();
        return;
    }
    // At most 2^31 - 1 buckets a stratum, so that the bucket index fits an i32, whose
    // conversion from f64 is cheaper than usize's.
    let per = (m / slots).clamp(1, i32::MAX as usize);
    let top = (per - 1) as i32;
    let scale = if hi > lo { per as f64 / (hi - lo) } else { 0.0 };
    counts.clear();
    counts.resize(slots * per + 1, 0);
    bucket.resize(m.max(bucket.len()), 0);
    for (&k, b) in keys[..m].iter().zip(bucket.iter_mut()) {
        let v = value(k);
        let within = if v.is_nan() {
            top
        } else {
            (((v - lo) * scale) as i32).clamp(0, top)
        } as usize;
        let slot = ((k >> 96) as usize).min(slots - 1);
        *b = (slot * per + within) as u32;
        counts[*b as usize + 1] += 1;
    }
    let mut total = 0u32;
    for c in counts.iter_mut() {
        total += *c;
        *c = total;
    }
    // counts[b] is now the start of bucket b; scatter, advancing the starts.
    for (&k, &b) in keys[..m].iter().zip(bucket.iter()) {
        let slot = &mut counts[b as usize];
        scratch[*slot as usize] = k;
        *slot += 1;
    }
    // counts[b] is now the end of bucket b.
    let mut start = 0u32;
    for &end in &counts[..slots * per] {
        let run = &mut scratch[start as usize..end as usize];
        // Ties (e.g. whole-number changes) fill heavy buckets already in order.
        if end - start > HEAVY_BUCKET && !run.is_sorted() {
            run.sort_unstable();
        }
        start = end;
    }
    let a = &mut scratch[..m];
    for i in 1..m {
        let x = a[i];
        let mut j = i;
        while j > 0 && a[j - 1] > x {
            a[j] = a[j - 1];
            j -= 1;
        }
        a[j] = x;
    }
    std::mem::swap(keys, scratch);
}

/// `n_t n_c / (n (n - 1)) sum_i U_i^2` for one stratum (0 when `n < 2`).
#[inline]
fn permutation_variance(n_t: u64, n_c: u64, sum_sq: f64) -> f64 {
    let n = (n_t + n_c) as f64;
    if n < 2.0 {
        return 0.0;
    }
    n_t as f64 * n_c as f64 / (n * (n - 1.0)) * sum_sq
}

/// The CAFS test (see the module's documentation for the pairwise rule and the references).
///
/// Per patient: `time`, months from randomisation to death or censoring (finite and `>= 0`; a
/// negative or NaN time, which the caller must not pass, is read as 0); `death`, died at `time`;
/// `change`, ALSFRS-R change from baseline at the horizon visit (NaN when not observed; read
/// only for patients alive at the horizon); `treated`; `stratum`, any `u32` labels (read only
/// when `stratified`). `horizon` is the CAFS follow-up `t` in months.
///
/// Slices of different lengths: only the common prefix is used (and at most 2^31 patients). The
/// scores `U_i` are left in
/// [`CafsWorkspace::scores`]. Never panics and never returns a NaN `z` or `p`.
#[allow(clippy::too_many_arguments)]
pub fn test(
    time: &[f64],
    death: &[bool],
    change: &[f64],
    treated: &[bool],
    stratum: &[u32],
    horizon: f64,
    stratified: bool,
    ws: &mut CafsWorkspace,
) -> Cafs {
    let n = time
        .len()
        .min(death.len())
        .min(change.len())
        .min(treated.len())
        .min(stratum.len())
        .min(INDEX_MASK as usize + 1);
    let (time, death, change, treated, stratum) = (
        &time[..n],
        &death[..n],
        &change[..n],
        &treated[..n],
        &stratum[..n],
    );

    // Keys, written without a branch on the class (a coin toss for the branch predictor): each
    // patient is written to the next slot of both buffers and counted in one. A patient is
    // alive at the horizon when followed to it (time >= horizon) unless dying exactly at it.
    for buffer in [&mut ws.timed, &mut ws.alive, &mut ws.scratch] {
        if buffer.len() < n {
            buffer.resize(n, 0);
        }
    }
    let (mut n_timed, mut n_alive) = (0usize, 0usize);
    let mut top_stratum = 0u32;
    for i in 0..n {
        let s = if stratified { stratum[i] } else { 0 };
        top_stratum = top_stratum.max(s);
        let s = u128::from(s) << 96;
        // The index above the flags: a stable scatter leaves tied keys in order.
        let (idx, c) = (i as u128 & INDEX_MASK as u128, u128::from(!treated[i]));
        let t = time[i];
        let alive = t >= horizon && !(death[i] && t == horizon);
        let t = if t > 0.0 { t } else { 0.0 };
        // A non-negative f64's bits are below 2^63 and monotone: they fill bits 33..96.
        ws.timed[n_timed] =
            s | u128::from(t.to_bits()) << 33 | idx << 2 | u128::from(death[i]) << 1 | c;
        ws.alive[n_alive] = s | u128::from(change_key(change[i])) << 32 | idx << 1 | c;
        n_timed += usize::from(!alive);
        n_alive += usize::from(alive);
    }
    // Stratum labels index the buckets when small; otherwise a comparison sort.
    let slots = if top_stratum < MAX_SLOTS {
        top_stratum as usize + 1
    } else {
        0
    };
    let CafsWorkspace {
        timed,
        alive,
        scratch,
        bucket,
        counts,
        ..
    } = ws;
    sort_keys(timed, n_timed, scratch, bucket, counts, slots, |k| {
        f64::from_bits((k >> 33) as u64 & !(1 << 63))
    });
    sort_keys(alive, n_alive, scratch, bucket, counts, slots, |k| {
        change_value((k >> 32) as u64)
    });
    let (timed, alive) = (&ws.timed[..n_timed], &ws.alive[..n_alive]);
    ws.score.clear();
    ws.score.resize(n, 0);
    let score = &mut ws.score;

    let stratum_of = |k: u128| (k >> 96) as u32;
    let timed_index = |k: u128| ((k >> 2) as u32 & INDEX_MASK) as usize;
    let alive_index = |k: u128| (k as u32 >> 1) as usize;
    let control = |k: u128| (k & 1) as i64;
    let dead = |k: u128| ((k >> 1) & 1) as i64;
    let (mut stat, mut variance) = (0i64, 0.0f64);
    let (mut wins, mut losses, mut pairs) = (0u64, 0u64, 0u64);
    let (mut a, mut b) = (0usize, 0usize);
    while a < timed.len() || b < alive.len() {
        // The next stratum: the smaller of the two runs' next labels.
        let s = match (timed.get(a), alive.get(b)) {
            (Some(&x), Some(&y)) => stratum_of(x).min(stratum_of(y)),
            (Some(&x), None) => stratum_of(x),
            (None, Some(&y)) => stratum_of(y),
            (None, None) => break,
        };
        let a_end = a + timed[a..].partition_point(|&k| stratum_of(k) == s);
        let b_end = b + alive[b..].partition_point(|&k| stratum_of(k) == s);
        let (tk, ak) = (&timed[a..a_end], &alive[b..b_end]);
        a = a_end;
        b = b_end;

        // Totals of the stratum: deaths, controls, observed changes.
        let (mut deaths, mut deaths_c, mut timed_c) = (0i64, 0i64, 0i64);
        for &k in tk {
            let (d, c) = (dead(k), control(k));
            deaths += d;
            deaths_c += d & c;
            timed_c += c;
        }
        let (mut alive_c, mut seen, mut seen_c) = (0i64, 0i64, 0i64);
        for &k in ak {
            let c = control(k);
            let o = i64::from((k >> 32) as u64 != MISSING);
            alive_c += c;
            seen += o;
            seen_c += o & c;
        }
        let (timed_n, alive_n) = (tk.len() as i64, ak.len() as i64);
        let n_c = timed_c + alive_c;
        let n_t = timed_n + alive_n - n_c;
        let (mut t_s, mut sum_sq) = (0i64, 0.0f64);
        let (mut w_s, mut l_s) = (0i64, 0i64);

        // Survival: groups of equal time; deaths before (all, controls) and patients done.
        let (mut before, mut before_c, mut done, mut done_c) = (0i64, 0i64, 0i64, 0i64);
        let mut j = 0;
        while j < tk.len() {
            let group = tk[j] >> 33;
            let mut e = j;
            let (mut dg, mut dg_c, mut size_c) = (0i64, 0i64, 0i64);
            while e < tk.len() && tk[e] >> 33 == group {
                let (d, c) = (dead(tk[e]), control(tk[e]));
                dg += d;
                dg_c += d & c;
                size_c += c;
                e += 1;
            }
            let size = (e - j) as i64;
            let (cg, cg_c) = (size - dg, size_c - dg_c);
            // A death here loses to every later patient, to those censored here and to all
            // alive at the horizon; a censoring here beats the deaths up to and at this time.
            let lose = (timed_n - done - size) + cg + alive_n;
            let lose_c = (timed_c - done_c - size_c) + cg_c + alive_c;
            for &k in &tk[j..e] {
                let (d, t) = (dead(k), 1 - control(k));
                // Selected by arithmetic on d (0 or 1), not by a branch.
                let w = before + (1 - d) * dg;
                let l = d * lose;
                let u = w - l;
                score[timed_index(k)] = u;
                sum_sq += (u * u) as f64;
                t_s += t * u;
                w_s += t * (before_c + (1 - d) * dg_c);
                l_s += t * d * lose_c;
            }
            before += dg;
            before_c += dg_c;
            done += size;
            done_c += size_c;
            j = e;
        }

        // Alive at the horizon: all deaths beaten; groups of equal change, missing ones last.
        let (mut below, mut below_c) = (0i64, 0i64);
        let mut j = 0;
        while j < ak.len() {
            let group = (ak[j] >> 32) as u64;
            let mut e = j;
            let mut size_c = 0i64;
            while e < ak.len() && (ak[e] >> 32) as u64 == group {
                size_c += control(ak[e]);
                e += 1;
            }
            let size = (e - j) as i64;
            let (up, up_c, down, down_c) = if group == MISSING {
                (0, 0, 0, 0)
            } else {
                (
                    below,
                    below_c,
                    seen - below - size,
                    seen_c - below_c - size_c,
                )
            };
            let u = deaths + up - down;
            for &k in &ak[j..e] {
                let t = 1 - control(k);
                score[alive_index(k)] = u;
                sum_sq += (u * u) as f64;
                t_s += t * u;
                w_s += t * (deaths_c + up_c);
                l_s += t * down_c;
            }
            below += size;
            below_c += size_c;
            j = e;
        }

        debug_assert_eq!(t_s, w_s - l_s);
        stat += t_s;
        variance += permutation_variance(n_t as u64, n_c as u64, sum_sq);
        wins += w_s as u64;
        losses += l_s as u64;
        pairs += (n_t * n_c) as u64;
    }

    let ties = pairs - wins - losses;
    let statistic = stat as f64;
    let (z, p) = if variance > 0.0 {
        let z = statistic / variance.sqrt();
        (z, normal::sf(z))
    } else {
        (0.0, 1.0)
    };
    Cafs {
        z,
        p,
        statistic,
        variance,
        win_probability: if pairs > 0 {
            (wins as f64 + 0.5 * ties as f64) / pairs as f64
        } else {
            0.5
        },
        wins,
        losses,
        ties,
        win_ratio: wins as f64 / losses as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small generator for the test data (SplitMix64).
    struct Gen(u64);

    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn uniform(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn below(&mut self, k: u64) -> u64 {
            self.next() % k
        }
        fn bool(&mut self, p: f64) -> bool {
            self.uniform() < p
        }
    }

    /// The definition, pair by pair (double programming): every `U_i`, `T`, the sums of `U_i^2`
    /// per stratum and the treatment-control counts.
    struct Reference {
        score: Vec<i64>,
        stat: i64,
        variance: f64,
        wins: u64,
        losses: u64,
        ties: u64,
    }

    #[allow(clippy::too_many_arguments)]
    fn reference(
        time: &[f64],
        death: &[bool],
        change: &[f64],
        treated: &[bool],
        stratum: &[u32],
        horizon: f64,
        stratified: bool,
    ) -> Reference {
        let n = time.len();
        // Truncation at the horizon.
        let dead: Vec<bool> = (0..n).map(|i| death[i] && time[i] <= horizon).collect();
        let t: Vec<f64> = time.iter().map(|&x| x.min(horizon)).collect();
        let at_horizon: Vec<bool> = (0..n).map(|i| t[i] == horizon && !dead[i]).collect();
        let outlived = |i: usize, j: usize| dead[j] && (t[j] < t[i] || (t[j] == t[i] && !dead[i]));
        let pair = |i: usize, j: usize| -> i64 {
            if outlived(i, j) {
                1
            } else if outlived(j, i) {
                -1
            } else if at_horizon[i] && at_horizon[j] && change[i] > change[j] {
                1
            } else if at_horizon[i] && at_horizon[j] && change[i] < change[j] {
                -1
            } else {
                0
            }
        };
        let same = |i: usize, j: usize| !stratified || stratum[i] == stratum[j];
        let mut r = Reference {
            score: vec![0; n],
            stat: 0,
            variance: 0.0,
            wins: 0,
            losses: 0,
            ties: 0,
        };
        for i in 0..n {
            for j in 0..n {
                if i != j && same(i, j) {
                    let u = pair(i, j);
                    r.score[i] += u;
                    if treated[i] && !treated[j] {
                        match u {
                            1 => r.wins += 1,
                            -1 => r.losses += 1,
                            _ => r.ties += 1,
                        }
                    }
                }
            }
        }
        r.stat = (0..n).filter(|&i| treated[i]).map(|i| r.score[i]).sum();
        let mut labels: Vec<u32> = if stratified {
            stratum.to_vec()
        } else {
            vec![0; n]
        };
        labels.sort_unstable();
        labels.dedup();
        for &s in &labels {
            let members = (0..n).filter(|&i| !stratified || stratum[i] == s);
            let (mut nt, mut nc, mut ss) = (0u64, 0u64, 0i64);
            for i in members {
                if treated[i] {
                    nt += 1;
                } else {
                    nc += 1;
                }
                ss += r.score[i] * r.score[i];
            }
            r.variance += permutation_variance(nt, nc, ss as f64);
        }
        r
    }

    #[derive(Clone)]
    struct Data {
        time: Vec<f64>,
        death: Vec<bool>,
        change: Vec<f64>,
        treated: Vec<bool>,
        stratum: Vec<u32>,
    }

    /// Mode 0: coarse times (whole months 0..18, horizon 12) and whole-number changes, with
    /// many ties, NaN changes, deaths and censorings at the horizon, and changes on dead
    /// patients. Mode 1: continuous times and rare outlying changes (1e6, -inf: the buckets'
    /// fallbacks). Mode 2: stratum labels too large to index buckets.
    fn random_data(rng: &mut Gen, n: usize, mode: usize) -> Data {
        let mut d = Data {
            time: vec![],
            death: vec![],
            change: vec![],
            treated: vec![],
            stratum: vec![],
        };
        let p_death = rng.uniform();
        let p_treat = rng.uniform();
        for _ in 0..n {
            d.time.push(if mode == 1 {
                18.0 * rng.uniform()
            } else {
                rng.below(19) as f64
            });
            d.death.push(rng.bool(p_death));
            d.change.push(if rng.bool(0.15) {
                f64::NAN
            } else if mode == 1 && rng.bool(0.02) {
                [1e6, f64::NEG_INFINITY][rng.below(2) as usize]
            } else {
                rng.below(11) as f64 - 8.0
            });
            d.treated.push(rng.bool(p_treat));
            let labels = if mode == 2 {
                [5000, 2, 70000]
            } else {
                [3, 0, 7]
            };
            d.stratum.push(labels[rng.below(3) as usize]);
        }
        d
    }

    fn check(d: &Data, horizon: f64, stratified: bool, ws: &mut CafsWorkspace) -> Cafs {
        let got = test(
            &d.time, &d.death, &d.change, &d.treated, &d.stratum, horizon, stratified, ws,
        );
        let r = reference(
            &d.time, &d.death, &d.change, &d.treated, &d.stratum, horizon, stratified,
        );
        assert_eq!(ws.scores(), &r.score[..], "scores");
        assert_eq!(got.statistic, r.stat as f64);
        assert_eq!(got.variance.to_bits(), r.variance.to_bits(), "variance");
        assert_eq!((got.wins, got.losses, got.ties), (r.wins, r.losses, r.ties));
        assert_eq!(got.statistic, got.wins as f64 - got.losses as f64);
        assert!(!got.z.is_nan() && !got.p.is_nan() && !got.win_probability.is_nan());
        assert_eq!(ws.scores().iter().sum::<i64>(), 0);
        got
    }

    #[test]
    fn matches_the_pairwise_definition_on_random_tied_data() {
        let mut rng = Gen(20130162);
        let mut ws = CafsWorkspace::default();
        for rep in 0..620 {
            let n = if rep < 600 { 1 + rep % 200 } else { 400 + rep };
            let d = random_data(&mut rng, n, rep % 3);
            for stratified in [false, true] {
                // The horizon on the grid (ties with it) and between grid points.
                check(&d, 12.0, stratified, &mut ws);
                check(&d, 6.5, stratified, &mut ws);
            }
        }
    }

    #[test]
    fn edge_cases_are_defined() {
        let mut ws = CafsWorkspace::default();
        let empty = test(&[], &[], &[], &[], &[], 12.0, false, &mut ws);
        assert_eq!((empty.z, empty.p, empty.win_probability), (0.0, 1.0, 0.5));
        assert!(empty.win_ratio.is_nan());
        let n = 40;
        let base = Data {
            time: (0..n).map(|i| (i % 7) as f64 + 1.0).collect(),
            death: vec![false; n],
            change: (0..n).map(|i| (i % 5) as f64 - 3.0).collect(),
            treated: (0..n).map(|i| i % 2 == 0).collect(),
            stratum: (0..n).map(|i| (i % 3) as u32).collect(),
        };
        for stratified in [false, true] {
            // All censored before the horizon: every pair tied.
            let r = check(&base, 12.0, stratified, &mut ws);
            assert_eq!(
                (r.z, r.p, r.variance, r.wins, r.losses),
                (0.0, 1.0, 0.0, 0, 0)
            );
            assert!(r.win_ratio.is_nan());
            // Everyone alive at the horizon: function decides.
            let r = check(&base, 0.5, stratified, &mut ws);
            assert!(r.variance > 0.0 && r.ties > 0);
            // One arm empty.
            let mut one = Data {
                treated: vec![true; n],
                ..base.clone()
            };
            one.death = (0..n).map(|i| i % 3 == 0).collect();
            let r = check(&one, 4.0, stratified, &mut ws);
            assert_eq!((r.z, r.p, r.wins + r.losses + r.ties), (0.0, 1.0, 0));
            assert_eq!(r.win_probability, 0.5);
            one.treated = vec![false; n];
            let r = check(&one, 4.0, stratified, &mut ws);
            assert_eq!((r.z, r.p, r.statistic), (0.0, 1.0, 0.0));
        }
        // One patient; all deaths at one time (tied); all changes missing.
        let one = Data {
            time: vec![3.0],
            death: vec![true],
            change: vec![f64::NAN],
            treated: vec![true],
            stratum: vec![0],
        };
        let r = check(&one, 12.0, false, &mut ws);
        assert_eq!((r.z, r.p), (0.0, 1.0));
        let tied = Data {
            time: vec![5.0; 10],
            death: vec![true; 10],
            change: vec![f64::NAN; 10],
            treated: (0..10).map(|i| i < 5).collect(),
            stratum: vec![0; 10],
        };
        let r = check(&tied, 12.0, false, &mut ws);
        assert_eq!((r.z, r.ties), (0.0, 25));
        let missing = Data {
            time: vec![20.0; 10],
            death: vec![false; 10],
            ..tied
        };
        let r = check(&missing, 12.0, true, &mut ws);
        assert_eq!((r.z, r.p, r.ties), (0.0, 1.0, 25));
    }

    #[test]
    fn truncation_and_gehan_ties() {
        // Treated patient 0 censored at 5 months, control 1 dies at 5: 0 outlived 1 (Gehan).
        // Treated 2 dies at 12 (the horizon), control 3 dies at 13 (after it: alive at 12
        // with change -4), control 4 censored at 12 with change -1, treated 5 followed to 20
        // with change -1 (tie with 4 on function), treated 6 followed to 20, change missing.
        let time = [5.0, 5.0, 12.0, 13.0, 12.0, 20.0, 20.0];
        let death = [false, true, true, true, false, false, false];
        let change = [0.0, 0.0, 0.0, -4.0, -1.0, -1.0, f64::NAN];
        let treated = [true, false, true, false, false, true, true];
        let stratum = [0; 7];
        let mut ws = CafsWorkspace::default();
        let r = test(
            &time, &death, &change, &treated, &stratum, 12.0, false, &mut ws,
        );
        // 0: beats 1; ties with the rest (censored before the other deaths).
        // 1: loses to 0 and to 2 .. 6 (all later); 2: beats 1, loses to 3, 4, 5, 6.
        // 3: beats 1, 2, loses to 4, 5 on function, ties 6 (missing); 4: beats 1, 2, 3, ties 5.
        assert_eq!(ws.scores(), &[1, -6, -3, 0, 3, 3, 2]);
        // Treatment-control pairs: (0,1) W, (0,3) T, (0,4) T, (2,1) W, (2,3) L, (2,4) L,
        // (5,1) W, (5,3) W, (5,4) T, (6,1) W, (6,3) T, (6,4) T.
        assert_eq!((r.wins, r.losses, r.ties), (5, 2, 5));
        assert_eq!(r.statistic, 1.0 - 3.0 + 3.0 + 2.0);
        assert_eq!(r.win_ratio, 2.5);
        assert_eq!(r.win_probability, 7.5 / 12.0);
        let ss = 1.0 + 36.0 + 9.0 + 0.0 + 9.0 + 9.0 + 4.0;
        assert_eq!(r.variance, 4.0 * 3.0 / (7.0 * 6.0) * ss);
        assert_eq!(r.z, 3.0 / r.variance.sqrt());
    }
}
