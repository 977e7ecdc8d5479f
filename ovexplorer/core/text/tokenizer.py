"""Text <-> token ids through the export's own tokenizer and detokenizer IRs (openvino-tokenizers operations)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ovexplorer.core.model.document import shared_core
from ovexplorer.core.text.deps import require
from ovexplorer.core.util.errors import InputError, OvexplorerError, openvino_reason


@dataclass(frozen=True)
class Tokens:
    """A tokenized text: ``ids`` (1-D int64) and the tokenizer's other outputs (attention_mask, token_type_ids)."""

    text: str
    ids: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    pieces: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.ids.size)


class TextTokenizer:
    """The compiled tokenizer (and detokenizer, when there is one) of an export folder, on CPU."""

    def __init__(self, tokenizer_xml: Path, detokenizer_xml: Path | None = None) -> None:
        require("openvino_tokenizers")  # registers the string operations; a clear message when missing
        core = shared_core()
        self.path = tokenizer_xml
        self._lock = threading.Lock()
        try:
            self._tok = core.compile_model(str(tokenizer_xml), "CPU")
            self._detok = core.compile_model(str(detokenizer_xml), "CPU") if detokenizer_xml else None
        except RuntimeError as exc:
            raise OvexplorerError(f"{tokenizer_xml.name}: the tokenizer cannot be compiled: "
                                  f"{openvino_reason(str(exc))}", path=tokenizer_xml) from exc
        self.output_names = [o.get_any_name() for o in self._tok.outputs]
        self._tok_request = self._tok.create_infer_request()
        self._detok_request = self._detok.create_infer_request() if self._detok else None
        rt = core.read_model(str(tokenizer_xml)).get_rt_info()
        self.special: dict[str, int] = {}
        for key in ("bos_token_id", "eos_token_id", "pad_token_id"):
            if key in rt:
                try:
                    self.special[key] = int(rt[key].astype(str))
                except (ValueError, RuntimeError):
                    pass

    @property
    def can_decode(self) -> bool:
        return self._detok is not None

    def encode(self, text: str, *, pieces: bool = True) -> Tokens:
        """Tokenize one text; ``pieces`` also decodes each id alone (for showing the tokens)."""
        with self._lock:
            try:
                result = self._tok_request.infer([np.array([text])])
            except RuntimeError as exc:
                raise InputError(f"The tokenizer failed on this text: {openvino_reason(str(exc))}") from exc
            outputs = {name: np.array(result[i], dtype=np.int64).reshape(-1)
                       for i, name in enumerate(self.output_names)}
        ids = outputs.pop("input_ids", None)
        if ids is None:
            ids = outputs.pop(self.output_names[0])
        return Tokens(text=text, ids=ids, extra=outputs, pieces=tuple(self.pieces(ids)) if pieces else ())

    def decode(self, ids: np.ndarray | list[int]) -> str:
        """The text of a sequence of ids (the detokenizer's own rules: special tokens skipped...)."""
        if self._detok_request is None:
            return " ".join(str(i) for i in np.asarray(ids).reshape(-1))
        arr = np.asarray(ids, dtype=np.int64).reshape(1, -1)
        with self._lock:
            return str(self._detok_request.infer([arr])[0][0])

    def pieces(self, ids: np.ndarray | list[int]) -> list[str]:
        """Each id decoded alone (a byte of a multi-byte character shows as U+FFFD)."""
        arr = np.asarray(ids, dtype=np.int64).reshape(-1, 1)
        if arr.size == 0:
            return []
        if self._detok_request is None:
            return [str(i) for i in arr[:, 0]]
        with self._lock:
            return [str(s) for s in self._detok_request.infer([arr])[0]]


def compile_tokenizer(tokenizer_xml: Path, detokenizer_xml: Path | None) -> TextTokenizer:
    """:class:`TextTokenizer`, for callers that prefer a function."""
    return TextTokenizer(tokenizer_xml, detokenizer_xml)


