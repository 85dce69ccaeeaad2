# Oracle: the CAFS joint rank test (Finkelstein and Schoenfeld 1999, Stat Med 18:1341-1354;
# Berry et al. 2013, Amyotroph Lateral Scler Frontotemporal Degener 14:162-168), for
# tests/it/oracle_cafs.rs. Run from the repository root:
#   Rscript tests/r/oracle_cafs.R > tests/data/oracles/cafs.expected.json
# It also (re)writes the data set tests/data/oracles/cafs-dataset.csv. Needs only base R
# (Debian: apt-get install -y --no-install-recommends r-base-core).
#
# The data set (seed 1999): 300 patients, 1:1 by permuted blocks of 4, two strata (0, 1; hazard
# 1.6 times higher in stratum 1), exponential survival (control median 24 months, hazard ratio
# 0.75), administrative censoring uniform on 6..24 months and 10% early dropout uniform on
# 0..12 months, times rounded to a quarter month (many ties, deaths and censorings at the same
# time, some exactly at the 12-month horizon); ALSFRS-R change from baseline at 12 months,
# whole numbers (normal, mean -12 control / -9 treatment, sd 7), only for the patients alive at
# 12 months and missing (NA) for 12% of them. Columns: id, arm (treatment/control), stratum,
# months, death (1/0), change (NA when not observed).
#
# The statistic, computed pair by pair (O(n^2)) from the papers, at horizon t = 12 months:
#   truncation: dead_i = death_i & months_i <= t, T_i = min(months_i, t); alive at the horizon:
#               T_i = t & !dead_i;
#   u_ij = +1   if dead_j & (T_j < T_i | (T_j = T_i & !dead_i))   (i outlived j; Gehan 1965)
#          -1   if the same with i and j exchanged
#          sign(change_i - change_j) if both alive at the horizon and both changes observed
#           0   otherwise (u_ii = 0; across strata 0 when stratified);
#   U_i = sum_j u_ij; T = sum_{treated} U_i; Var = sum_strata n_t n_c / (n (n - 1)) sum U_i^2;
#   z = T / sqrt(Var) (> 0 favours treatment), p = 1 - pnorm(z) (one-sided);
#   wins, losses, ties over the treatment-control pairs (within strata when stratified);
#   win_probability = (wins + ties / 2) / (n_t n_c), win_ratio = wins / losses.
# Values: `unstratified` and `stratified` (by `stratum`), each with the scores U_i in the data
# set's order, and counts describing the data. 17 significant digits.
source("tests/r/oracle_json.R")
json_digits <- 17

csv_path <- "tests/data/oracles/cafs-dataset.csv"
horizon <- 12

set.seed(1999)
n <- 300
arm <- as.vector(replicate(n / 4, sample(c(1, 1, 0, 0))))
stratum <- rbinom(n, 1, 0.4)
rate <- log(2) / 24 * ifelse(arm == 1, 0.75, 1) * ifelse(stratum == 1, 1.6, 1)
event <- rexp(n, rate)
follow <- runif(n, 6, 24)
dropout <- ifelse(runif(n) < 0.1, runif(n, 0, 12), Inf)
cens <- pmin(follow, dropout)
months <- round(pmin(event, cens) * 4) / 4
death <- as.integer(event <= cens)
alive12 <- months >= horizon & !(death == 1 & months == horizon)
change <- round(rnorm(n, ifelse(arm == 1, -9, -12), 7))
change[!alive12 | runif(n) < 0.12] <- NA
d <- data.frame(id = seq_len(n), arm = ifelse(arm == 1, "treatment", "control"),
                stratum = stratum, months = months, death = death, change = change)
write.csv(d, csv_path, row.names = FALSE, quote = FALSE)

# From here on, only the data as read back.
d <- read.csv(csv_path)
trt <- d$arm == "treatment"
dead <- d$death == 1 & d$months <= horizon
tt <- pmin(d$months, horizon)
at <- tt == horizon & !dead
ch <- d$change
stopifnot(any(d$months == horizon & d$death == 1), any(d$months == horizon & d$death == 0),
          any(at & is.na(ch)), any(duplicated(tt[dead])))

idx <- seq_len(nrow(d))
outlived <- outer(idx, idx, function(i, j) dead[j] & (tt[j] < tt[i] | (tt[j] == tt[i] & !dead[i])))
both <- outer(idx, idx, function(i, j) at[i] & at[j] & !is.na(ch[i]) & !is.na(ch[j]))
by_change <- outer(idx, idx, function(i, j) sign(ch[i] - ch[j]))
u <- ifelse(outlived, 1, ifelse(t(outlived), -1, ifelse(both, by_change, 0)))
diag(u) <- 0

cafs <- function(stratified) {
  s <- if (stratified) d$stratum else rep(0, nrow(d))
  v <- u
  v[outer(s, s, "!=")] <- 0
  U <- rowSums(v)
  stat <- sum(U[trt])
  variance <- 0
  pairs <- 0
  for (k in sort(unique(s))) {
    m <- s == k
    nt <- sum(trt & m)
    nc <- sum(!trt & m)
    nk <- nt + nc
    if (nk >= 2) variance <- variance + nt * nc / (nk * (nk - 1)) * sum(U[m]^2)
    pairs <- pairs + nt * nc
  }
  tc <- v[trt, !trt]
  same <- outer(s[trt], s[!trt], "==")
  wins <- sum(tc == 1 & same)
  losses <- sum(tc == -1 & same)
  ties <- pairs - wins - losses
  stopifnot(stat == wins - losses, sum(U) == 0)
  z <- if (variance > 0) stat / sqrt(variance) else 0
  list(
    scores = I(U),
    statistic = stat,
    variance = variance,
    z = z,
    p = if (variance > 0) pnorm(z, lower.tail = FALSE) else 1,
    wins = wins,
    losses = losses,
    ties = ties,
    win_probability = (wins + ties / 2) / pairs,
    win_ratio = wins / losses
  )
}

values <- list(
  n = nrow(d),
  treated = sum(trt),
  horizon = horizon,
  deaths_by_horizon = sum(dead),
  alive_at_horizon = sum(at),
  changes_observed = sum(at & !is.na(ch)),
  unstratified = cafs(FALSE),
  stratified = cafs(TRUE)
)

write_oracle(
  script = "tests/r/oracle_cafs.R",
  output = "tests/data/oracles/cafs.expected.json",
  calls = paste(
    "writes tests/data/oracles/cafs-dataset.csv (seed 1999: see the script's header), then",
    "d <- read.csv(it); at horizon 12 months, the pairwise scores u_ij of Finkelstein and",
    "Schoenfeld (1999) by outer() over all pairs (Gehan's rule on truncated survival, then",
    "sign(change_i - change_j) for two patients alive at 12 months with observed changes);",
    "U = rowSums(u) (within strata when stratified); T = sum(U[treated]);",
    "Var = sum over strata of n_t n_c / (n (n - 1)) sum(U^2); z = T / sqrt(Var);",
    "p = pnorm(z, lower.tail = FALSE); wins/losses/ties over treatment-control pairs"),
  values = values,
  notes = paste(
    "No package: the test is written from Finkelstein and Schoenfeld (1999, Stat Med",
    "18:1341-1354) and Berry et al. (2013, Amyotroph Lateral Scler Frontotemporal Degener",
    "14:162-168). 17 significant digits."),
  packages = character(0),
  debian = "r-base-core"
)
