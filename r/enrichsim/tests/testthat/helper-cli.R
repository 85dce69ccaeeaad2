# The CLI's JSON (ref/, made by r/make-reference.sh with the commands in ref/COMMANDS.txt) and
# how a result is compared with it: the JSON text line by line, and the parsed values with
# identical(), both without the wall-clock field elapsed_s (the only field that is not a
# function of the inputs and the seed).

ref_dir <- normalizePath(test_path("ref"))
ref_path <- function(id) file.path(ref_dir, paste0(id, ".json"))

json_lines <- function(json) {
  lines <- strsplit(json, "\n", fixed = TRUE)[[1]]
  lines[!grepl("^\\s*\"elapsed_s\":", lines)]
}

drop_elapsed <- function(x) {
  if (is.list(x) && !is.data.frame(x)) {
    x$elapsed_s <- NULL
    x[] <- lapply(x, drop_elapsed)
  }
  x
}

expect_cli <- function(result, id) {
  ref_json <- paste(readLines(ref_path(id), warn = FALSE), collapse = "\n")
  expect_identical(json_lines(es_json(result)), json_lines(ref_json), label = id)
  got <- unclass(result)
  attr(got, "json") <- NULL
  expect_identical(drop_elapsed(got), drop_elapsed(jsonlite::fromJSON(ref_json)), label = id)
}

scenario_dir <- function() system.file("scenarios", package = "enrichsim")

# Runs `code` in the folder of the shipped scenarios, where the reference commands ran (so the
# file names in the JSON agree).
in_scenarios <- function(code) {
  old <- setwd(scenario_dir())
  on.exit(setwd(old))
  force(code)
}

scenario_files <- function() list.files(scenario_dir(), pattern = "\\.toml$")
