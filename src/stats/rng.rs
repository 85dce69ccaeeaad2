//! Random streams: one portable generator per (seed, purpose, replicate).
//!
//! The generator is PCG64 (`rand_pcg::Pcg64`, O'Neill 2014: a 128-bit linear congruential
//! generator with the XSL-RR output permutation), whose output for a given state and increment
//! is fixed by its specification, so a seed means the same numbers forever and on every
//! platform. The run's master seed, the purpose and the replicate r are mixed by SplitMix64
//! (Steele, Lea and Flood 2014) into the generator's 128-bit state and its increment (which
//! selects one of 2^127 distinct sequences), so every (seed, purpose, replicate) has its own
//! stream; never `seed + r`, which would make seed 1's replicate 1 equal seed 2's replicate 0.
//! Each purpose has its own stream, so a change of design that draws more or fewer numbers for
//! one purpose (say, a different randomisation) leaves the others' numbers alone: this is what
//! makes `compare` and sweeps use common random numbers. PCG64 was preferred to ChaCha8 for
//! speed (about three times fewer cycles per draw, a tenth of a whole replicate).
//!
//! Uniforms and normals are made here from raw 64-bit words by fixed formulas (a uniform from the
//! top 53 bits; a normal by inversion with AS 241). Unit exponentials, the most frequent draw
//! (three per screened patient), use the ziggurat of Marsaglia and Tsang (2000) as
//! `rand_distr::Exp1` implements it: exact in distribution and about five times faster than
//! -ln U. Its version is pinned by Cargo.lock, and `tests/it/stability.rs` pins replicate outcomes,
//! so an upgrade that changed the stream would be caught.

use rand::Rng;
use rand_pcg::Pcg64;

/// What a stream is used for. The discriminant is mixed into the key: never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Screening arrivals, other screen failures, biomarker and assay values.
    Screening = 1,
    /// Arm allocation.
    Randomisation = 2,
    /// Event times.
    Outcome = 3,
    /// Dropout times.
    Dropout = 4,
    /// The true hazard ratios drawn from an effect prior (`[prior]`).
    Prior = 5,
    /// Each screened patient's baseline function score and own rate-of-decline normal
    /// (`[function]`).
    FunctionPatient = 6,
    /// Measurement noise of the function scores at the visits (`[function]`).
    FunctionNoise = 7,
    /// The slowing drawn from `[function.prior]`.
    FunctionPrior = 8,
    /// The forward simulations of a blinded event prediction (`enrichsim predict`): simulation
    /// m's parameter draws, recruits, and remaining survival and dropout.
    Prediction = 9,
}

/// SplitMix64's output function applied to a state advanced by the golden gamma.
#[inline]
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 64-bit key of a master seed and a purpose.
pub fn key(seed: u64, purpose: Purpose) -> u64 {
    let mut state = seed ^ (purpose as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    splitmix64(&mut state)
}

/// The keys of all purposes for one master seed, computed once per run.
#[derive(Clone, Debug)]
pub struct Streams {
    keys: [u64; 9],
}

impl Streams {
    /// Keys for the master seed.
    pub fn new(seed: u64) -> Self {
        Streams {
            keys: [
                key(seed, Purpose::Screening),
                key(seed, Purpose::Randomisation),
                key(seed, Purpose::Outcome),
                key(seed, Purpose::Dropout),
                key(seed, Purpose::Prior),
                key(seed, Purpose::FunctionPatient),
                key(seed, Purpose::FunctionNoise),
                key(seed, Purpose::FunctionPrior),
                key(seed, Purpose::Prediction),
            ],
        }
    }

    /// The generator of `purpose` for replicate `replicate`: state and increment from
    /// SplitMix64 seeded with the purpose's key and the replicate number.
    pub fn rng(&self, purpose: Purpose, replicate: u64) -> Pcg64 {
        let mut sm = self.keys[purpose as usize - 1] ^ splitmix64(&mut replicate.clone());
        let mut word = || splitmix64(&mut sm) as u128;
        let state = (word() << 64) | word();
        let stream = (word() << 64) | word();
        Pcg64::new(state, stream)
    }
}

/// U(0, 1) from the top 53 bits, never 0 nor 1: (k + 1/2) / 2^53.
#[inline]
pub fn uniform<R: Rng>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
}

/// Exp(1) by the ziggurat method (Marsaglia and Tsang 2000; `rand_distr::Exp1`).
#[inline]
pub fn exponential<R: Rng>(rng: &mut R) -> f64 {
    rand_distr::Distribution::<f64>::sample(&rand_distr::Exp1, rng)
}

/// N(0, 1) by the ziggurat method (Marsaglia and Tsang 2000; `rand_distr::StandardNormal`):
/// exact in distribution and several times faster than inversion, for the streams that draw
/// many normals (the function scores' noise). Pinned by Cargo.lock like [`exponential`].
#[inline]
pub fn standard_normal<R: Rng>(rng: &mut R) -> f64 {
    rand_distr::Distribution::<f64>::sample(&rand_distr::StandardNormal, rng)
}

/// N(0, 1) by inversion: Phi^{-1}(U) (AS 241).
#[inline]
pub fn normal<R: Rng>(rng: &mut R) -> f64 {
    crate::stats::normal::quantile(uniform(rng))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_pinned() {
        // Value stability: these words must never change (a change breaks every saved result).
        let s = Streams::new(1);
        let mut a = s.rng(Purpose::Outcome, 0);
        let mut b = s.rng(Purpose::Outcome, 1);
        let first = [a.next_u64(), b.next_u64()];
        let again = [
            s.rng(Purpose::Outcome, 0).next_u64(),
            s.rng(Purpose::Outcome, 1).next_u64(),
        ];
        assert_eq!(first, again);
        assert_ne!(first[0], first[1]);
        assert_ne!(
            Streams::new(2).rng(Purpose::Outcome, 0).next_u64(),
            first[1]
        );
        assert_ne!(s.rng(Purpose::Dropout, 0).next_u64(), first[0]);
    }

    #[test]
    fn uniform_is_open_interval() {
        let s = Streams::new(7);
        let mut rng = s.rng(Purpose::Screening, 3);
        for _ in 0..10_000 {
            let u = uniform(&mut rng);
            assert!(u > 0.0 && u < 1.0);
        }
    }
}
