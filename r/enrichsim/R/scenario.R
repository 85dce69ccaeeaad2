# Scenarios: from a TOML file with overrides (the CLI's --set), or from R lists.

#' A scenario from a TOML file
#'
#' Reads a scenario file (docs/scenario.md) and applies overrides, as the CLI's
#' `--set KEY=VALUE`; the scenario is checked at once.
#'
#' @param file The scenario file (TOML).
#' @param set Overrides: a named list `list(key.path = value)` (values converted to TOML), or
#'   strings `"key.path=TOML value"` as the CLI takes them.
#' @return An object of class `es_scenario`.
#' @export
es_scenario <- function(file, set = list()) {
  fun <- "es_scenario"
  if (!(is.character(file) && length(file) == 1 && !is.na(file) && nzchar(file))) {
    .es_stop_arg(fun, "file", file, "the path of a scenario file (TOML)")
  }
  if (!file.exists(file) || dir.exists(file)) {
    .es_stop_arg(fun, "file", file, "an existing scenario file (TOML)")
  }
  text <- .es_file_text(file)
  .es_make_scenario(fun, text, file, .es_set(fun, set))
}

# The file's exact bytes as UTF-8 text (what the CLI reads).
.es_file_text <- function(file) {
  text <- rawToChar(readBin(file, "raw", n = file.info(file)$size))
  Encoding(text) <- "UTF-8"
  text
}

#' A scenario from R values
#'
#' Builds a scenario from named R values, the scenario file's tables and keys as nested named
#' lists (docs/scenario.md), so that no TOML file is needed. A named list is a TOML table; an
#' unnamed list, a vector of length other than one or a value wrapped in `I()` is an array; a
#' whole double is written as an integer.
#'
#' @param ... The scenario's top-level keys and tables, e.g. `name = "x"`,
#'   `design = list(sample_size = 500, analysis = list(events = 230))`.
#' @param set Overrides, as in [es_scenario()].
#' @return An object of class `es_scenario` (its TOML text in `$text`).
#' @export
es_scenario_list <- function(..., set = list()) {
  fun <- "es_scenario_list"
  values <- list(...)
  keys <- names(values)
  if (length(values) == 0 || is.null(keys) || any(!nzchar(keys))) {
    .es_stop_arg(fun, "...", if (length(values) == 0) NULL else "unnamed values",
      "named scenario keys and tables, e.g. name = \"x\", design = list(...)")
  }
  lines <- vapply(seq_along(values), function(i) {
    paste0(.toml_key(keys[i]), " = ", .toml_value(fun, values[[i]], keys[i]))
  }, "")
  text <- paste0(paste(lines, collapse = "\n"), "\n")
  .es_make_scenario(fun, text, "(es_scenario_list)", .es_set(fun, set))
}

.es_make_scenario <- function(fun, text, file, set) {
  json <- .es_json(fun, "wrap__es_rs_check", text, file, set)
  structure(
    list(text = text, file = file, set = set, name = jsonlite::fromJSON(json)$scenario),
    class = "es_scenario"
  )
}

# Overrides as the CLI's KEY=VALUE strings.
.es_set <- function(fun, set) {
  if (is.null(set) || length(set) == 0) {
    return(character(0))
  }
  if (is.character(set) && is.null(names(set))) {
    if (any(is.na(set)) || !all(grepl("=", set, fixed = TRUE))) {
      .es_stop_arg(fun, "set", set, "strings \"key.path=TOML value\" or a named list")
    }
    return(set)
  }
  keys <- names(set)
  if (!is.list(set) || is.null(keys) || any(!nzchar(keys))) {
    .es_stop_arg(fun, "set", set, "a named list list(key.path = value) or \"key=value\" strings")
  }
  vapply(seq_along(set), function(i) {
    paste0(keys[i], "=", .toml_value(fun, set[[i]], keys[i], arg = "set"))
  }, "")
}

.toml_key <- function(key) {
  if (grepl("^[A-Za-z0-9_-]+$", key)) key else .toml_string(key)
}

.toml_string <- function(x) {
  x <- enc2utf8(x)
  x <- gsub("\\", "\\\\", x, fixed = TRUE)
  x <- gsub("\"", "\\\"", x, fixed = TRUE)
  x <- gsub("\n", "\\n", x, fixed = TRUE)
  x <- gsub("\r", "\\r", x, fixed = TRUE)
  x <- gsub("\t", "\\t", x, fixed = TRUE)
  paste0("\"", x, "\"")
}

# The shortest decimal that reads back as the same double (15 to 17 significant digits); whole
# numbers below 2^53 as integers.
.toml_number <- function(x) {
  vapply(x, function(v) {
    if (v == round(v) && abs(v) < 2^53) {
      return(formatC(v, format = "f", digits = 0))
    }
    for (digits in 15:17) {
      s <- formatC(v, format = "g", digits = digits)
      if (as.double(s) == v) break
    }
    s <- trimws(s)
    if (!grepl("[.eE]", s)) s <- paste0(s, ".0")
    s
  }, "")
}

.toml_value <- function(fun, x, key, arg = "...") {
  if (is.list(x) && !is.data.frame(x)) {
    names <- names(x)
    if (!is.null(names) && all(nzchar(names))) {
      parts <- vapply(seq_along(x), function(i) {
        paste0(.toml_key(names[i]), " = ",
          .toml_value(fun, x[[i]], paste0(key, ".", names[i]), arg))
      }, "")
      return(paste0("{ ", paste(parts, collapse = ", "), " }"))
    }
    if (!is.null(names) && any(nzchar(names))) {
      .es_stop_arg(fun, arg, paste0(key, ": a list with some names"),
        "a list with names for every element (a table) or none (an array)")
    }
    items <- vapply(x, function(v) .toml_value(fun, v, key, arg), "")
    return(paste0("[", paste(items, collapse = ", "), "]"))
  }
  if (is.factor(x)) x <- as.character(x)
  array <- inherits(x, "AsIs") || length(x) != 1
  if (is.character(x)) {
    values <- .toml_string(x)
  } else if (is.logical(x)) {
    values <- ifelse(x, "true", "false")
  } else if (is.numeric(x)) {
    if (any(!is.finite(x))) {
      .es_stop_arg(fun, arg, paste0(key, " = ", paste(x, collapse = ", ")), "finite numbers")
    }
    values <- .toml_number(as.double(x))
  } else {
    .es_stop_arg(fun, arg, paste0(key, ": ", class(x)[1]),
      "character, numeric or logical values, or lists of them")
  }
  if (any(is.na(x))) {
    .es_stop_arg(fun, arg, paste0(key, " = NA"), "values that are not NA")
  }
  if (array) paste0("[", paste(values, collapse = ", "), "]") else values
}

#' @export
print.es_scenario <- function(x, ...) {
  cat("<es_scenario> ", x$name, "\n", sep = "")
  cat("  file: ", x$file, "\n", sep = "")
  if (length(x$set) > 0) {
    cat("  set:  ", paste(x$set, collapse = "\n        "), "\n", sep = "")
  }
  invisible(x)
}

#' The scenarios shipped with the package
#'
#' @param name A scenario's file name without `.toml` (e.g. `"phase3-enriched"`); `NULL` lists
#'   them.
#' @return The path of the scenario file, or the names of all.
#' @export
es_example <- function(name = NULL) {
  dir <- system.file("scenarios", package = "enrichsim")
  all <- sub("\\.toml$", "", list.files(dir, pattern = "\\.toml$"))
  if (is.null(name)) {
    return(all)
  }
  if (!(is.character(name) && length(name) == 1 && name %in% all)) {
    .es_stop_arg("es_example", "name", name, paste(all, collapse = ", "))
  }
  file.path(dir, paste0(name, ".toml"))
}
