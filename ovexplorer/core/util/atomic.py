"""Write files so that a failure never leaves a half-written file or destroys the old one.

Everything ovexplorer writes for the user (exports, *Save as IR*) goes through :func:`atomic_path`: the data
is written to a temporary file in the destination's folder, flushed to disk, and renamed over the destination
only once it is complete. A crash, a full disk or an exception in the writer leaves the old file as it was and
no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_TEMP_PREFIX = ".ovexplorer-"
_TEMP_SUFFIX = ".tmp"


def fsync_path(path: str | Path) -> None:
    """Flush a file's data to disk (a no-op where the platform cannot)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX only; Windows cannot open folders)."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fsync_path(folder)


def is_temp_name(name: str) -> bool:
    """True for names of the temporary files :func:`atomic_path` creates (for clean-up and tests)."""
    return name.startswith(_TEMP_PREFIX) and name.endswith(_TEMP_SUFFIX)


@contextlib.contextmanager
def atomic_path(dest: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest``; on success rename it over ``dest``, on failure delete it.

    The caller writes the whole file to the yielded path (with any library: ``np.save``, ``QImage.save``...).
    The temporary file keeps ``dest``'s suffix, for writers that choose a format by suffix. If the block raises,
    the exception propagates and ``dest`` is untouched. An existing ``dest`` keeps its permission bits.
    """
    dest = Path(dest)
    folder = dest.parent if str(dest.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=dest.suffix + _TEMP_SUFFIX, dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to the temporary file for {dest.name}")
        with contextlib.suppress(OSError):
            os.chmod(tmp, dest.stat().st_mode & 0o7777 if dest.exists() else _default_mode())
        fsync_path(tmp)
        os.replace(tmp, dest)
        _fsync_dir(folder)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _default_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give a new file (``mkstemp`` makes it 0600)."""
    umask = 0o022
    with contextlib.suppress(OSError, ValueError, StopIteration):  # Linux tells it without changing it
        with open("/proc/self/status") as status:
            umask = int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    return 0o666 & ~umask


def commit_files(moves: list[tuple[Path, Path]]) -> None:
    """Rename each complete ``(temporary, destination)`` file into place, all or none.

    For files that belong together (an IR's ``.xml`` and ``.bin``): the old destinations are set aside
    first and put back if any rename fails, so the old pair stays a matching pair.
    """
    backups: list[tuple[Path, Path]] = []
    done: list[Path] = []
    try:
        for tmp, _ in moves:
            fsync_path(tmp)
        for _, dest in moves:
            if dest.exists():
                fd, name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".old" + _TEMP_SUFFIX, dir=dest.parent)
                os.close(fd)
                try:
                    os.replace(dest, name)
                except BaseException:
                    Path(name).unlink(missing_ok=True)  # the empty placeholder of a backup never made
                    raise
                backups.append((Path(name), dest))
        for tmp, dest in moves:
            os.replace(tmp, dest)
            done.append(dest)
    except BaseException:
        for dest in done:
            with contextlib.suppress(OSError):
                dest.unlink()
        for backup, dest in backups:
            with contextlib.suppress(OSError):
                os.replace(backup, dest)
        raise
    for backup, _ in backups:
        with contextlib.suppress(OSError):
            backup.unlink()
    for folder in {dest.parent for _, dest in moves}:
        _fsync_dir(folder)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (newlines as given); return the path."""
    return atomic_write_bytes(path, text.encode(encoding))
