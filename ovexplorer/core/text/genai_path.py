"""Generation through openvino-genai's LLMPipeline (a full export folder): streamed token by token into the same
:class:`~ovexplorer.core.text.decoder.GenerationResult` as the app's own loop, cancellable, with genai's PerfMetrics."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.core.text.decoder import GenerationResult, TokenEvent
from ovexplorer.core.text.deps import require
from ovexplorer.core.text.sampling import SamplingConfig
from ovexplorer.core.text.tokenizer import TextTokenizer
from ovexplorer.core.util.errors import DeviceError, openvino_reason
from ovexplorer.core.util.tasks import CancelToken


class GenaiGenerator:
    """An LLMPipeline over an export folder (model, tokenizer and detokenizer IRs, configs)."""

    def __init__(self, folder: Path, device: str = "CPU", properties: dict[str, str] | None = None) -> None:
        self.genai = require("openvino_genai")
        try:
            self.pipe = self.genai.LLMPipeline(str(folder), device, **(properties or {}))
        except RuntimeError as exc:
            raise DeviceError(f"openvino-genai cannot load {folder.name} on {device}: "
                              f"{openvino_reason(str(exc))}", path=folder) from exc
        self.last_metrics: Any = None
        self._lock = threading.Lock()  # one generation at a time on the pipeline

    def config(self, max_new_tokens: int, sampling: SamplingConfig, ignore_eos: bool) -> Any:
        cfg = self.pipe.get_generation_config()
        cfg.max_new_tokens = max_new_tokens
        cfg.min_new_tokens = 0  # ignore_eos: genai makes the end-of-sequence token and goes on, as the own loop
        cfg.ignore_eos = ignore_eos
        cfg.do_sample = not sampling.greedy
        if not sampling.greedy:
            cfg.temperature = sampling.temperature
            cfg.top_p = sampling.top_p
            cfg.top_k = sampling.top_k if sampling.top_k > 0 else 0
            cfg.rng_seed = sampling.seed
        return cfg

    def generate(self, ids: np.ndarray, max_new_tokens: int, *, sampling: SamplingConfig | None = None,
                 tokenizer: TextTokenizer | None = None, ignore_eos: bool = False,
                 on_token: Callable[[TokenEvent], None] | None = None,
                 cancel: CancelToken | None = None) -> GenerationResult:
        g = self.genai
        ids = np.asarray(ids, dtype=np.int64).reshape(1, -1)
        result = GenerationResult(prompt_tokens=int(ids.shape[1]))
        state = {"last": time.perf_counter()}

        class Streamer(g.StreamerBase):
            def write(self, token: int | list[int]) -> Any:
                now = time.perf_counter()
                for t in token if isinstance(token, list) else [token]:
                    if len(result.tokens) >= max_new_tokens:
                        break
                    result.tokens.append(int(t))
                    result.step_seconds.append(now - state["last"])
                    text = tokenizer.decode(result.tokens) if tokenizer is not None else ""
                    delta = "" if text.endswith("\ufffd") else text[len(result.text):]
                    if not text.endswith("\ufffd"):
                        result.text = text
                    if on_token is not None:
                        on_token(TokenEvent(len(result.tokens) - 1, int(t), delta, now - state["last"]))
                state["last"] = now
                if cancel is not None and cancel.cancelled:
                    result.stopped, result.reason = True, "stopped"
                    return g.StreamingStatus.STOP
                return g.StreamingStatus.RUNNING

            def end(self) -> None:
                return None

        import openvino as ov

        inputs = g.TokenizedInputs(ov.Tensor(ids), ov.Tensor(np.ones_like(ids)))
        try:
            with self._lock:
                state["last"] = time.perf_counter()
                out = self.pipe.generate(inputs, self.config(max_new_tokens, sampling or SamplingConfig(), ignore_eos),
                                         Streamer())
        except RuntimeError as exc:
            raise DeviceError(f"openvino-genai failed: {openvino_reason(str(exc))}") from exc
        self.last_metrics = out.perf_metrics
        if not result.reason:
            result.reason = "length" if len(result.tokens) >= max_new_tokens else "eos"
        if tokenizer is not None:
            result.text = tokenizer.decode(result.tokens)
        return result
