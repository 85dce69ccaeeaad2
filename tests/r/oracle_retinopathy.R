# Oracle: survival's retinopathy data (Diabetic Retinopathy Study, 197 patients, both eyes, one
# treated by laser), for the Kaplan-Meier medians of tests/it/cli_analyze.rs: R reports the
# control median as 43.7 months, a time in the data, which enrichsim must print as 43.7 exactly.
# Run from the repository root:
#   Rscript tests/r/oracle_retinopathy.R > tests/data/oracles/retinopathy.expected.json
# It also (re)writes tests/data/oracles/retinopathy.csv (write.csv of survival::retinopathy, the
# columns id, laser, eye, age, type, trt, futime, status, risk; trt 1 = treated eye, 0 =
# control; futime in months; status 1 = loss of vision). Needs R with survival (Debian:
# apt-get install -y --no-install-recommends r-base-core r-cran-survival).
#
# Values (trt a factor with 0 as the reference level; pairs of eyes are analysed here as
# independent, as enrichsim analyze does):
#   logrank        survdiff(Surv(futime, status) ~ trt, d): chisq, p, z = (E - O) / sqrt(V) of
#                  the treated eyes (z > 0 favours treatment)
#   cox_efron      coxph(Surv(futime, status) ~ trt, d): hr, Wald p
#   km_median      survfit(Surv(futime, status) ~ trt, d): median per arm (null: not reached)
# printed with 17 significant digits, so the doubles are exact.
suppressMessages(library(survival))
source("tests/r/oracle_json.R")
json_digits <- 17

csv_path <- "tests/data/oracles/retinopathy.csv"
write.csv(survival::retinopathy, csv_path, row.names = FALSE)
d <- read.csv(csv_path, stringsAsFactors = FALSE)
d$trt <- factor(d$trt, levels = c(0, 1))

fit <- survdiff(Surv(futime, status) ~ trt, data = d)
z <- unname((fit$exp[2] - fit$obs[2]) / sqrt(fit$var[2, 2]))
cox <- coxph(Surv(futime, status) ~ trt, data = d)
km <- summary(survfit(Surv(futime, status) ~ trt, data = d))$table[, "median"]

values <- list(
  n = nrow(d),
  events = sum(d$status),
  logrank = list(chisq = fit$chisq, p = fit$pvalue, z = z),
  cox_efron = list(hr = unname(exp(coef(cox))),
                   wald_p = unname(summary(cox)$coefficients[1, "Pr(>|z|)"])),
  km_median = list(control = unname(km["trt=0"]), treatment = unname(km["trt=1"]))
)

write_oracle(
  script = "tests/r/oracle_retinopathy.R",
  output = "tests/data/oracles/retinopathy.expected.json",
  calls = paste(
    "write.csv(survival::retinopathy, \"tests/data/oracles/retinopathy.csv\", row.names = FALSE);",
    "d <- read.csv(it), trt a factor with 0 as reference; survdiff(Surv(futime, status) ~ trt,",
    "d): $chisq, $pvalue, z = (E - O) / sqrt(V) of trt = 1; coxph(Surv(futime, status) ~ trt,",
    "d) (Efron): exp(coef), Wald p; survfit(Surv(futime, status) ~ trt, d): median per arm"),
  values = values,
  notes = "17 significant digits (every double exact).",
  packages = "survival",
  debian = "r-base-core r-cran-survival"
)
