# Oracle: rpact 3.3.4 Pampallona-Tsiatis designs (typeOfDesign = "PT", deltaPT1, deltaPT0), for
# tests/it/oracle_boundaries_pt.rs. Run from the repository root:
#   Rscript tests/r/oracle_boundaries_pt.R > tests/data/oracles/boundaries-pt.expected.json
# Needs R with rpact (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-rpact).
#
# The grid: K = 2, 3, 4 equally spaced looks x (deltaPT1, deltaPT0) = (0, 0), (0.5, 0.5),
# (0.25, 0.1) x binding or not x sided 1 (alpha 0.025) or 2 (alpha 0.05), beta 0.2 (K = 2, 4)
# or 0.1 (K = 3); and designs at unequal informationRates with other alpha, beta and shapes.
# Each entry holds the inputs of one getDesignGroupSequential call and
#   z            $criticalValues
#   futility     $futilityBounds (two-sided: the inner interval (-a_k, a_k); NA = none, a_k = 0)
#   alpha_spent  $alphaSpent (cumulative; two-sided: both sides; futility counted when binding)
#   beta_spent   $betaSpent (cumulative futility stopping under the design's drift)
#   power        $power (cumulative upper crossing under the design's drift)
# and of getDesignCharacteristics(design):
#   shift, inflation_factor, char_power ($power, cumulative), rejection
#   ($rejectionProbabilities per stage), futility_prob ($futilityProbabilities per interim).
suppressMessages(library(rpact))
source("tests/r/oracle_json.R")

entry <- function(group, timing, delta1, delta0, binding, sided, alpha, beta) {
  d <- getDesignGroupSequential(kMax = length(timing), typeOfDesign = "PT",
                                deltaPT1 = delta1, deltaPT0 = delta0,
                                bindingFutility = binding, sided = sided, alpha = alpha,
                                beta = beta, informationRates = timing)
  ch <- getDesignCharacteristics(d)
  list(
    group = group,
    timing = I(timing),
    delta_pt1 = delta1,
    delta_pt0 = delta0,
    binding = binding,
    sided = sided,
    alpha = alpha,
    beta = beta,
    z = I(d$criticalValues),
    futility = I(d$futilityBounds),
    alpha_spent = I(d$alphaSpent),
    beta_spent = I(d$betaSpent),
    power = I(d$power),
    shift = ch$shift,
    inflation_factor = ch$inflationFactor,
    char_power = I(as.vector(ch$power)),
    rejection = I(as.vector(ch$rejectionProbabilities)),
    futility_prob = I(as.vector(ch$futilityProbabilities))
  )
}

values <- list()
add <- function(...) values[[length(values) + 1]] <<- entry(...)
shapes <- list(c(0, 0), c(0.5, 0.5), c(0.25, 0.1))
for (k in 2:4) {
  for (s in shapes) {
    for (binding in c(FALSE, TRUE)) {
      for (sided in 1:2) {
        add("grid", (1:k) / k, s[1], s[2], binding, sided,
            alpha = if (sided == 1) 0.025 else 0.05, beta = if (k == 3) 0.1 else 0.2)
      }
    }
  }
}
add("unequal", c(0.3, 0.7, 1), 0.25, 0.1, FALSE, 1, 0.025, 0.2)
add("unequal", c(0.3, 0.7, 1), 0.25, 0.1, TRUE, 1, 0.025, 0.2)
add("unequal", c(0.25, 0.5, 0.8, 1), 0.1, 0.4, FALSE, 1, 0.05, 0.1)
add("unequal", c(0.25, 0.5, 0.8, 1), 0.1, 0.4, TRUE, 1, 0.05, 0.1)
add("unequal", c(0.4, 1), -0.25, 0.3, TRUE, 1, 0.01, 0.15)
add("unequal", c(0.3, 0.7, 1), 0.25, 0.1, FALSE, 2, 0.05, 0.2)
add("unequal", c(0.3, 0.7, 1), 0.25, 0.1, TRUE, 2, 0.05, 0.2)
add("unequal", c(0.2, 0.45, 0.75, 1), 0.4, 0, TRUE, 2, 0.1, 0.1)
add("unequal", c(0.5, 0.8, 1), 0, 0.5, FALSE, 2, 0.02, 0.25)

write_oracle(
  script = "tests/r/oracle_boundaries_pt.R",
  output = "tests/data/oracles/boundaries-pt.expected.json",
  calls = paste(
    "d <- rpact::getDesignGroupSequential(kMax = length(timing), typeOfDesign = 'PT',",
    "deltaPT1 = delta_pt1, deltaPT0 = delta_pt0, bindingFutility = binding, sided, alpha,",
    "beta, informationRates = timing): $criticalValues, $futilityBounds, $alphaSpent,",
    "$betaSpent, $power; ch <- rpact::getDesignCharacteristics(d): $shift, $inflationFactor,",
    "$power, $rejectionProbabilities, $futilityProbabilities"),
  notes = paste(
    "rpact solves c1 and c2 by bisection to its tolerance 1e-8 (bizero on [0, 10]) and reports",
    "the final alphaSpent floored to 1e-8. Two-sided: the futility bounds at 0 are reported NA",
    "(no inner interval at that look); the design's drift counts both outer crossings as power",
    "(its $power is the upper crossing's), while getDesignCharacteristics solves its shift so",
    "that the upper crossing alone has power 1 - beta at the design's bounds."),
  values = values)
