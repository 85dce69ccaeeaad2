# Oracle: the MMRM of change from baseline in ALSFRS-R (unstructured covariance over the visits,
# REML) by nlme's gls, and the ANCOVA at one visit by lm, for tests/it/oracle_mmrm.rs.
# Run from the repository root:
#   Rscript tests/r/oracle_mmrm.R > tests/data/oracles/mmrm.expected.json
# It also (re)writes the data sets tests/data/oracles/mmrm-dataset1.csv and mmrm-dataset2.csv.
# Needs R with nlme (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-nlme).
#
# Data (long format, columns id, arm (1 treatment, 0 control), stratum (0/1/2), time (months),
# score; one row per visit attended, the baseline at time 0 first):
#   dataset1  seed 20240611: 200 patients 1:1, two strata, visits every 3 months to 12;
#             true baseline b ~ N(38, 5^2), slope s ~ N(-1, 0.5^2) points per month (x 0.75 on
#             treatment, x 1.3 in stratum 1), score = clamp(round(b + s t + e), 0, 48),
#             e ~ N(0, 2^2); death/dropout ~ exponential (about 30% gone by 12 months, monotone),
#             and each visit before it missed with probability 0.05 (intermittent).
#   dataset2  seed 777: 300 patients 1:1, three strata, visits every 2 months to 12 (6 visits);
#             b ~ N(36, 6^2), slope ~ N(-0.9, 0.4^2) (x 0.7 on treatment), AR(1) noise with
#             correlation 0.85 between successive visits and SD growing from 2 to 3.5 (strong
#             serial correlation, unequal variances); monotone dropout (about 35% by 12 months)
#             and 4% intermittent misses.
#
# The MMRM at visit time `at` uses the post-baseline visits at times <= at, their categories the
# distinct times (vis = 1..J in time order); chg = score - baseline score, base = baseline score;
# patients without a post-baseline visit up to `at` are dropped:
#   gls(chg ~ 0 + visit + visit:base + visit:arm [+ visit:stratum], data,
#       correlation = corSymm(form = ~ vis | id), weights = varIdent(form = ~ 1 | visit),
#       method = "REML", control = glsControl(tolerance = 1e-12, msMaxIter = 1000,
#       maxIter = 1000, apVar = FALSE))
# with visit = factor(vis), arm numeric 0/1, stratum = factor(stratum) (lowest level the
# reference). nlminb (gls's optimiser) stops at a relative change of 1e-10 in the objective, which
# leaves the estimates about 1e-5 relative from the optimum (glsControl cannot tighten it, and
# nlminb's rel.tol below 1e-10 ends in "singular convergence"); so the fit is gls_polished, a
# copy of nlme's gls whose one change is three Newton steps (central-difference gradient and
# Hessian, h = 1e-4) on gls's own objective -logLik(glsSt, pars) from nlminb's optimum. The
# values are nlme's own (glsEstimate, varBeta, getVarCov, logLik) at the polished parameters;
# the script checks the last Newton step changed no parameter by more than 1e-7, and records
# per fit (`polish`) nlminb's logLik, the gain and nlminb's treatment effect.
# Values per fit: coef (by visit j: mu_j, base_j, arm_j[, stratum levels 2.. _j]), the treatment
# effect at the last visit `difference` (= arm_J) and its model-based SE (sqrt of varBeta, as
# summary.gls reports), z = difference / se, sigma (the J x J covariance, getVarCov of a patient
# seen at every visit, row by row), log_reml (logLik(fit), REML), the LS means at `at`
# (mu_J + base_J mean(base) [+ stratum effects at the mean of their indicators] [+ arm_J]),
# patients and observations used. The script checks logLik against the REML log-likelihood
# written out by hand: -(N - p)/2 log(2 pi) - 1/2 sum_i log|Sigma_i| - 1/2 log|X'V^-1 X|
# - 1/2 r'V^-1 r.
# ANCOVA at `at`: lm(chg ~ base + arm [+ stratum]) on the patients seen at `at` (complete cases):
# the arm coefficient, its SE, the LS means, logLik(fit, REML = TRUE).
suppressMessages(library(nlme))
source("tests/r/oracle_json.R")

clamp <- function(x) pmin(48, pmax(0, x))

write_data <- function(d, path) {
  d <- d[order(d$id, d$time), ]
  lines <- c("id,arm,stratum,time,score",
             paste(d$id, d$arm, d$stratum, d$time, d$score, sep = ","))
  writeLines(lines, path)
}

dataset1 <- function() {
  set.seed(20240611)
  n <- 200
  times <- c(0, 3, 6, 9, 12)
  arm <- rep(c(1, 0), n / 2)
  stratum <- rbinom(n, 1, 0.5)
  b <- rnorm(n, 38, 5)
  s <- rnorm(n, -1, 0.5) * ifelse(arm == 1, 0.75, 1) * ifelse(stratum == 1, 1.3, 1)
  gone <- rexp(n, 0.03)
  rows <- list()
  for (i in seq_len(n)) {
    for (t in times) {
      if (t > 0 && (t > gone[i] || runif(1) < 0.05)) next
      rows[[length(rows) + 1]] <- data.frame(
        id = i, arm = arm[i], stratum = stratum[i], time = t,
        score = clamp(round(b[i] + s[i] * t + rnorm(1, 0, 2))))
    }
  }
  do.call(rbind, rows)
}

dataset2 <- function() {
  set.seed(777)
  n <- 300
  times <- seq(0, 12, by = 2)
  arm <- rep(c(1, 0), n / 2)
  stratum <- sample(0:2, n, replace = TRUE)
  b <- rnorm(n, 36, 6)
  s <- rnorm(n, -0.9, 0.4) * ifelse(arm == 1, 0.7, 1) + 0.15 * stratum
  sds <- seq(2, 3.5, length.out = length(times))
  gone <- rexp(n, 0.036)
  rows <- list()
  for (i in seq_len(n)) {
    e <- numeric(length(times))
    e[1] <- rnorm(1)
    for (k in 2:length(times)) e[k] <- 0.85 * e[k - 1] + sqrt(1 - 0.85^2) * rnorm(1)
    for (k in seq_along(times)) {
      t <- times[k]
      if (t > 0 && (t > gone[i] || runif(1) < 0.04)) next
      rows[[length(rows) + 1]] <- data.frame(
        id = i, arm = arm[i], stratum = stratum[i], time = t,
        score = clamp(round(b[i] + s[i] * t + sds[k] * e[k])))
    }
  }
  do.call(rbind, rows)
}

# The analysis data at `at`: post-baseline rows at times <= at with chg and base.
analysis_data <- function(d, at) {
  base <- d[d$time == 0, c("id", "score")]
  names(base)[2] <- "base"
  a <- merge(d[d$time > 0 & d$time <= at, ], base, by = "id")
  a$chg <- a$score - a$base
  a <- a[order(a$id, a$time), ]
  a$vis <- match(a$time, sort(unique(a$time)))
  a$visit <- factor(a$vis)
  a$stratum <- factor(a$stratum)
  a
}

# REML log-likelihood written out by hand, for the check of logLik.
reml_by_hand <- function(a, X, beta, Sigma) {
  r <- a$chg - c(X %*% beta)
  ll <- 0
  XtVX <- matrix(0, ncol(X), ncol(X))
  for (id in unique(a$id)) {
    k <- which(a$id == id)
    S <- Sigma[a$vis[k], a$vis[k], drop = FALSE]
    Si <- solve(S)
    ll <- ll - 0.5 * determinant(S)$modulus - 0.5 * sum(r[k] * (Si %*% r[k]))
    XtVX <- XtVX + t(X[k, , drop = FALSE]) %*% Si %*% X[k, , drop = FALSE]
  }
  as.numeric(ll - 0.5 * determinant(XtVX)$modulus - (nrow(X) - ncol(X)) / 2 * log(2 * pi))
}

control <- glsControl(tolerance = 1e-12, msMaxIter = 1000, maxIter = 1000, apVar = FALSE)

# Newton's method on gls's own objective, -logLik(glsSt, pars) (the REML criterion in nlme's
# parameters of corSymm and varIdent), with central-difference gradient and Hessian (step h):
# nlminb stops at a relative change of 1e-10 in the objective, about 1e-5 relative in the
# parameters here. Returns the parameters; the last step's largest change is kept in `polish_log`.
polish_log <- new.env()
newton_polish <- function(par, fn, steps = 3, h = 1e-4) {
  k <- length(par)
  unit <- function(i) replace(numeric(k), i, h)
  polish_log$before <- -fn(par)
  for (s in seq_len(steps)) {
    f0 <- fn(par)
    g <- numeric(k)
    H <- matrix(0, k, k)
    for (i in seq_len(k)) {
      fp <- fn(par + unit(i))
      fm <- fn(par - unit(i))
      g[i] <- (fp - fm) / (2 * h)
      H[i, i] <- (fp - 2 * f0 + fm) / h^2
      for (j in seq_len(i - 1)) {
        H[i, j] <- H[j, i] <- (fn(par + unit(i) + unit(j)) - fn(par + unit(i) - unit(j)) -
                               fn(par - unit(i) + unit(j)) + fn(par - unit(i) - unit(j))) /
          (4 * h^2)
      }
    }
    delta <- solve(H, g)
    par <- par - delta
  }
  polish_log$last_step <- max(abs(delta))
  polish_log$after <- -fn(par)
  par
}

# nlme's gls with newton_polish applied to nlminb's optimum (the only change: the line
# `coef(glsSt) <- optRes$par` of gls's source); everything reported (beta, varBeta, logLik,
# getVarCov) is then nlme's own computation at the polished parameters.
gls_source <- deparse(nlme::gls)
at_line <- grep("coef(glsSt) <- optRes$par", gls_source, fixed = TRUE)
stopifnot(length(at_line) == 1)
gls_source[at_line] <- sub("optRes$par", "newton_polish(optRes$par, function(p) -logLik(glsSt, p))",
                           gls_source[at_line], fixed = TRUE)
gls_polished <- eval(parse(text = gls_source))
environment(gls_polished) <- asNamespace("nlme")

mmrm_fit <- function(d, at, stratified) {
  a <- analysis_data(d, at)
  J <- max(a$vis)
  f <- if (stratified) chg ~ 0 + visit + visit:base + visit:arm + visit:stratum
       else chg ~ 0 + visit + visit:base + visit:arm
  plain <- gls(f, data = a, correlation = corSymm(form = ~ vis | id),
               weights = varIdent(form = ~ 1 | visit), method = "REML", control = control)
  fit <- gls_polished(f, data = a, correlation = corSymm(form = ~ vis | id),
                      weights = varIdent(form = ~ 1 | visit), method = "REML", control = control)
  ll0 <- as.numeric(logLik(fit))
  # gls's objective omits the constant of the profiled sigma: compare gains.
  gain <- polish_log$after - polish_log$before
  stopifnot(gain >= 0, abs(ll0 - as.numeric(logLik(plain)) - gain) < 1e-9 * abs(ll0),
            polish_log$last_step < 1e-7)
  polish <- list(loglik_nlminb = as.numeric(logLik(plain)), loglik_gain = gain,
                 last_newton_step = polish_log$last_step,
                 difference_nlminb = coef(plain)[[paste0("visit", J, ":arm")]])
  levels_s <- levels(a$stratum)
  names_j <- function(j) c(paste0("visit", j), paste0("visit", j, ":base"),
                           paste0("visit", j, ":arm"),
                           if (stratified) paste0("visit", j, ":stratum", levels_s[-1]))
  coef_names <- unlist(lapply(seq_len(J), names_j))
  beta <- coef(fit)[coef_names]
  stopifnot(!anyNA(beta))
  complete <- names(which(table(a$id) == J))
  Sigma <- unclass(getVarCov(fit, individual = complete[1]))
  dimnames(Sigma) <- NULL
  X <- model.matrix(f, a)[, coef_names]
  by_hand <- reml_by_hand(a, X, beta, Sigma)
  stopifnot(abs(by_hand - ll0) < 1e-8 * abs(ll0))
  arm_name <- paste0("visit", J, ":arm")
  se <- sqrt(fit$varBeta[arm_name, arm_name])
  first <- !duplicated(a$id)
  zbar <- mean(a$base[first])
  control_mean <- beta[[paste0("visit", J)]] + beta[[paste0("visit", J, ":base")]] * zbar
  if (stratified) {
    for (l in levels_s[-1]) {
      control_mean <- control_mean +
        beta[[paste0("visit", J, ":stratum", l)]] * mean(a$stratum[first] == l)
    }
  }
  list(
    at = at, stratified = stratified, visits = J,
    patients = length(unique(a$id)), observations = nrow(a),
    difference = beta[[arm_name]], se = se, z = beta[[arm_name]] / se,
    treatment_mean = control_mean + beta[[arm_name]], control_mean = control_mean,
    log_reml = ll0, coef = I(unname(beta)), sigma = I(c(t(Sigma))), polish = polish
  )
}

ancova_fit <- function(d, at, stratified) {
  a <- analysis_data(d, at)
  a <- a[a$time == at, ]
  fit <- if (stratified) lm(chg ~ base + arm + stratum, data = a) else lm(chg ~ base + arm, data = a)
  b <- coef(fit)
  zbar <- mean(a$base)
  control_mean <- b[["(Intercept)"]] + b[["base"]] * zbar
  if (stratified) {
    for (l in levels(a$stratum)[-1]) {
      control_mean <- control_mean + b[[paste0("stratum", l)]] * mean(a$stratum == l)
    }
  }
  se <- summary(fit)$coefficients["arm", "Std. Error"]
  list(
    at = at, stratified = stratified, patients = nrow(a),
    difference = b[["arm"]], se = se, z = b[["arm"]] / se,
    treatment_mean = control_mean + b[["arm"]], control_mean = control_mean,
    log_reml = as.numeric(logLik(fit, REML = TRUE)), coef = I(unname(b))
  )
}

d1 <- dataset1()
d2 <- dataset2()
write_data(d1, "tests/data/oracles/mmrm-dataset1.csv")
write_data(d2, "tests/data/oracles/mmrm-dataset2.csv")
d1 <- read.csv("tests/data/oracles/mmrm-dataset1.csv")
d2 <- read.csv("tests/data/oracles/mmrm-dataset2.csv")

fits <- list(
  dataset1_at12 = mmrm_fit(d1, 12, FALSE),
  dataset1_at12_stratified = mmrm_fit(d1, 12, TRUE),
  dataset1_at6 = mmrm_fit(d1, 6, FALSE),
  dataset2_at12 = mmrm_fit(d2, 12, FALSE),
  dataset2_at12_stratified = mmrm_fit(d2, 12, TRUE),
  dataset2_at8 = mmrm_fit(d2, 8, FALSE)
)
values <- list(
  mmrm = fits,
  ancova = list(
    dataset1_at12 = ancova_fit(d1, 12, FALSE),
    dataset1_at12_stratified = ancova_fit(d1, 12, TRUE),
    dataset2_at12_stratified = ancova_fit(d2, 12, TRUE)
  )
)

write_oracle(
  script = "tests/r/oracle_mmrm.R",
  output = "tests/data/oracles/mmrm.expected.json",
  calls = paste(
    "writes tests/data/oracles/mmrm-dataset{1,2}.csv (seeds 20240611 and 777, see the",
    "script's header); at `at`: chg = score - baseline, base = baseline, post-baseline visits",
    "at times <= at, vis their index, visit = factor(vis), arm 0/1 numeric, stratum a factor;",
    "nlme::gls(chg ~ 0 + visit + visit:base + visit:arm [+ visit:stratum], correlation =",
    "corSymm(form = ~ vis | id), weights = varIdent(form = ~ 1 | visit), method = \"REML\",",
    "control = glsControl(tolerance = 1e-12, msMaxIter = 1000, maxIter = 1000, apVar =",
    "FALSE)), polished by Newton steps (see notes): coef, sqrt(varBeta) of visitJ:arm, getVarCov(fit, individual = a patient seen",
    "at every visit), logLik; lm(chg ~ base + arm [+ stratum]) on the patients seen at `at`:",
    "coef, SE of arm, logLik(fit, REML = TRUE)"),
  values = values,
  notes = paste(
    "gls's nlminb stops at 1e-10 relative change of the objective (estimates about 1e-5",
    "relative from the optimum); the fits are polished by three Newton steps on gls's own",
    "objective inside a copy of gls (gls_polished), the values nlme's own at the polished",
    "parameters: `polish` holds nlminb's logLik and treatment effect, the gain in logLik",
    "and the last Newton step (below 1e-7 in every parameter). logLik equals the REML",
    "log-likelihood written out by hand (checked by the script to 1e-8 relative). LS means",
    "at the mean baseline (and the mean stratum indicators) of the patients used."),
  packages = "nlme",
  debian = "r-base-core r-cran-nlme"
)
