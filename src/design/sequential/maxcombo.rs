//! Group-sequential MaxCombo bounds: at look k the statistic is `M_k = max_j Z_kj` over the
//! Fleming-Harrington components j, and the efficacy bound `c_k` spends
//!
//! ```text
//!   P_H0(M_1 < c_1, ..., M_{k-1} < c_{k-1}, M_k >= c_k) = alpha(t_k) - alpha(t_{k-1}),
//! ```
//!
//! i.e. `P_H0(M_i < c_i, i <= k) = 1 - alpha(t_k)`, a multivariate normal probability over all
//! `(look, component)` statistics of looks 1..k ([`mvnormal::mvn_cdf`]), solved for `c_k` look
//! by look (Brent). Under H0 the statistics are jointly normal with
//! `corr(Z_ki, Z_lj) = C_ij(t_min(k,l)) / sqrt(C_ii(t_k) C_jj(t_l))`, `C` the weighted scores'
//! covariances (independent increments; Karrison 2016, gsDesign2's `gs_design_combo`, its
//! `gs_bound` with `mvtnorm::pmvnorm`, here computed deterministically). The limit is
//! `looks x components <= `[`MAX_DIM`].
//!
//! The spending time `t_k` is the smallest over the components of their information fractions
//! `C_jj(t_k) / C_jj(t_K)`, as gsDesign2's `gs_design_combo` takes the smallest, but at the
//! scenario's (H1) risk sets where gsDesign2's code (R/gs_design_combo.R, `min_info_frac` from
//! `info0`; its manual does not say which) uses its null arms, both with the average hazard
//! `p0 h0 + p1 h1`. enrichsim keeps the H1 fractions: they are what a single-weight `fh()`
//! design monitors (the observed `V_k / V_K` estimates them, see
//! `simulation::engine::event_driven`), a MaxCombo plan then spends as the `fh()` designs of
//! its components would, and alpha is controlled whatever fixed spending time is used (the
//! bounds come from the joint null law). On gsDesign2's `gs_power_wlr` default the two
//! fractions differ by 0.004 (0.597 and 0.798 against 0.601 and 0.801; tests/it/oracle_gs_wlr.rs).

use crate::stats::mvnormal::{self, Corr, MAX_DIM};
use crate::stats::roots::brent;
use crate::{Error, Result};

/// The spending time of each look: `min_j C_jj(t_k) / C_jj(t_K)` over the components, from
/// `information[k][j] = C_jj(t_k)`.
pub fn spending_time(information: &[Vec<f64>]) -> Vec<f64> {
    let last = information.last().cloned().unwrap_or_default();
    information
        .iter()
        .map(|row| {
            row.iter()
                .zip(&last)
                .map(|(v, f)| if *f > 0.0 { v / f } else { 1.0 })
                .fold(f64::INFINITY, f64::min)
                .min(1.0)
        })
        .collect()
}

/// The correlation matrix of the `(look, component)` statistics, index `k * m + j`, from the
/// covariances `covariance[k][i][j] = C_ij(t_k)` at each look (m components):
/// `corr = C_ij(t_min) / sqrt(C_ii(t_k) C_jj(t_l))`.
pub fn joint_correlation(covariance: &[Vec<Vec<f64>>]) -> Vec<Vec<f64>> {
    let looks = covariance.len();
    let m = covariance.first().map_or(0, |c| c.len());
    let n = looks * m;
    let mut r = vec![vec![0.0; n]; n];
    for k in 0..looks {
        for l in 0..looks {
            for i in 0..m {
                for j in 0..m {
                    let early = &covariance[k.min(l)];
                    let v = early[i][j] / (covariance[k][i][i] * covariance[l][j][j]).sqrt();
                    r[k * m + i][l * m + j] = if k == l && i == j { 1.0 } else { v };
                }
            }
        }
    }
    r
}

/// The efficacy bounds `c_1..c_K` for `looks` looks of `m` components with the joint
/// correlation `corr` ([`joint_correlation`]) and the cumulative alpha `spent[k]` by look k
/// (non-decreasing, in (0, 0.5)). A look that spends nothing gets `+inf`.
pub fn maxcombo_bounds(
    corr: &[Vec<f64>],
    looks: usize,
    m: usize,
    spent: &[f64],
) -> Result<Vec<f64>> {
    if looks * m > MAX_DIM || looks * m == 0 {
        return Err(Error::usage(
            "design.sequential with maxcombo",
            format!("{looks} looks x {m} components"),
            format!("looks x components <= {MAX_DIM}"),
        ));
    }
    let mut r: Corr = [[0.0; MAX_DIM]; MAX_DIM];
    for (x, row) in corr.iter().enumerate().take(looks * m) {
        for (y, v) in row.iter().enumerate().take(looks * m) {
            r[x][y] = *v;
        }
    }
    let mut bounds = Vec::with_capacity(looks);
    let mut upper = [f64::INFINITY; MAX_DIM];
    let mut previous = 0.0;
    for (k, &s) in spent.iter().enumerate().take(looks) {
        if s <= previous + 1e-15 {
            bounds.push(f64::INFINITY);
            continue;
        }
        previous = s;
        let dim = (k + 1) * m;
        let target = 1.0 - s;
        let mut f = |c: f64| {
            let mut u = upper;
            u[k * m..dim].fill(c);
            mvnormal::mvn_cdf(&u[..dim], &r) - target
        };
        let (lo, hi) = (-1.0, 12.0);
        let (flo, fhi) = (f(lo), f(hi));
        let c = brent(&mut f, lo, hi, flo, fhi, 1e-10).ok_or_else(|| {
            Error::usage(
                "design.sequential with maxcombo",
                format!("cumulative alpha {s} at look {}", k + 1),
                "a spending that gives a bound in (-1, 12)",
            )
        })?;
        upper[k * m..dim].fill(c);
        bounds.push(c);
    }
    Ok(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::sequential::SpendingFunction;
    use crate::design::sequential::{DesignKind, DesignSpec, GroupSequentialDesign};

    #[test]
    fn one_component_is_the_logrank_gs() {
        let timing = [0.35, 0.7, 1.0];
        let sf = SpendingFunction::LanDeMetsObf;
        let gs = GroupSequentialDesign::new(
            DesignSpec::new(DesignKind::Spending(sf), 0.025),
            timing.to_vec(),
        )
        .unwrap();
        let cov: Vec<Vec<Vec<f64>>> = timing.iter().map(|&t| vec![vec![t]]).collect();
        let r = joint_correlation(&cov);
        let spent: Vec<f64> = timing.iter().map(|&t| sf.cumulative(0.025, t)).collect();
        let c = maxcombo_bounds(&r, 3, 1, &spent).unwrap();
        let diff = c
            .iter()
            .zip(gs.efficacy())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "one component vs log-rank GS: {c:?} {:?} max diff {diff:e}",
            gs.efficacy()
        );
        assert!(diff < 1e-6);
    }

    #[test]
    fn one_look_is_the_fixed_maxcombo() {
        // two components of correlation 0.8: 1 - P(Z1 < c, Z2 < c) = alpha
        let cov = vec![vec![vec![1.0, 0.8], vec![0.8, 1.0]]];
        let r = joint_correlation(&cov);
        let c = maxcombo_bounds(&r, 1, 2, &[0.025]).unwrap()[0];
        let mut corr: Corr = [[0.0; MAX_DIM]; MAX_DIM];
        corr[0][0] = 1.0;
        corr[1][1] = 1.0;
        corr[0][1] = 0.8;
        corr[1][0] = 0.8;
        let p = 1.0 - mvnormal::mvn_cdf(&[c, c], &corr);
        eprintln!("K = 1 MaxCombo bound {c}, p {p}");
        assert!((p - 0.025).abs() < 1e-9);
        assert!(c > 1.959964 && c < crate::stats::normal::quantile(1.0 - 0.0125));
    }

    #[test]
    fn limit_is_refused() {
        let r = vec![vec![1.0; 8]; 8];
        assert!(maxcombo_bounds(&r, 4, 2, &[0.01, 0.02, 0.022, 0.025]).is_err());
    }

    #[test]
    fn spending_time_is_the_smallest_fraction() {
        let t = spending_time(&[vec![10.0, 4.0], vec![20.0, 10.0]]);
        assert_eq!(t, vec![0.4, 1.0]);
    }
}
