# Oracle: R's timefix (survival's aeqSurv) on near-tied times, for tests/it/oracle_timefix.rs.
# Run from the repository root:
#   Rscript tests/r/oracle_timefix.R > tests/data/oracles/timefix.expected.json
# It also (re)writes the data set tests/data/oracles/timefix-dataset.csv. Needs R with survival
# (Debian: apt-get install -y --no-install-recommends r-base-core r-cran-survival).
#
# survdiff, coxph and survfit merge times that are equal within a tolerance before anything
# else (timefix = TRUE, the default; coxph through coxph.control(timefix =)). aeqSurv(y) takes
# the sorted unique finite times u, marks a gap tied when
#   diff(u) <= tol  or  diff(u) / mean(abs(u)) <= tol,   tol = sqrt(.Machine$double.eps),
# and maps every time to the first time of its run of tied gaps (a chain of small gaps merges
# even when its ends are further apart than tol).
#
# The data set: two strata (a, b), in each 24 patients from a seeded generator (times in months
# to 2 decimals, 1:1, about 70% deaths) and groups of near-tied times written with 12
# significant digits:
#   - 8.25, 14.5, 21.75: three treated deaths at t, three control deaths at t (1 + 1e-10);
#   - a treated patient censored at 27.5 (1 - 1e-10), a control death at 27.5;
#   - a chain 33.1, 33.1000002, 33.1000004 (gaps 2e-7, below tol x mean time = 3.0e-7; the ends
#     4e-7 apart): all three become 33.1;
#   - 40.25 and 40.250001 (1e-6 apart, above the tolerance): kept apart.
# Merged (timefix = TRUE) the log-rank z is positive (favours treatment); kept apart (timefix =
# FALSE) the treated deaths of each group come first and the sign flips, unstratified and
# stratified; the script stops if that is no longer so. The seed (44) was chosen for it.
#
# Values, each for timefix = TRUE (`timefix`) and FALSE (`no_timefix`), arm a factor with control
# as the reference level:
#   logrank, stratified_logrank   survdiff(Surv(months, death) ~ arm [+ strata(stratum)], d):
#                                 chisq, p, z = (E - O) / sqrt(V) for the treatment arm (z > 0
#                                 favours treatment). survival 3.5-3's survdiff(timefix = FALSE)
#                                 fails ("variable lengths differ (found for '(timefix)')"), so
#                                 FALSE is computed on the ranks of the times (the statistic
#                                 depends on the times only through their order: the same data
#                                 with no two times merged)
#   cox_{efron,breslow}[_stratified]  coxph(..., ties, control = coxph.control(timefix)): hr,
#                                 95% CI, se of log hr, Wald p, score chi-square, log partial
#                                 likelihood (for FALSE checked against the ranks, which must
#                                 give the same fit)
#   km_median                     survfit(Surv(months, death) ~ arm, d, timefix): per arm
# and `times_read` (the time column as read.csv read it), `times_fixed` (aeqSurv's times),
# `aeq_cases` (a few more vectors through aeqSurv, for the absolute tolerance, zeros,
# duplicates and large times). Numbers are printed with 17 significant digits, so every double
# is exact.
suppressMessages(library(survival))
source("tests/r/oracle_json.R")
json_digits <- 17

csv_path <- "tests/data/oracles/timefix-dataset.csv"

near_tied <- function(s) {
  later <- function(x) sprintf("%.12g", as.numeric(x) * (1 + 1e-10))
  earlier <- function(x) sprintf("%.12g", as.numeric(x) * (1 - 1e-10))
  rbind(
    do.call(rbind, lapply(c("8.25", "14.5", "21.75"), function(t) data.frame(
      months = c(rep(t, 3), rep(later(t), 3)), death = 1,
      arm = rep(c("treatment", "control"), each = 3), stratum = s))),
    data.frame(months = c(earlier("27.5"), "27.5"), death = c(0, 1),
               arm = c("treatment", "control"), stratum = s),
    data.frame(months = c("33.1", "33.1000002", "33.1000004"), death = c(1, 1, 0),
               arm = c("control", "treatment", "control"), stratum = s),
    data.frame(months = c("40.25", "40.250001"), death = c(1, 1),
               arm = c("control", "treatment"), stratum = s)
  )
}

set.seed(44)
rows <- list()
for (s in c("a", "b")) {
  n <- 24
  t <- round(rexp(n, 1 / 25) + 0.5, 2)
  rows[[length(rows) + 1]] <- data.frame(
    months = sprintf("%.2f", t), death = rbinom(n, 1, 0.7),
    arm = rep(c("treatment", "control"), n / 2), stratum = s)
  rows[[length(rows) + 1]] <- near_tied(s)
}
raw <- do.call(rbind, rows)
lines <- c("id,stratum,arm,months,death",
           paste(seq_len(nrow(raw)), raw$stratum, raw$arm, raw$months, raw$death, sep = ","))
writeLines(lines, csv_path)

d <- read.csv(csv_path, stringsAsFactors = FALSE)
d$arm <- factor(d$arm, levels = c("control", "treatment"))
tol <- sqrt(.Machine$double.eps)
fixed <- aeqSurv(Surv(d$months, d$death))[, 1]
u <- sort(unique(d$months))
stopifnot(abs(fixed[d$months == 33.1000004] - 33.1) == 0,
          33.1000004 - 33.1 > tol * mean(u), 0.0000002 < tol * mean(u),
          length(unique(fixed[d$months >= 40.25 & d$months < 40.26])) == 2)

unstratified <- Surv(months, death) ~ arm
stratified <- Surv(months, death) ~ arm + strata(stratum)

logrank <- function(formula, data) {
  fit <- survdiff(formula, data = data)
  obs <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  expd <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  z <- unname((expd[2] - obs[2]) / sqrt(fit$var[2, 2]))
  stopifnot(abs(z^2 / fit$chisq - 1) < 1e-10)
  list(chisq = fit$chisq, p = fit$pvalue, z = z)
}

cox <- function(formula, data, ties, timefix) {
  fit <- coxph(formula, data = data, ties = ties, control = coxph.control(timefix = timefix))
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

median_of <- function(timefix) {
  km <- summary(survfit(unstratified, data = d, timefix = timefix))$table[, "median"]
  list(control = unname(km["arm=control"]), treatment = unname(km["arm=treatment"]))
}

# The same data with every distinct time kept apart: the times replaced by their ranks.
ranked <- d
ranked$months <- match(d$months, sort(unique(d$months)))

results <- function(timefix) {
  data <- if (timefix) d else ranked
  out <- list(
    logrank = logrank(unstratified, data),
    stratified_logrank = logrank(stratified, data),
    cox_efron = cox(unstratified, d, "efron", timefix),
    cox_breslow = cox(unstratified, d, "breslow", timefix),
    cox_efron_stratified = cox(stratified, d, "efron", timefix),
    cox_breslow_stratified = cox(stratified, d, "breslow", timefix),
    km_median = median_of(timefix)
  )
  if (!timefix) {
    for (name in c("cox_efron", "cox_breslow", "cox_efron_stratified", "cox_breslow_stratified")) {
      ties <- if (grepl("efron", name)) "efron" else "breslow"
      f <- if (grepl("stratified", name)) stratified else unstratified
      check <- cox(f, ranked, ties, TRUE)
      stopifnot(all(abs(unlist(check) / unlist(out[[name]]) - 1) < 1e-9))
    }
  }
  out
}

merged <- results(TRUE)
apart <- results(FALSE)
stopifnot(merged$logrank$z > 0, apart$logrank$z < 0,
          merged$stratified_logrank$z > 0, apart$stratified_logrank$z < 0)

aeq <- function(times) list(times = I(times), fixed = I(aeqSurv(Surv(times, rep(1, length(times))))[, 1]))
aeq_cases <- list(
  # mean time 0.002: tol x mean = 3e-11, so the absolute tolerance (1.49e-8) decides
  absolute = aeq(c(0.001, 0.00100001, 0.002, 0.0030000001, 0.003, 0.00300003)),
  # zeros, exact duplicates, a near-zero time
  zeros = aeq(c(0, 0, 1e-9, 5, 5.0000000001, 10, 5)),
  # large times: tol x mean = 0.0149
  large = aeq(c(1e6, 1e6 + 0.01, 1e6 + 1, 2e6, 2e6 + 0.02, 2e6 + 0.03)),
  # unsorted input with a chain: gaps 2e-8, tol x mean = 3.6e-8
  chain = aeq(c(3.00000004, 3, 1, 3.00000002, 2))
)

values <- list(
  n = nrow(d),
  events = sum(d$death),
  tolerance = tol,
  times_read = I(d$months),
  times_fixed = I(fixed),
  timefix = merged,
  no_timefix = apart,
  aeq_cases = aeq_cases
)

write_oracle(
  script = "tests/r/oracle_timefix.R",
  output = "tests/data/oracles/timefix.expected.json",
  calls = paste(
    "writes tests/data/oracles/timefix-dataset.csv (seed 44, near-tied groups: see the script's",
    "header), then d <- read.csv(it), arm a factor with control as reference;",
    "survival::aeqSurv(Surv(months, death)); survdiff(Surv(months, death) ~ arm [+",
    "strata(stratum)], d) (timefix = TRUE; for FALSE the same on the ranks of the times);",
    "coxph(..., ties = \"efron\" | \"breslow\", control = coxph.control(timefix = TRUE |",
    "FALSE)): exp(coef), summary()$conf.int, se(coef), Wald p, $score, $loglik[2];",
    "survfit(Surv(months, death) ~ arm, d, timefix = TRUE | FALSE): median per arm"),
  values = values,
  notes = paste(
    "17 significant digits (every double exact). survival 3.5-3's survdiff(timefix = FALSE)",
    "fails, so the log-rank without timefix is computed on the ranks of the times."),
  packages = "survival",
  debian = "r-base-core r-cran-survival"
)
