"""Keep Python's cyclic garbage collector from freezing the UI while a worker builds many objects.

Opening a large model allocates hundreds of thousands of objects (the parsed XML, the graph records). Each
full collection the allocations trigger walks all of them while holding the GIL: 50-300 ms during which the
UI thread cannot run a line of Python. :func:`gc_paused` defers collection for the duration of such work and
then moves the surviving objects to the permanent generation (``gc.freeze``), so no later collection pays
for them either. They are still freed normally, by reference counting, when the document is closed.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = True
_freeze = False
_start_up_frozen = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause automatic garbage collection (nestable, thread-safe); freeze the survivors when the last pause ends.

    Survivors are frozen only after work that succeeded: a failure's garbage (tracebacks hold cycles) stays
    collectable.
    """
    global _depth, _was_enabled, _freeze
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            _freeze = False
            gc.disable()
        _depth += 1
    succeeded = False
    try:
        yield
        succeeded = True
    finally:
        with _lock:
            _depth -= 1
            _freeze = _freeze or succeeded
            if _depth == 0:
                if _freeze:
                    gc.freeze()
                if _was_enabled:
                    gc.enable()


def empty_free_lists() -> float:
    """Empty CPython's free lists after freeing a big temporary structure (a parsed XML tree); returns the seconds
    it took.

    CPython keeps some freed tuples, lists, dicts and floats for reuse instead of returning them. After a
    tree of hundreds of thousands of objects is dropped, those kept objects lie scattered over the memory arenas
    the tree filled, and each one keeps its whole 1 MiB arena from being returned: reading a 20,000-op IR and
    then opening it in OpenVINO grew the process by ~1 MB per open (arenas that could not go back). Only a full
    collection empties the free lists; with the long-lived objects frozen (:func:`gc_paused`) it visits few
    objects (about a millisecond).
    """
    started = time.perf_counter()
    gc.collect()
    return time.perf_counter() - started


def freeze_start_up() -> bool:
    """Move what start-up made (modules, classes, the window's objects: ~60,000) to the permanent generation,
    once per process; True when it did.

    Every full collection visits the objects not frozen. Before a model was first opened nothing was, so the
    first open's :func:`empty_free_lists` walked all of start-up while its worker held the GIL: 120 ms of frozen
    UI on a loaded machine, against well under a millisecond for the next opens. No collection first: the few
    garbage cycles start-up left stay frozen, a one-off few kilobytes.
    """
    global _start_up_frozen
    with _lock:
        if _start_up_frozen or _depth:
            return False
        _start_up_frozen = True
        gc.freeze()
        return True
