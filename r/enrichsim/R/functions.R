# The package's functions: one per CLI command, each returning the CLI's JSON as R values.

.es_verbose <- function(fun, verbose) .es_flag(fun, "verbose", verbose)

#' Check a scenario and describe its model in closed form
#'
#' As `enrichsim validate`: strata prevalences, control medians and survival, hazard ratios,
#' calibration checks.
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name.
#' @return A list of class `es_validate` with the fields of the CLI's JSON.
#' @export
es_validate <- function(scenario) {
  s <- .es_scenario_arg("es_validate", scenario)
  .es_parse(.es_json("es_validate", "wrap__es_rs_validate", s$text, s$file, s$set),
    "es_validate")
}

#' Simulate a scenario
#'
#' As `enrichsim run`: power, events, sample size, screening and duration over `reps`
#' replicates. The same `seed` gives the same numbers as the CLI, bit for bit, for any number
#' of threads. Progress is shown on R's console when `verbose`; Esc / Ctrl-C stops the run
#' (an error "interrupted").
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name.
#' @param reps Replicates, a whole number in 1..1e9.
#' @param seed Master seed, a whole number (a string of digits for seeds above 2^53).
#' @param threads Worker threads, `NULL` for all cores. The result does not depend on it.
#' @param global_null Simulate the design under the global null (no effect anywhere, no
#'   prior), so the rejection rates are type I errors (the CLI's `--global-null`).
#' @param verbose Show the progress on the console (default: when interactive).
#' @return A list of class `es_run` with the fields of the CLI's JSON.
#' @export
es_run <- function(scenario, reps = 10000, seed = 1, threads = NULL, global_null = FALSE,
                   verbose = interactive()) {
  fun <- "es_run"
  s <- .es_scenario_arg(fun, scenario)
  json <- .es_json(fun, "wrap__es_rs_run", s$text, s$file, s$set, .es_reps(fun, reps),
    .es_seed(fun, seed), .es_threads(fun, threads), .es_flag(fun, "global_null", global_null),
    .es_verbose(fun, verbose))
  .es_parse(json, "es_run")
}

#' Closed-form design of a scenario
#'
#' As `enrichsim design`: required events and subjects, analysis times, screening and the power
#' of the scenario as specified; with `at_hr`, the operating characteristics of the scenario's
#' own design at those hazard ratios (`--at-hr`).
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name.
#' @param power Target power (`NULL`: the scenario's design.sequential.power, else 0.9).
#' @param method `"schoenfeld"`, `"freedman"` or `"hsieh_freedman"`.
#' @param solve `"subjects"`, `"accrual"` or `"follow_up"`.
#' @param at_hr Hazard ratios (> 0) at which to evaluate the design, or `NULL`.
#' @return A list of class `es_design` (or `es_at_hr` with `at_hr`) with the fields of the
#'   CLI's JSON.
#' @export
es_design <- function(scenario, power = NULL, method = "schoenfeld", solve = "subjects",
                      at_hr = NULL) {
  fun <- "es_design"
  s <- .es_scenario_arg(fun, scenario)
  power <- .es_number(fun, "power", power, "a power in (0, 1)", null = TRUE)
  method <- .es_string(fun, "method", method, "\"schoenfeld\", \"freedman\" or \"hsieh_freedman\"")
  solve <- .es_string(fun, "solve", solve, "\"subjects\", \"accrual\" or \"follow_up\"")
  at_hr <- .es_numbers(fun, "at_hr", at_hr, "hazard ratios > 0")
  json <- .es_json(fun, "wrap__es_rs_design", s$text, s$file, s$set, power, method, solve, at_hr)
  .es_parse(json, if (length(at_hr) > 0) "es_at_hr" else "es_design")
}

#' Group-sequential boundaries
#'
#' As `enrichsim boundaries`: z bounds, nominal p-values, alpha spent, and with `power` the
#' drift, inflation factor and exit probabilities; with `futility` the futility bounds; with
#' `events` the hazard ratios at the bounds. Arguments left `NULL` are not given to the CLI.
#'
#' @param looks Number of looks K (interims plus the final analysis), 1 to 20.
#' @param spending The design: `"asOF"`, `"asP"`, `"asHSD"`/`"hsd:G"`, `"asKD"`/`"kd:RHO"`,
#'   `"asUser"` (with `user_alpha`), `"OF"`, `"P"`, `"WT"`/`"wt:DELTA"`, `"WToptimum"` (with
#'   `optimize`), `"HP"` (with `hp_bound`), `"noEarlyEfficacy"`, `"PT"` (with `delta_pt1`,
#'   `delta_pt0`).
#' @param timing Information fractions t1, ..., tK (default: equally spaced).
#' @param alpha Significance level: one-sided, or two-sided with `sided = 2`.
#' @param sided 1 or 2 (symmetric two-sided bounds, as rpact's `sided = 2`).
#' @param power Target power: adds the drift, inflation factor and exit probabilities under H1.
#' @param futility `"none"`, `"z:V1,..."`, `"hr:V1,..."` (with `events`), or a beta-spending
#'   function (`"asOF"`, `"hsd:G"`, `"bsUser"` with `user_beta`, ...).
#' @param binding Binding futility or lower bound.
#' @param gamma Hwang-Shih-DeCani gamma (with `"asHSD"`).
#' @param rho Kim-DeMets rho (with `"asKD"`).
#' @param delta Wang-Tsiatis Delta (with `"WT"`).
#' @param delta_pt1,delta_pt0 Pampallona-Tsiatis Deltas of the efficacy and futility bounds, in
#'   \[-0.5, 1\] (with `"PT"`; rpact's `deltaPT1`, `deltaPT0`).
#' @param user_alpha Cumulative alpha spent by each look (with `"asUser"`).
#' @param user_beta Cumulative beta spent by each look (with `futility = "bsUser"`).
#' @param hp_bound Haybittle-Peto interim bound in z, in (0, 8] (with `"HP"`; default 3).
#' @param optimize What `"WToptimum"` minimises: `"ASNH1"`, `"ASNIFH1"` or `"ASNsum"`.
#' @param beta_adjustment With `sided = 2` and beta-spending futility: rpact's
#'   `betaAdjustment` (`NULL`: TRUE).
#' @param lower_spending An asymmetric two-sided design: a lower bound spent under H0 with this
#'   spending function (`"asOF"`, `"asP"`, `"hsd:G"`, `"kd:RHO"`).
#' @param lower_alpha The lower bound's total probability under H0, in (0, 1 - alpha].
#' @param events Events at the final look: adds the hazard ratio at each bound.
#' @param allocation Allocation ratio r (treatment : control = r : 1), for the hazard ratios.
#' @return A list of class `es_boundaries` with the fields of the CLI's JSON.
#' @export
es_boundaries <- function(looks = 3, spending = "asOF", timing = NULL, alpha = 0.025,
                          sided = 1, power = NULL, futility = NULL, binding = FALSE,
                          gamma = NULL, rho = NULL, delta = NULL, delta_pt1 = NULL,
                          delta_pt0 = NULL, user_alpha = NULL, user_beta = NULL,
                          hp_bound = NULL, optimize = NULL, beta_adjustment = NULL,
                          lower_spending = NULL, lower_alpha = NULL, events = NULL,
                          allocation = 1) {
  fun <- "es_boundaries"
  if (!(is.numeric(looks) && length(looks) == 1 && is.finite(looks) && looks == round(looks) &&
    looks >= 1 && looks <= 20)) {
    .es_stop_arg(fun, "looks", looks, "a whole number in 1..20")
  }
  if (!(is.numeric(sided) && length(sided) == 1 && sided %in% c(1, 2))) {
    .es_stop_arg(fun, "sided", sided, "1 or 2")
  }
  adjustment <- if (is.null(beta_adjustment)) {
    ""
  } else {
    tolower(as.character(.es_flag(fun, "beta_adjustment", beta_adjustment)))
  }
  json <- .es_json(fun, "wrap__es_rs_boundaries",
    as.integer(looks),
    .es_string(fun, "spending", spending, "a spending function or design name, e.g. \"asOF\""),
    .es_number(fun, "gamma", gamma, null = TRUE),
    .es_number(fun, "rho", rho, null = TRUE),
    .es_number(fun, "delta", delta, null = TRUE),
    .es_number(fun, "delta_pt1", delta_pt1, null = TRUE),
    .es_number(fun, "delta_pt0", delta_pt0, null = TRUE),
    .es_numbers(fun, "user_alpha", user_alpha),
    .es_numbers(fun, "user_beta", user_beta),
    .es_number(fun, "hp_bound", hp_bound, null = TRUE),
    .es_string(fun, "optimize", optimize, "\"ASNH1\", \"ASNIFH1\" or \"ASNsum\"", null = TRUE),
    .es_numbers(fun, "timing", timing, "information fractions"),
    .es_number(fun, "alpha", alpha),
    as.integer(sided),
    .es_number(fun, "power", power, null = TRUE),
    .es_string(fun, "futility", futility, null = TRUE),
    .es_flag(fun, "binding", binding),
    adjustment,
    .es_string(fun, "lower_spending", lower_spending, null = TRUE),
    .es_number(fun, "lower_alpha", lower_alpha, null = TRUE),
    .es_number(fun, "events", events, null = TRUE),
    .es_number(fun, "allocation", allocation))
  .es_parse(json, "es_boundaries")
}

#' Power over a grid of scenario values
#'
#' As `enrichsim sweep`: every grid point simulated on common random numbers; `$points` is a
#' data frame with one row per grid point.
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name.
#' @param vary The grid: a named list `list(key.path = values)` (the Cartesian product), or
#'   strings `"KEY=V1,V2,..."` / `"KEY=START:STOP:STEP"` as the CLI's `--vary`.
#' @inheritParams es_run
#' @param target_power Target power (drawn by `plot`), or `NULL`.
#' @return A list of class `es_sweep` with the fields of the CLI's JSON.
#' @export
es_sweep <- function(scenario, vary, reps = 10000, seed = 1, threads = NULL,
                     target_power = NULL, verbose = interactive()) {
  fun <- "es_sweep"
  s <- .es_scenario_arg(fun, scenario)
  json <- .es_json(fun, "wrap__es_rs_sweep", s$text, s$file, s$set, .es_vary(fun, vary),
    .es_reps(fun, reps), .es_seed(fun, seed), .es_threads(fun, threads),
    .es_number(fun, "target_power", target_power, "a power in (0, 1)", null = TRUE),
    .es_verbose(fun, verbose))
  .es_parse(json, "es_sweep")
}

.es_vary <- function(fun, vary) {
  if (is.character(vary) && length(vary) >= 1 && is.null(names(vary)) && !anyNA(vary)) {
    return(vary)
  }
  keys <- names(vary)
  if (!is.list(vary) || length(vary) == 0 || is.null(keys) || any(!nzchar(keys))) {
    .es_stop_arg(fun, "vary", vary,
      "a named list list(key.path = values) or strings \"KEY=V1,V2,...\"")
  }
  vapply(seq_along(vary), function(i) {
    v <- vary[[i]]
    if (!(is.atomic(v) && length(v) >= 1 && !anyNA(v))) {
      .es_stop_arg(fun, "vary", keys[i], "a vector of values for each key")
    }
    items <- if (is.numeric(v)) .toml_number(as.double(v)) else as.character(v)
    paste0(keys[i], "=", paste(items, collapse = ","))
  }, "")
}

#' Smallest sample size or event count reaching a target power
#'
#' As `enrichsim size`: a probit fit to a pilot grid, then simulations around its root.
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name.
#' @param target_power The power to reach, in (0, 1).
#' @param key `"design.sample_size"` or `"design.analysis.events"` (`NULL`: the events of an
#'   event-driven analysis, otherwise the sample size).
#' @inheritParams es_run
#' @return A list of class `es_size` with the fields of the CLI's JSON.
#' @export
es_size <- function(scenario, target_power, key = NULL, reps = 10000, seed = 1,
                    threads = NULL, verbose = interactive()) {
  fun <- "es_size"
  s <- .es_scenario_arg(fun, scenario)
  json <- .es_json(fun, "wrap__es_rs_size", s$text, s$file, s$set,
    .es_number(fun, "target_power", target_power, "a power in (0, 1)"),
    .es_string(fun, "key", key, "\"design.sample_size\" or \"design.analysis.events\"",
      null = TRUE),
    .es_reps(fun, reps), .es_seed(fun, seed), .es_threads(fun, threads),
    .es_verbose(fun, verbose))
  .es_parse(json, "es_size")
}

#' Designs side by side on common random numbers
#'
#' As `enrichsim compare`: power per hypothesis and for at least one, selection, screened,
#' randomised, deaths and duration of each design, on the same replicates.
#'
#' @param ... Two or more scenarios from [es_scenario()] or [es_scenario_list()], or file
#'   names (or one list of them).
#' @param set Overrides applied to every scenario, as in [es_scenario()].
#' @inheritParams es_run
#' @return A list of class `es_compare` with the fields of the CLI's JSON.
#' @export
es_compare <- function(..., set = list(), reps = 10000, seed = 1, threads = NULL,
                       verbose = interactive()) {
  fun <- "es_compare"
  scenarios <- list(...)
  if (length(scenarios) == 1 && is.list(scenarios[[1]]) &&
    !inherits(scenarios[[1]], "es_scenario")) {
    scenarios <- scenarios[[1]]
  }
  if (length(scenarios) < 2) {
    .es_stop_arg(fun, "...", paste(length(scenarios), "scenario(s)"), "two or more scenarios")
  }
  scenarios <- lapply(scenarios, function(s) .es_scenario_arg(fun, s, "..."))
  extra <- .es_set(fun, set)
  json <- .es_json(fun, "wrap__es_rs_compare",
    vapply(scenarios, function(s) s$text, ""),
    vapply(scenarios, function(s) s$file, ""),
    .es_compare_set(fun, scenarios, extra),
    .es_reps(fun, reps), .es_seed(fun, seed), .es_threads(fun, threads),
    .es_verbose(fun, verbose))
  .es_parse(json, "es_compare")
}

# The CLI applies one list of overrides to every scenario: scenarios' own `set` must agree.
.es_compare_set <- function(fun, scenarios, extra) {
  own <- lapply(scenarios, function(s) s$set)
  if (!all(vapply(own, identical, TRUE, own[[1]]))) {
    .es_stop_arg(fun, "...", "scenarios with different overrides",
      "scenarios with the same `set` (give common overrides in `set`)")
  }
  c(own[[1]], extra)
}

# The survival columns of a data frame checked and handed over as the library takes them:
# times, events 0/1, arms 1 (treatment) / 0, 0-based stratum indices into the labels (empty
# without strata). Errors name `fun`'s argument.
.es_survival_columns <- function(fun, data, time, event, arm, strata) {
  if (!is.data.frame(data)) {
    .es_stop_arg(fun, "data", class(data)[1], "a data frame")
  }
  if (nrow(data) == 0) {
    .es_stop_arg(fun, "data", "a data frame with no rows", "one row per patient")
  }
  column <- function(arg, name) {
    if (!(is.character(name) && length(name) == 1 && name %in% names(data))) {
      .es_stop_arg(fun, arg, name, paste0("a column of data: ", paste(names(data), collapse = ", ")))
    }
    x <- data[[name]]
    if (anyNA(x)) {
      .es_stop_arg(fun, arg, sprintf("column %s with NA in row %d", name, which(is.na(x))[1]),
        "no NA (drop those rows first, e.g. with na.omit)")
    }
    x
  }
  t <- column("time", time)
  if (!(is.numeric(t) && all(is.finite(t)) && all(t >= 0))) {
    .es_stop_arg(fun, "time", time, "a column of finite numbers >= 0")
  }
  e <- column("event", event)
  if (is.logical(e)) e <- as.integer(e)
  if (!(is.numeric(e) && all(e %in% c(0, 1)))) {
    .es_stop_arg(fun, "event", event, "a column of 1 (event) or 0 (censored), or TRUE/FALSE")
  }
  a <- column("arm", arm)
  if (is.factor(a)) a <- as.character(a)
  if (is.logical(a)) {
    a <- as.integer(a)
  } else if (is.character(a)) {
    a <- tolower(trimws(a))
    if (!all(a %in% c("treatment", "control", "1", "0"))) {
      .es_stop_arg(fun, "arm", arm, "a column of treatment/control (any case), 1/0 or TRUE/FALSE")
    }
    a <- as.integer(a %in% c("treatment", "1"))
  }
  if (!(is.numeric(a) && all(a %in% c(0, 1)))) {
    .es_stop_arg(fun, "arm", arm, "a column of treatment/control (any case), 1/0 or TRUE/FALSE")
  }
  if (!(any(a == 1) && any(a == 0))) {
    .es_stop_arg(fun, "arm", arm, "a column with patients in both arms")
  }
  if (is.null(strata)) {
    stratum <- integer(0)
    labels <- character(0)
  } else {
    s <- column("strata", strata)
    s <- as.character(s)
    if (any(!nzchar(s))) {
      .es_stop_arg(fun, "strata", strata, "a column of non-empty labels")
    }
    labels <- unique(s)
    stratum <- match(s, labels) - 1L
  }
  list(time = as.double(t), event = as.integer(e), arm = as.integer(a),
    stratum = as.integer(stratum), labels = labels)
}

#' Log-rank, Cox and Kaplan-Meier analysis of a data frame
#'
#' As `enrichsim analyze`: the (stratified) log-rank test, the Cox model (Efron or Breslow
#' ties), Kaplan-Meier medians, and optionally a further test, with R's `timefix`.
#'
#' @param data A data frame, one row per patient.
#' @param time Name of the column of follow-up times (finite, >= 0).
#' @param event Name of the column of event indicators (1/0 or TRUE/FALSE).
#' @param arm Name of the column of arms: `"treatment"`/`"control"` (any case), 1/0 or
#'   TRUE/FALSE.
#' @param strata Name of the column of strata (stratifies the log-rank and the Cox model), or
#'   `NULL`.
#' @param ties `"efron"` or `"breslow"`.
#' @param test A further test: `"logrank"`, `"fh(rho,gamma)"`, `"maxcombo"`, `"rmst(tau)"`,
#'   `"milestone(t)"`, or a `stratified_` form (with `strata`); `NULL` for none.
#' @param timefix Merge near-equal times first, as R's survival does.
#' @return A list of class `es_analyze` with the fields of the CLI's JSON.
#' @export
es_analyze <- function(data, time, event, arm, strata = NULL, ties = "efron", test = NULL,
                       timefix = TRUE) {
  fun <- "es_analyze"
  d <- .es_survival_columns(fun, data, time, event, arm, strata)
  json <- .es_json(fun, "wrap__es_rs_analyze", d$time, d$event, d$arm, d$stratum, d$labels,
    .es_string(fun, "ties", ties, "\"efron\" or \"breslow\""),
    .es_string(fun, "test", test, "a test name, e.g. \"fh(0,1)\"", null = TRUE),
    .es_flag(fun, "timefix", timefix))
  .es_parse(json, "es_analyze")
}

#' The data monitoring committee's interim analysis of a data frame
#'
#' As `enrichsim monitor`: at look `look` of the scenario's group-sequential design, on the
#' unblinded data of that look, the information fractions and the bounds recomputed by the
#' spending function at them, the decision, the repeated confidence intervals and p-values of
#' the hazard ratio, the conditional power under the planned and the observed hazard ratio,
#' the predictive power under a prior, and at the end the stage-wise ordering p-value,
#' median-unbiased estimate and confidence interval (rpact's `getAnalysisResults`;
#' docs/monitor.md).
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name; its
#'   `[design.sequential]` is the design monitored.
#' @param data A data frame, one row per patient, as at look `look`.
#' @param look The current look (1 to the design's number of looks).
#' @param time,event,arm,strata Column names, as for [es_analyze()].
#' @param previous The earlier looks as the committee saw them: `"EVENTS:Z,..."` (or
#'   `EVENTS:Z:ALLOCATION`), or a data frame with columns `events`, `z` and optionally
#'   `allocation`, one row per earlier look; `NULL` at look 1.
#' @param planned_hr The hazard ratio of the conditional power "under the plan" (`NULL`: the
#'   scenario's average hazard ratio).
#' @param prior The prior of the predictive power: `"flat"`, `c(hr, lower, upper)` (an estimate
#'   and its 95% interval) or `NULL` (the scenario's `[prior]`, else flat).
#' @param timefix Merge near-equal times first, as R's survival does.
#' @return A list of class `es_monitor` with the fields of the CLI's JSON.
#' @export
#' @examples
#' d <- read.csv(system.file("extdata", "monitor-look2.csv", package = "enrichsim"))
#' m <- es_monitor(es_example("phase3-enriched-sequential"), d, look = 2,
#'   time = "months", event = "death", arm = "arm", strata = "stratum",
#'   previous = "77:0.978")
#' m$decision
#' m$looks
es_monitor <- function(scenario, data, look, time, event, arm, strata = NULL, previous = NULL,
                       planned_hr = NULL, prior = NULL, timefix = TRUE) {
  fun <- "es_monitor"
  s <- .es_scenario_arg(fun, scenario)
  if (!(is.numeric(look) && length(look) == 1 && is.finite(look) && look == round(look) &&
    look >= 1)) {
    .es_stop_arg(fun, "look", look, "a look of the design: a whole number, 1 or more")
  }
  previous <- if (is.null(previous)) {
    ""
  } else if (is.data.frame(previous)) {
    if (!all(c("events", "z") %in% names(previous)) || nrow(previous) == 0) {
      .es_stop_arg(fun, "previous", paste(names(previous), collapse = ", "),
        "a data frame with columns events, z (and allocation), one row per earlier look")
    }
    cols <- list(previous$events, previous$z)
    if ("allocation" %in% names(previous)) cols <- c(cols, list(previous$allocation))
    paste(do.call(paste, c(lapply(cols, function(v) sprintf("%.17g", v)), sep = ":")),
      collapse = ",")
  } else {
    .es_string(fun, "previous", previous, "\"EVENTS:Z,...\" or a data frame of the earlier looks",
      null = TRUE)
  }
  prior <- if (is.null(prior)) {
    ""
  } else if (is.numeric(prior) && length(prior) == 3 && all(is.finite(prior))) {
    paste(sprintf("%.17g", prior), collapse = ",")
  } else {
    .es_string(fun, "prior", prior, "\"flat\" or c(hr, lower, upper)")
  }
  d <- .es_survival_columns(fun, data, time, event, arm, strata)
  json <- .es_json(fun, "wrap__es_rs_monitor", s$text, s$file, s$set, as.integer(look),
    previous, .es_number(fun, "planned_hr", planned_hr, "a hazard ratio > 0", null = TRUE),
    prior, d$time, d$event, d$arm, d$stratum, d$labels, .es_flag(fun, "timefix", timefix))
  .es_parse(json, "es_monitor")
}

#' Blinded event prediction for a running trial
#'
#' As `enrichsim predict`: from each patient's entry, status at the cut (event, dropout,
#' ongoing, completed) and date of the event, dropout or last contact, with no arm, the pooled
#' hazard of death (exponential, Weibull or piecewise, or chosen by AIC), the dropout hazard and
#' the recruitment rate are fitted, the rest of the trial is simulated with the parameters drawn
#' from their estimates' asymptotic law, and each planned look's date comes with 80% and 95%
#' prediction intervals, its probability of being reached and the deaths expected by each month
#' (docs/predict.md).
#'
#' @param scenario A scenario from [es_scenario()] or [es_scenario_list()], or a file name: its
#'   looks' deaths, sample size, follow-up and enrolment.
#' @param data A data frame, one row per patient (dates as `Date` or `"YYYY-MM-DD"` strings,
#'   or calendar months with `months = TRUE`; an empty date for an ongoing patient), or the
#'   name of a CSV file with such columns.
#' @param entry,status,date Column names.
#' @param months The entry and date columns (and `cut`, `start`) are calendar months, not dates.
#' @param cut,start The cut (default: the latest date) and the start of recruitment (default:
#'   the first entry), as dates (or months).
#' @param hazard `"exponential"`, `"weibull"`, `"piecewise:B1,B2,..."`, `"auto"` or
#'   `"auto:B1,..."`.
#' @param recruitment `"constant"` or `"scenario"`.
#' @param sims Forward simulations.
#' @param seed,threads As for [es_run()].
#' @param events The looks' death counts (increasing), or `NULL` for the scenario's.
#' @param sample_size Patients to randomise in all, or `NULL` for `design.sample_size`.
#' @param horizon Count no death later than this many months after the cut (`NULL`: no limit).
#' @param parameter_uncertainty Draw the parameters (`TRUE`) or fix them at their estimates.
#' @return A list of class `es_predict` with the fields of the CLI's JSON.
#' @export
es_predict <- function(scenario, data, entry = "entry", status = "status", date = "date",
                       months = FALSE, cut = NULL, start = NULL, hazard = "auto",
                       recruitment = "constant", sims = 2000, seed = 1, threads = NULL,
                       events = NULL, sample_size = NULL, horizon = NULL,
                       parameter_uncertainty = TRUE) {
  fun <- "es_predict"
  s <- .es_scenario_arg(fun, scenario)
  if (is.data.frame(data)) {
    label <- paste(deparse(substitute(data)), collapse = " ")
    if (nrow(data) == 0) {
      .es_stop_arg(fun, "data", "a data frame with no rows", "one row per patient")
    }
    path <- tempfile(fileext = ".csv")
    on.exit(unlink(path), add = TRUE)
    .es_write_csv(data, path)
  } else if (is.character(data) && length(data) == 1 && !is.na(data)) {
    if (!file.exists(data)) {
      .es_stop_arg(fun, "data", data, "a data frame or the name of an existing CSV file")
    }
    label <- data
    path <- data
  } else {
    .es_stop_arg(fun, "data", class(data)[1], "a data frame or the name of a CSV file")
  }
  when <- function(arg, x) {
    if (is.null(x)) return("")
    if (inherits(x, "Date")) return(format(x, "%Y-%m-%d"))
    if (is.numeric(x) && length(x) == 1 && is.finite(x)) return(sprintf("%.17g", x))
    .es_string(fun, arg, x, "a date \"YYYY-MM-DD\" (or a number of months with months = TRUE)")
  }
  events <- if (is.null(events)) {
    integer(0)
  } else if (is.numeric(events) && length(events) >= 1 && all(is.finite(events)) &&
    all(events == round(events)) && all(events >= 1) && all(events <= .Machine$integer.max)) {
    as.integer(events)
  } else {
    .es_stop_arg(fun, "events", events, "death counts >= 1, strictly ascending")
  }
  sample_size <- if (is.null(sample_size)) {
    0L
  } else if (is.numeric(sample_size) && length(sample_size) == 1 && is.finite(sample_size) &&
    sample_size == round(sample_size) && sample_size >= 1 && sample_size <= 1e6) {
    as.integer(sample_size)
  } else {
    .es_stop_arg(fun, "sample_size", sample_size, "NULL or a whole number of patients")
  }
  json <- .es_json(fun, "wrap__es_rs_predict", s$text, s$file, s$set, path, label,
    .es_string(fun, "entry", entry), .es_string(fun, "status", status),
    .es_string(fun, "date", date), .es_flag(fun, "months", months), when("cut", cut),
    when("start", start), .es_string(fun, "hazard", hazard),
    .es_string(fun, "recruitment", recruitment),
    .es_number(fun, "sims", sims, "a whole number of simulations, 1 or more"), .es_seed(fun, seed),
    .es_threads(fun, threads), events, sample_size,
    .es_number(fun, "horizon", horizon, "a number of months > 0", null = TRUE),
    .es_flag(fun, "parameter_uncertainty", parameter_uncertainty))
  .es_parse(json, "es_predict")
}

# Writes a data frame as CSV for the library's readers: numbers with 17 significant digits (so
# every double reads back exactly), dates as YYYY-MM-DD, NA as an empty field, text quoted.
.es_write_csv <- function(data, path) {
  text <- vapply(data, function(x) is.character(x) || is.factor(x), TRUE)
  out <- lapply(data, function(x) {
    if (inherits(x, "Date")) {
      y <- format(x, "%Y-%m-%d")
    } else if (is.numeric(x)) {
      y <- sprintf("%.17g", x)
    } else {
      y <- as.character(x)
    }
    y[is.na(x)] <- NA
    y
  })
  out <- as.data.frame(out, stringsAsFactors = FALSE, optional = TRUE)
  names(out) <- names(data)
  utils::write.csv(out, path, row.names = FALSE, na = "", quote = which(text))
}
