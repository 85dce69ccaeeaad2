//! Cost of the CAFS joint rank test (`analysis::function::cafs::test`) for one data cut of
//! n = 500 patients, against the O(n^2) pairwise definition written out here for comparison.

use criterion::{Criterion, criterion_group, criterion_main};
use enrichsim::analysis::function::cafs::{self, CafsWorkspace};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const HORIZON: f64 = 12.0;

struct Cut {
    time: Vec<f64>,
    death: Vec<bool>,
    change: Vec<f64>,
    treated: Vec<bool>,
    stratum: Vec<u32>,
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `n` patients, 1:1, 2 strata, exponential survival (control median 24 months, HR 0.75),
/// follow-up uniform on 6..24 months (continuous times), whole-number ALSFRS-R changes at 12
/// months (about -12 +- 7) for the patients alive then, 10% of them missing.
fn cut(seed: u64, n: usize) -> Cut {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut c = Cut {
        time: vec![],
        death: vec![],
        change: vec![],
        treated: vec![],
        stratum: vec![],
    };
    for i in 0..n {
        let treated = i % 2 == 0;
        let rate = 2f64.ln() / 24.0 * if treated { 0.75 } else { 1.0 };
        let t = -(1.0 - uniform(&mut rng)).ln() / rate;
        let follow_up = 6.0 + 18.0 * uniform(&mut rng);
        c.time.push(t.min(follow_up));
        c.death.push(t <= follow_up);
        let decline = (-12.0 + 14.0 * (uniform(&mut rng) - 0.5) * 1.7).round();
        c.change.push(if uniform(&mut rng) < 0.1 {
            f64::NAN
        } else {
            decline
        });
        c.treated.push(treated);
        c.stratum.push(u32::from(uniform(&mut rng) < 0.4));
    }
    c
}

/// The definition, pair by pair: T and Var, unstratified.
fn quadratic(c: &Cut, horizon: f64, score: &mut [i64]) -> (i64, f64) {
    let n = c.time.len();
    let at = |i: usize| {
        let dead = c.death[i] && c.time[i] <= horizon;
        (c.time[i].min(horizon), dead)
    };
    for (i, s) in score.iter_mut().enumerate() {
        let (ti, di) = at(i);
        let alive_i = ti == horizon && !di;
        let mut u = 0i64;
        for j in 0..n {
            let (tj, dj) = at(j);
            let alive_j = tj == horizon && !dj;
            u += if dj && (tj < ti || (tj == ti && !di)) {
                1
            } else if di && (ti < tj || (ti == tj && !dj)) {
                -1
            } else if alive_i && alive_j && c.change[i] > c.change[j] {
                1
            } else if alive_i && alive_j && c.change[i] < c.change[j] {
                -1
            } else {
                0
            };
        }
        *s = u;
    }
    let nt = c.treated.iter().filter(|&&t| t).count() as f64;
    let stat: i64 = (0..n).filter(|&i| c.treated[i]).map(|i| score[i]).sum();
    let ss: i64 = score.iter().map(|u| u * u).sum();
    let nf = n as f64;
    (stat, nt * (nf - nt) / (nf * (nf - 1.0)) * ss as f64)
}

fn bench(c: &mut Criterion) {
    for n in [100usize, 500, 2000] {
        let d = cut(1, n);
        let mut ws = CafsWorkspace::default();
        let mut group = c.benchmark_group(format!("cafs n={n}"));
        for stratified in [false, true] {
            let name = if stratified {
                "stratified"
            } else {
                "unstratified"
            };
            group.bench_function(name, |b| {
                b.iter(|| {
                    black_box(cafs::test(
                        black_box(&d.time),
                        &d.death,
                        &d.change,
                        &d.treated,
                        &d.stratum,
                        HORIZON,
                        stratified,
                        &mut ws,
                    ))
                })
            });
        }
        if n <= 500 {
            let mut score = vec![0i64; n];
            let fast = cafs::test(
                &d.time, &d.death, &d.change, &d.treated, &d.stratum, HORIZON, false, &mut ws,
            );
            assert_eq!(quadratic(&d, HORIZON, &mut score).0 as f64, fast.statistic);
            group.bench_function("pairwise O(n^2), unstratified", |b| {
                b.iter(|| black_box(quadratic(black_box(&d), HORIZON, &mut score)))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
