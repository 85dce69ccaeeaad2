# Internal helpers: calling the Rust library, parsing its JSON, checking arguments.

#' @useDynLib enrichsim, .registration = TRUE
NULL

# Raises an R error from the function `fun` naming `arg`, the value and what is allowed
# (the library's message form: "argument `x`: got V; allowed: A").
.es_stop_arg <- function(fun, arg, value, allowed) {
  shown <- if (is.null(value)) "NULL" else if (length(value) == 0) {
    paste0(class(value)[1], "(0)")
  } else {
    paste(utils::head(format(value), 5), collapse = ", ")
  }
  stop(sprintf("%s(): argument `%s`: got %s; allowed: %s", fun, arg, shown, allowed),
    call. = FALSE)
}

# The library's message with the CLI's option names (`--at-hr`) given as R's argument names
# (`at_hr`), and "option" as "argument".
.es_message <- function(message) {
  m <- gregexpr("--[a-z][a-z0-9-]*", message, perl = TRUE)
  regmatches(message, m) <- lapply(regmatches(message, m), function(s) {
    gsub("-", "_", substring(s, 3), fixed = TRUE)
  })
  gsub("option `([A-Za-z0-9_]+)`", "argument `\\1`", message, perl = TRUE)
}

# Calls the Rust routine `name` (a wrapper of rust/src/lib.rs) and returns its JSON, or raises
# the library's error as an R error from `fun`.
.es_json <- function(fun, name, ...) {
  answer <- .Call(name, ..., PACKAGE = "enrichsim")
  if (identical(answer[1], "ok")) {
    return(answer[2])
  }
  message <- .es_message(answer[2])
  if (startsWith(message, "interrupted")) {
    message <- "interrupted"
  }
  stop(sprintf("%s(): %s", fun, message), call. = FALSE)
}

# Parses the CLI's JSON into R lists and data frames (jsonlite: arrays of records become data
# frames, arrays of numbers vectors; doubles are read exactly) with the class `class` and the
# JSON itself as attribute "json".
.es_parse <- function(json, class) {
  value <- jsonlite::fromJSON(json, simplifyVector = TRUE)
  structure(value, class = c(class, "enrichsim_result", "list"), json = json)
}

# The JSON text the result was made from (the CLI's, byte for byte; see es_json()).
#' @export
es_json <- function(x) {
  json <- attr(x, "json", exact = TRUE)
  if (is.null(json)) {
    .es_stop_arg("es_json", "x", class(x)[1], "a result of an es_* function")
  }
  json
}

.es_flag <- function(fun, arg, x) {
  if (!(is.logical(x) && length(x) == 1 && !is.na(x))) {
    .es_stop_arg(fun, arg, x, "TRUE or FALSE")
  }
  x
}

.es_number <- function(fun, arg, x, allowed = "a finite number", null = FALSE) {
  if (null && is.null(x)) {
    return(NaN)
  }
  if (!(is.numeric(x) && length(x) == 1 && is.finite(x))) {
    .es_stop_arg(fun, arg, x, if (null) paste0("NULL or ", allowed) else allowed)
  }
  as.double(x)
}

.es_numbers <- function(fun, arg, x, allowed = "finite numbers") {
  if (is.null(x)) {
    return(double(0))
  }
  if (!(is.numeric(x) && length(x) >= 1 && all(is.finite(x)))) {
    .es_stop_arg(fun, arg, x, paste0("NULL or ", allowed))
  }
  as.double(x)
}

.es_string <- function(fun, arg, x, allowed = "a character string", null = FALSE) {
  if (null && is.null(x)) {
    return("")
  }
  if (!(is.character(x) && length(x) == 1 && !is.na(x) && nzchar(x))) {
    .es_stop_arg(fun, arg, x, if (null) paste0("NULL or ", allowed) else allowed)
  }
  x
}

.es_reps <- function(fun, reps) {
  if (!(is.numeric(reps) && length(reps) == 1 && is.finite(reps) && reps == round(reps) &&
    reps >= 1 && reps <= 1e9)) {
    .es_stop_arg(fun, "reps", reps, "a whole number in 1..1e9")
  }
  as.double(reps)
}

# The seed as the decimal text of a 64-bit unsigned integer (a number up to 2^53, or a string
# of digits for larger seeds).
.es_seed <- function(fun, seed) {
  if (is.character(seed) && length(seed) == 1 && grepl("^[0-9]{1,20}$", seed)) {
    return(seed)
  }
  if (!(is.numeric(seed) && length(seed) == 1 && is.finite(seed) && seed == round(seed) &&
    seed >= 0 && seed <= 2^53)) {
    .es_stop_arg(fun, "seed", seed,
      "a whole number in 0..2^53 (or a string of digits up to 2^64 - 1)")
  }
  formatC(seed, format = "f", digits = 0)
}

.es_threads <- function(fun, threads) {
  if (is.null(threads)) {
    return(0L)
  }
  if (!(is.numeric(threads) && length(threads) == 1 && is.finite(threads) &&
    threads == round(threads) && threads >= 1 && threads <= 1024)) {
    .es_stop_arg(fun, "threads", threads, "NULL (all cores) or a whole number in 1..1024")
  }
  as.integer(threads)
}

.es_scenario_arg <- function(fun, scenario, arg = "scenario") {
  if (inherits(scenario, "es_scenario")) {
    return(scenario)
  }
  if (is.character(scenario) && length(scenario) == 1 && !is.na(scenario)) {
    return(es_scenario(scenario))
  }
  .es_stop_arg(fun, arg, if (is.list(scenario)) "a list" else scenario,
    "a scenario from es_scenario() or es_scenario_list(), or a scenario file name")
}
