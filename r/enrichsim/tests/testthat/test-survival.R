# es_analyze against R's survival (coxph with Efron ties, survdiff, survfit) on R's own lung
# and veteran data, to 1e-8 relative.

skip_if_not_installed("survival")

tol <- 1e-8

check_against_survival <- function(d, by = NULL) {
  r <- es_analyze(d, time = "time", event = "event", arm = "arm", strata = by)
  strata <- survival::strata # the special term of the formulas below
  f <- if (is.null(by)) {
    survival::Surv(time, event) ~ arm
  } else {
    survival::Surv(time, event) ~ arm + strata(s)
  }
  fit <- survival::coxph(f, data = d, ties = "efron")
  sd <- survival::survdiff(f, data = d)
  expect_equal(r$n, nrow(d))
  expect_equal(r$events, sum(d$event))
  expect_equal(r$cox_hr, unname(exp(coef(fit))), tolerance = tol)
  expect_equal(r$cox_se_log_hr, unname(sqrt(diag(vcov(fit)))), tolerance = tol)
  ci <- unname(exp(confint(fit)))
  expect_equal(c(r$cox_hr_lower, r$cox_hr_upper), c(ci), tolerance = tol)
  expect_equal(r$cox_loglik, fit$loglik[2], tolerance = tol)
  expect_equal(r$cox_score_chisq, unname(fit$score), tolerance = tol)
  wald_z <- unname(coef(fit) / sqrt(diag(vcov(fit))))
  expect_equal(r$cox_wald_p_two_sided, 2 * pnorm(-abs(wald_z)), tolerance = tol)
  expect_equal(r$logrank_chisq, sd$chisq, tolerance = tol)
  expect_equal(r$logrank_p_two_sided, pchisq(sd$chisq, 1, lower.tail = FALSE), tolerance = tol)
  # survdiff's rows are arm 0, arm 1: observed and expected events in the treatment arm
  obs <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  ex <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  expect_equal(r$logrank_observed, obs[2], tolerance = tol)
  expect_equal(r$logrank_expected, ex[2], tolerance = tol)
  expect_equal(r$logrank_z^2, sd$chisq, tolerance = tol)
  # the z is positive when the treatment arm has fewer events than expected
  expect_identical(sign(r$logrank_z), sign(ex[2] - obs[2]))
  km <- summary(survival::survfit(survival::Surv(time, event) ~ arm, data = d))$table[, "median"]
  expect_equal(r$km_median_control %||% NA_real_, unname(km[1]), tolerance = tol)
  expect_equal(r$km_median_treatment %||% NA_real_, unname(km[2]), tolerance = tol)
  invisible(r)
}

`%||%` <- function(a, b) if (is.null(a)) b else a

test_that("es_analyze matches coxph and survdiff on lung (sex as arm)", {
  lung <- survival::lung
  d <- data.frame(time = lung$time, event = as.integer(lung$status == 2),
    arm = as.integer(lung$sex == 2), s = lung$ph.ecog)
  check_against_survival(d)
  # stratified by ph.ecog, rows with NA dropped
  d2 <- d[!is.na(d$s), ]
  r <- check_against_survival(d2, by = "s")
  expect_true(r$stratified)
  expect_setequal(r$strata, as.character(unique(d2$s)))
})

test_that("es_analyze matches coxph and survdiff on veteran (trt as arm)", {
  v <- survival::veteran
  d <- data.frame(time = v$time, event = v$status, arm = as.integer(v$trt == 2),
    s = v$celltype)
  check_against_survival(d)
  check_against_survival(d, by = "s")
})

test_that("es_analyze takes logical and labelled arms alike", {
  v <- survival::veteran
  d <- data.frame(time = v$time, event = v$status == 1,
    arm = ifelse(v$trt == 2, "Treatment", "control"))
  d01 <- data.frame(time = v$time, event = v$status, arm = as.integer(v$trt == 2))
  expect_identical(es_json(es_analyze(d, "time", "event", "arm")),
    es_json(es_analyze(d01, "time", "event", "arm")))
})
