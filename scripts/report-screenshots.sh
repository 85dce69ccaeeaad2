#!/usr/bin/env bash
# Renders an `enrichsim report` page in headless Chromium and takes a screenshot of each of its
# sections (the contents, the overview, each design's design / assumptions / operating
# characteristics / figures, the reproducibility block), at a desktop width and, for the first
# design's operating characteristics and figures, at a phone's (390 px). Fails when Chromium
# logs a console message (an error, a resource that would not load: the page must need no
# network) or when a section the page lists is missing.
#
#   scripts/report-screenshots.sh REPORT.html [OUT_DIR]     (default OUT_DIR: screenshots/)
#
# Needs Debian's `chromium` and `imagemagick` (installed when missing and run as root).
set -euo pipefail

report=${1:?usage: scripts/report-screenshots.sh REPORT.html [OUT_DIR]}
out=${2:-screenshots}
[ -f "$report" ] || { echo "report-screenshots: $report: no such file" >&2; exit 2; }

need=()
command -v chromium >/dev/null || need+=(chromium)
# (Some machines have a stand-in `convert` that cannot trim: look for ImageMagick's own.)
convert -version 2>/dev/null | grep -q ImageMagick || need+=(imagemagick)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "report-screenshots: needs ${need[*]} (apt-get install ${need[*]})" >&2
        exit 2
    fi
fi

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report_abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")

# The sections, in page order: every <section>, <nav> or <header> with an id.
mapfile -t ids < <(grep -o '<\(section\|nav\)[^>]* id="[^"]*"' "$report_abs" | sed 's/.* id="\([^"]*\)"/\1/')
[ ${#ids[@]} -gt 0 ] || { echo "report-screenshots: $report: no sections" >&2; exit 1; }

failed=0
# shoot ID WIDTH FILE: the page with only section ID shown (and its design's heading).
shoot() {
    local id=$1 width=$2 file=$3
    local parent=${id%%-*} style
    if [ "$parent" != "$id" ] && [[ "$id" =~ ^s[0-9]+- ]]; then
        style="body > :not(#$parent) { display: none !important; } #$parent > :not(#$id):not(h2) { display: none !important; }"
    else
        style="body > :not(#$id) { display: none !important; }"
    fi
    local page="$work/$id.$width.html"
    sed "s|</head>|<style>$style</style></head>|" "$report_abs" > "$page"
    grep -q "id=\"$id\"" "$page" || { echo "report-screenshots: section $id missing" >&2; failed=1; return; }
    local log="$work/$id.$width.log"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --enable-logging=stderr --v=0 --force-device-scale-factor=1 \
        --window-size="$width,14000" --screenshot="$file" "file://$page" >"$log" 2>&1 || true
    if grep -q 'CONSOLE' "$log"; then
        echo "report-screenshots: $id: console message:" >&2
        grep 'CONSOLE' "$log" >&2
        failed=1
    fi
    if [ ! -s "$file" ]; then
        echo "report-screenshots: $id: no screenshot (chromium said: $(tail -1 "$log"))" >&2
        failed=1
        return
    fi
    convert "$file" -trim +repage -bordercolor white -border 12 "$file"
    echo "$file"
}

for id in "${ids[@]}"; do
    shoot "$id" 1100 "$out/$id.png"
done
for id in s1-oc s1-figures; do
    printf '%s\n' "${ids[@]}" | grep -qx "$id" && shoot "$id" 390 "$out/$id.phone.png"
done
exit $failed
