#!/usr/bin/env bash
# Vendors the front-end files tipsom serves (no CDN: deployments may be offline) from the npm registry at
# pinned versions into src/tipsom/static/vendor/, and records the versions and checksums in VERSIONS.txt.
# Usage: scripts/vendor-static.sh   (needs npm and tar; change a version here, run, review the diff, commit)
set -euo pipefail

BOOTSTRAP_VERSION="5.3.8"
HTMX_VERSION="2.0.11"
CHARTJS_VERSION="4.6.1"
TOMSELECT_VERSION="2.6.2"
SANKEY_VERSION="0.19.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/tipsom/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch <package> <version>: downloads the package tarball with `npm pack` and unpacks it into $WORK/<package>.
fetch() {
    local name="$1" version="$2"
    mkdir -p "$WORK/$name"
    (cd "$WORK" && npm pack --silent "$name@$version" >"$WORK/$name.tarball-name")
    tar -xzf "$WORK/$(cat "$WORK/$name.tarball-name")" -C "$WORK/$name" --strip-components=1
}

# take <package> <file inside the package> <target file under vendor/>
take() {
    local name="$1" source="$2" target="$3"
    mkdir -p "$(dirname "$DEST/$target")"
    cp "$WORK/$name/$source" "$DEST/$target"
}

fetch bootstrap "$BOOTSTRAP_VERSION"
fetch htmx.org "$HTMX_VERSION"
fetch chart.js "$CHARTJS_VERSION"
fetch tom-select "$TOMSELECT_VERSION"
fetch chartjs-chart-sankey "$SANKEY_VERSION"

# fonts/ is vendored by scripts/vendor-fonts.sh: keep it.
mkdir -p "$DEST"
find "$DEST" -mindepth 1 -maxdepth 1 ! -name fonts -exec rm -rf {} +
take bootstrap dist/css/bootstrap.min.css bootstrap/bootstrap.min.css
take bootstrap dist/css/bootstrap.rtl.min.css bootstrap/bootstrap.rtl.min.css
take bootstrap dist/js/bootstrap.bundle.min.js bootstrap/bootstrap.bundle.min.js
take bootstrap LICENSE bootstrap/LICENSE
take htmx.org dist/htmx.min.js htmx/htmx.min.js
take htmx.org LICENSE htmx/LICENSE
take chart.js dist/chart.umd.min.js chartjs/chart.umd.min.js
take chart.js LICENSE.md chartjs/LICENSE.md
# chartjs-chart-sankey (MIT): the flow view of the statistics dashboard (stats/static/stats/charts.js); registers itself.
take chartjs-chart-sankey dist/chartjs-chart-sankey.min.js chartjs-chart-sankey/chartjs-chart-sankey.min.js
take chartjs-chart-sankey LICENSE chartjs-chart-sankey/LICENSE
# tom-select (Apache-2.0): the searchable pickers of long code lists (core/widgets.py, static/tipsom-picker.js).
take tom-select dist/js/tom-select.complete.min.js tom-select/tom-select.complete.min.js
take tom-select dist/css/tom-select.bootstrap5.min.css tom-select/tom-select.bootstrap5.min.css
take tom-select LICENSE tom-select/LICENSE

# The minified files point at source maps we do not ship; drop the comment so browsers do not ask for them.
sed -i -e 's|/\*# sourceMappingURL=[^*]*\*/||' -e 's|//# sourceMappingURL=.*$||' \
    "$DEST"/bootstrap/*.min.css "$DEST"/bootstrap/*.min.js "$DEST"/chartjs/*.min.js "$DEST"/chartjs-chart-sankey/*.min.js "$DEST"/htmx/*.min.js "$DEST"/tom-select/*.min.*

{
    echo "# Vendored by scripts/vendor-static.sh from the npm registry. Do not edit these files by hand."
    echo "bootstrap $BOOTSTRAP_VERSION"
    echo "htmx.org $HTMX_VERSION"
    echo "chart.js $CHARTJS_VERSION"
    echo "tom-select $TOMSELECT_VERSION"
    echo "chartjs-chart-sankey $SANKEY_VERSION"
    echo
    echo "# sha256 of each file"
    (cd "$DEST" && find . -path ./fonts -prune -o -type f ! -name VERSIONS.txt -print | LC_ALL=C sort | xargs sha256sum)
} >"$DEST/VERSIONS.txt"

echo "Vendored into $DEST:"
cat "$DEST/VERSIONS.txt"
