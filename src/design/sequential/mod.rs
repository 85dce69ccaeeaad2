//! Group-sequential designs: spending functions and boundaries.
//!
//! - [`spending`]: alpha/beta-spending functions (Lan and DeMets 1983; Hwang, Shih and DeCani
//!   1990; Kim and DeMets 1987) and the design kinds with their names (rpact's type codes).
//! - [`integration`]: the recursive numerical integration of the sequential z-statistics
//!   (Armitage, McPherson and Rowe 1969; Jennison and Turnbull 2000, chapter 19).
//! - [`boundaries`]: a design's efficacy and futility bounds, drift, inflation factor and exit
//!   probabilities.
//! - [`asymmetric`]: asymmetric two-sided designs, a lower bound spent under H0 with its own
//!   spending function (gsDesign's test.type 5 and 6).
//! - [`pampallona_tsiatis`]: Pampallona and Tsiatis (1994) efficacy and futility bounds.
//! - [`asymmetric_monitoring`]: asymmetric designs at the observed fractions.
//! - [`maxcombo`]: group-sequential MaxCombo bounds from the joint normal law of all
//!   (look, component) statistics.
//! - [`monitoring`]: the engine's hook, bounds recomputed at the observed information fractions.
//! - [`sided_monitoring`]: symmetric two-sided designs at the observed fractions.
//! - [`scale`]: z to hazard ratio and back, given events and allocation.
//! - [`report`]: the `boundaries` command's report.

pub mod asymmetric;
pub mod asymmetric_monitoring;
pub mod boundaries;
pub mod integration;
pub mod maxcombo;
pub mod monitoring;
pub mod pampallona_tsiatis;
pub mod report;
pub mod scale;
pub mod sided_monitoring;
pub mod spending;

pub use asymmetric::{LowerBounds, LowerSpending};
pub use boundaries::{
    DesignSpec, ExitProbabilities, Futility, GroupSequentialDesign, exit_probabilities,
    exit_probabilities_two_sided_regions,
};
pub use monitoring::{LookBounds, MonitoringWorkspace};
pub use report::{BoundaryOptions, BoundaryReport, boundaries_report};
pub use scale::{hr_from_z, z_from_hr};
pub use spending::{DesignKind, SpendingFunction};
