#!/usr/bin/env bash
# enrichsim against rpact on the rpact-equivalent trial, interleaved in one session: each round
# times rpact (10,000 replicates, benches/rpact_reference.R), then enrichsim with both cores
# (40,000 replicates) and with one (20,000). On a virtual machine whose speed drifts, compare the
# best of several rounds, or the rounds pairwise; never one figure against another day's.
# Usage: bash benches/compare_rpact.sh [ROUNDS]   (needs R with rpact, see the R script)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
cargo build --release --quiet
bin=target/release/enrichsim
scenario=$(mktemp --suffix=.toml)
trap 'rm -f "$scenario"' EXIT
cat > "$scenario" <<'TOML'
name = "rpact-equivalent: 600 subjects over 24 months, 300 events, HR 0.7"
[control]
all = { median = 30.0 }
[effect]
hazard_ratio = 0.7
[enrolment]
rate = 25.0
[design]
sample_size = 600
analysis = { events = 300 }
test = "logrank"
TOML
for _ in $(seq "$rounds"); do
  Rscript benches/rpact_reference.R
  for threads in 2 1; do
    reps=$((20000 * threads))
    start=$(date +%s.%N)
    "$bin" run "$scenario" --reps "$reps" --threads "$threads" --quiet > /dev/null
    end=$(date +%s.%N)
    awk -v r="$reps" -v t="$threads" -v s="$start" -v e="$end" 'BEGIN {
      printf "enrichsim, %d thread(s): %d replicates in %.3f s = %.0f per second\n", t, r, e - s, r / (e - s) }'
  done
done
