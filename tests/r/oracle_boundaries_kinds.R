# Oracle: the design kinds asUser, bsUser, HP, noEarlyEfficacy and WToptimum by rpact, for
# tests/it/oracle_boundaries_kinds.rs. Run from the repository root:
#   Rscript tests/r/oracle_boundaries_kinds.R > tests/data/oracles/boundaries-kinds.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# Each entry holds the inputs of one rpact::getDesignGroupSequential(sided = 1, ...) call and
#   z            $criticalValues (Inf, written null: no early efficacy stop)
#   futility     $futilityBounds (interim looks only; null when the design has no futility)
#   alpha_spent  $alphaSpent (cumulative)
#   delta_wt     $deltaWT (WToptimum only; rpact rounds it to 3 decimals)
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

entry <- function(kind, timing, alpha = 0.025, beta = NA, user_alpha = NULL, user_beta = NULL,
                  hp_bound = NULL, futility_z = NULL, beta_spending = NULL, binding = FALSE,
                  criterion = NULL) {
  args <- list(kMax = length(timing), alpha = alpha, sided = 1, typeOfDesign = kind,
               informationRates = timing, bindingFutility = binding)
  if (!is.na(beta)) args$beta <- beta
  if (!is.null(user_alpha)) args$userAlphaSpending <- user_alpha
  if (!is.null(hp_bound)) args$constantBoundsHP <- hp_bound
  if (!is.null(futility_z)) args$futilityBounds <- futility_z
  if (!is.null(beta_spending)) args$typeBetaSpending <- beta_spending
  if (!is.null(user_beta)) args$userBetaSpending <- user_beta
  if (!is.null(criterion)) args$optimizationCriterion <- criterion
  d <- do.call(getDesignGroupSequential, args)
  has_futility <- !is.null(futility_z) || !is.null(beta_spending)
  list(
    kind = kind,
    timing = I(timing),
    alpha = alpha,
    beta = if (is.na(beta)) NULL else beta,
    user_alpha = if (is.null(user_alpha)) NULL else I(user_alpha),
    user_beta = if (is.null(user_beta)) NULL else I(user_beta),
    hp_bound = hp_bound,
    futility_z = if (is.null(futility_z)) NULL else I(futility_z),
    beta_spending = beta_spending,
    binding = binding,
    criterion = criterion,
    z = I(d$criticalValues),
    futility = if (has_futility) I(d$futilityBounds) else NULL,
    alpha_spent = I(d$alphaSpent),
    delta_wt = if (kind == "WToptimum") d$deltaWT else NULL
  )
}

values <- list(
  # asUser: efficacy only, at several timings and alphas
  entry("asUser", c(1, 2, 3) / 3, user_alpha = c(0.002, 0.01, 0.025)),
  entry("asUser", c(0.3, 0.6, 1), user_alpha = c(0.001, 0.01, 0.025)),
  entry("asUser", c(0.25, 0.5, 0.75, 1), alpha = 0.05, user_alpha = c(0.005, 0.015, 0.03, 0.05)),
  entry("asUser", c(0.5, 1), alpha = 0.01, user_alpha = c(0.004, 0.01)),
  # asUser with fixed binding futility
  entry("asUser", c(0.3, 0.6, 1), user_alpha = c(0.001, 0.01, 0.025), futility_z = c(0, 0.5),
        binding = TRUE),
  # bsUser futility, non-binding and binding
  entry("asUser", c(0.3, 0.6, 1), beta = 0.2, user_alpha = c(0.001, 0.01, 0.025),
        beta_spending = "bsUser", user_beta = c(0.05, 0.1, 0.2)),
  entry("asUser", c(0.3, 0.6, 1), beta = 0.2, user_alpha = c(0.001, 0.01, 0.025),
        beta_spending = "bsUser", user_beta = c(0.05, 0.1, 0.2), binding = TRUE),
  entry("asOF", c(0.25, 0.5, 0.75, 1), beta = 0.1, beta_spending = "bsUser",
        user_beta = c(0.01, 0.03, 0.06, 0.1)),
  entry("asP", c(0.4, 1), alpha = 0.05, beta = 0.2, beta_spending = "bsUser",
        user_beta = c(0.08, 0.2), binding = TRUE),
  # Haybittle-Peto
  entry("HP", c(1, 2) / 2),
  entry("HP", c(1, 2, 3) / 3),
  entry("HP", c(0.25, 0.5, 0.75, 1), alpha = 0.05),
  entry("HP", c(0.3, 0.7, 1), hp_bound = 2.5),
  entry("HP", c(1, 2, 3) / 3, futility_z = c(0, 0), binding = TRUE),
  entry("HP", c(0.3, 0.7, 1), hp_bound = 3.5, futility_z = c(-0.5, 0.5), binding = TRUE),
  # no early efficacy
  entry("noEarlyEfficacy", c(1, 2, 3) / 3),
  entry("noEarlyEfficacy", c(1, 2, 3) / 3, futility_z = c(0, 0.5), binding = TRUE),
  entry("noEarlyEfficacy", c(0.4, 1), alpha = 0.05, futility_z = 0.2, binding = TRUE),
  entry("noEarlyEfficacy", c(1, 2, 3) / 3, beta = 0.2, beta_spending = "bsOF"),
  entry("noEarlyEfficacy", c(0.3, 0.6, 1), beta = 0.1, beta_spending = "bsP", binding = TRUE),
  # optimal Wang-Tsiatis
  entry("WToptimum", c(1, 2, 3) / 3, beta = 0.2),
  entry("WToptimum", c(1, 2) / 2, beta = 0.2),
  entry("WToptimum", c(0.25, 0.5, 0.75, 1), beta = 0.1),
  entry("WToptimum", c(1, 2, 3) / 3, beta = 0.2, criterion = "ASNIFH1"),
  entry("WToptimum", c(1, 2, 3) / 3, beta = 0.2, criterion = "ASNsum"),
  entry("WToptimum", c(0.3, 0.6, 1), alpha = 0.05, beta = 0.1, criterion = "ASNsum"),
  entry("WToptimum", c(0.5, 1), beta = 0.1, criterion = "ASNIFH1")
)

write_oracle(
  script = "tests/r/oracle_boundaries_kinds.R",
  output = "tests/data/oracles/boundaries-kinds.expected.json",
  calls = paste(
    "rpact::getDesignGroupSequential(kMax = length(timing), alpha, beta, sided = 1,",
    "typeOfDesign = kind (asUser | asOF | asP | HP | noEarlyEfficacy | WToptimum),",
    "informationRates = timing, userAlphaSpending = user_alpha, constantBoundsHP = hp_bound,",
    "futilityBounds = futility_z, typeBetaSpending = beta_spending, userBetaSpending = user_beta,",
    "bindingFutility = binding, optimizationCriterion = criterion): z = $criticalValues,",
    "futility = $futilityBounds, alpha_spent = $alphaSpent, delta_wt = $deltaWT"),
  values = values,
  notes = paste(
    "Inf critical values (no early efficacy) are written null; absent inputs are null",
    "(rpact's defaults: constantBoundsHP = 3, optimizationCriterion = ASNH1);",
    "rpact reports the final cumulative alpha as 0.02499999 (its tolerance) for most designs")
)
