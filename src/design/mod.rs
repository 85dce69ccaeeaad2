//! The decision rules of a trial: group-sequential boundaries ([`sequential`]), hypotheses and
//! the populations they are tested in ([`hypotheses`]), interim inference on observed data
//! ([`interim`]), family-wise error control ([`multiplicity`]), adaptive enrichment
//! ([`adaptive`]) and event re-estimation at an interim ([`reestimation`]). They know nothing
//! of scenarios:
//! the scenario is parsed into their vocabulary, and the model resolves them.

pub mod adaptive;
pub mod hypotheses;
pub mod interim;
pub mod multiplicity;
pub mod reestimation;
pub mod sequential;
