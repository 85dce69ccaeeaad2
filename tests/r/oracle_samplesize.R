# Oracle: survival sample sizes by rpact, for tests/it/oracle_samplesize.rs (and tests/it/size.rs).
# Run from the repository root:
#   Rscript tests/r/oracle_samplesize.R > tests/data/oracles/samplesize.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# "schoenfeld": required events at one-sided alpha 0.025, power 80% and 90%, HR 0.5 to 0.8,
#   allocation 1:1 and 2:1 (treatment:control):
#   events_rpact      getSampleSizeSurvival(alpha = 0.025, beta = 1 - power, hazardRatio = HR,
#                       allocationRatioPlanned = a, typeOfComputation = "Schoenfeld")
#                       $maxNumberOfEvents
#   events_schoenfeld the closed form (1 + a)^2 / a * (z_{1-alpha} + z_{power})^2 / log(HR)^2,
#                       computed here; the script stops unless it equals events_rpact to 1e-12
# "with_accrual": control median 30 months, uniform accrual over 24 months, follow-up 21 months
#   after the end of accrual, dropout 5% by 12 months in both arms, 90% power, a fixed design
#   and a 3-look asOF design:
#   getSampleSizeSurvival(design, median2 = 30, hazardRatio = HR, accrualTime = c(0, 24),
#     followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12), design =
#     getDesignGroupSequential(kMax = 1 or 3, alpha = 0.025, beta = 0.1, sided = 1, [typeOfDesign
#     = "asOF"]): events = $maxNumberOfEvents, subjects = $maxNumberOfSubjects,
#     accrual_intensity = $accrualIntensity, analysis_time = $analysisTime, events_per_stage =
#     $eventsPerStage (cumulative), expected_events_h1 = $expectedEventsH1
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

alpha <- 0.025

schoenfeld <- list()
for (power in c(0.8, 0.9)) {
  for (hr in c(0.5, 0.6, 0.67, 0.7, 0.75, 0.8)) {
    for (a in c(1, 2)) {
      s <- getSampleSizeSurvival(alpha = alpha, beta = 1 - power, sided = 1, hazardRatio = hr,
                                 allocationRatioPlanned = a, typeOfComputation = "Schoenfeld")
      closed <- (1 + a)^2 / a * (qnorm(1 - alpha) + qnorm(power))^2 / log(hr)^2
      stopifnot(abs(closed / s$maxNumberOfEvents - 1) < 1e-12)
      schoenfeld[[length(schoenfeld) + 1]] <- list(
        power = power, hazard_ratio = hr, allocation = a,
        events_rpact = s$maxNumberOfEvents, events_schoenfeld = closed)
    }
  }
}

with_accrual <- list()
for (hr in c(0.6, 0.7)) {
  for (looks in c(1, 3)) {
    design <- if (looks == 1) {
      getDesignGroupSequential(kMax = 1, alpha = alpha, beta = 0.1, sided = 1)
    } else {
      getDesignGroupSequential(kMax = 3, alpha = alpha, beta = 0.1, sided = 1,
                               typeOfDesign = "asOF")
    }
    s <- getSampleSizeSurvival(design, median2 = 30, hazardRatio = hr, accrualTime = c(0, 24),
                               followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05,
                               dropoutTime = 12)
    with_accrual[[length(with_accrual) + 1]] <- list(
      control_median = 30, hazard_ratio = hr, looks = looks, accrual_months = 24,
      follow_up_months = 21, dropout_per_year = 0.05, alpha = alpha, power = 0.9,
      events = s$maxNumberOfEvents,
      subjects = s$maxNumberOfSubjects,
      accrual_intensity = s$accrualIntensity,
      analysis_time = as.vector(s$analysisTime),
      events_per_stage = as.vector(s$eventsPerStage),
      expected_events_h1 = s$expectedEventsH1)
  }
}

write_oracle(
  script = "tests/r/oracle_samplesize.R",
  output = "tests/data/oracles/samplesize.expected.json",
  calls = paste(
    "schoenfeld: rpact::getSampleSizeSurvival(alpha = 0.025, beta = 1 - power, sided = 1,",
    "hazardRatio = HR, allocationRatioPlanned = a, typeOfComputation = \"Schoenfeld\")",
    "$maxNumberOfEvents (events_rpact); events_schoenfeld = (1 + a)^2 / a * (qnorm(0.975) +",
    "qnorm(power))^2 / log(HR)^2 in R, equal to events_rpact within 1e-12 relative.",
    "with_accrual: rpact::getSampleSizeSurvival(design, median2 = 30, hazardRatio = HR,",
    "accrualTime = c(0, 24), followUpTime = 21, dropoutRate1 = 0.05, dropoutRate2 = 0.05,",
    "dropoutTime = 12) with design = rpact::getDesignGroupSequential(kMax = 1, alpha = 0.025,",
    "beta = 0.1, sided = 1) or getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1,",
    "sided = 1, typeOfDesign = \"asOF\"): $maxNumberOfEvents, $maxNumberOfSubjects,",
    "$accrualIntensity, $analysisTime, $eventsPerStage (cumulative), $expectedEventsH1"),
  values = list(schoenfeld = schoenfeld, with_accrual = with_accrual)
)
