//! Shards and merge: N shards run as separate processes merge into exactly the single run's
//! output (the same bytes but for `elapsed_s`) for `run`, `sweep` and `size`; the Slurm guide's
//! one-machine commands (examples/slurm/README.md) run as they stand; and `merge` refuses files
//! that are not the N complete shards of one run, naming the file.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::Child;
use tempfile::TempDir;

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_enrichsim"))
}

/// Runs `args` with `--shard i/n --output dir/shard-i.json` for every i as concurrent processes
/// (each on one thread), waits for all, and returns the files.
fn run_shards(dir: &Path, args: &[&str], n: usize) -> Vec<PathBuf> {
    let children: Vec<(PathBuf, Child)> = (0..n)
        .map(|i| {
            let file = dir.join(format!("shard-{i}.json"));
            let child = std::process::Command::new(binary())
                .args(args)
                .args(["--threads", "1", "--quiet", "--shard", &format!("{i}/{n}")])
                .arg("--output")
                .arg(&file)
                .spawn()
                .expect("starts");
            (file, child)
        })
        .collect();
    children
        .into_iter()
        .map(|(file, mut child)| {
            assert!(child.wait().unwrap().success(), "shard process failed");
            file
        })
        .collect()
}

fn merge(files: &[PathBuf], format: &str) -> String {
    stdout_of(
        enrichsim()
            .arg("merge")
            .args(files)
            .args(["--format", format]),
    )
}

#[test]
fn merged_run_equals_the_single_run() {
    let dir = TempDir::new().unwrap();
    let scenario = scenario_path("phase3-enriched-sequential.toml");
    let scenario = scenario.to_str().unwrap();
    let args = ["run", scenario, "--reps", "1001", "--seed", "42"];
    let single = stdout_of(
        enrichsim()
            .args(args)
            .args(["--format", "json", "--threads", "2"]),
    );
    let mut files = run_shards(dir.path(), &args, 3);
    files.reverse(); // any order
    let merged = merge(&files, "json");
    assert_eq!(without_elapsed(&merged), without_elapsed(&single));
    // Other formats too: text and CSV carry the timing on a line or column of their own.
    let single_csv = stdout_of(enrichsim().args(args).args(["--format", "csv"]));
    let merged_csv = merge(&files, "csv");
    let drop_elapsed = |csv: &str| -> Vec<Vec<String>> {
        let rows: Vec<Vec<String>> = csv
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect();
        let col = rows[0].iter().position(|k| k == "elapsed_s").unwrap();
        rows.into_iter()
            .map(|mut r| {
                r.remove(col);
                r
            })
            .collect()
    };
    assert_eq!(drop_elapsed(&merged_csv), drop_elapsed(&single_csv));
}

#[test]
fn merged_size_search_equals_the_single_search() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("rpact.toml");
    std::fs::write(&scenario, rpact_scenario(0.7, "")).unwrap();
    let scenario = scenario.to_str().unwrap();
    let args = [
        "size",
        scenario,
        "--target-power",
        "0.9",
        "--set",
        "design.sample_size=450",
        "--reps",
        "1200",
        "--seed",
        "3",
    ];
    let single = stdout_of(enrichsim().args(args).args(["--format", "json"]));
    let files = run_shards(dir.path(), &args, 2);
    let merged = merge(&files, "json");
    assert_eq!(without_elapsed(&merged), without_elapsed(&single));
    let value: serde_json::Value = serde_json::from_str(&merged).unwrap();
    for key in ["key", "value", "power", "power_se", "analytic_value"] {
        assert!(!value[key].is_null(), "{key} missing: {merged}");
    }
}

/// The one-machine block of examples/slurm/README.md, with its marker comments.
fn guide_block() -> String {
    let guide = std::fs::read_to_string(project().join("examples/slurm/README.md")).unwrap();
    let start = guide.find("<!-- one-machine").expect("start marker");
    let end = guide.find("<!-- /one-machine -->").expect("end marker");
    let block = &guide[start..end];
    let code_start = block.find("```sh\n").expect("a sh block") + 6;
    let code_end = block.rfind("```").expect("block end");
    block[code_start..code_end].to_string()
}

#[test]
fn the_slurm_guide_runs_on_one_machine_and_merges_to_the_single_run() {
    let block = guide_block();
    assert!(block.contains("--reps 2000"), "{block}");
    let block = block.replace("--reps 2000", "--reps 500");
    let dir = TempDir::new().unwrap();
    for name in ["examples", "scenarios"] {
        std::os::unix::fs::symlink(project().join(name), dir.path().join(name)).unwrap();
    }
    let bin_dir = binary().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", &block])
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("ENRICHSIM")
        .env_remove("ENRICHSIM_OUT")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "guide failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("merged shards = single run"), "{stdout}");
    let shards = std::fs::read_dir(dir.path().join("shards/demo"))
        .unwrap()
        .count();
    assert_eq!(shards, 4);
    let csv = std::fs::read_to_string(dir.path().join("power.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7, "{csv}");
    let svg = std::fs::read_to_string(dir.path().join("power.svg")).unwrap();
    assert!(svg.contains("HR low = 0.65"));
}

/// Writes the shards of a tiny run with `extra` arguments into `dir/name-i.json`.
fn tiny_shards(dir: &Path, name: &str, n: usize, extra: &[&str]) -> Vec<PathBuf> {
    let scenario = scenario_path("phase3-enriched.toml");
    (0..n)
        .map(|i| {
            let file = dir.join(format!("{name}-{i}.json"));
            let out = enrichsim()
                .arg("run")
                .arg(&scenario)
                .args(["--reps", "40", "--shard", &format!("{i}/{n}"), "--output"])
                .arg(&file)
                .args(extra)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            file
        })
        .collect()
}

#[test]
fn merge_refuses_shards_that_do_not_make_one_run() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let good = tiny_shards(d, "good", 3, &[]);
    let other_seed = tiny_shards(d, "seed", 3, &["--seed", "2"]);
    let other_set = tiny_shards(d, "set", 3, &["--set", "design.sample_size=400"]);
    let other_n = tiny_shards(d, "four", 4, &[]);
    // A partial shard, as Ctrl-C or a time limit leaves it.
    let partial = d.join("partial.json");
    let text = std::fs::read_to_string(&good[2]).unwrap();
    std::fs::write(
        &partial,
        text.replacen("\"partial\": false", "\"partial\": true", 1),
    )
    .unwrap();
    let not_shard = d.join("report.json");
    std::fs::write(&not_shard, "{ \"power\": 0.9 }").unwrap();
    let s = |p: &PathBuf| p.display().to_string();
    let cases: Vec<(Vec<PathBuf>, Vec<String>)> = vec![
        (
            vec![good[0].clone(), good[1].clone()],
            vec![s(&good[0]), "shard 2/3 missing".into()],
        ),
        (
            vec![
                good[0].clone(),
                good[1].clone(),
                good[1].clone(),
                good[2].clone(),
            ],
            vec![s(&good[1]), "shard 1/3 is also given by".into()],
        ),
        (
            vec![good[0].clone(), other_seed[1].clone(), good[2].clone()],
            vec![s(&other_seed[1]), "seed 2 here, 1 there".into()],
        ),
        (
            vec![good[0].clone(), good[1].clone(), other_set[2].clone()],
            vec![s(&other_set[2]), "--set overrides".into()],
        ),
        (
            vec![good[0].clone(), other_n[1].clone(), good[2].clone()],
            vec![s(&other_n[1]), "shard count N 4 here, 3 there".into()],
        ),
        (
            vec![good[0].clone(), good[1].clone(), partial.clone()],
            vec![s(&partial), "partial".into(), "run it again".into()],
        ),
        (
            vec![good[0].clone(), not_shard.clone()],
            vec![s(&not_shard), "not a shard file".into()],
        ),
    ];
    for (files, expected) in cases {
        let line = fails_with_one_line(enrichsim().arg("merge").args(&files));
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        assert_mentions(&line, &expected, &format!("{files:?}"));
    }
    // The good ones merge.
    assert!(merge(&good, "json").contains("\"reps\": 40"));
}
