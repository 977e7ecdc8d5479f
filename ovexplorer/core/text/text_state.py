"""The text view's state, Qt-free: the open export (tokenizer, architecture, decoder or encoder, openvino-genai
pipeline), the tokens of the prompt, and the tokens streamed by a generation running in a worker (a queue the
view drains on its own timer, so a fast model never floods the UI thread)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openvino as ov

from ovexplorer.core.model.document import shared_core
from ovexplorer.core.text.architecture import Architecture, describe_architecture
from ovexplorer.core.text.decoder import DecoderSession, GenerationResult, NextToken, TokenEvent
from ovexplorer.core.text.export_folder import TextExport, find_export
from ovexplorer.core.text.sampling import SamplingConfig
from ovexplorer.core.text.tokenizer import TextTokenizer, Tokens
from ovexplorer.core.util.errors import InputError
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress

#: Architectures (config.json) and output shapes that make a model an encoder rather than a causal LM.
_ENCODER_HINTS = ("MaskedLM", "TokenClassification", "SequenceClassification", "Model")


@dataclass
class TextModel:
    """An export opened for text: what the view and the CLI work with. The model is compiled on first use (in a
    worker): opening a folder reads it and compiles only the tokenizer."""

    export: TextExport
    arch: Architecture
    tokenizer: TextTokenizer | None
    model: ov.Model = field(repr=False)
    kind: str = "decoder"  # or "encoder"
    device: str = "CPU"
    properties: dict[str, str] = field(default_factory=dict)
    _session: object | None = field(default=None, repr=False)
    _genai: object | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _genai_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def is_decoder(self) -> bool:
        return self.kind == "decoder"

    @property
    def tasks(self) -> tuple[str, ...]:
        """What the view offers for this model. A causal LM: the next token and generation. An encoder generates
        nothing: token labels (a token classifier with ``id2label``) or fill-mask, then pooled embeddings and the
        similarity of two texts."""
        if self.is_decoder:
            return ("next token", "generation")
        names = " ".join(self.arch.architectures)
        labelled = bool(self.export.config.get("id2label")) and "TokenClassification" in names
        return ("token labels" if labelled else "fill-mask", "embeddings", "similarity")

    def headline(self) -> str:
        """One line about the model: kind, (for a causal LM) where its KV cache lives, size, tokenizer."""
        a = self.arch
        tok = "tokenizer" if self.tokenizer else "no tokenizer (type ids)"
        if self.is_decoder:
            cache = "stateful" if a.stateful else "stateless"
            return (f"{a.model_type or '?'}, decoder, {cache}: {a.layers} layers, vocabulary {a.vocab}, context "
                    f"{a.context}; {tok}")
        return (f"{a.model_type or '?'}, encoder ({', '.join(self.tasks)}): {a.layers} layers, hidden size "
                f"{a.hidden}, vocabulary {a.vocab}, up to {a.context} tokens; {tok}")

    @property
    def compiled(self) -> bool:
        return self._session is not None

    def _compiled_session(self) -> object:
        with self._lock:
            if self._session is None:
                if self.is_decoder:
                    self._session = DecoderSession(self.model, self.device, self.properties, vocab=self.arch.vocab,
                                                   context=self.arch.context)
                else:
                    from ovexplorer.core.text.encoder import EncoderSession

                    self._session = EncoderSession(self.model, self.device, self.export.config, self.properties)
            return self._session

    @property
    def decoder(self) -> DecoderSession | None:
        """The causal LM session (compiled on first use: call from a worker), None for an encoder."""
        return self._compiled_session() if self.is_decoder else None  # type: ignore[return-value]

    @property
    def encoder(self):  # EncoderSession | None
        """The encoder session (compiled on first use: call from a worker), None for a causal LM."""
        return None if self.is_decoder else self._compiled_session()

    def genai(self) -> object:
        """openvino-genai's LLMPipeline over the folder, made on first use (raises when it cannot take it)."""
        from ovexplorer.core.text.genai_path import GenaiGenerator

        with self._genai_lock:
            if self._genai is None:
                if not self.export.is_full_export:
                    raise InputError(f"{self.export.folder.name} is not a full export (openvino_model.xml with both "
                                     "tokenizer IRs): openvino-genai cannot load it; the app's own loop runs it.")
                self._genai = GenaiGenerator(self.export.folder, self.device)
            return self._genai

    def tokenize(self, text: str) -> Tokens:
        if self.tokenizer is None:
            raise InputError(f"{self.export.folder.name} has no openvino_tokenizer.xml: type token ids instead.")
        tokens = self.tokenizer.encode(text)
        if self.arch.vocab is not None and tokens.ids.size and int(tokens.ids.max()) >= self.arch.vocab:
            raise InputError(
                f"The tokenizer gave token id {int(tokens.ids.max())}, outside the model's vocabulary of "
                f"{self.arch.vocab:,}: {self.export.tokenizer.name} does not match {self.export.model.name}.")
        return tokens

    def next_token(self, tokens: Tokens, k: int = 10) -> NextToken:
        if not self.is_decoder:
            raise InputError("This model is not a causal language model (no next token).")
        return self.decoder.next_token(tokens.ids, k, self.tokenizer)

    def generate(self, tokens: Tokens, max_new_tokens: int, sampling: SamplingConfig, *, use_genai: bool = False,
                 on_token=None, cancel: CancelToken | None = None) -> GenerationResult:
        if not self.is_decoder:
            raise InputError("This model is not a causal language model: it cannot generate.")
        self.decoder.check_ids(tokens.ids)
        self.decoder.check_context(len(tokens))
        if use_genai:
            return self.genai().generate(tokens.ids, max_new_tokens, sampling=sampling, tokenizer=self.tokenizer,
                                         on_token=on_token, cancel=cancel)
        return self.decoder.generate(tokens.ids, max_new_tokens, sampling=sampling, tokenizer=self.tokenizer,
                                     eos=self.export.eos_token_ids, on_token=on_token, cancel=cancel)


def is_encoder(export: TextExport, arch: Architecture) -> bool:
    if arch.stateful or arch.kv_inputs:
        return False
    names = " ".join(arch.architectures)
    return any(h in names for h in _ENCODER_HINTS) and "CausalLM" not in names and "LMHead" not in names


def open_text_model(path: Path, device: str = "CPU", properties: dict[str, str] | None = None, *,
                    progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                    compile_now: bool = False) -> TextModel | None:
    """Open the export ``path`` belongs to for text (None when it is not a language model); the model itself is
    compiled on first use unless ``compile_now``."""
    export = find_export(path)
    if export is None:
        return None
    progress(0.1, "reading the model")
    model = shared_core().read_model(str(export.model))
    arch = describe_architecture(model, export.config)
    if cancel is not None:
        cancel.check()
    progress(0.3, "compiling the tokenizer")
    tokenizer = TextTokenizer(export.tokenizer, export.detokenizer) if export.tokenizer else None
    kind = "encoder" if is_encoder(export, arch) else "decoder"
    text = TextModel(export=export, arch=arch, tokenizer=tokenizer, model=model, kind=kind, device=device,
                     properties=dict(properties or {}))
    if compile_now:
        progress(0.5, f"compiling the model for {device}")
        text.decoder if text.is_decoder else text.encoder  # noqa: B018 - compiles
    progress(1.0, "ready")
    return text


class TokenStream:
    """Tokens a worker produces, drained by the UI at its own pace (thread-safe)."""

    def __init__(self) -> None:
        self._queue: deque[TokenEvent] = deque()

    def put(self, event: TokenEvent) -> None:
        self._queue.append(event)

    def drain(self) -> list[TokenEvent]:
        out = []
        while self._queue:
            out.append(self._queue.popleft())
        return out


def span_colors(count: int) -> list[str]:
    """Alternating pastel backgrounds for token spans (neighbours always differ)."""
    palette = ("#ffe0a3", "#b8e3ff", "#c9f2c0", "#f8c8dc", "#dcd0ff", "#fff3a8")
    return [palette[i % len(palette)] for i in range(count)]


def token_ids_from_text(text: str) -> np.ndarray:
    """Token ids typed by hand ("1 2 3" or "1, 2, 3")."""
    try:
        return np.array([int(t) for t in text.replace(",", " ").split()], dtype=np.int64)
    except ValueError as exc:
        raise InputError(f"Token ids must be whole numbers separated by spaces: {exc}") from exc
