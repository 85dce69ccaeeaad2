//! The screened population: the biomarker's true and measured values, strata and eligibility.
//!
//! True values are log-normal: ln X ~ N(mu, s^2) with mu = ln(median), s = ln(gsd). The assay
//! reads Y = X * E with a log-normal error of median 1, ln E ~ N(0, se^2), where the coefficient
//! of variation cv gives se^2 = ln(1 + cv^2) (the CV of a log-normal). The TRUE stratum of X
//! drives prognosis and effect; the OBSERVED stratum of Y drives eligibility, stratified
//! randomisation and the analysis strata, so misclassification near a cut-point happens as in life.
//!
//! Closed forms: P(true stratum i) = Phi((l_{i+1} - mu)/s) - Phi((l_i - mu)/s) with l = ln(cut);
//! observed: the same with sd sqrt(s^2 + se^2); the joint P(true i, observed j) is the integral
//! over ln x in stratum i of phi((ln x - mu)/s)/s [Phi((l_{j+1} - ln x)/se) - Phi((l_j - ln x)/se)],
//! computed by composite Gauss-Legendre quadrature.

use crate::scenario::BiomarkerSpec;
use crate::stats::normal::{self, GL_NODES, GL_WEIGHTS};

/// A resolved biomarker on the log scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Biomarker {
    /// Mean of ln X.
    pub mu: f64,
    /// SD of ln X.
    pub sigma: f64,
    /// SD of the log assay error, sqrt(ln(1 + cv^2)).
    pub assay_sigma: f64,
    /// ln of the cut-points, ascending.
    pub log_cuts: Vec<f64>,
}

/// The population screened: one stratum without a biomarker, else the biomarker's strata.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// Stratum names, in order of the biomarker's value.
    pub strata: Vec<String>,
    /// The biomarker, if the scenario has one.
    pub biomarker: Option<Biomarker>,
}

impl Biomarker {
    /// Builds the log-scale biomarker from the scenario's `[biomarker]` table.
    pub fn from_spec(spec: &BiomarkerSpec) -> Self {
        Biomarker {
            mu: spec.median.ln(),
            sigma: spec.gsd.ln(),
            assay_sigma: (1.0 + spec.assay_cv * spec.assay_cv).ln().sqrt(),
            log_cuts: spec.cutpoints.iter().map(|c| c.ln()).collect(),
        }
    }

    /// The stratum (0-based) of a log value: the number of cut-points at or below it
    /// (a value equal to a cut-point falls in the upper stratum).
    #[inline]
    pub fn stratum_of(&self, log_value: f64) -> usize {
        self.log_cuts
            .iter()
            .take_while(|&&c| c <= log_value)
            .count()
    }

    /// Stratum probabilities of a normal N(mu, sd^2) on the log scale.
    fn stratum_probs(&self, sd: f64) -> Vec<f64> {
        let n = self.log_cuts.len() + 1;
        (0..n)
            .map(|i| {
                let lo = if i == 0 {
                    0.0
                } else {
                    normal::cdf((self.log_cuts[i - 1] - self.mu) / sd)
                };
                let hi = if i + 1 == n {
                    1.0
                } else {
                    normal::cdf((self.log_cuts[i] - self.mu) / sd)
                };
                hi - lo
            })
            .collect()
    }

    /// P(true stratum = i).
    pub fn true_prevalence(&self) -> Vec<f64> {
        self.stratum_probs(self.sigma)
    }

    /// P(observed stratum = j): ln Y ~ N(mu, s^2 + se^2).
    pub fn observed_prevalence(&self) -> Vec<f64> {
        self.stratum_probs(self.sigma.hypot(self.assay_sigma))
    }

    /// The joint probabilities P(true = i, observed = j), rows i, columns j.
    pub fn joint(&self) -> Vec<Vec<f64>> {
        let n = self.log_cuts.len() + 1;
        if self.assay_sigma == 0.0 {
            let p = self.true_prevalence();
            return (0..n)
                .map(|i| (0..n).map(|j| if i == j { p[i] } else { 0.0 }).collect())
                .collect();
        }
        // Integrate over z = (ln x - mu)/s on [-10, 10], split at the cut-points, with panels
        // no wider than a quarter of the error SD in z units so the Phi steps are resolved.
        let se_z = self.assay_sigma / self.sigma;
        let cuts_z: Vec<f64> = self
            .log_cuts
            .iter()
            .map(|c| (c - self.mu) / self.sigma)
            .collect();
        let mut joint = vec![vec![0.0; n]; n];
        for i in 0..n {
            let a = if i == 0 {
                -10.0
            } else {
                cuts_z[i - 1].max(-10.0)
            };
            let b = if i + 1 == n {
                10.0
            } else {
                cuts_z[i].min(10.0)
            };
            if b <= a {
                continue;
            }
            let panels = (((b - a) / (0.25 * se_z.min(1.0))).ceil() as usize).clamp(8, 200_000);
            let h = (b - a) / panels as f64;
            for k in 0..panels {
                let left = a + k as f64 * h;
                for (node, weight) in GL_NODES.iter().zip(GL_WEIGHTS.iter()) {
                    let z = left + 0.5 * h * (1.0 + node);
                    let w = 0.5 * h * weight * normal::pdf(z);
                    for (j, cell) in joint[i].iter_mut().enumerate() {
                        let hi = if j + 1 == n {
                            1.0
                        } else {
                            normal::cdf((cuts_z[j] - z) / se_z)
                        };
                        let lo = if j == 0 {
                            0.0
                        } else {
                            normal::cdf((cuts_z[j - 1] - z) / se_z)
                        };
                        *cell += w * (hi - lo);
                    }
                }
            }
        }
        joint
    }
}

impl Population {
    /// Number of strata.
    pub fn n_strata(&self) -> usize {
        self.strata.len()
    }

    /// P(true stratum = i); [1] without a biomarker.
    pub fn true_prevalence(&self) -> Vec<f64> {
        self.biomarker
            .as_ref()
            .map_or_else(|| vec![1.0], Biomarker::true_prevalence)
    }

    /// P(observed stratum = j); [1] without a biomarker.
    pub fn observed_prevalence(&self) -> Vec<f64> {
        self.biomarker
            .as_ref()
            .map_or_else(|| vec![1.0], Biomarker::observed_prevalence)
    }

    /// P(true = i, observed = j).
    pub fn joint(&self) -> Vec<Vec<f64>> {
        self.biomarker
            .as_ref()
            .map_or_else(|| vec![vec![1.0]], Biomarker::joint)
    }

    /// P(observed = j | true = i), rows i: the misclassification table.
    pub fn misclassification(&self) -> Vec<Vec<f64>> {
        self.joint()
            .into_iter()
            .map(|row| {
                let total: f64 = row.iter().sum();
                row.into_iter()
                    .map(|p| if total > 0.0 { p / total } else { 0.0 })
                    .collect()
            })
            .collect()
    }

    /// P(observed stratum in `eligible`): the biomarker-eligible fraction of the screened.
    pub fn eligible_fraction(&self, eligible: &[usize]) -> f64 {
        let p = self.observed_prevalence();
        eligible.iter().map(|&j| p[j]).sum()
    }

    /// P(true = i | observed eligible): the true-stratum mix of the randomised.
    pub fn randomised_mix(&self, eligible: &[usize]) -> Vec<f64> {
        let joint = self.joint();
        let total = self.eligible_fraction(eligible);
        joint
            .iter()
            .map(|row| eligible.iter().map(|&j| row[j]).sum::<f64>() / total)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pnfh(cv: f64) -> Biomarker {
        Biomarker::from_spec(&BiomarkerSpec {
            name: "pNFH".into(),
            unit: "pg/mL".into(),
            median: 2000.0,
            gsd: 2.1,
            assay_cv: cv,
            cutpoints: vec![750.0, 3700.0],
        })
    }

    #[test]
    fn joint_margins_match_closed_forms() {
        let b = pnfh(0.25);
        let joint = b.joint();
        let t = b.true_prevalence();
        let o = b.observed_prevalence();
        for i in 0..3 {
            let row: f64 = joint[i].iter().sum();
            let col: f64 = joint.iter().map(|r| r[i]).sum();
            assert!((row - t[i]).abs() < 1e-10, "row {i}: {row} vs {}", t[i]);
            assert!((col - o[i]).abs() < 1e-10, "col {i}: {col} vs {}", o[i]);
        }
    }

    #[test]
    fn mirocals_prevalences() {
        // docs/mirocals.md: about 21% above 3700 and about 9% below 750 pg/mL.
        let p = pnfh(0.0).true_prevalence();
        assert!((p[2] - 0.21).abs() < 0.01, "{p:?}");
        assert!((p[0] - 0.09).abs() < 0.01, "{p:?}");
    }

    #[test]
    fn stratum_of_uses_upper_stratum_at_a_cut() {
        let b = pnfh(0.0);
        assert_eq!(b.stratum_of(700f64.ln()), 0);
        assert_eq!(b.stratum_of(750f64.ln()), 1);
        assert_eq!(b.stratum_of(5000f64.ln()), 2);
    }
}
