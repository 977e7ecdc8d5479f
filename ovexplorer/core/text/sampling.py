"""Choosing the next token from logits: greedy, or sampling with temperature, top-k, top-p and a seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SamplingConfig:
    """``greedy`` ignores the rest; otherwise logits / temperature, keep the top-k, then the top-p mass."""

    greedy: bool = True
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    seed: int = 0

    def validate(self) -> None:
        if not self.greedy:
            if not self.temperature > 0:
                raise ValueError(f"temperature must be > 0 (got {self.temperature})")
            if not 0 < self.top_p <= 1:
                raise ValueError(f"top-p must be in (0, 1] (got {self.top_p})")
            if self.top_k < 0:
                raise ValueError(f"top-k must be >= 0 (got {self.top_k})")


def softmax(logits: np.ndarray) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    x = x - x.max()
    e = np.exp(x)
    return e / e.sum()


class Sampler:
    """Picks token ids one step at a time; the seed makes a sampled generation repeatable."""

    def __init__(self, config: SamplingConfig) -> None:
        config.validate()
        self.config = config
        self.rng = np.random.default_rng(config.seed)

    def __call__(self, logits: np.ndarray) -> int:
        c = self.config
        if c.greedy:
            return int(np.argmax(logits))
        scaled = np.asarray(logits, dtype=np.float64) / c.temperature
        order = np.argsort(-scaled, kind="stable")
        if c.top_k > 0:
            order = order[: c.top_k]
        probs = softmax(scaled[order])
        if c.top_p < 1.0:
            keep = int(np.searchsorted(np.cumsum(probs), c.top_p) + 1)
            order, probs = order[:keep], probs[:keep] / probs[:keep].sum()
        return int(order[self.rng.choice(len(order), p=probs)])
