"""Sweep the new features (vision answers, language models, comparison) over a corpus of real-world models.

For every ``.xml`` (and ``.onnx``) under the given folders, in a child process per model with a deadline:

* **vision**: the task suggested from rt_info or the graph (checked against the expected task of known corpus
  models), and, where the model has a picture input and a task, Model API's answer on a photo (skimage.data);
* **text**: export-folder recognition (a language model must be recognised, a CNN must not), the summary rows,
  tokenization, one next-token step and 4 greedy tokens (fill-mask top-k for an encoder);
* **compare**: the model against itself, against an FP16-compressed copy (both must match 100 % of the layers)
  and against an NNCF INT8 weight-compressed copy (matched share, status counts, outputs compared);
* **CLI**: ``ovexplorer run MODEL --task auto --input photo.png --json``, ``run FOLDER --prompt ... --json`` and
  ``compare A B --json`` exit 0, or 2 with a one-line message; never a traceback.

Prints a table (model, feature, outcome, seconds) and the problems::

    python benchmarks/feature_sweep.py /work/corpus tests/data resources/samples [--only NAME] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

SKIP_DIRS = {"_src", "shots", "shots2", "shots3", "shots_tok", "sweep_tok", ".venv", "_sweep"}
SUFFIXES = (".xml", ".onnx")
DEADLINE = 420  # seconds per model (all features)
CLI_DEADLINE = 180
PROMPT = "The quick brown fox"
#: Corpus folder -> the task a user expects suggested (None: Model API has no wrapper: Ultralytics pose).
EXPECTED_TASK = {
    "yolov8n_detect": "detection", "yolov8n_seg": "instance-segmentation", "yolov8n_pose": None,
    "timm_resnet18": "classification", "timm_mobilenetv3": "classification", "torchvision_deeplab": "segmentation",
}
NO_TASK = {"gpt2_stateful", "gpt2_stateless", "llama_stateful", "llama_stateless", "llama_int8", "llama_int4",
           "llama_nncf_int4_sym", "llama_fp16", "bert_mlm", "tokenizers_gpt2", "tokenizers_bert", "onnx_lstm",
           "gru_loop_ti", "onnx_control_flow", "vad_like"}
TEXT_FOLDERS = {"gpt2_stateful", "gpt2_stateless", "llama_stateful", "llama_stateless", "llama_int8", "llama_int4",
                "bert_mlm"}


# ------------------------------------------------------------------------------------------------- the child
def _emit(feature: str, outcome: str, seconds: float, problem: str = "") -> None:
    print("@@" + json.dumps({"feature": feature, "outcome": outcome, "seconds": round(seconds, 2),
                             "problem": problem}), flush=True)


def _start(feature: str) -> None:
    print("@@" + json.dumps({"start": feature}), flush=True)


def _photo(path: Path) -> Path:
    import numpy as np
    from skimage import data
    from skimage.io import imsave

    if not path.exists():
        imsave(path, np.ascontiguousarray(data.astronaut()), check_contrast=False)
    return path


def _picture_input(model: Any) -> bool:
    from ovexplorer.core.run.ports import model_inputs

    specs = model_inputs(model)
    if len(specs) != 1:
        return False
    ps = model.inputs[0].get_partial_shape()
    if ps.rank.is_dynamic or ps.rank.get_length() != 4:
        return False
    c1, c3 = ps[1], ps[3]
    return (c1.is_static and c1.get_length() in (1, 3)) or (c3.is_static and c3.get_length() in (1, 3))


def _check_vision(path: Path, folder: str, photo: Path) -> None:
    import numpy as np
    from skimage.io import imread

    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.vision.answer import VisionModel
    from ovexplorer.core.vision.config import config_for
    from ovexplorer.core.vision.model_api import VisionError
    from ovexplorer.core.vision.tasks import guess_task

    _start("vision task")
    t = time.perf_counter()
    doc = open_model(path)
    guess = guess_task(doc.model)
    got = guess.task if guess else None
    problem = ""
    if folder in EXPECTED_TASK and got != EXPECTED_TASK[folder]:
        problem = f"suggested {got}, expected {EXPECTED_TASK[folder]}"
    elif folder in NO_TASK and got is not None:
        problem = f"suggested {got} for a model that is not a vision model"
    _emit("vision task", f"{got} ({guess.wrapper}: {guess.reason})" if guess else "no task", time.perf_counter() - t,
          problem)
    if guess is None or not _picture_input(doc.model):
        return
    _start("vision answer")
    t = time.perf_counter()
    try:
        config = config_for(doc.model, guess)
        vm = VisionModel(doc.model, config)
        _, answer = vm.answer(np.asarray(imread(photo)), config.confidence)
        _emit("vision answer", f"{answer.task}: {answer.summary(answer.floor)}"[:110], time.perf_counter() - t)
    except VisionError as exc:
        line = exc.message
        bad = "\n" in line or bool(EXPECTED_TASK.get(folder))
        _emit("vision answer", f"refused: {line}"[:110], time.perf_counter() - t,
              f"refused on a model of the task it suggested: {line}" if bad else "")


def _check_text(path: Path, folder: str) -> None:
    from ovexplorer.core.text.sampling import SamplingConfig
    from ovexplorer.core.text.text_state import open_text_model

    _start("text open")
    t = time.perf_counter()
    text = open_text_model(path)
    if text is None:
        problem = "a language-model export not recognised" if folder in TEXT_FOLDERS and path.name == \
            "openvino_model.xml" else ""
        _emit("text open", "not a language model", time.perf_counter() - t, problem)
        return
    rows = dict(text.arch.rows())
    outcome = f"{text.kind}; {rows['Layers']} layers, vocab {rows['Vocabulary']}, {rows['KV cache'][:40]}; " \
              f"compression {rows['Weight compression'][:30]}"
    problem = ""
    if folder not in TEXT_FOLDERS and folder not in ("text",) and "text" not in path.parts:
        problem = "recognised as a language model"
    if path.name in ("openvino_tokenizer.xml", "openvino_detokenizer.xml"):
        problem = "a tokenizer IR recognised as a language model"
    _emit("text open", outcome, time.perf_counter() - t, problem)
    if text.tokenizer is None:
        return
    _start("text tokens")
    t = time.perf_counter()
    tokens = text.tokenize(PROMPT)
    _emit("text tokens", f"{len(tokens)} tokens: {list(tokens.ids)[:8]}", time.perf_counter() - t,
          "" if len(tokens) else "the prompt gave no tokens")
    if text.is_decoder:
        _start("text next token")
        t = time.perf_counter()
        nxt = text.next_token(tokens, 5)
        ok = 0 < sum(nxt.probs) <= 1.0001
        _emit("text next token", f"top {list(zip(nxt.pieces, [round(p, 3) for p in nxt.probs], strict=True))[:3]}",
              time.perf_counter() - t, "" if ok and len(nxt.ids) == 5 else "no top-5")
        _start("text greedy 4")
        t = time.perf_counter()
        result = text.generate(tokens, 4, SamplingConfig(greedy=True))
        problem = "" if len(result.tokens) == 4 or result.reason == "eos" else f"{len(result.tokens)} tokens"
        if result.tokens and nxt.ids and result.tokens[0] != nxt.ids[0]:
            problem = f"greedy first token {result.tokens[0]} is not the next-token top-1 {nxt.ids[0]}"
        _emit("text greedy 4", f"{result.tokens} {result.text!r} ({result.reason})", time.perf_counter() - t, problem)
    else:
        _start("text encoder")
        t = time.perf_counter()
        enc = text.encoder
        outs = enc.run(tokens)
        _emit("text encoder", "outputs " + ", ".join(f"{k} {list(v.shape)}" for k, v in outs.items())[:100],
              time.perf_counter() - t)


def _summary(comparison: Any) -> dict[str, Any]:
    return comparison.summary()


def _check_compare(path: Path, folder: str, tmp: Path) -> None:
    import openvino as ov

    from ovexplorer.core.compare.optimize import OptimizeRequest, nncf_missing, optimize_model
    from ovexplorer.core.compare.pair import open_pair, run_both
    from ovexplorer.core.model.document import shared_core

    def one(feature: str, other: Path, must_be_full: bool, run: bool = True) -> None:
        _start(feature)
        t = time.perf_counter()
        doc_a, doc_b, comparison = open_pair(path, other)
        s = _summary(comparison)
        counts = ", ".join(f"{n} {k}" for k, n in s["counts"].items() if n)
        problem = ""
        if must_be_full and s["matched_share"] < 1.0:
            problem = f"matched {s['matched_share']:.1%}, must be 100 %"
        if feature == "compare self" and any(n for k, n in s["counts"].items() if k != "identical"):
            problem = (problem + "; " if problem else "") + f"not all identical against itself: {counts}"
        outcome = f"{s['matched_share']:.1%} matched; {counts}"
        if run:
            outs, _, _notes = run_both(doc_a, doc_b, comparison, layers=False)
            worst = min((o.metrics.cosine for o in outs if o.metrics is not None and o.metrics.cosine is not None),
                        default=None)
            outcome += f"; outputs {len(outs)}, min cosine {worst if worst is None else round(worst, 5)}"
            if feature == "compare self" and worst is not None and worst < 0.99999:
                problem = (problem + "; " if problem else "") + f"outputs differ against itself (cosine {worst})"
        _emit(feature, outcome, time.perf_counter() - t, problem)

    one("compare self", path, True)
    if path.suffix != ".xml":
        return
    fp16 = tmp / "fp16" / path.name
    fp16.parent.mkdir(exist_ok=True)
    _start("compare fp16")
    t0 = time.perf_counter()
    ov.save_model(shared_core().read_model(str(path)), str(fp16), compress_to_fp16=True)
    _emit("make fp16", str(fp16.name), time.perf_counter() - t0)
    one("compare fp16", fp16, True)
    if nncf_missing():
        _emit("compare int8", "NNCF missing", 0.0, nncf_missing() or "")
        return
    int8 = tmp / "int8" / path.name
    int8.parent.mkdir(exist_ok=True)
    _start("make int8")
    t0 = time.perf_counter()
    optimize_model(OptimizeRequest(str(path), str(int8), weights="int8"))
    _emit("make int8", "NNCF INT8 weights", time.perf_counter() - t0)
    one("compare int8", int8, False)


def child(path: Path, folder: str, photo: Path, features: set[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="fsweep_") as tmp:
        for name, fn in (("vision", lambda: _check_vision(path, folder, photo)),
                         ("text", lambda: _check_text(path, folder)),
                         ("compare", lambda: _check_compare(path, folder, Path(tmp)))):
            if name not in features:
                continue
            t = time.perf_counter()
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - a sweep reports everything
                from ovexplorer.core.util.errors import OvexplorerError

                clear = isinstance(exc, OvexplorerError) and "\n" not in exc.message
                msg = exc.message if isinstance(exc, OvexplorerError) else f"{type(exc).__name__}: {exc}"
                expected_refusal = clear and name == "text" and folder not in TEXT_FOLDERS
                _emit(f"{name} error", msg.splitlines()[0][:110] if msg else type(exc).__name__,
                      time.perf_counter() - t, "" if expected_refusal else
                      (msg if clear else traceback.format_exc()[-1500:]))


# ------------------------------------------------------------------------------------------------ the parent
def _folder(path: Path, roots: list[Path]) -> str:
    for root in roots:
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        return rel.parts[0] if len(rel.parts) > 1 else path.stem
    return path.parent.name


def _models(roots: list[Path], only: str | None) -> list[Path]:
    found = []
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.suffix.lower() in SUFFIXES and not (set(p.relative_to(root).parts) & SKIP_DIRS) and p.is_file():
                if p.suffix == ".onnx" and p.with_suffix(".xml").exists():
                    continue
                if only and only not in str(p):
                    continue
                found.append(p)
    return found


def _cli(args: list[str], timeout: int = CLI_DEADLINE) -> tuple[str, float, str]:
    t = time.perf_counter()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        r = subprocess.run([sys.executable, "-m", "ovexplorer", *args], capture_output=True, text=True,
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t, f"no answer in {timeout} s"
    seconds = time.perf_counter() - t
    err = r.stderr.strip()
    if "Traceback" in err:
        return f"exit {r.returncode}, traceback", seconds, err[-1200:]
    if r.returncode == 0:
        try:
            json.loads(r.stdout)
        except json.JSONDecodeError:
            return "exit 0, not JSON", seconds, r.stdout[:300]
        return "exit 0", seconds, ""
    lines = [ln for ln in err.splitlines() if ln.strip() and "warning" not in ln.lower()]
    if r.returncode == 2 and len(lines) == 1:
        return f"exit 2: {lines[0][:100]}", seconds, ""
    return f"exit {r.returncode}", seconds, err[-600:] or "no message"


def _run_child(path: Path, folder: str, photo: Path, features: set[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cmd = [sys.executable, __file__, "--child", str(path), "--folder", folder, "--photo", str(photo),
           "--features", ",".join(sorted(features))]
    started = ""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    for line in out.splitlines():
        if not line.startswith("@@"):
            continue
        rec = json.loads(line[2:])
        if "start" in rec:
            started = rec["start"]
            continue
        started = ""
        rows.append(rec)
    if proc.returncode != 0:
        what = f"{started}: " if started else ""
        if proc.returncode < 0 or proc.returncode == -9:
            rows.append({"feature": started or "child", "outcome": "timeout" if time.perf_counter() - t >= DEADLINE
                         else f"killed ({proc.returncode})", "seconds": round(time.perf_counter() - t, 1),
                         "problem": f"{what}no answer within {DEADLINE} s" if time.perf_counter() - t >= DEADLINE
                         else f"{what}the process died ({proc.returncode}): {err[-600:]}"})
        else:
            rows.append({"feature": started or "child", "outcome": f"exit {proc.returncode}",
                         "seconds": round(time.perf_counter() - t, 1), "problem": err[-1200:]})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", default=["/work/corpus", "tests/data", "resources/samples"])
    ap.add_argument("--only", help="only models whose path contains this text")
    ap.add_argument("--json", help="write every row as JSON here")
    ap.add_argument("--features", default="vision,text,compare,cli", help="comma-separated subset")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    ap.add_argument("--photo", help=argparse.SUPPRESS)
    args = ap.parse_args()
    features = set(args.features.split(","))
    if args.child:
        try:
            import openvino_tokenizers  # noqa: F401 - registers the tokenizer ops, as a user's app would
        except ImportError:
            pass
        child(Path(args.child), args.folder, Path(args.photo), features)
        return 0
    roots = [Path(f).resolve() for f in args.folders]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="fsweep_") as tmp:
        photo = _photo(Path(tmp) / "astronaut.png")
        for path in _models(roots, args.only):
            folder = _folder(path, roots)
            name = f"{folder}/{path.name}" if folder != path.stem else path.name
            got = _run_child(path, folder, photo, features)
            if "cli" in features:
                outcome, sec, problem = _cli(["run", str(path), "--task", "auto", "--input", str(photo), "--json"])
                if EXPECTED_TASK.get(folder) and not outcome.startswith("exit 0") and not problem:
                    problem = f"the CLI gave no answer for a {EXPECTED_TASK[folder]} model: {outcome}"
                got.append({"feature": "cli run --task auto", "outcome": outcome, "seconds": round(sec, 2),
                            "problem": problem})
                if path.name == "openvino_model.xml" or folder in TEXT_FOLDERS:
                    outcome, sec, problem = _cli(["run", str(path.parent), "--prompt", PROMPT, "--max-new-tokens",
                                                  "4", "--json"])
                    got.append({"feature": "cli run --prompt", "outcome": outcome, "seconds": round(sec, 2),
                                "problem": problem})
                outcome, sec, problem = _cli(["compare", str(path), str(path), "--json"])
                got.append({"feature": "cli compare self", "outcome": outcome, "seconds": round(sec, 2),
                            "problem": problem})
            for row in got:
                row["model"] = name
                print(f"{name:<44} {row['feature']:<20} {row['seconds']:>7.1f}s  {row['outcome'][:100]}", flush=True)
            rows += got
    problems = [r for r in rows if r["problem"]]
    print(f"\nmodels: {len({r['model'] for r in rows})}, rows: {len(rows)}, problems: {len(problems)}")
    for r in problems:
        print(f"PROBLEM {r['model']} [{r['feature']}]: {r['problem'].strip()}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
