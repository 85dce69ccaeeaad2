//! The ranges of the scenario's numbers whose derived quantities the engine uses (hazards,
//! their ratios, screening rates): outside them a hazard overflows or no event could happen, so
//! the file is refused with the range instead.

/// The shortest and longest median (or time scale) of a control model, months: 0.01 (about
/// seven hours) to 100,000 (8,000 years). Outside them the derived hazards are not numbers the
/// engine can use (ln 2 / 1e-320 overflows to infinity), or no trial could see an event.
pub const MEDIAN_MONTHS: (f64, f64) = (0.01, 100_000.0);
/// The largest hazard of a piecewise control model, per month.
pub const MAX_HAZARD_PER_MONTH: f64 = 1000.0;
/// The smallest and largest hazard ratio of `[effect]` and `[prior]`.
pub const HAZARD_RATIO: (f64, f64) = (0.001, 1000.0);
/// The largest screening rate, patients per month.
pub const MAX_RATE_PER_MONTH: f64 = 1.0e6;

/// Whether `x` lies in the closed range `(lo, hi)`.
pub(crate) fn within((lo, hi): (f64, f64), x: f64) -> bool {
    (lo..=hi).contains(&x)
}

/// What a control median may be.
pub(crate) const MEDIAN_ALLOWED: &str = "a number of months in [0.01, 100000]";
/// What a hazard ratio may be.
pub(crate) const HR_ALLOWED: &str = "a hazard ratio in [0.001, 1000]";
