#!/usr/bin/env bash
# Prove that ovexplorer.nsi compiles: makensis (Debian's nsis) on a dummy bundle, so it takes seconds.
# The real installer is built on Windows by .github/workflows/release.yml.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
command -v makensis >/dev/null || { echo "check_nsis: makensis not found (apt-get install nsis)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bundle/_internal/resources"
printf 'MZ dummy' > "$WORK/bundle/ovexplorer.exe"
printf 'MZ dummy' > "$WORK/bundle/ovexplorer-console.exe"
printf 'x' > "$WORK/bundle/_internal/resources/readme.txt"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/ovexplorer/__init__.py")"
makensis -V2 -WX -DVERSION="$VERSION" -DBUNDLE="$WORK/bundle" -DOUTFILE="$WORK/ovexplorer-$VERSION-setup.exe" \
  -DICON="$ROOT/resources/icons/ovexplorer.ico" "$HERE/ovexplorer.nsi"
test -s "$WORK/ovexplorer-$VERSION-setup.exe"
echo "check_nsis: ovexplorer.nsi compiles ($(makensis -VERSION), $(stat -c %s "$WORK/ovexplorer-$VERSION-setup.exe") byte test installer)"
