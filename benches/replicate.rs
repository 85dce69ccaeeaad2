//! Whole replicates per second: the rpact-equivalent trial (600 subjects accrued over 24 months,
//! 300 events, HR 0.7, fixed design; rpact 3.3.4 needs 1.7 s for 10,000 of them on this kind of
//! 2-core machine, about 6,000 per second), the shipped `phase3-enriched.toml`, and the same
//! with a prior of zero width (`[prior]`; the same replicates: the prior's overhead); and
//! `phase3-enriched-function.toml` three ways: without `[function]` and its tests (survival
//! only, the same survival replicates), with `[function]` and the slope and CAFS analyses
//! (`stratified_slope`, `stratified_cafs(12)`), and with all four of its function tests; and
//! `phase3-enriched-reestimation.toml` (the enriched trial with its deaths re-estimated at an
//! interim, promising zone, CHW) beside the same file without `[design.reestimation]` (the same
//! patients: the cost of the interim cut, its log-rank and the second cut).
//!
//! `replicate/*` times one replicate on one thread; `run/*` times 4,000 replicates through the
//! engine with 1 and 2 threads, reported by criterion as elements (replicates) per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use enrichsim::Study;
use enrichsim::scenario::Scenario;
use enrichsim::simulation::engine::{RunOptions, Workspace, simulate_one};
use enrichsim::stats::rng::Streams;
use std::hint::black_box;
use std::path::Path;

const RPACT_EQUIVALENT: &str = r#"
name = "rpact-equivalent: 600 subjects over 24 months, 300 events, HR 0.7"
[control]
all = { median = 30.0 }
[effect]
hazard_ratio = 0.7
[enrolment]
rate = 25.0
[design]
sample_size = 600
analysis = { events = 300 }
test = "logrank"
"#;

fn studies() -> Vec<(&'static str, Study)> {
    let rpact = Scenario::parse(RPACT_EQUIVALENT, "rpact-equivalent", &[]).expect("valid");
    let enriched_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/phase3-enriched.toml");
    let enriched = Scenario::load(&enriched_path, &[]).expect("valid shipped scenario");
    // The same trial with a prior of zero width: the same replicates, so the difference is the
    // cost of the prior's machinery (a draw and a copy of the model per replicate).
    let text = std::fs::read_to_string(&enriched_path).expect("shipped scenario");
    let point_prior = Scenario::parse(
        &format!(
            "{text}\n[prior]\n[prior.hazard_ratio]\n\
             low_moderate = {{ strata = [\"low\", \"moderate\"], estimate = 0.65, lower = 0.65, upper = 0.65 }}\n"
        ),
        "phase3-enriched-point-prior",
        &[],
    )
    .expect("valid");
    let function_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/phase3-enriched-function.toml");
    let with = std::fs::read_to_string(&function_path).expect("shipped scenario");
    let (start, end) = (
        with.find("[function]").expect("has [function]"),
        with.find("# The Phase 2b placebo arm")
            .expect("has its calibration"),
    );
    let survival_only = format!("{}{}", &with[..start], &with[end..])
        .lines()
        .filter(|l| !l.starts_with("tests ="))
        .collect::<Vec<_>>()
        .join("\n");
    let load = |text: &str, name: &str, set: &[String]| {
        Study::from_scenario(Scenario::parse(text, name, set).expect("valid"), name)
            .expect("resolves")
    };
    let reest_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/phase3-enriched-reestimation.toml");
    let reest = std::fs::read_to_string(&reest_path).expect("shipped scenario");
    let (start, end) = (
        reest
            .find("[design.reestimation]")
            .expect("has [design.reestimation]"),
        reest
            .find("# The Phase 2b placebo arm")
            .expect("has its calibration"),
    );
    let without_reest = format!("{}{}", &reest[..start], &reest[end..]);
    let slope_cafs = [r#"design.tests=["stratified_slope", "stratified_cafs(12)"]"#.to_string()];
    vec![
        (
            "phase3_enriched_reestimation",
            load(&reest, "re-estimation", &[]),
        ),
        (
            "phase3_enriched_without_reestimation",
            load(&without_reest, "without re-estimation", &[]),
        ),
        (
            "phase3_enriched_survival_only",
            load(&survival_only, "survival only", &[]),
        ),
        (
            "phase3_enriched_function_slope_cafs",
            load(&with, "function, slope and CAFS", &slope_cafs),
        ),
        (
            "phase3_enriched_function_all_tests",
            load(&with, "function, all tests", &[]),
        ),
        (
            "rpact_equivalent",
            Study::from_scenario(rpact, "rpact-equivalent").expect("resolves"),
        ),
        (
            "phase3_enriched",
            Study::from_scenario(enriched, "phase3-enriched").expect("resolves"),
        ),
        (
            "phase3_enriched_point_prior",
            Study::from_scenario(point_prior, "phase3-enriched-point-prior").expect("resolves"),
        ),
    ]
}

fn one_replicate(c: &mut Criterion) {
    let mut group = c.benchmark_group("replicate");
    group.throughput(Throughput::Elements(1));
    for (name, study) in studies() {
        let streams = Streams::new(1);
        let mut ws = Workspace::default();
        let mut r = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                r += 1;
                black_box(simulate_one(
                    &study.model,
                    &study.design,
                    &streams,
                    r,
                    &mut ws,
                ))
            })
        });
    }
    group.finish();
}

fn whole_runs(c: &mut Criterion) {
    let reps = 4_000;
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(reps));
    for (name, study) in studies() {
        for threads in [1, 2] {
            let options = RunOptions {
                reps,
                seed: 1,
                threads: Some(threads),
                replicates: None,
            };
            group.bench_function(format!("{name}/threads_{threads}"), |b| {
                b.iter(|| black_box(study.run(&options, &|_| {}).expect("runs")))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, one_replicate, whole_runs);
criterion_main!(benches);
