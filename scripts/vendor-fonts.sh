#!/usr/bin/env bash
# Vendors the web fonts tipsom serves for scripts a system may lack (Lao, Devanagari, Arabic/Urdu) from the npm
# registry (Fontsource packages of Google's Noto fonts, SIL Open Font License 1.1) at pinned versions into
# src/tipsom/static/vendor/fonts/, and records the versions and checksums in fonts/VERSIONS.txt. The @font-face
# rules are in static/tipsom-fonts.css; the PDF letter uses the Lao file too (core/fonts.py).
# Usage: scripts/vendor-fonts.sh   (needs npm and tar; change a version here, run, review the diff, commit)
set -euo pipefail

FONTSOURCE_VERSION="5.3.0"
FAMILIES=("noto-sans-lao:lao" "noto-sans-devanagari:devanagari" "noto-naskh-arabic:arabic")
WEIGHTS=(400 700)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/tipsom/static/vendor/fonts"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

rm -rf "$DEST"
mkdir -p "$DEST"
for entry in "${FAMILIES[@]}"; do
    family="${entry%%:*}" subset="${entry##*:}"
    mkdir -p "$WORK/$family"
    (cd "$WORK" && npm pack --silent "@fontsource/$family@$FONTSOURCE_VERSION" >"$WORK/$family.tarball-name")
    tar -xzf "$WORK/$(cat "$WORK/$family.tarball-name")" -C "$WORK/$family" --strip-components=1
    mkdir -p "$DEST/$family"
    cp "$WORK/$family/LICENSE" "$DEST/$family/LICENSE"
    for weight in "${WEIGHTS[@]}"; do
        # woff2 for browsers; woff too, which the PDF library reads without a Brotli decoder.
        for format in woff2 woff; do
            cp "$WORK/$family/files/$family-$subset-$weight-normal.$format" "$DEST/$family/"
        done
    done
done

{
    echo "# Vendored by scripts/vendor-fonts.sh from the npm registry. Do not edit these files by hand."
    for entry in "${FAMILIES[@]}"; do echo "@fontsource/${entry%%:*} $FONTSOURCE_VERSION (OFL-1.1)"; done
    echo
    echo "# sha256 of each file"
    (cd "$DEST" && find . -type f ! -name VERSIONS.txt | LC_ALL=C sort | xargs sha256sum)
} >"$DEST/VERSIONS.txt"

echo "Vendored into $DEST:"
cat "$DEST/VERSIONS.txt"
