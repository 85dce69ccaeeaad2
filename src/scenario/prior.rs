//! Reading `[prior]`: the uncertainty about the treatment effect, as a paper reports it.
//!
//! ```toml
//! [prior]
//! discount = 0.8        # multiplies the centre's log hazard ratio (1: as reported; 0: no effect)
//! sd_inflation = 1.25   # multiplies the log hazard ratio's SD (1: as reported)
//! correlation = 0.5     # between the entries' log hazard ratios, through a shared component
//! level = 0.95          # the level of the reported intervals
//! bin_by = "low_moderate"          # whose drawn hazard ratio bins the conditional power
//! bins = [0.4, 0.5, 0.6, 0.7, 0.8] # bin edges (default: chosen from the prior's range)
//!
//! [prior.hazard_ratio]  # one entry per stratum, or per group of strata sharing one draw
//! low_moderate = { strata = ["low", "moderate"], estimate = 0.52, lower = 0.29, upper = 0.93 }
//! high = { estimate = 1.37, lower = 0.62, upper = 3.03 }
//! ```
//!
//! A single entry for every stratum may be written directly:
//! `hazard_ratio = { estimate = 0.7, lower = 0.5, upper = 0.98 }`. Strata that no entry covers
//! keep `[effect]`'s fixed hazard ratio.

use super::limits::{HAZARD_RATIO, HR_ALLOWED, within};
use super::reader::{Node, stratum_indices};
use super::schema;
use crate::error::Result;
use toml::Value;

/// One entry of `[prior.hazard_ratio]`: a log-normal hazard ratio shared by its strata.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorEntrySpec {
    /// The entry's key (a stratum name, or a group's name).
    pub name: String,
    /// Indices of the TRUE strata whose hazard ratio it draws (ascending).
    pub strata: Vec<usize>,
    /// The reported point estimate of the hazard ratio (> 0).
    pub estimate: f64,
    /// The lower end of the reported interval (0 < lower <= estimate).
    pub lower: f64,
    /// The upper end of the reported interval (estimate <= upper).
    pub upper: f64,
}

/// `[prior]`: hazard ratios drawn once per replicate.
#[derive(Clone, Debug, PartialEq)]
pub struct PriorSpec {
    /// The entries, ordered by their first stratum.
    pub entries: Vec<PriorEntrySpec>,
    /// Factor on the centre's log hazard ratio, in [0, 1].
    pub discount: f64,
    /// Factor on the log hazard ratio's standard deviation, in (0, 10].
    pub sd_inflation: f64,
    /// Correlation of different entries' log hazard ratios, in [0, 1].
    pub correlation: f64,
    /// Level of the reported intervals, in (0, 1).
    pub level: f64,
    /// Index of the entry whose drawn hazard ratio bins the conditional power (None: the
    /// entry with the largest share of the randomised, chosen when the model is resolved).
    pub bin_by: Option<usize>,
    /// Bin edges, strictly ascending and > 0 (None: chosen from the prior's range).
    pub bins: Option<Vec<f64>>,
}

const ENTRY_ALLOWED: &str =
    "{ estimate = hr, lower = hr, upper = hr } (with strata = [...] for a group of strata)";

/// Reads `[prior]`. `schedule[j]` says whether stratum j has a piecewise `[effect]` hazard
/// ratio, which a prior cannot replace.
pub(super) fn read_prior(node: &Node, strata: &[String], schedule: &[bool]) -> Result<PriorSpec> {
    node.only(&schema::PRIOR)?;
    let Some(hr) = node.table("hazard_ratio")? else {
        return Err(node.error(
            "hazard_ratio",
            "required table is missing",
            "(missing)",
            format!(
                "a table of entries {ENTRY_ALLOWED}, keyed by stratum ({}) or group name",
                strata.join(", ")
            ),
        ));
    };
    let mut entries = Vec::new();
    if hr.has("estimate") {
        // One entry for every stratum.
        let all: Vec<usize> = (0..strata.len()).collect();
        entries.push(read_entry(&hr, "all strata", Some(all), strata)?);
    } else {
        for name in hr.keys() {
            let Some(Value::Table(t)) = hr.raw(&name) else {
                return Err(hr.bad_value(&name, "expected a table", ENTRY_ALLOWED));
            };
            let entry = hr.child(hr.key(&name), t);
            entries.push(read_entry(&entry, &name, None, strata)?);
        }
        if entries.is_empty() {
            return Err(hr.bad_self("no entries", format!("at least one entry {ENTRY_ALLOWED}")));
        }
    }
    entries.sort_by_key(|e| e.strata[0]);
    let mut covered = vec![None::<&str>; strata.len()];
    for e in &entries {
        for &j in &e.strata {
            if let Some(other) = covered[j] {
                return Err(hr.error(
                    &e.name,
                    format!(
                        "stratum {:?} is already drawn by entry {other:?}",
                        strata[j]
                    ),
                    e.strata
                        .iter()
                        .map(|&s| strata[s].as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    "each stratum in at most one entry",
                ));
            }
            covered[j] = Some(&e.name);
            if schedule[j] {
                return Err(hr.error(
                    &e.name,
                    format!(
                        "stratum {:?} has a piecewise effect.hazard_ratio, which a prior cannot replace",
                        strata[j]
                    ),
                    strata[j].clone(),
                    "a constant effect.hazard_ratio for the strata of a prior (a delayed onset is effect.delay)",
                ));
            }
        }
    }
    let discount = node
        .f64_where(
            "discount",
            "a factor in [0, 1] on the log hazard ratio (1: as reported)",
            |x| (0.0..=1.0).contains(&x),
        )?
        .unwrap_or(1.0);
    let sd_inflation = node
        .f64_where(
            "sd_inflation",
            "a factor in (0, 10] on the log hazard ratio's SD (1: as reported)",
            |x| x > 0.0 && x <= 10.0,
        )?
        .unwrap_or(1.0);
    let correlation = node
        .f64_where("correlation", "a correlation in [0, 1]", |x| {
            (0.0..=1.0).contains(&x)
        })?
        .unwrap_or(0.0);
    let level = node
        .f64_where("level", "a level in (0, 1), e.g. 0.95", |x| {
            x > 0.0 && x < 1.0
        })?
        .unwrap_or(0.95);
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let bin_by = match node.str("bin_by")? {
        None => None,
        Some(name) => Some(names.iter().position(|n| *n == name).ok_or_else(|| {
            node.bad_value(
                "bin_by",
                "not an entry of prior.hazard_ratio",
                format!("one of {}", names.join(", ")),
            )
        })?),
    };
    let bins = node.f64_array("bins")?;
    if let Some(b) = &bins
        && (b.is_empty() || b.len() > 64 || b[0] <= 0.0 || b.windows(2).any(|w| w[1] <= w[0]))
    {
        return Err(node.bad_value(
            "bins",
            "not 1 to 64 strictly ascending hazard ratios > 0",
            "strictly ascending hazard ratios > 0, e.g. [0.4, 0.5, 0.6, 0.7, 0.8]",
        ));
    }
    Ok(PriorSpec {
        entries,
        discount,
        sd_inflation,
        correlation,
        level,
        bin_by,
        bins,
    })
}

/// Reads one entry; `strata_given` is set for the single entry of every stratum.
fn read_entry(
    node: &Node,
    name: &str,
    strata_given: Option<Vec<usize>>,
    strata: &[String],
) -> Result<PriorEntrySpec> {
    let indices = match strata_given {
        Some(all) => {
            node.only(&schema::PRIOR_SINGLE)?;
            all
        }
        None => {
            node.only(&schema::PRIOR_ENTRY)?;
            let allowed = format!("an array of distinct strata: {}", strata.join(", "));
            match node.str_array("strata")? {
                Some(names) if !names.is_empty() => {
                    let mut idx =
                        stratum_indices(node, "strata", &names, strata, [&allowed, &allowed])?;
                    idx.sort_unstable();
                    idx
                }
                Some(_) => return Err(node.bad_value("strata", "empty", allowed)),
                None => match strata.iter().position(|s| s == name) {
                    Some(j) => vec![j],
                    None => {
                        return Err(node.bad_self(
                            &format!("{name:?} is not a stratum, and the entry has no strata key"),
                            format!(
                                "an entry named for a stratum ({}), or with strata = [...]",
                                strata.join(", ")
                            ),
                        ));
                    }
                },
            }
        }
    };
    let hr = HR_ALLOWED;
    let estimate = node.req_f64_where("estimate", hr, |x| within(HAZARD_RATIO, x))?;
    let lower = node.req_f64_where("lower", hr, |x| within(HAZARD_RATIO, x))?;
    let upper = node.req_f64_where("upper", hr, |x| within(HAZARD_RATIO, x))?;
    if !(lower <= estimate && estimate <= upper) {
        return Err(node.bad_self(
            "the interval does not contain the estimate",
            "lower <= estimate <= upper (lower = upper = estimate: a fixed hazard ratio)",
        ));
    }
    Ok(PriorEntrySpec {
        name: name.to_string(),
        strata: indices,
        estimate,
        lower,
        upper,
    })
}
