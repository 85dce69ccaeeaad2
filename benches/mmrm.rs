//! Cost of one MMRM fit (unstructured covariance, REML) in the simulation's hot loop: 500
//! patients, 1:1, visits every 3 months, monotone missingness (death/dropout, about 25% gone by
//! 12 months); 4 post-baseline visits up to 12 months (and 6 up to 18), unstratified and with two
//! strata; and the ANCOVA fallback at 12 months.

use criterion::{Criterion, criterion_group, criterion_main};
use enrichsim::analysis::function::Visits;
use enrichsim::analysis::function::mmrm::{self, MmrmWorkspace};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u, v) = (1.0 - uniform(rng), uniform(rng));
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// `n` patients: baseline N(38, 5^2), slope N(-1, 0.5^2) points per month (x 0.75 on
/// treatment), noise SD 2, scores rounded to 0..48, visits 0, 3, ..., `last` months, dropout
/// exponential at 0.024 per month (monotone).
fn data(n: usize, last: f64, seed: u64) -> Visits {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v = Visits::default();
    v.clear();
    for i in 0..n {
        let treated = i % 2 == 0;
        v.push_patient(treated, (uniform(&mut rng) < 0.5) as u32);
        let b = 38.0 + 5.0 * normal(&mut rng);
        let slope = (-1.0 + 0.5 * normal(&mut rng)) * if treated { 0.75 } else { 1.0 };
        let gone = -(1.0 - uniform(&mut rng)).ln() / 0.024;
        let mut t = 0.0;
        while t <= last && (t == 0.0 || t <= gone) {
            let score = (b + slope * t + 2.0 * normal(&mut rng))
                .round()
                .clamp(0.0, 48.0);
            v.push_visit(t, score);
            t += 3.0;
        }
    }
    v
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("mmrm n=500");
    let mut ws = MmrmWorkspace::default();
    let four = data(500, 12.0, 1);
    let six = data(500, 18.0, 2);
    for (name, v, at, stratified) in [
        ("4 visits", &four, 12.0, false),
        ("4 visits stratified", &four, 12.0, true),
        ("6 visits", &six, 18.0, false),
    ] {
        let f = mmrm::fit(v, at, stratified, &mut ws).expect("defined");
        println!("{name}: {} iterations, z = {:.3}", f.iterations, f.z);
        group.bench_function(name, |b| {
            b.iter(|| black_box(mmrm::fit(black_box(v), at, stratified, &mut ws)))
        });
    }
    group.bench_function("ancova at 12 months", |b| {
        b.iter(|| black_box(mmrm::ancova(black_box(&four), 12.0, false, &mut ws)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
