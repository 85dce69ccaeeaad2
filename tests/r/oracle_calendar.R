# Oracle: group-sequential designs with a calendar-time final analysis, for
# tests/it/oracle_calendar.rs. Run from the repository root:
#   Rscript tests/r/oracle_calendar.R > tests/data/oracles/calendar.expected.json
# Needs R with rpact 3.3.4.
#
# "designs": getSampleSizeSurvival(design, median2 = 20, hazardRatio = 0.7, accrualTime =
#   c(0, 24), followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12,
#   allocationRatioPlanned = r) with design = getDesignGroupSequential(kMax = K, alpha = 0.025,
#   beta = 0.1, sided = 1, typeOfDesign = kind[, typeBetaSpending = "bsOF"]): the issue's example
#   (K = 3, asOF: 334.29 events, 582.94 subjects, looks at 19.64, 30.03 and 45 months) and
#   variations (K = 2 and 4, asP, allocation 2, bsOF futility non-binding).
#   maxNumberOfEvents, maxNumberOfSubjects, accrualIntensity, analysisTime, eventsPerStage
#   (cumulative), criticalValues, futilityBounds.
# "look_months": interims at calendar months 18 and 30, final 21 months after the end of a
#   24-month accrual of 600 subjects (median 20, HR 0.7, dropout 5% by 12 months, 1:1): the
#   expected events at month m are n * getEventProbabilities(m, ...)$overallEventProbabilities;
#   design = getDesignGroupSequential(informationRates = E(m_k) / E(45), typeOfDesign = "asOF"
#   [, typeBetaSpending = "bsOF"], beta = 0.1); getPowerSurvival(design, maxNumberOfEvents =
#   E(45), maxNumberOfSubjects = 600, ...): analysisTime (the months back), rejectPerStage,
#   futilityPerStage, overallReject, criticalValues.
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

alpha <- 0.025
common <- list(median2 = 20, hazardRatio = 0.7, accrualTime = c(0, 24), followUpTime = 21,
               dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12)

cases <- list(
  list(name = "issue_3_asOF", k = 3, kind = "asOF", allocation = 1, futility = "none"),
  list(name = "2_asOF", k = 2, kind = "asOF", allocation = 1, futility = "none"),
  list(name = "4_asOF", k = 4, kind = "asOF", allocation = 1, futility = "none"),
  list(name = "3_asP", k = 3, kind = "asP", allocation = 1, futility = "none"),
  list(name = "3_asOF_allocation_2", k = 3, kind = "asOF", allocation = 2, futility = "none"),
  list(name = "3_asOF_bsOF", k = 3, kind = "asOF", allocation = 1, futility = "bsOF"))

designs <- list()
for (c in cases) {
  design <- if (c$futility == "none") {
    getDesignGroupSequential(kMax = c$k, alpha = alpha, beta = 0.1, sided = 1,
                             typeOfDesign = c$kind)
  } else {
    getDesignGroupSequential(kMax = c$k, alpha = alpha, beta = 0.1, sided = 1,
                             typeOfDesign = c$kind, typeBetaSpending = c$futility,
                             bindingFutility = FALSE)
  }
  s <- do.call(getSampleSizeSurvival,
               c(list(design = design, allocationRatioPlanned = c$allocation), common))
  designs[[length(designs) + 1]] <- list(
    name = c$name, looks = c$k, efficacy = c$kind, futility = c$futility,
    allocation = c$allocation, information_rates = I(design$informationRates),
    events = s$maxNumberOfEvents, subjects = s$maxNumberOfSubjects,
    accrual_intensity = s$accrualIntensity,
    analysis_time = I(as.vector(s$analysisTime)),
    events_per_stage = I(as.vector(s$eventsPerStage)),
    critical_values = I(design$criticalValues),
    futility_bounds = I(if (c$futility == "none") rep(NA, c$k - 1) else design$futilityBounds))
}

look_months <- list()
n <- 600
months <- c(18, 30, 45)
lambda2 <- log(2) / 20
ev <- function(m) {
  n * getEventProbabilities(m, accrualTime = c(0, 24), accrualIntensity = n / 24,
                            lambda2 = lambda2, hazardRatio = 0.7, dropoutRate1 = 0.05,
                            dropoutRate2 = 0.05, dropoutTime = 12,
                            maxNumberOfSubjects = n)$overallEventProbabilities
}
expected <- sapply(months, ev)
for (fut in c("none", "bsOF")) {
  design <- if (fut == "none") {
    getDesignGroupSequential(informationRates = expected / expected[3], alpha = alpha,
                             beta = 0.1, sided = 1, typeOfDesign = "asOF")
  } else {
    getDesignGroupSequential(informationRates = expected / expected[3], alpha = alpha,
                             beta = 0.1, sided = 1, typeOfDesign = "asOF",
                             typeBetaSpending = "bsOF", bindingFutility = FALSE)
  }
  p <- getPowerSurvival(design, median2 = 20, hazardRatio = 0.7, accrualTime = c(0, 24),
                        maxNumberOfSubjects = n, maxNumberOfEvents = expected[3],
                        dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12,
                        directionUpper = FALSE)
  look_months[[length(look_months) + 1]] <- list(
    futility = fut, subjects = n, months = I(months), expected_events = I(expected),
    information_rates = I(design$informationRates),
    analysis_time = I(as.vector(p$analysisTime)),
    critical_values = I(design$criticalValues),
    futility_bounds = I(if (fut == "none") rep(NA, 2) else design$futilityBounds),
    reject_per_stage = I(as.vector(p$rejectPerStage)),
    futility_per_stage = I(if (fut == "none") rep(0, 2) else as.vector(p$futilityPerStage)),
    overall_reject = p$overallReject)
}

write_oracle(
  script = "tests/r/oracle_calendar.R",
  output = "tests/data/oracles/calendar.expected.json",
  calls = paste(
    "designs: rpact::getSampleSizeSurvival(getDesignGroupSequential(kMax = K, alpha = 0.025,",
    "beta = 0.1, sided = 1, typeOfDesign = kind[, typeBetaSpending = 'bsOF', bindingFutility =",
    "FALSE]), median2 = 20, hazardRatio = 0.7, accrualTime = c(0, 24), followUpTime = 21,",
    "dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12, allocationRatioPlanned = r).",
    "look_months: getEventProbabilities at months 18, 30, 45 for 600 subjects over 24 months,",
    "getDesignGroupSequential(informationRates = E(m) / E(45), typeOfDesign = 'asOF'[, bsOF]),",
    "getPowerSurvival(design, maxNumberOfSubjects = 600, maxNumberOfEvents = E(45), ...)"),
  values = list(designs = designs, look_months = look_months))
