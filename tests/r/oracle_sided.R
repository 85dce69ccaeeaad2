# Oracle: closed-form designs of two-sided (sided = 2) group-sequential survival trials by rpact,
# for tests/it/oracle_sided.rs. Run from the repository root:
#   Rscript tests/r/oracle_sided.R > tests/data/oracles/sided.expected.json
# Needs R with rpact 3.3.4.
#
# Each case: control median 30 months, uniform accrual over 24 months, follow-up 21 months
# after the end of accrual, dropout 5% by 12 months in both arms, allocation a (treatment :
# control), 90% power (upper crossing, rpact's twoSidedPower = FALSE), equally spaced looks:
#   design <- getDesignGroupSequential(kMax = K, alpha = 0.05, beta = 0.1, sided = 2,
#                                      typeOfDesign = KIND[, deltaWT = delta])
#   s <- getSampleSizeSurvival(design, median2 = 30, hazardRatio = HR, accrualTime = c(0, 24),
#          followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12,
#          allocationRatioPlanned = a)
# events = s$maxNumberOfEvents, subjects = s$maxNumberOfSubjects, accrual_intensity =
# s$accrualIntensity, analysis_time = s$analysisTime, events_per_stage = s$eventsPerStage,
# critical_values = design$criticalValues (upper; the lower bounds are their negatives),
# inflation_factor = getDesignCharacteristics(design)$inflationFactor, and the exit
# probabilities at the design's drift: reject_per_stage (upper crossing at each stage, from
# getDesignCharacteristics(design)$rejectionProbabilities; drift = sqrt($shift)).
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

cases <- list(
  list(kind = "asOF", looks = 3, hr = 0.7, allocation = 1),
  list(kind = "asOF", looks = 3, hr = 0.7, allocation = 2),
  list(kind = "asP", looks = 2, hr = 0.6, allocation = 1),
  list(kind = "OF", looks = 4, hr = 0.75, allocation = 2),
  list(kind = "WT", looks = 3, hr = 0.65, allocation = 1, delta = 0.25),
  list(kind = "asKD", looks = 3, hr = 0.7, allocation = 2, gamma = 2)
)

out <- list()
for (cs in cases) {
  args <- list(kMax = cs$looks, alpha = 0.05, beta = 0.1, sided = 2, typeOfDesign = cs$kind)
  if (!is.null(cs$delta)) args$deltaWT <- cs$delta
  if (!is.null(cs$gamma)) args$gammaA <- cs$gamma
  design <- do.call(getDesignGroupSequential, args)
  s <- getSampleSizeSurvival(design, median2 = 30, hazardRatio = cs$hr, accrualTime = c(0, 24),
                             followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05,
                             dropoutTime = 12, allocationRatioPlanned = cs$allocation)
  ch <- getDesignCharacteristics(design)
  out[[length(out) + 1]] <- list(
    kind = cs$kind, looks = cs$looks, hazard_ratio = cs$hr, allocation = cs$allocation,
    delta = if (is.null(cs$delta)) NULL else cs$delta,
    gamma = if (is.null(cs$gamma)) NULL else cs$gamma,
    control_median = 30, accrual_months = 24, follow_up_months = 21, dropout_per_year = 0.05,
    alpha_two_sided = 0.05, power = 0.9,
    events = s$maxNumberOfEvents,
    subjects = s$maxNumberOfSubjects,
    accrual_intensity = s$accrualIntensity,
    analysis_time = I(as.vector(s$analysisTime)),
    events_per_stage = I(as.vector(s$eventsPerStage)),
    critical_values = I(as.vector(design$criticalValues)),
    inflation_factor = ch$inflationFactor,
    drift = ch$shift^0.5,
    reject_per_stage = I(as.vector(ch$rejectionProbabilities)))
}

write_oracle(
  script = "tests/r/oracle_sided.R",
  output = "tests/data/oracles/sided.expected.json",
  calls = paste(
    "rpact::getSampleSizeSurvival(design, median2 = 30, hazardRatio = HR, accrualTime =",
    "c(0, 24), followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12,",
    "allocationRatioPlanned = a) with design = rpact::getDesignGroupSequential(kMax = K,",
    "alpha = 0.05, beta = 0.1, sided = 2, typeOfDesign = KIND[, deltaWT | gammaA]):",
    "$maxNumberOfEvents, $maxNumberOfSubjects, $accrualIntensity, $analysisTime,",
    "$eventsPerStage; design$criticalValues; getDesignCharacteristics(design)$inflationFactor,",
    "$shift (drift^2), $rejectionProbabilities (upper-crossing probability at each stage under H1)"),
  values = list(cases = out)
)
