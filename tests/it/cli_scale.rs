//! Bad input to `sweep`, `size`, `merge` and `--shard`: exit code 2 and one line on stderr naming
//! the option or key and the value at fault, before any simulation, and no output file.

use crate::common::*;

use tempfile::TempDir;

struct Case {
    what: &'static str,
    args: &'static [&'static str],
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        what: "--vary without =",
        args: &["sweep", "S", "--vary", "design.sample_size"],
        expect: &["--vary", "design.sample_size", "KEY=V1,V2"],
    },
    Case {
        what: "--vary range with a zero step",
        args: &["sweep", "S", "--vary", "design.sample_size=300:500:0"],
        expect: &["--vary", "300:500:0", "STEP"],
    },
    Case {
        what: "--vary range going the wrong way",
        args: &["sweep", "S", "--vary", "design.sample_size=500:300:100"],
        expect: &["--vary", "500:300:100"],
    },
    Case {
        what: "--vary range of non-numbers",
        args: &["sweep", "S", "--vary", "effect.delay=a:b:c"],
        expect: &["--vary", "a:b:c", "decimal numbers"],
    },
    Case {
        what: "--vary unbalanced brackets",
        args: &["sweep", "S", "--vary", "design.allocation=[1, 1],[2, 1"],
        expect: &["--vary", "balanced"],
    },
    Case {
        what: "--vary of an unknown key",
        args: &["sweep", "S", "--vary", "design.sample_sise=300,400"],
        expect: &["design.sample_sise", "unknown key", "sweep point"],
    },
    Case {
        what: "--vary value out of range at one point",
        args: &["sweep", "S", "--vary", "effect.hazard_ratio.low=0.6,-1"],
        expect: &[
            "effect.hazard_ratio.low",
            "-1",
            "sweep point effect.hazard_ratio.low=-1",
        ],
    },
    Case {
        what: "--vary of a key twice",
        args: &[
            "sweep",
            "S",
            "--vary",
            "design.sample_size=300",
            "--vary",
            "design.sample_size=400",
        ],
        expect: &["--vary", "design.sample_size", "once"],
    },
    Case {
        what: "--shard 3/2 on run",
        args: &["run", "S", "--shard", "3/2"],
        expect: &["--shard", "3/2", "0 <= I < N"],
    },
    Case {
        what: "--shard 1/0 on sweep",
        args: &[
            "sweep",
            "S",
            "--vary",
            "design.sample_size=300",
            "--shard",
            "1/0",
        ],
        expect: &["--shard", "1/0"],
    },
    Case {
        what: "--shard x on size",
        args: &["size", "S", "--target-power", "0.9", "--shard", "x"],
        expect: &["--shard", "x", "I/N"],
    },
    Case {
        what: "--format with --shard",
        args: &["run", "S", "--shard", "0/2", "--format", "csv"],
        expect: &["--format", "csv", "merge"],
    },
    Case {
        what: "size: unknown key",
        args: &[
            "size",
            "S",
            "--target-power",
            "0.9",
            "--key",
            "design.alpha",
        ],
        expect: &[
            "--key",
            "design.alpha",
            "design.sample_size or design.analysis.events",
        ],
    },
    Case {
        what: "size: sample size of an event-driven design",
        args: &[
            "size",
            "S",
            "--target-power",
            "0.9",
            "--key",
            "design.sample_size",
        ],
        expect: &["--key", "design.sample_size", "230 events"],
    },
    Case {
        what: "size: target power out of range",
        args: &["size", "S", "--target-power", "1.5"],
        expect: &["--target-power", "1.5"],
    },
    Case {
        what: "merge: no such file",
        args: &["merge", "no-such-shard.json"],
        expect: &["no-such-shard.json"],
    },
];

#[test]
fn bad_scale_options_fail_with_one_line_naming_the_culprit() {
    let dir = TempDir::new().unwrap();
    let scenario = scenario_path("phase3-enriched.toml");
    let mut failures = Vec::new();
    for case in CASES {
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                if *a == "S" {
                    scenario.display().to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let output = dir.path().join("out.csv");
        let result = error_line(
            enrichsim()
                .current_dir(dir.path())
                .args(&args)
                .arg("--output")
                .arg(&output),
        )
        .and_then(|line| mentions(&line, case.expect));
        if let Err(e) = result {
            failures.push(format!("{}: {e}", case.what));
        }
        if output.exists() {
            failures.push(format!("{}: an output file was written", case.what));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
