# Oracle: asymmetric two-sided group-sequential designs (gsDesign's test.type 5 and 6: an upper
# bound spent with the alpha-spending function f, a lower bound spent under H0 with its own
# spending function g and total astar), for tests/it/oracle_asymmetric.rs. Run from the
# repository root:
#   Rscript tests/r/oracle_asymmetric.R > tests/data/oracles/asymmetric.expected.json
# Needs R with mnormt (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-mnormt).
#
# An independent method from enrichsim's recursive numerical integration: every probability is
# a multivariate normal rectangle probability of (Z_1, ..., Z_k), Z_j ~ N(theta sqrt(t_j), 1),
# cor(Z_i, Z_j) = sqrt(t_i / t_j) (i <= j), written by inclusion-exclusion over the 2^k corners
# as mnormt::pmnorm distribution functions (k <= 3 here: pmnorm then uses Genz's bivariate and
# trivariate algorithms, accurate to about 1e-14). Each bound is solved with uniroot to 1e-14 in z.
#
#   binding (test.type 5): at look k, with continuation a_j < Z_j < b_j for j < k,
#     P_0(cont., Z_k >= b_k) = f(alpha, t_k) - f(alpha, t_{k-1})   (last look: alpha - spent)
#     P_0(cont., Z_k <  a_k) = g(astar, t_k) - g(astar, t_{k-1})   (last look: astar - spent,
#                                                                  a_K = b_K when astar = 1 - alpha)
#   non-binding (test.type 6): the upper bounds of the one-sided design (continuation Z_j < b_j),
#     the lower bounds as above with both bounds stopping; with astar = 1 - alpha the lower
#     spending is rescaled by s = (1 - alpha') / astar, alpha' = P_0(upper crossing, both bounds
#     stopping), iterated to a fixed point (gsDesign's gsDType6), and a_K = b_K.
#   drift: P_theta(upper crossing, both bounds stopping) = power; inflation factor
#     (drift / (qnorm(1 - alpha) + qnorm(power)))^2.
# Each entry holds the inputs and
#   upper, lower                 the bounds b_k, a_k
#   upper_spent, lower_spent     cumulative P_0 of the upper and lower crossings, both bounds
#                                stopping
#   drift, inflation_factor
#   upper_h0, lower_h0, upper_h1, lower_h1   P(stop at look k at that bound) under H0 and the drift
suppressMessages(library(mnormt))
source("tests/r/oracle_json.R")

spend <- function(name, total, t, param = NA) {
  t <- pmin(t, 1)
  switch(name,
    asOF = 2 - 2 * pnorm(qnorm(1 - total / 2) / sqrt(t)),
    asP = total * log(1 + (exp(1) - 1) * t),
    asHSD = if (param == 0) total * t else total * (1 - exp(-param * t)) / (1 - exp(-param)),
    asKD = total * t^param
  )
}

# P(lo < Z < hi) for the first d looks, by inclusion-exclusion over pmnorm corners
rect <- function(lo, hi, timing, theta) {
  d <- length(lo)
  t <- timing[1:d]
  mu <- theta * sqrt(t)
  S <- outer(1:d, 1:d, function(i, j) sqrt(pmin(t[i], t[j]) / pmax(t[i], t[j])))
  hi[hi == Inf] <- 40
  total <- 0
  for (m in 0:(2^d - 1)) {
    use_lo <- bitwAnd(m, 2^(0:(d - 1))) > 0
    if (any(use_lo & lo == -Inf)) next
    x <- ifelse(use_lo, lo, hi)
    p <- if (d == 1) pnorm(x, mu, 1) else pmnorm(x, mu, S)
    total <- total + (-1)^sum(use_lo) * p
  }
  total
}

upper_at <- function(k, a, b, x, timing, theta) rect(c(a[seq_len(k - 1)], x), c(b[seq_len(k - 1)], Inf), timing, theta)
lower_at <- function(k, a, b, x, timing, theta) rect(c(a[seq_len(k - 1)], -Inf), c(b[seq_len(k - 1)], x), timing, theta)

solve_z <- function(f, target) {
  uniroot(function(x) f(x) - target, c(-10, 10), tol = 1e-14)$root
}

bounds <- function(timing, alpha, fu, fu_par, astar, fl, fl_par, binding, scale = 1) {
  K <- length(timing)
  rest <- astar >= 1 - alpha - 1e-12
  b <- numeric(K)
  a <- numeric(K)
  a1 <- rep(-Inf, K) # the one-sided design's continuation (non-binding upper bounds)
  t_prev <- 0
  for (k in 1:K) {
    t <- timing[k]
    last <- k == K
    up_target <- if (last) {
      alpha - sum(sapply(seq_len(K - 1), function(j) upper_at(j, if (binding) a else a1, b, b[j], timing, 0)))
    } else {
      spend(fu, alpha, t, fu_par) - spend(fu, alpha, t_prev, fu_par)
    }
    cont <- if (binding) a else a1
    b[k] <- solve_z(function(x) upper_at(k, cont, b, x, timing, 0), up_target)
    if (last && rest) {
      a[k] <- b[k]
    } else {
      lo_target <- if (last) {
        scale * astar - sum(sapply(seq_len(K - 1), function(j) lower_at(j, a, b, a[j], timing, 0)))
      } else {
        scale * (spend(fl, astar, t, fl_par) - spend(fl, astar, t_prev, fl_par))
      }
      a[k] <- if (lo_target <= 0) -8 else min(solve_z(function(x) lower_at(k, a, b, x, timing, 0), lo_target), b[k])
    }
    t_prev <- t
  }
  list(a = a, b = b)
}

exits <- function(a, b, timing, theta) {
  K <- length(timing)
  list(
    upper = sapply(1:K, function(k) upper_at(k, a, b, b[k], timing, theta)),
    lower = sapply(1:K, function(k) lower_at(k, a, b, a[k], timing, theta))
  )
}

entry <- function(type, timing, alpha, fu, fu_par, astar, fl, fl_par, power) {
  binding <- type == 5
  scale <- 1
  if (!binding && astar >= 1 - alpha - 1e-12) {
    for (i in 1:100) {
      bd <- bounds(timing, alpha, fu, fu_par, astar, fl, fl_par, binding, scale)
      alpha_actual <- sum(exits(bd$a, bd$b, timing, 0)$upper)
      nxt <- (1 - alpha_actual) / astar
      done <- abs(nxt - scale) <= 1e-14
      scale <- nxt
      if (done) break
    }
  }
  bd <- bounds(timing, alpha, fu, fu_par, astar, fl, fl_par, binding, scale)
  h0 <- exits(bd$a, bd$b, timing, 0)
  z_power <- qnorm(power)
  fixed <- qnorm(1 - alpha) + z_power
  drift <- uniroot(function(th) sum(exits(bd$a, bd$b, timing, th)$upper) - power,
                   c(fixed * 0.9, fixed * 1.5), tol = 1e-13)$root
  h1 <- exits(bd$a, bd$b, timing, drift)
  list(
    test_type = type,
    timing = I(timing),
    alpha = alpha,
    upper_spending = fu,
    upper_param = if (is.na(fu_par)) NULL else fu_par,
    lower_spending = fl,
    lower_param = if (is.na(fl_par)) NULL else fl_par,
    lower_alpha = astar,
    power = power,
    upper = I(bd$b),
    lower = I(bd$a),
    upper_spent = I(cumsum(h0$upper)),
    lower_spent = I(cumsum(h0$lower)),
    lower_scale = scale,
    drift = drift,
    inflation_factor = (drift / fixed)^2,
    upper_h0 = I(h0$upper),
    lower_h0 = I(h0$lower),
    upper_h1 = I(h1$upper),
    lower_h1 = I(h1$lower)
  )
}

designs <- list(
  entry(5, c(1, 2, 3) / 3, 0.025, "asOF", NA, 0.01, "asOF", NA, 0.9),
  entry(6, c(1, 2, 3) / 3, 0.025, "asOF", NA, 0.01, "asOF", NA, 0.9),
  entry(5, c(0.3, 0.6, 1), 0.025, "asHSD", -4, 0.975, "asHSD", -2, 0.9),
  entry(6, c(0.3, 0.6, 1), 0.025, "asHSD", -4, 0.975, "asHSD", -2, 0.9),
  entry(5, c(0.5, 1), 0.025, "asP", NA, 0.1, "asKD", 2, 0.8),
  entry(6, c(0.4, 0.75, 1), 0.025, "asKD", 3, 0.05, "asP", NA, 0.85),
  entry(6, c(0.5, 1), 0.025, "asOF", NA, 0.975, "asOF", NA, 0.9),
  entry(5, c(0.25, 0.5, 1), 0.05, "asP", NA, 0.2, "asHSD", 1, 0.9)
)

out <- list(
  source = list(
    software = sprintf("R %s, mnormt %s", paste(R.version$major, R.version$minor, sep = "."),
                       as.character(packageVersion("mnormt"))),
    script = "tests/r/oracle_asymmetric.R",
    calls = "bounds solved by uniroot(tol = 1e-14) on multivariate normal rectangle probabilities, inclusion-exclusion over mnormt::pmnorm(x, mean = theta sqrt(t), varcov = sqrt(t_i / t_j)) corners (Genz's bivariate and trivariate algorithms, k <= 3); the drift by uniroot(tol = 1e-13); see the script's header for the rules (gsDesign's test.type 5 and 6)",
    regenerate = "Rscript tests/r/oracle_asymmetric.R > tests/data/oracles/asymmetric.expected.json",
    debian_packages = "r-base-core r-cran-mnormt"
  ),
  values = list(designs = designs)
)
cat(to_json(out), "\n", sep = "")
