# Oracle: interim inference on group-sequential survival designs from observed looks, by rpact
# 3.3.4, for tests/it/oracle_monitor.rs (`enrichsim monitor`). Run from the repository root:
#   Rscript tests/r/oracle_monitor.R > tests/data/oracles/monitor.expected.json
# Needs R with rpact 3.3.4.
#
# Each case: a one-sided design (alpha 0.025) planned at cumulative events `planned_events`
# (the last is the maximum information D), and the looks observed so far: cumulative events,
# log-rank z (enrichsim's sign: z > 0 favours treatment, i.e. HR < 1) and the allocation
# observed (treatment : control). The design rpact analyses is the one enrichsim monitors: the
# spending function at the observed information fractions events / D for the looks done and at
# the planned fractions for the looks to come:
#   design <- getDesignGroupSequential(kMax = K, alpha = 0.025, sided = 1, typeOfDesign = KIND,
#     informationRates = c(events / D, planned_events[(k + 1):K] / D),
#     futilityBounds = ..., bindingFutility = ..., [typeBetaSpending = "bsOF", beta = 0.2])
#   data <- getDataset(overallEvents = events, overallLogRanks = -z,
#                      overallAllocationRatios = allocation)
# rpact's log-rank is positive when HR > 1, so the data carry -z and the analyses run with
# directionUpper = FALSE. nPlanned are the events still to come at each remaining look (the
# planned increments), at allocationRatioPlanned = the planned allocation.
#   getAnalysisResults(design, data, directionUpper = FALSE, nPlanned, allocationRatioPlanned,
#                      tolerance = 1e-12)            (thetaH1 = the observed HR, rpact's default)
#   getConditionalPower(getStageResults(design, data, directionUpper = FALSE), nPlanned,
#                      allocationRatioPlanned, thetaH1 = planned_hr)
# recorded: critical values (bounds at the observed fractions), futility bounds, test actions,
# conditional power (cumulative by remaining look) under the planned and the observed HR,
# repeated CIs and p-values, and at the final stage the stage-wise ordering p-value, median
# unbiased estimate and confidence interval. The root-finding tolerance is 1e-12 (rpact's
# default 1e-6 would limit the comparison).
suppressMessages(library(rpact))
suppressMessages(library(survival))
setLogLevel("DISABLED")
source("tests/r/oracle_json.R")

vec <- function(x) I(as.vector(x))

# The end-to-end case (`enrichsim monitor` on CSV files): replicate 3 of
# scenarios/phase3-enriched-sequential.toml at its looks 1 and 2 (`enrichsim simulate-data
# --replicate 3 --look 1|2`, kept as tests/data/oracles/monitor-look1.csv, monitor-look2.csv):
# the stratified log-rank z of each look by survival::survdiff, the allocation observed, and the
# scenario's design (asOF efficacy, non-binding bsOF beta-spending futility at 90% power, looks
# at 77, 153 and 230 events, planned HR 0.7 here).
logrank_z <- function(file) {
  d <- read.csv(file, stringsAsFactors = FALSE)
  d$arm <- factor(d$arm, levels = c("control", "treatment"))
  fit <- survdiff(Surv(months, death) ~ arm + strata(stratum), data = d)
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  expd <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  list(events = sum(d$death), z = unname((expd[2] - obs[2]) / sqrt(fit$var[2, 2])),
       allocation = sum(d$arm == "treatment") / sum(d$arm == "control"))
}
looks <- lapply(c("tests/data/oracles/monitor-look1.csv", "tests/data/oracles/monitor-look2.csv"),
                logrank_z)

cases <- list(
  list(name = "asOF3_look2_continue", kind = "asOF", planned = c(100, 200, 300),
       events = c(102, 203), z = c(1.21, 1.95), allocation = c(1, 1), planned_allocation = 1,
       planned_hr = 0.7),
  list(name = "asOF3_look1_continue", kind = "asOF", planned = c(100, 200, 300),
       events = c(98), z = c(0.8), allocation = c(1.05), planned_allocation = 1,
       planned_hr = 0.7),
  list(name = "asOF3_stop_look2", kind = "asOF", planned = c(100, 200, 300),
       events = c(99, 210), z = c(2.1, 3.2), allocation = c(1, 0.98), planned_allocation = 1,
       planned_hr = 0.7),
  list(name = "asP4_futility_alloc2_reject_end", kind = "asP", planned = c(75, 150, 225, 300),
       futility = c(0, 0, 0), binding = FALSE,
       events = c(77, 149, 230, 300), z = c(0.9, 1.4, 1.9, 2.5),
       allocation = c(2.02, 1.98, 2, 2.01), planned_allocation = 2, planned_hr = 0.75),
  list(name = "asP4_futility_alloc2_accept_end", kind = "asP", planned = c(75, 150, 225, 300),
       futility = c(0, 0, 0), binding = FALSE,
       events = c(77, 149, 230, 300), z = c(0.9, 1.4, 1.9, 2.1),
       allocation = c(2.02, 1.98, 2, 2.01), planned_allocation = 2, planned_hr = 0.75),
  list(name = "asOF3_betaspending_look1", kind = "asOF", planned = c(100, 200, 300),
       beta_spending = TRUE, beta = 0.2, binding = FALSE,
       events = c(100), z = c(0.6), allocation = c(1), planned_allocation = 1,
       planned_hr = 0.7),
  list(name = "asOF3_binding_alloc05_stop_look1", kind = "asOF", planned = c(100, 200, 300),
       futility = c(0.2, 0.8), binding = TRUE,
       events = c(101), z = c(3.9), allocation = c(0.5), planned_allocation = 0.5,
       planned_hr = 0.7),
  list(name = "asP3_binding_end", kind = "asP", planned = c(100, 200, 300),
       futility = c(0, 0.5), binding = TRUE,
       events = c(104, 196, 300), z = c(0.4, 0.9, 2.1), allocation = c(1, 1, 1),
       planned_allocation = 1, planned_hr = 0.7),
  list(name = "asOF3_futility_stop_look2", kind = "asOF", planned = c(100, 200, 300),
       futility = c(0, 0), binding = FALSE,
       events = c(95, 205), z = c(0.3, -0.3), allocation = c(1, 1), planned_allocation = 1,
       planned_hr = 0.7),
  list(name = "asOF2_alloc05_look1", kind = "asOF", planned = c(150, 300),
       events = c(160), z = c(1.7), allocation = c(0.49), planned_allocation = 0.5,
       planned_hr = 0.75),
  list(name = "cli_phase3_enriched_sequential_rep3_look2", kind = "asOF",
       planned = c(77, 153, 230), beta_spending = TRUE, beta = 0.1, binding = FALSE,
       events = sapply(looks, `[[`, "events"), z = sapply(looks, `[[`, "z"),
       allocation = sapply(looks, `[[`, "allocation"), planned_allocation = 1,
       planned_hr = 0.7,
       files = c("monitor-look1.csv", "monitor-look2.csv"))
)

out <- list()
for (cs in cases) {
  K <- length(cs$planned)
  k <- length(cs$events)
  D <- cs$planned[K]
  rates <- cs$events / D
  if (k < K) rates <- c(rates, cs$planned[(k + 1):K] / D)
  args <- list(kMax = K, alpha = 0.025, sided = 1, typeOfDesign = cs$kind,
               informationRates = rates)
  if (!is.null(cs$futility)) {
    args$futilityBounds <- cs$futility
    args$bindingFutility <- cs$binding
  }
  if (isTRUE(cs$beta_spending)) {
    args$typeBetaSpending <- "bsOF"
    args$beta <- cs$beta
    args$bindingFutility <- cs$binding
  }
  design <- do.call(getDesignGroupSequential, args)
  data <- getDataset(overallEvents = cs$events, overallLogRanks = -cs$z,
                     overallAllocationRatios = cs$allocation)
  n_planned <- NA_real_
  if (k < K) n_planned <- diff(c(cs$events[k], cs$planned[(k + 1):K]))
  res <- getAnalysisResults(design, data, directionUpper = FALSE, nPlanned = n_planned,
                            allocationRatioPlanned = cs$planned_allocation,
                            tolerance = 1e-12)
  cp_planned <- rep(NA_real_, K)
  cp_observed <- rep(NA_real_, K)
  if (k < K) {
    stage <- getStageResults(design, data, directionUpper = FALSE)
    cp <- getConditionalPower(stage, nPlanned = n_planned, thetaH1 = cs$planned_hr,
                              allocationRatioPlanned = cs$planned_allocation)
    cp_planned <- cp$conditionalPower
    cp_observed <- res$conditionalPower
    # the same through getAnalysisResults with thetaH1 given
    res_planned <- getAnalysisResults(design, data, directionUpper = FALSE,
                                      nPlanned = n_planned, thetaH1 = cs$planned_hr,
                                      allocationRatioPlanned = cs$planned_allocation,
                                      tolerance = 1e-12)
    stopifnot(isTRUE(all.equal(res_planned$conditionalPower, cp_planned, tolerance = 1e-12)))
  }
  futility <- design$futilityBounds
  out[[length(out) + 1]] <- list(
    name = cs$name, kind = cs$kind, alpha = 0.025,
    files = if (is.null(cs$files)) NULL else vec(cs$files),
    planned_events = vec(cs$planned),
    futility_z = if (is.null(cs$futility)) NULL else vec(cs$futility),
    beta_spending = if (isTRUE(cs$beta_spending)) "bsOF" else NULL,
    beta = if (isTRUE(cs$beta_spending)) cs$beta else NULL,
    binding = isTRUE(cs$binding),
    events = vec(cs$events), z = vec(cs$z), allocation = vec(cs$allocation),
    planned_allocation = cs$planned_allocation, planned_hr = cs$planned_hr,
    information_rates = vec(rates),
    n_planned = if (k < K) vec(n_planned) else NULL,
    critical_values = vec(design$criticalValues),
    futility_bounds = vec(futility),
    test_actions = vec(res$testActions),
    observed_hr = res$.stageResults$effectSizes[k],
    conditional_power_planned = vec(cp_planned),
    conditional_power_observed = vec(cp_observed),
    rci_lower = vec(res$repeatedConfidenceIntervalLowerBounds),
    rci_upper = vec(res$repeatedConfidenceIntervalUpperBounds),
    repeated_p = vec(res$repeatedPValues),
    final_stage = if (is.null(res$finalStage) || is.na(res$finalStage)) NULL else res$finalStage,
    final_p = vec(res$finalPValues),
    final_ci_lower = vec(res$finalConfidenceIntervalLowerBounds),
    final_ci_upper = vec(res$finalConfidenceIntervalUpperBounds),
    median_unbiased = vec(res$medianUnbiasedEstimates))
}

write_oracle(
  script = "tests/r/oracle_monitor.R",
  packages = c("rpact", "survival"),
  output = "tests/data/oracles/monitor.expected.json",
  calls = paste(
    "rpact::getAnalysisResults(design, getDataset(overallEvents = events, overallLogRanks = -z,",
    "overallAllocationRatios = allocation), directionUpper = FALSE, nPlanned = remaining",
    "planned event increments, allocationRatioPlanned, tolerance = 1e-12) and",
    "rpact::getConditionalPower(getStageResults(design, data, directionUpper = FALSE), nPlanned,",
    "thetaH1 = planned_hr, allocationRatioPlanned), with design =",
    "rpact::getDesignGroupSequential(kMax = K, alpha = 0.025, sided = 1, typeOfDesign = KIND,",
    "informationRates = c(events / D, planned future events / D)[, futilityBounds,",
    "bindingFutility][, typeBetaSpending = 'bsOF', beta]): $criticalValues, $futilityBounds,",
    "$testActions, $conditionalPower, $repeatedConfidenceIntervalLowerBounds/UpperBounds,",
    "$repeatedPValues, $finalStage, $finalPValues, $finalConfidenceIntervalLowerBounds/UpperBounds,",
    "$medianUnbiasedEstimates, $.stageResults$effectSizes; the case with `files`: events, z",
    "(survival::survdiff(Surv(months, death) ~ arm + strata(stratum))) and allocation of",
    "tests/data/oracles/monitor-look1.csv and monitor-look2.csv"),
  notes = paste(
    "z is enrichsim's log-rank z (> 0 favours treatment); rpact's overallLogRanks are -z.",
    "Vectors run over the K looks of the design, null where rpact gives NA. futility_bounds",
    "are rpact's (-6 where a design has none)."),
  values = list(cases = out)
)
