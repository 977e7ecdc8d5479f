"""NumPy files: ``.npy`` arrays read with the header checked first (never unpickling, never allocating what the
file does not hold) and ``.npz`` archives, whose arrays are matched to inputs by name, then by order."""

from __future__ import annotations

import tokenize
import zipfile
import zlib
from math import prod
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ovexplorer.core.run.inputs.tensor_fit import fit_array
from ovexplorer.core.run.ports import PortSpec, shape_text
from ovexplorer.core.util.errors import InputError


def check_readable(path: Path) -> None:
    if not path.is_file():
        raise InputError(f"{path.name} does not exist or is not a file.", path=path)
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty (0 bytes).", path=path)


def npy_from_stream(f: BinaryIO, available: int, what: str, path: Path) -> np.ndarray:
    """Read one ``.npy`` array from ``f`` (``available`` bytes from the start), never unpickling anything.

    The header is parsed with NumPy's own reader, then checked before any data is read: no Python objects,
    and a payload that fits in what the file holds (a header claiming 10^12 values allocates nothing).
    """
    bad = f"{what} is not a valid .npy array"
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ValueError(f"unknown .npy version {version[0]}.{version[1]}")
    except (ValueError, SyntaxError, TypeError, OverflowError, MemoryError, EOFError, RecursionError,
            tokenize.TokenError) as exc:
        detail = str(exc).splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{bad} (damaged header: {detail}).", path=path) from None
    if dtype.hasobject:
        raise InputError(f"{what} holds Python objects (an object array); only numeric arrays can be used.", path=path)
    if not isinstance(shape, tuple) or not all(type(d) is int and d >= 0 for d in shape):
        raise InputError(f"{bad} (damaged header: shape {shape!r} is not a list of sizes).", path=path)
    if dtype.subdtype is not None:  # ('<f4', (2,)): np.load gives an array of shape + (2,)
        dtype, shape = dtype.subdtype[0], shape + dtype.subdtype[1]
    if dtype.itemsize == 0 or dtype.fields is not None or dtype.kind == "V":
        raise InputError(f"{what} holds {dtype.name or dtype.str} records; only numeric arrays can be used.",
                         path=path)
    count = prod(shape)
    need = count * dtype.itemsize
    have = available - f.tell()
    if need > have:  # checked before allocating; trailing bytes are ignored, as np.load does
        raise InputError(f"{bad}: its header says {dtype.name} {shape_text(shape)} ({need} bytes of data), "
                         f"but only {max(have, 0)} bytes follow.", path=path)
    try:
        data = bytearray(need)  # writable, like np.load's arrays (a bytes buffer would be read-only)
        view, got = memoryview(data), 0
        while got < need:
            n = f.readinto(view[got:])
            if not n:
                break
            got += n
        if got != need:
            raise InputError(f"{bad}: the data ends early.", path=path)
        array = np.frombuffer(data, dtype=dtype, count=count) if count else np.zeros(0, dtype)
        array = array.reshape(shape[::-1]).transpose() if fortran else array.reshape(shape)
    except MemoryError:
        raise InputError(f"{what} is too large to load ({need} bytes).", path=path) from None
    return array


def load_npy(path: Path) -> np.ndarray:
    with path.open("rb") as f:
        magic = f.read(6)
        if magic != b"\x93NUMPY":
            kind = "an .npz archive" if magic.startswith(b"PK") else "not a valid .npy file (no NumPy header)"
            raise InputError(f"{path.name} is {kind}.", path=path)
        f.seek(0)
        return npy_from_stream(f, path.stat().st_size, path.name, path)


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """All arrays of an ``.npz`` archive, in the archive's order (members read with the checked ``.npy`` reader)."""
    check_readable(path)
    with path.open("rb") as f:
        if f.read(6) == b"\x93NUMPY":
            raise InputError(f"{path.name} is a single .npy array, not an .npz archive.", path=path)
    arrays: dict[str, np.ndarray] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                what = f"{path.name}: array {key!r}"
                with archive.open(info) as member:
                    if member.read(6) != b"\x93NUMPY":
                        raise InputError(f"{what} is not an .npy array.", path=path)
                    member.seek(0)
                    arrays[key] = npy_from_stream(member, info.file_size, what, path)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error) as exc:
        raise InputError(f"{path.name} is not a valid .npz archive ({exc}).", path=path) from None
    if not arrays:
        raise InputError(f"{path.name} holds no arrays.", path=path)
    return arrays


def match_npz(path: Path, specs: tuple[PortSpec, ...]) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` matched to inputs: by name first, the remaining ones by order."""
    arrays = read_npz(path)
    result: dict[str, np.ndarray] = {}
    unmatched = list(arrays)
    for spec in specs:
        key = next((k for k in (spec.name, *spec.names) if k in arrays), None)
        if key is not None:
            result[spec.name] = fit_array(arrays[key], spec, path, f"{path.name}[{key!r}]")
            unmatched.remove(key)
    rest = [s for s in specs if s.name not in result]
    for spec, key in zip(rest, unmatched, strict=False):
        result[spec.name] = fit_array(arrays[key], spec, path, f"{path.name}[{key!r}]")
    return {s.name: result[s.name] for s in specs if s.name in result}  # in input order
