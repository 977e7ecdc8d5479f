"""Input-decoder fuzzing: every mutated input file gives a tensor or an ``InputError`` naming the file.

Each case is decoded in a worker process (``fuzz_runner.py``) by the Run panel's own decoder
(``run_work.decode_file``) for the sample models' inputs and a few synthetic ones; a crash or a hang fails the
case. Bounded by default (~10 s); run longer with ``OVEXPLORER_FUZZ_INPUT_CASES=5000
OVEXPLORER_FUZZ_INPUT_SECONDS=600`` (``OVEXPLORER_FUZZ_SEED`` sets the first seed).
"""

from __future__ import annotations

import io
import os
import pickle
import random
import sys
import zipfile
from pathlib import Path

import fuzz_inputs
import numpy as np
import pytest
from fuzz_inputs import Case, fuzz, npy_pickle, npz_bomb, npz_nested, npz_seeds
from fuzz_runner import report

from ovexplorer.core.run import inputs
from ovexplorer.core.run.inputs import npy_files
from ovexplorer.core.run.ports import PortSpec
from ovexplorer.core.util.errors import InputError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the worker protocol needs POSIX pipes")

FUZZ_CASES = int(os.environ.get("OVEXPLORER_FUZZ_INPUT_CASES", "400"))
FUZZ_SECONDS = float(os.environ.get("OVEXPLORER_FUZZ_INPUT_SECONDS", "10"))
FUZZ_SEED = int(os.environ.get("OVEXPLORER_FUZZ_SEED", "0"))

X = PortSpec("x", 0, "[1,2]", ((1, 1), (2, 2)), "f32", ("x",))




def test_mutated_input_files_give_a_tensor_or_a_clear_error(tmp_path: Path, capsys) -> None:
    results = fuzz(tmp_path, first_seed=FUZZ_SEED, max_cases=FUZZ_CASES, max_seconds=FUZZ_SECONDS, chunk=60)
    outcomes = [o for _, o in results]
    failed = report("input fuzz", outcomes, "fuzz_inputs.py", capsys)
    assert len(outcomes) >= min(FUZZ_CASES, 60)
    assert {"loaded", "error"} <= {o.kind for o in outcomes}
    assert not (tmp_path / "UNPICKLED-MARKER").exists(), "an .npy payload was unpickled"
    assert not failed, f"{len(failed)} of {len(outcomes)} cases failed (listed above)"


# -- hand-picked files: each once failed (exception, hang, memory) before its fix --------------------------------------
def _case(seed_name: str, suffix: str, data: bytes) -> Case:
    return Case(0, seed_name, suffix, data)


def _npy_header(header: str, payload: bytes = b"") -> bytes:
    return fuzz_inputs._join_npy(b"\x93NUMPY\x01\x00", header.encode(), payload)


def test_pickled_npy_is_never_unpickled(tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "UNPICKLED-MARKER"
    monkeypatch.setattr(fuzz_inputs, "MARKER", marker)
    case = _case("x", ".npy", b"")
    npy_pickle(random.Random(0), case)
    pickle.loads(case.data[case.data.index(b"\n", 10) + 1:]).close()  # the payload does what it says...
    assert marker.exists()
    marker.unlink()
    path = tmp_path / "evil.npy"
    path.write_bytes(case.data)
    with pytest.raises(InputError, match=r"evil.npy holds Python objects"):
        inputs.load_array(path, X)
    archive = tmp_path / "evil.npz"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.npy", case.data)
    with pytest.raises(InputError, match=r"evil.npz: array 'x' holds Python objects"):
        inputs.load_array(archive, X)
    assert not marker.exists()  # ...but never through the decoders


@pytest.mark.parametrize(("header", "message"), [
    # numpy's header parser raised tokenize.TokenError / TypeError, not ValueError
    ("{'descr': '<f4', 'fortran_order': False,", r"damaged header"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'x': __import__('os')}", r"damaged header"),
    # a header claiming 10^12 values made np.load allocate terabytes (MemoryError)
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }", r"4000000000000 bytes.*only 8"),
    # the checked reader (first version) let these through to numpy's reshape / bytearray
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", r"shape \(-1,\) is not a list of sizes"),
    ("{'descr': '<f4', 'fortran_order': False, 'shape': (True, 2), }", r"shape \(True, 2\) is not a list of sizes"),
])
def test_damaged_npy_headers_are_input_errors(tmp_path: Path, header: str, message: str) -> None:
    path = tmp_path / "bad.npy"
    path.write_bytes(_npy_header(header, np.float32([2, 3]).tobytes()))
    with pytest.raises(InputError, match=rf"bad.npy is not a valid .npy array.*{message}"):
        inputs.load_array(path, X)


@pytest.mark.parametrize(("descr", "shape", "outcome"), [
    ("'<V0'", "(1, 2)", r"bad.npy holds void records"),  # itemsize 0 broke np.frombuffer
    ("'|V8'", "(1,)", r"bad.npy holds void64 records"),
    ("[('a', '<f4'), ('b', '<f4')]", "(1,)", r"bad.npy holds .* records"),
    ("('<f4', (2,))", "(1,)", None),  # a sub-array dtype: shape (1,) of 2 floats is [1,2], as np.load reads it
])
def test_record_and_subarray_dtypes(tmp_path: Path, descr: str, shape: str, outcome: str | None) -> None:
    path = tmp_path / "bad.npy"
    path.write_bytes(_npy_header(f"{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}, }}",
                                 np.float32([2, 3]).tobytes()))
    if outcome is None:
        assert inputs.load_array(path, X).tolist() == [[2.0, 3.0]]
    else:
        with pytest.raises(InputError, match=outcome):
            inputs.load_array(path, X)


def test_npz_members_that_are_not_arrays_or_too_large(tmp_path: Path) -> None:
    # a nested .npz came back from np.load as bytes ('bytes' object has no attribute 'shape')
    case = _case("npz x", ".npz", npz_seeds()["npz x"])
    npz_nested(random.Random(1), case)
    nested = tmp_path / "nested.npz"
    nested.write_bytes(case.data)
    with pytest.raises(InputError, match=r"nested.npz: array '.*' is not an .npy array"):
        inputs.fit_file(nested, (X,))
    # a small deflated member claiming 2e9 values: MemoryError before the fix
    case = _case("npz x", ".npz", b"")
    rng = random.Random(0)
    rng.choice = lambda seq: seq[-1] if isinstance(seq[0], int) else seq[0]  # the 2e9-value variant
    npz_bomb(rng, case)
    bomb = tmp_path / "bomb.npz"
    bomb.write_bytes(case.data)
    with pytest.raises(InputError, match=r"bomb.npz: array 'x' is not a valid .npy array: .*8000000000 bytes"):
        inputs.fit_file(bomb, (X,))
    # an unsupported compression method raised NotImplementedError
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("x.npy", fuzz_inputs._npy(np.float32([[2, 3]])))
    data = bytearray(buf.getvalue())
    central = data.index(b"PK\x01\x02")
    data[8:10] = data[central + 10:central + 12] = b"\x63\x00"  # compression method 99 (AES)
    odd = tmp_path / "odd.npz"
    odd.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"odd.npz is not a valid .npz archive"):
        inputs.fit_file(odd, (X,))


def test_a_million_numbers_on_one_line_parse_quickly(tmp_path: Path) -> None:
    """1M tokens took seconds per input with the per-token parser (a hang in the fuzzer's 10 s bound)."""
    path = tmp_path / "long.csv"
    path.write_text(",".join(["1.5"] * 1_000_000))
    dyn = PortSpec("d", 0, "[?]", ((0, -1),), "f32", ("d",))
    tensor = inputs.load_array(path, dyn, (1_000_000,))
    assert tensor.shape == (1_000_000,) and tensor.dtype == np.float32 and float(tensor[-1]) == 1.5
    ints = tmp_path / "ints.txt"
    ints.write_text(" ".join(str(i) for i in range(1000)))
    assert inputs.load_array(ints, dyn, (1000,))[999] == 999
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(",".join(["1"] * 500 + ["true", "nan", "9" * 30]))
    with pytest.raises(InputError, match=r"mixed.csv"):
        inputs.load_array(mixed, dyn, (503,))  # 10^30 does not fit f32 exactly: the careful path still says so


# -- the Run panel: nasty files dropped on its rows ---------------------------------------------------------------
def _cut_jpeg(rng: random.Random, case: Case) -> str:
    case.data = case.data[:30]  # a JPEG cut later decodes partly (grey), which is a valid picture
    return "cut at 30"


def _nasty_files(folder: Path) -> list[Path]:
    seeds = fuzz_inputs.all_seeds()
    made = []
    for name, seed, mutator, rng_seed in (
        ("pickle.npy", "x f32 [1,2]", npy_pickle, 0),
        ("terabytes.npy", "x f32 [1,2]", None, 0),
        ("nested.npz", "npz x", npz_nested, 1),
        ("huge.png", "png 20x12", fuzz_inputs.image_dimensions, 3),
        ("cut.jpg", "jpg 24x16", _cut_jpeg, 0),
        ("garbage.csv", "csv 2", fuzz_inputs.text_garbage, 7),
    ):
        suffix, data, _ = seeds[seed]
        case = Case(0, seed, suffix, data)
        if mutator is not None:
            mutator(random.Random(rng_seed), case)
        else:
            case.data = _npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }")
        path = folder / name
        path.write_bytes(case.data)
        made.append(path)
    return made


def test_nasty_files_dropped_on_run_panel_rows(qtbot, qt_settings, tmp_path: Path, monkeypatch) -> None:
    from qt_helpers import drop_files
    from run_helpers import open_in

    from ovexplorer.resources import sample_model
    from ovexplorer.ui.run.inputs_table import COL_NAME
    from ovexplorer.ui.shell.error_reporter import ErrorReporter, install_error_reporter
    from ovexplorer.ui.shell.main_window import MainWindow

    monkeypatch.setattr(fuzz_inputs, "MARKER", tmp_path / "UNPICKLED-MARKER")
    dialogs: list[str] = []
    monkeypatch.setattr(ErrorReporter, "_show", lambda self, summary, details: dialogs.append(summary))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    reporter = install_error_reporter(window, log_dir=tmp_path / "log")
    try:
        panel = open_in(qtbot, window, sample_model("shapes"))
        table = panel.table
        pos = table.visualRect(table.model().index(0, COL_NAME)).center()
        before = panel.rows[0].source
        for path in _nasty_files(tmp_path):
            messages: list[str] = []
            panel.failed.connect(messages.append)
            with qtbot.waitSignal(panel.failed, timeout=20000):
                assert drop_files(table.viewport(), [path], pos)
            qtbot.waitUntil(lambda: panel._loads == 0, timeout=20000)
            qtbot.wait(20)
            panel.failed.disconnect(messages.append)
            assert len(messages) == 1, (path.name, messages)
            assert path.name in messages[0] and "Unexpected" not in messages[0], messages[0]
            assert panel.message.text() == messages[0] and panel.message.isVisible()
            assert panel.rows[0].source == before  # nothing else changed
        assert not dialogs, dialogs
        assert not (tmp_path / "UNPICKLED-MARKER").exists()
    finally:
        reporter.uninstall()
        window.close()


def test_checked_reader_gives_writable_arrays_like_np_load(tmp_path: Path) -> None:
    for array in (np.float32([[2, 3]]), np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)),
                  np.zeros((0, 2), np.float32), np.float32(1.5)):
        np.save(tmp_path / "a.npy", array)
        np.savez(tmp_path / "a.npz", a=array)
        for got in (npy_files.load_npy(tmp_path / "a.npy"), inputs.read_npz(tmp_path / "a.npz")["a"]):
            assert got.flags.writeable and got.dtype == array.dtype and np.array_equal(got, array)
    (tmp_path / "tail.npy").write_bytes((tmp_path / "a.npy").read_bytes() + b"\x00" * 7)  # np.load ignores a tail
    assert npy_files.load_npy(tmp_path / "tail.npy") == np.float32(1.5)
