# Required events of a fixed design by rpact's three approximations of the log-rank's mean
# (typeOfComputation "Schoenfeld", "Freedman", "HsiehFreedman"), at allocation ratios 1, 2,
# 0.5, 3 and hazard ratios 0.6, 0.7, 0.8, one-sided alpha 0.025 and 90% power. The accrual
# arguments only make the call valid: the events do not depend on them. `sequential`: the same
# for a 3-look asOF design (information rates 1/3, 2/3, 1) at hazard ratio 0.7 and allocation
# 2 and 0.5: maximum events, events per stage, critical z and the hazard ratios at the bounds
# (criticalValuesEffectScale).
#   Rscript tests/r/oracle_events_methods.R > tests/data/oracles/events-methods.expected.json
suppressPackageStartupMessages(library(rpact))
cases <- character(0)
for (tc in c("Schoenfeld", "Freedman", "HsiehFreedman")) {
  for (r in c(1, 2, 0.5, 3)) {
    for (hr in c(0.7, 0.6, 0.8)) {
      x <- suppressWarnings(getSampleSizeSurvival(
        typeOfComputation = tc, hazardRatio = hr, allocationRatioPlanned = r,
        alpha = 0.025, beta = 0.1, sided = 1, lambda2 = log(2) / 20,
        accrualTime = c(0, 24), accrualIntensity = 100, followUpTime = 12))
      cases <- c(cases, sprintf(
        '{"method": "%s", "allocation": %s, "hazard_ratio": %s, "alpha": 0.025, "power": 0.9, "events": %.17g}',
        tc, r, hr, x$maxNumberOfEvents))
    }
  }
}
num <- function(x) paste(sprintf("%.17g", x), collapse = ", ")
design <- getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1, sided = 1,
  typeOfDesign = "asOF", informationRates = c(1, 2, 3) / 3)
sequential <- character(0)
for (tc in c("Schoenfeld", "Freedman", "HsiehFreedman")) {
  for (r in c(2, 0.5)) {
    x <- suppressWarnings(getSampleSizeSurvival(design,
      typeOfComputation = tc, hazardRatio = 0.7, allocationRatioPlanned = r,
      lambda2 = log(2) / 20, accrualTime = c(0, 24), accrualIntensity = 100, followUpTime = 12))
    sequential <- c(sequential, sprintf(
      '{"method": "%s", "allocation": %s, "hazard_ratio": 0.7, "alpha": 0.025, "power": 0.9, "information_rates": [%s], "critical_z": [%s], "max_events": %.17g, "events_per_stage": [%s], "critical_hr": [%s]}',
      tc, r, num(design$informationRates), num(design$criticalValues), x$maxNumberOfEvents,
      num(x$eventsPerStage), num(x$criticalValuesEffectScale)))
  }
}
cat(sprintf('{"source": {"software": "%s, rpact %s", "script": "tests/r/oracle_events_methods.R", "calls": "getSampleSizeSurvival(typeOfComputation, hazardRatio, allocationRatioPlanned, alpha = 0.025, beta = 0.1, sided = 1, lambda2 = log(2) / 20, accrualTime = c(0, 24), accrualIntensity = 100, followUpTime = 12)$maxNumberOfEvents; sequential: getSampleSizeSurvival(getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1, sided = 1, typeOfDesign = \\"asOF\\", informationRates = c(1, 2, 3) / 3), typeOfComputation, hazardRatio = 0.7, allocationRatioPlanned = 2 or 0.5, same accrual) ($maxNumberOfEvents, $eventsPerStage, $criticalValuesEffectScale; the design\'s $criticalValues)", "regenerate": "Rscript tests/r/oracle_events_methods.R > tests/data/oracles/events-methods.expected.json", "debian_packages": "r-base-core r-cran-rpact"},\n "values": {"cases": [\n  %s\n],\n "sequential": [\n  %s\n]}}\n',
  R.version.string, packageVersion("rpact"), paste(cases, collapse = ",\n  "),
  paste(sequential, collapse = ",\n  ")))
