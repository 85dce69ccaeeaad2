# Every function against the CLI's JSON on the shipped scenarios: equal, bit for bit.

test_that("the shipped scenarios are the reference's", {
  files <- scenario_files()
  expect_gte(length(files), 20)
  for (f in files) {
    expect_true(file.exists(ref_path(paste0("validate-", sub("\\.toml$", "", f)))), label = f)
  }
})

test_that("es_validate equals enrichsim validate on every shipped scenario", {
  in_scenarios(for (f in scenario_files()) {
    expect_cli(es_validate(es_scenario(f)), paste0("validate-", sub("\\.toml$", "", f)))
  })
})

test_that("es_design equals enrichsim design on every shipped scenario", {
  in_scenarios(for (f in scenario_files()) {
    expect_cli(es_design(f), paste0("design-", sub("\\.toml$", "", f)))
  })
})

test_that("es_run equals enrichsim run (--reps 100 --seed 7) on every shipped scenario", {
  in_scenarios(for (f in scenario_files()) {
    r <- es_run(es_scenario(f), reps = 100, seed = 7, threads = 2, verbose = FALSE)
    expect_s3_class(r, "es_run")
    expect_cli(r, paste0("run-", sub("\\.toml$", "", f)))
  })
})

test_that("es_run with overrides, one thread and the global null equals the CLI", {
  in_scenarios({
    s <- es_scenario("phase3-enriched.toml", set = list(
      design.sample_size = 600,
      effect.hazard_ratio = list(low = 0.6, moderate = 0.7, high = 1.0)
    ))
    expect_cli(es_run(s, reps = 150, seed = 3, threads = 1, verbose = FALSE),
      "run-enriched-set")
    # the same overrides as the CLI's strings
    s2 <- es_scenario("phase3-enriched.toml", set = c("design.sample_size=600",
      "effect.hazard_ratio={ low = 0.6, moderate = 0.7, high = 1.0 }"))
    expect_cli(es_run(s2, reps = 150, seed = 3, threads = 2, verbose = FALSE),
      "run-enriched-set")
    expect_cli(es_run("phase3-enriched.toml", reps = 100, seed = 11, global_null = TRUE,
      verbose = FALSE), "run-enriched-null")
  })
})

test_that("es_design's options equal the CLI's", {
  in_scenarios({
    a <- es_design("phase3-enriched.toml", at_hr = c(1, 0.8, 0.65))
    expect_s3_class(a, "es_at_hr")
    expect_cli(a, "design-enriched-athr")
    expect_cli(es_design("phase3-enriched-sequential.toml", at_hr = c(1, 0.75, 0.6),
      method = "freedman"), "design-sequential-athr")
    expect_cli(es_design("phase3-enriched.toml", solve = "accrual", power = 0.8),
      "design-enriched-accrual")
    expect_cli(es_design("phase3-allcomers.toml", method = "hsieh_freedman", power = 0.85),
      "design-allcomers-hsieh")
  })
})

test_that("es_boundaries equals enrichsim boundaries", {
  expect_cli(es_boundaries(), "boundaries-default")
  expect_cli(es_boundaries(looks = 3, spending = "asOF", alpha = 0.025, power = 0.9,
    events = 300), "boundaries-asof-power")
  expect_cli(es_boundaries(looks = 4, spending = "hsd:-4", power = 0.8, futility = "asOF",
    timing = c(0.3, 0.5, 0.8, 1)), "boundaries-hsd-futility")
  expect_cli(es_boundaries(looks = 3, spending = "PT", delta_pt1 = 0.2, delta_pt0 = 0.1,
    power = 0.9), "boundaries-pt")
  expect_cli(es_boundaries(looks = 3, spending = "asOF", alpha = 0.025, lower_spending = "asP",
    lower_alpha = 0.1), "boundaries-lower")
  expect_cli(es_boundaries(looks = 3, spending = "asUser", user_alpha = c(0.005, 0.015, 0.025),
    power = 0.9, futility = "bsUser", user_beta = c(0.02, 0.05, 0.1)), "boundaries-user")
})

test_that("es_sweep equals enrichsim sweep: one row per grid point", {
  in_scenarios({
    s <- es_sweep("phase3-enriched.toml",
      vary = list(design.sample_size = c(400, 500), effect.hazard_ratio.moderate = c(0.6, 0.7)),
      reps = 100, seed = 5, target_power = 0.8, verbose = FALSE)
    expect_cli(s, "sweep-enriched")
    expect_s3_class(s$points, "data.frame")
    expect_identical(nrow(s$points), 4L)
    expect_identical(nrow(summary(s)), 4L)
    # the CLI's --vary strings give the same
    s2 <- es_sweep("phase3-enriched.toml", vary = c("design.sample_size=400,500",
      "effect.hazard_ratio.moderate=0.6,0.7"), reps = 100, seed = 5, target_power = 0.8,
      verbose = FALSE)
    expect_cli(s2, "sweep-enriched")
  })
})

test_that("es_size equals enrichsim size", {
  in_scenarios(expect_cli(es_size("phase3-enriched.toml", target_power = 0.8, reps = 200,
    seed = 2, verbose = FALSE), "size-enriched"))
})

test_that("es_compare equals enrichsim compare", {
  in_scenarios({
    c1 <- es_compare("phase3-enriched.toml", es_scenario("phase3-allcomers.toml"), reps = 100,
      seed = 4, verbose = FALSE)
    expect_cli(c1, "compare-enriched-allcomers")
    expect_identical(nrow(summary(c1)), 2L)
  })
})

test_that("es_analyze equals enrichsim analyze on a simulated replicate", {
  d <- utils::read.csv(test_path("ref", "replicate.csv"), stringsAsFactors = FALSE)
  expect_cli(es_analyze(d, time = "months", event = "death", arm = "arm", strata = "stratum"),
    "analyze-replicate")
  expect_cli(es_analyze(d, time = "months", event = "death", arm = "arm", test = "fh(0,1)",
    ties = "breslow"), "analyze-replicate-fh")
})

test_that("a scenario from R lists equals the same scenario from its file", {
  in_scenarios({
    from_list <- es_scenario_list(
      name = "IL-2LD Phase 3, enriched for low and moderate pNFH",
      biomarker = list(name = "CSF pNFH", unit = "pg/mL", median = 2000, gsd = 2.1,
        assay_cv = 0.10, cutpoints = c(750, 3700), strata = c("low", "moderate", "high")),
      control = list(low = list(median = 30.6), moderate = list(median = 30.6),
        high = list(median = 12.2)),
      effect = list(hazard_ratio = list(low = 0.65, moderate = 0.65, high = 1.0), delay = 0),
      enrolment = list(rate = list(list(from = 0, per_month = 10), list(from = 6, per_month = 25)),
        screen_failure = 0.10),
      dropout = list(per_year = 0.05),
      design = list(eligible = c("low", "moderate"), sample_size = 500, allocation = c(1, 1),
        randomisation = "stratified_blocks", block_size = 4, analysis = list(events = 230),
        test = "stratified_logrank", alpha = 0.025,
        hypotheses = list(S = c("low", "moderate"))),
      calibration = list(population = "screened", targets = list(list(arm = "control",
        at = 21.0, alive = 61, of = 110,
        source = "docs/mirocals.md:22: placebo 61/110 alive at the end of follow-up (MND Association summary)")))
    )
    expect_s3_class(from_list, "es_scenario")
    expect_cli(es_run(from_list, reps = 100, seed = 7, verbose = FALSE), "run-phase3-enriched")
    v <- es_validate(from_list)
    expect_identical(drop_elapsed(unclass(v))[-1], drop_elapsed(unclass(
      es_validate("phase3-enriched.toml")))[-1])
  })
})

test_that("es_monitor equals enrichsim monitor at looks 1 and 2", {
  in_scenarios({
    d1 <- read.csv(file.path(ref_dir, "monitor-look1.csv"))
    d2 <- read.csv(file.path(ref_dir, "monitor-look2.csv"))
    m1 <- es_monitor("phase3-enriched-sequential.toml", d1, look = 1, time = "months",
      event = "death", arm = "arm", strata = "stratum")
    expect_s3_class(m1, "es_monitor")
    expect_cli(m1, "monitor-look1")
    m2 <- es_monitor("phase3-enriched-sequential.toml", d2, look = 2, time = "months",
      event = "death", arm = "arm", strata = "stratum", previous = "77:0.978")
    expect_cli(m2, "monitor-look2")
    expect_identical(m2$decision, "reject")
    # the earlier looks as a data frame, the CLI's other options as R values
    m3 <- es_monitor("phase3-enriched-sequential.toml", d2, look = 2, time = "months",
      event = "death", arm = "arm",
      previous = data.frame(events = 77, z = 0.978, allocation = 1.01),
      planned_hr = 0.7, prior = c(0.65, 0.4, 1.05), timefix = FALSE)
    expect_cli(m3, "monitor-look2-options")
    expect_output(print(m2), "reject")
    pdf(NULL)
    on.exit(dev.off(), add = TRUE)
    expect_invisible(plot(m2))
  })
})

test_that("es_predict equals enrichsim predict, from the file and from a data frame", {
  old <- setwd(ref_dir)
  on.exit(setwd(old))
  s <- es_example("phase3-enriched")
  p <- es_predict(s, "predict.csv", sims = 300, seed = 4)
  expect_s3_class(p, "es_predict")
  expect_cli(p, "predict")
  o <- es_predict(s, "predict.csv", sims = 200, seed = 5, hazard = "exponential",
    events = c(150, 230), sample_size = 520, horizon = 36, cut = as.Date("2025-12-15"),
    parameter_uncertainty = FALSE)
  expect_cli(o, "predict-options")
  # the same data as a data frame (written back with every digit): the same numbers
  d <- utils::read.csv("predict.csv", stringsAsFactors = FALSE)
  q <- es_predict(s, d, sims = 300, seed = 4)
  expect_identical(q$data_file, "d")
  got <- unclass(q)
  want <- unclass(p)
  got$data_file <- want$data_file <- NULL
  attr(got, "json") <- attr(want, "json") <- NULL
  expect_identical(got, want)
  expect_output(print(p), "blinded event prediction")
  pdf(NULL)
  on.exit(dev.off(), add = TRUE)
  expect_invisible(plot(p))
})
