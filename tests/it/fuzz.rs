//! Mutation fuzzing of the shipped scenarios and of a survival CSV: each mutant (numbers made
//! extreme, lines deleted, duplicated or swapped, strings emptied or given control characters,
//! keys misspelt, files truncated, stray punctuation) must be either refused cleanly or
//! accepted with usable numbers; never a panic, a hang, or a refused value that exits 0.
//!
//! In process, every mutant goes through parse, resolve, the closed-form description and
//! design, and (small designs) a few replicates, under `catch_unwind`; a subset also runs the
//! binary (`validate`, `run --reps 10`, `analyze`) with a deadline, checking the exit code
//! (0 or 2), the one-line message and the absence of "panicked". The default suite runs a few
//! hundred mutants; `cargo test --release --test it fuzz -- --ignored` runs 10,000 scenario
//! mutants and 2,000 CSV mutants.

use crate::common::*;

use rayon::prelude::*;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// SplitMix64 (Steele, Lea and Flood 2014): the mutants are the same on every machine.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e-320",
    "1e300",
    "1000000000",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "3.5",
    "0.5",
    "99999999999999999999",
    "1",
    "2",
    "0.999999",
    "1e-9",
    "[]",
    "\"x\"",
    "true",
];
const STRINGS: &[&str] = &[
    "", "x", "\\u0000", "\\n", "low", "logrank", "asOF", "none", "?",
];
const PUNCTUATION: &[&str] = &[
    "[", "]", "{", "}", "=", "\"", ",", ".", "#", "\n", "'", "\\",
];

/// The byte ranges of the numbers of a TOML text (a digit run with its sign, point, exponent).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if starts {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_digit() || b"._eE+-".contains(&b[j])) {
                j += 1;
            }
            let s = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            out.push((s, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The byte ranges of the contents of the basic strings of a TOML text.
fn strings(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            open = None;
        } else if c == '"' {
            match open {
                None => open = Some(i + 1),
                Some(s) => {
                    out.push((s, i));
                    open = None;
                }
            }
        }
    }
    out
}

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut Mix) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return rng.pick(PUNCTUATION).to_string();
    }
    match rng.below(9) {
        0..=2 => {
            let spans = numbers(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (s, e) = *rng.pick(&spans);
            format!("{}{}{}", &text[..s], rng.pick(NUMBERS), &text[e..])
        }
        3 => {
            let k = rng.below(lines.len());
            lines
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != k)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
        }
        4 => {
            let k = rng.below(lines.len());
            let mut v = lines.clone();
            v.insert(k, lines[k]);
            v.join("\n")
        }
        5 => {
            let spans = strings(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (s, e) = *rng.pick(&spans);
            format!("{}{}{}", &text[..s], rng.pick(STRINGS), &text[e..])
        }
        6 => {
            let mut cut = rng.below(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        7 => {
            let mut at = rng.below(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            format!("{}{}{}", &text[..at], rng.pick(PUNCTUATION), &text[at..])
        }
        _ => {
            // Misspell a key: the first `name =` of a random line gains a letter.
            let k = rng.below(lines.len());
            let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            if let Some(eq) = v[k].find(" =") {
                v[k].insert(eq, 'x');
            }
            v.join("\n")
        }
    }
}

fn shipped() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect()
}

/// A mutant through the library: refused with an error, or accepted with finite, positive
/// derived quantities. Returns whether it was accepted; panics (caught by the caller) are bugs.
fn check_in_process(text: &str) -> bool {
    let Ok(study) = enrichsim::Study::parse(text, "mutant.toml", &[]) else {
        return false;
    };
    let d = study.describe();
    assert!(
        d.eligible_fraction > 0.0 && d.eligible_fraction <= 1.0,
        "{}",
        d.eligible_fraction
    );
    assert!(d.expected_screened.is_finite() && d.expected_screened > 0.0);
    for s in &d.strata {
        assert!(
            s.control_median.is_finite() && s.control_median > 0.0,
            "{}",
            s.control_median
        );
        assert!((0.0..=1.0).contains(&s.control_survival_21));
    }
    if let Ok(design) = study.design(None, enrichsim::analytic::Method::Schoenfeld) {
        assert!(!design.events.is_nan());
    }
    // A prior's closed-form assurance, the slow part, was checked by `describe` already.
    if study.design.sample_size <= 1_000 && study.model.prior.is_none() {
        let options = enrichsim::simulation::engine::RunOptions {
            reps: 3,
            seed: 1,
            threads: Some(1),
            replicates: None,
        };
        if let Ok(summary) = study.run(&options, &|_| {}) {
            assert!((0.0..=1.0).contains(&summary.power), "{}", summary.power);
        }
    }
    true
}

/// Runs the binary with a deadline; checks the exit code (0 or 2) and the message.
fn check_binary(args: &[&str], file: &Path, what: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enrichsim"))
        .args(&args[..1])
        .arg(file)
        .args(&args[1..])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: {args:?} did not end within 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{what}: {args:?}: {stderr}");
    match status.code() {
        Some(0) => {}
        Some(2) => {
            assert_eq!(
                stderr.trim_end().lines().count(),
                1,
                "{what}: one line: {stderr}"
            );
            assert!(
                stderr.len() < 2_000,
                "{what}: a short message: {} bytes",
                stderr.len()
            );
        }
        other => panic!("{what}: {args:?}: exit {other:?}: {stderr}"),
    }
}

fn fuzz_scenarios(mutants: usize, through_binary: usize, seed: u64) {
    let scenarios = shipped();
    let dir = TempDir::new().unwrap();
    let every = (mutants / through_binary.max(1)).max(1);
    // Mutant m draws from its own generator, so the mutants do not depend on the thread split.
    // Large stacks: a panic's backtrace (RUST_BACKTRACE) is symbolised on the panicking thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build()
        .unwrap();
    let verdicts: Vec<Result<bool, String>> = pool.install(|| {
        (0..mutants)
            .into_par_iter()
            .map(|m| {
                let mut rng = Mix(seed ^ (m as u64).wrapping_mul(0xA24B_AED4_963E_E407));
                let (name, text) = rng.pick(&scenarios).clone();
                let mut mutant = mutate(&text, &mut rng);
                for _ in 0..rng.below(3) {
                    mutant = mutate(&mutant, &mut rng);
                }
                let verdict = catch_unwind(AssertUnwindSafe(|| check_in_process(&mutant)))
                    .map_err(|_| format!("mutant {m} of {name}:\n{mutant}"));
                if m % every == 0 {
                    let file = dir.path().join(format!("m{m}.toml"));
                    std::fs::write(&file, &mutant).unwrap();
                    let what = format!("mutant {m} of {name}");
                    check_binary(&["validate"], &file, &what);
                    check_binary(&["run", "--reps", "10", "--quiet"], &file, &what);
                }
                verdict
            })
            .collect()
    });
    let accepted = verdicts.iter().filter(|v| matches!(v, Ok(true))).count();
    let refused = verdicts.iter().filter(|v| matches!(v, Ok(false))).count();
    let failures: Vec<&String> = verdicts.iter().filter_map(|v| v.as_ref().err()).collect();
    eprintln!(
        "{mutants} scenario mutants: {accepted} accepted, {refused} refused, {} panicked",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mutants panicked; the first:\n{}",
        failures.len(),
        failures[0]
    );
    // The mutations reach both sides: some mutants are valid scenarios, most are not.
    assert!(
        accepted > mutants / 20 && refused > mutants / 4,
        "{accepted} / {refused}"
    );
}

fn fuzz_csv(mutants: usize, seed: u64) {
    let text = std::fs::read_to_string(oracle("survival-dataset1.csv")).unwrap();
    let head: String = text.lines().take(60).collect::<Vec<_>>().join("\n") + "\n";
    let dir = TempDir::new().unwrap();
    let mut rng = Mix(seed);
    for m in 0..mutants {
        let mut mutant = mutate(&head, &mut rng);
        for _ in 0..rng.below(3) {
            mutant = mutate(&mutant, &mut rng);
        }
        let file = dir.path().join(format!("m{m}.csv"));
        std::fs::write(&file, &mutant).unwrap();
        let extra: &[&str] = match m % 3 {
            0 => &[],
            1 => &["--strata", "pnfh_stratum"],
            _ => &["--test", "maxcombo"],
        };
        let args = [&["analyze"][..], &ORACLE_COLUMNS, extra].concat();
        check_binary(&args, &file, &format!("CSV mutant {m}:\n{mutant}"));
    }
}

#[test]
fn scenario_mutants_are_refused_cleanly_or_usable() {
    fuzz_scenarios(250, 10, 2026);
}

#[test]
fn csv_mutants_are_refused_cleanly_or_analysed() {
    fuzz_csv(150, 7);
}

#[test]
#[ignore = "10,000 scenario mutants: minutes; run with --ignored"]
fn scenario_mutants_10k() {
    fuzz_scenarios(10_000, 500, 99);
}

#[test]
#[ignore = "2,000 CSV mutants through the binary; run with --ignored"]
fn csv_mutants_2k() {
    fuzz_csv(2_000, 11);
}
