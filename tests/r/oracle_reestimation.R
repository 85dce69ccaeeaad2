# Oracle: event re-estimation by conditional power in a two-stage inverse normal design, for
# tests/it/mc_reestimation.rs and the conditional power of src/design/reestimation.rs. Run from
# the repository root:
#   Rscript tests/r/oracle_reestimation.R > tests/data/oracles/reestimation.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# 1. `conditional_power`: rpact's getConditionalPower of a stage-1 data set (overallEvents d1,
#    overallLogRanks -z1: with directionUpper = FALSE a negative log-rank favours treatment) in a
#    two-stage inverse normal design (informationRates c(t1, 1)), for nPlanned stage-2 events at
#    thetaH1 (a hazard ratio), allocation ratio r: 1 - Phi((c2 - sqrt(t1) z1) / sqrt(1 - t1) -
#    ln(1 / thetaH1) sqrt(n2 r) / (1 + r)).
# 2. `simulation`: rpact's own Monte Carlo of the re-estimated trial, 100,000 replicates, seed
#    20251201: control median 30 months, 600 subjects accrued uniformly over 24 months, 1:1, no
#    dropout, interim at 125 events, planned final 250; at the interim the stage-2 events are
#    those giving conditional power 0.8 at the interim estimate (thetaH1 NA) or at a fixed
#    hazard ratio (thetaH1), clamped to [minNumberOfEventsPerStage[2],
#    maxNumberOfEventsPerStage[2]]; the final test is the inverse normal combination with the
#    design's weights sqrt(1/2), sqrt(1/2):
#      getSimulationSurvival(design, median2 = 30, hazardRatio = HR, directionUpper = FALSE,
#        plannedEvents = c(125, 250), minNumberOfEventsPerStage = c(NA, m2),
#        maxNumberOfEventsPerStage = c(NA, M2), conditionalPower = 0.8, thetaH1 = ...,
#        maxNumberOfSubjects = 600, accrualTime = c(0, 24), maxNumberOfIterations = 100000,
#        seed = 20251201)
#    with design = getDesignInverseNormal(kMax = 2, alpha = 0.025, typeOfDesign =
#    "noEarlyEfficacy" or "asOF", informationRates = c(0.5, 1)). Per case: power
#    ($overallReject), rejection per stage, the fraction reaching stage 2, expected events
#    ($expectedNumberOfEvents), and from getData(): the mean and SD of the final events
#    (overallEvents1 + overallEvents2 at stage 2) among the replicates reaching stage 2, the
#    fractions of those at the minimum, above the planned 250 and at the maximum, the mean
#    analysis time per stage.
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

# 1. Conditional power.
cp_cases <- list(
  list(t1 = 0.5, z1 = 1.2, events1 = 100, n2 = 150, theta = 0.75, r = 1, kind = "noEarlyEfficacy"),
  list(t1 = 0.5, z1 = 0.3, events1 = 125, n2 = 125, theta = 0.7, r = 1, kind = "noEarlyEfficacy"),
  list(t1 = 0.4, z1 = 1.8, events1 = 120, n2 = 300, theta = 0.8, r = 1, kind = "asOF"),
  list(t1 = 0.35, z1 = -0.5, events1 = 70, n2 = 400, theta = 0.6, r = 1, kind = "asOF"),
  list(t1 = 0.6, z1 = 2.1, events1 = 150, n2 = 50, theta = 0.85, r = 2, kind = "asP"),
  list(t1 = 0.5, z1 = 1.0, events1 = 90, n2 = 200, theta = 0.7, r = 0.5, kind = "noEarlyEfficacy")
)
conditional_power <- lapply(cp_cases, function(k) {
  design <- getDesignInverseNormal(kMax = 2, alpha = 0.025, typeOfDesign = k$kind,
                                   informationRates = c(k$t1, 1))
  data <- getDataset(overallEvents = k$events1, overallLogRanks = -k$z1,
                     overallAllocationRatios = k$r)
  stage <- getStageResults(design, dataInput = data, directionUpper = FALSE)
  cp <- getConditionalPower(stage, nPlanned = k$n2, thetaH1 = k$theta,
                            allocationRatioPlanned = k$r)
  list(information_rate = k$t1, z1 = k$z1, events1 = k$events1, stage2_events = k$n2,
       hazard_ratio = k$theta, allocation = k$r, design = k$kind,
       critical_values = design$criticalValues,
       conditional_power = cp$conditionalPower[2])
})

# 2. Simulation.
reps <- 100000
seed <- 20251201
cases <- list(
  list(name = "observed", hr = 0.75, theta = NA_real_, kind = "noEarlyEfficacy", m2 = 125, M2 = 275),
  list(name = "planned", hr = 0.75, theta = 0.75, kind = "noEarlyEfficacy", m2 = 125, M2 = 275),
  list(name = "observed_asof", hr = 0.75, theta = NA_real_, kind = "asOF", m2 = 125, M2 = 275),
  list(name = "observed_decrease", hr = 0.75, theta = NA_real_, kind = "noEarlyEfficacy", m2 = 50, M2 = 275),
  list(name = "observed_null", hr = 1, theta = NA_real_, kind = "noEarlyEfficacy", m2 = 125, M2 = 275)
)
simulation <- lapply(cases, function(k) {
  design <- getDesignInverseNormal(kMax = 2, alpha = 0.025, typeOfDesign = k$kind,
                                   informationRates = c(0.5, 1))
  elapsed <- system.time(s <- getSimulationSurvival(
    design, median2 = 30, hazardRatio = k$hr, directionUpper = FALSE,
    plannedEvents = c(125, 250), minNumberOfEventsPerStage = c(NA, k$m2),
    maxNumberOfEventsPerStage = c(NA, k$M2), conditionalPower = 0.8, thetaH1 = k$theta,
    maxNumberOfSubjects = 600, accrualTime = c(0, 24), maxNumberOfIterations = reps,
    seed = seed))[["elapsed"]]
  data <- getData(s)
  second <- data[data$stageNumber == 2, ]
  final <- second$overallEvents1 + second$overallEvents2
  first <- data[data$stageNumber == 1, ]
  list(name = k$name, hazard_ratio = k$hr, theta_h1 = k$theta, design = k$kind,
       critical_values = design$criticalValues,
       planned_events = c(125, 250), min_stage_events = k$m2, max_stage_events = k$M2,
       conditional_power_target = 0.8, reps = reps,
       power = s$overallReject, reject_per_stage = as.vector(s$rejectPerStage),
       stage2_fraction = nrow(second) / reps,
       expected_events = s$expectedNumberOfEvents,
       final_events_mean = mean(final), final_events_sd = sd(final),
       final_at_min = mean(final == 125 + k$m2), final_above_planned = mean(final > 250),
       final_at_max = mean(final == 125 + k$M2),
       interim_events_mean = mean(first$overallEvents1 + first$overallEvents2),
       analysis_time = c(mean(first$analysisTime), mean(second$analysisTime)),
       elapsed_s = elapsed)
})

write_oracle(
  script = "tests/r/oracle_reestimation.R",
  output = "tests/data/oracles/reestimation.expected.json",
  calls = paste(
    "conditional_power: rpact::getConditionalPower(getStageResults(getDesignInverseNormal(kMax = 2,",
    "alpha = 0.025, typeOfDesign, informationRates = c(t1, 1)), dataInput = getDataset(overallEvents",
    "= d1, overallLogRanks = -z1, overallAllocationRatios = r), directionUpper = FALSE), nPlanned =",
    "n2, thetaH1 = HR, allocationRatioPlanned = r)$conditionalPower[2]. simulation:",
    "rpact::getSimulationSurvival(getDesignInverseNormal(kMax = 2, alpha = 0.025, typeOfDesign,",
    "informationRates = c(0.5, 1)), median2 = 30, hazardRatio = HR, directionUpper = FALSE,",
    "plannedEvents = c(125, 250), minNumberOfEventsPerStage = c(NA, m2), maxNumberOfEventsPerStage",
    "= c(NA, M2), conditionalPower = 0.8, thetaH1, maxNumberOfSubjects = 600, accrualTime = c(0,",
    "24), maxNumberOfIterations = 100000, seed = 20251201): $overallReject, $rejectPerStage,",
    "$expectedNumberOfEvents and, from getData(), the final events (overallEvents1 +",
    "overallEvents2 at stage 2) and analysis times; elapsed_s = system.time() of the call"),
  values = list(conditional_power = conditional_power, simulation = simulation),
  notes = paste(
    "simulation: Monte Carlo figures of 100,000 replicates; compare within a few standard",
    "errors (power: sqrt(p (1 - p) / 100000); final_events_mean: final_events_sd /",
    "sqrt(stage2_fraction 100000)). elapsed_s is wall time on the machine that ran the script.")
)
