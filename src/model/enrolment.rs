//! Enrolment: the screening process in calendar time, and randomisation.
//!
//! Screening is a Poisson process with piecewise-constant intensity q(t) (patients screened per
//! month). With Q(t) = int_0^t q, the arrival after time t0 is Q^{-1}(Q(t0) + E), E ~ Exp(1): the
//! exact inversion of the process's cumulative intensity (Cinlar 1975, section 4.1).
//!
//! Randomisation is either simple (each patient to treatment with probability a_t / (a_t + a_c))
//! or by permuted blocks within each observed stratum: each block of size B holds
//! B a_t / (a_t + a_c) treatment slots in a uniformly random order (Fisher-Yates shuffle), so the
//! allocation is balanced within stratum at every completed block.

use crate::scenario::{RandomisationSpec, RatePiece};

/// The screening intensity, piecewise constant in calendar months.
#[derive(Clone, Debug, PartialEq)]
pub struct Screening {
    starts: Vec<f64>,
    rates: Vec<f64>,
    /// Q(starts[j]).
    cumulative: Vec<f64>,
    /// 1 / rate of a single-piece (constant) intensity: the arrival times are then
    /// Q / rate, computed as a product (a division per screened patient is dearer); 0 otherwise.
    single_inverse_rate: f64,
}

impl Screening {
    /// From the scenario's `enrolment.rate` pieces (first at 0, last rate > 0: checked).
    pub fn new(pieces: &[RatePiece]) -> Self {
        let starts: Vec<f64> = pieces.iter().map(|p| p.from).collect();
        let rates: Vec<f64> = pieces.iter().map(|p| p.per_month).collect();
        let mut cumulative = Vec::with_capacity(starts.len());
        let mut q = 0.0;
        for j in 0..starts.len() {
            cumulative.push(q);
            if j + 1 < starts.len() {
                q += rates[j] * (starts[j + 1] - starts[j]);
            }
        }
        let single_inverse_rate = if rates.len() == 1 {
            1.0 / rates[0]
        } else {
            0.0
        };
        Screening {
            starts,
            rates,
            cumulative,
            single_inverse_rate,
        }
    }

    /// Start of each piece of the intensity (the first is 0), months.
    pub fn starts(&self) -> &[f64] {
        &self.starts
    }

    /// The intensity on each piece, per month.
    pub fn rates(&self) -> &[f64] {
        &self.rates
    }

    /// The intensity q(t) at calendar time t >= 0 (the piece starting at or before t).
    pub fn rate_at(&self, t: f64) -> f64 {
        self.rates[self.starts.partition_point(|&s| s <= t).saturating_sub(1)]
    }

    /// The same process with every rate multiplied by `factor` (> 0): the process thinned (or
    /// thickened) by a constant fraction, e.g. the randomisations among the screened.
    pub fn scaled(&self, factor: f64) -> Screening {
        Screening {
            starts: self.starts.clone(),
            rates: self.rates.iter().map(|r| r * factor).collect(),
            cumulative: self.cumulative.iter().map(|c| c * factor).collect(),
            single_inverse_rate: self.single_inverse_rate / factor,
        }
    }

    /// Expected number screened by calendar time t: Q(t).
    pub fn expected_by(&self, t: f64) -> f64 {
        let j = self.starts.partition_point(|&s| s <= t).saturating_sub(1);
        self.cumulative[j] + self.rates[j] * (t - self.starts[j])
    }

    /// The calendar time by which `n` patients are expected to be screened: Q^{-1}(n).
    #[inline]
    pub fn time_to_expect(&self, n: f64) -> f64 {
        if self.rates.len() == 1 {
            return n * self.single_inverse_rate;
        }
        let j = self
            .cumulative
            .partition_point(|&c| c <= n)
            .saturating_sub(1);
        // The last piece's rate is > 0, and a zero-rate piece is skipped by partition_point
        // (its end carries the same cumulative intensity as the next piece's start).
        self.starts[j] + (n - self.cumulative[j]) / self.rates[j]
    }

    /// The arrival time after a process position `q` = Q(t0), for a unit exponential `e`:
    /// returns (Q of the new arrival, its calendar time).
    #[inline]
    pub fn next(&self, q: f64, e: f64) -> (f64, f64) {
        let q = q + e;
        (q, self.time_to_expect(q))
    }
}

/// Allocates randomised patients to arms.
#[derive(Clone, Debug, PartialEq)]
pub struct Randomiser {
    scheme: RandomisationSpec,
    /// Probability of treatment for simple randomisation.
    p_treatment: f64,
    /// Treatment slots per block and block size.
    treated_per_block: u32,
    block_size: u32,
}

/// Per-replicate randomisation state: the current block of each observed stratum.
///
/// A block is a bit set (bit k set = slot k is treatment), `words` 64-bit words per stratum:
/// filling and shuffling a block are then a few integer operations per slot.
#[derive(Clone, Debug, Default)]
pub struct BlockState {
    /// Block contents per stratum, `words` words each, flattened.
    slots: Vec<u64>,
    /// Words per block: ceil(block_size / 64).
    words: usize,
    /// Position in the current block per stratum (block_size = exhausted).
    position: Vec<u32>,
}

impl Randomiser {
    /// A randomiser for allocation `a_t : a_c` with the given scheme and block size
    /// (a multiple of a_t + a_c: checked by the scenario).
    pub fn new(scheme: RandomisationSpec, allocation: [u32; 2], block_size: u32) -> Self {
        let unit = allocation[0] + allocation[1];
        Randomiser {
            scheme,
            p_treatment: allocation[0] as f64 / unit as f64,
            treated_per_block: block_size / unit * allocation[0],
            block_size,
        }
    }

    /// Resets the state for a new replicate with `n_strata` observed strata.
    pub fn reset(&self, state: &mut BlockState, n_strata: usize) {
        state.words = (self.block_size as usize).div_ceil(64);
        state.slots.clear();
        state.slots.resize(n_strata * state.words, 0);
        state.position.clear();
        state.position.resize(n_strata, self.block_size);
    }

    /// The arm of the next patient in observed stratum `stratum` (true = treatment).
    /// `uniform` draws U(0, 1) numbers from the replicate's randomisation stream.
    ///
    /// A new block puts the `treated_per_block` treatment slots first, then shuffles by
    /// Fisher-Yates: for k = B-1 down to 1, swap slot k with slot floor(u (k + 1)), u ~ U(0, 1)
    /// (B - 1 draws per block).
    #[inline]
    pub fn assign(
        &self,
        state: &mut BlockState,
        stratum: usize,
        mut uniform: impl FnMut() -> f64,
    ) -> bool {
        match self.scheme {
            RandomisationSpec::Simple => uniform() < self.p_treatment,
            RandomisationSpec::StratifiedBlocks => {
                let b = self.block_size as usize;
                let words = state.words;
                let block = &mut state.slots[stratum * words..(stratum + 1) * words];
                let position = &mut state.position[stratum];
                if *position as usize >= b {
                    let t = self.treated_per_block as usize;
                    if let [word] = block {
                        // One word (B <= 64, the usual case): shuffle in a register.
                        let mut m = if t == 64 { u64::MAX } else { (1u64 << t) - 1 };
                        for k in (1..b).rev() {
                            let pick = ((uniform() * (k + 1) as f64) as usize).min(k);
                            let differ = ((m >> k) ^ (m >> pick)) & 1;
                            m ^= (differ << k) | (differ << pick);
                        }
                        *word = m;
                    } else {
                        fill_treated(block, t);
                        for k in (1..b).rev() {
                            let pick = ((uniform() * (k + 1) as f64) as usize).min(k);
                            swap_bits(block, k, pick);
                        }
                    }
                    *position = 0;
                }
                let slot = *position as usize;
                *position += 1;
                (block[slot / 64] >> (slot % 64)) & 1 == 1
            }
        }
    }
}

/// Sets bits 0..t of the bit set and clears the rest.
#[inline]
fn fill_treated(block: &mut [u64], t: usize) {
    for (w, word) in block.iter_mut().enumerate() {
        let set = t.saturating_sub(64 * w).min(64);
        *word = if set == 64 {
            u64::MAX
        } else {
            (1u64 << set) - 1
        };
    }
}

/// Swaps bits `i` and `j` of the bit set (without a branch: both flip when they differ).
#[inline]
fn swap_bits(block: &mut [u64], i: usize, j: usize) {
    let (wi, bi, wj, bj) = (i / 64, i % 64, j / 64, j % 64);
    let differ = ((block[wi] >> bi) ^ (block[wj] >> bj)) & 1;
    block[wi] ^= differ << bi;
    block[wj] ^= differ << bj;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screening_inverts_cumulative_intensity() {
        let s = Screening::new(&[
            RatePiece {
                from: 0.0,
                per_month: 10.0,
            },
            RatePiece {
                from: 6.0,
                per_month: 0.0,
            },
            RatePiece {
                from: 8.0,
                per_month: 25.0,
            },
        ]);
        assert_eq!(s.expected_by(6.0), 60.0);
        assert_eq!(s.expected_by(7.0), 60.0);
        assert_eq!(s.expected_by(10.0), 110.0);
        assert_eq!(s.time_to_expect(60.0), 8.0);
        assert_eq!(s.time_to_expect(110.0), 10.0);
        assert_eq!(s.time_to_expect(30.0), 3.0);
    }

    #[test]
    fn blocks_balance_each_stratum() {
        let r = Randomiser::new(RandomisationSpec::StratifiedBlocks, [2, 1], 6);
        let mut state = BlockState::default();
        r.reset(&mut state, 2);
        let mut x = 0.123_f64;
        let mut u = || {
            x = (x * 9301.0 + 0.49297).fract();
            x
        };
        let mut treated = [0, 0];
        for i in 0..60 {
            if r.assign(&mut state, i % 2, &mut u) {
                treated[i % 2] += 1;
            }
        }
        assert_eq!(treated, [20, 20]);
    }

    /// Double programming: the bit-set blocks give the arms of a plain Fisher-Yates shuffle of
    /// a `Vec<bool>` with the same draws, for block sizes on both sides of a 64-bit word.
    #[test]
    fn bit_set_blocks_equal_a_plain_shuffle() {
        for (allocation, block_size) in [([1, 1], 4), ([2, 1], 6), ([1, 1], 64), ([3, 2], 130)] {
            let r = Randomiser::new(RandomisationSpec::StratifiedBlocks, allocation, block_size);
            let mut state = BlockState::default();
            r.reset(&mut state, 3);
            let draws = |seed: f64| {
                let mut x = seed;
                move || {
                    x = (x * 9301.0 + 0.49297).fract();
                    x
                }
            };
            let (mut u, mut v) = (draws(0.377), draws(0.377));
            let b = block_size as usize;
            let t = b / (allocation[0] + allocation[1]) as usize * allocation[0] as usize;
            let mut reference: Vec<Vec<bool>> = vec![Vec::new(); 3];
            let mut position = [b; 3];
            for i in 0..(5 * b) {
                let s = (i * 7) % 3;
                if position[s] == b {
                    let mut block: Vec<bool> = (0..b).map(|k| k < t).collect();
                    for k in (1..b).rev() {
                        let pick = ((v() * (k + 1) as f64) as usize).min(k);
                        block.swap(k, pick);
                    }
                    reference[s] = block;
                    position[s] = 0;
                }
                let expected = reference[s][position[s]];
                position[s] += 1;
                assert_eq!(r.assign(&mut state, s, &mut u), expected, "patient {i}");
            }
        }
    }
}
