#!/usr/bin/env bash
# Build the PyInstaller onedir bundle: dist/ovexplorer/ (run from anywhere).
#   PYTHON=/path/to/venv/bin/python packaging/build_bundle.sh [--smoke]
# PYTHON defaults to the repository's .venv; PyInstaller is installed into it if missing (the [package] extra).
# --smoke runs the frozen app's self-test (offscreen) after the build.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"
  elif [ -x "$ROOT/.venv/Scripts/python.exe" ]; then PYTHON="$ROOT/.venv/Scripts/python.exe"
  else PYTHON=python3; fi
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  # Same requirement as the [package] extra of pyproject.toml.
  "$PYTHON" -m pip install -q "pyinstaller>=6.0"
fi
if [ ! -f "$ROOT/resources/samples/regression.xml" ]; then
  echo "build_bundle: $ROOT/resources/samples/regression.xml is missing (the sample models are bundled)" >&2
  exit 1
fi
if [ ! -f "$ROOT/resources/icons/ovexplorer.png" ] && [ -f "$ROOT/packaging/render_icons.py" ]; then
  PYTHONPATH="$ROOT" QT_QPA_PLATFORM=offscreen "$PYTHON" "$ROOT/packaging/render_icons.py"
fi
export OPENVINO_TELEMETRY_DISABLE=1
start=$(date +%s)
( cd "$ROOT" && PYTHONPATH="$ROOT" "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/pyinstaller/ovexplorer.spec )
echo "build_bundle: dist/ovexplorer built in $(( $(date +%s) - start )) s, $(du -sh "$ROOT/dist/ovexplorer" | cut -f1)"
if [ "${1:-}" = "--smoke" ]; then
  exe="$ROOT/dist/ovexplorer/ovexplorer"
  [ -x "$exe" ] || exe="$ROOT/dist/ovexplorer/ovexplorer-console.exe"
  QT_QPA_PLATFORM=offscreen "$exe" --smoke
fi
