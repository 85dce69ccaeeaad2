# Reference values for tests/it/mc_adaptive_reestimation.rs: rpact's own simulation of two-stage
# adaptive enrichment designs (survival) whose stage-2 deaths are re-estimated by conditional
# power. Run with
#   Rscript tests/r/oracle_adaptive_reestimation.R > tests/data/oracles/adaptive-reestimation.expected.json
# (R 4.2.2, rpact 3.3.4, mnormt 2.1.1, Debian builds; about 2 minutes on one core).
#
# The design is tests/data/rpact_enrichment_survival.R's (subsets S, prevalence 0.6, and R;
# populations S and F = S + R; inverse normal, no early efficacy, information rates 0.5 and 1,
# one-sided alpha 0.025; 150 deaths at the interim, 300 planned), with rpact's default event
# recalculation: stage-2 deaths for conditional power 0.8 at the smallest estimated effect of
# the selected populations (or at thetaH1), given the Bonferroni-adjusted stage-1 p-value of
# the global intersection, clamped to [minNumberOfEventsPerStage, maxNumberOfEventsPerStage]
# (rpact:::.getSimulationSurvivalEnrichmentStageEvents). rpact keeps that number of deaths
# unrounded.
suppressMessages(library(rpact))
iterations <- as.integer(Sys.getenv("ITER", "40000"))
seed <- 20261207
design <- getDesignInverseNormal(kMax = 2, typeOfDesign = "noEarlyEfficacy",
                                 informationRates = c(0.5, 1), alpha = 0.025)
cases <- list(
  list(name = "rbest-observed", hr = c(0.75, 0.85), selection = "rBest", r = 1, eps = NA,
       thetaH1 = NA, min2 = 100, max2 = 300),
  list(name = "epsilon-planned", hr = c(0.7, 1.0), selection = "epsilon", r = NA, eps = 0.1,
       thetaH1 = 0.75, min2 = 150, max2 = 350),
  list(name = "rbest-null", hr = c(1.0, 1.0), selection = "rBest", r = 1, eps = NA,
       thetaH1 = NA, min2 = 100, max2 = 300)
)
source("tests/r/oracle_json.R")
cases_out <- lapply(cases, function(cs) {
  args <- list(design = design,
    effectList = list(subGroups = c("S", "R"), prevalences = c(0.6, 0.4),
                      hazardRatios = matrix(cs$hr, ncol = 2)),
    intersectionTest = "Bonferroni", typeOfSelection = cs$selection,
    effectMeasure = "effectEstimate", directionUpper = FALSE,
    plannedEvents = c(150, 300), conditionalPower = 0.8,
    minNumberOfEventsPerStage = c(NA, cs$min2), maxNumberOfEventsPerStage = c(NA, cs$max2),
    maxNumberOfIterations = iterations, seed = seed)
  if (!is.na(cs$r)) args$rValue <- cs$r
  if (!is.na(cs$eps)) args$epsilonValue <- cs$eps
  if (!is.na(cs$thetaH1)) args$thetaH1 <- cs$thetaH1
  elapsed <- system.time(
    s <- suppressWarnings(do.call(getSimulationEnrichmentSurvival, args)))[["elapsed"]]
  rej <- s$rejectedPopulationsPerStage  # [stage, 1, population]
  list(name = cs$name, hazard_ratios = I(cs$hr), selection = cs$selection,
       r = if (is.na(cs$r)) NULL else cs$r, epsilon = if (is.na(cs$eps)) NULL else cs$eps,
       theta_h1 = if (is.na(cs$thetaH1)) NULL else cs$thetaH1,
       min_stage2_events = cs$min2, max_stage2_events = cs$max2,
       reject_S = sum(rej[, 1, 1]), reject_F = sum(rej[, 1, 2]),
       reject_at_least_one = s$rejectAtLeastOne,
       selected_S = s$selectedPopulations[2, 1, 1], selected_F = s$selectedPopulations[2, 1, 2],
       expected_events = s$expectedNumberOfEvents,
       conditional_power_achieved = s$conditionalPowerAchieved[2, 1],
       elapsed_s = elapsed)
})

write_oracle(
  script = "tests/r/oracle_adaptive_reestimation.R",
  output = "tests/data/oracles/adaptive-reestimation.expected.json",
  calls = paste(
    "rpact::getSimulationEnrichmentSurvival(getDesignInverseNormal(kMax = 2, typeOfDesign =",
    "\"noEarlyEfficacy\", informationRates = c(0.5, 1), alpha = 0.025), effectList =",
    "list(subGroups = c(\"S\", \"R\"), prevalences = c(0.6, 0.4), hazardRatios = matrix(HR, ncol",
    "= 2)), intersectionTest = \"Bonferroni\", typeOfSelection, rValue or epsilonValue,",
    "effectMeasure = \"effectEstimate\", directionUpper = FALSE, plannedEvents = c(150, 300),",
    "conditionalPower = 0.8, minNumberOfEventsPerStage = c(NA, min2), maxNumberOfEventsPerStage =",
    "c(NA, max2), thetaH1, maxNumberOfIterations = 40000, seed = 20261207):",
    "$rejectedPopulationsPerStage summed over stages, $rejectAtLeastOne, $selectedPopulations[2,",
    ", ], $expectedNumberOfEvents, $conditionalPowerAchieved[2, 1]"),
  values = list(iterations = iterations, seed = seed, prevalences = I(c(0.6, 0.4)),
                planned_events = I(c(150, 300)), conditional_power = 0.8, cases = cases_out),
  notes = paste(
    "Monte Carlo figures of 40,000 iterations each; rpact simulates each stage's log-rank",
    "statistic from its normal approximation with the subsets' deaths at their expected split",
    "and keeps the re-estimated stage-2 deaths unrounded. elapsed_s is wall time on the",
    "machine that ran the script.")
)
