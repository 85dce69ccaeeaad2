//! Benchmarks of the `sequential` module: computing a design, and the engine's per-look hook.
//!
//! `cargo bench --bench boundaries`

use criterion::{Criterion, criterion_group, criterion_main};
use enrichsim::design::sequential::{
    DesignKind, DesignSpec, Futility, GroupSequentialDesign, MonitoringWorkspace, SpendingFunction,
};
use std::hint::black_box;

fn asof_with_futility() -> DesignSpec {
    let mut spec = DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), 0.025);
    spec.futility = Futility::BetaSpending(SpendingFunction::LanDeMetsObf);
    spec.power = Some(0.9);
    spec
}

fn design(c: &mut Criterion) {
    let timing = vec![0.2, 0.4, 0.6, 0.8, 1.0];
    c.bench_function(
        "design: 5-look asOF, beta-spending futility, power 90%",
        |b| {
            b.iter(|| {
                let d = GroupSequentialDesign::new(black_box(asof_with_futility()), timing.clone())
                    .expect("design");
                black_box(d.inflation_factor())
            })
        },
    );
    c.bench_function("design: 5-look asOF, efficacy only, power 90%", |b| {
        b.iter(|| {
            let mut spec =
                DesignSpec::new(DesignKind::Spending(SpendingFunction::LanDeMetsObf), 0.025);
            spec.power = Some(0.9);
            let d = GroupSequentialDesign::new(black_box(spec), timing.clone()).expect("design");
            black_box(d.inflation_factor())
        })
    });
}

fn hook(c: &mut Criterion) {
    let timing = vec![0.2, 0.4, 0.6, 0.8, 1.0];
    let d = GroupSequentialDesign::new(asof_with_futility(), timing.clone()).expect("design");
    let mut ws = MonitoringWorkspace::new();
    c.bench_function("hook: look 5 at the planned timing", |b| {
        b.iter(|| {
            black_box(
                d.bounds_at(black_box(&timing), true, &mut ws)
                    .expect("bound"),
            )
        })
    });
    // A replicate whose looks fall off plan: looks 1..5 in turn, a new sequence every iteration
    // (so nothing is reused across replicates), the last one final at 1.03.
    let mut shift = 0.0;
    c.bench_function("hook: one replicate, 5 looks off plan (5 calls)", |b| {
        b.iter(|| {
            shift = (shift + 1e-4) % 0.01;
            let obs = [0.21 + shift, 0.43, 0.58, 0.81, 1.03];
            let mut s = 0.0;
            for k in 1..=5 {
                s += d
                    .bounds_at(&obs[..k], k == 5, &mut ws)
                    .expect("bound")
                    .efficacy;
            }
            black_box(s)
        })
    });
    c.bench_function(
        "hook: one replicate, 5 looks off plan, efficacy only (5 calls)",
        |b| {
            b.iter(|| {
                shift = (shift + 1e-4) % 0.01;
                let obs = [0.21 + shift, 0.43, 0.58, 0.81, 1.03];
                let mut s = 0.0;
                for k in 1..=5 {
                    s += d
                        .efficacy_bound_at(&obs[..k], k == 5, &mut ws)
                        .expect("bound");
                }
                black_box(s)
            })
        },
    );
    let mut coarse = MonitoringWorkspace::with_grid(16);
    c.bench_function(
        "hook: one replicate, 5 looks off plan, efficacy only, r = 16",
        |b| {
            b.iter(|| {
                shift = (shift + 1e-4) % 0.01;
                let obs = [0.21 + shift, 0.43, 0.58, 0.81, 1.03];
                let mut s = 0.0;
                for k in 1..=5 {
                    s += d
                        .efficacy_bound_at(&obs[..k], k == 5, &mut coarse)
                        .expect("bound");
                }
                black_box(s)
            })
        },
    );
    c.bench_function("hook: look 5 off plan, no cache (worst single call)", |b| {
        b.iter(|| {
            shift = (shift + 1e-4) % 0.01;
            let obs = [0.21 + shift, 0.43, 0.58, 0.81, 1.03];
            black_box(d.bounds_at(&obs, true, &mut ws).expect("bound"))
        })
    });
}

criterion_group!(benches, design, hook);
criterion_main!(benches);
