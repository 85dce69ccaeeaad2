# rpact's own simulator on the rpact-equivalent trial of benches/replicate.rs, timed in the same
# session as enrichsim so that the two figures share the machine's state (a virtual machine's
# speed drifts). Run by benches/compare_rpact.sh; needs R with rpact (Debian: apt-get install -y
# --no-install-recommends r-base-core r-cran-rpact). Measured with rpact 3.3.4.
#
# Trial: control median 30 months, HR 0.7, 600 subjects accrued uniformly over 24 months, fixed
# design analysed at 300 events, one-sided alpha 0.025, log-rank; 10,000 replicates per timing.
suppressMessages(library(rpact))
design <- getDesignGroupSequential(kMax = 1, alpha = 0.025, sided = 1)
run <- function(n) {
  getSimulationSurvival(design, lambda2 = log(2) / 30, hazardRatio = 0.7,
    accrualTime = c(0, 24), maxNumberOfSubjects = 600, plannedEvents = 300,
    directionUpper = FALSE, maxNumberOfIterations = n, seed = 12345)
}
invisible(run(100)) # warm-up
t <- system.time(s <- run(10000))[["elapsed"]]
cat(sprintf("rpact %s: 10000 replicates in %.3f s = %.0f per second (power %.4f)\n",
  packageVersion("rpact"), t, 10000 / t, s$overallReject))
