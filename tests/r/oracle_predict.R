# Oracle: the maximum likelihood fits of `enrichsim predict` (src/analytic/prediction.rs), for
# tests/it/oracle_predict.rs. Run from the repository root:
#   Rscript tests/r/oracle_predict.R > tests/data/oracles/predict.expected.json
# Needs R with survival (Debian: apt-get install -y --no-install-recommends r-base-core
# r-cran-survival).
#
# The data set tests/data/oracles/predict-dataset.csv is blinded data (id, entry, status, date)
# written by enrichsim:
#   enrichsim simulate-data examples/predict/trial.toml --replicate 1 --blinded --cut 30 \
#       --start 2023-06-01 -o tests/data/oracles/predict-dataset.csv
# Follow-up in months: (date - entry) in days / 30.4375, a death on the day of entry at half a
# day (0.5 / 30.4375); death = status "event" (the others are censored at their date; the cut
# is the latest date in the file). Patients followed 0 days (all
# censored) contribute nothing to any likelihood; survreg refuses times of 0, so they are left
# out of its fits.
#
# Values:
#   exponential   survreg(Surv(time, death) ~ 1, dist = "exponential"): rate = exp(-coef),
#                 se_log = sqrt(vcov) (the SE of log rate is that of coef), loglik
#   weibull       survreg(..., dist = "weibull"): mu = coef, sigma = scale; enrichsim's
#                 S(t) = exp(-(t / s)^k) has log s = mu, log k = -log sigma, so
#                 Var(log s) = Var(mu), Var(log k) = Var(log sigma),
#                 Cov(log s, log k) = -Cov(mu, log sigma); loglik
#   piecewise     at breakpoints 6 and 12 months, in closed form: survSplit at the breakpoints,
#                 D_j = deaths and E_j = months at risk in piece j, rate_j = D_j / E_j,
#                 se_log_j = 1 / sqrt(D_j), loglik = sum(D_j log rate_j - rate_j E_j)
#   dropout       rate = dropouts / total months followed, se_log = 1 / sqrt(dropouts)
source("tests/r/oracle_json.R")
json_digits <- 17
suppressPackageStartupMessages(library(survival))

d <- read.csv("tests/data/oracles/predict-dataset.csv", stringsAsFactors = FALSE)
days <- as.numeric(as.Date(d$date) - as.Date(d$entry))
d$time <- days / 30.4375
d$death <- as.integer(d$status == "event")
# enrichsim counts a death on the day of entry at half a day.
d$time[d$death == 1 & d$time == 0] <- 0.5 / 30.4375
pos <- d[d$time > 0, ]

e <- survreg(Surv(time, death) ~ 1, data = pos, dist = "exponential")
w <- survreg(Surv(time, death) ~ 1, data = pos, dist = "weibull")
vw <- vcov(w)  # (Intercept), Log(scale)

breaks <- c(6, 12)
sp <- survSplit(Surv(time, death) ~ ., data = d, cut = breaks, episode = "piece")
D <- as.numeric(tapply(sp$death, sp$piece, sum))
E <- as.numeric(tapply(sp$time - sp$tstart, sp$piece, sum))
rate <- D / E

values <- list(
  patients = nrow(d),
  deaths = sum(d$death),
  deaths_on_entry_day = sum(d$death == 1 & days == 0),
  dropouts = sum(d$status == "dropout"),
  exposure = sum(d$time),
  exponential = list(
    rate = exp(-unname(coef(e))),
    se_log = sqrt(vcov(e)[1, 1]),
    log_likelihood = e$loglik[2]
  ),
  weibull = list(
    scale = exp(unname(coef(w))),
    shape = 1 / w$scale,
    se_log_scale = sqrt(vw[1, 1]),
    se_log_shape = sqrt(vw[2, 2]),
    cov_log_scale_log_shape = -vw[1, 2],
    log_likelihood = w$loglik[2]
  ),
  piecewise = list(
    breaks = I(breaks),
    deaths = I(D),
    exposure = I(E),
    rate = I(rate),
    se_log = I(1 / sqrt(D)),
    log_likelihood = sum(D * log(rate) - rate * E)
  ),
  dropout = list(
    rate = sum(d$status == "dropout") / sum(d$time),
    se_log = 1 / sqrt(sum(d$status == "dropout"))
  )
)

out <- list(
  source = list(
    software = software_string("survival"),
    script = "tests/r/oracle_predict.R",
    calls = "d <- read.csv(\"tests/data/oracles/predict-dataset.csv\"); time = as.numeric(as.Date(date) - as.Date(entry)) / 30.4375, death = status == \"event\"; survreg(Surv(time, death) ~ 1, dist = \"exponential\" | \"weibull\") on time > 0 (coef, vcov, scale, loglik); survSplit(cut = c(6, 12)) for the piecewise deaths and exposure",
    regenerate = "Rscript tests/r/oracle_predict.R > tests/data/oracles/predict.expected.json",
    debian_packages = "r-base-core r-cran-survival",
    notes = "Weibull: enrichsim's (log scale, log shape) = (mu, -log sigma) of survreg; the covariance term changes sign. 17 significant digits."
  ),
  values = values
)
cat(to_json(out), "\n", sep = "")
