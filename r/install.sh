#!/usr/bin/env bash
# Installs the R package enrichsim from this clone of the repository: `bash r/install.sh`.
#
# Needs R with its headers (Debian: r-base-core r-base-dev), the R package jsonlite (Debian:
# r-cran-jsonlite) and the Rust toolchain (cargo). On Debian, as root (or with sudo), the
# missing R packages are installed with apt-get first. Cargo builds the Rust library (the
# repository's root crate, by path) into target/rpkg (ENRICHSIM_R_TARGET_DIR), then
# R CMD INSTALL installs the package into R's first writable library (or R_LIBS_USER).
# Extra arguments go to R CMD INSTALL (e.g. -l LIBRARY).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$PATH:$HOME/.cargo/bin"
debs="r-base-core r-base-dev r-cran-jsonlite"
if ! command -v R >/dev/null || ! Rscript -e 'quit(status = !requireNamespace("jsonlite", quietly = TRUE))' >/dev/null 2>&1; then
    if command -v apt-get >/dev/null; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update
        $sudo apt-get install -y --no-install-recommends $debs
    else
        echo "install.sh: R and its package jsonlite are needed (Debian: apt-get install $debs)" >&2
        exit 1
    fi
fi
command -v cargo >/dev/null || {
    echo "install.sh: cargo is needed (the Rust toolchain: https://rustup.rs)" >&2
    exit 1
}
export ENRICHSIM_R_TARGET_DIR="${ENRICHSIM_R_TARGET_DIR:-$root/target/rpkg}"
args=("$@")
lib=""
if [ ${#args[@]} -eq 0 ]; then
    # R's first library when writable, else the user's library (made if missing).
    lib="$(Rscript -e 'l <- .libPaths()[file.access(.libPaths(), 2) == 0]; cat(if (length(l)) l[1] else "")')"
    if [ -z "$lib" ]; then
        lib="$(Rscript -e 'cat(path.expand(Sys.getenv("R_LIBS_USER")))')"
        mkdir -p "$lib"
    fi
    args=(-l "$lib")
fi
R CMD INSTALL --clean "${args[@]}" "$root/r/enrichsim"
if [ -n "$lib" ]; then
    Rscript -e "library(enrichsim, lib.loc = '$lib'); cat('enrichsim installed in $lib\n')"
fi
