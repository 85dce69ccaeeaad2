# Reference values for tests/it/oracle_weighted.rs, computed with R 4.2.2 and survival 3.5-3,
# mvtnorm 1.1-3 (Debian bookworm: apt-get install r-base-core r-cran-survival r-cran-mvtnorm).
# Run from the project root:  Rscript tests/r/nph_oracle.R tests/data/oracles/survival-dataset1.csv
# The printed numbers are pasted into tests/it/oracle_weighted.rs with this script's name.
suppressMessages(library(survival))
suppressMessages(library(mvtnorm))
options(digits = 17)
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
d$trt <- as.integer(d$arm == "treatment")

# FH(rho, 0): survdiff's rho uses the pooled left-continuous Kaplan-Meier S(t-)^rho, within
# stratum for the stratified form. z = (E - O) / sqrt(V) for the treatment arm.
z_survdiff <- function(f, rho) {
  s <- survdiff(f, data = d, rho = rho)
  (s$exp[2] - s$obs[2]) / sqrt(s$var[2, 2])
}
cat("survdiff_rho0_z", z_survdiff(Surv(months, death) ~ arm, 0), "\n")
cat("survdiff_rho1_z", z_survdiff(Surv(months, death) ~ arm, 1), "\n")
cat("survdiff_rho1_strat_z", z_survdiff(Surv(months, death) ~ arm + strata(pnfh_stratum), 1), "\n")

# FH(rho, gamma) for any gamma, from survfit's pooled curve (as nph::logrank.test does):
# weights S(t-)^rho (1 - S(t-))^gamma at the distinct event times.
fh <- function(dd, rho, gamma) {
  fit <- survfit(Surv(months, death) ~ 1, data = dd)
  tt <- fit$time[fit$n.event > 0]
  sl <- c(1, head(fit$surv, -1))[fit$n.event > 0]      # S(t-)
  w <- sl^rho * (1 - sl)^gamma
  n1 <- sapply(tt, function(t) sum(dd$months >= t & dd$trt == 1))
  n  <- sapply(tt, function(t) sum(dd$months >= t))
  d1 <- sapply(tt, function(t) sum(dd$months == t & dd$death == 1 & dd$trt == 1))
  dt <- sapply(tt, function(t) sum(dd$months == t & dd$death == 1))
  v <- ifelse(n > 1, n1 * (n - n1) * dt * (n - dt) / (n^2 * (n - 1)), 0)
  c(u = sum(w * (dt * n1 / n - d1)), v = sum(w^2 * v), w = list(w), vv = list(v))
}
for (rg in list(c(0, 0), c(0, 1), c(1, 0), c(1, 1), c(0.5, 2))) {
  r <- fh(d, rg[1], rg[2])
  cat(sprintf("fh_%g_%g_z", rg[1], rg[2]), r$u / sqrt(r$v), "\n")
  us <- 0; vs <- 0
  for (s in unique(d$pnfh_stratum)) {
    rs <- fh(d[d$pnfh_stratum == s, ], rg[1], rg[2]); us <- us + rs$u; vs <- vs + rs$v
  }
  cat(sprintf("stratified_fh_%g_%g_z", rg[1], rg[2]), us / sqrt(vs), "\n")
}

# MaxCombo of FH(0,0), FH(0,1), FH(1,0), FH(1,1): correlation sum w_i w_j V / sqrt(V_i V_j),
# p = 1 - P(all Z_k < z_max). pmvnorm's default GenzBretz (randomised lattice) is only good to
# about 1e-8 here whatever abseps says, so the 4-d probability is computed by conditioning on
# the first component, P = int_{-inf}^{zmax} phi(x) P(Z_2..4 < zmax | Z_1 = x) dx, the inner
# trivariate probability by mvtnorm's TVPACK (Genz's exact trivariate algorithm), the outer
# integral by integrate() to rel.tol 1e-12.
comps <- list(c(0, 0), c(0, 1), c(1, 0), c(1, 1))
W <- sapply(comps, function(rg) fh(d, rg[1], rg[2])$w)
V <- fh(d, 0, 0)$vv
z <- sapply(comps, function(rg) { r <- fh(d, rg[1], rg[2]); r$u / sqrt(r$v) })
C <- t(W) %*% diag(V) %*% W
R <- cov2cor(C)
zmax <- max(z)
cond4 <- function(b, R) {
  s <- sqrt(1 - R[1, -1]^2)
  Rc <- (R[-1, -1] - outer(R[1, -1], R[1, -1])) / outer(s, s)
  f <- function(x) sapply(x, function(x1) dnorm(x1) *
    pmvnorm(upper = (b[-1] - R[1, -1] * x1) / s, corr = Rc, algorithm = TVPACK(abseps = 1e-14)))
  integrate(f, -Inf, b[1], rel.tol = 1e-12, abs.tol = 1e-15)$value
}
cat("maxcombo_zmax", zmax, "\n")
cat("maxcombo_p", 1 - cond4(rep(zmax, 4), R), "\n")
cat("maxcombo_corr", R[upper.tri(R)], "\n")

# RMST to tau = 18 per arm: print.survfit's restricted mean and its standard error
# (survival's survmean: variance sum over event times t_j <= tau of A_j^2 d_j / (n_j (n_j - d_j)),
# A_j the area under the curve from t_j to tau, the same formula as survRM2::rmst2).
fit <- survfit(Surv(months, death) ~ arm, data = d)
tab <- summary(fit, rmean = 18)$table
cat("rmst18_control", tab["arm=control", "rmean"], "\n")
cat("rmst18_treatment", tab["arm=treatment", "rmean"], "\n")
cat("rmst18_se_control", tab["arm=control", "se(rmean)"], "\n")
cat("rmst18_se_treatment", tab["arm=treatment", "se(rmean)"], "\n")

# Survival at 12 months per arm with the Greenwood standard error.
s12 <- summary(fit, times = 12)
cat("surv12_control", s12$surv[1], "\n")
cat("surv12_treatment", s12$surv[2], "\n")
cat("surv12_se_control", s12$std.err[1], "\n")
cat("surv12_se_treatment", s12$std.err[2], "\n")

# Closed forms and reference values for the multivariate normal.
cat("bvn_1_2_0.5", pmvnorm(upper = c(1, 2), corr = matrix(c(1, .5, .5, 1), 2)), "\n")
cat("bvn_-1_0.3_-0.7", pmvnorm(upper = c(-1, 0.3), corr = matrix(c(1, -.7, -.7, 1), 2)), "\n")
cat("bvn_2_2_0.95", pmvnorm(upper = c(2, 2), corr = matrix(c(1, .95, .95, 1), 2)), "\n")
cat("bvn_0.5_0.4_0.999", pmvnorm(upper = c(0.5, 0.4), corr = matrix(c(1, .999, .999, 1), 2)), "\n")
R3 <- matrix(c(1, .9, .3, .9, 1, .6, .3, .6, 1), 3)
cat("tvn_2.1_1.9_2.3", pmvnorm(upper = c(2.1, 1.9, 2.3), corr = R3, algorithm = TVPACK(abseps = 1e-14)), "\n")
R4 <- matrix(c(1, .83, .97, .9, .83, 1, .69, .97, .97, .69, 1, .79, .9, .97, .79, 1), 4)
cat("qvn_2.2_2.0_2.4_2.1", cond4(c(2.2, 2.0, 2.4, 2.1), R4), "\n")
