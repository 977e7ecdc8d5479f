"""LLM latency: time to first token (TTFT), time per output token (TPOT), tokens per second and per-token latency
at a prompt length and output length, and a sweep over prompt lengths (random prompts from the vocabulary)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ovexplorer.core.text.decoder import DecoderSession, GenerationResult
from ovexplorer.core.text.token_inputs import random_token_ids
from ovexplorer.core.util.tasks import CancelToken, ProgressFn, no_progress


@dataclass(frozen=True)
class LatencyPoint:
    """Median figures of ``rounds`` generations at one prompt length (seconds)."""

    prompt_tokens: int
    new_tokens: int
    ttft: float
    tpot: float
    tokens_per_second: float
    per_token: tuple[float, ...]  # the median round's step times: [0] is the first token

    def as_dict(self) -> dict[str, float | int | list[float]]:
        return {"prompt_tokens": self.prompt_tokens, "new_tokens": self.new_tokens, "ttft_ms": self.ttft * 1e3,
                "tpot_ms": self.tpot * 1e3, "tokens_per_second": self.tokens_per_second,
                "per_token_ms": [s * 1e3 for s in self.per_token]}


#: ``generate(prompt_ids, new_tokens) -> GenerationResult`` (the own loop by default; openvino-genai for a full export)
Generate = Callable[[np.ndarray, int], GenerationResult]


def genai_generate(pipeline) -> Generate:
    """Greedy generation of exactly ``new_tokens`` through an openvino-genai pipeline (no end-of-sequence stop);
    the times are those of the streamed tokens, which agree with genai's PerfMetrics (benchmarks/llm_latency.py)."""
    return lambda ids, new_tokens: pipeline.generate(ids, new_tokens, ignore_eos=True)


def point_of(results: list[GenerationResult], prompt_tokens: int, new_tokens: int) -> LatencyPoint:
    ttft = float(np.median([r.ttft for r in results]))
    tpot = float(np.median([r.tpot for r in results]))
    middle = sorted(results, key=lambda r: sum(r.step_seconds))[len(results) // 2]
    return LatencyPoint(prompt_tokens, new_tokens, ttft, tpot, float(np.median([r.tokens_per_second for r in results])),
                        tuple(middle.step_seconds))


def measure_latency(session: DecoderSession, prompt_tokens: int, new_tokens: int, *, rounds: int = 3,
                    warmup: int = 1, seed: int = 0, generate: Generate | None = None,
                    cancel: CancelToken | None = None) -> LatencyPoint:
    """Generate ``new_tokens`` greedily after a random prompt of ``prompt_tokens`` ids (no end-of-sequence stop)."""
    vocab = session.vocab or 2
    ids = random_token_ids(vocab, prompt_tokens, seed=seed, low=min(3, vocab - 1))
    run = generate or (lambda p, n: session.generate(p, n))
    results: list[GenerationResult] = []
    for i in range(warmup + rounds):
        if cancel is not None:
            cancel.check()
        r = run(ids, new_tokens)
        if i >= warmup:
            results.append(r)
    return point_of(results, prompt_tokens, new_tokens)


def sweep_prompt_lengths(session: DecoderSession, lengths: list[int], new_tokens: int, *, rounds: int = 3,
                         progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                         on_point: Callable[[LatencyPoint], None] | None = None,
                         generate: Generate | None = None) -> list[LatencyPoint]:
    """:func:`measure_latency` at each prompt length (longest first capped by the context)."""
    points: list[LatencyPoint] = []
    usable = [n for n in lengths if session.context is None or n + new_tokens <= session.context]
    for i, n in enumerate(usable):
        progress(i / max(1, len(usable)), f"prompt of {n} tokens")
        point = measure_latency(session, n, new_tokens, rounds=rounds, warmup=1 if i == 0 else 0, cancel=cancel,
                                generate=generate)
        points.append(point)
        if on_point is not None:
            on_point(point)
    progress(1.0, "done")
    return points
