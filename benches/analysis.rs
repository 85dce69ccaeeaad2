//! Cost of analysing one data cut in the simulation's hot loop: `load` (sort and event-time
//! table) + log-rank + Cox (Efron), for n = 600 patients with about 300 events.

use criterion::{Criterion, criterion_group, criterion_main};
use enrichsim::analysis::{Analyzer, Ties};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

struct Cut {
    time: Vec<f64>,
    event: Vec<bool>,
    treated: Vec<bool>,
    stratum: Vec<u32>,
}

fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// 600 patients, 1:1, 3 strata, exponential event times (control median 30 months, HR 0.7)
/// with staggered entry over 24 months and a data cut at 40 months: about half have events.
fn cut(seed: u64) -> Cut {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut c = Cut {
        time: vec![],
        event: vec![],
        treated: vec![],
        stratum: vec![],
    };
    for i in 0..600 {
        let treated = i % 2 == 0;
        let rate = 2f64.ln() / 30.0 * if treated { 0.7 } else { 1.0 };
        let t = -(1.0 - uniform(&mut rng)).ln() / rate;
        let follow_up = 40.0 - 24.0 * uniform(&mut rng);
        c.time.push(t.min(follow_up));
        c.event.push(t <= follow_up);
        c.treated.push(treated);
        c.stratum.push((uniform(&mut rng) * 3.0) as u32);
    }
    c
}

fn bench(c: &mut Criterion) {
    let data = cut(1);
    let events = data.event.iter().filter(|&&e| e).count();
    let mut group = c.benchmark_group(format!("analysis n=600 events={events}"));
    let mut a = Analyzer::new();
    group.bench_function("load", |b| {
        b.iter(|| {
            a.load(
                black_box(&data.time),
                &data.event,
                &data.treated,
                &data.stratum,
            )
        })
    });
    group.bench_function("load+logrank+cox_efron", |b| {
        b.iter(|| {
            a.load(
                black_box(&data.time),
                &data.event,
                &data.treated,
                &data.stratum,
            );
            let lr = a.logrank(false);
            let fit = a.cox(false, Ties::Efron);
            black_box((lr.z, fit.hr))
        })
    });
    group.bench_function("load+stratified logrank+cox_efron", |b| {
        b.iter(|| {
            a.load(
                black_box(&data.time),
                &data.event,
                &data.treated,
                &data.stratum,
            );
            let lr = a.logrank(true);
            let fit = a.cox(true, Ties::Efron);
            black_box((lr.z, fit.hr))
        })
    });
    a.load(&data.time, &data.event, &data.treated, &data.stratum);
    group.bench_function("cox_efron only", |b| {
        b.iter(|| black_box(a.cox(false, Ties::Efron)))
    });
    group.bench_function("logrank only", |b| b.iter(|| black_box(a.logrank(false))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
