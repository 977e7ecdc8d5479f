"""What generated data an input needs by its role: token ids in 0..vocab-1 (the size of the embedding table the
input indexes, when the graph shows one), an attention mask of ones, position ids 0..n-1, other integers in a
small range that fits their type. Used by ``ovexplorer run`` and the Run tab for inputs without a source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ovexplorer.core.run.ports import PortSpec

#: Roles whose data is not random: made by :func:`role_tensor`.
MASK, POSITIONS, TOKENS = "attention_mask", "position_ids", "token_ids"
#: Ops an index passes through unchanged on its way to an embedding table.
_PASS_THROUGH = {"Convert", "Reshape", "Unsqueeze", "Squeeze"}
_SEARCH_DEPTH = 4
#: Integer inputs of no known role draw from 0..this (u8 from 0..255, like picture bytes).
GENERIC_INT_HIGH = 9
#: Token ids when no embedding table shows the vocabulary size.
UNKNOWN_VOCAB_HIGH = 999


@dataclass(frozen=True, slots=True)
class InputRole:
    """An input's role and the range its random data takes (integers: ``low..high`` inclusive)."""

    role: str  # "" (no known role), MASK, POSITIONS or TOKENS
    low: float = 0.0
    high: float = 1.0
    why: str = ""  # where the range came from, e.g. "the 50257-row table of Gather wte"


def _names(spec: PortSpec) -> list[str]:
    return [n.lower() for n in (spec.name, *spec.names)]


def _constant_int(output: Any) -> int | None:
    node = output.get_node()
    if node.get_type_name() != "Constant":
        return None
    data = np.asarray(node.get_data()).reshape(-1)
    return int(data[0]) if data.size == 1 else None


def embedding_rows(model: Any, spec: PortSpec) -> tuple[int, str] | None:
    """The row count of the table an integer input indexes (``Gather(table, ids, axis)``), and the Gather's
    name, following the input through Convert/Reshape/Unsqueeze/Squeeze; None when no such table shows."""
    if model is None or spec.index >= len(model.inputs):
        return None
    frontier = [model.inputs[spec.index]]
    for _ in range(_SEARCH_DEPTH):
        following = []
        for output in frontier:
            for target in output.get_target_inputs():
                node = target.get_node()
                kind = node.get_type_name()
                if kind == "Gather" and target.get_index() == 1:
                    axis = _constant_int(node.input_value(2))
                    table = node.input_value(0).get_partial_shape()
                    if axis is not None and table.rank.is_static:
                        axis = axis + len(table) if axis < 0 else axis
                        if 0 <= axis < len(table) and table[axis].is_static:
                            return table[axis].get_length(), node.get_friendly_name()
                elif kind in _PASS_THROUGH:
                    following.extend(node.outputs())
        frontier = following
    return None


def input_role(spec: PortSpec, model: Any = None) -> InputRole:
    """The role of ``spec`` by its names and what it feeds in ``model`` (an ``ov.Model``, optional)."""
    names = _names(spec)
    dtype = spec.dtype
    if any("attention_mask" in n or n.endswith("mask") for n in names):
        return InputRole(MASK, 1, 1, "an attention mask: all ones")
    if any("position_ids" in n or "beam_idx" in n for n in names):
        return InputRole(POSITIONS, 0, 0, "positions: 0..n-1 along the last axis")
    if dtype is None or dtype.kind not in "iu":
        return InputRole("")
    info = np.iinfo(dtype)
    rows = embedding_rows(model, spec)
    if rows is not None and rows[0] > 0:
        high = min(rows[0] - 1, int(info.max))
        return InputRole(TOKENS, 0, high, f"ids into the {rows[0]}-row table of {rows[1]}")
    if any("input_ids" in n or "token" in n for n in names):
        return InputRole(TOKENS, 0, min(UNKNOWN_VOCAB_HIGH, int(info.max)), "token ids (vocabulary size unknown)")
    high = 255 if dtype == np.uint8 else min(GENERIC_INT_HIGH, int(info.max))
    return InputRole("", 0, high, f"integers 0..{high}")


def role_tensor(role: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray | None:
    """The data of a role that is not random (a mask of ones, positions 0..n-1); None for other roles."""
    if role == MASK:
        return np.ones(shape, dtype=dtype)
    if role == POSITIONS:
        if not shape:
            return np.zeros(shape, dtype=dtype)
        return np.broadcast_to(np.arange(shape[-1]), shape).astype(dtype)
    return None

