"""``ovexplorer run FOLDER --prompt`` and ``ovexplorer bench FOLDER --prompt-tokens``, as a user types them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.text_helpers import reference, sample

pytest.importorskip("openvino_tokenizers")


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENVINO_TELEMETRY_DISABLE": "1"}
    return subprocess.run([sys.executable, "-m", "ovexplorer", *args], capture_output=True, text=True, env=env,
                          timeout=180)


def test_run_prompt_greedy_json_is_the_reference_continuation() -> None:
    out = _cli("run", str(sample("gpt2_stateless")), "--prompt", "Return the number", "--max-new-tokens", "12",
               "--greedy", "--top-k", "3", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    want = reference("gpt2_stateless")["greedy"]["Return the number"]
    assert data["tokens"] == want and data["stop_reason"] == "length" and data["sampling"] == "greedy"
    assert data["first_step_top_k"][0]["id"] == want[0] and len(data["first_step_top_k"]) == 3
    assert data["ttft_ms"] > 0 and data["tpot_ms"] > 0 and data["prompt_tokens"] > 0


def test_run_prompt_sampling_is_repeatable_with_a_seed() -> None:
    args = ("run", str(sample("llama_stateful") / "openvino_model.xml"), "--prompt", "The logger",
            "--max-new-tokens", "10", "--temperature", "1.5", "--top-k", "40", "--json")
    a = json.loads(_cli(*args, "--seed", "4").stdout)
    b = json.loads(_cli(*args, "--seed", "4").stdout)
    c = json.loads(_cli(*args, "--seed", "5").stdout)
    assert a["tokens"] == b["tokens"] != c["tokens"]
    assert a["sampling"]["temperature"] == 1.5 and a["sampling"]["seed"] == 4


def test_bench_prompt_tokens_json_and_the_context_limit() -> None:
    out = _cli("bench", str(sample("llama_stateful")), "--prompt-tokens", "16", "--new-tokens", "6", "--rounds", "2",
               "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["prompt_tokens"] == 16 and data["new_tokens"] == 6 and len(data["per_token_ms"]) == 6
    assert data["ttft_ms"] > 0 and data["tpot_ms"] > 0 and data["tokens_per_second"] > 0
    assert data["backend"] == "openvino-genai"
    own = json.loads(_cli("bench", str(sample("gpt2_stateless")), "--prompt-tokens", "8", "--new-tokens", "4",
                          "--rounds", "1", "--own-loop", "--json").stdout)
    assert own["backend"] == "ovexplorer" and len(own["per_token_ms"]) == 4
    too_long = _cli("bench", str(sample("llama_stateful")), "--prompt-tokens", "200", "--new-tokens", "8")
    assert too_long.returncode == 2
    assert "200 prompt tokens + 8 new tokens exceed the model's context of 128 tokens" in too_long.stderr


def test_run_prompt_on_a_model_without_export_says_so() -> None:
    plain = sample("llama_stateful").parents[3] / "resources" / "samples" / "regression.xml"
    out = _cli("run", str(plain), "--prompt", "hello")
    assert out.returncode == 2 and "is not a language-model export" in out.stderr and "regression.xml" in out.stderr
