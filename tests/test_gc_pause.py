"""gc_paused: no automatic collection while a model loads, the collector back on afterwards."""

from __future__ import annotations

import gc

import pytest

from ovexplorer.core.model.document import open_model
from ovexplorer.core.util.gc_pause import gc_paused


def test_pause_nests_and_restores() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_success_freezes_survivors_failure_does_not() -> None:
    gc.unfreeze()
    with pytest.raises(ValueError), gc_paused():
        garbage = [object() for _ in range(10)]
        raise ValueError(garbage)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    with gc_paused():
        kept = [[i] for i in range(1000)]
    assert gc.get_freeze_count() >= len(kept)
    gc.unfreeze()


def test_open_model_leaves_the_collector_enabled(tiny_ir, tmp_path) -> None:
    open_model(tiny_ir)
    assert gc.isenabled()
    with pytest.raises(Exception):  # noqa: B017 - any load error
        open_model(tmp_path / "missing.xml")
    assert gc.isenabled()
    gc.unfreeze()



WINDOW_UP = r"""
import gc, json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from ovexplorer.ui.shell.main_window import MainWindow

app = QApplication([])
window = MainWindow()
window.show()
for _ in range(20):
    app.processEvents()
print(json.dumps({"walked": sum(len(gc.get_objects(g)) for g in range(3))}))  # what a full collection walks
"""


def test_a_full_collection_after_start_up_does_not_walk_start_up_objects() -> None:
    # the first full collection (validate_ir's, when a model needs the full IR check) walked all of start-up
    # (~64,000 objects) while its worker held the GIL: 59-121 ms of frozen window on a loaded machine; the window
    # freezes start-up's objects once it is up
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, OPENVINO_TELEMETRY_DISABLE="1")
    out = subprocess.run([sys.executable, "-c", WINDOW_UP], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    walked = json.loads(out.stdout.strip().splitlines()[-1])["walked"]
    assert walked < 10000, f"a full collection would walk {walked} objects"
