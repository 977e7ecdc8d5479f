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
