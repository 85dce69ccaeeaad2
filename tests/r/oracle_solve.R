# Oracle: `design --solve accrual` and `design --solve follow_up`, and the allocation audit, for
# tests/it/oracle_solve.rs. Run from the repository root:
#   Rscript tests/r/oracle_solve.R
# Needs R with rpact 3.3.4. Writes tests/data/oracles/solve.expected.json.
#
# Trial: control median 20 months, hazard ratio 0.7, one-sided alpha 0.025, power 0.9,
# dropout by 12 months equal (5%) or by arm (treatment 3%, control 8%), allocation 1, 2, 0.5,
# a fixed design or 3-look asOF (getDesignGroupSequential(kMax = 3, typeOfDesign = "asOF")).
# "follow_up": getSampleSizeSurvival(design, accrualTime = c(0, A), maxNumberOfSubjects = N):
#   followUpTime computed (A = 24 months of accrual, N subjects).
# "accrual": the same call with A solved by uniroot so that the computed followUpTime is F
#   (rpact has no direct call for this): A, then maxNumberOfEvents and analysisTime there.
# "events": the fixed design's events at allocation 2 and 0.5 by typeOfComputation
#   Schoenfeld, Freedman and HsiehFreedman (getSampleSizeSurvival, accrualTime = c(0, 24),
#   followUpTime = 21), for the allocation audit.
# "at_hr": getPowerSurvival(3-look asOF, 600 subjects over 24 months, 300 events,
#   allocationRatioPlanned = 2 and 0.5) at HR 1 and 0.7: rejection per stage, analysis times.
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

design_of <- function(k) {
  if (k == 1) getDesignGroupSequential(kMax = 1, alpha = 0.025, beta = 0.1, sided = 1)
  else getDesignGroupSequential(kMax = k, alpha = 0.025, beta = 0.1, sided = 1,
                                typeOfDesign = "asOF")
}
dropouts <- list(equal = c(0.05, 0.05), by_arm = c(0.03, 0.08))

size <- function(k, allocation, dropout, A, N) {
  d <- dropouts[[dropout]]
  getSampleSizeSurvival(design_of(k), median2 = 20, hazardRatio = 0.7,
                        accrualTime = c(0, A), maxNumberOfSubjects = N,
                        dropoutRate1 = d[1], dropoutRate2 = d[2], dropoutTime = 12,
                        allocationRatioPlanned = allocation)
}

row_of <- function(name, k, allocation, dropout, N, s, A) {
  list(name = name, looks = k, allocation = allocation, dropout = dropout,
       treatment_dropout = dropouts[[dropout]][1], control_dropout = dropouts[[dropout]][2],
       subjects = N, accrual_time = A, follow_up_time = s$followUpTime,
       events = s$maxNumberOfEvents,
       analysis_time = I(as.vector(s$analysisTime)),
       events_per_stage = I(as.vector(s$eventsPerStage)))
}

cases <- list(
  list(k = 1, allocation = 1, dropout = "equal", N = 600),
  list(k = 1, allocation = 2, dropout = "equal", N = 650),
  list(k = 1, allocation = 1, dropout = "by_arm", N = 600),
  list(k = 1, allocation = 0.5, dropout = "by_arm", N = 660),
  list(k = 3, allocation = 1, dropout = "equal", N = 620),
  list(k = 3, allocation = 2, dropout = "by_arm", N = 700),
  list(k = 3, allocation = 0.5, dropout = "equal", N = 700),
  list(k = 3, allocation = 1, dropout = "by_arm", N = 640))

follow_up <- list()
accrual <- list()
for (c in cases) {
  name <- sprintf("k%d_r%g_%s_n%d", c$k, c$allocation, c$dropout, c$N)
  s <- size(c$k, c$allocation, c$dropout, 24, c$N)
  follow_up[[length(follow_up) + 1]] <- row_of(name, c$k, c$allocation, c$dropout, c$N, s, 24)
  F <- 18
  A <- uniroot(function(a) size(c$k, c$allocation, c$dropout, a, c$N)$followUpTime - F,
               c(1, 200), tol = 1e-12)$root
  s <- size(c$k, c$allocation, c$dropout, A, c$N)
  accrual[[length(accrual) + 1]] <- row_of(name, c$k, c$allocation, c$dropout, c$N, s, A)
}

events <- list()
for (r in c(2, 0.5)) {
  for (m in c("Schoenfeld", "Freedman", "HsiehFreedman")) {
    s <- getSampleSizeSurvival(design_of(1), median2 = 20, hazardRatio = 0.7,
                               accrualTime = c(0, 24), followUpTime = 21,
                               allocationRatioPlanned = r, typeOfComputation = m)
    events[[length(events) + 1]] <- list(allocation = r, method = m,
                                         events = s$maxNumberOfEvents,
                                         subjects = s$maxNumberOfSubjects,
                                         accrual_intensity = s$accrualIntensity)
  }
}

at_hr <- list()
design3 <- design_of(3)
for (r in c(2, 0.5)) {
  for (hr in c(1, 0.7)) {
    p <- getPowerSurvival(design3, median2 = 20, hazardRatio = hr, accrualTime = c(0, 24),
                          maxNumberOfSubjects = 600, maxNumberOfEvents = 300,
                          allocationRatioPlanned = r, directionUpper = FALSE)
    at_hr[[length(at_hr) + 1]] <- list(allocation = r, hazard_ratio = hr,
                                       overall_reject = p$overallReject,
                                       reject_per_stage = I(as.vector(p$rejectPerStage)),
                                       analysis_time = I(as.vector(p$analysisTime)))
  }
}

write_oracle(
  script = "tests/r/oracle_solve.R",
  output = "tests/data/oracles/solve.expected.json",
  calls = paste(
    "follow_up: rpact::getSampleSizeSurvival(design, median2 = 20, hazardRatio = 0.7,",
    "accrualTime = c(0, 24), maxNumberOfSubjects = N, dropoutRate1, dropoutRate2, dropoutTime =",
    "12, allocationRatioPlanned = r), design fixed or getDesignGroupSequential(kMax = 3,",
    "typeOfDesign = 'asOF'), alpha 0.025, beta 0.1. accrual: the same with accrualTime = c(0, A),",
    "A by uniroot giving followUpTime 18. events: fixed design, allocation 2 and 0.5,",
    "typeOfComputation Schoenfeld, Freedman, HsiehFreedman, accrualTime = c(0, 24),",
    "followUpTime = 21. at_hr: getPowerSurvival(3-look asOF, median2 = 20, hazardRatio = 1,",
    "0.7, accrualTime = c(0, 24), maxNumberOfSubjects = 600, maxNumberOfEvents = 300,",
    "allocationRatioPlanned = 2, 0.5, directionUpper = FALSE)."),
  values = list(follow_up = follow_up, accrual = accrual, events = events, at_hr = at_hr))
