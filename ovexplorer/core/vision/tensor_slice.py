"""Any N-D output, readable: which two axes are shown (rows, columns; one axis for a line), the index on every
other axis, the slice as a view (never a copy of the whole tensor), its colour range from a bounded sample, the value
at a cell. Qt-free; the Tensors tab renders it."""

from __future__ import annotations

import numpy as np

#: At most this many values are looked at for a slice's colour range (a strided sample of larger slices).
LEVEL_SAMPLE = 1 << 20


class TensorSlice:
    """The slicing state of one array."""

    def __init__(self, array: np.ndarray, name: str = "") -> None:
        self.array = np.asarray(array)
        self.name = name
        self.index = [0] * self.array.ndim
        big = [i for i, n in enumerate(self.array.shape) if n > 1]
        if len(big) >= 2:
            self.rows, self.cols = big[-2], big[-1]
        elif len(big) == 1:
            self.rows, self.cols = None, big[0]
        else:
            self.rows, self.cols = None, (self.array.ndim - 1 if self.array.ndim else None)

    @property
    def is_line(self) -> bool:
        return self.rows is None

    def set_axes(self, rows: int | None, cols: int) -> None:
        """Show axis ``rows`` down and ``cols`` across (``rows`` None: a line along ``cols``)."""
        if rows == cols:
            raise ValueError("rows and columns must be two different axes")
        for a in (rows, cols):
            if a is not None and not 0 <= a < self.array.ndim:
                raise ValueError(f"axis {a} is not one of the tensor's {self.array.ndim} axes")
        self.rows, self.cols = rows, cols

    def free_axes(self) -> list[int]:
        """The axes set by an index (sliders)."""
        return [a for a in range(self.array.ndim) if a not in (self.rows, self.cols)]

    def set_index(self, axis: int, i: int) -> None:
        self.index[axis] = int(np.clip(i, 0, self.array.shape[axis] - 1))

    def key(self) -> tuple:
        return tuple(slice(None) if a in (self.rows, self.cols) else self.index[a] for a in range(self.array.ndim))

    def plane(self) -> np.ndarray:
        """The shown slice: 2-D (rows x columns) or 1-D, a view of the array."""
        if self.array.ndim == 0:
            return self.array.reshape(1)
        view = self.array[self.key()]
        if self.rows is not None and self.rows > self.cols:
            view = view.T
        return view

    def describe(self) -> str:
        """The slice as numpy indexing, e.g. ``[0, :, :, 3]``."""
        return "[" + ", ".join(":" if isinstance(k, slice) else str(k) for k in self.key()) + "]"

    def levels(self) -> tuple[float, float]:
        """(low, high) of the slice's finite values (from a strided sample past :data:`LEVEL_SAMPLE` values)."""
        plane = self.plane()
        if plane.dtype.kind not in "biuf":
            return 0.0, 1.0
        if plane.size > LEVEL_SAMPLE:
            step = int(np.ceil(np.sqrt(plane.size / LEVEL_SAMPLE))) if plane.ndim == 2 else int(
                np.ceil(plane.size / LEVEL_SAMPLE))
            plane = plane[::step, ::step] if plane.ndim == 2 else plane[::step]
        finite = plane[np.isfinite(plane)] if plane.dtype.kind == "f" else plane
        if finite.size == 0:
            return 0.0, 1.0
        lo, hi = float(finite.min()), float(finite.max())
        return (lo, hi if hi > lo else lo + 1.0)

    def value_at(self, row: int, col: int) -> float | None:
        plane = self.plane()
        if plane.ndim == 1:
            return float(plane[col]) if 0 <= col < plane.shape[0] else None
        if 0 <= row < plane.shape[0] and 0 <= col < plane.shape[1]:
            return float(plane[row, col])
        return None
