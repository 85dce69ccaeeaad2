//! When the data are cut for the final analysis (`design.analysis`).

/// `design.analysis`: when the data are cut for the analysis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AnalysisSpec {
    /// `{ events = N }`: at the calendar time of the N-th event.
    Events(u32),
    /// `{ calendar = t }`: at t months from the first screening.
    Calendar(f64),
    /// `{ after_last = t }`: t months after the last randomisation.
    AfterLast(f64),
}
