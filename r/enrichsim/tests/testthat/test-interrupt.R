# Ctrl-C (SIGINT) stops a simulation: the run ends with the R error "interrupted" and R goes on.
# A second R process runs a simulation too long to finish; this one interrupts it.

test_that("an interrupt stops es_run with the error 'interrupted'", {
  skip_on_os("windows")
  dir <- tempfile("interrupt")
  dir.create(dir)
  lib <- dirname(find.package("enrichsim"))
  script <- file.path(dir, "run.R")
  writeLines(c(
    sprintf("library(enrichsim, lib.loc = %s)", deparse(lib)),
    sprintf("setwd(%s)", deparse(dir)),
    "writeLines(as.character(Sys.getpid()), 'pid.tmp'); file.rename('pid.tmp', 'pid')",
    "start <- Sys.time()",
    "m <- tryCatch({ es_run(es_example('phase3-enriched'), reps = 1e9, threads = 1,",
    "  verbose = FALSE); 'finished' }, error = function(e) conditionMessage(e))",
    "after <- es_boundaries(looks = 2)$looks",
    "writeLines(c(m, format(as.double(Sys.time() - start, units = 'secs')), after), 'out.tmp')",
    "file.rename('out.tmp', 'out')"
  ), script)
  system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", shQuote(script)), wait = FALSE,
    stdout = FALSE, stderr = FALSE)
  wait_for <- function(file, seconds) {
    for (i in seq_len(seconds * 10)) {
      if (file.exists(file)) return(TRUE)
      Sys.sleep(0.1)
    }
    FALSE
  }
  expect_true(wait_for(file.path(dir, "pid"), 60))
  pid <- as.integer(readLines(file.path(dir, "pid")))
  # never leave a runaway simulation behind, whatever happens
  on.exit(if (!file.exists(file.path(dir, "out"))) tools::pskill(pid, tools::SIGKILL), add = TRUE)
  Sys.sleep(1.5)
  tools::pskill(pid, tools::SIGINT)
  expect_true(wait_for(file.path(dir, "out"), 60))
  out <- readLines(file.path(dir, "out"))
  expect_identical(out[1], "es_run(): interrupted")
  expect_identical(out[3], "2")
})
