//! Survival analysis of one data cut: log-rank, Cox proportional hazards, Kaplan-Meier.
