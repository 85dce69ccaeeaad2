# Oracle: symmetric two-sided group-sequential designs (rpact sided = 2, gsDesign test.type = 2)
# by rpact 3.3.4, for tests/it/oracle_boundaries_twosided.rs. Run from the repository root:
#   Rscript tests/r/oracle_boundaries_twosided.R > tests/data/oracles/boundaries-twosided.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# Each entry holds the inputs of one rpact::getDesignGroupSequential(sided = 2, ...) call (alpha
# is the two-sided level) and
#   z            $criticalValues (reject when |Z_k| >= z_k)
#   alpha_spent  $alphaSpent (cumulative, both sides)
#   stage_levels $stageLevels (one-sided nominal level 1 - Phi(z_k))
#   shift, inflation_factor  getDesignCharacteristics(d)$shift (the squared drift giving power
#                1 - beta to the upper crossing, twoSidedPower = FALSE) and $inflationFactor, when
#                beta is given
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

entry <- function(kind, timing, alpha = 0.05, beta = NA, delta = NULL, gamma = NULL,
                  user_alpha = NULL) {
  args <- list(kMax = length(timing), alpha = alpha, sided = 2, typeOfDesign = kind,
               informationRates = timing)
  if (!is.na(beta)) args$beta <- beta
  if (!is.null(delta)) args$deltaWT <- delta
  if (!is.null(gamma)) args$gammaA <- gamma
  if (!is.null(user_alpha)) args$userAlphaSpending <- user_alpha
  d <- do.call(getDesignGroupSequential, args)
  ch <- if (is.na(beta)) NULL else getDesignCharacteristics(d)
  list(
    kind = kind,
    timing = I(timing),
    alpha = alpha,
    beta = if (is.na(beta)) NULL else beta,
    delta = delta,
    gamma = gamma,
    user_alpha = if (is.null(user_alpha)) NULL else I(user_alpha),
    z = I(d$criticalValues),
    alpha_spent = I(d$alphaSpent),
    stage_levels = I(d$stageLevels),
    shift = if (is.null(ch)) NULL else ch$shift,
    inflation_factor = if (is.null(ch)) NULL else ch$inflationFactor
  )
}

values <- list(
  # Wang-Tsiatis shapes
  entry("OF", c(1, 2, 3) / 3),
  entry("OF", c(0.25, 0.5, 0.75, 1), beta = 0.2),
  entry("OF", c(0.3, 0.7, 1), alpha = 0.01, beta = 0.1),
  entry("P", c(1, 2, 3) / 3, beta = 0.2),
  entry("P", c(0.2, 0.5, 1)),
  entry("P", c(0.25, 0.5, 0.75, 1), alpha = 0.1, beta = 0.1),
  entry("WT", c(1, 2, 3) / 3, delta = 0.25, beta = 0.2),
  entry("WT", c(0.4, 0.7, 1), delta = 0.1),
  entry("WT", c(0.5, 1), delta = -0.2, alpha = 0.02),
  # spending functions
  entry("asOF", c(1, 2, 3) / 3, beta = 0.2),
  entry("asOF", c(0.2, 0.45, 0.8, 1)),
  entry("asOF", c(0.5, 1), alpha = 0.1, beta = 0.1),
  entry("asP", c(1, 2, 3) / 3, beta = 0.2),
  entry("asP", c(0.3, 0.6, 1), alpha = 0.02),
  entry("asKD", c(1, 2, 3) / 3, gamma = 2, beta = 0.2),
  entry("asKD", c(0.25, 0.5, 0.75, 1), gamma = 3),
  entry("asKD", c(0.4, 1), gamma = 1.5, alpha = 0.1),
  entry("asHSD", c(1, 2, 3) / 3, gamma = -4, beta = 0.2),
  entry("asHSD", c(0.3, 0.5, 0.9, 1), gamma = 1),
  entry("asHSD", c(0.5, 0.75, 1), gamma = -2, alpha = 0.01, beta = 0.1),
  entry("asUser", c(1, 2, 3) / 3, user_alpha = c(0.004, 0.02, 0.05), beta = 0.2),
  entry("asUser", c(0.3, 0.6, 1), user_alpha = c(0.001, 0.01, 0.05)),
  entry("asUser", c(0.25, 0.5, 0.75, 1), alpha = 0.1, user_alpha = c(0.01, 0.03, 0.06, 0.1))
)
cat(to_json(list(
  source = list(software = "rpact", version = as.character(packageVersion("rpact")),
                call = paste("rpact::getDesignGroupSequential(kMax = length(timing), alpha, beta,",
                             "sided = 2, typeOfDesign = kind, deltaWT = delta, gammaA = gamma,",
                             "userAlphaSpending = user_alpha, informationRates = timing);",
                             "getDesignCharacteristics(d)$shift, $inflationFactor")),
  values = values
)), "\n")
