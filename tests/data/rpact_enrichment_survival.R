# Reference values for tests/it/mc_adaptive_rpact.rs: rpact's own simulation of two-stage adaptive
# enrichment designs with a survival endpoint. Run with
#   Rscript tests/data/rpact_enrichment_survival.R > tests/data/rpact_enrichment_survival.json
# (R 4.2.2, rpact 3.3.4, mnormt 2.1.1, Debian builds; about 40 minutes on one core).
suppressMessages(library(rpact))
iterations <- as.integer(Sys.getenv("ITER", "40000"))
seed <- 20251126
design <- getDesignInverseNormal(kMax = 2, typeOfDesign = "noEarlyEfficacy",
                                 informationRates = c(0.5, 1), alpha = 0.025)
cases <- list(
  list(hr = c(1.0, 1.0), selection = "rBest", r = 1, eps = NA, test = "Bonferroni"),
  list(hr = c(1.0, 1.0), selection = "rBest", r = 1, eps = NA, test = "Simes"),
  list(hr = c(1.0, 1.0), selection = "rBest", r = 1, eps = NA, test = "SpiessensDebois"),
  list(hr = c(0.7, 1.0), selection = "rBest", r = 1, eps = NA, test = "Bonferroni"),
  list(hr = c(0.7, 1.0), selection = "rBest", r = 1, eps = NA, test = "Simes"),
  list(hr = c(0.7, 1.0), selection = "rBest", r = 1, eps = NA, test = "SpiessensDebois"),
  list(hr = c(0.75, 0.85), selection = "rBest", r = 1, eps = NA, test = "Simes"),
  list(hr = c(0.75, 0.85), selection = "epsilon", r = NA, eps = 0.1, test = "SpiessensDebois")
)
num <- function(x) paste0("[", paste(sprintf("%.6f", x), collapse = ", "), "]")
cat("{\n")
cat(sprintf('  "software": "%s, rpact %s, mnormt %s",\n', R.version.string,
            packageVersion("rpact"), packageVersion("mnormt")))
cat('  "design": "getDesignInverseNormal(kMax = 2, typeOfDesign = \\"noEarlyEfficacy\\", informationRates = c(0.5, 1), alpha = 0.025)",\n')
cat(sprintf('  "iterations": %d,\n  "seed": %d,\n', iterations, seed))
cat('  "prevalences": [0.6, 0.4],\n  "planned_events": [150, 300],\n  "cases": [\n')
for (i in seq_along(cases)) {
  cs <- cases[[i]]
  args <- list(design = design,
    effectList = list(subGroups = c("S", "R"), prevalences = c(0.6, 0.4),
                      hazardRatios = matrix(cs$hr, ncol = 2)),
    intersectionTest = cs$test, typeOfSelection = cs$selection,
    effectMeasure = "effectEstimate", directionUpper = FALSE,
    plannedEvents = c(150, 300), maxNumberOfIterations = iterations, seed = seed)
  if (!is.na(cs$r)) args$rValue <- cs$r
  if (!is.na(cs$eps)) args$epsilonValue <- cs$eps
  t0 <- Sys.time()
  s <- suppressWarnings(do.call(getSimulationEnrichmentSurvival, args))
  secs <- as.numeric(Sys.time() - t0, units = "secs")
  rej <- s$rejectedPopulationsPerStage  # [stage, 1, population]
  call <- sprintf(paste0("getSimulationEnrichmentSurvival(design, effectList = list(subGroups = c(\\\"S\\\", \\\"R\\\"), ",
    "prevalences = c(0.6, 0.4), hazardRatios = matrix(c(%s, %s), ncol = 2)), intersectionTest = \\\"%s\\\", ",
    "typeOfSelection = \\\"%s\\\", %s, effectMeasure = \\\"effectEstimate\\\", directionUpper = FALSE, ",
    "plannedEvents = c(150, 300), maxNumberOfIterations = %d, seed = %d)"),
    cs$hr[1], cs$hr[2], cs$test, cs$selection,
    if (!is.na(cs$r)) sprintf("rValue = %d", cs$r) else sprintf("epsilonValue = %s", cs$eps),
    iterations, seed)
  cat("    {\n")
  cat(sprintf('      "call": "%s",\n', call))
  cat(sprintf('      "hazard_ratios": %s,\n', num(cs$hr)))
  cat(sprintf('      "selection": "%s", "r": %s, "epsilon": %s,\n', cs$selection,
              ifelse(is.na(cs$r), "null", cs$r), ifelse(is.na(cs$eps), "null", cs$eps)))
  cat(sprintf('      "intersection_test": "%s",\n', cs$test))
  cat(sprintf('      "reject_S": %.6f,\n      "reject_F": %.6f,\n', sum(rej[, 1, 1]), sum(rej[, 1, 2])))
  cat(sprintf('      "reject_per_stage_S": %s,\n      "reject_per_stage_F": %s,\n',
              num(rej[, 1, 1]), num(rej[, 1, 2])))
  cat(sprintf('      "reject_at_least_one": %.6f,\n', s$rejectAtLeastOne))
  cat(sprintf('      "selected_S": %.6f,\n      "selected_F": %.6f,\n',
              s$selectedPopulations[2, 1, 1], s$selectedPopulations[2, 1, 2]))
  cat(sprintf('      "seconds": %.1f\n', secs))
  cat(if (i < length(cases)) "    },\n" else "    }\n")
}
cat("  ]\n}\n")
