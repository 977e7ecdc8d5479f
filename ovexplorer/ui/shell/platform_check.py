"""Can Qt start here? Checked before any PySide6 import, so that a missing piece is one line, not Qt's abort.

Qt aborts (SIGABRT) when its platform plugin cannot load or cannot reach a display, and PySide6 raises an
``ImportError`` traceback when a library of Qt itself is missing. Both happen on a minimal Linux system; the
checks here name what is missing instead: the display, or the shared libraries with the Debian/Ubuntu packages
that bring them. This module imports no Qt (it runs before Qt can be loaded).

The platform chosen follows Qt's own rule: ``QT_QPA_PLATFORM`` (a ``;``-separated list, first that loads wins),
else Wayland then X11 in a Wayland session, else X11 (``xcb``). A ``QT_QPA_PLATFORM_PLUGIN_PATH`` holding the
platform's plugin is searched first, as Qt does.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

#: Shared libraries Qt's libraries and its xcb/wayland platform plugins load from the system (PySide6 6.x
#: wheels: ``readelf -d`` of ``libQt6{Core,Gui,Widgets,DBus,XcbQpa,WaylandClient}`` and ``libq{xcb,wayland}``,
#: followed down to the system libraries) -> the Debian 12 / Ubuntu 22.04+ package that installs each.
PACKAGES: dict[str, str] = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libz.so.1": "zlib1g",
    "libzstd.so.1": "libzstd1",
    "libpng16.so.16": "libpng16-16",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libexpat.so.1": "libexpat1",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}
#: Platforms whose plugin is checked (the others ship no system dependency worth naming, or are not used here).
CHECKED_PLATFORMS = ("xcb", "wayland")
_NOT_FOUND = re.compile(r"^\s*(\S+) => not found", re.MULTILINE)
_DLERROR = re.compile(r"([^\s:]+\.so[.\d]*): cannot open shared object file")


def _nonempty(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def platform_names(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order (Qt 6's rule; arguments after ``:`` dropped)."""
    requested = _nonempty(environ, "QT_QPA_PLATFORM")
    if requested:
        return [p.split(":", 1)[0].strip() for p in requested.split(";") if p.strip()]
    if _nonempty(environ, "XDG_SESSION_TYPE").lower() == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def has_display(environ: Mapping[str, str]) -> bool:
    """True when a desktop session is named: ``DISPLAY`` (X11) or ``WAYLAND_DISPLAY``."""
    return bool(_nonempty(environ, "DISPLAY") or _nonempty(environ, "WAYLAND_DISPLAY"))


def qt_dir() -> Path | None:
    """PySide6's ``Qt`` folder (libraries and plugins), found without importing PySide6; None if unknown."""
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / "Qt").is_dir():
            return Path(location) / "Qt"
    return None


def plugin_path(platform: str, environ: Mapping[str, str], qt: Path | None) -> Path | None:
    """The plugin file Qt would load for ``platform``: ``QT_QPA_PLATFORM_PLUGIN_PATH`` first, then PySide6's."""
    folders = [Path(p) for p in _nonempty(environ, "QT_QPA_PLATFORM_PLUGIN_PATH").split(os.pathsep) if p]
    if qt is not None:
        folders.append(qt / "plugins" / "platforms")
    for folder in folders:
        candidate = folder / f"libq{platform}.so"
        if candidate.is_file():
            return candidate
    return None


def missing_libraries(files: list[Path]) -> list[str]:
    """Shared libraries that the dynamic loader cannot find for ``files`` (all of them, in order)."""
    missing: list[str] = []
    for f in files:
        try:
            ctypes.CDLL(str(f), mode=os.RTLD_LAZY | getattr(os, "RTLD_LOCAL", 0))
            continue  # loads: whatever it needs is there (Qt loads the same file next)
        except OSError as exc:
            first = _DLERROR.search(str(exc))
        found = _ldd_not_found(f)
        if not found and first:
            found = [first.group(1)]
        if not found:
            found = [f"{f.name} (does not load)"]
        missing.extend(s for s in found if s not in missing)
    return missing


def _ldd_not_found(path: Path) -> list[str]:
    """Every library ``ldd`` reports as not found for ``path`` (the loader stops at the first)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return list(dict.fromkeys(_NOT_FOUND.findall(out)))


def describe_missing(missing: list[str], what: str) -> str:
    """One line: the libraries ``what`` needs, and the packages to install on Debian/Ubuntu."""
    packages = list(dict.fromkeys(PACKAGES[s] for s in missing if s in PACKAGES))
    unknown = [s for s in missing if s not in PACKAGES]
    line = f"{what} cannot start: missing system libraries {', '.join(missing)}"
    if packages:
        line += f"; on Debian/Ubuntu: sudo apt-get install {' '.join(packages)}"
        if unknown:
            line += f" (and what provides {', '.join(unknown)})"
    return line


def library_problem(environ: Mapping[str, str] = os.environ, *, smoke: bool = False) -> str | None:
    """The missing libraries of Qt and of the platform the window would use, as one line; None if all load.

    All of them at once (Qt's own and its platform plugin's), so that one ``apt-get install`` is enough.
    ``smoke``: the self-test, which runs offscreen when there is no display.
    """
    if not sys.platform.startswith("linux"):
        return None
    qt = qt_dir()
    if qt is None:
        return None  # not a PySide6 layout we know: let Qt speak for itself
    widgets = sorted((qt / "lib").glob("libQt6Widgets.so*"))[:1]
    missing = missing_libraries(widgets)
    names = platform_names(environ)
    if smoke and not has_display(environ) and not _nonempty(environ, "QT_QPA_PLATFORM"):
        names = ["offscreen"]
    checked = [n for n in names if n in CHECKED_PLATFORMS]
    # A platform without system needs in the list (offscreen, minimal, vnc...), or no desktop at all (which
    # display_problem() names, after a handoff to a running app): only Qt's own libraries matter.
    if checked and len(checked) == len(names) and has_display(environ):
        failed: list[tuple[str, Path, list[str]]] = []
        for name in checked:
            plugin = plugin_path(name, environ, qt)
            if plugin is None:
                break
            plugin_missing = missing_libraries([plugin])
            if not plugin_missing:
                break  # Qt takes the first platform that loads
            failed.append((name, plugin, plugin_missing))
        else:
            name, plugin, plugin_missing = failed[0]
            every = list(dict.fromkeys([*missing, *plugin_missing]))
            return describe_missing(every, f"Qt's {name} platform ({plugin.name})")
    return describe_missing(missing, "Qt") if missing else None


def display_problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """No display to open a window on, or an X display that does not answer: one line; None if fine."""
    if not sys.platform.startswith("linux"):
        return None
    names = platform_names(environ)
    if not any(n in CHECKED_PLATFORMS for n in names):
        return None  # offscreen, vnc, eglfs...: no desktop session needed
    if not has_display(environ):
        return ("no display: DISPLAY and WAYLAND_DISPLAY are not set, so there is no desktop to open a window on "
                "(run it in a desktop session, or `ovexplorer --smoke` for a self-test without a window)")
    if names == ["xcb"] and _nonempty(environ, "DISPLAY"):
        return _x_display_problem(_nonempty(environ, "DISPLAY"))
    return None


def _x_display_problem(display: str) -> str | None:
    """Connect to the X server as Qt's xcb platform will (libxcb); a refusal is Qt's abort otherwise."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return None  # library_problem() names it
    try:
        xcb = ctypes.CDLL(name)
        xcb.xcb_connect.restype = ctypes.c_void_p
        xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
        xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        return None
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        error = xcb.xcb_connection_has_error(conn) if conn else 1
    finally:
        if conn:
            xcb.xcb_disconnect(conn)
    if error:
        return (f"cannot connect to the X display {display!r} (DISPLAY): no X server answers there, "
                "or it refuses this user (xauth)")
    return None
