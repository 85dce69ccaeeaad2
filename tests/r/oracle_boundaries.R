# Oracle: group-sequential boundaries by rpact, for tests/it/oracle_boundaries.rs (and tests/it/cli.rs).
# Run from the repository root:
#   Rscript tests/r/oracle_boundaries.R > tests/data/oracles/boundaries.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# One-sided alpha 0.025, K = 2..5 equally spaced looks (informationRates k / K), for each of
# O'Brien-Fleming (OF), Pocock (P), Lan-DeMets O'Brien-Fleming-type spending (asOF) and
# Pocock-type spending (asP):
#   z            getDesignGroupSequential(...)$criticalValues
#   alpha_spent  getDesignGroupSequential(...)$alphaSpent (cumulative; rpact reports the final
#                value as 0.02499999 for most designs: its root-finding tolerance)
#   inflation_80 getDesignCharacteristics(design with beta = 0.2)$inflationFactor
#   inflation_90 getDesignCharacteristics(design with beta = 0.1)$inflationFactor
# After the 16 designs, asOF and asP with K = 3 appear a second time (identical values), as in
# the file's first version, so that the rows keep their order.
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

design <- function(type, looks, beta) {
  getDesignGroupSequential(kMax = looks, alpha = 0.025, beta = beta, sided = 1,
                           typeOfDesign = type, informationRates = (1:looks) / looks)
}

row <- function(type, looks) {
  d80 <- design(type, looks, 0.2)
  d90 <- design(type, looks, 0.1)
  # the boundaries do not depend on beta (no futility bounds)
  stopifnot(isTRUE(all.equal(d80$criticalValues, d90$criticalValues, tolerance = 1e-14)),
            isTRUE(all.equal(d80$alphaSpent, d90$alphaSpent, tolerance = 1e-14)))
  list(
    type = type,
    looks = looks,
    gamma = NULL,
    timing = I(d80$informationRates),
    z = I(d80$criticalValues),
    alpha_spent = I(d80$alphaSpent),
    inflation_80 = getDesignCharacteristics(d80)$inflationFactor,
    inflation_90 = getDesignCharacteristics(d90)$inflationFactor
  )
}

cases <- c(unlist(lapply(2:5, function(k) lapply(c("OF", "P", "asOF", "asP"),
                                                   function(t) list(t, k))), recursive = FALSE),
           list(list("asOF", 3), list("asP", 3)))
values <- lapply(cases, function(cs) row(cs[[1]], cs[[2]]))

write_oracle(
  script = "tests/r/oracle_boundaries.R",
  output = "tests/data/oracles/boundaries.expected.json",
  calls = paste(
    "rpact::getDesignGroupSequential(kMax = K, alpha = 0.025, beta = 0.2 or 0.1, sided = 1,",
    "typeOfDesign = \"OF\" | \"P\" | \"asOF\" | \"asP\", informationRates = (1:K) / K):",
    "z = $criticalValues, alpha_spent = $alphaSpent (cumulative), timing = $informationRates;",
    "inflation_80 / inflation_90 = rpact::getDesignCharacteristics(design)$inflationFactor",
    "with beta = 0.2 / 0.1; K = 2..5, then asOF and asP with K = 3 repeated"),
  values = values,
  notes = paste(
    "rpact reports the final cumulative alpha as 0.02499999 for most designs (its tolerance);",
    "the design's alpha is 0.025")
)
