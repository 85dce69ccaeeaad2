#!/usr/bin/env bash
# Builds and checks the R package as CRAN would, cheaply: `bash r/check.sh`.
#
# 1. Stages a self-contained copy of r/enrichsim in target/rcheck/ with the library crate
#    vendored in src/rust/core (Cargo.toml without its dev-dependencies and benches, build.rs,
#    src/, assets/), so that the tarball builds offline from cargo's registry cache.
# 2. R CMD build (no vignettes), then R CMD check --no-manual on the tarball: it installs the
#    package (one cargo build, into target/rpkg, reused by a second run), runs the examples and
#    the testthat tests.
# Exits non-zero on any ERROR or WARNING of R CMD check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export ENRICHSIM_R_TARGET_DIR="${ENRICHSIM_R_TARGET_DIR:-$root/target/rpkg}"
export PATH="$PATH:$HOME/.cargo/bin"
work="$root/target/rcheck"
rm -rf "$work/enrichsim" "$work"/enrichsim_*.tar.gz
mkdir -p "$work"

# 1. the staged package
(cd "$root/r" && tar --exclude=target --exclude=rlib --exclude='*.o' --exclude='*.so' \
    -cf - enrichsim) | (cd "$work" && tar -xpf -)
core="$work/enrichsim/src/rust/core"
mkdir -p "$core"
# The core's manifest up to its dev-dependencies (they, the benches and the profiles are the
# repository's business; the R crate's own profile applies).
awk '/^\[dev-dependencies\]/ { exit } { print }' "$root/Cargo.toml" > "$core/Cargo.toml"
cp -p "$root/build.rs" "$core/"
cp -rp "$root/src" "$root/assets" "$core/"
sed -i 's#^enrichsim = { path = "../../../.." }#enrichsim = { path = "core" }#' \
    "$work/enrichsim/src/rust/Cargo.toml"
grep -q '^enrichsim = { path = "core" }' "$work/enrichsim/src/rust/Cargo.toml"
# The shipped scenarios in the package must be the repository's.
for f in "$root"/scenarios/*.toml; do
    cmp -s "$f" "$work/enrichsim/inst/scenarios/$(basename "$f")" || {
        echo "r/enrichsim/inst/scenarios is stale: run bash r/make-reference.sh" >&2
        exit 1
    }
done

# 2. build and check
cd "$work"
R CMD build --no-build-vignettes --no-manual enrichsim
tarball="$(ls enrichsim_*.tar.gz)"
export CARGO_NET_OFFLINE="${CARGO_NET_OFFLINE:-false}"
export _R_CHECK_FORCE_SUGGESTS_=false
R CMD check --no-manual --no-build-vignettes "$tarball"
log="$work/enrichsim.Rcheck/00check.log"
status="$(grep '^Status:' "$log" || true)"
echo "R CMD check: $status"
case "$status" in
    *ERROR*|*WARNING*) exit 1 ;;
esac
tests="$work/enrichsim.Rcheck/tests/testthat.Rout"
[ -f "$tests" ] && grep -E '^\[ FAIL' "$tests" | tail -1
