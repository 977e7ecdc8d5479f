"""Make the language-model samples under ``tests/data/text/`` (offline, random weights, about 300 KB each).

Every model is built from a ``transformers`` config with random weights (seeded), its tokenizer is trained here with
``tokenizers`` on the standard library's docstrings (``examples/corpus/make_corpus.py``'s text and trainers, with a
smaller vocabulary), and it is exported the way users export: optimum-intel ``OV*.from_pretrained(export=True)``
(openvino + openvino-tokenizers; NNCF for the INT4 one). ``reference.json`` in each folder records what
``transformers`` itself answers (token ids of a few texts, greedy continuations, fill-mask top-k) so the tests can
check the app against the framework without torch.

Run in the heavy environment (see examples/README.md), from the repository root::

    /work/corpus/.venv/bin/python examples/make_text_samples.py
    /work/corpus/.venv/bin/python examples/make_text_samples.py --bench /tmp/llama_bench   # for the benchmark
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "corpus"))
import make_corpus  # noqa: E402  (sets the offline environment before any hub library is imported)

OUT = HERE.parent / "tests" / "data" / "text"  # test data: not bundled with the app
VOCAB = 384
TEXTS = ["Return the number of items in the queue.", "hello world", "A  spaced\ttab and UTF-8 café ✓"]
PROMPTS = ["Return the number", "The logger"]
NEW_TOKENS = 12


def _source(kind: str, folder: Path, big: bool = False):
    """A random-weight transformers model of ``kind`` and its trained tokenizer, saved to ``folder``."""
    import torch
    from transformers import BertConfig, BertForMaskedLM, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    make_corpus.VOCAB = VOCAB
    make_corpus._seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    tok = make_corpus._train(kind, folder)
    if kind == "gpt2":
        config = GPT2Config(vocab_size=VOCAB, n_positions=128, n_embd=32, n_layer=2, n_head=4,
                            bos_token_id=0, eos_token_id=0)
        model = GPT2LMHeadModel(config)
    elif kind == "llama" and big:  # benchmarks/llm_latency.py: per-token compute well above Python's overhead
        config = LlamaConfig(vocab_size=VOCAB, hidden_size=768, intermediate_size=2048, num_hidden_layers=8,
                             num_attention_heads=12, num_key_value_heads=4, max_position_embeddings=1024,
                             bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
        model = LlamaForCausalLM(config)
    elif kind == "llama":
        config = LlamaConfig(vocab_size=VOCAB, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                             num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
                             bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
        model = LlamaForCausalLM(config)
    else:
        config = BertConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                            intermediate_size=64, max_position_embeddings=64, pad_token_id=tok.pad_token_id)
        model = BertForMaskedLM(config)
    with torch.no_grad():  # larger weights than the default init, so that random models do not all say the same
        for p in model.parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.25)
    model.eval()
    model.save_pretrained(folder)
    return model, tok


def _reference(kind: str, model, tok) -> dict:
    """What transformers answers: ids of TEXTS, greedy continuations of PROMPTS, fill-mask top-5."""
    import torch

    ref: dict = {"texts": {t: tok(t)["input_ids"] for t in TEXTS}}
    with torch.no_grad():
        if kind == "bert":
            text = f"return the {tok.mask_token} of items"
            ids = tok(text, return_tensors="pt")
            logits = model(**ids).logits[0]
            pos = int((ids["input_ids"][0] == tok.mask_token_id).nonzero()[0, 0])
            top = torch.topk(logits[pos], 5)
            ref["fill_mask"] = {"text": text, "top_ids": top.indices.tolist()}
        else:
            ref["greedy"] = {}
            for prompt in PROMPTS:
                ids = tok(prompt, return_tensors="pt")
                out = model.generate(**ids, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False,
                                     pad_token_id=tok.eos_token_id)
                ref["greedy"][prompt] = out[0, ids["input_ids"].shape[1]:].tolist()
    return ref


def _export(kind: str, src: Path, out: Path, **kwargs) -> None:
    from optimum.intel import OVModelForCausalLM, OVModelForMaskedLM

    cls = OVModelForMaskedLM if kind == "bert" else OVModelForCausalLM
    model = cls.from_pretrained(src, export=True, compile=False, **kwargs)
    if out.exists():
        shutil.rmtree(out)
    model.save_pretrained(out)
    if not (out / "openvino_tokenizer.xml").exists():
        make_corpus._convert_tokenizer(src, out)
    for name in ("openvino_config.json",):  # optimum's own bookkeeping; the app does not read it
        (out / name).unlink(missing_ok=True)


def main() -> int:
    make_corpus._torchvision_without_ops()
    from optimum.intel import OVWeightQuantizationConfig

    if len(sys.argv) == 3 and sys.argv[1] == "--bench":  # a bigger Llama (~60M parameters) outside the repository
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "llama"
            _source("llama", src, big=True)
            _export("llama", src, Path(sys.argv[2]), stateful=True)
        print(f"{sys.argv[2]}: written", flush=True)
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("llama", "gpt2", "bert"):
            src = Path(tmp) / kind
            model, tok = _source(kind, src)
            ref = _reference(kind, model, tok)
            variants = {"bert_mlm": {}} if kind == "bert" else {
                f"{kind}_stateful": {"stateful": True}, f"{kind}_stateless": {"stateful": False}}
            if kind == "llama":
                variants["llama_int4"] = {"stateful": True, "quantization_config": OVWeightQuantizationConfig(
                    bits=4, sym=False, group_size=16, ratio=1.0)}
            for name, kwargs in variants.items():
                _export(kind, src, OUT / name, **kwargs)
                (OUT / name / "reference.json").write_text(json.dumps(ref, indent=1, ensure_ascii=False))
                size = sum(f.stat().st_size for f in (OUT / name).iterdir())
                print(f"{name}: {size / 1024:.0f} KiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
