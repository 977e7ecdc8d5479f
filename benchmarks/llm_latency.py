"""TTFT and TPOT of the app's own decoding loop vs openvino-genai's PerfMetrics on the same model and settings.

Both generate ``--new-tokens`` greedily after the same random prompt of ``--prompt-tokens`` ids (no stop at
end-of-sequence), on the same device, with the same compile properties; rounds are interleaved (app, genai, app,
genai, ...) so machine load hits both alike. The app's figures are what the LLM latency view shows
(:func:`ovexplorer.core.text.llm_latency.measure_latency`: the prompt step, then the mean of the other steps);
genai's are ``PerfMetrics.get_ttft()`` / ``get_tpot()`` (TTFT: from the start of generate to the end of the prompt
step; TPOT: the mean of the token-to-token intervals after the first), which the own loop times the same way. Who
goes first alternates each round; besides the ratio of the medians, the median of the per-round ratios (each pair
run back to back, so a change of the machine's load hits both) and its quartiles; the process CPU time per
generation is the work done whatever the load; the load average is printed before and after.
The view measures a full export through openvino-genai (timestamps of the streamed tokens) and other folders
through the app's own loop: both must agree with PerfMetrics within 0.95-1.05.

A compiled model keeps its speed for as long as it lives, and another compile of the same model runs a few percent
faster or slower (where its buffers landed): one pair of compiled models measures that luck, not the loop. So both
sides are compiled ``--instances`` times, the rounds split between the pairs, and the ratio printed per pair too.
``--control`` puts a second openvino-genai pipeline in the own loop's place (A/A): the spread it shows is the
instance-to-instance floor under which no agreement can be told apart.
Prints ``name: value unit (ratio vs baseline)`` lines.

    .venv/bin/python benchmarks/llm_latency.py [FOLDER] [--prompt-tokens 64] [--new-tokens 64] [--rounds 15]
        [--instances 4] [--control]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT = ROOT / "tests" / "data" / "text" / "llama_stateful"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT, help="an export folder (full export)")
    parser.add_argument("--prompt-tokens", type=int, default=64)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--device", default="CPU")
    parser.add_argument("--instances", type=int, default=4,
                        help="compile both sides this many times, the rounds split between them (default 4)")
    parser.add_argument("--control", action="store_true",
                        help="A/A control: a second openvino-genai pipeline in the own loop's place")
    args = parser.parse_args()

    import openvino as ov

    from ovexplorer.core.text.decoder import DecoderSession
    from ovexplorer.core.text.deps import require
    from ovexplorer.core.text.genai_path import GenaiGenerator
    from ovexplorer.core.text.sampling import SamplingConfig
    from ovexplorer.core.text.text_state import open_text_model
    from ovexplorer.core.text.token_inputs import random_token_ids

    genai = require("openvino_genai")
    # The same attention implementation on both sides: the model's own SDPA (genai would otherwise rewrite the
    # model for paged attention, a different computation).
    properties = {"ATTENTION_BACKEND": "SDPA"}
    greedy = SamplingConfig()
    figures: dict[str, list[float]] = {k: [] for k in ("loop_ttft", "loop_tpot", "view_ttft", "view_tpot",
                                                        "genai_ttft", "genai_tpot")}
    per_instance: list[tuple[float, float]] = []  # (TTFT, TPOT) ratio of the own loop per compiled pair
    same = True
    load_before = os.getloadavg()
    cpu = {"loop": [], "genai": []}  # process CPU seconds per generation: the work done, whatever the load
    ids = None
    rounds_left = args.rounds
    for instance in range(args.instances):
        # A fresh compile of both sides per instance: the same compiled model runs a few percent faster or
        # slower than another compile of it for as long as it lives (where its buffers landed), on either side.
        pipe = GenaiGenerator(args.folder, args.device, properties)
        if args.control:  # A/A: a second pipeline in the own loop's place measures that instance-to-instance spread
            other = GenaiGenerator(args.folder, args.device, properties)
            vocab = _vocab(args.folder)
        else:
            text = open_text_model(args.folder, args.device)
            assert text is not None and text.is_decoder, f"{args.folder} is not a causal LM export"
            app: DecoderSession = text.decoder
            vocab = app.vocab
        if ids is None:
            ids = random_token_ids(vocab, args.prompt_tokens, seed=0, low=3)
        n = rounds_left // (args.instances - instance)
        rounds_left -= n
        first_index = len(figures["loop_tpot"])
        for i in range(n + 1):
            first_app = i % 2 == 0  # alternate who goes first, so neither always follows the other
            for side in ("app", "genai") if first_app else ("genai", "app"):
                c0 = time.process_time()
                if side == "app" and args.control:
                    tokens = other.generate(ids, args.new_tokens, sampling=greedy, ignore_eos=True).tokens
                    mine = SimpleNamespace(tokens=tokens, ttft=other.last_metrics.get_ttft().mean / 1e3,
                                           tpot=other.last_metrics.get_tpot().mean / 1e3)
                elif side == "app":
                    mine = app.generate(ids, args.new_tokens, sampling=greedy)
                else:
                    theirs = pipe.generate(ids, args.new_tokens, sampling=greedy, ignore_eos=True)
                if i:
                    cpu["loop" if side == "app" else "genai"].append(time.process_time() - c0)
            pm = pipe.last_metrics
            if i == 0:  # warm-up
                assert len(mine.tokens) == len(theirs.tokens) == args.new_tokens
                same = same and mine.tokens == theirs.tokens
                continue
            figures["loop_ttft"].append(mine.ttft * 1e3)
            figures["loop_tpot"].append(mine.tpot * 1e3)
            figures["view_ttft"].append(theirs.ttft * 1e3)  # the view's timestamps of genai's streamed tokens
            figures["view_tpot"].append(theirs.tpot * 1e3)
            figures["genai_ttft"].append(pm.get_ttft().mean)
            figures["genai_tpot"].append(pm.get_tpot().mean)
        per_instance.append(tuple(statistics.median(figures[f"loop_{k}"][first_index:])
                                  / statistics.median(figures[f"genai_{k}"][first_index:]) for k in ("ttft", "tpot")))
        del pipe, mine, theirs
        if args.control:
            del other
        else:
            del text, app
        gc.collect()
    med = statistics.median
    print(f"model: {args.folder} ({args.prompt_tokens} prompt tokens, {args.new_tokens} new tokens, "
          f"{args.rounds} interleaved rounds, {args.device}, openvino {ov.__version__}, "
          f"openvino-genai {genai.__version__})")
    print(f"same greedy tokens (own loop, genai): {same}")
    if args.control:
        print("A/A CONTROL: the 'own loop' lines below are a second openvino-genai pipeline (PerfMetrics)")
    print("own loop vs genai per compiled pair (TTFT, TPOT): "
          + ", ".join(f"{a:.3f}/{b:.3f}" for a, b in per_instance))
    loads = " ".join(f"{x:.2f}" for x in load_before), " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min) before: {loads[0]}, after: {loads[1]}, on {os.cpu_count()} CPUs")
    def spread(values: list[float]) -> str:
        q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
        return f"quartiles {q[0]:.1f}-{q[2]:.1f}"

    for name in ("ttft", "tpot"):
        g = med(figures[f"genai_{name}"])
        print(f"{name.upper()} openvino-genai PerfMetrics: {g:.3f} ms (baseline; {spread(figures[f'genai_{name}'])})")
        for key, label in (("view", "LLM latency view, through openvino-genai"),
                           ("loop", "own loop (folders genai cannot take)")):
            v = med(figures[f"{key}_{name}"])
            pairs = [a / b for a, b in zip(figures[f"{key}_{name}"], figures[f"genai_{name}"], strict=True)]
            q = statistics.quantiles(pairs, n=4) if len(pairs) > 1 else [pairs[0]] * 3
            print(f"{name.upper()} ovexplorer {label}: {v:.3f} ms ({v / g:.3f} vs baseline; "
                  f"{spread(figures[f'{key}_{name}'])}; per-round ratio median {med(pairs):.3f}, "
                  f"quartiles {q[0]:.3f}-{q[2]:.3f})")
    g = med(cpu["genai"])
    print(f"CPU time per generation openvino-genai: {g * 1e3:.1f} ms (baseline)")
    print(f"CPU time per generation own loop: {med(cpu['loop']) * 1e3:.1f} ms ({med(cpu['loop']) / g:.3f} vs baseline)")
    return 0


def _vocab(folder: Path) -> int:
    """The vocabulary size from the export's config.json."""
    return int(json.loads((folder / "config.json").read_text())["vocab_size"])


if __name__ == "__main__":
    sys.exit(main())
