# Oracle: classical survival statistics on tests/data/oracles/survival-dataset1.csv by the
# survival package, for tests/it/oracle_survival.rs (and tests/it/cli.rs). Run from the repository root:
#   Rscript tests/r/oracle_survival.R > tests/data/oracles/survival-dataset1.expected.json
# Needs R with survival (Debian: apt-get install -y --no-install-recommends r-base-core
# r-cran-survival).
#
# Data d = read.csv(...), arm a factor with control as the reference level:
#   logrank_*            survdiff(Surv(months, death) ~ arm, d): $chisq, $pvalue, and
#                        z = (E - O) / sqrt(V) for the treatment arm (z > 0 favours treatment)
#   stratified_logrank_* survdiff(Surv(months, death) ~ arm + strata(pnfh_stratum), d): the same,
#                        O, E summed over the strata and V the treatment arm's variance
#   cox_*                coxph(Surv(months, death) ~ arm [+ strata(pnfh_stratum)], d,
#                        ties = "breslow" | "efron"): hr = exp(coef), lower / upper = the 95%
#                        Wald CI of summary()$conf.int, se_log_hr = se(coef), wald_p =
#                        summary()$coefficients[, "Pr(>|z|)"], score_chisq = $score (score test),
#                        loglik = $loglik[2] (log partial likelihood at the estimate)
#   km_median            survfit(Surv(months, death) ~ arm, d): median per arm
# No two deaths share a time in this data set, so Breslow and Efron agree exactly.
suppressMessages(library(survival))
source("tests/r/oracle_json.R")

d <- read.csv("tests/data/oracles/survival-dataset1.csv", stringsAsFactors = FALSE)
d$arm <- factor(d$arm, levels = c("control", "treatment"))

# z for the treatment arm (the factor's second level), summed over strata if any
logrank <- function(fit) {
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  expd <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  z <- unname((expd[2] - obs[2]) / sqrt(fit$var[2, 2]))
  stopifnot(abs(z^2 / fit$chisq - 1) < 1e-10)
  list(chisq = fit$chisq, p = fit$pvalue, z = z)
}

cox <- function(formula, ties) {
  fit <- coxph(formula, data = d, ties = ties)
  s <- summary(fit)
  list(
    hr = unname(exp(coef(fit))),
    lower = unname(s$conf.int[1, "lower .95"]),
    upper = unname(s$conf.int[1, "upper .95"]),
    se_log_hr = unname(sqrt(vcov(fit)[1, 1])),
    wald_p = unname(s$coefficients[1, "Pr(>|z|)"]),
    score_chisq = unname(fit$score),
    loglik = fit$loglik[2]
  )
}

lr <- logrank(survdiff(Surv(months, death) ~ arm, data = d))
slr <- logrank(survdiff(Surv(months, death) ~ arm + strata(pnfh_stratum), data = d))
unstratified <- Surv(months, death) ~ arm
stratified <- Surv(months, death) ~ arm + strata(pnfh_stratum)
km <- summary(survfit(Surv(months, death) ~ arm, data = d))$table[, "median"]

values <- list(
  n = nrow(d),
  events = sum(d$death),
  logrank_chisq = lr$chisq,
  logrank_p = lr$p,
  logrank_z = lr$z,
  stratified_logrank_chisq = slr$chisq,
  stratified_logrank_p = slr$p,
  stratified_logrank_z = slr$z,
  cox_breslow = cox(unstratified, "breslow"),
  cox_efron = cox(unstratified, "efron"),
  cox_efron_stratified = cox(stratified, "efron"),
  cox_breslow_stratified = cox(stratified, "breslow"),
  km_median = list(control = unname(km["arm=control"]),
                   treatment = unname(km["arm=treatment"]))
)

write_oracle(
  script = "tests/r/oracle_survival.R",
  output = "tests/data/oracles/survival-dataset1.expected.json",
  calls = paste(
    "d <- read.csv(\"tests/data/oracles/survival-dataset1.csv\"), arm a factor with control as",
    "reference; survival::survdiff(Surv(months, death) ~ arm [+ strata(pnfh_stratum)], d):",
    "$chisq, $pvalue, z = (E - O) / sqrt(V) of the treatment arm (O, E summed over strata;",
    "z > 0 favours treatment); survival::coxph(Surv(months, death) ~ arm [+",
    "strata(pnfh_stratum)], d, ties = \"breslow\" | \"efron\"): exp(coef), summary()$conf.int",
    "95% limits, se(coef), Wald p, $score, $loglik[2]; survival::survfit(Surv(months, death) ~",
    "arm, d): median per arm"),
  values = values,
  packages = "survival"
)
