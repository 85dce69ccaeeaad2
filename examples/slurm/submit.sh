#!/usr/bin/env bash
# Submits an enrichsim run, sweep or size search as N shards on a Slurm cluster, and the merge
# as a job that starts when every shard has succeeded.
#
#   examples/slurm/submit.sh N "MERGE OPTIONS" ENRICHSIM COMMAND LINE...
#   examples/slurm/submit.sh 8 "--output power.csv --plot power.svg" \
#       sweep scenarios/phase3-enriched.toml --vary design.analysis.events=150:300:50 --reps 100000
#
# Shard files go to $ENRICHSIM_OUT (default: shards/<date-time>); prints the two job ids.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:?number of shards}
merge_options=${2?merge options (may be "")}
shift 2
export ENRICHSIM_OUT=${ENRICHSIM_OUT:-shards/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$ENRICHSIM_OUT"
array=$(sbatch --parsable --array=0-$((n - 1)) "$here/shard.sbatch" "$@")
array=${array%%;*}
# shellcheck disable=SC2086 # the merge options are words
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes "$here/merge.sbatch" $merge_options)
echo "shards: job array $array ($n tasks) writing $ENRICHSIM_OUT; merge: job $merge"
