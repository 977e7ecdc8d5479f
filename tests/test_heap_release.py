"""A released model's freed C heap pages go back to the system (issue 19: RSS grew 4-7 MB per reopen of a
20,000-op IR while the live Python objects and the allocator's in-use bytes stayed flat).

glibc keeps freed memory in its heaps (one arena per thread that allocated) for reuse; the window trims them
(``malloc_trim``) in a worker after a document change.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from pathlib import Path

import pytest
from models_graph import blocks_for_ops, make_transformer_ir
from test_memory import rss

from ovexplorer.core.util.heap_trim import return_free_memory, trim_available
from ovexplorer.ui.shell.main_window import MainWindow

MB = 1024 * 1024

pytestmark = pytest.mark.skipif(not (sys.platform.startswith("linux") and trim_available()),
                                reason="glibc's malloc_trim (Linux)")


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    return libc


def _garbage(megabytes: int) -> tuple[int, int]:
    """Allocate and free ``megabytes`` of small blocks (as a released graph leaves them) below one live block that
    keeps the heap's top from shrinking; returns (RSS while they lived, the live block)."""
    libc = _libc()
    blocks = [libc.malloc(4000) for _ in range(megabytes * 250)]
    for b in blocks:
        ctypes.memset(b, 1, 4000)  # resident
    pin = libc.malloc(4000)
    full = rss()
    for b in blocks:
        libc.free(b)
    return full, pin


def test_freed_small_blocks_go_back_to_the_system_when_trimmed() -> None:
    full, pin = _garbage(160)
    freed = rss()
    seconds = return_free_memory()
    trimmed = rss()
    _libc().free(pin)
    assert full - freed < 40 * MB, "free() alone returned the pages: the test shows nothing"
    assert seconds is not None and seconds >= 0
    assert freed - trimmed > 100 * MB, f"RSS {full / MB:.0f} -> {freed / MB:.0f} -> {trimmed / MB:.0f} MB"


def test_closing_a_model_hands_the_freed_heap_back(qtbot, window: MainWindow, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=60000):
        window.open_path(make_transformer_ir(tmp_path / "small.xml", blocks_for_ops(200)))
    # what a released model leaves: freed blocks, here made and freed in a worker thread (its own glibc arena)
    out: list[tuple[int, int]] = []
    worker = threading.Thread(target=lambda: out.append(_garbage(160)))
    worker.start()
    worker.join()
    (full, pin), = out
    freed = rss()
    window.close_action.trigger()  # File > Close model
    assert window.document is None
    qtbot.wait(1500)  # the trim runs in a worker shortly after the panels let go of the model
    closed = rss()
    _libc().free(pin)
    assert full - freed < 40 * MB, "free() alone returned the pages: the test shows nothing"
    # before the fix the 160 MB stayed resident after closing
    assert freed - closed > 100 * MB, f"RSS {full / MB:.0f} -> freed {freed / MB:.0f} -> closed {closed / MB:.0f} MB"
