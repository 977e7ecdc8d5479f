"""Language models on the command line: ``run FOLDER --prompt`` (generated text, the first step's top-k, timings)
and ``bench FOLDER --prompt-tokens N --new-tokens M`` (TTFT, TPOT, throughput). Called by ``run`` and ``bench``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ovexplorer.core.util.errors import InputError


def _open(model: str, device: str):
    from ovexplorer.core.text.text_state import open_text_model

    text = open_text_model(Path(model), device)
    if text is None:
        raise InputError(f"{model} is not a language-model export (no openvino_tokenizer.xml or config.json beside "
                         "the model).", path=model)
    if not text.is_decoder:
        raise InputError(f"{model} is an encoder: it has no next token to generate.", path=model)
    return text


def add_run_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("language models (an export folder or its openvino_model.xml)")
    g.add_argument("--prompt", help="generate after this text (through the export's tokenizer)")
    g.add_argument("--max-new-tokens", type=int, default=32, help="tokens to generate (default 32)")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--greedy", action="store_true", help="always the most likely token (the default)")
    mode.add_argument("--temperature", type=float, help="sample with this temperature (seeded by --seed)")
    g.add_argument("--top-k", type=int, default=0, help="sample among the k most likely (0: all); top-k shown")
    g.add_argument("--top-p", type=float, default=1.0, help="sample within this probability mass (default 1)")
    g.add_argument("--genai", action="store_true", help="generate through openvino-genai's LLMPipeline")


def run_prompt(args: argparse.Namespace) -> int:
    from ovexplorer.core.text.sampling import SamplingConfig

    if args.max_new_tokens < 1:
        raise InputError(f"--max-new-tokens {args.max_new_tokens}: give at least 1.")
    text = _open(args.model, args.device)
    sampling = SamplingConfig(greedy=args.temperature is None, temperature=args.temperature or 1.0,
                              top_k=args.top_k, top_p=args.top_p, seed=args.seed)
    tokens = text.tokenize(args.prompt)
    result = text.generate(tokens, args.max_new_tokens, sampling, use_genai=args.genai)
    first = text.next_token(tokens, max(1, args.top_k or 5)) if args.genai else result.first_step
    top = [{"id": i, "piece": p, "probability": q} for i, p, q in zip(first.ids, first.pieces, first.probs,
                                                                       strict=True)][: args.top_k or 5] if first else []
    out = {"model": str(text.export.model), "prompt": args.prompt, "prompt_tokens": len(tokens),
           "text": result.text, "tokens": result.tokens, "stop_reason": result.reason,
           "sampling": "greedy" if sampling.greedy else {"temperature": sampling.temperature, "top_k": sampling.top_k,
                                                          "top_p": sampling.top_p, "seed": sampling.seed},
           "first_step_top_k": top, "ttft_ms": result.ttft * 1e3, "tpot_ms": result.tpot * 1e3,
           "tokens_per_second": result.tokens_per_second, "backend": "openvino-genai" if args.genai else "ovexplorer"}
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"{args.prompt}{result.text}")
    print(f"-- {len(tokens)} prompt tokens, {len(result.tokens)} generated ({result.reason}); first token "
          f"{out['ttft_ms']:.2f} ms, then {out['tpot_ms']:.3f} ms per token ({out['tokens_per_second']:.1f} tokens/s)")
    print("first step: " + ", ".join(f"{t['piece']!r} ({t['id']}) {t['probability']:.1%}" for t in top))
    return 0


def add_bench_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("language models (an export folder or its openvino_model.xml)")
    g.add_argument("--prompt-tokens", type=int, help="measure TTFT/TPOT after a random prompt of N tokens")
    g.add_argument("--new-tokens", type=int, default=32, help="tokens generated per round (default 32)")
    g.add_argument("--rounds", type=int, default=5, help="measured rounds (median; default 5)")
    g.add_argument("--own-loop", action="store_true",
                   help="time the app's own loop even for a full export (default: openvino-genai there)")


def bench_llm(args: argparse.Namespace) -> int:
    from ovexplorer.core.text.llm_latency import genai_generate, measure_latency

    if args.prompt_tokens < 1 or args.new_tokens < 2 or args.rounds < 1:
        raise InputError("--prompt-tokens >= 1, --new-tokens >= 2 and --rounds >= 1, please.")
    text = _open(args.model, args.device)
    context = text.arch.context
    if context is not None and args.prompt_tokens + args.new_tokens > context:
        raise InputError(f"{args.prompt_tokens} prompt tokens + {args.new_tokens} new tokens exceed the model's "
                         f"context of {context} tokens.")
    use_genai = text.export.is_full_export and not args.own_loop
    generate = genai_generate(text.genai()) if use_genai else None
    point = measure_latency(text.decoder, args.prompt_tokens, args.new_tokens, rounds=args.rounds, seed=args.seed,
                            generate=generate)
    out = {"model": str(text.export.model), "backend": "openvino-genai" if use_genai else "ovexplorer",
           "rounds": args.rounds, **point.as_dict()}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{text.export.model} ({out['backend']}, {args.device}): {args.prompt_tokens} prompt tokens, "
          f"{args.new_tokens} new tokens, median of {args.rounds} rounds")
    print(f"TTFT: {out['ttft_ms']:.2f} ms")
    print(f"TPOT: {out['tpot_ms']:.3f} ms")
    print(f"Throughput: {out['tokens_per_second']:.1f} tokens/s")
    return 0
