//! Hypotheses on populations: each population is a set of OBSERVED biomarker strata, and its
//! null hypothesis is "no treatment effect in the patients randomised in those strata", tested
//! by the log-rank (stratified by observed stratum when the design's test is stratified)
//! restricted to them.
//!
//! A design without `[design.hypotheses]` has one hypothesis, on all its eligible strata, named
//! [`DEFAULT_NAME`]. With the table, e.g. `S = ["low", "moderate"]` and
//! `F = ["low", "moderate", "high"]`, every population must lie within the design's eligible
//! strata (a population the trial never randomises could not be tested), `primary` names the one
//! whose rejection is the run's "power", and `[design.hypotheses].multiplicity` (see
//! [`crate::design::multiplicity`]) or `[design.adaptive]` (see [`crate::design::adaptive`]) controls the
//! family-wise error. Populations are listed from the smallest (fewest strata) to the largest,
//! ties by name, so a subgroup S comes before the full population F.
//!
//! Because populations are defined on measured strata, an assay error moves patients between
//! populations exactly as it would in the trial: a patient whose true pNFH is high but measured
//! moderate belongs to S.

use crate::design::multiplicity::{MAX_HYPOTHESES, Multiplicity, SequentialFamily};

/// The name of the single hypothesis of a design without `[design.hypotheses]`.
pub const DEFAULT_NAME: &str = "primary";

/// One population and its null hypothesis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Population {
    /// Name, e.g. "S" or "F".
    pub name: String,
    /// Observed strata (indices into the biomarker's strata), ascending.
    pub strata: Vec<usize>,
    /// The same as a bit set: bit j for observed stratum j.
    pub mask: u32,
}

impl Population {
    /// A population of the given observed strata.
    pub fn new(name: &str, strata: &[usize]) -> Population {
        let mut strata = strata.to_vec();
        strata.sort_unstable();
        strata.dedup();
        let mask = strata.iter().fold(0u32, |m, &j| m | (1 << j));
        Population {
            name: name.to_string(),
            strata,
            mask,
        }
    }

    /// Whether observed stratum `j` belongs to the population.
    #[inline]
    pub fn contains(&self, j: u32) -> bool {
        self.mask >> j & 1 == 1
    }

    /// Whether every stratum of `self` is in `other`.
    pub fn is_within(&self, other: &Population) -> bool {
        self.mask & !other.mask == 0
    }
}

/// Sorts populations from the smallest to the largest (ties by name), the order in which they
/// are listed and numbered (hypothesis i is bit i of the rejection masks).
pub fn sort_populations(populations: &mut [Population]) {
    populations
        .sort_by(|a, b| (a.strata.len(), a.name.as_str()).cmp(&(b.strata.len(), b.name.as_str())));
}

/// Checks a family of populations against the design: at most [`MAX_HYPOTHESES`], distinct
/// names and strata sets, each within the eligible strata. Returns the problem and what is
/// allowed, for the scenario reader to report with the key.
pub fn check_family(
    populations: &[Population],
    eligible: &Population,
    strata_names: &[String],
) -> Result<(), (String, String)> {
    if populations.is_empty() || populations.len() > MAX_HYPOTHESES {
        return Err((
            format!("{} populations", populations.len()),
            format!("1 to {MAX_HYPOTHESES} populations, each an array of observed strata"),
        ));
    }
    for (i, p) in populations.iter().enumerate() {
        if let Some(other) = populations[..i].iter().find(|q| q.mask == p.mask) {
            return Err((
                format!(
                    "populations {} and {} have the same strata",
                    other.name, p.name
                ),
                "populations with different sets of strata".into(),
            ));
        }
        if !p.is_within(eligible) {
            let outside: Vec<&str> = p
                .strata
                .iter()
                .filter(|&&j| eligible.mask >> j & 1 == 0)
                .map(|&j| strata_names[j].as_str())
                .collect();
            return Err((
                format!(
                    "population {} includes strata that are not eligible: {}",
                    p.name,
                    outside.join(", ")
                ),
                format!(
                    "strata within design.eligible ({})",
                    eligible
                        .strata
                        .iter()
                        .map(|&j| strata_names[j].as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The resolved hypotheses of a design.
#[derive(Clone, Debug)]
pub struct HypothesisPlan {
    /// The populations, smallest first; hypothesis i is population i.
    pub populations: Vec<Population>,
    /// Index of the primary hypothesis.
    pub primary: usize,
    /// The multiple test procedure (None: a single hypothesis, or the adaptive closed test).
    pub multiplicity: Option<Multiplicity>,
    /// Group-sequential bounds at the procedure's local levels (with `[design.sequential]`).
    pub sequential: Option<SequentialFamily>,
    /// Whether population i is every eligible stratum (its data are the whole cut).
    pub whole: [bool; MAX_HYPOTHESES],
}

impl HypothesisPlan {
    /// Number of hypotheses.
    pub fn len(&self) -> usize {
        self.populations.len()
    }

    /// Whether there is no hypothesis (never, for a resolved plan).
    pub fn is_empty(&self) -> bool {
        self.populations.is_empty()
    }

    /// A single hypothesis on all the eligible strata: the ordinary one-hypothesis trial.
    pub fn is_single_whole(&self) -> bool {
        self.populations.len() == 1 && self.whole[0]
    }
}

/// Per-population log-rank statistics at one analysis, or of one stage's increment
/// (index i: hypothesis i; unused entries are 0).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PopulationStats {
    /// Log-rank z (positive favours treatment); for a stage increment, the stage-wise z.
    pub z: [f64; MAX_HYPOTHESES],
    /// Log-rank variance V (for a stage increment, its increase over the stage).
    pub variance: [f64; MAX_HYPOTHESES],
    /// Events (for a stage increment, the events of the stage).
    pub events: [u32; MAX_HYPOTHESES],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["low", "moderate", "high"].map(String::from).to_vec()
    }

    #[test]
    fn populations_are_bit_sets_and_sort_small_first() {
        let f = Population::new("F", &[2, 0, 1]);
        let s = Population::new("S", &[1, 0]);
        assert_eq!(f.mask, 0b111);
        assert_eq!(s.mask, 0b011);
        assert!(s.is_within(&f) && !f.is_within(&s));
        assert!(s.contains(1) && !s.contains(2));
        let mut family = vec![f.clone(), s.clone()];
        sort_populations(&mut family);
        assert_eq!(family, vec![s, f]);
    }

    #[test]
    fn family_checks_name_the_problem() {
        let eligible = Population::new("eligible", &[0, 1]);
        let s = Population::new("S", &[0, 1]);
        let f = Population::new("F", &[0, 1, 2]);
        let (problem, allowed) = check_family(&[s.clone(), f], &eligible, &names()).unwrap_err();
        assert!(
            problem.contains("F") && problem.contains("high"),
            "{problem}"
        );
        assert!(allowed.contains("low, moderate"), "{allowed}");
        let again = Population::new("T", &[1, 0]);
        let (problem, _) = check_family(&[s.clone(), again], &eligible, &names()).unwrap_err();
        assert!(problem.contains("same strata"), "{problem}");
        assert!(check_family(&[s], &eligible, &names()).is_ok());
    }
}
