//! Shards: runs that scale past one machine.
//!
//! `run`, `sweep` and `size` with `--shard I/N` simulate only the replicates r with
//! r mod N == I and write a **shard file**; `merge` reads the N shard files and gives exactly the
//! report of the single run (the same bytes, but for `elapsed_s`, which becomes the sum of the
//! shards' wall times). Replicate r depends only on (scenario, seed, r), so this holds by
//! construction; the shard file keeps what the report needs to be recomputed exactly:
//!
//! - what was run: the command and its options (`job`), the scenario file's text and name, the
//!   `--set` overrides, the seed, the replicates of the whole run and the enrichsim version;
//! - which shard it is (`shard`, `shards`) and whether it was stopped early (`partial`);
//! - for each point (one for `run`, one per grid point for `sweep`, one per final value for
//!   `size`), its `--set` assignments and the outcome of every replicate of the shard, one JSON
//!   array per replicate: `[r, flags, events, randomised, screened, misclassified,
//!   true_ineligible, z, hr, by_true_stratum, look_events, look_time, look_randomised,
//!   true_hr]` (true_hr: the hazard ratio drawn from `[prior]`, NaN without one) with
//!   flags 1 = rejected, 2 = stopped for futility, 4 = event count reached, bit 3 + i = the
//!   i-th of `design.tests` rejected, bit 19 + h = hypothesis h rejected and bit 27 + h =
//!   population h selected (`[design.hypotheses]`), bit 35 = stopped for harm (two-sided
//!   designs, `sided = 2`), bits 36-37 the re-estimation zone (`[design.reestimation]`: 0 none,
//!   1 to 3 the rule's zones). Floats are written
//!   in the shortest form that reads back to the same bits ("NaN", "inf", "-inf" as strings),
//!   so merged summaries (means in replicate order, quantiles) are exactly the single run's.
//!
//! `merge` refuses, naming the file: a file that is not a shard file (or of another format
//! version or enrichsim version), shards of different runs (scenario text, overrides, options,
//! seed, replicates or shard count), a shard given twice or missing, a partial shard, and a
//! shard whose replicates are not exactly its share.

use crate::error::{Error, Result};
use crate::scenario::{MAX_LOOKS, MAX_STRATA};
use crate::simulation::engine::{Replicates, TrialOutcome};
use crate::study::search::{Plan, Search, SizeKey, SizeReport};
use crate::study::summary::Summary;
use crate::study::sweep::{Sweep, SweepReport};
use crate::study::{Simulation, Study};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};

/// The `format` field of a shard file.
pub const FORMAT: &str = "enrichsim-shard";
/// The version of the shard file format.
pub const VERSION: u32 = 2;

/// Most shards a run may be split into.
pub const MAX_SHARDS: u64 = 1 << 20;

/// Parses `--shard I/N` for a run of `reps` replicates: replicates r with r mod N == I.
pub fn parse(text: &str, reps: u64) -> Result<Replicates> {
    let bad = || {
        Error::usage(
            "--shard",
            text,
            "I/N with whole numbers 0 <= I < N (shard I of N: the replicates r with r mod N == I)",
        )
    };
    let (i, n) = text.split_once('/').ok_or_else(bad)?;
    let shard: u64 = i.trim().parse().map_err(|_| bad())?;
    let shards: u64 = n.trim().parse().map_err(|_| bad())?;
    if shards == 0 || shard >= shards || shards > MAX_SHARDS {
        return Err(bad());
    }
    if shard >= reps {
        return Err(Error::usage(
            "--shard",
            text,
            format!(
                "a shard with replicates: with --reps {reps}, shard I of N has none when I >= {reps} (use N <= {reps})"
            ),
        ));
    }
    Ok(Replicates {
        total: reps,
        shard,
        shards,
    })
}

/// What a shard file holds the replicates of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Job {
    /// `enrichsim run`.
    Run,
    /// `enrichsim sweep`.
    Sweep {
        /// The `--vary` specifications.
        vary: Vec<String>,
        /// `--target-power`, for plots.
        target_power: Option<f64>,
    },
    /// `enrichsim size`: the pilot's plan (the same in every shard) fixes the final values.
    Size {
        /// The key searched.
        key: SizeKey,
        /// The target power.
        target_power: f64,
        /// The pilot and the final stage's values.
        plan: Plan,
    },
}

/// A float that keeps NaN and infinities (as strings) through JSON.
#[derive(Clone, Copy, Debug)]
struct Float(f64);

impl Serialize for Float {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let x = self.0;
        if x.is_finite() {
            s.serialize_f64(x)
        } else if x.is_nan() {
            s.serialize_str("NaN")
        } else if x > 0.0 {
            s.serialize_str("inf")
        } else {
            s.serialize_str("-inf")
        }
    }
}

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Float, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Float;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> std::result::Result<Float, E> {
                Ok(Float(x))
            }
            fn visit_u64<E: de::Error>(self, x: u64) -> std::result::Result<Float, E> {
                Ok(Float(x as f64))
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> std::result::Result<Float, E> {
                Ok(Float(x as f64))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<Float, E> {
                match s {
                    "NaN" => Ok(Float(f64::NAN)),
                    "inf" => Ok(Float(f64::INFINITY)),
                    "-inf" => Ok(Float(f64::NEG_INFINITY)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(s), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// One replicate's outcome as a JSON array (see the module documentation for the order).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record(
    u64,
    u64,
    u32,
    u32,
    u32,
    u32,
    u32,
    Float,
    Float,
    Vec<u32>,
    Vec<u32>,
    Vec<Float>,
    Vec<u32>,
    Float,
);

impl Record {
    /// The record of an outcome of a scenario with `strata` strata.
    pub fn new(o: &TrialOutcome, strata: usize) -> Record {
        let looks = usize::from(o.looks).clamp(1, MAX_LOOKS);
        let flags = u64::from(o.reject)
            | (u64::from(o.futility) << 1)
            | (u64::from(o.reached) << 2)
            | (u64::from(o.tests_reject) << 3)
            | (u64::from(o.rejected) << 19)
            | (u64::from(o.selected) << 27)
            | (u64::from(o.harm) << 35)
            | (u64::from(o.zone.min(3)) << 36);
        Record(
            o.replicate,
            flags,
            o.events,
            o.randomised,
            o.screened,
            o.misclassified,
            o.true_ineligible,
            Float(o.z),
            Float(o.hr),
            o.by_true_stratum[..strata.min(MAX_STRATA)].to_vec(),
            o.look_events[..looks].to_vec(),
            o.look_time[..looks].iter().map(|&t| Float(t)).collect(),
            o.look_randomised[..looks].to_vec(),
            Float(o.true_hr),
        )
    }

    /// The outcome back, or what is wrong with the record.
    pub fn outcome(&self) -> std::result::Result<TrialOutcome, String> {
        let Record(
            r,
            flags,
            events,
            randomised,
            screened,
            mis,
            inel,
            z,
            hr,
            by,
            le,
            lt,
            lr,
            true_hr,
        ) = self;
        let looks = le.len();
        if looks == 0 || looks > MAX_LOOKS || lt.len() != looks || lr.len() != looks {
            return Err(format!(
                "replicate {r}: 1 to {MAX_LOOKS} looks with events, times and randomised each"
            ));
        }
        if by.len() > MAX_STRATA || *flags >> 38 != 0 {
            return Err(format!("replicate {r}: malformed record"));
        }
        let mut o = TrialOutcome {
            replicate: *r,
            reject: flags & 1 != 0,
            futility: flags & 2 != 0,
            harm: flags >> 35 & 1 != 0,
            z: z.0,
            hr: hr.0,
            events: *events,
            randomised: *randomised,
            screened: *screened,
            duration: lt[looks - 1].0,
            reached: flags & 4 != 0,
            tests_reject: (flags >> 3) as u16,
            rejected: (flags >> 19) as u8,
            selected: (flags >> 27) as u8,
            populations: Default::default(),
            misclassified: *mis,
            true_ineligible: *inel,
            by_true_stratum: [0; MAX_STRATA],
            looks: looks as u8,
            look_events: [0; MAX_LOOKS],
            look_time: [0.0; MAX_LOOKS],
            look_randomised: [0; MAX_LOOKS],
            true_hr: true_hr.0,
            zone: (flags >> 36 & 3) as u8,
        };
        o.by_true_stratum[..by.len()].copy_from_slice(by);
        o.look_events[..looks].copy_from_slice(le);
        for (t, f) in o.look_time.iter_mut().zip(lt) {
            *t = f.0;
        }
        o.look_randomised[..looks].copy_from_slice(lr);
        Ok(o)
    }
}

/// One point of a shard: its `--set` assignments and its replicates' outcomes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardPoint {
    /// The point's assignments (empty for `run`).
    pub set: Vec<String>,
    /// The shard's replicates at this point, in replicate order.
    pub outcomes: Vec<Record>,
}

/// A shard file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: u32,
    /// The enrichsim version that simulated it.
    pub enrichsim: String,
    /// The command and its options.
    pub job: Job,
    /// The scenario file's name as given (for messages).
    pub scenario_file: String,
    /// The scenario file's text.
    pub scenario_text: String,
    /// The `--set` overrides.
    pub set: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Replicates of the whole run (per point).
    pub reps: u64,
    /// This shard's index I.
    pub shard: u64,
    /// Number of shards N.
    pub shards: u64,
    /// Stopped early (Ctrl-C or a scheduler's SIGTERM): fewer replicates than its share.
    pub partial: bool,
    /// Wall time, seconds.
    pub elapsed_s: f64,
    /// The points (written and read apart from the header, one line per replicate).
    #[serde(skip)]
    pub points: Vec<ShardPoint>,
}

/// What `run`, `sweep` or `size` simulated, ready to be written as a shard file.
pub struct Simulated<'a> {
    /// The command and its options.
    pub job: Job,
    /// The scenario file's name.
    pub scenario_file: &'a str,
    /// Its text.
    pub scenario_text: &'a str,
    /// The `--set` overrides.
    pub set: &'a [String],
    /// Master seed.
    pub seed: u64,
    /// Strata of the scenario (entries of `by_true_stratum` kept).
    pub strata: usize,
    /// (assignments, simulation) per point.
    pub points: Vec<(Vec<String>, &'a Simulation)>,
}

impl ShardFile {
    /// The shard file of a simulation.
    pub fn new(sim: Simulated) -> ShardFile {
        let replicates = sim
            .points
            .first()
            .map_or(Replicates::all(0), |(_, s)| s.replicates);
        let partial = sim.points.iter().any(|(_, s)| !s.complete());
        let elapsed_s = sim.points.first().map_or(0.0, |(_, s)| s.elapsed_s);
        ShardFile {
            format: FORMAT.to_string(),
            version: VERSION,
            enrichsim: env!("CARGO_PKG_VERSION").to_string(),
            job: sim.job,
            scenario_file: sim.scenario_file.to_string(),
            scenario_text: sim.scenario_text.to_string(),
            set: sim.set.to_vec(),
            seed: sim.seed,
            reps: replicates.total,
            shard: replicates.shard,
            shards: replicates.shards,
            partial,
            elapsed_s,
            points: sim
                .points
                .into_iter()
                .map(|(set, s)| ShardPoint {
                    set,
                    outcomes: s
                        .outcomes
                        .iter()
                        .map(|o| Record::new(o, sim.strata))
                        .collect(),
                })
                .collect(),
        }
    }

    /// The file's text: the header fields indented, then one line per replicate.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).expect("shard headers serialise");
        out.truncate(out.trim_end().len() - 1); // the closing brace
        out.push_str(",\n  \"points\": [");
        for (i, point) in self.points.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            let set = serde_json::to_string(&point.set).expect("strings serialise");
            out.push_str(&format!("    {{\"set\": {set}, \"outcomes\": ["));
            for (k, record) in point.outcomes.iter().enumerate() {
                out.push_str(if k == 0 { "\n" } else { ",\n" });
                out.push_str(&serde_json::to_string(record).expect("records serialise"));
            }
            out.push_str("\n    ]}");
        }
        out.push_str("\n  ]\n}\n");
        out
    }

    /// Reads a shard file.
    pub fn read(path: &Path) -> Result<ShardFile> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad = |problem: String| Error::Shard {
            file: path.display().to_string(),
            problem,
        };
        // The format and version first (skipping the rest unread), so a file of another kind or
        // version gets a plain answer.
        #[derive(Deserialize)]
        struct Head {
            format: Option<String>,
            version: Option<u64>,
        }
        let head: Head = serde_json::from_str(&text)
            .map_err(|e| bad(format!("not a shard file (not a JSON object: {e})")))?;
        if head.format.as_deref() != Some(FORMAT) {
            return Err(bad(format!(
                "not a shard file (no \"format\": \"{FORMAT}\"; write one with --shard I/N)"
            )));
        }
        if head.version != Some(u64::from(VERSION)) {
            return Err(bad(format!(
                "shard file format version {} is not the version this enrichsim reads ({VERSION})",
                head.version
                    .map_or_else(|| "(missing)".into(), |v| v.to_string())
            )));
        }
        #[derive(Deserialize)]
        struct Whole {
            #[serde(flatten)]
            header: ShardFile,
            points: Vec<ShardPoint>,
        }
        let whole: Whole =
            serde_json::from_str(&text).map_err(|e| bad(format!("malformed shard file: {e}")))?;
        let mut file = whole.header;
        file.points = whole.points;
        Ok(file)
    }

    /// This shard's replicates.
    pub fn replicates(&self) -> Replicates {
        Replicates {
            total: self.reps,
            shard: self.shard,
            shards: self.shards,
        }
    }

    /// Replicates simulated (at the first point).
    pub fn completed(&self) -> usize {
        self.points.first().map_or(0, |p| p.outcomes.len())
    }
}

/// A merged result, ready to render.
#[derive(Clone, Debug)]
pub enum Merged {
    /// The report of `run`.
    Run(Box<Summary>),
    /// The power table of `sweep`.
    Sweep(Box<SweepReport>),
    /// The result of `size`.
    Size(Box<SizeReport>),
}

/// Reads, checks and merges shard files into the single run's report.
pub fn merge(paths: &[PathBuf]) -> Result<Merged> {
    let files = paths
        .iter()
        .map(|p| ShardFile::read(p))
        .collect::<Result<Vec<_>>>()?;
    let Some(first) = files.first() else {
        return Err(Error::usage("FILES", "(none)", "one or more shard files"));
    };
    let name = |i: usize| paths[i].display().to_string();
    // The same run.
    for (i, f) in files.iter().enumerate().skip(1) {
        let differs = |what: &str, a: String, b: String| Error::Shard {
            file: name(i),
            problem: format!(
                "not a shard of the same run as {}: {what} {b} here, {a} there",
                name(0)
            ),
        };
        if f.enrichsim != first.enrichsim {
            return Err(differs(
                "enrichsim version",
                first.enrichsim.clone(),
                f.enrichsim.clone(),
            ));
        }
        if f.job != first.job {
            return Err(differs(
                "command or options",
                format!("{:?}", first.job),
                format!("{:?}", f.job),
            ));
        }
        if f.scenario_text != first.scenario_text {
            return Err(differs(
                "scenario text",
                format!("that of {}", first.scenario_file),
                format!("that of {}", f.scenario_file),
            ));
        }
        if f.set != first.set {
            return Err(differs(
                "--set overrides",
                format!("{:?}", first.set),
                format!("{:?}", f.set),
            ));
        }
        if f.seed != first.seed {
            return Err(differs("seed", first.seed.to_string(), f.seed.to_string()));
        }
        if f.reps != first.reps {
            return Err(differs(
                "replicates",
                first.reps.to_string(),
                f.reps.to_string(),
            ));
        }
        if f.shards != first.shards {
            return Err(differs(
                "shard count N",
                first.shards.to_string(),
                f.shards.to_string(),
            ));
        }
        if f.points
            .iter()
            .map(|p| &p.set)
            .ne(first.points.iter().map(|p| &p.set))
        {
            return Err(differs(
                "points",
                format!("{}", first.points.len()),
                format!("{}", f.points.len()),
            ));
        }
    }
    // Each shard exactly once, complete, with exactly its replicates.
    let n = first.shards;
    if n > MAX_SHARDS {
        return Err(Error::Shard {
            file: name(0),
            problem: format!("{n} shards: merge takes at most {MAX_SHARDS}"),
        });
    }
    let mut seen: Vec<Option<usize>> = vec![None; n as usize];
    for (i, f) in files.iter().enumerate() {
        let slot = seen.get_mut(f.shard as usize).ok_or_else(|| Error::Shard {
            file: name(i),
            problem: format!("shard {}/{n} is out of range", f.shard),
        })?;
        if let Some(j) = slot {
            return Err(Error::Shard {
                file: name(i),
                problem: format!("shard {}/{n} is also given by {}", f.shard, name(*j)),
            });
        }
        *slot = Some(i);
        let expected = f.replicates();
        if f.partial
            || f.points
                .iter()
                .any(|p| p.outcomes.len() as u64 != expected.count())
        {
            return Err(Error::Shard {
                file: name(i),
                problem: format!(
                    "shard {}/{n} is partial ({} of its {} replicates; it was stopped early): run it again",
                    f.shard,
                    f.completed(),
                    expected.count()
                ),
            });
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(k, _)| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Shard {
            file: paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            problem: format!(
                "shard{} {} missing: merge needs all {n} shards of the run",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", ")
            ),
        });
    }
    // Interleave the shards' replicates back into replicate order.
    let reps = first.reps;
    let mut outcomes: Vec<Vec<TrialOutcome>> = Vec::with_capacity(first.points.len());
    for k in 0..first.points.len() {
        let mut slots: Vec<Option<TrialOutcome>> = vec![None; reps as usize];
        for (i, f) in files.iter().enumerate() {
            let expected = f.replicates();
            for (j, record) in f.points[k].outcomes.iter().enumerate() {
                let o = record.outcome().map_err(|problem| Error::Shard {
                    file: name(i),
                    problem,
                })?;
                let r = expected.index(j as u64);
                if o.replicate != r {
                    return Err(Error::Shard {
                        file: name(i),
                        problem: format!(
                            "point {} holds replicate {} where replicate {r} belongs",
                            k + 1,
                            o.replicate
                        ),
                    });
                }
                slots[r as usize] = Some(o);
            }
        }
        outcomes.push(slots.into_iter().flatten().collect());
    }
    let elapsed_s = (files.iter().map(|f| f.elapsed_s).sum::<f64>() * 1000.0).round() / 1000.0;
    let file = first.scenario_file.as_str();
    let text = first.scenario_text.as_str();
    let inconsistent = |problem: String| Error::Shard {
        file: name(0),
        problem,
    };
    let expect_sets = |sets: Vec<Vec<String>>| {
        if first.points.iter().map(|p| &p.set).ne(sets.iter()) {
            Err(inconsistent(
                "its points do not match its command's options".into(),
            ))
        } else {
            Ok(())
        }
    };
    Ok(match &first.job {
        Job::Run => {
            expect_sets(vec![Vec::new()])?;
            let study = Study::parse(text, file, &first.set)?;
            let simulation = Simulation {
                outcomes: outcomes.pop().unwrap_or_default(),
                replicates: Replicates::all(reps),
                elapsed_s,
            };
            Merged::Run(Box::new(study.summarise(first.seed, reps, &simulation)))
        }
        Job::Sweep { vary, target_power } => {
            let sweep = Sweep::new(text, file, &first.set, vary)?;
            expect_sets(
                (0..sweep.grid.len())
                    .map(|i| sweep.grid.assignments(i))
                    .collect(),
            )?;
            Merged::Sweep(Box::new(sweep.report(
                first.seed,
                reps,
                &outcomes,
                *target_power,
                elapsed_s,
            )))
        }
        Job::Size {
            key,
            target_power,
            plan,
        } => {
            let search = Search::new(text, file, &first.set, Some(key.path()), *target_power)?;
            expect_sets(
                plan.grid
                    .iter()
                    .map(|v| vec![format!("{}={v}", key.path())])
                    .collect(),
            )?;
            Merged::Size(Box::new(
                search.report(plan, first.seed, reps, &outcomes, elapsed_s)?,
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specifications() {
        let r = parse("2/8", 100).unwrap();
        assert_eq!((r.shard, r.shards, r.total), (2, 8, 100));
        assert_eq!(r.count(), 13); // 2, 10, ..., 98
        for bad in ["3/2", "2/2", "0/0", "1", "a/2", "-1/2", "1/2/3", ""] {
            let e = parse(bad, 10).unwrap_err().to_string();
            assert!(e.contains("--shard") && e.contains("I/N"), "{bad}: {e}");
        }
    }

    #[test]
    fn floats_round_trip_bit_for_bit() {
        let values = [
            0.1 + 0.2,
            -0.0,
            5e-324,
            f64::MAX,
            1.0 / 3.0,
            150.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            std::f64::consts::PI * 1e-300,
        ];
        let mut state = 7u64;
        let random = (0..1000).map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            f64::from_bits(state >> 1) // finite or not, all bit patterns of positive floats
        });
        for x in values.into_iter().chain(random) {
            let text = serde_json::to_string(&Float(x)).unwrap();
            let back: Float = serde_json::from_str(&text).unwrap();
            if x.is_nan() {
                assert!(back.0.is_nan(), "{text}");
            } else {
                assert_eq!(back.0.to_bits(), x.to_bits(), "{x:e} -> {text}");
            }
        }
    }
}
