//! Multiplicity: tests of several one-sided hypotheses with strong control of the family-wise
//! error rate (FWER), at one analysis or at the looks of a group-sequential design.
//!
//! Every procedure but Spiessens-Debois is a graph (Bretz, Maurer, Brannath and Posch 2009,
//! "A graphical approach to sequentially rejective multiple test procedures", Statistics in
//! Medicine 28:586-604): hypothesis H_i holds a weight w_i (sum <= 1), its local level is
//! w_i alpha, and a rejected hypothesis passes its weight along the edges g_ij of a transition
//! matrix (rows sum to <= 1). The sequentially rejective algorithm (their Algorithm 1) rejects
//! any H_i with p_i <= w_i alpha, then updates, for the remaining l, k:
//!
//! w_l <- w_l + w_j g_jl,   g_lk <- (g_lk + g_lj g_jk) / (1 - g_lj g_jl)  (0 when g_lj g_jl = 1),
//!
//! and repeats until nothing more is rejected. The final rejections do not depend on the order,
//! and the weights of a set J of remaining hypotheses do not depend on the order in which the
//! others were removed, so the local levels of every J are tabulated once ([`Graph::subset_weights`]).
//!
//! * fixed sequence (hierarchical) of `order`: w = (1, 0, ...), edges order[j] -> order[j + 1]
//!   of weight 1 (Maurer, Hothorn and Lehmacher 1995);
//! * Bonferroni with `weights`: no edges;
//! * Holm (weighted, Holm 1979): g_ij = w_j / sum_{k != i} w_k; equal weights by default;
//! * graphical: the user's weights and transition matrix;
//! * Spiessens and Debois (2010, "Adjusted significance levels for subgroup analyses in
//!   clinical trials", Contemporary Clinical Trials 31:647-656), two nested populations S within
//!   F: the closed test whose intersection H_S and H_F is rejected when
//!   P(max(Z_S, Z_F) > max(z_S, z_F)) <= alpha under the bivariate normal with the correlation
//!   of the two log-rank statistics, sqrt(V_S / V_F) (V the log-rank variances; for a stratified
//!   log-rank with S's strata inside F's, Cov(U_S, U_F) = V_S exactly; under 1:1 allocation V is
//!   about events / 4, so this is about sqrt(events_S / events_F)); each elementary hypothesis is
//!   then tested at alpha.
//!
//! Group-sequential designs (`[design.sequential]` with hypotheses): each H_i is tested at look
//! k against the efficacy bound of the sequential design at its current local level w_i(J) alpha
//! (the spending function and timing of the scenario; [`SequentialFamily`]). When H_j is
//! rejected, the levels of the others rise and their bounds are those of the design at the new
//! level, at the same information fractions (Maurer and Bretz 2013, "Multiple testing in group
//! sequential trials using graphical approaches", Statistics in Biopharmaceutical Research
//! 5:311-320). Hypotheses are tested at the current and later looks only: the re-test of earlier
//! looks at the raised level that Maurer and Bretz allow is not done (conservative).
//! Spiessens-Debois is for a single analysis.

use crate::Result;
use crate::design::sequential::{
    DesignKind, DesignSpec, GroupSequentialDesign, MonitoringWorkspace,
};
use crate::stats::normal;

/// Most hypotheses a design may test.
pub const MAX_HYPOTHESES: usize = 4;

/// Tolerance on sums of weights (<= 1).
const SUM_TOLERANCE: f64 = 1e-9;

/// A multiple test procedure on hypotheses 0..m.
#[derive(Clone, Debug, PartialEq)]
pub enum Procedure {
    /// Hierarchical: each hypothesis at the full alpha, in this order, while the previous ones
    /// are rejected.
    FixedSequence {
        /// Hypothesis indices, first tested first.
        order: Vec<usize>,
    },
    /// Each hypothesis at its weight times alpha.
    Bonferroni {
        /// Weights, sum <= 1.
        weights: Vec<f64>,
    },
    /// Weighted Holm: Bonferroni whose rejected weights are shared by the others in proportion
    /// to their weights.
    Holm {
        /// Weights, sum <= 1.
        weights: Vec<f64>,
    },
    /// Closed test of two nested populations with the bivariate-normal intersection test.
    SpiessensDebois,
    /// Bretz et al. (2009) graph.
    Graphical(Graph),
}

impl Procedure {
    /// The scenario name of the procedure.
    pub fn name(&self) -> &'static str {
        match self {
            Procedure::FixedSequence { .. } => "fixed_sequence",
            Procedure::Bonferroni { .. } => "bonferroni",
            Procedure::Holm { .. } => "holm",
            Procedure::SpiessensDebois => "spiessens_debois",
            Procedure::Graphical(_) => "graphical",
        }
    }

    /// The procedure as a graph on m hypotheses (None for Spiessens-Debois).
    pub fn graph(&self, m: usize) -> Option<Graph> {
        match self {
            Procedure::FixedSequence { order } => {
                let mut weights = vec![0.0; m];
                let mut transitions = vec![vec![0.0; m]; m];
                if let Some(&first) = order.first() {
                    weights[first] = 1.0;
                }
                for w in order.windows(2) {
                    transitions[w[0]][w[1]] = 1.0;
                }
                Some(Graph {
                    weights,
                    transitions,
                })
            }
            Procedure::Bonferroni { weights } => Some(Graph {
                weights: weights.clone(),
                transitions: vec![vec![0.0; m]; m],
            }),
            Procedure::Holm { weights } => {
                let transitions = (0..m)
                    .map(|i| {
                        let others: f64 = (0..m).filter(|&k| k != i).map(|k| weights[k]).sum();
                        (0..m)
                            .map(|j| {
                                if j == i || others <= 0.0 {
                                    0.0
                                } else {
                                    weights[j] / others
                                }
                            })
                            .collect()
                    })
                    .collect();
                Some(Graph {
                    weights: weights.clone(),
                    transitions,
                })
            }
            Procedure::SpiessensDebois => None,
            Procedure::Graphical(g) => Some(g.clone()),
        }
    }
}

/// Weights and transition matrix of a graphical procedure.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    /// w_i >= 0, sum <= 1.
    pub weights: Vec<f64>,
    /// g_ij in [0, 1], g_ii = 0, rows sum to <= 1.
    pub transitions: Vec<Vec<f64>>,
}

impl Graph {
    /// Checks a graph; the error names what is wrong (for the scenario reader).
    pub fn new(
        weights: Vec<f64>,
        transitions: Vec<Vec<f64>>,
    ) -> std::result::Result<Graph, String> {
        let m = weights.len();
        check_weights(&weights)?;
        if transitions.len() != m || transitions.iter().any(|row| row.len() != m) {
            return Err(format!("the transition matrix must be {m} x {m}"));
        }
        for (i, row) in transitions.iter().enumerate() {
            if row.iter().any(|&g| !(0.0..=1.0).contains(&g)) {
                return Err(format!("row {i}: transition weights must be in [0, 1]"));
            }
            if row[i] != 0.0 {
                return Err(format!(
                    "row {i}: a hypothesis cannot pass weight to itself"
                ));
            }
            let sum: f64 = row.iter().sum();
            if sum > 1.0 + SUM_TOLERANCE {
                return Err(format!(
                    "row {i}: transition weights sum to {} > 1",
                    shown(sum)
                ));
            }
        }
        Ok(Graph {
            weights,
            transitions,
        })
    }

    /// Removes rejected hypothesis j: Algorithm 1 of Bretz et al. (2009).
    pub fn reject(&mut self, j: usize) {
        let m = self.weights.len();
        let wj = self.weights[j];
        let g = &self.transitions;
        let mut next = vec![vec![0.0; m]; m];
        for l in (0..m).filter(|&l| l != j) {
            for k in (0..m).filter(|&k| k != j && k != l) {
                let loop_ = g[l][j] * g[j][l];
                next[l][k] = if loop_ < 1.0 {
                    (g[l][k] + g[l][j] * g[j][k]) / (1.0 - loop_)
                } else {
                    0.0
                };
            }
        }
        for l in (0..m).filter(|&l| l != j) {
            self.weights[l] += wj * g[j][l];
        }
        self.weights[j] = 0.0;
        self.transitions = next;
    }

    /// The weights of each set J of remaining hypotheses (bit i of the index: H_i remains),
    /// obtained by rejecting the others; entries outside J are 0.
    pub fn subset_weights(&self) -> Vec<[f64; MAX_HYPOTHESES]> {
        let m = self.weights.len();
        (0..1u32 << m)
            .map(|active| {
                let mut g = self.clone();
                for j in (0..m).filter(|&j| active >> j & 1 == 0) {
                    g.reject(j);
                }
                let mut w = [0.0; MAX_HYPOTHESES];
                for i in (0..m).filter(|&i| active >> i & 1 == 1) {
                    w[i] = g.weights[i];
                }
                w
            })
            .collect()
    }
}

/// Checks weights: each in [0, 1], sum <= 1.
pub fn check_weights(weights: &[f64]) -> std::result::Result<(), String> {
    if weights.iter().any(|&w| !(0.0..=1.0).contains(&w)) {
        return Err("each weight must be in [0, 1]".into());
    }
    let sum: f64 = weights.iter().sum();
    if sum > 1.0 + SUM_TOLERANCE {
        return Err(format!("the weights sum to {} > 1", shown(sum)));
    }
    Ok(())
}

/// A sum for messages: rounded to 1e-9, so 0.8 + 0.4 shows as 1.2.
fn shown(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// The sequentially rejective loop at one analysis: while some remaining H_i with a positive
/// local level crosses at that level (`crosses(i, w_i(J) alpha)`), reject it. `table` holds the
/// weights of every remaining set ([`Graph::subset_weights`]); `rejected` carries over looks.
pub fn graphical_look(
    table: &[[f64; MAX_HYPOTHESES]],
    m: usize,
    alpha: f64,
    rejected: &mut u32,
    mut crosses: impl FnMut(usize, f64) -> bool,
) {
    let all = (1u32 << m) - 1;
    'outer: loop {
        let active = all & !*rejected;
        let w = &table[active as usize];
        for i in (0..m).filter(|&i| active >> i & 1 == 1) {
            if w[i] > 0.0 && crosses(i, w[i] * alpha) {
                *rejected |= 1 << i;
                continue 'outer;
            }
        }
        break;
    }
}

/// Spiessens-Debois at one analysis for two hypotheses with z statistics `z` and correlation
/// `rho`: the intersection by the bivariate-normal max test, then each at alpha. Returns the
/// rejection mask.
pub fn spiessens_debois(z: [f64; 2], rho: f64, alpha: f64) -> u32 {
    let zmax = z[0].max(z[1]);
    // Shortcuts: below z_(1-alpha) nothing can be rejected; at or above the Bonferroni bound
    // the max test rejects too (its bound lies between the two).
    if normal::sf(zmax) > alpha {
        return 0;
    }
    let intersection = normal::sf(zmax) <= 0.5 * alpha || max_test_p(zmax, rho) <= alpha;
    if !intersection {
        return 0;
    }
    (0..2)
        .filter(|&i| normal::sf(z[i]) <= alpha)
        .fold(0, |m, i| m | 1 << i)
}

/// The p-value of the max test of two statistics with correlation `rho` (clamped to [0, 1]):
/// P(max(Z_1, Z_2) > zmax) under the bivariate normal.
pub fn max_test_p(zmax: f64, rho: f64) -> f64 {
    normal::max2_sf(zmax, rho.clamp(0.0, 1.0))
}

/// A resolved multiple test procedure on m hypotheses at one-sided level alpha.
#[derive(Clone, Debug)]
pub struct Multiplicity {
    /// The procedure.
    pub procedure: Procedure,
    /// Number of hypotheses.
    pub m: usize,
    /// Weights of every remaining set (empty for Spiessens-Debois).
    pub table: Vec<[f64; MAX_HYPOTHESES]>,
}

impl Multiplicity {
    /// Resolves a procedure on m hypotheses.
    pub fn new(procedure: Procedure, m: usize) -> Multiplicity {
        let table = procedure
            .graph(m)
            .map_or_else(Vec::new, |g| g.subset_weights());
        Multiplicity {
            procedure,
            m,
            table,
        }
    }

    /// The rejections at a single analysis from the one-sided z statistics (`rho`: the
    /// correlation of the first two, used by Spiessens-Debois).
    pub fn reject_fixed(&self, z: &[f64], rho: f64, alpha: f64) -> u32 {
        match self.procedure {
            Procedure::SpiessensDebois => spiessens_debois([z[0], z[1]], rho, alpha),
            _ => {
                let mut rejected = 0;
                graphical_look(&self.table, self.m, alpha, &mut rejected, |i, level| {
                    normal::sf(z[i]) <= level
                });
                rejected
            }
        }
    }
}

/// Group-sequential bounds of a graphical procedure: one sequential design per distinct local
/// level w_i(J) alpha, all with the scenario's efficacy kind and planned timing.
#[derive(Clone, Debug)]
pub struct SequentialFamily {
    /// The distinct local levels, ascending.
    levels: Vec<f64>,
    /// The design at each level.
    designs: Vec<GroupSequentialDesign>,
}

/// Grid parameter of the per-replicate bound recursions: r = 16 is about four times faster than
/// the default 32, and its bounds differ by about 2e-6 in z (tests/it/closed_form_boundaries.rs).
const MONITORING_GRID_R: usize = 16;

/// Per-worker monitoring buffers of a [`SequentialFamily`]: one per (hypothesis, design), so
/// each keeps its recursion cached across the looks of a replicate.
#[derive(Clone, Debug, Default)]
pub struct FamilyWorkspace {
    monitors: Vec<MonitoringWorkspace>,
}

impl SequentialFamily {
    /// Designs at the levels of `multiplicity` (a graph) for the efficacy `kind` at `timing`.
    pub fn new(
        multiplicity: &Multiplicity,
        kind: DesignKind,
        timing: &[f64],
        alpha: f64,
    ) -> Result<SequentialFamily> {
        let mut levels: Vec<f64> = multiplicity
            .table
            .iter()
            .flat_map(|w| w.iter().take(multiplicity.m).copied())
            .filter(|&w| w > 0.0)
            .map(|w| w * alpha)
            .collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup_by(|a, b| (*a - *b).abs() <= 1e-15);
        let designs = levels
            .iter()
            .map(|&level| {
                GroupSequentialDesign::new(DesignSpec::new(kind, level.min(0.499)), timing.to_vec())
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SequentialFamily { levels, designs })
    }

    /// The distinct local levels (one design each).
    pub fn levels(&self) -> &[f64] {
        &self.levels
    }

    /// The efficacy bound of hypothesis i at local level `level` (one of [`Self::levels`]), at
    /// its observed information fractions (the last is this look's); `final_look` spends all
    /// that is left. +inf for a level the family does not hold.
    pub fn bound(
        &self,
        level: f64,
        i: usize,
        fractions: &[f64],
        final_look: bool,
        ws: &mut FamilyWorkspace,
    ) -> f64 {
        let Some(d) = self.levels.iter().position(|&l| (l - level).abs() <= 1e-15) else {
            return f64::INFINITY;
        };
        let slot = i * self.designs.len() + d;
        if ws.monitors.len() <= slot {
            ws.monitors
                .resize_with(MAX_HYPOTHESES * self.designs.len(), || {
                    MonitoringWorkspace::with_grid(MONITORING_GRID_R)
                });
        }
        let design = &self.designs[d];
        design
            .efficacy_bound_at(fractions, final_look, &mut ws.monitors[slot])
            .unwrap_or_else(|_| {
                // Fractions are strictly increasing and > 0 by construction; should the
                // recursion fail anyway, use the planned bound of the look (or +inf).
                design
                    .efficacy()
                    .get(fractions.len().saturating_sub(1))
                    .copied()
                    .unwrap_or(f64::INFINITY)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p_to_z(p: &[f64]) -> Vec<f64> {
        p.iter().map(|&p| normal::quantile(1.0 - p)).collect()
    }

    fn reject(proc_: Procedure, p: &[f64], alpha: f64) -> u32 {
        Multiplicity::new(proc_, p.len()).reject_fixed(&p_to_z(p), 0.0, alpha)
    }

    #[test]
    fn holm_by_hand() {
        // Holm (1979), alpha 0.05, p = (0.01, 0.04, 0.03): sorted 0.01 <= 0.05/3, 0.03 > 0.05/2:
        // only H1. With p = (0.01, 0.04, 0.02): 0.01 <= 0.0167, 0.02 <= 0.025, 0.04 <= 0.05: all.
        let holm = |m: usize| Procedure::Holm {
            weights: vec![1.0 / m as f64; m],
        };
        assert_eq!(reject(holm(3), &[0.01, 0.04, 0.03], 0.05), 0b001);
        assert_eq!(reject(holm(3), &[0.01, 0.04, 0.02], 0.05), 0b111);
        assert_eq!(reject(holm(3), &[0.02, 0.04, 0.03], 0.05), 0);
        // Two hypotheses at 0.025: 0.012 <= 0.0125, then 0.024 <= 0.025.
        assert_eq!(reject(holm(2), &[0.024, 0.012], 0.025), 0b11);
    }

    #[test]
    fn bonferroni_and_fixed_sequence_by_hand() {
        let b = Procedure::Bonferroni {
            weights: vec![0.8, 0.2],
        };
        // levels 0.02 and 0.005 at alpha 0.025
        assert_eq!(reject(b.clone(), &[0.019, 0.006], 0.025), 0b01);
        assert_eq!(reject(b.clone(), &[0.021, 0.004], 0.025), 0b10);
        let fs = Procedure::FixedSequence { order: vec![1, 0] };
        // H1 first at 0.025, then H0 at 0.025.
        assert_eq!(reject(fs.clone(), &[0.001, 0.03], 0.025), 0);
        assert_eq!(reject(fs.clone(), &[0.024, 0.02], 0.025), 0b11);
        assert_eq!(reject(fs, &[0.03, 0.02], 0.025), 0b10);
    }

    #[test]
    fn bretz_2009_update_formulas() {
        // Bretz et al. (2009), figure 2 style: H1, H2 primary (w = 1/2 each), H3, H4 secondary;
        // H1 -> H3 and H2 -> H4 with weight 1/2 and H1 -> H2, H2 -> H1 with 1/2; H3 -> H2 and
        // H4 -> H1 with weight 1. After rejecting H1: w2 = 1/2 + 1/2 * 1/2 = 3/4,
        // w3 = 1/4; g32 = (1 + 0 * .) / (1 - 0) = 1; g24 = (1/2 + 1/2 * 0) / (1 - 1/2 * 1/2) = 2/3,
        // g23 = (0 + 1/2 * 1/2) / (3/4) = 1/3; g42 = (0 + 1 * 1/2) / (1 - 0) = 1/2, g43 = 1/2.
        let g = Graph::new(
            vec![0.5, 0.5, 0.0, 0.0],
            vec![
                vec![0.0, 0.5, 0.5, 0.0],
                vec![0.5, 0.0, 0.0, 0.5],
                vec![0.0, 1.0, 0.0, 0.0],
                vec![1.0, 0.0, 0.0, 0.0],
            ],
        )
        .unwrap();
        let mut h = g.clone();
        h.reject(0);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-15;
        assert!(close(h.weights[1], 0.75) && close(h.weights[2], 0.25) && close(h.weights[3], 0.0));
        assert!(close(h.transitions[2][1], 1.0));
        assert!(close(h.transitions[1][3], 2.0 / 3.0));
        assert!(close(h.transitions[1][2], 1.0 / 3.0));
        assert!(close(h.transitions[3][1], 0.5) && close(h.transitions[3][2], 0.5));
        // The weights of a remaining set do not depend on the order of removal.
        let table = g.subset_weights();
        let mut a = g.clone();
        a.reject(2);
        a.reject(0);
        let mut b = g.clone();
        b.reject(0);
        b.reject(2);
        for i in [1, 3] {
            assert!(close(a.weights[i], b.weights[i]));
            assert!(close(table[0b1010][i], a.weights[i]));
        }
        // Every remaining set's weights sum to 1 here (no weight is lost in this graph).
        for (active, w) in table.iter().enumerate().skip(1) {
            let sum: f64 = w.iter().sum();
            assert!(close(sum, 1.0), "set {active:#b}: {w:?}");
        }
    }

    #[test]
    fn holm_is_the_graph_with_equal_splits() {
        let holm = Procedure::Holm {
            weights: vec![1.0 / 3.0; 3],
        }
        .graph(3)
        .unwrap();
        for (i, row) in holm.transitions.iter().enumerate() {
            for (j, &g) in row.iter().enumerate() {
                assert_eq!(g, if i == j { 0.0 } else { 0.5 });
            }
        }
    }

    #[test]
    fn graph_checks() {
        assert!(Graph::new(vec![0.6, 0.6], vec![vec![0.0, 1.0], vec![1.0, 0.0]]).is_err());
        assert!(Graph::new(vec![0.5, 0.5], vec![vec![0.5, 0.5], vec![1.0, 0.0]]).is_err());
        assert!(Graph::new(vec![0.5, 0.5], vec![vec![0.0, 1.2], vec![1.0, 0.0]]).is_err());
        assert!(Graph::new(vec![0.5, 0.5], vec![vec![0.0, 1.0]]).is_err());
        assert!(Graph::new(vec![0.5, 0.5], vec![vec![0.0, 1.0], vec![1.0, 0.0]]).is_ok());
    }

    #[test]
    fn spiessens_debois_between_bonferroni_and_unadjusted() {
        let alpha = 0.025;
        // rho = 1: the max test is one test: unadjusted.
        let z_unadj = normal::quantile(1.0 - alpha) + 1e-9;
        assert_eq!(spiessens_debois([z_unadj, 0.0], 1.0, alpha), 0b01);
        // rho = 0: Sidak bound Phi^{-1}(sqrt(1 - alpha)) = 2.2365.
        let sidak = normal::quantile((1.0 - alpha).sqrt());
        assert_eq!(spiessens_debois([sidak - 1e-6, 0.0], 0.0, alpha), 0);
        assert_eq!(spiessens_debois([sidak + 1e-6, 0.0], 0.0, alpha), 0b01);
        // rho = 0.8: the bound from the bivariate normal, below Bonferroni's 2.2414.
        let c = normal::max2_quantile(alpha, 0.8);
        assert!(
            c < normal::quantile(1.0 - alpha / 2.0) && c > z_unadj,
            "{c}"
        );
        assert_eq!(spiessens_debois([c + 1e-6, 2.0], 0.8, alpha), 0b11);
        assert_eq!(spiessens_debois([c - 1e-6, 2.0], 0.8, alpha), 0);
        assert_eq!(spiessens_debois([c + 1e-6, 1.9], 0.8, alpha), 0b01);
    }

    #[test]
    fn sequential_family_levels() {
        let m = Multiplicity::new(
            Procedure::Holm {
                weights: vec![0.5, 0.5],
            },
            2,
        );
        let kind = DesignKind::Spending(crate::design::sequential::SpendingFunction::LanDeMetsObf);
        let fam = SequentialFamily::new(&m, kind, &[0.5, 1.0], 0.025).unwrap();
        // Two levels: 0.0125 (both remain) and 0.025 (one left).
        assert_eq!(fam.levels(), &[0.0125, 0.025]);
        let mut ws = FamilyWorkspace::default();
        let half = fam.bound(0.0125, 0, &[0.5, 1.0], true, &mut ws);
        let full = fam.bound(0.025, 1, &[0.5, 1.0], true, &mut ws);
        // rpact 3.3.4 getDesignGroupSequential(kMax = 2, alpha = 0.025, typeOfDesign = "asOF",
        // informationRates = c(0.5, 1))$criticalValues[2] = 1.968596
        assert!((full - 1.968596).abs() < 1e-5, "{full}");
        assert!(half > full, "{half} {full}");
        assert_eq!(fam.bound(0.01, 0, &[0.5], false, &mut ws), f64::INFINITY);
    }
}
