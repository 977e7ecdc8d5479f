"""Input-decoder fuzzing: valid input files built in code, seeded mutators, and the target decoding one case.

A case is reproducible from its seed: ``python tests/fuzz_inputs.py --seed 1234 --out /tmp/case`` writes the
mutated file and prints what was done. :func:`fuzz` runs cases through ``fuzz_runner.run_cases`` with
:func:`decode_target`, which hands each file to the Run panel's decoder (``run_work.decode_file``) for the
inputs of the sample models and of a few synthetic ports (dynamic, integer, NHWC u8), in worker processes.
"""

from __future__ import annotations

import io
import pickle
import random
import struct
import sys
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from fuzz_runner import Outcome, fuzz_in_batches

TARGET = "fuzz_inputs:decode_target"
#: Unpickling a ``npy_pickle`` payload would create this file: it must never appear (set per run by :func:`fuzz`).
MARKER = Path(tempfile.gettempdir()) / "ovexplorer-fuzz-UNPICKLED-MARKER"


# -- valid seeds ---------------------------------------------------------------------------------------------------
def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def _npz(arrays: dict[str, np.ndarray], compressed: bool = False) -> bytes:
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def npy_seeds() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    return {
        "x f32 [1,2]": _npy(np.float32([[2, 3]])),
        "x f64 [2]": _npy(np.float64([2, 3])),
        "image f32 [1,3,64,64]": _npy(rng.uniform(0, 255, (1, 3, 64, 64)).astype(np.float32)),
        "i32 [1,4]": _npy(np.int32([[1, 2, 3, 4]])),
        "u8 [1,32,32,3]": _npy(rng.integers(0, 255, (1, 32, 32, 3)).astype(np.uint8)),
        "f32 0-d": _npy(np.float32(1.5)),
        "f32 empty [0,2]": _npy(np.zeros((0, 2), np.float32)),
        "fortran f32 [2,3]": _npy(np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))),
    }


def npz_seeds() -> dict[str, bytes]:
    return {
        "npz x": _npz({"x": np.float32([[2, 3]])}),
        "npz x+image": _npz({"x": np.float32([[2, 3]]), "image": np.zeros((1, 3, 64, 64), np.float32)}),
        "npz compressed": _npz({"arr_0": np.float32([[1, 2]]), "other": np.int32([[1, 2, 3, 4]])}, compressed=True),
    }


def image_seeds() -> dict[str, bytes]:
    """Small PNG/JPEG/BMP pictures made with Qt (no QApplication needed for QImage)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    seeds = {}
    for fmt, size, alpha in (("PNG", (20, 12), False), ("PNG", (7, 9), True), ("JPG", (24, 16), False),
                             ("BMP", (10, 6), False)):
        image = QImage(*size, QImage.Format.Format_ARGB32 if alpha else QImage.Format.Format_RGB32)
        image.fill(QColor(30, 120, 250, 128 if alpha else 255))
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        if image.save(buf, fmt):
            seeds[f"{fmt.lower()} {size[0]}x{size[1]}{' alpha' if alpha else ''}"] = bytes(data.data())
        buf.close()
    return seeds


TEXT_SEEDS = {
    "csv 2": "2, 3\n",
    "txt 2 lines": "2\n3\n",
    "csv 4 ints": "1,2,3,4\n",
    "csv 2x2": "1,2\n3,4\n",
}


@dataclass
class Case:
    """One fuzz case: a file's bytes and suffix, and the steps that made it (for the report)."""

    seed: int
    base: str
    suffix: str
    data: bytes
    steps: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        return f"seed {self.seed}: {self.base} ({self.suffix}) + " + "; ".join(self.steps)


# -- .npy mutators -------------------------------------------------------------------------------------------------
def _split_npy(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(magic + version, header text, payload) of a valid .npy."""
    major = data[6]
    n = 2 if major == 1 else 4
    hlen = int.from_bytes(data[8:8 + n], "little")
    start = 8 + n
    return data[:8], data[start:start + hlen], data[start + hlen:]


def _join_npy(prefix: bytes, header: bytes, payload: bytes, version: int = 1) -> bytes:
    pad = (-(len(prefix) + (2 if version == 1 else 4) + len(header) + 1)) % 64
    header = header.rstrip(b"\n ") + b" " * pad + b"\n"
    size = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + size + header + payload


DESCRS = ("'<f4'", "'<f8'", "'>f4'", "'|O'", "'<U10'", "'|S4'", "'V16'", "'<c8'", "'<M8[s]'", "'<m8'", "'|b1'",
          "'<f2'", "'<i8'", "'|u1'", "'<f3'", "'garbage'", "''", "[('a', '<f4'), ('b', '<i4')]", "[('a', '|O')]",
          "('<f4', (2,))", "'<f4'*3", "None", "1", "{'x': 1}", "'>U99999999999'", "'<V0'", "'|V9999999999'")
SHAPES = ("()", "(0,)", "(-1,)", "(2, -3)", "(1, 2)", "(2,)", "(1, 3, 64, 64)", "(10**12,)", "(1000000000000,)",
          "(4611686018427387904, 4)", "(2**31, 2**31)", "(2147483648,)", "(300000000,)", "('a',)", "(1.5,)",
          "(None,)", "[1, 2]", "(" + "1, " * 40 + ")", "(" + "2, " * 70 + ")", "(True, 2)", "1")


def npy_descr(rng: random.Random, case: Case) -> str:
    prefix, header, payload = _split_npy(case.data)
    descr = rng.choice(DESCRS)
    text = header.decode("latin-1")
    start = text.index("'descr':") + len("'descr':")
    end = text.index(", 'fortran_order'")
    case.data = _join_npy(prefix, (text[:start] + " " + descr + text[end:]).encode("latin-1"), payload)
    return f"descr {descr}"


def npy_shape(rng: random.Random, case: Case) -> str:
    prefix, header, payload = _split_npy(case.data)
    shape = rng.choice(SHAPES)
    text = header.decode("latin-1")
    start = text.index("'shape':") + len("'shape':")
    end = text.rindex("}")
    case.data = _join_npy(prefix, (text[:start] + " " + shape + ", " + text[end:]).encode("latin-1"), payload)
    return f"shape {shape[:40]}"


def npy_fortran(rng: random.Random, case: Case) -> str:
    prefix, header, payload = _split_npy(case.data)
    value = rng.choice(("True", "False", "1", "'yes'", "None"))
    text = header.decode("latin-1").replace("'fortran_order': False", f"'fortran_order': {value}")
    case.data = _join_npy(prefix, text.encode("latin-1"), payload)
    return f"fortran_order {value}"


def npy_header_text(rng: random.Random, case: Case) -> str:
    """Replace the whole header dict with something else."""
    header = rng.choice((b"{}", b"{'descr': '<f4'}", b"[1, 2]", b"__import__('os').system('echo pwned')",
                         b"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'extra': 1}",
                         b"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)", b"\xff\xfe\x00garbage",
                         b"{'descr': '<f4', 'fortran_order': False, 'shape': (" + b"(" * 500 + b")" * 500 + b")}",
                         b"{'descr': '<f4', 'fortran_order': False, 'shape': (" + b"9" * 5000 + b",)}"))
    prefix, _, payload = _split_npy(case.data)
    case.data = _join_npy(prefix, header, payload)
    return f"header {header[:40]!r}"


def npy_header_length(rng: random.Random, case: Case) -> str:
    data = bytearray(case.data)
    value = rng.choice((0, 1, 10, 65535, len(case.data), rng.randrange(65536)))
    data[8:10] = struct.pack("<H", value)
    case.data = bytes(data)
    return f"header length {value}"


def npy_magic_version(rng: random.Random, case: Case) -> str:
    data = bytearray(case.data)
    what = rng.choice(("magic", "version", "version2", "version3"))
    if what == "magic":
        i = rng.randrange(6)
        data[i] ^= 1 << rng.randrange(8)
    elif what == "version":
        data[6:8] = bytes([rng.randrange(256), rng.randrange(256)])
    else:  # a version 2/3 file with a 4-byte length, or a 1.0 length read as 4 bytes
        prefix, header, payload = _split_npy(case.data)
        version = 2 if what == "version2" else 3
        data = bytearray(_join_npy(prefix, header, payload, version=version))
        if rng.random() < 0.5:
            data[6] = 1  # header length now misread
    case.data = bytes(data)
    return f"{what} bytes {bytes(data[:8])!r}"


def npy_pickle(rng: random.Random, case: Case) -> str:
    """An object array whose pickle payload, once unpickled, would create the marker file."""
    text = "{'descr': '|O', 'fortran_order': False, 'shape': (1, 2), }"
    payload = pickle.dumps(_Marker(), protocol=rng.choice((2, 3, 4, 5)))
    case.data = _join_npy(b"\x93NUMPY\x01\x00", text.encode(), payload)
    return "object dtype with a pickle payload"


class _Marker:
    def __reduce__(self):  # unpickling calls open(marker, "w"), creating the file
        return (open, (str(MARKER), "w"))


def truncate(rng: random.Random, case: Case) -> str:
    cut = rng.randrange(0, len(case.data) + 1)
    case.data = case.data[:cut]
    return f"truncate at {cut}"


def flip_bytes(rng: random.Random, case: Case) -> str:
    data = bytearray(case.data)
    if not data:
        return "flip (empty)"
    n = rng.choice((1, 2, 4, 16))
    head = rng.random() < 0.6  # the header (first 128 bytes) matters most
    for _ in range(n):
        i = rng.randrange(min(len(data), 128) if head else len(data))
        data[i] = rng.randrange(256) if rng.random() < 0.5 else data[i] ^ (1 << rng.randrange(8))
    case.data = bytes(data)
    return f"flip {n} bytes{' in the header' if head else ''}"


def append_garbage(rng: random.Random, case: Case) -> str:
    extra = rng.choice((b"\x00", b"\x00" * 4, bytes(rng.randrange(256) for _ in range(37)), b"PK\x03\x04"))
    case.data += extra
    return f"append {len(extra)} bytes"


# -- .npz mutators -------------------------------------------------------------------------------------------------
def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(n, z.read(n)) for n in z.namelist()]


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", compression) as z:
        warnings.simplefilter("ignore")  # duplicate member names are one of the mutations
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def npz_member_names(rng: random.Random, case: Case) -> str:
    members = _members(case.data)
    name = rng.choice(("../x.npy", "/abs/x.npy", "a/b/x.npy", "x", "x.npy.npy", "\u4e2d\u6587.npy", "", ".npy",
                       "x.NPY", "image.npy", "x" * 300 + ".npy", "nul\x00.npy", "x.npy"))
    i = rng.randrange(len(members))
    members[i] = (name, members[i][1])
    if rng.random() < 0.3:
        members.append(members[i])  # a duplicate name
    case.data = _zip(members)
    return f"member {i} named {name[:30]!r}"


def npz_member_content(rng: random.Random, case: Case) -> str:
    members = _members(case.data)
    i = rng.randrange(len(members))
    sub = Case(case.seed, "", ".npy", members[i][1])
    mutator = rng.choice(NPY_MUTATORS)
    step = mutator(rng, sub)
    members[i] = (members[i][0], sub.data)
    case.data = _zip(members, rng.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)))
    return f"member {i}: {step}"


def npz_nested(rng: random.Random, case: Case) -> str:
    members = _members(case.data)
    inner = case.data
    members.append((rng.choice(("nested.npy", "x.npy", "nested.npz")), inner))
    if rng.random() < 0.5:
        members = [m for m in members if not m[0].startswith("x")]
    case.data = _zip(members)
    return "an .npz inside the .npz"


def npz_bomb(rng: random.Random, case: Case) -> str:
    """A deflated member claiming a huge array of zeros (small on disk, huge once read)."""
    count = rng.choice((50_000_000, 300_000_000, 2_000_000_000))
    header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({count},), }}".encode()
    head = _join_npy(b"\x93NUMPY\x01\x00", header, b"")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("x.npy")
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, head + bytes(min(count * 4, 64 << 20)))  # 64 MiB at most: ~64 KiB deflated
    case.data = buf.getvalue()
    return f"deflated member of {count} f32 zeros"


def npz_zip_structure(rng: random.Random, case: Case) -> str:
    data = bytearray(case.data)
    where = rng.choice(("local", "central", "end"))
    sig = {"local": b"PK\x03\x04", "central": b"PK\x01\x02", "end": b"PK\x05\x06"}[where]
    at = data.find(sig)
    if at < 0:
        return f"{where} header (not found)"
    for _ in range(rng.choice((1, 2, 4))):
        i = at + rng.randrange(4, 30)
        if i < len(data):
            data[i] = rng.choice((0, 0xFF, rng.randrange(256)))
    case.data = bytes(data)
    return f"corrupt zip {where} header"


# -- image mutators ------------------------------------------------------------------------------------------------
def _png_fix_crc(data: bytearray, at: int, length: int) -> None:
    crc = zlib.crc32(bytes(data[at + 4:at + 8 + length])) & 0xFFFFFFFF
    data[at + 8 + length:at + 12 + length] = struct.pack(">I", crc)


def image_dimensions(rng: random.Random, case: Case) -> str:
    """Huge, zero or negative dimensions in the header (a PNG's IHDR keeps a valid CRC)."""
    data = bytearray(case.data)
    w, h = rng.choice(((65535, 65535), (0, 5), (5, 0), (2**31 - 1, 1), (1, 2**31 - 1), (6000, 6000), (100000, 1),
                       (1, 100000), (7000, 5000), (2**32 - 1, 2**32 - 1)))
    if data[:4] == b"\x89PNG":
        data[16:24] = struct.pack(">II", w, h)
        _png_fix_crc(data, 8, 13)
    elif data[:2] == b"BM":
        data[18:26] = struct.pack("<ii", min(w, 2**31 - 1), -min(h, 2**31 - 1) if rng.random() < 0.3
                                  else min(h, 2**31 - 1))
    elif data[:2] == b"\xff\xd8":
        at = max(data.find(b"\xff\xc0"), data.find(b"\xff\xc2"))
        if at < 0:
            return "dimensions (no SOF)"
        data[at + 5:at + 9] = struct.pack(">HH", min(h, 65535), min(w, 65535))
    case.data = bytes(data)
    return f"dimensions {w} x {h}"


def image_depth(rng: random.Random, case: Case) -> str:
    """Bit depth / colour type / BMP bits-per-pixel / JPEG components changed."""
    data = bytearray(case.data)
    if data[:4] == b"\x89PNG":
        data[24] = rng.choice((0, 1, 3, 7, 16, 255))
        data[25] = rng.choice((0, 1, 2, 3, 4, 6, 7))
        _png_fix_crc(data, 8, 13)
    elif data[:2] == b"BM":
        data[28:30] = struct.pack("<H", rng.choice((0, 1, 3, 7, 16, 64, 65535)))
    elif data[:2] == b"\xff\xd8":
        at = data.find(b"\xff\xc0")
        if at >= 0:
            data[at + 9] = rng.choice((0, 2, 5, 255))
    case.data = bytes(data)
    return "bit depth / components"


# -- raw and text --------------------------------------------------------------------------------------------------
def raw_sizes(rng: random.Random, case: Case) -> str:
    size = rng.choice((0, 1, 7, 8, 9, 16, 3 * 64 * 64 * 4, 3 * 64 * 64 * 4 - 1, 3 * 64 * 64 * 4 + 4, 4096, 3 * 32 * 32))
    case.data = bytes(rng.randrange(256) for _ in range(min(size, 64))) * (size // 64 + 1)
    case.data = case.data[:size]
    return f"{size} bytes"


def raw_special_floats(rng: random.Random, case: Case) -> str:
    values = [float("nan"), float("inf"), -float("inf"), 1e38, -0.0]
    case.data = np.array([rng.choice(values) for _ in range(len(case.data) // 4)], np.float32).tobytes()
    return "NaN/inf floats"


TEXT_PIECES = ("nan", "NaN", "inf", "-inf", "1e999", "-1e999", "9" * 400, "-" + "9" * 30, "0x10", "1_000", "１２",
               "\u0661\u0662", "\u00bd", "1e-400", "true", "False", "[1, 2]", "((1))", "abc", "", ",,,", ";", "\t",
               "\x00", "\ufeff2", "2\u00a03", "1.2.3", "--1", "+", "e5", "1e", "\u2212" + "1", "\U0001f600",
               "2" * 20, "1e308", "3.4e39", "-2147483649", "4294967296", "18446744073709551616")


def text_garbage(rng: random.Random, case: Case) -> str:
    pieces = [rng.choice(TEXT_PIECES) for _ in range(rng.randrange(1, 8))]
    sep = rng.choice((", ", "\n", " ", ";", "\r\n", "\t"))
    case.data = sep.join(pieces).encode("utf-8")
    return f"text {sep.join(pieces)[:60]!r}"


def text_long_line(rng: random.Random, case: Case) -> str:
    n = rng.choice((10_000, 200_000, 1_000_000))
    token = rng.choice(("1", "1.5", "nan", "x", "1e999"))
    case.data = ",".join([token] * n).encode()
    return f"one line of {n} x {token!r}"


def text_bytes(rng: random.Random, case: Case) -> str:
    kind = rng.choice(("latin1", "utf16", "bom", "nul", "binary"))
    text = case.data.decode("utf-8", "replace")
    case.data = {"latin1": ("\u00e9" + text).encode("latin-1", "replace"), "utf16": text.encode("utf-16"),
                 "bom": b"\xef\xbb\xbf" + case.data, "nul": case.data.replace(b",", b"\x00"),
                 "binary": bytes(rng.randrange(256) for _ in range(64))}[kind]
    return f"bytes {kind}"


NPY_MUTATORS: tuple[Callable[[random.Random, Case], str], ...] = (
    npy_descr, npy_shape, npy_fortran, npy_header_text, npy_header_length, npy_magic_version, npy_pickle,
    truncate, flip_bytes, append_garbage)
NPZ_MUTATORS = (npz_member_names, npz_member_content, npz_nested, npz_bomb, npz_zip_structure, truncate, flip_bytes)
IMAGE_MUTATORS = (image_dimensions, image_depth, truncate, flip_bytes, append_garbage)
RAW_MUTATORS = (raw_sizes, raw_special_floats, truncate, append_garbage)
TEXT_MUTATORS = (text_garbage, text_long_line, text_bytes, truncate, flip_bytes, append_garbage)


def all_seeds() -> dict[str, tuple[str, bytes, tuple]]:
    """name -> (suffix, bytes, mutators)."""
    seeds: dict[str, tuple[str, bytes, tuple]] = {}
    for name, data in npy_seeds().items():
        seeds[name] = (".npy", data, NPY_MUTATORS)
    for name, data in npz_seeds().items():
        seeds[name] = (".npz", data, NPZ_MUTATORS)
    for name, data in image_seeds().items():
        suffix = {"png": ".png", "jpg": ".jpg", "bmp": ".bmp"}[name.split()[0]]
        seeds[name] = (suffix, data, IMAGE_MUTATORS)
    seeds["raw f32 [1,2]"] = (".bin", np.float32([[2, 3]]).tobytes(), RAW_MUTATORS)
    seeds["raw f32 [1,3,64,64]"] = (".raw", np.zeros((1, 3, 64, 64), np.float32).tobytes(), RAW_MUTATORS)
    for name, text in TEXT_SEEDS.items():
        seeds[name] = (".txt" if name.startswith("txt") else ".csv", text.encode(), TEXT_MUTATORS)
    return seeds


def make_case(seed: int, seeds: dict[str, tuple[str, bytes, tuple]]) -> Case:
    """The case of ``seed``: a seed file and 1-2 mutations drawn from ``random.Random(seed)``."""
    rng = random.Random(seed)
    base = rng.choice(sorted(seeds))
    suffix, data, mutators = seeds[base]
    case = Case(seed, base, suffix, data)
    structural = [m for m in mutators if m not in (truncate, flip_bytes, append_garbage)]
    chosen = [rng.choice(structural or mutators)]
    if rng.random() < 0.4:
        chosen.append(rng.choice(mutators))
    for mutator in chosen:
        try:
            case.steps.append(mutator(rng, case))
        except (ValueError, IndexError, zipfile.BadZipFile, struct.error, EOFError, NotImplementedError, OSError,
                RuntimeError, zlib.error) as exc:  # a mutation that cannot apply to what an earlier one left
            case.steps.append(f"{mutator.__name__} (no-op: {type(exc).__name__})")
    return case


def write_case(case: Case, folder: Path, name: str = "case") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{case.suffix}"
    path.write_bytes(case.data)
    return path


# -- the target (runs in a worker) ---------------------------------------------------------------------------------
_ROWS: dict[str, list] = {}


def _model_rows() -> dict[str, list]:
    """The Run panel's rows for the sample models and a few synthetic inputs (read once per worker)."""
    if not _ROWS:
        import openvino as ov

        from ovexplorer.core.run.inputs import InputSource
        from ovexplorer.core.run.ports import PortSpec, model_inputs
        from ovexplorer.resources import sample_model
        from ovexplorer.ui.run.run_work import InputRow

        core = ov.Core()
        for name in ("regression", "shapes"):
            specs = model_inputs(core.read_model(str(sample_model(name))))
            _ROWS[name] = [InputRow(s, InputSource()) for s in specs]
        synthetic = (
            PortSpec("dyn", 0, "[?,?]", ((0, -1), (0, -1)), "f32", ("dyn",)),
            PortSpec("ids", 1, "[1,4]", ((1, 1), (4, 4)), "i32", ("ids",)),
            PortSpec("nhwc", 2, "[1,32,32,3]", ((1, 1), (32, 32), (32, 32), (3, 3)), "u8", ("nhwc",)),
            PortSpec("flag", 3, "[1,2]", ((1, 1), (2, 2)), "boolean", ("flag",)),
        )
        _ROWS["synthetic"] = [InputRow(s, InputSource()) for s in synthetic]
    return _ROWS


def _check_tensor(tensor, spec) -> None:
    from ovexplorer.core.run.ports import shape_misfit

    assert isinstance(tensor, np.ndarray), f"not an array: {type(tensor)}"
    assert tensor.dtype == spec.dtype, f"{spec.name}: dtype {tensor.dtype} for {spec.element_type}"
    assert not shape_misfit(spec, tuple(tensor.shape)), f"{spec.name}: shape {tensor.shape} for {spec.partial_shape}"
    assert tensor.dtype != object


def decode_target(path: str) -> dict:
    """Decode one file as a drop on the Run panel would, for every model; InputError naming the file is expected."""
    from ovexplorer.core.util.errors import InputError
    from ovexplorer.ui.run.run_work import decode_file

    file = Path(path)
    loaded, errors = [], []
    for model, rows in _model_rows().items():
        specs = {r.spec.name: r.spec for r in rows}
        for target in (None, rows[0].spec.name):
            try:
                decoded = decode_file(file, rows, target, progress=lambda *_: None, cancel=None)
            except InputError as exc:
                if file.name not in exc.message:
                    return {"outcome": "error", "type": "InputError", "message": exc.message}
                errors.append(exc.message)
                continue
            for d in decoded:
                _check_tensor(d.tensor, specs[d.name])
                loaded.append(f"{model}.{d.name}")
    if loaded:
        return {"outcome": "loaded", "note": ", ".join(loaded)}
    return {"outcome": "error", "type": "InputError", "message": errors[0]}


def fuzz(folder: Path, *, first_seed: int, max_cases: int, max_seconds: float, workers: int = 2,
         chunk: int = 150, timeout: float = 20.0) -> list[tuple[Case, Outcome]]:
    """Generate and run cases ``first_seed, first_seed + 1, ...`` until ``max_cases`` or ``max_seconds``.

    The pickle payloads would create ``folder / "UNPICKLED-MARKER"`` (checked by the caller).
    """
    global MARKER
    MARKER = folder / "UNPICKLED-MARKER"
    seeds = all_seeds()

    def forget(case: Case) -> None:
        case.data = b""

    return fuzz_in_batches(folder, lambda seed: make_case(seed, seeds), write_case, forget, target=TARGET,
                           first_seed=first_seed, max_cases=max_cases, max_seconds=max_seconds, workers=workers,
                           chunk=chunk, timeout=timeout)


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="write the case of this seed to --out and print its steps")
    parser.add_argument("--out", type=Path, default=Path("fuzz-input"))
    args = parser.parse_args(argv)
    if args.seed is not None:
        case = make_case(args.seed, all_seeds())
        path = write_case(case, args.out)
        print(f"{path}: {case.description}")
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
