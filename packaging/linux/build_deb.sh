#!/usr/bin/env bash
# Build dist/ovexplorer_<version>_<arch>.deb from the PyInstaller bundle dist/ovexplorer (built first if missing).
#   packaging/linux/build_deb.sh [--rebuild-bundle]
# Layout: /opt/ovexplorer (bundle; /opt itself stays base-files'), /usr/bin/ovexplorer (wrapper), .desktop, hicolor
# icons, shared-mime-info type application/x-openvino-ir+xml. Depends come from the bundle's ELF files
# (elf_depends.py), plus fontconfig's configuration and a font; the desktop tools are Recommends (apt installs
# them with the package; postinst runs them when present, and shared-mime-info's dpkg trigger when it comes later).
# gzip compression (xz of ~400 MB takes minutes); DEB_COMPRESS=xz to override.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUNDLE="$ROOT/dist/ovexplorer"
if [ "${1:-}" = "--rebuild-bundle" ] || [ ! -x "$BUNDLE/ovexplorer" ]; then
  "$ROOT/packaging/build_bundle.sh"
fi
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/ovexplorer/__init__.py")"
ARCH="$(dpkg --print-architecture)"
STAGE="$ROOT/build/deb/ovexplorer"
OUT="$ROOT/dist/ovexplorer_${VERSION}_${ARCH}.deb"
start=$(date +%s)

rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/doc/ovexplorer"
cp -a "$BUNDLE" "$STAGE/opt/ovexplorer"
install -m 0755 "$HERE/ovexplorer.sh" "$STAGE/usr/bin/ovexplorer"
install -m 0644 "$HERE/ovexplorer.desktop" "$STAGE/usr/share/applications/ovexplorer.desktop"
install -m 0644 "$HERE/openvino-ir-mime.xml" "$STAGE/usr/share/mime/packages/ovexplorer.xml"
ICONS="$ROOT/resources/icons"
for size in 16 24 32 48 64 128 256; do
  install -D -m 0644 "$ICONS/ovexplorer-$size.png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/ovexplorer.png"
  install -D -m 0644 "$ICONS/ovexplorer-$size.png" \
    "$STAGE/usr/share/icons/hicolor/${size}x${size}/mimetypes/application-x-openvino-ir+xml.png"
done
install -D -m 0644 "$ICONS/ovexplorer.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/ovexplorer.svg"
install -D -m 0644 "$ICONS/ovexplorer.svg" \
  "$STAGE/usr/share/icons/hicolor/scalable/mimetypes/application-x-openvino-ir+xml.svg"
cat > "$STAGE/usr/share/doc/ovexplorer/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ovexplorer
License: Apache-2.0
Comment: /opt/ovexplorer bundles Python, PySide6/Qt (LGPL-3.0), OpenVINO (Apache-2.0), numpy (BSD-3-Clause),
 pyqtgraph (MIT) and the shared libraries they load; their licence files are inside the bundle.
COPYRIGHT

if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$STAGE/usr/share/applications/ovexplorer.desktop"
fi

deps="$(python3 "$HERE/elf_depends.py" "$STAGE/opt/ovexplorer")"
# Qt draws text with fontconfig (bundled or not), which needs its configuration and at least one font: without
# them every label is an empty box on a minimal system. Names valid on Debian 12 and Ubuntu 22.04+.
depends="$(sed -n 's/^Depends: //p' <<<"$deps"), fontconfig-config, fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf"
recommends="$(sed -n 's/^Recommends: //p' <<<"$deps")"
installed_kb="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
{
  echo "Package: ovexplorer"
  echo "Version: $VERSION"
  echo "Section: science"
  echo "Priority: optional"
  echo "Architecture: $ARCH"
  echo "Maintainer: ${DEB_MAINTAINER:-ovexplorer developers <ovexplorer@example.org>}"
  echo "Installed-Size: $installed_kb"
  echo "Depends: $depends"
  echo "Recommends: ${recommends:+$recommends, }shared-mime-info, desktop-file-utils"
  echo "Description: desktop explorer for OpenVINO models"
  echo " Opens OpenVINO IR (.xml + .bin), ONNX, TensorFlow Lite, PaddlePaddle and TensorFlow"
  echo " models: graph, weights, devices and interactive inference. Registers the MIME type"
  echo " application/x-openvino-ir+xml so that double-clicking an IR opens it in ovexplorer."
} > "$STAGE/DEBIAN/control"
install -m 0755 "$HERE/postinst" "$STAGE/DEBIAN/postinst"
install -m 0755 "$HERE/postrm" "$STAGE/DEBIAN/postrm"
# Permissions dpkg and lintian expect; the tree is owned by root in the package whoever builds it.
find "$STAGE" -type d -exec chmod 0755 {} +
chmod -R u+rw,go+r,go-w "$STAGE"

rm -f "$OUT"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-gzip}" -z"${DEB_LEVEL:-6}" --build "$STAGE" "$OUT" >/dev/null
# dpkg-deb lists every parent folder, so the package would own /opt itself (and dpkg would set its mode). /opt
# is made by base-files (Essential): the data archive is rewritten with /opt/ovexplorer and below only, so that
# removing the package never removes /opt.
REPACK="$(mktemp -d)"
trap 'rm -rf "$REPACK"' EXIT
(cd "$REPACK" && ar x "$OUT")
data="$(cd "$REPACK" && ls data.tar.*)"
case "$data" in
  data.tar.gz) zip=(gzip -n -"${DEB_LEVEL:-6}") ;;
  data.tar.xz) zip=(xz -"${DEB_LEVEL:-6}") ;;
  *) echo "build_deb: cannot repack $data" >&2; exit 1 ;;
esac
tar -C "$STAGE" --sort=name --owner=0 --group=0 --numeric-owner -c ./usr ./opt/ovexplorer | "${zip[@]}" \
  > "$REPACK/$data"
rm -f "$OUT"
(cd "$REPACK" && ar rc "$OUT" debian-binary "$(ls control.tar.*)" "$data")
if dpkg-deb -c "$OUT" | awk '{print $6}' | grep -qx './opt/'; then echo "build_deb: the package owns /opt" >&2; exit 1; fi
echo "build_deb: $OUT ($(du -h "$OUT" | cut -f1), installed $((installed_kb / 1024)) MiB) in $(( $(date +%s) - start )) s"
echo "build_deb: Depends: $depends"
[ -z "$recommends" ] || echo "build_deb: Recommends: $recommends"
