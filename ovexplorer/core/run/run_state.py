"""The Run panel's state without Qt: the open model's inputs (source, chosen shape, decoded data, validity), the
compile options, and what the outputs shown were made from (so they can be marked out of date).

Widgets observe it (napari-style events from :mod:`ovexplorer.core.util.events`) and render it; tests drive it
without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from math import prod
from typing import Any

import numpy as np

from ovexplorer.core.model.document import ModelDocument
from ovexplorer.core.run.input_roles import MASK, POSITIONS, role_tensor
from ovexplorer.core.run.inputs import (
    ImagePreprocess,
    InputSource,
    default_random_source,
    guess_layout,
    image_misfit,
    parse_values,
)
from ovexplorer.core.run.picture_defaults import picture_defaults, sized_shape
from ovexplorer.core.run.ports import PortSpec, model_inputs, shape_misfit, shape_text
from ovexplorer.core.run.session import CompileOptions
from ovexplorer.core.util.errors import InputError
from ovexplorer.core.util.events import Event

#: Inputs with at most this many values start as typed values (zeros), the others as seeded random data.
TYPED_DEFAULT_LIMIT = 16


@dataclass
class InputRow:
    """What the panel holds for one input: its port, source, chosen shape and any decoded file data."""

    spec: PortSpec
    source: InputSource
    shape: tuple[int, ...] | None = None  # chosen shape of a dynamic input
    tensor: np.ndarray | None = None  # a decoded non-picture file
    image: np.ndarray | None = None  # a decoded picture (H x W x 3 uint8 RGB)
    thumbnail: np.ndarray | None = None  # its preview, made in the worker
    values_error: str = ""  # why the typed values (kept in ``source.text``) do not fit; "" when they do
    shape_error: str = ""  # why the typed shape ``typed_shape`` does not fit
    typed_shape: str = ""  # a typed shape that does not fit, kept as typed
    preprocess_origin: str = ""  # where the picture preprocessing values came from (the model, defaults, you)

    @property
    def problem(self) -> str:
        """Why this input cannot run as it stands ("" when it can)."""
        return self.shape_error or (self.values_error if self.source.kind == "values" else "")

    @property
    def current_shape(self) -> tuple[int, ...] | None:
        static = self.spec.static_shape
        return static if static is not None else self.shape


@dataclass(frozen=True, slots=True)
class RunKey:
    """What a run was made from: the compile options and, per input, its source, shape and decoded data."""

    options: CompileOptions
    inputs: tuple[tuple[str, InputSource, tuple[int, ...] | None, int, int], ...]

    @classmethod
    def of(cls, options: CompileOptions, rows: list[InputRow]) -> RunKey:
        return cls(options, tuple((r.spec.name, r.source, r.shape, id(r.tensor), id(r.image)) for r in rows))

    def changes_since(self, then: RunKey) -> str:
        """What changed since ``then`` in words ("" when nothing did), e.g. ``input image changed``."""
        changed = [now[0] for now, old in zip(self.inputs, then.inputs, strict=False) if now != old]
        if len(self.inputs) != len(then.inputs):
            changed = [name for name, *_ in self.inputs]
        parts = []
        if changed:
            parts.append(f"input{'s' if len(changed) > 1 else ''} {', '.join(changed)} changed")
        if self.options != then.options:
            parts.append("the compile options changed")
        return " and ".join(parts)


def default_source(spec: PortSpec, model: Any = None) -> InputSource:
    """Typed zeros for a small input (ones for a mask, 0..n-1 for positions), else random data in a range that
    fits its type and role (token ids 0..vocab-1 where the model shows the table)."""
    source = default_random_source(spec, model)
    shape = spec.static_shape
    if shape is not None and 0 < prod(shape) <= TYPED_DEFAULT_LIMIT and spec.dtype is not None:
        made = role_tensor(source.role, shape, spec.dtype) if spec.dtype.kind != "U" else None
        values = made.reshape(-1).tolist() if made is not None else [0] * prod(shape)
        return replace(source, kind="values", text=", ".join(f"{v:g}" for v in values))
    return source


def default_row(doc: ModelDocument, spec: PortSpec) -> InputRow:
    """A new row: its default source and, for an image input, the preprocessing (and size) the model asks for."""
    row = InputRow(spec, default_source(spec, doc.model))
    if image_misfit(spec):
        return row
    layout = doc.model.inputs[spec.index].get_node().get_layout()
    found = picture_defaults(doc.graph.rt_info, spec, doc.path, "" if layout.empty else str(layout))
    chosen = found.preprocess.layout if found.preprocess.layout != "auto" else guess_layout(spec)
    return replace(row, source=replace(row.source, preprocess=found.preprocess),
                   shape=sized_shape(spec, chosen, found.size), preprocess_origin=found.origin)


def parse_shape(name: str, spec: PortSpec, text: str) -> tuple[tuple[int, ...] | None, str]:
    """``1,3,224,224`` (also ``1x3``, ``[1 3]``) as dims for ``spec``, or None and why it does not fit."""
    try:
        dims = tuple(int(d) for d in text.replace("x", ",").replace(" ", ",").split(",") if d)
    except ValueError:
        return None, f"Shape of {name}: {text!r} is not a list of whole numbers like 1,3,224,224."
    problem = shape_misfit(spec, dims)
    return (None, f"Shape of {name}: {shape_text(dims)} does not fit: {problem}.") if problem else (dims, "")


class RunState:
    """The inputs of the open model, the compile options, and the freshness of the outputs shown.

    Events: ``reset()`` after a model opened (new rows); ``row_changed(i)`` after row ``i`` changed;
    ``stale_changed(reason)`` when the outputs shown became out of date ("" when they match again).
    """

    def __init__(self, options: CompileOptions | None = None) -> None:
        self.document: ModelDocument | None = None
        self.rows: list[InputRow] = []
        self.options = options or CompileOptions()
        self.shown: RunKey | None = None  # what the outputs shown were made from
        #: The input tensors of the last run (what a latency benchmark would feed the session).
        self.last_inputs: dict[str, np.ndarray] = {}
        self.stale_reason = ""
        self.reset = Event()
        self.row_changed = Event()
        self.stale_changed = Event()

    # -- the model ----------------------------------------------------------------------------
    def open(self, doc: ModelDocument | None) -> None:
        """Rows for ``doc``'s inputs (always from this model), no outputs shown."""
        self.document = doc
        specs = model_inputs(doc.model) if doc is not None and doc.model is not None else ()
        self.rows = [default_row(doc, spec) for spec in specs]
        self.shown = None
        self.last_inputs = {}
        self._set_stale("")
        self.reset.emit()

    def row_index(self, name: str) -> int:
        return next(i for i, r in enumerate(self.rows) if r.spec.name == name)

    # -- editing ------------------------------------------------------------------------------
    def update_row(self, i: int, **changes: Any) -> InputRow:
        """Change row ``i`` (its source, shape, decoded data, validity) and tell the observers."""
        self.rows[i] = replace(self.rows[i], **changes)
        self.row_changed.emit(i)
        self.check_stale()
        return self.rows[i]

    def values_for_kind(self, i: int, kind: str) -> InputSource:
        """Row ``i``'s source switched to ``kind`` (typed values start as zeros for a small input)."""
        row = self.rows[i]
        source = replace(row.source, kind=kind)
        if kind == "values" and not source.text:
            shape = row.current_shape
            count = prod(shape) if shape is not None else 0
            source = replace(source, text=", ".join(["0"] * count) if 0 < count <= TYPED_DEFAULT_LIMIT else "")
        return source

    def set_values(self, name: str, text: str) -> str:
        """Type ``text`` as input ``name``'s values: "" when they fit, else why (the text stays, marked)."""
        i = self.row_index(name)
        row = self.rows[i]
        source = replace(row.source, kind="values", text=text)
        try:
            array = parse_values(text, row.spec, row.shape)
        except InputError as exc:
            self.update_row(i, source=source, values_error=exc.message)
            return exc.message
        shape = tuple(array.shape) if not row.spec.is_static else row.shape
        self.update_row(i, source=source, shape=shape, values_error="")
        return ""

    def type_shape(self, name: str, text: str) -> tuple[str, tuple[int, ...] | None]:
        """Type ``text`` (``1,3,224,224``; empty clears it) as input ``name``'s shape. Returns why it does not fit
        ("" when it does; the text stays, marked) and, for a row fed by a raw or text file, the dims to read the
        file again at (its shape changes only when the file fits them)."""
        i = self.row_index(name)
        row = self.rows[i]
        text = text.strip().strip("[]()")
        dims, reason = parse_shape(name, row.spec, text) if text else (None, "")
        if reason:
            self.rows[i] = replace(row, shape_error=reason, typed_shape=text)
            self.row_changed.emit(i)
            return reason, None
        if dims is not None and row.source.kind == "file" and not row.source.is_image:
            self.update_row(i, shape_error="", typed_shape="")
            return "", dims
        self.set_shape(i, dims)
        return "", None

    def set_shape(self, i: int, dims: tuple[int, ...] | None) -> None:
        """Set (None: clear) a dynamic input's chosen shape."""
        self.update_row(i, shape=dims, shape_error="", typed_shape="")

    def set_random(self, i: int, distribution: str, seed: int, low: float, high: float) -> InputSource:
        """Row ``i``'s random-data settings; a mask or positions edited this way become random data after all."""
        old = self.rows[i].source
        role = "" if old.role in (MASK, POSITIONS) else old.role
        return self.update_row(i, source=replace(old, distribution=distribution, seed=seed, low=low, high=high,
                                                 role=role)).source

    def set_preprocess(self, name: str, pre: ImagePreprocess) -> None:
        """Input ``name``'s picture preprocessing, as set by the user."""
        i = self.row_index(name)
        self.update_row(i, source=replace(self.rows[i].source, preprocess=pre), preprocess_origin="set by you")

    def take_file(self, name: str, path: str, **decoded: Any) -> None:
        """A file decoded for input ``name`` (``tensor``, ``image``, ``thumbnail``): its source becomes the file;
        a dynamic input takes the tensor's shape; random-data settings and preprocessing are kept."""
        i = self.row_index(name)
        row = self.rows[i]
        tensor = decoded.get("tensor")
        shape = row.shape if row.spec.is_static or tensor is None else tuple(tensor.shape)
        source = InputSource(kind="file", path=path, preprocess=row.source.preprocess,
                             distribution=row.source.distribution, seed=row.source.seed, low=row.source.low,
                             high=row.source.high, role=row.source.role)
        self.update_row(i, source=source, shape=shape, **decoded)

    def set_options(self, options: CompileOptions) -> None:
        self.options = options
        self.check_stale()

    # -- validity and freshness ---------------------------------------------------------------
    def invalid_rows(self) -> list[InputRow]:
        """The inputs whose typed values or shape do not fit."""
        return [r for r in self.rows if r.problem]

    def refusal(self, infer: bool) -> tuple[str, InputRow | None]:
        """Why a run (``infer``) or compile cannot start with these inputs, and the first bad row; ("", None)."""
        bad = [r for r in self.rows if r.shape_error or (infer and r.problem)]
        if not bad:
            return "", None
        names = ", ".join(r.spec.name for r in bad)
        return f"Not run: fix the input{'s' if len(bad) > 1 else ''} marked in red first ({names}).", bad[0]

    def start_refusal(self, infer: bool, *, loading: bool) -> tuple[str, InputRow | None]:
        """Why a run (``infer``) or compile cannot start now (a file still being read, inputs marked red), and
        the first bad row; ("", None) when it can."""
        if loading:
            return "A file is still being read; run again when it is loaded.", None
        return self.refusal(infer)

    def key(self) -> RunKey:
        return RunKey.of(self.options, self.rows)

    def show_outputs(self, key: RunKey, inputs: dict[str, np.ndarray] | None = None) -> None:
        """Outputs made from ``key`` (fed ``inputs``) are shown now (out of date at once if the inputs changed
        meanwhile)."""
        self.shown = key
        if inputs is not None:
            self.last_inputs = inputs
        self._set_stale("")
        self.check_stale()

    def check_stale(self) -> None:
        """Outputs are out of date when the inputs or options differ from those of the run shown.

        Marked rather than re-run: a run may compile for seconds, or hold a GPU/NPU busy, and nothing should
        start without the user asking (F5)."""
        if self.shown is not None:
            self._set_stale(self.key().changes_since(self.shown))

    def _set_stale(self, reason: str) -> None:
        if reason != self.stale_reason:
            self.stale_reason = reason
            self.stale_changed.emit(reason)

    def chosen_shapes(self) -> dict[str, tuple[int, ...]]:
        """The shapes set for the dynamic inputs (typed, or taken from a file), by input name."""
        return {r.spec.name: r.shape for r in self.rows if not r.spec.is_static and r.shape is not None}
