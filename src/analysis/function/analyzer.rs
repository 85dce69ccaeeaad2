//! One function test ([`TestKind::Slope`], [`TestKind::Mmrm`], [`TestKind::Cafs`]) on one data
//! cut: the visits, and for CAFS the survival of the same patients.

use super::{Visits, cafs, mmrm, slope};
use crate::analysis::{Estimate, Test, TestKind, TestResult};
use crate::stats::normal;

/// `z_(0.975)`, for the 95% Wald intervals.
const Z_95: f64 = 1.959_963_984_540_054;

/// A worker's buffers for the function tests (no allocation per data cut after warm-up).
#[derive(Clone, Debug, Default)]
pub struct FunctionAnalyzer {
    slope: slope::SlopeWorkspace,
    mmrm: mmrm::MmrmWorkspace,
    cafs: cafs::CafsWorkspace,
    change: Vec<f64>,
    last_cafs: Option<cafs::Cafs>,
    last_method: Option<mmrm::Method>,
}

/// An estimate with its Wald interval.
fn estimate(treatment: f64, control: f64, difference: f64, se: f64) -> Option<Estimate> {
    (difference.is_finite() && se.is_finite() && se > 0.0).then_some(Estimate {
        treatment,
        control,
        difference,
        se,
        lower: difference - Z_95 * se,
        upper: difference + Z_95 * se,
    })
}

/// A Wald z and its one-sided p, or the undefined result.
fn wald(z: f64, estimate: Option<Estimate>) -> TestResult {
    if z.is_finite() && estimate.is_some() {
        TestResult {
            z,
            p: normal::sf(z),
            estimate,
        }
    } else {
        TestResult::undefined()
    }
}

impl FunctionAnalyzer {
    /// Runs `test` on `visits` (patients in the order of `time` and `death`, the survival of
    /// the same patients at the same cut: months to death or censoring, and whether death was
    /// seen). A survival test is not one of these: it gets the undefined result.
    ///
    /// * `slope`: the REML mixed model's Wald z of the treatment x time coefficient; the
    ///   estimate is the difference in slopes (points per month), with each arm's slope.
    /// * `mmrm(t)`: the MMRM's Wald z of the treatment effect on the change from baseline at
    ///   visit t (the ANCOVA at t beyond [`mmrm::MAX_UNSTRUCTURED_VISITS`] visits); the
    ///   estimate is the difference in mean change, with each arm's LS mean.
    /// * `cafs(t)`: the Finkelstein-Schoenfeld z; the change at t is the score at the visit at
    ///   t minus the baseline (missing without a visit at t). No estimate; the pair counts and
    ///   win probability are in [`FunctionAnalyzer::last_cafs`].
    pub fn evaluate(
        &mut self,
        test: &Test,
        visits: &Visits,
        time: &[f64],
        death: &[bool],
    ) -> TestResult {
        self.last_cafs = None;
        self.last_method = None;
        match test.kind {
            TestKind::Slope => {
                let f = slope::fit(visits, test.stratified, &mut self.slope);
                let usable = matches!(
                    f.status,
                    slope::SlopeStatus::Converged | slope::SlopeStatus::NotConverged
                );
                if !usable {
                    return TestResult::undefined();
                }
                let e = estimate(f.treatment_slope, f.control_slope, f.difference, f.se);
                wald(f.z, e)
            }
            TestKind::Mmrm { at } => {
                match mmrm::fit_or_ancova(visits, at, test.stratified, &mut self.mmrm) {
                    Ok(f) => {
                        self.last_method = Some(f.method);
                        let e = estimate(f.treatment_mean, f.control_mean, f.difference, f.se);
                        wald(f.z, e)
                    }
                    Err(_) => TestResult::undefined(),
                }
            }
            TestKind::Cafs { horizon } => {
                self.change.clear();
                for i in 0..visits.patients() {
                    let rows = visits.rows(i);
                    let at = rows
                        .clone()
                        .find(|&r| visits.time[r] == horizon)
                        .map(|r| visits.score[r] - visits.score[rows.start]);
                    self.change.push(at.unwrap_or(f64::NAN));
                }
                let c = cafs::test(
                    time,
                    death,
                    &self.change,
                    &visits.treated,
                    &visits.stratum,
                    horizon,
                    test.stratified,
                    &mut self.cafs,
                );
                self.last_cafs = Some(c);
                TestResult {
                    z: c.z,
                    p: c.p,
                    estimate: None,
                }
            }
            _ => TestResult::undefined(),
        }
    }

    /// The CAFS result of the last [`FunctionAnalyzer::evaluate`], when it was a CAFS test.
    pub fn last_cafs(&self) -> Option<cafs::Cafs> {
        self.last_cafs
    }

    /// Whether the last `mmrm` was the MMRM or the ANCOVA fallback.
    pub fn last_mmrm_method(&self) -> Option<mmrm::Method> {
        self.last_method
    }
}
