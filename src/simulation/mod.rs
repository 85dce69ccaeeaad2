//! The simulation: one cohort screened, randomised and followed, and the data cut at each
//! analysis ([`trial`]); the replicates, their random streams and their parallel execution
//! ([`engine`]).

pub mod engine;
pub mod trial;
