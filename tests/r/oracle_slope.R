# Oracle: nlme's REML linear mixed model for the decline of a score (random intercept and slope
# per patient), for tests/it/oracle_slope.rs and src/analysis/function/slope.rs.
# Run from the repository root:
#   Rscript tests/r/oracle_slope.R > tests/data/oracles/slope.expected.json
# It also (re)writes the three data sets it fits (long format: id, arm, stratum, time, score):
#   tests/data/oracles/slope-orthodont.csv  nlme's Orthodont: 27 children, distance (mm) at ages
#                                           8, 10, 12, 14; time = age - 8 (years, baseline 0);
#                                           arm: Male = control (R's reference level), Female =
#                                           treatment; stratum 0 for all
#   tests/data/oracles/slope-als.csv        simulated ALS-like trial (seed 20240611): 200 patients
#                                           1:1, strata 0/1/2, visits every 3 months to 18,
#                                           baseline ~ N(38, 5^2) (+ a stratum offset), patient
#                                           slope ~ N(mu, 0.5^2) with mu = -1 in control and
#                                           -0.75 in treatment (25% slower), times a stratum
#                                           factor 0.8 / 1.0 / 1.3, noise SD 2; scores rounded
#                                           and clamped to 0..48; each patient's visits stop at
#                                           an exponential death/dropout time (mean 30 months),
#                                           so some lose their later visits and some keep only
#                                           the baseline
#   tests/data/oracles/slope-tiny.csv       8 patients (4 per arm), visits at 0, 1, 2, 3, integer
#                                           scores written in this script (hand-checkable: with
#                                           balanced complete data the REML estimates are the
#                                           moment estimates from per-patient least squares)
# Needs R with nlme (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-nlme).
#
# Calls (arm a factor with levels control, treatment; stratum a factor, levels in ascending order):
#   lme(score ~ time * arm, random = ~ time | id, data, method = "REML", control = ctl)
#   lme(score ~ time * arm + stratum * time, random = ~ time | id, ...)   (ALS data only)
# with ctl = lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, niterEM = 100,
# tolerance = 1e-12, msTol = 1e-16, opt = "optim") (BFGS; optim's reltol is msTol on the first
# iteration, 100 x machine epsilon after). nlme's defaults (nlminb, rel.tol 1e-10) stop about
# 5e-6 relative from the optimum (sigma on Orthodont), and nlminb with a tighter rel.tol fails
# with "singular convergence": the REML surface is flat (a change of 5e-6 in sigma moves
# logLik by 3e-9), so an optimiser of function values alone finds the parameters to 1e-7 or
# 1e-6 (6.3e-7 for d[2,2] on Orthodont, under 1e-7 on the other fits).
# Each fit is checked by this script's own dense REML (every V_i built and solved, no use of
# nlme's internals): its log-likelihood at nlme's estimate equals nlme's logLik to 1e-9, and a
# Newton polish of it (finite differences over the log-Cholesky factor of D / sigma^2) from
# nlme's estimate moves no reported value by more than 1e-5 relative (the covariance d[1,2]
# relative to sqrt(d[1,1] d[2,2]): on the ALS data it is near 0); the largest change is printed
# to stderr and written as `polish_rel_change`. The polished values are written too
# (`polished`): the same optimum found more tightly, for a closer comparison.
#
# Values per fit: fixed (fixef, in nlme's order, named), fixed_se (sqrt(diag(vcov))), d
# (getVarCov, 2x2 by rows), sigma2 (sigma^2), log_reml (logLik), n_obs, n_patients,
# polish_rel_change and polished (the same from the dense REML after the polish); als_counts:
# patients, those with only a baseline, those complete, patients per stratum. 15 significant
# digits.
suppressMessages(library(nlme))
source("tests/r/oracle_json.R")

ctl <- lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 10000, niterEM = 100,
                  tolerance = 1e-12, msTol = 1e-16, opt = "optim")

write_long <- function(d, path) {
  lines <- c("id,arm,stratum,time,score",
             paste(d$id, d$arm, d$stratum, format_num(d$time), format_num(d$score), sep = ","))
  writeLines(lines, path)
}
format_num <- function(x) sub("\\.?0+$", "", sprintf("%.10f", x))

read_long <- function(path) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  d$arm <- factor(d$arm, levels = c("control", "treatment"))
  d$stratum <- factor(d$stratum)
  d$id <- factor(d$id, levels = unique(d$id))
  d
}

# --- the data sets -------------------------------------------------------------------------
o <- as.data.frame(Orthodont)
orthodont <- data.frame(
  id = as.integer(factor(as.character(o$Subject), levels = unique(as.character(o$Subject)))),
  arm = ifelse(o$Sex == "Female", "treatment", "control"),
  stratum = 0, time = o$age - 8, score = o$distance)
write_long(orthodont, "tests/data/oracles/slope-orthodont.csv")

set.seed(20240611)
n <- 200
rows <- list()
for (i in seq_len(n)) {
  treated <- i %% 2 == 0
  s <- sample(0:2, 1)
  base <- rnorm(1, 38 + c(1, 0, -2)[s + 1], 5)
  slope <- rnorm(1, (if (treated) -0.75 else -1) * c(0.8, 1.0, 1.3)[s + 1], 0.5)
  stop_at <- rexp(1, 1 / 30)
  times <- seq(0, 18, by = 3)
  times <- times[times == 0 | times <= stop_at]
  score <- pmin(48, pmax(0, round(base + slope * times + rnorm(length(times), 0, 2))))
  rows[[i]] <- data.frame(id = i, arm = if (treated) "treatment" else "control",
                          stratum = s, time = times, score = score)
}
als <- do.call(rbind, rows)
write_long(als, "tests/data/oracles/slope-als.csv")

tiny_scores <- rbind(
  c(40, 40, 39, 39), c(44, 42, 39, 37), c(35, 34, 32, 32), c(41, 38, 36, 32),
  c(39, 39, 38, 39), c(43, 41, 40, 37), c(37, 35, 35, 34), c(42, 42, 40, 41))
tiny <- data.frame(id = rep(1:8, each = 4),
                   arm = rep(rep(c("control", "treatment"), each = 4), each = 4),
                   stratum = 0, time = rep(0:3, 8), score = c(t(tiny_scores)))
write_long(tiny, "tests/data/oracles/slope-tiny.csv")

# --- this script's own dense REML, to check nlme's convergence ------------------------------
# -2 log L_R(beta-hat, theta) with D = sigma^2 L L', L = [[e^a, 0], [c, e^b]], sigma^2 profiled:
#   (N - p) (log(2 pi) + 1 + log s2) + sum_i log|I + Z_i L L' Z_i'| + log|X' Vt^-1 X|,
#   s2 = r' Vt^-1 r / (N - p), Vt = I + Z L L' Z' (block diagonal).
dense_reml <- function(theta, X, y, Z, groups) {
  L <- matrix(c(exp(theta[1]), theta[2], 0, exp(theta[3])), 2)
  Delta <- L %*% t(L)
  p <- ncol(X); N <- length(y)
  Fm <- matrix(0, p, p); cv <- numeric(p); yv <- 0; ld <- 0
  for (g in groups) {
    Zi <- Z[g, , drop = FALSE]; Xi <- X[g, , drop = FALSE]
    Vt <- diag(length(g)) + Zi %*% Delta %*% t(Zi)
    Vi <- solve(Vt)
    Fm <- Fm + t(Xi) %*% Vi %*% Xi
    cv <- cv + t(Xi) %*% Vi %*% y[g]
    yv <- yv + sum(y[g] * (Vi %*% y[g]))
    ld <- ld + as.numeric(determinant(Vt)$modulus)
  }
  beta <- solve(Fm, cv)
  q <- yv - sum(cv * beta)
  s2 <- q / (N - p)
  m2ll <- (N - p) * (log(2 * pi) + 1 + log(s2)) + ld + as.numeric(determinant(Fm)$modulus)
  list(m2ll = m2ll, beta = c(beta), se = sqrt(diag(solve(Fm)) * s2), s2 = s2,
       d = s2 * Delta)
}

theta_of <- function(d, s2) {
  L <- t(chol(d / s2))
  c(log(L[1, 1]), L[2, 1], log(L[2, 2]))
}

fit <- function(data, formula) {
  f <- lme(formula, random = ~ time | id, data = data, method = "REML", control = ctl)
  X <- model.matrix(formula, data)
  Z <- cbind(1, data$time)
  groups <- split(seq_len(nrow(data)), data$id)
  d <- unclass(getVarCov(f))
  d <- matrix(c(d), 2)
  s2 <- f$sigma^2
  theta <- theta_of(d, s2)
  here <- dense_reml(theta, X, data$score, Z, groups)
  ll <- c(logLik(f))
  stopifnot(abs(-here$m2ll / 2 - ll) < 1e-9 * abs(ll))
  # Newton polish of the dense REML: gradient by the five-point central difference (error
  # O(h^4)), Hessian by central differences, step h = 1e-3 on the log-Cholesky scale
  obj <- function(t) dense_reml(t, X, data$score, Z, groups)$m2ll
  h <- 1e-3
  for (it in 1:4) {
    g <- numeric(3); H <- matrix(0, 3, 3); f0 <- obj(theta)
    for (k in 1:3) {
      ek <- replace(numeric(3), k, h)
      fp <- obj(theta + ek); fm <- obj(theta - ek)
      g[k] <- (8 * (fp - fm) - (obj(theta + 2 * ek) - obj(theta - 2 * ek))) / (12 * h)
      H[k, k] <- (fp - 2 * f0 + fm) / h^2
      for (l in seq_len(k - 1)) {
        el <- replace(numeric(3), l, h)
        H[k, l] <- H[l, k] <- (obj(theta + ek + el) - obj(theta + ek - el) -
                                 obj(theta - ek + el) + obj(theta - ek - el)) / (4 * h^2)
      }
    }
    theta <- theta - solve(H, g)
  }
  polished <- dense_reml(theta, X, data$score, Z, groups)
  rel <- function(a, b) max(abs(a - b) / pmax(abs(b), 1e-300))
  change <- max(rel(polished$beta, fixef(f)), rel(polished$se, sqrt(diag(vcov(f)))),
                rel(polished$s2, s2), rel(diag(polished$d), diag(d)),
                abs(polished$d[1, 2] - d[1, 2]) / sqrt(d[1, 1] * d[2, 2]),
                abs(polished$m2ll / 2 + ll) / abs(ll))
  message(sprintf("%s: polish changes the values by %.2e relative, logLik by %.2e",
                  deparse(formula), change, -polished$m2ll / 2 - ll))
  stopifnot(change < 1e-5)
  fx <- fixef(f)
  list(
    fixed_names = I(names(fx)),
    fixed = I(unname(fx)),
    fixed_se = I(unname(sqrt(diag(vcov(f))))),
    d = list(I(d[1, ]), I(d[2, ])),
    sigma2 = s2,
    log_reml = ll,
    n_obs = nrow(data),
    n_patients = nlevels(data$id),
    polish_rel_change = change,
    polished = list(fixed = I(polished$beta), fixed_se = I(polished$se),
                    d = list(I(polished$d[1, ]), I(polished$d[2, ])), sigma2 = polished$s2,
                    log_reml = -polished$m2ll / 2)
  )
}

unstratified <- score ~ time * arm
stratified <- score ~ time * arm + stratum * time

od <- read_long("tests/data/oracles/slope-orthodont.csv")
ad <- read_long("tests/data/oracles/slope-als.csv")
td <- read_long("tests/data/oracles/slope-tiny.csv")

per_patient <- function(d) {
  first <- !duplicated(d$id)
  list(patients = nlevels(d$id),
       baseline_only = sum(table(d$id) == 1),
       complete = sum(table(d$id) == 7),
       stratum_patients = I(as.numeric(table(d$stratum[first]))))
}

values <- list(
  orthodont = fit(od, unstratified),
  als = fit(ad, unstratified),
  als_stratified = fit(ad, stratified),
  tiny = fit(td, unstratified),
  als_counts = per_patient(ad)
)

write_oracle(
  script = "tests/r/oracle_slope.R",
  output = "tests/data/oracles/slope.expected.json",
  calls = paste(
    "writes tests/data/oracles/slope-{orthodont,als,tiny}.csv, reads them back (arm a factor,",
    "control the reference; stratum a factor); nlme::lme(score ~ time * arm [+ stratum * time],",
    "random = ~ time | id, method = \"REML\", control = lmeControl(maxIter = 1000, msMaxIter =",
    "1000, msMaxEval = 10000, niterEM = 100, tolerance = 1e-12, msTol = 1e-16, opt = \"optim\")):",
    "fixef, sqrt(diag(vcov)), getVarCov, sigma^2, logLik"),
  values = values,
  notes = paste(
    "nlme's default tolerances stop about 5e-6 relative from the optimum; tightened (BFGS), and",
    "checked against the script's own dense REML (log-likelihood equal at nlme's estimate; a",
    "Newton polish changes no value by more than polish_rel_change)."),
  packages = "nlme",
  debian = "r-base-core r-cran-nlme"
)
