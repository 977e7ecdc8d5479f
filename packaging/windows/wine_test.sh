#!/usr/bin/env bash
# Run the NSIS installer under Wine (64-bit) on a dummy bundle: silent install, registry and files, silent
# uninstall, nothing left, and a user's own .xml default kept. Checks the installer logic on Linux; the real
# bundle and Explorer's behaviour are tested on Windows by .github/workflows/release.yml.
#   packaging/windows/wine_test.sh      (needs makensis and wine64: apt-get install nsis wine64)
# Prints one line per check and "N passed, N failed"; exits non-zero if any check failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export PATH="/usr/lib/wine:$PATH" WINEDEBUG=-all
command -v wine64 >/dev/null && command -v makensis >/dev/null || { echo "wine_test: needs wine64 and makensis" >&2; exit 2; }
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - wine: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - wine: $*"; }
WORK="$(mktemp -d)"
export WINEPREFIX="$WORK/prefix"
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/bundle/_internal/resources"
printf 'MZ dummy' > "$WORK/bundle/ovexplorer.exe"
printf 'MZ dummy' > "$WORK/bundle/ovexplorer-console.exe"
printf 'x' > "$WORK/bundle/_internal/resources/readme.txt"
SETUP="$WORK/ovexplorer-0.0.0-setup.exe"
# amd64 stubs here (Debian's NSIS has them; a 64-bit Wine prefix has no 32-bit support).
if makensis -V1 "-XTarget amd64-unicode" -DVERSION=0.0.0 -DBUNDLE="$WORK/bundle" -DOUTFILE="$SETUP" \
    "$HERE/ovexplorer.nsi" >/dev/null; then ok "installer compiled (amd64-unicode)"; else bad "installer compiled"; fi
timeout 120 wine64 wineboot -i >/dev/null 2>&1
wineserver -w
reg() { timeout 60 wine64 reg "$@" 2>/dev/null | tr -d '\r'; }
has_key() { timeout 60 wine64 reg query "$1" >/dev/null 2>&1; }
CLASSES='HKCU\Software\Classes'
reg add "$CLASSES\\.xml" /ve /d userxmlfile /f >/dev/null  # the user's own default for .xml

timeout 120 wine64 "$SETUP" /S
wineserver -w
USERDIR="$WINEPREFIX/drive_c/users/$(whoami)"
DIR="$USERDIR/AppData/Local/Programs/ovexplorer"
WINDIR='C:\users\'"$(whoami)"'\AppData\Local\Programs\ovexplorer'
[ -f "$DIR/ovexplorer.exe" ] && [ -f "$DIR/ovexplorer-console.exe" ] && [ -f "$DIR/uninstall.exe" ] \
  && [ -f "$DIR/_internal/resources/readme.txt" ] && ok "installed per user in %LOCALAPPDATA%\\Programs\\ovexplorer" \
  || bad "installed per user in %LOCALAPPDATA%\\Programs\\ovexplorer"
[ -f "$USERDIR/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/ovexplorer.lnk" ] \
  && ok "Start-menu entry" || bad "Start-menu entry"
want="\"$WINDIR\\ovexplorer.exe\" \"%1\""
got="$(reg query "$CLASSES\\ovexplorer.OpenVINOIR\\shell\\open\\command" /ve | sed -n 's/.*REG_SZ *//p')"
[ "$got" = "$want" ] && ok "ProgID command: $got" || bad "ProgID command: got '$got', want '$want'"
reg query "$CLASSES\\.xml\\OpenWithProgids" /v ovexplorer.OpenVINOIR | grep -q ovexplorer.OpenVINOIR \
  && ok ".xml OpenWithProgids lists ovexplorer.OpenVINOIR" || bad ".xml OpenWithProgids lists ovexplorer.OpenVINOIR"
got="$(reg query "$CLASSES\\.xml" /ve | sed -n 's/.*REG_SZ *//p')"
[ "$got" = userxmlfile ] && ok "the default handler of .xml is untouched ($got)" || bad ".xml default is now '$got'"
has_key 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\ovexplorer' && ok "uninstall entry" \
  || bad "uninstall entry"

timeout 120 wine64 "$DIR/uninstall.exe" /S
wineserver -w  # the uninstaller re-runs itself from %TEMP%
for _ in $(seq 30); do [ -e "$DIR" ] || break; sleep 1; done
[ ! -e "$DIR" ] && ok "uninstall removed the install folder" || bad "uninstall left $DIR"
[ ! -e "$USERDIR/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/ovexplorer.lnk" ] \
  && ok "uninstall removed the Start-menu entry" || bad "uninstall left the Start-menu entry"
left=""
for key in "$CLASSES\\ovexplorer.OpenVINOIR" "$CLASSES\\.xml\\OpenWithProgids" "$CLASSES\\Applications\\ovexplorer.exe" \
    'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\ovexplorer' \
    'HKCU\Software\Microsoft\Windows\CurrentVersion\App Paths\ovexplorer.exe' 'HKCU\Software\ovexplorer'; do
  has_key "$key" && left="$left $key"
done
[ -z "$left" ] && ok "uninstall removed every registry key" || bad "registry keys left:$left"
got="$(reg query "$CLASSES\\.xml" /ve | sed -n 's/.*REG_SZ *//p')"
[ "$got" = userxmlfile ] && ok "the user's .xml default survives the uninstall" || bad ".xml default after uninstall: '$got'"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
