"""Fill a model's token-shaped inputs (input_ids, attention_mask, position_ids, beam_idx, token_type_ids) from ids."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import openvino as ov

#: Inputs whose values follow from the token ids (the model's own names, as optimum-intel exports them).
TOKEN_INPUTS = ("input_ids", "attention_mask", "position_ids", "beam_idx", "token_type_ids")


def _port_name(port: ov.Output) -> str:
    names = port.get_names()
    for name in TOKEN_INPUTS:
        if name in names:
            return name
    return port.get_any_name()


def token_input_names(ports: Iterable[ov.Output]) -> list[str]:
    """The token-shaped inputs among ``ports``, by their canonical name."""
    return [n for n in (_port_name(p) for p in ports) if n in TOKEN_INPUTS]


def fill_token_inputs(ports: Iterable[ov.Output], ids: np.ndarray, *, past: int = 0,
                      extra: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Values for every token input among ``ports``, for one sequence of ``ids`` following ``past`` cached tokens.

    ``attention_mask`` covers the past and the new tokens; ``position_ids`` count on from ``past``; ``beam_idx`` is
    ``[0]`` (one beam); ``token_type_ids`` come from the tokenizer (``extra``) or are zeros. Shapes are ``[1, n]``
    (``beam_idx``: ``[1]``), in each port's element type.
    """
    ids = np.asarray(ids, dtype=np.int64).reshape(1, -1)
    n = ids.shape[1]
    extra = extra or {}
    values = {
        "input_ids": ids,
        "attention_mask": np.ones((1, past + n), dtype=np.int64),
        "position_ids": np.arange(past, past + n, dtype=np.int64).reshape(1, n),
        "beam_idx": np.zeros((1,), dtype=np.int32),
        "token_type_ids": np.asarray(extra.get("token_type_ids", np.zeros(n)), dtype=np.int64).reshape(1, -1),
    }
    out: dict[str, np.ndarray] = {}
    for port in ports:
        name = _port_name(port)
        if name in values:
            out[port.get_any_name()] = values[name].astype(port.get_element_type().to_dtype(), copy=False)
    return out


def random_token_ids(vocab: int, length: int, *, seed: int = 0, low: int = 0) -> np.ndarray:
    """``length`` ids drawn uniformly from ``[low, vocab)`` (random token inputs stay inside the vocabulary)."""
    rng = np.random.default_rng(seed)
    return rng.integers(low, max(low + 1, vocab), size=length, dtype=np.int64)
