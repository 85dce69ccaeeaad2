# Oracle: rpact's own Monte Carlo simulation of a survival trial, for tests/it/mc_rpact.rs and
# tests/it/mc_sequential.rs. Run from the repository root:
#   Rscript tests/r/oracle_simulation.R > tests/data/oracles/simulation.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# Control median 30 months, 300 subjects accrued uniformly over 24 months, 1:1, no dropout,
# HR 1.0, 0.7 and 0.6 (log-rank, one-sided alpha 0.025, directionUpper = FALSE: HR < 1 is
# efficacy), 10,000 replicates with seed 12345, for a fixed design analysed at 150 events and a
# 3-look asOF design at 50/100/150 events:
#   getSimulationSurvival(design, median2 = 30, hazardRatio = HR, directionUpper = FALSE,
#     plannedEvents = ..., maxNumberOfSubjects = 300, accrualTime = c(0, 24),
#     maxNumberOfIterations = 10000, seed = 12345)
#   power = $overallReject, reject_per_stage = $rejectPerStage, expected_events =
#   $expectedNumberOfEvents, expected_subjects = $expectedNumberOfSubjects, analysis_time =
#   $analysisTime (mean calendar time of each stage's analysis, over the replicates reaching it)
#   elapsed_s = system.time(...)[["elapsed"]] of that call: wall time, which depends on the
#   machine and its load (it is the only figure that changes from run to run; the seed makes
#   the others reproducible). One warm-up call of 100 replicates precedes the timed calls.
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

reps <- 10000
seed <- 12345
designs <- list(
  list(looks = 1, planned = 150,
       design = getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1)),
  list(looks = 3, planned = c(50, 100, 150),
       design = getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1,
                                         typeOfDesign = "asOF"))
)

simulate <- function(design, hr, planned, iterations) {
  getSimulationSurvival(design, median2 = 30, hazardRatio = hr, directionUpper = FALSE,
                        plannedEvents = planned, maxNumberOfSubjects = 300,
                        accrualTime = c(0, 24), maxNumberOfIterations = iterations,
                        seed = seed)
}

# The machine's state when timed: cores, and the load average (Linux) at the start.
load <- if (file.exists("/proc/loadavg")) {
  paste(strsplit(readLines("/proc/loadavg", n = 1), " ")[[1]][1:3], collapse = " ")
} else {
  "unknown"
}
machine <- sprintf("%d cores, load average %s at the start", parallel::detectCores(), load)

invisible(simulate(designs[[2]]$design, 0.7, designs[[2]]$planned, 100)) # warm-up

values <- list()
for (d in designs) {
  for (hr in c(1, 0.7, 0.6)) {
    elapsed <- system.time(s <- simulate(d$design, hr, d$planned, reps))[["elapsed"]]
    values[[length(values) + 1]] <- list(
      looks = d$looks,
      hazard_ratio = hr,
      dropout_per_year = 0,
      control_median = 30,
      subjects = 300,
      accrual_months = 24,
      planned_events = d$planned,
      reps = reps,
      power = s$overallReject,
      reject_per_stage = as.vector(s$rejectPerStage),
      expected_events = s$expectedNumberOfEvents,
      expected_subjects = s$expectedNumberOfSubjects,
      analysis_time = as.vector(s$analysisTime),
      elapsed_s = elapsed)
  }
}

write_oracle(
  script = "tests/r/oracle_simulation.R",
  output = "tests/data/oracles/simulation.expected.json",
  calls = paste(
    "rpact::getSimulationSurvival(design, median2 = 30, hazardRatio = HR, directionUpper = FALSE,",
    "plannedEvents = 150 or c(50, 100, 150), maxNumberOfSubjects = 300, accrualTime = c(0, 24),",
    "maxNumberOfIterations = 10000, seed = 12345) with design =",
    "rpact::getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1) or",
    "getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1, typeOfDesign = \"asOF\"):",
    "power = $overallReject, reject_per_stage = $rejectPerStage, expected_events =",
    "$expectedNumberOfEvents, expected_subjects = $expectedNumberOfSubjects, analysis_time =",
    "$analysisTime; elapsed_s = system.time() of the call, in seconds"),
  values = values,
  notes = paste(
    "Monte Carlo figures (10,000 replicates): compare within a few standard errors.",
    "elapsed_s is the wall time of each call, after a warm-up call, on the machine that ran",
    sprintf("this script (%s); it is not reproducible and not a statistic.", machine))
)
