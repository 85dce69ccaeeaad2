//! The numerical tools every layer shares: the normal law and its bivariate and multivariate
//! relatives, root finding, the random streams of a replicate, and descriptive statistics.

pub mod date;
pub mod descriptive;
pub mod mvnormal;
pub mod normal;
pub mod rng;
pub mod roots;
