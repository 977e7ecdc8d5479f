"""Encoder models (BERT-like): fill-mask top-k, token-classification labels (``id2label``), pooled embeddings and
the cosine similarity of two texts."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import openvino as ov

from ovexplorer.core.model.document import shared_core
from ovexplorer.core.text.decoder import NextToken, top_k_of
from ovexplorer.core.text.token_inputs import fill_token_inputs
from ovexplorer.core.text.tokenizer import TextTokenizer, Tokens
from ovexplorer.core.util.errors import DeviceError, InputError, openvino_reason


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    denom = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b / denom) if denom > 0 else float("nan")


class EncoderSession:
    """An encoder compiled on a device; answers about one tokenized text at a time."""

    def __init__(self, model: ov.Model | str, device: str = "CPU", config: dict[str, Any] | None = None,
                 properties: dict[str, str] | None = None) -> None:
        core = shared_core()
        if isinstance(model, str):
            model = core.read_model(model)
        self.config = config or {}
        try:
            self.compiled = core.compile_model(model, device, properties or {})
        except RuntimeError as exc:
            raise DeviceError(f"Cannot compile the encoder for {device}: {openvino_reason(str(exc))}") from exc
        self.request = self.compiled.create_infer_request()
        self.lock = threading.Lock()
        self.output_names = [o.get_any_name() for o in self.compiled.outputs]
        self.vocab = int(self.config.get("vocab_size") or 0) or None

    def run(self, tokens: Tokens) -> dict[str, np.ndarray]:
        if self.vocab and tokens.ids.size and int(tokens.ids.max()) >= self.vocab:
            raise InputError(f"The tokenizer gave token id {int(tokens.ids.max())}, outside the model's vocabulary "
                             f"of {self.vocab:,}: the tokenizer does not match this model.")
        feed = fill_token_inputs(self.compiled.inputs, tokens.ids, extra=tokens.extra)
        with self.lock:
            try:
                self.request.infer(feed)
            except RuntimeError as exc:
                raise DeviceError(f"Inference failed: {openvino_reason(str(exc))}") from exc
            return {name: np.array(self.request.get_tensor(name).data) for name in self.output_names}

    def fill_mask(self, tokens: Tokens, mask_id: int, k: int = 5,
                  tokenizer: TextTokenizer | None = None) -> list[tuple[int, NextToken]]:
        """For each ``[MASK]`` position: the top-k tokens of the first (logits) output."""
        positions = np.flatnonzero(tokens.ids == mask_id)
        if positions.size == 0:
            raise InputError("The text has no mask token: write [MASK] where a word should be guessed.")
        logits = next(iter(self.run(tokens).values()))[0]
        return [(int(p), top_k_of(logits[p], k, tokenizer)) for p in positions]

    def token_labels(self, tokens: Tokens) -> list[str]:
        """The argmax label of each token, named by ``id2label`` from config.json."""
        id2label = {int(k): str(v) for k, v in (self.config.get("id2label") or {}).items()}
        logits = next(iter(self.run(tokens).values()))[0]
        return [id2label.get(int(i), str(int(i))) for i in logits.argmax(-1)]

    def embedding(self, tokens: Tokens, pooling: str = "mean") -> np.ndarray:
        """A pooled vector: ``pooler_output`` when there is one, else the mean (or CLS) of the token outputs."""
        return self.pooled(tokens, pooling)[0]

    def pooled(self, tokens: Tokens, pooling: str = "mean") -> tuple[np.ndarray, str]:
        """:meth:`embedding` and where it comes from, in words (a masked LM has only its logits to pool)."""
        out = self.run(tokens)
        if "pooler_output" in out:
            return out["pooler_output"][0], "the pooler output"
        name = "last_hidden_state" if "last_hidden_state" in out else next(iter(out))
        hidden = out[name][0]
        if pooling == "cls":
            return hidden[0], f"the first token's '{name}'"
        return hidden.mean(axis=0), f"the mean of the {hidden.shape[0]} tokens' '{name}'"
