//! `compare` shows the analyses of several designs side by side on the same replicates: an
//! analysis evaluated by two designs of the same trial gives the same rejections in both (common
//! random numbers), and each design's primary analysis is its `power`.

use enrichsim::Study;
use enrichsim::simulation::engine::RunOptions;
use enrichsim::study::compare::compare;

const TRIAL: &str = r#"
name = "delayed effect"
[control]
all = { median = 30.0 }
[effect]
hazard_ratio = [ { from = 0.0, hr = 1.0 }, { from = 3.0, hr = 0.65 } ]
[enrolment]
rate = 25.0
[design]
sample_size = 300
analysis = { events = 200 }
"#;

#[test]
fn analyses_side_by_side_on_the_same_replicates() {
    let a = Study::parse(
        &format!("{TRIAL}test = \"logrank\"\ntests = [\"fh(0,1)\", \"maxcombo\"]\n"),
        "a.toml",
        &[],
    )
    .expect("valid");
    let b = Study::parse(
        &format!("{TRIAL}test = \"maxcombo\"\ntests = [\"rmst(18)\"]\n"),
        "b.toml",
        &[],
    )
    .expect("valid");
    let options = RunOptions {
        reps: 600,
        seed: 11,
        threads: Some(2),
        replicates: None,
    };
    let c = compare(&[a, b], &options, &|_, _| {}).expect("runs");
    let (a, b) = (&c.designs[0], &c.designs[1]);
    assert_eq!(
        a.tests.keys().collect::<Vec<_>>(),
        ["fh(0,1)", "logrank", "maxcombo"]
    );
    assert_eq!(b.tests.keys().collect::<Vec<_>>(), ["maxcombo", "rmst(18)"]);
    // The same analysis of the same replicates: identical, not merely close.
    assert_eq!(a.tests["maxcombo"], b.tests["maxcombo"]);
    assert_eq!(a.tests["logrank"], a.power);
    assert_eq!(b.tests["maxcombo"], b.power);
}
