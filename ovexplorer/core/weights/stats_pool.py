"""Helper processes that compute weight statistics straight from the weights file.

numpy releases the GIL inside its loops, but the statistics of one constant are a handful of short numpy
calls (about 10 us each on cached data), and two threads handing the GIL to each other that often run no
faster than one (measured: 0.97x the throughput of one thread). Separate processes do run in parallel: each
maps the weights file itself (read-only; the page cache is shared, nothing is copied) and computes whole
blocks of constants; only the small results travel back. This module imports numpy and the statistics code
only, so a helper starts in a fraction of a second; it is started ahead (:func:`warm_up`) and reused.
"""

from __future__ import annotations

import atexit
import mmap
import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, NamedTuple

import numpy as np

from ovexplorer.core.weights.decompression import Chain
from ovexplorer.core.weights.page_releaser import PageReleaser
from ovexplorer.core.weights.value_stats import TensorItem, TensorStats, tensors_values, windows


class BlockItem(NamedTuple):
    """One constant of a block, as a helper process finds it in the weights file."""

    #: -1 when the constant's bytes could not be read at all (its row says so).
    offset: int
    nbytes: int
    element_type: str
    shape: tuple[int, ...]
    chain: Chain | None


class FileChanged(RuntimeError):
    """The weights file on disk is not the one the model mapped (replaced since it was opened)."""


class _OpenFile:
    """The weights file a helper has mapped, kept between blocks (closed after ``IDLE_CLOSE`` s unused)."""

    IDLE_CLOSE = 5.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[str, tuple[int, int, int, int]] | None = None
        self.mapping: mmap.mmap | None = None
        self.data: np.ndarray | None = None
        self.releaser: PageReleaser | None = None
        self.last_used = 0.0
        self._watcher: threading.Thread | None = None

    def open(self, path: str, identity: tuple[int, int, int, int]) -> tuple[np.ndarray, PageReleaser]:
        """Map ``path`` (call with ``lock`` held); raises FileChanged if it is not the file the parent mapped."""
        if self.key != (path, identity):
            self.close_now()
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != identity:
                    raise FileChanged(f"{path} changed on disk since the model was opened")
                self.mapping = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            self.data = np.frombuffer(self.mapping, dtype=np.uint8)
            self.releaser = PageReleaser(path)
            self.key = (path, identity)
        assert self.data is not None and self.releaser is not None
        return self.data, self.releaser

    def close_later(self) -> None:
        """Unmap the file once it has not been used for ``IDLE_CLOSE`` seconds."""
        self.last_used = time.monotonic()
        if self._watcher is None:
            self._watcher = threading.Thread(target=self._close_idle, name="close-idle", daemon=True)
            self._watcher.start()

    def _close_idle(self) -> None:
        while True:
            time.sleep(self.IDLE_CLOSE / 4)
            with self.lock:
                if self.key is not None and time.monotonic() - self.last_used > self.IDLE_CLOSE:
                    self.close_now()

    def close_now(self) -> None:
        self.key, self.data, self.releaser = None, None, None
        if self.mapping is not None:
            try:
                self.mapping.close()
            except BufferError:  # a view is still referenced somewhere: the collector unmaps it later
                pass
            self.mapping = None


_FILE = _OpenFile()


def block_stats(path: str, identity: tuple[int, int, int, int], items: list[BlockItem],
                options: dict[str, Any]) -> list[TensorStats]:
    """Statistics of ``items`` read from the weights file at ``path`` (runs in a helper process)."""
    with _FILE.lock:
        data, releaser = _FILE.open(path, identity)
        try:
            tensors = [TensorItem(data[i.offset:i.offset + i.nbytes] if i.offset >= 0 else None, i.element_type,
                                  i.shape, i.chain) for i in items]
            out = []
            for a, b in windows(tensors):
                out += tensors_values(tensors[a:b], releaser=releaser, **options)
            return out
        finally:
            releaser.flush()  # the pages go back: the helper's memory stays bounded
            del data
            _FILE.close_later()


def _ping() -> int:
    return os.getpid()


def _follow_parent(parent: int) -> None:
    """Helper initializer: end this helper within a second of the app ending, even killed (its task queue
    would wait forever). Not PR_SET_PDEATHSIG: that fires when the *thread* that started the helper ends, and
    helpers are started from worker threads that the thread pool retires."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def cores() -> int:
    """CPUs this process may run on (a container's or ``taskset``'s limit, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def default_processes() -> int:
    """Helpers to start: one per core beyond the caller's own, at most three (memory bandwidth runs out)."""
    return max(1, min(3, cores() - 1))


class StatsPool:
    """A lazily started pool of helper processes (``spawn``: no state of the parent is inherited)."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes or default_processes()
        self._executor: ProcessPoolExecutor | None = None
        self._pings: list[Future] = []
        self._lock = threading.Lock()
        self.broken = False

    def start(self) -> None:
        """Start the helpers in the background (returns at once)."""
        with self._lock:
            if self._executor is not None or self.broken:
                return
            try:
                self._executor = ProcessPoolExecutor(self.processes, mp_context=mp.get_context("spawn"),
                                                     initializer=_follow_parent, initargs=(os.getpid(),))
                self._pings = [self._executor.submit(_ping) for _ in range(self.processes)]
            except (OSError, RuntimeError, ValueError):
                self.broken = True
                self._executor = None

    @property
    def ready(self) -> bool:
        """True once every helper has started and answered."""
        if self._executor is None or self.broken:
            return False
        if not all(p.done() for p in self._pings):
            return False
        if any(p.exception() is not None for p in self._pings):
            self.mark_broken()
            return False
        return True

    def wait_ready(self, timeout: float) -> bool:
        self.start()
        try:
            for p in list(self._pings):
                p.result(timeout=timeout)
        except Exception:  # noqa: BLE001 - a helper that cannot start: the caller computes in-process
            return False
        return self.ready

    def submit(self, fn: Any, *args: Any) -> Future:
        if self._executor is None:
            raise RuntimeError("the helper processes are not running")
        return self._executor.submit(fn, *args)

    def mark_broken(self) -> None:
        """A helper died: stop using the pool (statistics go on in-process)."""
        self.broken = True
        self.shutdown()

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor, self._pings = self._executor, None, []
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


_shared: StatsPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> StatsPool:
    """The process-wide pool (not started until :meth:`StatsPool.start` or :func:`warm_up`)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.broken:  # a helper died last time: new ones
            _shared = StatsPool()
            atexit.register(_shared.shutdown)
        return _shared


def warm_up() -> None:
    """Start the shared helpers now, so they are ready when statistics are asked for (no-op where unused)."""
    if usable():
        shared_pool().start()


def usable() -> bool:
    """Helpers only pay off with a second core, and need Linux's /proc to find the weights file's mapping."""
    return cores() >= 2 and os.path.exists("/proc/self/maps")


__all__ = ["BlockItem", "FileChanged", "StatsPool", "block_stats", "cores", "default_processes", "shared_pool",
           "usable", "warm_up"]
