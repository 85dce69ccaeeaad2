# print, summary and plot methods (base graphics).

.es_titles <- c(
  es_validate = "scenario check (enrichsim validate)",
  es_run = "simulation (enrichsim run)",
  es_design = "closed-form design (enrichsim design)",
  es_at_hr = "design at hazard ratios (enrichsim design --at-hr)",
  es_boundaries = "group-sequential boundaries (enrichsim boundaries)",
  es_sweep = "sweep (enrichsim sweep)",
  es_size = "sample-size search (enrichsim size)",
  es_compare = "comparison (enrichsim compare)",
  es_analyze = "analysis (enrichsim analyze)",
  es_monitor = "interim analysis (enrichsim monitor)",
  es_predict = "blinded event prediction (enrichsim predict)"
)

.es_fmt <- function(x) {
  if (is.null(x)) {
    return("null")
  }
  if (is.numeric(x)) {
    return(paste(format(x, digits = 5), collapse = ", "))
  }
  paste(as.character(x), collapse = ", ")
}

# The scalar fields (and short vectors) of a result as a two-column data frame.
.es_scalars <- function(x) {
  keep <- vapply(x, function(v) is.null(v) || (is.atomic(v) && length(v) <= 12), TRUE)
  fields <- names(x)[keep]
  fields <- fields[!fields %in% c("notes", "analytic_notes")]
  data.frame(
    field = fields,
    value = vapply(x[fields], .es_fmt, ""),
    stringsAsFactors = FALSE
  )
}

#' Print, summarise and plot enrichsim results
#'
#' Every `es_*` result is a list with the fields of the CLI's JSON (docs/output.md), printed
#' as a short report. `summary()` gives its scalar fields as a data frame (and, for a sweep,
#' the grid; for a comparison, one row per design). `plot()` draws a sweep's power curves, a
#' size search's points, boundaries in z, power against the hazard ratio, a run's exit
#' probabilities per look, a comparison's power per design.
#'
#' @param x,object A result of [es_run()], [es_validate()], [es_design()], [es_boundaries()],
#'   [es_sweep()], [es_size()], [es_compare()] or [es_analyze()].
#' @param ... Passed to the graphics functions (plot) or ignored.
#' @return `print` returns `x` invisibly; `summary` a data frame; `plot` `x` invisibly.
#' @name es_methods
#' @examples
#' b <- es_boundaries(looks = 3, spending = "asOF", power = 0.9)
#' print(b)
#' summary(b)
#' plot(b)
NULL

#' @rdname es_methods
#' @export
print.enrichsim_result <- function(x, ...) {
  class <- class(x)[1]
  cat("enrichsim ", .es_titles[[class]], if (!is.null(x$scenario)) {
    paste0(": ", x$scenario)
  }, "\n", sep = "")
  .es_print_body(x)
  notes <- c(x$analytic_notes, x$notes)
  if (length(notes) > 0) {
    for (note in notes) {
      cat(strwrap(note, width = 88, initial = "note: ", prefix = "      "), sep = "\n")
    }
  }
  invisible(x)
}

.es_print_body <- function(x) {
  switch(class(x)[1],
    es_run = .es_body_run(x),
    es_sweep = .es_body_sweep(x),
    es_compare = .es_body_compare(x),
    es_boundaries = .es_body_boundaries(x),
    es_at_hr = .es_body_at_hr(x),
    es_monitor = .es_body_monitor(x),
    es_predict = .es_body_predict(x),
    .es_body_default(x)
  )
}

.es_body_monitor <- function(x) {
  cat(sprintf("  look %s of %s, %s, alpha %s; planned HR %.4f (%s)\n", x$look, x$looks_planned,
    x$design, x$alpha, x$planned_hr, x$planned_hr_source))
  cat(sprintf("  data             %s patients, %s deaths, log-rank z %.4f, Cox HR %.4f (%.4f to %.4f)\n",
    x$data$n, x$data$events, x$data$logrank_z, x$data$cox_hr, x$data$cox_hr_lower,
    x$data$cox_hr_upper))
  cat(sprintf("  decision         %s\n", x$decision_text))
  if (!is.null(x$final_p)) {
    cat(sprintf("  final            p %.4g, median-unbiased HR %.4f (%.4f to %.4f)\n", x$final_p,
      x$median_unbiased_hr, x$final_ci_lower, x$final_ci_upper))
  }
  print(x$looks[, intersect(c("look", "events", "fraction", "z", "efficacy_bound",
    "futility_bound", "action", "rci_lower", "rci_upper", "repeated_p",
    "conditional_power_planned", "conditional_power_observed"), names(x$looks))],
    row.names = FALSE)
}

.es_body_predict <- function(x) {
  cat(sprintf("  data             %s: %s patients, %s deaths, %s dropouts, %s ongoing at the cut (month %.2f%s)\n",
    x$data_file, x$patients, x$deaths, x$dropouts, x$ongoing, x$cut,
    if (!is.null(x$cut_date)) paste0(", ", x$cut_date) else ""))
  cat(sprintf("  hazard           %s; %s still to recruit of %s\n", x$hazard$model, x$to_recruit,
    x$sample_size))
  looks <- x$looks
  if (is.data.frame(looks) && is.data.frame(looks$month)) {
    table <- data.frame(look = looks$look, deaths = looks$events,
      reached = looks$probability_reached, month = looks$month$median,
      month_95 = sprintf("%.1f to %.1f", looks$month$lower_95, looks$month$upper_95),
      month_80 = sprintf("%.1f to %.1f", looks$month$lower_80, looks$month$upper_80))
    if (is.data.frame(looks$date)) {
      table$date <- looks$date$median
      table$date_95 <- paste(looks$date$lower_95, "to", looks$date$upper_95)
    }
    print(table, row.names = FALSE)
  }
}

.es_body_default <- function(x) {
  s <- .es_scalars(x)
  s <- s[s$field != "scenario", , drop = FALSE]
  width <- max(nchar(s$field))
  cat(sprintf("  %-*s %s", width, s$field, s$value), sep = "\n")
  tables <- names(x)[vapply(x, is.data.frame, TRUE)]
  if (length(tables) > 0) {
    cat("  tables: ", paste(sprintf("$%s (%d rows)", tables,
      vapply(x[tables], nrow, 1L)), collapse = ", "), "\n", sep = "")
  }
}

.es_body_run <- function(x) {
  cat(sprintf("  %s replicates, seed %s, %s, alpha %s\n", x$reps, x$seed, x$test, x$alpha))
  cat(sprintf("  power            %.4f (95%% CI %.4f to %.4f), closed form %.4f\n",
    x$power, x$power_lower, x$power_upper, x$analytic_power))
  if (!is.null(x$assurance)) {
    cat(sprintf("  assurance        %.4f (SE %.4f)\n", x$assurance, x$assurance_se))
  }
  cat(sprintf("  events           %.1f\n", x$events_mean))
  cat(sprintf("  randomised       %.1f (screened %.1f)\n", x$randomised_mean, x$screened_mean))
  cat(sprintf("  duration         %.2f months (%.2f to %.2f)\n", x$duration_mean,
    x$duration_lower, x$duration_upper))
  cat(sprintf("  hazard ratio     %.4f (median; 2.5%% to 97.5%%: %.4f to %.4f)\n",
    x$hr_median, x$hr_lower, x$hr_upper))
  if (is.data.frame(x$stages) && nrow(x$stages) > 1) {
    cat("  looks:\n")
    print(x$stages[, intersect(c("look", "planned_events", "efficacy_bound", "futility_bound",
      "efficacy_prob", "futility_prob", "time_mean"), names(x$stages))], row.names = FALSE)
  }
  if (is.data.frame(x$hypotheses) && nrow(x$hypotheses) > 1) {
    cat("  hypotheses:\n")
    print(x$hypotheses[, c("name", "reject_prob", "reject_se", "selected_prob")],
      row.names = FALSE)
  }
  r <- x$reestimation
  if (is.list(r)) {
    cat(sprintf(paste0("  event re-estimation: %s rule, %s test, conditional power %s at the %s",
      " effect; %s deaths at the interim, %s planned, in [%s, %s]
"), r$rule, r$test,
      r$conditional_power, r$effect, r$interim_events, r$planned_events, r$min_events,
      r$max_events))
    cat(sprintf("  final deaths     %.1f (SD %.1f; 5%% to 95%%: %s to %s)
",
      r$final_events_mean, r$final_events_sd, r$final_events_quantiles[1],
      r$final_events_quantiles[5]))
    print(r$zones[, intersect(c("zone", "prob", "prob_se", "reject_prob",
      "final_events_mean"), names(r$zones))], row.names = FALSE)
  }
}

.es_body_sweep <- function(x) {
  cat(sprintf("  %s replicates per point, seed %s\n", x$reps, x$seed))
  cols <- intersect(c(x$keys, "power", "power_lower", "power_upper", "analytic_power",
    "events_mean", "duration_mean"), names(x$points))
  print(x$points[, cols, drop = FALSE], row.names = FALSE)
}

.es_body_compare <- function(x) {
  cat(sprintf("  %s replicates per design, seed %s\n", x$reps, x$seed))
  table <- summary(x)
  print(table[names(table) != "file"], row.names = FALSE)
}

.es_body_boundaries <- function(x) {
  cat(sprintf("  %s, %d looks, alpha %s%s\n", x$spending, x$looks, x$alpha,
    if (!is.null(x$power)) sprintf(", power %s, inflation factor %.6f", x$power,
      x$inflation_factor) else ""))
  print(.es_looks(x), row.names = FALSE)
}

.es_body_at_hr <- function(x) {
  cat(sprintf("  %s, sample size %s, %d look(s)\n", x$method, x$sample_size, x$looks))
  print(x$at_hr[, vapply(x$at_hr, is.atomic, TRUE), drop = FALSE], row.names = FALSE)
}

# A boundaries result's per-look vectors as a data frame.
.es_looks <- function(x) {
  k <- x$looks
  per_look <- vapply(x, function(v) is.atomic(v) && !is.character(v) && length(v) == k, TRUE)
  per_look[c("looks")] <- FALSE
  if (k == 1) per_look[] <- names(x) %in% c("timing", "z", "nominal_p", "alpha_spent")
  data.frame(look = seq_len(k), x[per_look], check.names = FALSE)
}

#' @rdname es_methods
#' @export
summary.enrichsim_result <- function(object, ...) {
  .es_scalars(object)
}

#' @rdname es_methods
#' @export
summary.es_sweep <- function(object, ...) {
  object$points
}

#' @rdname es_methods
#' @export
summary.es_boundaries <- function(object, ...) {
  .es_looks(object)
}

#' @rdname es_methods
#' @export
summary.es_compare <- function(object, ...) {
  d <- object$designs
  data.frame(
    design = d$name, file = d$file, power = d$power, power_se = d$power_se,
    reject_any = d$reject_any, screened_mean = d$screened_mean,
    randomised_mean = d$randomised_mean, events_mean = d$events_mean,
    duration_mean = d$duration_mean, stringsAsFactors = FALSE
  )
}

#' @rdname es_methods
#' @export
plot.es_sweep <- function(x, ...) {
  p <- x$points
  key <- x$keys[1]
  others <- x$keys[-1]
  group <- if (length(others) > 0) {
    interaction(p[others], sep = ", ", drop = TRUE)
  } else {
    factor(rep("power", nrow(p)))
  }
  xs <- as.numeric(p[[key]])
  graphics::plot(range(xs), c(0, 1), type = "n", xlab = key, ylab = "power",
    main = x$scenario, ...)
  levels <- levels(group)
  for (i in seq_along(levels)) {
    on <- group == levels[i]
    o <- order(xs[on])
    graphics::lines(xs[on][o], p$power[on][o], type = "b", col = i, pch = 19)
    graphics::arrows(xs[on], p$power_lower[on], xs[on], p$power_upper[on], angle = 90,
      code = 3, length = 0.03, col = i)
  }
  if (!is.null(x$target_power)) graphics::abline(h = x$target_power, lty = 2)
  if (length(others) > 0) {
    graphics::legend("bottomright", legend = paste(paste(others, collapse = ", "), levels),
      col = seq_along(levels), lty = 1, pch = 19, bty = "n")
  }
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_boundaries <- function(x, ...) {
  l <- .es_looks(x)
  bounds <- l[intersect(c("z", "futility_z", "lower_z"), names(l))]
  graphics::matplot(l$timing, as.matrix(bounds), type = "b", pch = 19, lty = 1,
    col = seq_along(bounds), xlab = "information fraction", ylab = "z bound",
    main = x$spending, xlim = c(0, 1), ...)
  graphics::legend("topright", legend = names(bounds), col = seq_along(bounds), lty = 1,
    pch = 19, bty = "n")
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_at_hr <- function(x, ...) {
  a <- x$at_hr[order(x$at_hr$hazard_ratio), ]
  graphics::plot(a$hazard_ratio, a$power, type = "b", pch = 19, ylim = c(0, 1),
    xlab = "hazard ratio (every stratum)", ylab = "power", main = x$scenario, ...)
  graphics::abline(h = x$alpha, lty = 3)
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_size <- function(x, ...) {
  p <- x$points
  graphics::plot(p$value, p$power, pch = 19, ylim = c(0, 1), xlab = x$key, ylab = "power",
    main = x$scenario, ...)
  graphics::arrows(p$value, p$power - 2 * p$power_se, p$value, p$power + 2 * p$power_se,
    angle = 90, code = 3, length = 0.03)
  graphics::abline(h = x$target_power, lty = 2)
  graphics::abline(v = x$value, lty = 3)
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_run <- function(x, ...) {
  s <- x$stages
  probs <- rbind(efficacy = s$efficacy_prob, futility = s$futility_prob)
  colnames(probs) <- paste("look", s$look)
  graphics::barplot(probs, beside = TRUE, ylim = c(0, 1), legend.text = TRUE,
    ylab = "probability of stopping", main = x$scenario, ...)
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_compare <- function(x, ...) {
  d <- x$designs
  mid <- graphics::barplot(d$power, names.arg = d$name, ylim = c(0, 1), ylab = "power",
    main = "power by design (common random numbers)", ...)
  graphics::arrows(mid, d$power - 2 * d$power_se, mid, d$power + 2 * d$power_se, angle = 90,
    code = 3, length = 0.05)
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_predict <- function(x, ...) {
  m <- x$months
  d <- m$deaths
  looks <- x$looks
  top <- max(c(d$upper_95, looks$events), na.rm = TRUE)
  graphics::plot(m$month, d$median, type = "n", xlim = c(0, max(m$month)), ylim = c(0, top),
    xlab = "months from the start of recruitment", ylab = "cumulative deaths",
    main = x$scenario, ...)
  graphics::polygon(c(m$month, rev(m$month)), c(d$lower_95, rev(d$upper_95)),
    col = "grey90", border = NA)
  graphics::polygon(c(m$month, rev(m$month)), c(d$lower_80, rev(d$upper_80)),
    col = "grey75", border = NA)
  graphics::lines(c(x$cut, m$month), c(x$deaths, d$median), lwd = 2)
  graphics::points(x$cut, x$deaths, pch = 19)
  graphics::abline(v = x$cut, lty = 3)
  graphics::abline(h = looks$events, lty = 2, col = "grey40")
  graphics::legend("topleft", bty = "n", legend = c("deaths at the cut",
    "predicted median", "80% and 95% prediction intervals", "planned looks' deaths"),
    pch = c(19, NA, 15, NA), lty = c(NA, 1, NA, 2), lwd = c(NA, 2, NA, 1),
    col = c("black", "black", "grey75", "grey40"))
  invisible(x)
}

#' @rdname es_methods
#' @export
plot.es_monitor <- function(x, ...) {
  l <- x$looks
  graphics::plot(l$fraction, l$efficacy_bound, type = "b", pch = 1, lty = 2,
    ylim = range(c(l$efficacy_bound, l$futility_bound, l$z, 0), na.rm = TRUE),
    xlim = c(0, 1), xlab = "information fraction (deaths / maximum deaths)",
    ylab = "log-rank z (> 0 favours treatment)", main = x$scenario, ...)
  if (any(is.finite(l$futility_bound))) {
    graphics::lines(l$fraction, l$futility_bound, type = "b", pch = 2, lty = 3)
  }
  graphics::lines(l$fraction, l$z, type = "b", pch = 19, lwd = 2)
  graphics::legend("topleft", bty = "n", legend = c("efficacy bound", "futility bound",
    "observed z"), pch = c(1, 2, 19), lty = c(2, 3, 1))
  invisible(x)
}
