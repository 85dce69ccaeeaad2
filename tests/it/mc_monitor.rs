//! The predictive power of `enrichsim monitor` (`enrichsim::design::interim`) against a Monte
//! Carlo draw: the effect from its posterior, then the Brownian motion of the score over the
//! remaining looks with the same bounds (fixed seed, ChaCha8; normal deviates by inversion).

use crate::common::*;
use enrichsim::design::interim::Remaining;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[test]
fn predictive_power_matches_a_monte_carlo_draw() {
    // theta drawn from its posterior, then the Brownian motion of the score over the three
    // remaining looks of a 4-look design; the same bounds (futility stops counted, as rpact's
    // conditional power counts them). 200,000 draws: SE about 0.001; within 4 SE.
    let r = Remaining {
        t_k: 0.24,
        z_k: 0.9,
        fractions: vec![0.5, 0.75, 1.0],
        efficacy: vec![2.9, 2.35, 2.02],
        futility: vec![0.1, 0.7, f64::NEG_INFINITY],
        drift_scale: (400.0f64 * 2.0 / 9.0).sqrt(),
        grid_r: 32,
    };
    let (m, s) = (0.25, 0.12);
    let pp = r.predictive_power(m, s);
    let mut rng = ChaCha8Rng::seed_from_u64(20261207);
    let mut normal = || {
        let u = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        enrichsim::stats::normal::quantile(u)
    };
    let n = 200_000;
    let mut rejected = [0u64; 3];
    for _ in 0..n {
        let theta = m + s * normal();
        let mu = theta * r.drift_scale;
        let mut x = 0.0;
        let mut prev = 0.0;
        for (j, count) in rejected.iter_mut().enumerate() {
            let u = r.fractions[j] - r.t_k;
            x += mu * (u - prev) + (u - prev).sqrt() * normal();
            prev = u;
            let z = (x + r.z_k * r.t_k.sqrt()) / r.fractions[j].sqrt();
            if z >= r.efficacy[j] {
                *count += 1;
                break;
            }
            if z < r.futility[j] {
                break;
            }
        }
    }
    let mut cumulative = 0.0;
    for j in 0..3 {
        cumulative += rejected[j] as f64 / n as f64;
        let se = binomial_se(pp[j], n as f64);
        println!(
            "look {}: simulated {cumulative:.5}, predictive power {:.5}, SE {se:.5}",
            j + 2,
            pp[j]
        );
        assert_within_mcse!(cumulative, pp[j], se, 4.0);
    }
    // and the result depends on the prior: a wider posterior moves it
    assert!((r.predictive_power(m, 0.4)[2] - pp[2]).abs() > 0.02);
}
