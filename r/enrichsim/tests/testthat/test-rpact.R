# es_boundaries against rpact's getDesignGroupSequential (when rpact is installed).
# rpact solves its bounds to its own tolerance (1e-8 in alpha), hence 1e-6 on z.

skip_if_not_installed("rpact")

test_that("asOF, asP and HSD(-4) efficacy bounds equal rpact's", {
  for (case in list(list("asOF", NULL), list("asP", NULL), list("asHSD", -4))) {
    b <- es_boundaries(looks = 3, spending = case[[1]], gamma = case[[2]], alpha = 0.025)
    d <- if (is.null(case[[2]])) {
      rpact::getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1,
        typeOfDesign = case[[1]])
    } else {
      rpact::getDesignGroupSequential(kMax = 3, alpha = 0.025, sided = 1,
        typeOfDesign = case[[1]], gammaA = case[[2]])
    }
    expect_equal(b$z, d$criticalValues, tolerance = 1e-6, label = case[[1]])
    expect_equal(b$alpha_spent[1:2], d$alphaSpent[1:2], tolerance = 1e-6, label = case[[1]])
    expect_equal(b$nominal_p, d$stageLevels, tolerance = 1e-6, label = case[[1]])
  }
})

test_that("asOF with beta-spending futility (non-binding) equals rpact's", {
  b <- es_boundaries(looks = 3, spending = "asOF", alpha = 0.025, power = 0.8,
    futility = "asOF")
  d <- rpact::getDesignGroupSequential(kMax = 3, alpha = 0.025, beta = 0.2, sided = 1,
    typeOfDesign = "asOF", typeBetaSpending = "bsOF", bindingFutility = FALSE)
  expect_equal(b$z, d$criticalValues, tolerance = 1e-6)
  expect_equal(b$futility_z[1:2], d$futilityBounds, tolerance = 1e-6)
  expect_equal(b$inflation_factor,
    rpact::getDesignCharacteristics(d)$inflationFactor, tolerance = 1e-5)
})
