#!/usr/bin/env bash
# Linux install test: build the bundle and the .deb, install it, check the desktop integration, remove it.
#   sudo packaging/linux/smoke_test.sh        (root: it runs apt-get and dpkg; CI runs it from .ci/run)
# Env: PYTHON (venv python for the build), SKIP_BUILD=1 to reuse dist/ (bundle and .deb), WINE_TEST=0/1/auto
# (the Windows installer under Wine: never / install wine64 for it / when wine64 is installed).
# Prints one line per check and "N passed, N failed"; exits non-zero if any check failed.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export QT_QPA_PLATFORM=offscreen OPENVINO_TELEMETRY_DISABLE=1 DEBIAN_FRONTEND=noninteractive
T0=$(date +%s)
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   - $*"; }
bad() { failed=$((failed + 1)); echo "FAIL - $*"; }
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }
finish() {
  echo "smoke_test: $(( $(date +%s) - T0 )) s in all"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
step() { echo "== $* ($(( $(date +%s) - T0 )) s)"; }

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "smoke_test: needs root and apt-get (it installs Debian packages and the .deb)" >&2
  exit 2
fi

step "Debian packages"
# The desktop tools the checks use, the build tools, and what the bundle's Qt needs at run time.
apt-get update -qq >/dev/null
if apt-get install -y -qq --no-install-recommends shared-mime-info desktop-file-utils xdg-utils libglib2.0-bin \
    dpkg-dev binutils nsis libxcb-icccm4 libxcb-keysyms1 libwayland-cursor0 libwayland-egl1 libegl1 libgl1 \
    >/dev/null; then
  ok "apt-get install of the test and build tools"
else
  bad "apt-get install of the test and build tools"
  finish
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  step "bundle"
  if "$ROOT/packaging/build_bundle.sh"; then ok "PyInstaller bundle built"; else bad "PyInstaller bundle built"; finish; fi
  step ".deb"
  if "$HERE/build_deb.sh"; then ok ".deb built"; else bad ".deb built"; finish; fi
fi
DEB="$(ls -t "$ROOT"/dist/ovexplorer_*.deb | head -1)"
echo "bundle: $(du -sh "$ROOT/dist/ovexplorer" | cut -f1), deb: $(du -h "$DEB" | cut -f1) ($DEB)"

step "NSIS installer script"
check "makensis compiles packaging/windows/ovexplorer.nsi" "$ROOT/packaging/windows/check_nsis.sh"
# The installer's logic under Wine when wine64 is installed (WINE_TEST=1 installs it: ~100 MB download).
[ "${WINE_TEST:-auto}" = 1 ] && apt-get install -y -qq --no-install-recommends wine64 >/dev/null
if [ "${WINE_TEST:-auto}" != 0 ] && [ -x /usr/lib/wine/wine64 ]; then
  wine_out="$("$ROOT/packaging/windows/wine_test.sh" 2>&1)"
  grep -E '^(ok|FAIL)' <<<"$wine_out"
  read -r wp _ wf _ < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$wine_out" || echo "0 passed, 1 failed")
  passed=$((passed + wp))
  failed=$((failed + wf))
else
  echo "skip - Windows installer under Wine (wine64 not installed; WINE_TEST=1 installs it)"
fi

step "install"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
dpkg -r ovexplorer >/dev/null 2>&1 || true
if dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1 || apt-get -y -qq -f install >>"$WORK/dpkg.log" 2>&1; then :; fi
check "dpkg -i installs ovexplorer" sh -c "dpkg-query -W -f='\${Status}' ovexplorer | grep -q 'install ok installed'"
dpkg -L ovexplorer > "$WORK/files.txt" 2>/dev/null
for f in /usr/bin/ovexplorer /opt/ovexplorer/ovexplorer /usr/share/applications/ovexplorer.desktop \
    /usr/share/mime/packages/ovexplorer.xml /usr/share/icons/hicolor/48x48/apps/ovexplorer.png \
    /usr/share/icons/hicolor/scalable/apps/ovexplorer.svg; do
  check "installed $f" test -e "$f"
done
check "installed .desktop passes desktop-file-validate" desktop-file-validate /usr/share/applications/ovexplorer.desktop
check "Exec=ovexplorer %f" grep -qx 'Exec=ovexplorer %f' /usr/share/applications/ovexplorer.desktop

step "file types"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
mkdir -p "$WORK/my models" "$WORK/home"
cp "$ROOT/resources/samples/regression.xml" "$WORK/my models/modèle régression.xml"
cp "$ROOT/resources/samples/regression.bin" "$WORK/my models/modèle régression.bin"
IR="$WORK/my models/modèle régression.xml"
printf '<?xml version="1.0" encoding="UTF-8"?>\r\n<net name="m" version="11">\r\n<layers/>\r\n</net>\r\n' > "$WORK/crlf-ir.xml"
printf '<?xml version="1.0"?>\n<config>\n  <net name="x" version="11"/>\n</config>\n' > "$WORK/nested-net.xml"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n' \
  > "$WORK/picture.svg"
gio_type() { gio info -a standard::content-type "$1" 2>/dev/null | sed -n 's/.*content-type: //p'; }
xdg_type() { XDG_CURRENT_DESKTOP=GNOME xdg-mime query filetype "$1" 2>/dev/null; }
expect() {  # expect WHAT ACTUAL WANTED
  if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: got '$2', want '$3'"; fi
}
expect "gio: the sample IR" "$(gio_type "$IR")" application/x-openvino-ir+xml
expect "gio: an IR with a CRLF declaration" "$(gio_type "$WORK/crlf-ir.xml")" application/x-openvino-ir+xml
expect "xdg-mime (GNOME): the sample IR" "$(xdg_type "$IR")" application/x-openvino-ir+xml
expect "gio: plain XML with a nested <net>" "$(gio_type "$WORK/nested-net.xml")" application/xml
expect "xdg-mime (GNOME): plain XML with a nested <net>" "$(xdg_type "$WORK/nested-net.xml")" application/xml
expect "gio: an SVG" "$(gio_type "$WORK/picture.svg")" image/svg+xml
qt_type() { "$PY" -c 'import sys; from PySide6.QtCore import QMimeDatabase as D; print(D().mimeTypeForFile(sys.argv[1]).name())' "$1" 2>/dev/null; }
expect "Qt (KDE file dialogs, Dolphin): the sample IR" "$(qt_type "$IR")" application/x-openvino-ir+xml
expect "Qt: plain XML with a nested <net>" "$(qt_type "$WORK/nested-net.xml")" application/xml
expect "default app for application/x-openvino-ir+xml" \
  "$(xdg-mime query default application/x-openvino-ir+xml)" ovexplorer.desktop
xml_default="$(xdg-mime query default application/xml)"
if [ "$xml_default" != ovexplorer.desktop ]; then ok "application/xml is not claimed (default: ${xml_default:-none})"
else bad "application/xml is claimed by ovexplorer.desktop"; fi

step "run"
if HOME="$WORK/home" /usr/bin/ovexplorer --smoke "$IR" > "$WORK/smoke.log" 2>&1 && grep -q "smoke: passed" "$WORK/smoke.log"; then
  ok "/usr/bin/ovexplorer --smoke on '$(basename "$IR")'"
else
  bad "/usr/bin/ovexplorer --smoke on '$(basename "$IR")'"
fi
sed 's/^/     | /' "$WORK/smoke.log"
check "frozen app lists the CPU device" grep -q "^devices: .*CPU" "$WORK/smoke.log"
check "frozen app has the IR, ONNX, TF, TFLite and Paddle frontends" \
  grep -Eq "^frontends: (.*, )?ir, (.*, )?onnx, (.*, )?paddle, (.*, )?tf, (.*, )?tflite" "$WORK/smoke.log"
check "/usr/bin/ovexplorer info on an ONNX model" \
  sh -c "/usr/bin/ovexplorer info '$ROOT/tests/data/add.onnx' | grep -q 'Format: *ONNX'"
# Weight statistics of a 300 MiB IR shared with a helper process: spawned from the frozen exe, it must run
# its task and nothing else (no window, no second statistics run), and do blocks.
PYTHONPATH="$ROOT/tests" "$PY" -c 'import sys; from pathlib import Path; from models_reliability import make_many_weights_ir as m; m(Path(sys.argv[1]), 300, 300)' "$WORK/big/big.xml"
check "/usr/bin/ovexplorer stats shares a 300 MiB IR with a helper process" \
  sh -c "timeout 120 /usr/bin/ovexplorer stats '$WORK/big/big.xml' --helpers on -v 2>&1 >/dev/null | tee '$WORK/helpers.log' | grep -Eq ', [1-9][0-9]* by [1-9][0-9]* helper'"
sed 's/^/     | /' "$WORK/helpers.log"
check "/usr/bin/ovexplorer --smoke (bundled sample)" sh -c "HOME='$WORK/home' /usr/bin/ovexplorer --smoke | grep -q 'smoke: passed'"
# The file manager's way: launch the .desktop entry on the IR (Exec=ovexplorer %f) while a stand-in for the
# running app listens on its single-instance name; the path must arrive whole.
HOME="$WORK/home" PYTHONPATH="$ROOT" "$PY" "$HERE/handoff_receiver.py" "$WORK/received.txt" 60 &
receiver=$!
for _ in $(seq 100); do [ -e "$WORK/received.txt.ready" ] && break; sleep 0.1; done
HOME="$WORK/home" gio launch /usr/share/applications/ovexplorer.desktop "$IR" >/dev/null 2>&1
wait "$receiver"
expect ".desktop launch (Exec=ovexplorer %f) hands over the path" "$(cat "$WORK/received.txt" 2>/dev/null)" "$IR"
# Single instance with the real app: a second launch hands its file to the running one and exits 0.
HOME="$WORK/home" /usr/bin/ovexplorer "$IR" > "$WORK/first.log" 2>&1 &
first=$!
socket="${TMPDIR:-/tmp}/$(HOME="$WORK/home" PYTHONPATH="$ROOT" "$PY" -c \
  'from ovexplorer.ui.shell.single_instance import server_name; print(server_name())')"
for _ in $(seq 300); do [ -S "$socket" ] && break; sleep 0.1; done  # the first instance is listening
start=$(date +%s%N)
HOME="$WORK/home" timeout 30 /usr/bin/ovexplorer "$WORK/crlf-ir.xml" > "$WORK/second.log" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$rc" -eq 0 ] && kill -0 "$first" 2>/dev/null; then ok "second launch handed its file over and exited 0 (${ms} ms)"
else bad "second launch handed its file over and exited 0 (rc $rc)"; cat "$WORK/first.log" "$WORK/second.log"; fi
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
rm -f "$socket"  # killed, the app could not remove its socket (the next start would, as a stale name)

step "remove"
check "dpkg -r ovexplorer" dpkg -r ovexplorer
left=0
while read -r f; do
  if [ -f "$f" ] || [ -L "$f" ]; then echo "     left: $f"; left=$((left + 1)); fi
done < "$WORK/files.txt"
if [ "$left" -eq 0 ] && [ ! -e /opt/ovexplorer ]; then ok "nothing of the package is left ($(wc -l < "$WORK/files.txt") paths checked)"
else bad "$left file(s) left after dpkg -r"; fi
if grep -rqs ovexplorer /usr/share/applications/mimeinfo.cache; then bad "mimeinfo.cache still names ovexplorer"
else ok "mimeinfo.cache no longer names ovexplorer"; fi
expect "gio after removal: the sample IR" "$(gio_type "$IR")" application/xml
check "dpkg -P ovexplorer forgets the package" sh -c "dpkg -P ovexplorer && ! dpkg-query -W ovexplorer"
finish
