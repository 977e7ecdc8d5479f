"""The pages of the memory-mapped weights file: mapped in ahead of the statistics and handed back to the kernel
once done (Linux ``madvise``), so the process's RSS does not grow with the model (numpy and ctypes only)."""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import threading
from typing import Any

import numpy as np


@functools.cache
def _madvise() -> Any:
    """libc's ``madvise``, looked up once per process: each ``ctypes.CDLL`` makes a function-pointer class that
    lives in a reference cycle, and one per statistics run piled up (14 objects per model opened, frozen by the
    next ``gc.freeze`` and never collected)."""
    libc = ctypes.CDLL(None, use_errno=True)
    madvise = libc.madvise
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    return madvise


class PageReleaser:
    """Maps pages of the read-only weights mapping in ahead of use and hands them back once done (Linux).

    ``populate`` asks the kernel to map a whole byte range in one call (``MADV_POPULATE_READ``, Linux 5.14+):
    about half the cost of the page faults the reductions would take as they first touch the pages.
    ``release`` gives the pages back (``MADV_DONTNEED``) in batches, so the RSS stays bounded.
    """

    MADV_DONTNEED = 4
    MADV_POPULATE_READ = 22
    BATCH = 32 << 20

    def __init__(self, weights_path: os.PathLike | str | None) -> None:
        self._ranges: list[tuple[int, int]] = []
        #: The mapping's start address and the file offset mapped there, per range.
        self._offsets: dict[int, int] = {}
        #: (st_dev, st_ino, st_size, st_mtime_ns) of the mapped file, when a mapping was found.
        self.identity: tuple[int, int, int, int] | None = None
        self._lock = threading.Lock()
        self._pending: list[tuple[int, int, object]] = []
        self._pending_bytes = 0
        self._madvise: Any = None
        self._can_populate = True
        if sys.platform != "linux" or weights_path is None:
            return
        try:
            st = os.stat(weights_path)
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
                for line in f:
                    parts = line.split(maxsplit=5)
                    if len(parts) < 6 or "w" in parts[1] or int(parts[4]) != st.st_ino:
                        continue
                    if os.path.realpath(parts[5].strip()) != os.path.realpath(weights_path):
                        continue
                    start, end = (int(v, 16) for v in parts[0].split("-"))
                    self._ranges.append((start, end))
                    self._offsets[start] = int(parts[2], 16)
            if self._ranges:
                self.identity = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
                self._madvise = _madvise()
                self._page = os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, AttributeError):
            self._ranges = []

    def _locate(self, raw: np.ndarray) -> tuple[int, int, int, int] | None:
        """(mapping start, mapping end, first byte, end) addresses of ``raw`` in the weights mapping, or None
        (a constant built in memory, which is never advised)."""
        if not self._ranges or raw.size == 0:
            return None
        addr = raw.__array_interface__["data"][0]
        end = addr + raw.nbytes
        return next(((s, e, addr, end) for s, e in self._ranges if s <= addr and end <= e), None)

    def _pages(self, raw: np.ndarray) -> tuple[int, int] | None:
        """The page-aligned address range of ``raw`` inside the weights mapping, or None if it is not there."""
        found = self._locate(raw)
        if found is None:
            return None
        s, e, addr, end = found
        return max(s, addr // self._page * self._page), min(e, -(-end // self._page) * self._page)

    def file_offset(self, raw: np.ndarray) -> int | None:
        """Where ``raw``'s first byte sits in the weights file, or None if it is not in the file's mapping."""
        found = self._locate(raw)
        return None if found is None else found[2] - found[0] + self._offsets[found[0]]

    def populate(self, raws: list[np.ndarray]) -> list[tuple[int, int]]:
        """Map the pages of ``raws`` in now, touching ranges merged into one call each; return those ranges
        (for :meth:`release_spans` once done)."""
        spans = sorted(r for r in map(self._pages, raws) if r is not None)
        merged: list[list[int]] = []
        for a0, a1 in spans:
            if merged and a0 <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], a1)
            else:
                merged.append([a0, a1])
        if self._can_populate:
            for a0, a1 in merged:
                if self._madvise(a0, a1 - a0, self.MADV_POPULATE_READ) != 0:
                    self._can_populate = False  # an older kernel (EINVAL): the page faults do the work
                    break
        return [(a0, a1) for a0, a1 in merged]

    def release_spans(self, spans: list[tuple[int, int]], keep: object) -> None:
        """Hand back ranges :meth:`populate` returned (``keep`` holds their constants alive until then)."""
        if not spans:
            return
        with self._lock:
            self._pending.extend((a0, a1, keep) for a0, a1 in spans)
            self._pending_bytes += sum(a1 - a0 for a0, a1 in spans)
            if self._pending_bytes < self.BATCH:
                return
            pending, self._pending, self._pending_bytes = self._pending, [], 0
        self._advise(pending)

    def release(self, raw: np.ndarray) -> None:
        """Note that ``raw``'s pages are done with; they are handed back in batches of ``BATCH`` bytes."""
        span = self._pages(raw)
        if span is None:
            return
        with self._lock:
            # ``raw`` is kept until the advice is given: it holds its Constant, so the mapping cannot be
            # unmapped (and the addresses reused) in between.
            self._pending.append((span[0], span[1], raw))
            self._pending_bytes += span[1] - span[0]
            if self._pending_bytes < self.BATCH:
                return
            pending, self._pending, self._pending_bytes = self._pending, [], 0
        self._advise(pending)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending, self._pending_bytes = self._pending, [], 0
        self._advise(pending)

    def release_everything(self) -> None:
        """Hand back every mapped page of the weights file, including those the kernel mapped around a page
        fault (up to 64 KiB around each: reading many small constants, such as scales, adds up)."""
        self.flush()
        for a0, a1 in self._ranges:
            self._madvise(a0, a1 - a0, self.MADV_DONTNEED)

    def _advise(self, ranges: list[tuple[int, int, object]]) -> None:
        # Pages of a read-only file mapping: dropping them loses nothing (they are read again on access),
        # so neighbouring ranges are merged into few calls (each call costs a TLB flush on every core).
        merged: list[list[int]] = []
        for a0, a1, _ in sorted(ranges, key=lambda r: r[0]):
            if merged and a0 <= merged[-1][1]:  # touching or overlapping: one call
                merged[-1][1] = max(merged[-1][1], a1)
            else:
                merged.append([a0, a1])
        for a0, a1 in merged:
            self._madvise(a0, a1 - a0, self.MADV_DONTNEED)
