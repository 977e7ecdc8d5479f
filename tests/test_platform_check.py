"""Before Qt starts: no display, or libraries Qt's platform plugin needs are missing -> one line and exit 2.

Run as real subprocesses (Qt aborts the whole process otherwise). A missing library is made for real: a copy of
PySide6's xcb plugin whose ELF names a library that does not exist, found through ``QT_QPA_PLATFORM_PLUGIN_PATH``
as Qt would find it.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from ovexplorer.ui.shell import platform_check
from ovexplorer.ui.shell.platform_check import (
    PACKAGES,
    describe_missing,
    display_problem,
    library_problem,
    platform_names,
    qt_dir,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt's xcb platform is Linux's")
_ABSENT = b"libovx-absnt.so.4"  # same length as the name it replaces in the plugin's string table


def _env(**overrides: str) -> dict[str, str]:
    """This environment without any display or platform choice, plus ``overrides``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "QT_QPA_PLATFORM_PLUGIN_PATH",
                        "XDG_SESSION_TYPE")}
    env.update(overrides)
    return env


def _ovexplorer(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ovexplorer", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120, check=False)


def _broken_xcb_plugin(tmp_path: Path) -> Path:
    """A copy of PySide6's ``libqxcb.so`` that needs ``libovx-absnt.so.4``; returns its platforms folder."""
    qt = qt_dir()
    assert qt is not None
    data = (qt / "plugins" / "platforms" / "libqxcb.so").read_bytes()
    assert data.count(b"libxcb-icccm.so.4\0") == 1
    platforms = tmp_path / "Qt" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    (platforms / "libqxcb.so").write_bytes(data.replace(b"libxcb-icccm.so.4\0", _ABSENT + b"\0"))
    (tmp_path / "Qt" / "lib").symlink_to(qt / "lib")  # the plugin's RUNPATH is $ORIGIN/../../lib
    return platforms


@linux_only
def test_no_display_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = _ovexplorer(["--new-instance"], _env(OVEXPLORER_INSTANCE_KEY=f"nodisplay-{os.getpid()}"), tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("ovexplorer: no display: DISPLAY and WAYLAND_DISPLAY are not set")
    assert "qt.qpa" not in out.stderr and "Traceback" not in out.stderr


@linux_only
def test_missing_platform_library_is_named_with_exit_2(tmp_path: Path) -> None:
    platforms = _broken_xcb_plugin(tmp_path)
    env = _env(DISPLAY=":4242", QT_QPA_PLATFORM_PLUGIN_PATH=str(platforms),
               OVEXPLORER_INSTANCE_KEY=f"missing-{os.getpid()}")
    for args in (["--new-instance"], ["--smoke"]):  # the window, and the self-test of the platform it would use
        out = _ovexplorer(args, env, tmp_path)
        assert out.returncode == 2, (args, out.stderr)
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1, out.stderr
        assert lines[0].startswith("ovexplorer: Qt's xcb platform (libqxcb.so) cannot start: missing system "
                                   "libraries ")
        assert _ABSENT.decode() in lines[0]
        assert "smoke: passed" not in out.stdout


@linux_only
def test_smoke_without_display_still_runs_offscreen(tmp_path: Path, tiny_ir: Path) -> None:
    out = _ovexplorer(["--smoke", str(tiny_ir)], _env(), tmp_path)
    assert out.returncode == 0, out.stderr
    assert "platform offscreen" in out.stdout and "window shown" in out.stdout
    assert out.stdout.strip().endswith("smoke: passed")


@linux_only
def test_smoke_with_a_display_uses_its_platform(tmp_path: Path, tiny_ir: Path) -> None:
    """A display is set: the self-test checks xcb (here an X display nobody serves), never offscreen."""
    assert not Path("/tmp/.X11-unix/X4242").exists()
    out = _ovexplorer(["--smoke", str(tiny_ir)], _env(DISPLAY=":4242"), tmp_path)
    assert out.returncode in (1, 2), out.stdout + out.stderr  # 1: no X server there; 2: xcb libraries missing
    assert "smoke: passed" not in out.stdout and "platform offscreen" not in out.stdout
    assert "cannot connect to the X display ':4242'" in out.stderr or "missing system libraries" in out.stderr
    assert "qt.qpa" not in out.stderr and "Traceback" not in out.stderr


@linux_only
def test_an_x_display_nobody_serves_is_named() -> None:
    assert not Path("/tmp/.X11-unix/X4242").exists()
    problem = display_problem({"DISPLAY": ":4242"})
    assert problem is not None and problem.startswith("cannot connect to the X display ':4242'")
    assert display_problem({"DISPLAY": ":4242", "QT_QPA_PLATFORM": "offscreen"}) is None


def test_missing_libraries_are_named_with_their_debian_packages() -> None:
    line = describe_missing(["libxcb-cursor.so.0", "libEGL.so.1", "libxcb-util.so.1", "libfoo.so.9"], "Qt")
    assert line == ("Qt cannot start: missing system libraries libxcb-cursor.so.0, libEGL.so.1, libxcb-util.so.1, "
                    "libfoo.so.9; on Debian/Ubuntu: sudo apt-get install libxcb-cursor0 libegl1 libxcb-util1 "
                    "(and what provides libfoo.so.9)")


def test_platform_follows_qt_rules() -> None:
    assert platform_names({}) == ["xcb"]
    assert platform_names({"XDG_SESSION_TYPE": "wayland"}) == ["wayland", "xcb"]
    assert platform_names({"QT_QPA_PLATFORM": "wayland;xcb:foo=1"}) == ["wayland", "xcb"]
    # offscreen needs neither a display nor the xcb libraries
    assert library_problem({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}) is None


def _needed(path: Path) -> list[str]:
    """The DT_NEEDED names of an ELF64 little-endian shared library (what ``readelf -d`` lists)."""
    data = path.read_bytes()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    dynamic = next(s for s in sections if s[1] == 6)  # SHT_DYNAMIC; its sh_link is the string table
    strtab = sections[dynamic[6]][4]
    names = []
    for off in range(dynamic[4], dynamic[4] + dynamic[5], 16):
        tag, value = struct.unpack_from("<qQ", data, off)
        if tag == 0:
            break
        if tag == 1:  # DT_NEEDED
            end = data.index(b"\0", strtab + value)
            names.append(data[strtab + value:end].decode())
    return names


@linux_only
def test_every_system_library_qt_needs_has_a_package() -> None:
    """The Qt libraries ovexplorer loads and the xcb plugin: each system library they name is in the table."""
    qt = qt_dir()
    assert qt is not None
    lib = qt / "lib"
    files = [lib / f"libQt6{m}.so.6" for m in ("Core", "Gui", "Widgets", "DBus", "Network", "Svg", "OpenGL",
                                                "XcbQpa")]
    files += [qt / "plugins" / "platforms" / "libqxcb.so", *(qt / "plugins" / "xcbglintegrations").glob("*.so")]
    shipped = {p.name for p in lib.iterdir()}
    glibc = ("libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so", "libresolv.so", "ld-linux")
    needed = {n for f in files if f.exists() for n in _needed(f)}
    assert {"libxcb-cursor.so.0", "libEGL.so.1", "libglib-2.0.so.0"} <= needed  # the ELF reader reads
    system = {n for n in needed if n not in shipped and not n.startswith(glibc)}
    assert sorted(system - set(PACKAGES)) == []


@linux_only
def test_library_check_is_quiet_when_everything_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The offscreen plugin needs nothing beyond Qt: its check loads it and finds nothing missing."""
    qt = qt_dir()
    assert qt is not None
    assert platform_check.missing_libraries([qt / "plugins" / "platforms" / "libqoffscreen.so"]) == []
    broken = _broken_xcb_plugin(tmp_path) / "libqxcb.so"
    assert _ABSENT.decode() in platform_check.missing_libraries([broken])
