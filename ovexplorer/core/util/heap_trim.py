"""Hand memory the C allocator keeps free back to the system once a model is released (glibc ``malloc_trim``).

A closed model's graph, layout, statistics and compiled model are freed, but glibc keeps the freed pages in its
heaps for reuse, spread over one arena per thread that allocated them (the loads, layouts and statistics run in
pool threads). The next model is allocated in whichever arena its worker gets, so the free memory of the others
stayed resident: reopening a 20,000-op IR in the window grew RSS by 4-7 MB per open with the live Python objects
and the allocator's in-use bytes (``mallinfo2().uordblks``) flat. ``malloc_trim(0)`` releases the free pages of
every arena (``madvise``); it runs without the GIL (ctypes) and takes tens of milliseconds on a large heap, so the
window calls it from a worker.
"""

from __future__ import annotations

import ctypes
import sys
import threading
import time
from collections.abc import Callable

_lock = threading.Lock()
_trim: Callable[[int], int] | None = None
_looked_up = False


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None elsewhere (macOS, Windows, musl)."""
    global _trim, _looked_up
    if not _looked_up:
        _looked_up = True
        if sys.platform.startswith("linux"):
            try:
                trim = ctypes.CDLL(None).malloc_trim
            except (OSError, AttributeError):
                trim = None
            if trim is not None:
                trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
            _trim = trim
    return _trim


def trim_available() -> bool:
    """Whether this process's C library can hand free heap memory back (glibc on Linux)."""
    return _malloc_trim() is not None


def return_free_memory() -> float | None:
    """Release the C heaps' free pages to the system; the seconds it took, or None where unsupported.

    Thread-safe (one trim at a time); meant for a worker thread after a model was released.
    """
    trim = _malloc_trim()
    if trim is None:
        return None
    with _lock:
        started = time.perf_counter()
        trim(0)
        return time.perf_counter() - started
