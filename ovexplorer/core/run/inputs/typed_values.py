"""Values typed for an input: numbers (``2, 3``; many plain numbers parsed at C speed) or strings (a JSON list, or
comma-separated), shaped to fill the input."""

from __future__ import annotations

import json
import re

import numpy as np

from ovexplorer.core.run.inputs.tensor_fit import cast_values, concrete_shape, expected, shape_for_count
from ovexplorer.core.run.ports import PortSpec
from ovexplorer.core.util.errors import InputError

_SPLIT = re.compile(r"[\s,;]+")


def numbers(text: str, what: str) -> np.ndarray:
    tokens = [t for t in _SPLIT.split(text.strip().strip("[]()")) if t]
    tokens = [t.strip("[]()") for t in tokens]
    if len(tokens) > 256:
        fast = _numbers_fast(tokens)
        if fast is not None:
            return fast
    words = {"true": 1.0, "false": 0.0, "nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
    values = []
    for t in tokens:
        low = t.lower()
        if low in words:
            values.append(words[low])
            continue
        try:
            values.append(int(t) if re.fullmatch(r"[+-]?\d+", t) else float(t))
        except ValueError:
            raise InputError(f"{what}: {t!r} is not a number.") from None
    return np.array(values) if values else np.zeros(0)


_INT_TOKENS = re.compile(r"(?:[+-]?\d+ )*[+-]?\d+", re.ASCII)


def _numbers_fast(tokens: list[str]) -> np.ndarray | None:
    """Many plain ASCII numbers parsed by NumPy at C speed (a million-number line in a fraction of a second);
    None when some token needs the careful per-token path (words, odd spellings, integers past int64)."""
    joined = " ".join(tokens)
    if not joined.isascii():
        return None
    try:
        if _INT_TOKENS.fullmatch(joined):
            return np.array(tokens, dtype=np.int64)
        return np.array(tokens, dtype=np.float64)
    except (ValueError, OverflowError):
        return None


def _strings(text: str, what: str) -> np.ndarray:
    """Typed strings: a JSON list (``["a, b", "c"]``, nested for more dimensions), else comma-separated words."""
    text = text.strip()
    if text.startswith("["):
        try:
            values = np.array(json.loads(text), dtype=np.str_)
        except (ValueError, TypeError) as exc:
            raise InputError(f"{what}: not a JSON list of strings ({exc}).") from None
        return values.reshape(-1) if values.ndim != 1 else values
    return np.array([t.strip() for t in text.split(",")] if text else [], dtype=np.str_)


def parse_values(text: str, spec: PortSpec, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Typed numbers (``2, 3``) as a tensor for ``spec``; their count must fill its shape. A string input takes
    strings (a JSON list, or comma-separated)."""
    what = f"Typed values for {spec.name}"
    values = _strings(text, what) if spec.element_type == "string" else numbers(text, what)
    if values.size == 0:
        raise InputError(f"{what}: nothing typed; enter {expected(spec, concrete_shape(spec, shape))} numbers.")
    target = shape_for_count(spec, shape, values.size, what)
    return cast_values(values.reshape(target), spec, what)
