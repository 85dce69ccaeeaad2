# Oracle: the operating characteristics of a group-sequential survival design at several hazard
# ratios by rpact, for tests/it/oracle_at_hr.rs (`enrichsim design --at-hr`). Run from the
# repository root:
#   Rscript tests/r/oracle_at_hr.R > tests/data/oracles/at-hr.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# The trial: one stratum, control median 30 months (exponential), 300 subjects accrued uniformly
# over 24 months (12.5 a month), 1:1, dropout 5% by 12 months in both arms (exponential), looks
# at 50, 100 and 150 events, one-sided alpha 0.025, hazard ratios 1, 0.8, 0.7 and 0.6:
#   getPowerSurvival(design, hazardRatio = c(1, 0.8, 0.7, 0.6), median2 = 30,
#     accrualTime = c(0, 24), maxNumberOfSubjects = 300, maxNumberOfEvents = 150,
#     dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12, directionUpper = FALSE)
# with design
#   "asOF":      getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1, typeOfDesign = "asOF")
#   "asOF_bsOF": getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1, sided = 1,
#                  typeOfDesign = "asOF", typeBetaSpending = "bsOF", bindingFutility = FALSE)
# Values per design: the design's criticalValues and futilityBounds, then per hazard ratio
# overallReject, rejectPerStage, futilityPerStage, expectedNumberOfEvents, analysisTime,
# studyDuration, expectedNumberOfSubjects (and the per-stage numberOfSubjects).
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

hrs <- c(1, 0.8, 0.7, 0.6)
designs <- list(
  asOF = getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1, typeOfDesign = "asOF"),
  asOF_bsOF = getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1, sided = 1,
                                       typeOfDesign = "asOF", typeBetaSpending = "bsOF",
                                       bindingFutility = FALSE)
)

# Column i of a stage-by-hazard-ratio matrix (rpact gives one column where all are equal).
column <- function(m, i) if (ncol(m) == 1) m[, 1] else m[, i]

values <- list()
for (name in names(designs)) {
  design <- designs[[name]]
  p <- getPowerSurvival(design, hazardRatio = hrs, median2 = 30, accrualTime = c(0, 24),
                        maxNumberOfSubjects = 300, maxNumberOfEvents = 150,
                        dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12,
                        directionUpper = FALSE)
  points <- list()
  for (i in seq_along(hrs)) {
    futility <- if (is.null(dim(p$futilityPerStage))) rep(0, 2) else p$futilityPerStage[, i]
    points[[i]] <- list(
      hazard_ratio = hrs[i],
      overallReject = p$overallReject[i],
      rejectPerStage = I(as.vector(p$rejectPerStage[, i])),
      futilityPerStage = I(as.vector(futility)),
      expectedNumberOfEvents = p$expectedNumberOfEvents[i],
      analysisTime = I(as.vector(p$analysisTime[, i])),
      studyDuration = p$studyDuration[i],
      expectedNumberOfSubjects = p$expectedNumberOfSubjects[i],
      numberOfSubjects = I(as.vector(column(p$numberOfSubjects, i))),
      eventsPerStage = I(as.vector(column(p$eventsPerStage, i))))
  }
  values[[name]] <- list(
    criticalValues = I(as.vector(design$criticalValues)),
    futilityBounds = I(as.vector(design$futilityBounds)),
    points = points)
}

write_oracle(
  script = "tests/r/oracle_at_hr.R",
  output = "tests/data/oracles/at-hr.expected.json",
  calls = paste(
    "rpact::getPowerSurvival(design, hazardRatio = c(1, 0.8, 0.7, 0.6), median2 = 30,",
    "accrualTime = c(0, 24), maxNumberOfSubjects = 300, maxNumberOfEvents = 150,",
    "dropoutRate1 = 0.05, dropoutRate2 = 0.05, dropoutTime = 12, directionUpper = FALSE) with",
    "design = getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1, typeOfDesign =",
    "\"asOF\") (asOF) or getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.1, sided = 1,",
    "typeOfDesign = \"asOF\", typeBetaSpending = \"bsOF\", bindingFutility = FALSE) (asOF_bsOF):",
    "$overallReject, $rejectPerStage, $futilityPerStage, $expectedNumberOfEvents, $analysisTime,",
    "$studyDuration, $expectedNumberOfSubjects, $numberOfSubjects, $eventsPerStage;",
    "design$criticalValues, design$futilityBounds"),
  values = values)
