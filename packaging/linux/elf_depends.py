"""Debian dependencies of a bundle, computed from its ELF files (``objdump -p`` NEEDED -> ``dpkg -S``).

    python3 elf_depends.py BUNDLE_DIR   ->  prints two lines: "Depends: ..." and "Recommends: ..."

Libraries the bundle ships itself are skipped. Libraries needed only by optional parts (the GPU and NPU
device plugins, Qt's GTK theme) become Recommends. A library the build host lacks is mapped with a small
table of known package names; any other unresolved library fails the build rather than be left out.
libc6 gets the highest GLIBC_ symbol version any file uses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

#: Files whose needs are optional: the app runs without them (no GPU/NPU device, no GTK theme).
OPTIONAL = ("libopenvino_intel_gpu_plugin", "libopenvino_intel_npu_plugin", "libqgtk3", "libqxdgdesktopportal")
#: Known sonames -> package (Debian and Ubuntu), for hosts that do not have them installed.
KNOWN = {
    "libOpenCL.so.1": "ocl-icd-libopencl1",
    "libgtk-3.so.0": "libgtk-3-0",
    "libgdk-3.so.0": "libgtk-3-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libwayland-client.so.0": "libwayland-client0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
}
_GLIBC = re.compile(rb"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?")


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=False).stdout
    return [line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")]


def glibc_version(path: Path) -> tuple[int, ...]:
    data = path.read_bytes()
    versions = [tuple(int(x) for x in m.groups() if x is not None) for m in _GLIBC.finditer(data)]
    return max(versions, default=(0,))


def ldconfig_paths() -> dict[str, str]:
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    paths: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        m = re.match(r"\s*(\S+) \(([^)]*)\) => (\S+)", line)
        if m and "x86-64" in m.group(2) and m.group(1) not in paths:
            paths[m.group(1)] = m.group(3)
    return paths


def owning_package(path: str) -> str | None:
    """The package that owns ``path``, trying the /lib <-> /usr/lib forms of a merged-/usr system."""
    real = str(Path(path).resolve())
    for candidate in dict.fromkeys([path, "/usr" + path, path.removeprefix("/usr"), real, "/usr" + real]):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout:
            return result.stdout.split(":")[0].strip()
    return None


def main(bundle: Path) -> int:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    shipped = {p.name for p in bundle.rglob("*") if ".so" in p.name}
    required: dict[str, set[str]] = {}
    optional: dict[str, set[str]] = {}
    glibc: tuple[int, ...] = (0,)
    for f in files:
        glibc = max(glibc, glibc_version(f))
        target = optional if any(o in f.name for o in OPTIONAL) else required
        for soname in needed(f):
            if soname not in shipped:
                target.setdefault(soname, set()).add(f.name)
    paths = ldconfig_paths()
    missing = []

    def packages(sonames: dict[str, set[str]]) -> set[str]:
        result = set()
        for soname, users in sorted(sonames.items()):
            pkg = owning_package(paths[soname]) if soname in paths else None
            pkg = pkg or KNOWN.get(soname)
            if pkg is None:
                missing.append(f"{soname} (needed by {', '.join(sorted(users)[:3])})")
            else:
                result.add(pkg)
        return result

    depends = packages(required)
    recommends = packages(optional) - depends
    if missing:
        print("elf_depends: no package found for: " + "; ".join(missing), file=sys.stderr)
        return 1
    depends.discard("libc6")
    libc = "libc6 (>= {})".format(".".join(str(x) for x in glibc)) if glibc != (0,) else "libc6"
    print("Depends: " + ", ".join([libc, *sorted(depends)]))
    print("Recommends: " + ", ".join(sorted(recommends)))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
