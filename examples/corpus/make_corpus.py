"""Make a corpus of real-world OpenVINO IRs, the way users make them, for ``benchmarks/corpus_sweep.py``.

Nothing is downloaded: every model is built with random weights from a library's own config or yaml
(transformers, ultralytics, timm) or written here in PyTorch, and exported with the field's tools
(optimum-intel, openvino.convert_model, torch.onnx, openvino-tokenizers, NNCF, ultralytics' exporter).
Tokenizers are trained here on text taken from Python's own standard library docstrings.

This needs a heavy environment of its own, OUTSIDE the repository (the app never needs any of it)::

    python3 -m venv /work/corpus/.venv
    echo "torch==2.13.0" > /tmp/c.txt        # keep the CPU build of torch: nothing may pull a CUDA one
    /work/corpus/.venv/bin/pip install -c /tmp/c.txt torch==2.13.0 openvino==2026.4.1 \
        openvino-tokenizers==2026.4.1.0 nncf onnx timm ultralytics \
        optimum-intel==2.2.0 "transformers<5.6" "huggingface-hub<1.22"
    /work/corpus/.venv/bin/python examples/corpus/make_corpus.py /work/corpus [--only NAME,NAME]

Each model goes to ``OUT/<name>/`` and ``OUT/manifest.json`` says how it was made, its op count and size.
A model that cannot be made is reported (and listed in the manifest with its error); the others still are.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

# Offline before any library that could reach a hub is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

VOCAB = 1024


def _torchvision_without_ops() -> None:
    """Let torchvision import without its compiled operators.

    PyPI's torchvision wheel is a CUDA build: its ``_C.so`` cannot load against the CPU build of torch, and
    ``import torchvision`` then fails on registering fake kernels for ``torchvision::nms`` and friends. transformers,
    timm and ultralytics import torchvision but none of the exports here calls its operators, so those
    registrations are skipped.
    """
    import torch.library

    original = torch.library.register_fake

    def register_fake(op, func=None, /, **kwargs):
        if not (isinstance(op, str) and op.startswith("torchvision::")):
            return original(op, **kwargs) if func is None else original(op, func, **kwargs)

        def apply(fn):
            try:
                return original(op, **kwargs)(fn)
            except RuntimeError:  # the operator was never defined: its library did not load
                return fn

        return apply if func is None else apply(func)

    torch.library.register_fake = register_fake
MAKERS: dict[str, tuple[Callable[[Path, Path], str], tuple[str, ...]]] = {}


def maker(name: str, *needs: str) -> Callable:
    """Register a function ``(out_dir, src_dir) -> description`` that makes model ``name``."""

    def register(fn: Callable[[Path, Path], str]) -> Callable[[Path, Path], str]:
        MAKERS[name] = (fn, needs)
        return fn

    return register


def _seed(seed: int = 0) -> None:
    import numpy as np
    import torch

    torch.manual_seed(seed)
    np.random.seed(seed)


def training_text() -> list[str]:
    """Some English-like text that every Python has: the docstrings of the standard library."""
    import collections
    import email
    import json as json_module
    import logging
    import pathlib
    import subprocess
    import textwrap
    import threading
    import unittest

    lines: list[str] = []
    for module in (collections, email, json_module, logging, pathlib, subprocess, textwrap, threading, unittest,
                   argparse, inspect, shutil):
        for _name, obj in inspect.getmembers(module):
            doc = inspect.getdoc(obj)
            if doc:
                lines.extend(line for line in doc.splitlines() if line.strip())
    return lines


def _train(kind: str, src: Path):
    """Train a fast tokenizer of ``kind`` (gpt2 | llama | bert) on the text above; return a transformers one."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    text = training_text()
    if kind == "gpt2":
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=["<|endoftext|>"],
                                      initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        tok.train_from_iterator(text, trainer)
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|endoftext|>", eos_token="<|endoftext|>",
                                       unk_token="<|endoftext|>")
    elif kind == "llama":  # sentencepiece-style BPE with byte fallback and a metaspace, as Llama's tokenizer.json
        tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
        tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
        tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                         decoders.Strip(" ", 1, 0)])
        trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=["<unk>", "<s>", "</s>"]
                                      + [f"<0x{i:02X}>" for i in range(256)])
        tok.train_from_iterator(text, trainer)
        tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                           special_tokens=[("<s>", 1)])
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>")
    else:  # bert: WordPiece, lower case
        from transformers import BertTokenizerFast

        tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
        tok.normalizer = normalizers.BertNormalizer(lowercase=True)
        tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
        tok.decoder = decoders.WordPiece()
        trainer = trainers.WordPieceTrainer(vocab_size=VOCAB,
                                            special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        tok.train_from_iterator(text, trainer)
        tok.post_processor = processors.TemplateProcessing(
            single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
            special_tokens=[("[CLS]", tok.token_to_id("[CLS]")), ("[SEP]", tok.token_to_id("[SEP]"))])
        fast = BertTokenizerFast(tokenizer_object=tok)
    fast.save_pretrained(src)
    return fast


def _hf_source(kind: str, src: Path) -> Path:
    """A random-weight transformers model of ``kind`` saved with its tokenizer under ``src/kind`` (made once)."""
    folder = src / kind
    if (folder / "config.json").exists():
        return folder
    import torch
    from transformers import BertConfig, BertForMaskedLM, GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    _seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    tok = _train(kind, folder)
    if kind == "gpt2":
        config = GPT2Config(vocab_size=VOCAB, n_positions=256, n_embd=128, n_layer=2, n_head=4,
                            bos_token_id=0, eos_token_id=0)
        model = GPT2LMHeadModel(config)
    elif kind == "llama":
        config = LlamaConfig(vocab_size=VOCAB, hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                             num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                             bos_token_id=1, eos_token_id=2, tie_word_embeddings=False)
        model = LlamaForCausalLM(config)
    else:
        config = BertConfig(vocab_size=VOCAB, hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
                            intermediate_size=256, max_position_embeddings=128, pad_token_id=tok.pad_token_id)
        model = BertForMaskedLM(config)
    model.eval()
    with torch.no_grad():
        model.save_pretrained(folder)
    return folder


def _optimum_export(kind: str, src: Path, out: Path, **kwargs) -> None:
    from optimum.intel import OVModelForCausalLM, OVModelForMaskedLM

    cls = OVModelForMaskedLM if kind == "bert" else OVModelForCausalLM
    model = cls.from_pretrained(_hf_source(kind, src), export=True, compile=False, **kwargs)
    model.save_pretrained(out)
    tok_files = ("openvino_tokenizer.xml", "openvino_detokenizer.xml")
    if not any((out / f).exists() for f in tok_files):  # optimum converts them itself when it can
        _convert_tokenizer(_hf_source(kind, src), out)


def _convert_tokenizer(folder: Path, out: Path) -> None:
    import openvino as ov
    from openvino_tokenizers import convert_tokenizer
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    made = convert_tokenizer(tok, with_detokenizer=True)
    tokenizer, detokenizer = made if isinstance(made, tuple) else (made, None)
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(tokenizer, out / "openvino_tokenizer.xml")
    if detokenizer is not None:
        ov.save_model(detokenizer, out / "openvino_detokenizer.xml")


@maker("gpt2_stateful", "optimum")
def gpt2_stateful(out: Path, src: Path) -> str:
    _optimum_export("gpt2", src, out, stateful=True)
    return "GPT-2 (2 layers, hidden 128, vocab 1024), random init from GPT2Config; optimum-intel export, stateful"


@maker("gpt2_stateless", "optimum")
def gpt2_stateless(out: Path, src: Path) -> str:
    _optimum_export("gpt2", src, out, stateful=False)
    return "same GPT-2, optimum-intel export with stateful=False (KV cache as inputs/outputs)"


@maker("llama_stateful", "optimum")
def llama_stateful(out: Path, src: Path) -> str:
    _optimum_export("llama", src, out, stateful=True)
    return ("Llama (2 layers, hidden 128, 4 heads, 2 KV heads, vocab 1024), random init from LlamaConfig; "
            "optimum-intel export, stateful, with openvino-tokenizers tokenizer/detokenizer")


@maker("llama_stateless", "optimum")
def llama_stateless(out: Path, src: Path) -> str:
    _optimum_export("llama", src, out, stateful=False)
    return "same Llama, optimum-intel export with stateful=False"


@maker("llama_int8", "optimum")
def llama_int8(out: Path, src: Path) -> str:
    from optimum.intel import OVWeightQuantizationConfig

    _optimum_export("llama", src, out, stateful=True, quantization_config=OVWeightQuantizationConfig(bits=8))
    return "same Llama, optimum-intel export with OVWeightQuantizationConfig(bits=8) (NNCF INT8 weights)"


@maker("llama_int4", "optimum")
def llama_int4(out: Path, src: Path) -> str:
    from optimum.intel import OVWeightQuantizationConfig

    config = OVWeightQuantizationConfig(bits=4, sym=False, group_size=32, ratio=1.0)
    _optimum_export("llama", src, out, stateful=True, quantization_config=config)
    return "same Llama, optimum-intel export, NNCF INT4 asymmetric group size 32 ratio 1.0 (backup layers INT8)"


@maker("llama_nncf_int4_sym", "nncf")
def llama_nncf_int4_sym(out: Path, src: Path) -> str:
    import nncf
    import openvino as ov

    base = _need(out.parent / "llama_stateful" / "openvino_model.xml", src, "llama_stateful")
    model = ov.Core().read_model(base)
    model = nncf.compress_weights(model, mode=nncf.CompressWeightsMode.INT4_SYM, group_size=64, ratio=0.8)
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(model, out / "openvino_model.xml")
    return "llama_stateful's IR compressed with nncf.compress_weights(INT4_SYM, group_size=64, ratio=0.8)"


@maker("llama_fp16", "")
def llama_fp16(out: Path, src: Path) -> str:
    import openvino as ov

    base = _need(out.parent / "llama_stateful" / "openvino_model.xml", src, "llama_stateful")
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov.Core().read_model(base), out / "openvino_model.xml", compress_to_fp16=True)
    return "llama_stateful's IR saved again with ov.save_model(..., compress_to_fp16=True)"


@maker("bert_mlm", "optimum")
def bert_mlm(out: Path, src: Path) -> str:
    _optimum_export("bert", src, out)
    return "BERT (2 layers, hidden 128, vocab 1024 WordPiece), random init from BertConfig; optimum-intel fill-mask"


@maker("tokenizers_gpt2", "tokenizers")
def tokenizers_gpt2(out: Path, src: Path) -> str:
    _convert_tokenizer(_hf_source("gpt2", src), out)
    return "openvino-tokenizers convert_tokenizer(with_detokenizer=True) of a byte-level BPE trained with tokenizers"


@maker("tokenizers_bert", "tokenizers")
def tokenizers_bert(out: Path, src: Path) -> str:
    _convert_tokenizer(_hf_source("bert", src), out)
    return "openvino-tokenizers convert_tokenizer of a WordPiece tokenizer trained with tokenizers (string input)"


def _ultralytics(yaml: str, out: Path, work: Path) -> None:
    from ultralytics import YOLO
    from ultralytics.utils import SETTINGS

    SETTINGS.update({"sync": False})
    _seed(0)
    work.mkdir(parents=True, exist_ok=True)
    model = YOLO(yaml)  # random weights, from the yaml shipped inside the package
    cwd = os.getcwd()
    os.chdir(work)
    try:
        exported = work / model.export(format="openvino", imgsz=320, half=False, dynamic=False)
    finally:
        os.chdir(cwd)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(exported, out)


@maker("yolov8n_detect", "ultralytics")
def yolov8n_detect(out: Path, src: Path) -> str:
    _ultralytics("yolov8n.yaml", out, src / "yolo_detect")
    return "ultralytics YOLO('yolov8n.yaml') (random weights, 80 classes), model.export(format='openvino', imgsz=320)"


@maker("yolov8n_seg", "ultralytics")
def yolov8n_seg(out: Path, src: Path) -> str:
    _ultralytics("yolov8n-seg.yaml", out, src / "yolo_seg")
    return "ultralytics YOLO('yolov8n-seg.yaml') (random weights), model.export(format='openvino', imgsz=320)"


@maker("yolov8n_pose", "ultralytics")
def yolov8n_pose(out: Path, src: Path) -> str:
    _ultralytics("yolov8n-pose.yaml", out, src / "yolo_pose")
    return "ultralytics YOLO('yolov8n-pose.yaml') (random weights), model.export(format='openvino', imgsz=320)"


def _timm(name: str, out: Path, size: int) -> None:
    import openvino as ov
    import timm
    import torch

    _seed(0)
    model = timm.create_model(name, pretrained=False).eval()
    ov_model = ov.convert_model(model, example_input=torch.randn(1, 3, size, size), input=[1, 3, size, size])
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov_model, out / f"{name}.xml")


@maker("timm_resnet18", "timm")
def timm_resnet18(out: Path, src: Path) -> str:
    _timm("resnet18", out, 224)
    return "timm.create_model('resnet18', pretrained=False) -> openvino.convert_model -> save_model (FP16 default)"


@maker("timm_mobilenetv3", "timm")
def timm_mobilenetv3(out: Path, src: Path) -> str:
    _timm("mobilenetv3_small_100", out, 224)
    return "timm mobilenetv3_small_100 (random), openvino.convert_model, static input [1,3,224,224]"


@maker("torchvision_deeplab", "timm")
def torchvision_deeplab(out: Path, src: Path) -> str:
    import openvino as ov
    import torch
    from torchvision.models.segmentation import lraspp_mobilenet_v3_large

    _seed(0)
    model = lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=21).eval()
    ov_model = ov.convert_model(model, example_input=torch.randn(1, 3, 256, 256))
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov_model, out / "lraspp.xml")
    return "torchvision lraspp_mobilenet_v3_large(weights=None) segmentation (dict output 'out'), convert_model"


def _onnx_lstm(out: Path) -> Path:
    import torch

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = torch.nn.Embedding(500, 32)
            self.lstm = torch.nn.LSTM(32, 48, num_layers=2, batch_first=True, bidirectional=True)
            self.head = torch.nn.Linear(96, 9)

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            y, _ = self.lstm(self.emb(tokens))
            return self.head(y).log_softmax(-1)

    _seed(0)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "lstm_tagger.onnx"
    torch.onnx.export(Tagger().eval(), (torch.randint(0, 500, (1, 12)),), str(path), dynamo=False,
                      input_names=["tokens"], output_names=["tag_log_probs"],
                      dynamic_axes={"tokens": {0: "batch", 1: "seq"}, "tag_log_probs": {0: "batch", 1: "seq"}},
                      opset_version=17)
    return path


@maker("onnx_lstm", "onnx")
def onnx_lstm(out: Path, src: Path) -> str:
    import openvino as ov

    path = _onnx_lstm(out)
    ov.save_model(ov.convert_model(path), out / "lstm_tagger.xml")
    return ("embedding + 2-layer bidirectional LSTM tagger: torch.onnx.export(dynamo=False, opset 17, dynamic "
            "batch/seq) -> openvino.convert_model(onnx) -> IR; the .onnx is kept beside it")


@maker("onnx_control_flow", "onnx")
def onnx_control_flow(out: Path, src: Path) -> str:
    """A scripted module with a data-dependent loop and branch, exported to ONNX (Loop/If with bodies)."""
    import openvino as ov
    import torch

    class Refiner(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.step = torch.nn.Linear(16, 16)
            self.alt = torch.nn.Linear(16, 16)

        def forward(self, x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
            for _ in range(int(steps)):
                x = torch.tanh(self.step(x))
            if bool(x.sum() > 0):
                x = self.alt(x)
            else:
                x = -x
            return x

    _seed(0)
    scripted = torch.jit.script(Refiner().eval())
    out.mkdir(parents=True, exist_ok=True)
    path = out / "refiner.onnx"
    torch.onnx.export(scripted, (torch.randn(2, 16), torch.tensor(3)), str(path), dynamo=False,
                      input_names=["x", "steps"], output_names=["y"], opset_version=17)
    ov.save_model(ov.convert_model(path), out / "refiner.xml")
    return ("torch.jit.script module with a data-dependent for-loop (steps, a rank-0 input) and if-branch, "
            "exported to ONNX (Loop/If with weights in the bodies) -> openvino.convert_model")


@maker("vad_like", "")
def vad_like(out: Path, src: Path) -> str:
    """A Silero-VAD-shaped model: audio chunk, recurrent state and a scalar sample rate choosing a branch."""
    import openvino as ov
    import torch

    class Branch(torch.nn.Module):
        def __init__(self, hop: int) -> None:
            super().__init__()
            self.stft = torch.nn.Conv1d(1, 64, kernel_size=hop * 2, stride=hop, bias=False)
            self.enc = torch.nn.Sequential(torch.nn.Conv1d(64, 64, 3, padding=1), torch.nn.ReLU(),
                                           torch.nn.Conv1d(64, 64, 3, padding=1), torch.nn.ReLU())
            self.gates = torch.nn.Linear(128, 256)  # an LSTM cell written out, as exporters see it
            self.out = torch.nn.Linear(64, 1)

        def forward(self, x: torch.Tensor, state: torch.Tensor) -> torch.Tensor:
            feats = self.enc(self.stft(x.unsqueeze(1))).mean(-1)
            i, f, g, o = self.gates(torch.cat([feats, state[0]], -1)).chunk(4, -1)
            c = torch.sigmoid(f) * state[1] + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            return torch.cat([torch.sigmoid(self.out(h)), h, c], -1)  # one tensor: the frontend's If takes no tuple

    class Vad(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.b16 = Branch(128)
            self.b8 = Branch(64)

        def forward(self, x: torch.Tensor, state: torch.Tensor, sr: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            if bool(sr == 16000):
                y = self.b16(x, state)
            else:
                y = self.b8(x, state)
            return y[:, :1], torch.stack([y[:, 1:65], y[:, 65:]])

    _seed(0)
    scripted = torch.jit.script(Vad().eval())
    example = (torch.randn(1, 512), torch.zeros(2, 1, 64), torch.tensor(16000))
    ov_model = ov.convert_model(scripted, example_input=example,
                                input=[([1, 512], ov.Type.f32), ([2, 1, 64], ov.Type.f32), ([], ov.Type.i64)])
    for port, name in zip(ov_model.inputs, ("input", "state", "sr"), strict=True):
        port.get_tensor().set_names({name})
    for port, name in zip(ov_model.outputs, ("output", "stateN"), strict=True):
        port.get_tensor().set_names({name})
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov_model, out / "vad_like.xml", compress_to_fp16=False)
    got = ov.compile_model(ov_model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})([a.numpy() for a in example])
    with torch.no_grad():
        want = scripted(*example)
    for i, w in enumerate(want):
        if not abs(got[i] - w.numpy()).max() < 1e-3:
            raise RuntimeError(f"OpenVINO's output {i} differs from torch's")
    return ("Silero-VAD-shaped torch.jit.script model: input [1,512], state [2,1,64], scalar sr (rank 0, i64) "
            "choosing between two branches (If with conv/LSTM weights in both bodies); openvino.convert_model")


@maker("gru_loop_ti", "")
def gru_loop_ti(out: Path, src: Path) -> str:
    """A GRU cell stepped over a dynamic-length sequence: a Loop whose body holds the weights."""
    import openvino as ov
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gates = torch.nn.Linear(60, 80)  # a GRU cell written out
            self.cand = torch.nn.Linear(60, 40)
            self.head = torch.nn.Linear(40, 5)

        def forward(self, seq: torch.Tensor) -> torch.Tensor:
            h = torch.zeros(seq.shape[0], 40)
            for t in range(seq.shape[1]):
                x = seq[:, t]
                z, r = torch.sigmoid(self.gates(torch.cat([x, h], -1))).chunk(2, -1)
                h = (1 - z) * h + z * torch.tanh(self.cand(torch.cat([x, r * h], -1)))
            return self.head(h)

    _seed(0)
    scripted = torch.jit.script(Net().eval())
    ov_model = ov.convert_model(scripted, example_input=torch.randn(1, 7, 20), input=[-1, -1, 20])
    out.mkdir(parents=True, exist_ok=True)
    ov.save_model(ov_model, out / "gru_loop.xml")
    return "torch.jit.script GRU cell (written out) stepped in a Python for-loop over a dynamic sequence -> Loop body"


def _need(path: Path, src: Path, name: str) -> Path:
    if not path.exists():
        fn, _ = MAKERS[name]
        fn(path.parent, src)
    return path


def summarize(folder: Path) -> dict:
    import openvino as ov

    core = ov.Core()
    files = {}
    for xml in sorted(folder.rglob("*.xml")):
        try:
            model = core.read_model(xml)
            ops = len(model.get_ordered_ops())
        except Exception as exc:  # noqa: BLE001 - the manifest records what OpenVINO says
            ops = f"read_model failed: {str(exc).splitlines()[0]}"
        size = xml.stat().st_size + (xml.with_suffix(".bin").stat().st_size if xml.with_suffix(".bin").exists() else 0)
        files[str(xml.relative_to(folder))] = {"ops": ops, "bytes": size}
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="corpus folder (outside the repository)")
    parser.add_argument("--only", default="", help="comma-separated model names (default: all)")
    args = parser.parse_args()
    out: Path = args.out.resolve()
    src = out / "_src"
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    names = [n for n in args.only.split(",") if n] or list(MAKERS)
    _torchvision_without_ops()
    for name in names:
        fn, _needs = MAKERS[name]
        target = out / name
        start = time.perf_counter()
        try:
            how = fn(target, src)
        except Exception as exc:  # noqa: BLE001 - one model failing must not stop the others
            traceback.print_exc()
            manifest[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
            print(f"{name}: FAILED {manifest[name]['error']}", flush=True)
        else:
            manifest[name] = {"how": how, "seconds": round(time.perf_counter() - start, 1),
                              "files": summarize(target)}
            print(f"{name}: {manifest[name]['seconds']} s {manifest[name]['files']}", flush=True)
        manifest_path.write_text(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
