#!/usr/bin/env bash
# Writes the CLI's JSON that the R package's tests compare with (r/enrichsim/tests/testthat/ref/),
# and copies the shipped scenarios into the package (r/enrichsim/inst/scenarios/).
#
#   bash r/make-reference.sh [path/to/enrichsim]   (default: target/release/enrichsim)
#
# Every command runs in the scenarios folder on the bare file name, as the R tests call
# es_scenario("<name>.toml") there, so file names in the JSON agree. Each command line is
# written to ref/COMMANDS.txt. Re-run after any change to the library's numbers.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(cd "$root" && realpath "${1:-target/release/enrichsim}")"
pkg="$root/r/enrichsim"
ref="$pkg/tests/testthat/ref"
rm -rf "$ref" "$pkg/inst/scenarios"
mkdir -p "$ref" "$pkg/inst/scenarios"
cp "$root"/scenarios/*.toml "$pkg/inst/scenarios/"
cd "$pkg/inst/scenarios"
: > "$ref/COMMANDS.txt"
# one ID ARGS...: runs `enrichsim ARGS... --format json` into ref/ID.json
one() {
    local id="$1"
    shift
    echo "$id: enrichsim $* --format json" >> "$ref/COMMANDS.txt"
    "$bin" "$@" --format json > "$ref/$id.json"
}
for f in *.toml; do
    s="${f%.toml}"
    one "validate-$s" validate "$f"
    one "design-$s" design "$f"
    one "run-$s" run "$f" --reps 100 --seed 7 -q
done
one "run-enriched-set" run phase3-enriched.toml --reps 150 --seed 3 --threads 1 -q \
    --set design.sample_size=600 --set 'effect.hazard_ratio={ low = 0.6, moderate = 0.7, high = 1.0 }'
one "run-enriched-null" run phase3-enriched.toml --reps 100 --seed 11 --global-null -q
one "design-enriched-athr" design phase3-enriched.toml --at-hr 1,0.8,0.65
one "design-sequential-athr" design phase3-enriched-sequential.toml --at-hr 1,0.75,0.6 --method freedman
one "design-enriched-accrual" design phase3-enriched.toml --solve accrual --power 0.8
one "design-allcomers-hsieh" design phase3-allcomers.toml --method hsieh_freedman --power 0.85
one "boundaries-default" boundaries
one "boundaries-asof-power" boundaries --looks 3 --spending asOF --alpha 0.025 --power 0.9 --events 300
one "boundaries-hsd-futility" boundaries --looks 4 --spending hsd:-4 --power 0.8 --futility asOF --timing 0.3,0.5,0.8,1
one "boundaries-pt" boundaries --looks 3 --spending PT --delta-pt1 0.2 --delta-pt0 0.1 --power 0.9
one "boundaries-lower" boundaries --looks 3 --spending asOF --alpha 0.025 --lower-spending asP --lower-alpha 0.1
one "boundaries-user" boundaries --looks 3 --spending asUser --user-alpha 0.005,0.015,0.025 --power 0.9 --futility bsUser --user-beta 0.02,0.05,0.1
one "sweep-enriched" sweep phase3-enriched.toml --vary design.sample_size=400,500 \
    --vary effect.hazard_ratio.moderate=0.6,0.7 --reps 100 --seed 5 -q --target-power 0.8
one "size-enriched" size phase3-enriched.toml --target-power 0.8 --reps 200 --seed 2 -q
one "compare-enriched-allcomers" compare phase3-enriched.toml phase3-allcomers.toml --reps 100 --seed 4 -q
"$bin" simulate-data phase3-enriched.toml --replicate 3 --seed 7 > "$ref/replicate.csv"
echo "replicate.csv: enrichsim simulate-data phase3-enriched.toml --replicate 3 --seed 7" >> "$ref/COMMANDS.txt"
one "analyze-replicate" analyze "$ref/replicate.csv" --time months --event death --arm arm --strata stratum
one "analyze-replicate-fh" analyze "$ref/replicate.csv" --time months --event death --arm arm --test 'fh(0,1)' --ties breslow
# The data monitoring committee's looks 1 and 2 of phase3-enriched-sequential.toml (replicate 3,
# as in docs/monitor.md), shipped with the package for its example.
"$bin" simulate-data phase3-enriched-sequential.toml --replicate 3 --look 1 > "$ref/monitor-look1.csv"
echo "monitor-look1.csv: enrichsim simulate-data phase3-enriched-sequential.toml --replicate 3 --look 1" >> "$ref/COMMANDS.txt"
"$bin" simulate-data phase3-enriched-sequential.toml --replicate 3 --look 2 > "$ref/monitor-look2.csv"
echo "monitor-look2.csv: enrichsim simulate-data phase3-enriched-sequential.toml --replicate 3 --look 2" >> "$ref/COMMANDS.txt"
mkdir -p "$pkg/inst/extdata"
cp "$ref/monitor-look2.csv" "$pkg/inst/extdata/monitor-look2.csv"
one "monitor-look1" monitor phase3-enriched-sequential.toml "$ref/monitor-look1.csv" --look 1 \
    --time months --event death --arm arm --strata stratum
one "monitor-look2" monitor phase3-enriched-sequential.toml "$ref/monitor-look2.csv" --look 2 \
    --previous 77:0.978 --time months --event death --arm arm --strata stratum
one "monitor-look2-options" monitor phase3-enriched-sequential.toml "$ref/monitor-look2.csv" \
    --look 2 --previous 77:0.978:1.01 --time months --event death --arm arm --planned-hr 0.7 \
    --prior 0.65,0.4,1.05 --no-timefix
# Blinded event prediction on docs/predict.md's data set (dates), and on the same data in
# calendar months with the other options.
cp "$root/tests/data/oracles/predict-dataset.csv" "$ref/predict.csv"
echo "predict.csv: tests/data/oracles/predict-dataset.csv" >> "$ref/COMMANDS.txt"
cp "$ref/predict.csv" "$pkg/inst/extdata/predict.csv"
(
    cd "$ref" # the data file by its bare name, as the R tests give it
    scenario=../../../inst/scenarios/phase3-enriched.toml
    one "predict" predict "$scenario" predict.csv --sims 300 --seed 4
    one "predict-options" predict "$scenario" predict.csv --sims 200 --seed 5 \
        --hazard exponential --events 150,230 --sample-size 520 --horizon 36 \
        --cut 2025-12-15 --no-parameter-uncertainty
)
sed -i "s#$ref/##g" "$ref/COMMANDS.txt"
echo "wrote $(ls "$ref" | wc -l) files to $ref"
