# Oracle: rpact 3.3.4 two-sided beta spending (sided = 2 with typeBetaSpending, bindingFutility,
# betaAdjustment) and designs whose final information rate is below 1, for
# tests/it/oracle_boundaries_twosided2.rs. Run from the repository root:
#   Rscript tests/r/oracle_boundaries_twosided2.R > tests/data/oracles/boundaries-twosided2.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# Each entry holds the inputs of one rpact::getDesignGroupSequential call and
#   z            $criticalValues
#   futility     $futilityBounds (two-sided: the inner interval (-a_k, a_k); NA = none)
#   alpha_spent  $alphaSpent (cumulative; two-sided: both sides)
#   beta_spent   $betaSpent (cumulative)
#   power        $power (cumulative upper crossing under the drift)
#   shift, inflation_factor  getDesignCharacteristics(d)$shift (squared drift), $inflationFactor
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

entry <- function(group, kind, timing, alpha, sided, beta = NA, beta_spending = NULL,
                  binding = FALSE, adjustment = TRUE, gamma = NULL, futility = NULL) {
  args <- list(kMax = length(timing), alpha = alpha, sided = sided, typeOfDesign = kind,
               informationRates = timing, bindingFutility = binding)
  if (!is.na(beta)) args$beta <- beta
  if (!is.null(beta_spending)) {
    args$typeBetaSpending <- beta_spending
    args$betaAdjustment <- adjustment
  }
  if (!is.null(gamma)) {
    args$gammaA <- gamma
    if (!is.null(beta_spending)) args$gammaB <- gamma
  }
  if (!is.null(futility)) args$futilityBounds <- futility
  d <- suppressWarnings(do.call(getDesignGroupSequential, args))
  ch <- if (is.na(beta)) NULL else suppressWarnings(getDesignCharacteristics(d))
  list(
    group = group,
    kind = kind,
    timing = I(timing),
    alpha = alpha,
    sided = sided,
    beta = if (is.na(beta)) NULL else beta,
    beta_spending = beta_spending,
    binding = binding,
    beta_adjustment = if (is.null(beta_spending)) NULL else adjustment,
    gamma = gamma,
    futility_z = if (is.null(futility)) NULL else I(futility),
    z = I(d$criticalValues),
    futility = if (is.null(beta_spending)) NULL else I(d$futilityBounds),
    alpha_spent = I(d$alphaSpent),
    beta_spent = if (is.null(beta_spending)) NULL else I(d$betaSpent),
    power = if (is.null(beta_spending)) NULL else I(d$power),
    shift = if (is.null(ch)) NULL else ch$shift,
    inflation_factor = if (is.null(ch)) NULL else ch$inflationFactor
  )
}

b2 <- function(kind, bs, timing, binding, adjustment, alpha = 0.05, beta = 0.2, gamma = NULL)
  entry("two_sided_beta", kind, timing, alpha, 2, beta = beta, beta_spending = bs,
        binding = binding, adjustment = adjustment, gamma = gamma)

values <- list(
  # two-sided beta spending: binding x betaAdjustment x (asOF/bsOF, asP/bsP), unequal timings
  b2("asOF", "bsOF", c(0.3, 0.6, 1), FALSE, TRUE),
  b2("asOF", "bsOF", c(0.3, 0.6, 1), FALSE, FALSE),
  b2("asOF", "bsOF", c(0.3, 0.6, 1), TRUE, TRUE),
  b2("asOF", "bsOF", c(0.3, 0.6, 1), TRUE, FALSE),
  b2("asP", "bsP", c(0.25, 0.6, 1), FALSE, TRUE),
  b2("asP", "bsP", c(0.25, 0.6, 1), FALSE, FALSE),
  b2("asP", "bsP", c(0.25, 0.6, 1), TRUE, TRUE),
  b2("asP", "bsP", c(0.25, 0.6, 1), TRUE, FALSE),
  # four looks: two looks without futility with bsOF, adjustment both ways
  b2("asOF", "bsOF", c(0.2, 0.4, 0.7, 1), FALSE, TRUE, beta = 0.1),
  b2("asOF", "bsOF", c(0.2, 0.4, 0.7, 1), TRUE, FALSE, beta = 0.1),
  b2("asKD", "bsKD", c(1, 2, 3, 4) / 4, FALSE, TRUE, gamma = 2),
  b2("asHSD", "bsHSD", c(0.3, 0.65, 1), TRUE, TRUE, alpha = 0.1, gamma = -2),
  # final information rate below 1 (alpha spent f(alpha, t_K) < alpha)
  entry("final_below_one", "asOF", c(0.3, 0.6, 0.9), 0.025, 1),
  entry("final_below_one", "asP", c(0.3, 0.6, 0.9), 0.025, 1, beta = 0.2),
  entry("final_below_one", "asKD", c(0.3, 0.6, 0.8), 0.025, 1, gamma = 2),
  entry("final_below_one", "asHSD", c(0.25, 0.5, 0.85), 0.025, 1, beta = 0.1, gamma = -4),
  entry("final_below_one", "asOF", c(0.3, 0.6, 0.8), 0.05, 2, beta = 0.2),
  entry("final_below_one", "asOF", c(0.3, 0.6, 0.8), 0.025, 1, binding = TRUE,
        futility = c(0, 0.5))
)
cat(to_json(list(
  source = list(software = "rpact", version = as.character(packageVersion("rpact")),
                call = paste("rpact::getDesignGroupSequential(kMax = length(timing), alpha, beta,",
                             "sided, typeOfDesign = kind, typeBetaSpending = beta_spending,",
                             "bindingFutility = binding, betaAdjustment = beta_adjustment,",
                             "gammaA = gamma, gammaB = gamma, futilityBounds = futility_z,",
                             "informationRates = timing); getDesignCharacteristics(d)")),
  values = values
)), "\n")
