//! Value stability: fixed-seed golden outcomes. These change only on purpose (a deliberate change
//! of the random streams or the model); an accidental change of the stream is caught here.
//! To re-pin after a deliberate change, run with `PRINT_GOLDEN=1` and paste the printed lines.

use crate::common::*;
use enrichsim::simulation::engine::{Workspace, simulate_one};
use enrichsim::stats::rng::Streams;

/// A fixed copy of the enriched Phase 3 scenario (the shipped file may be retuned; this may not).
const PINNED: &str = r#"
name = "pinned"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.10
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low      = { median = 30.6 }
moderate = { weibull = { median = 30.6, shape = 1.2 } }
high     = { piecewise = { starts = [0.0, 6.0], rates = [0.05, 0.06] } }
[effect]
hazard_ratio = { low = 0.65, moderate = 0.65, high = 1.0 }
delay = 1.0
[enrolment]
rate = [ { from = 0.0, per_month = 10.0 }, { from = 6.0, per_month = 25.0 } ]
screen_failure = 0.10
[dropout]
per_year = 0.05
[design]
eligible = ["low", "moderate"]
sample_size = 400
analysis = { events = 230 }
follow_up = 48.0
"#;

/// (replicate, events, randomised, screened, duration bits, z bits, reject)
type Golden = (u64, u32, u32, u32, u64, u64, bool);

#[rustfmt::skip]
const GOLDEN: &[Golden] = &[
    // With the 48-month follow-up cap this cohort averages 226 observable deaths (closed form),
    // so many replicates never reach 230: each is then analysed at its last event.
    (0, 228, 400, 559, 4634583096088844367, 4612877972652553805, true),
    (1, 230, 400, 562, 4634133515789851458, 4615281211464816768, true),
    (2, 230, 400, 564, 4634626751271509167, 4615091411105808321, true),
    (1000003, 219, 400, 546, 4634622249875473514, 4616805910189757036, true),
];

#[test]
fn replicates_are_pinned() {
    check(PINNED, 20_251_126, GOLDEN);
}

/// The rpact-equivalent one-stratum trial: constant screening rate, exponential control
/// hazard, blocks of 4 and no dropout, i.e. the fast paths of the inner loop. (Pinned after the
/// exponential and constant-rate inversions became products by a precomputed reciprocal, which
/// moved replicate 1's analysis time by one ulp.)
const PINNED_ONE_STRATUM: &str = r#"
name = "pinned, one stratum"
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

#[rustfmt::skip]
const GOLDEN_ONE_STRATUM: &[Golden] = &[
    (0, 300, 600, 600, 4631575818849807642, 4616461648366622999, true),
    (1, 300, 600, 600, 4631721308817065216, 4617140737834618809, true),
    (2, 300, 600, 600, 4631957010970253610, 4612935211211310055, true),
    (1000003, 300, 600, 600, 4632716609780100276, 4614817536766930854, true),
];

#[test]
fn one_stratum_replicates_are_pinned() {
    check(PINNED_ONE_STRATUM, 7, GOLDEN_ONE_STRATUM);
}

fn check(scenario: &str, seed: u64, golden: &[Golden]) {
    let study = study(scenario);
    let streams = Streams::new(seed);
    let mut ws = Workspace::default();
    let got: Vec<Golden> = [0u64, 1, 2, 1_000_003]
        .iter()
        .map(|&r| {
            let o = simulate_one(&study.model, &study.design, &streams, r, &mut ws);
            (
                r,
                o.events,
                o.randomised,
                o.screened,
                o.duration.to_bits(),
                o.z.to_bits(),
                o.reject,
            )
        })
        .collect();
    if std::env::var_os("PRINT_GOLDEN").is_some() {
        for g in &got {
            println!("    {g:?},");
        }
    }
    assert_eq!(got, golden, "the random stream or the model changed");
}

/// Adaptive enrichment (the shipped scenario's design on a fixed copy): the interim, the
/// selection, the re-screening after the switch of eligibility and the second stage. Pinned
/// under both the x86-64-v3 and the generic x86-64 targets (same bits).
const PINNED_ADAPTIVE: &str = r#"
name = "pinned, adaptive enrichment"
[biomarker]
median = 2000.0
gsd = 2.1
assay_cv = 0.10
cutpoints = [750.0, 3700.0]
strata = ["low", "moderate", "high"]
[control]
low      = { median = 30.6 }
moderate = { median = 30.6 }
high     = { median = 12.2 }
[effect]
hazard_ratio = { low = 0.65, moderate = 0.65, high = 1.0 }
[enrolment]
rate = [ { from = 0.0, per_month = 10.0 }, { from = 6.0, per_month = 25.0 } ]
screen_failure = 0.10
[dropout]
per_year = 0.05
[design]
sample_size = 600
analysis = { events = 360 }
[design.hypotheses]
S = ["low", "moderate"]
F = ["low", "moderate", "high"]
primary = "S"
[design.adaptive]
interim = 0.35
selection = "complement"
threshold = 1.0
intersection_test = "simes"
"#;

/// (replicate, events, randomised, screened, duration bits, z bits, rejected, selected)
type AdaptiveGolden = (u64, u32, u32, u32, u64, u64, u8, u8);

#[rustfmt::skip]
const GOLDEN_ADAPTIVE: &[AdaptiveGolden] = &[
    // Replicates 1 and 3 enrich for S at the interim (selected = 1) and screen more.
    (0, 360, 600, 657, 4634721629152307241, 4615773068879894288, 3, 3),
    (1, 422, 600, 680, 4636056535994892005, 4616164120400597656, 1, 1),
    (2, 360, 600, 655, 4634176911984378922, 4615107672292626576, 3, 3),
    (3, 413, 600, 659, 4635800146065586729, 4616249558238277828, 1, 1),
    (1000003, 360, 600, 675, 4634521319893953679, 4616587078332102126, 3, 3),
];

#[test]
fn adaptive_replicates_are_pinned() {
    let study = study(PINNED_ADAPTIVE);
    let streams = Streams::new(99);
    let mut ws = Workspace::default();
    let got: Vec<AdaptiveGolden> = [0u64, 1, 2, 3, 1_000_003]
        .iter()
        .map(|&r| {
            let o = simulate_one(&study.model, &study.design, &streams, r, &mut ws);
            (
                r,
                o.events,
                o.randomised,
                o.screened,
                o.duration.to_bits(),
                o.z.to_bits(),
                o.rejected,
                o.selected,
            )
        })
        .collect();
    if std::env::var_os("PRINT_GOLDEN").is_some() {
        for g in &got {
            println!("    {g:?},");
        }
    }
    assert_eq!(
        got, GOLDEN_ADAPTIVE,
        "the random stream or the model changed"
    );
}
