//! Cost of one slope analysis (REML random intercept and slope model) in the simulation's hot
//! loop: 500 patients 1:1 in 3 strata with visits every 3 months to 21 (8 visits) truncated by
//! an exponential death/dropout time (mean 40 months), about 6.4 visits per patient, some with
//! a baseline only. `scheduled`: visits on the schedule (patients share patterns); `jittered`:
//! each visit time moved by up to +-0.5 month, so every patient is a pattern of its own.

use criterion::{Criterion, criterion_group, criterion_main};
use enrichsim::analysis::function::Visits;
use enrichsim::analysis::function::slope::{SlopeWorkspace, fit};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard normal by Box-Muller.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u = 1.0 - uniform(rng);
    let v = uniform(rng);
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

fn visits(seed: u64, jitter: f64) -> Visits {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut v = Visits::default();
    v.clear();
    for i in 0..500 {
        let treated = i % 2 == 0;
        v.push_patient(treated, (uniform(&mut rng) * 3.0) as u32);
        let base = 38.0 + 5.0 * normal(&mut rng);
        let slope = if treated { -0.75 } else { -1.0 } + 0.5 * normal(&mut rng);
        let stop = -40.0 * (1.0 - uniform(&mut rng)).ln();
        for k in 0..8 {
            let mut t = 3.0 * k as f64;
            if k > 0 {
                t += jitter * (uniform(&mut rng) - 0.5);
                if t > stop {
                    break;
                }
            }
            let y = (base + slope * t + 2.0 * normal(&mut rng)).round();
            v.push_visit(t, y.clamp(0.0, 48.0));
        }
    }
    v
}

fn bench(c: &mut Criterion) {
    let scheduled = visits(1, 0.0);
    let jittered = visits(1, 1.0);
    let per = scheduled.time.len() as f64 / scheduled.patients() as f64;
    let mut group = c.benchmark_group(format!("slope n=500 visits/patient={per:.1}"));
    let mut ws = SlopeWorkspace::default();
    for (name, data) in [("scheduled", &scheduled), ("jittered", &jittered)] {
        for stratified in [false, true] {
            let f = fit(data, stratified, &mut ws);
            assert!(f.converged, "{name} {stratified}: {f:?}");
            eprintln!(
                "{name} stratified={stratified}: {} iterations, z {:.3}",
                f.iterations, f.z
            );
            let label = format!("{name}{}", if stratified { " stratified" } else { "" });
            group.bench_function(label, |b| {
                b.iter(|| black_box(fit(black_box(data), stratified, &mut ws).z))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
