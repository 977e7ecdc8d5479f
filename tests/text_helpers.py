"""The language-model samples (tests/data/text, made by examples/make_text_samples.py) and a reference loop."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SAMPLES = Path(__file__).resolve().parent / "data" / "text"
DECODERS = ("llama_stateful", "llama_stateless", "gpt2_stateful", "gpt2_stateless")


def sample(name: str) -> Path:
    return SAMPLES / name


def reference(name: str) -> dict:
    """What transformers answered for this sample when it was made (reference.json)."""
    return json.loads((SAMPLES / name / "reference.json").read_text(encoding="utf-8"))


def reference_greedy(xml: Path, ids: list[int], new_tokens: int, config: dict | None = None) -> list[int]:
    """Greedy decoding by recomputing the whole sequence each step (no KV cache) over the same IR, with OpenVINO
    and numpy only: a stateless model gets empty past tensors, a stateful one a fresh request per step."""
    import openvino as ov

    core = ov.Core()
    model = core.read_model(str(xml))
    compiled = core.compile_model(model, "CPU", config or {})
    seq = list(ids)
    out: list[int] = []
    for _ in range(new_tokens):
        n = len(seq)
        feed: dict[str, np.ndarray] = {}
        for port in compiled.inputs:
            name = port.get_any_name()
            if name == "input_ids":
                feed[name] = np.array([seq], dtype=np.int64)
            elif name == "attention_mask":
                feed[name] = np.ones((1, n), dtype=np.int64)
            elif name == "position_ids":
                feed[name] = np.arange(n, dtype=np.int64).reshape(1, n)
            elif name == "beam_idx":
                feed[name] = np.zeros(1, dtype=np.int32)
            elif name.startswith("past_key_values"):
                shape = [d.get_length() if d.is_static else 0 for d in port.get_partial_shape()]
                shape[0] = 1
                feed[name] = np.zeros(shape, dtype=port.get_element_type().to_dtype())
        request = compiled.create_infer_request()
        request.infer(feed)
        token = int(np.argmax(request.get_tensor("logits").data[0, -1]))
        out.append(token)
        seq.append(token)
    return out
