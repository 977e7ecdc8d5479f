"""Sweep ovexplorer over a corpus of real-world models, with OpenVINO as the oracle.

For every ``.xml`` (and ``.onnx``) under the given folders:

* the oracle (OpenVINO alone, in a child process run by ``--oracle-python``, which may be an environment with
  openvino-tokenizers so that tokenizer IRs read) reads the model, lists its inputs and outputs (names, shapes,
  types), counts its ops (top level, and with bodies), makes seeded inputs that fit (``.npy`` files) and runs one
  inference on CPU;
* ovexplorer, in this process: ``open_model``, ``summarize``, ``layout_graph`` and the weight statistics;
* ``ovexplorer info --json``, ``ovexplorer stats --json`` and ``ovexplorer run --input NAME=FILE.npy ...
  --save-outputs DIR --json`` in subprocesses of this interpreter (the project's environment);
* for a stateful model: the same inputs run twice in one ovexplorer session (Run pressed twice) must answer the same;
* with ``--shots DIR``: the main window offscreen in a child process (load, Graph, Summary, Weights, Run with its own
  random inputs), a PNG of each tab: ``DIR/<name>.png``, ``<name>_summary.png``, ``<name>_weights.png``,
  ``<name>_run.png``.

Everything ovexplorer says is compared with the oracle: opens or not, input/output names and shapes, op count,
and the run's outputs against OpenVINO's own on the same inputs. One line per model, then one line per problem::

    python benchmarks/corpus_sweep.py /work/corpus --oracle-python /work/corpus/.venv/bin/python \\
        --shots /work/corpus/shots [--only NAME] [--json report.json]
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

import numpy as np

SKIP_DIRS = {"_src", "shots", ".venv", "_sweep"}
SUFFIXES = (".xml", ".onnx")
TIMEOUT = 300
#: Modules imported before ovexplorer in every check (``--preload``): e.g. openvino_tokenizers, whose import
#: registers the tokenizer operations with OpenVINO, as a user's application would.
PRELOAD: list[str] = []


# --------------------------------------------------------------------------------------------- the oracle (child)
def _feed_shape(name: str, ps: Any, past: int, seq: int) -> list[int]:
    """A concrete shape for an input: static dims kept, dynamic ones chosen from the input's role."""
    dims = []
    for axis, d in enumerate(ps):
        if d.is_static:
            dims.append(d.get_length())
        elif axis == 0 and (len(ps) > 1 or "beam" in name):
            dims.append(1)  # batch
        elif "past_key_values" in name or name.startswith("past"):
            dims.append(past)
        elif "attention_mask" in name:
            dims.append(past + seq)
        else:
            dims.append(seq)
    return dims


def _feed(name: str, port: Any, rng: np.random.Generator, past: int, seq: int) -> np.ndarray:
    """Seeded data that a model of the corpus accepts for this input."""
    et = port.get_element_type()
    ps = port.get_partial_shape()
    shape = _feed_shape(name, ps, past, seq)
    type_name = et.get_type_name()
    if type_name == "string":
        texts = ["Return a new path with the stem changed.", "The logging module defines functions."]
        return np.array((texts * shape[0])[: shape[0]] if shape else texts[0])
    lowered = name.lower()
    if type_name in ("f32", "f16", "bf16", "f64"):
        return rng.standard_normal(shape).astype(np.float32 if type_name != "f64" else np.float64)
    if type_name == "boolean":
        return rng.integers(0, 2, shape).astype(bool)
    dtype = np.dtype(et.to_dtype())
    if "mask" in lowered:
        return np.ones(shape, dtype)
    if "position" in lowered:
        return np.broadcast_to(np.arange(past, past + shape[-1]), shape).astype(dtype)
    if "beam" in lowered or "token_type" in lowered:
        return np.zeros(shape, dtype)
    if not shape:  # a scalar: a sample rate, a count of steps
        return np.array(16000 if lowered in ("sr", "sample_rate") else 3, dtype)
    return rng.integers(0, 100, shape).astype(dtype)


def _port_record(port: Any, index: int) -> dict[str, Any]:
    names = sorted(port.get_names())
    return {"index": index, "names": names, "any_name": port.get_any_name() if names else "",
            "shape": port.get_partial_shape().to_string(), "type": port.get_element_type().get_type_name()}


def _count_ops(model: Any) -> tuple[int, int, int, int, int]:
    """(top-level ops, ops with every body's, number of bodies, constant bytes at top level, with bodies)."""
    top = list(model.get_ordered_ops())
    total, bodies, stack = 0, 0, [top]
    const_bytes = [0, 0]
    first = True
    while stack:
        ops = stack.pop()
        total += len(ops)
        for op in ops:
            if op.get_type_name() == "Constant":
                size = op.get_byte_size()
                const_bytes[1] += size
                if first:
                    const_bytes[0] += size
            for getter in ("get_function", "get_then_body", "get_else_body"):
                fn = getattr(op, getter, None)
                if fn is None:
                    continue
                try:
                    body = fn()
                except (RuntimeError, TypeError):
                    continue
                if body is not None and hasattr(body, "get_ordered_ops"):
                    bodies += 1
                    stack.append(list(body.get_ordered_ops()))
        first = False
    return len(top), total, bodies, const_bytes[0], const_bytes[1]


def oracle(paths: list[str], work: Path) -> dict[str, Any]:
    """What OpenVINO says of each model; inputs and outputs saved as ``.npy`` under ``work``."""
    import openvino as ov

    extension = ""
    try:
        import openvino_tokenizers  # noqa: F401 - registers the tokenizer operations

        extension = "openvino_tokenizers"
    except ImportError:
        pass
    core = ov.Core()
    results: dict[str, Any] = {"_env": {"openvino": ov.get_version(), "extension": extension}}
    for key, path in enumerate(paths):
        out: dict[str, Any] = {}
        results[path] = out
        try:
            start = time.perf_counter()
            model = core.read_model(path)
            out["read_seconds"] = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001 - the oracle reports what OpenVINO says
            out["read_error"] = str(exc)
            continue
        out["inputs"] = [_port_record(p, i) for i, p in enumerate(model.inputs)]
        out["outputs"] = [_port_record(p, i) for i, p in enumerate(model.outputs)]
        counts = _count_ops(model)
        for field, value in zip(("ops_top", "ops_all", "bodies", "const_bytes_top", "const_bytes_all"), counts,
                              strict=True):
            out[field] = value
        out["stateful"] = bool(model.get_sinks())
        folder = work / f"m{key}"
        folder.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        names = [p.get_any_name() if p.get_names() else f"input{i}" for i, p in enumerate(model.inputs)]
        past = 3 if any("past_key_values" in n for n in names) else 0
        feeds = [_feed(n, p, rng, past, 8) for n, p in zip(names, model.inputs, strict=True)]
        out["feeds"] = []
        for i, (name, array) in enumerate(zip(names, feeds, strict=True)):
            file = folder / f"in{i}.npy"
            np.save(file, array)
            out["feeds"].append({"name": name, "file": str(file), "shape": list(array.shape),
                                 "dtype": str(array.dtype)})
        try:
            compiled = core.compile_model(model, "CPU")
            request = compiled.create_infer_request()
            request.infer({i: a for i, a in enumerate(feeds)})
            out["results"] = []
            for i, port in enumerate(compiled.outputs):
                value = request.get_tensor(port)
                array = value.str_data if port.get_element_type().get_type_name() == "string" else value.data
                file = folder / f"out{i}.npy"
                np.save(file, np.array(array))
                out["results"].append(str(file))
        except Exception as exc:  # noqa: BLE001
            out["infer_error"] = str(exc)
    return results


# --------------------------------------------------------------------------------------------- ovexplorer
def _shape(text: str) -> str:
    return text.replace(" ", "")


def _cli(args: list[str]) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    code = "".join(f"import {m}; " for m in PRELOAD) + "import sys; from ovexplorer.cli import main; " \
        "sys.exit(main(sys.argv[1:]))"
    try:
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                              timeout=TIMEOUT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    except subprocess.TimeoutExpired:
        return -1, "", f"timed out after {TIMEOUT} s", TIMEOUT
    return proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _compare_ports(kind: str, mine: list[dict[str, Any]], ov_ports: list[dict[str, Any]], problems: list[str]) -> None:
    if len(mine) != len(ov_ports):
        problems.append(f"{kind}: {len(mine)} in ovexplorer's summary, OpenVINO has {len(ov_ports)}")
        return
    for m, o in zip(mine, ov_ports, strict=True):
        shown = m["name"]
        if o["names"] and shown not in o["names"]:
            problems.append(f"{kind} {o['index']}: summary calls it {shown!r}, OpenVINO's names are {o['names']}")
        if _shape(m["shape"]) != _shape(o["shape"]):
            problems.append(f"{kind} {shown}: summary shape {m['shape']}, OpenVINO {o['shape']}")
        if m["element_type"] != o["type"]:
            problems.append(f"{kind} {shown}: summary type {m['element_type']}, OpenVINO {o['type']}")


def _compare_outputs(report: dict[str, Any], ref: dict[str, Any], problems: list[str]) -> str:
    """Compare ``ovexplorer run``'s saved outputs with the oracle's, in port order; return a short verdict."""
    outs = list(report.get("outputs", {}).items())
    files = ref.get("results", [])
    if len(outs) != len(files):
        problems.append(f"run: {len(outs)} outputs, OpenVINO {len(files)}")
        return "count differs"
    worst = 0.0
    for i, ((name, entry), file) in enumerate(zip(outs, files, strict=True)):
        want = np.load(file, allow_pickle=False)
        names = ref["outputs"][i]["names"]
        if names and name not in names:
            problems.append(f"run: output {i} is called {name!r}, OpenVINO's names are {names}")
        if "saved" not in entry:
            problems.append(f"run: output {name} was not saved")
            continue
        got = np.load(entry["saved"], allow_pickle=False)
        if got.shape != want.shape:
            problems.append(f"run: output {name} shape {got.shape}, OpenVINO {want.shape}")
            continue
        if want.dtype.kind in "US":
            if not np.array_equal(got.astype(str), want.astype(str)):
                problems.append(f"run: output {name} strings differ: {got.ravel()[:2]} vs {want.ravel()[:2]}")
            continue
        if got.dtype != want.dtype:
            problems.append(f"run: output {name} dtype {got.dtype}, OpenVINO {want.dtype}")
        diff = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if want.size else 0.0
        if not np.allclose(got, want, rtol=1e-3, atol=1e-4, equal_nan=True):
            problems.append(f"run: output {name} differs from OpenVINO's, max abs diff {diff:.3g}")
        worst = max(worst, diff)
    return f"max|diff| {worst:.3g}"


def _check_state_reset(doc: Any, ref: dict[str, Any], problems: list[str]) -> None:
    """A stateful model run twice on the same inputs in one session (Run pressed twice) must answer the same."""
    from ovexplorer.core.run.session import CompileOptions, compile_session

    feeds = {f["name"]: np.load(f["file"], allow_pickle=False) for f in ref["feeds"]}
    try:
        session = compile_session(doc.model, CompileOptions(device="CPU"), {k: a.shape for k, a in feeds.items()})
        first = session.infer(feeds).outputs
        second = session.infer(feeds).outputs
    except Exception as exc:  # noqa: BLE001
        problems.append(f"stateful: running twice in one session failed: {type(exc).__name__}: {exc}")
        return
    for name, a in first.items():
        if a.dtype.kind == "f" and not np.array_equal(a, second[name]):
            diff = float(np.max(np.abs(a - second[name])))
            problems.append(f"stateful: the same inputs run twice in one session give output {name} differing by "
                            f"{diff:.3g} (the state is carried over, not reset)")
            break


def sweep_one(path: Path, ref: dict[str, Any], work: Path) -> tuple[str, list[str], dict[str, Any]]:
    """Check one model; return its line, its problems and figures."""
    from ovexplorer.core.layout.graph_layout import layout_graph
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.model.summary import summarize
    from ovexplorer.core.util.errors import OvexplorerError
    from ovexplorer.core.weights.statistics import compute_weight_stats

    problems: list[str] = []
    figures: dict[str, Any] = {}
    parts: list[str] = []
    ov_ok = "read_error" not in ref
    parts.append(f"OpenVINO {'reads' if ov_ok else 'refuses'}" + (f" ({ref['ops_top']} ops, {ref['ops_all']} with "
                                                                     f"{ref['bodies']} bodies)" if ov_ok else ""))
    # in process: open, summary, layout, weights
    doc = None
    try:
        start = time.perf_counter()
        doc = open_model(path)
        figures["open_s"] = time.perf_counter() - start
        parts.append(f"opens {figures['open_s']:.2f} s")
        if not ov_ok:
            problems.append(f"open_model: opens it, OpenVINO refuses it: {_last_line(ref['read_error'])}")
    except OvexplorerError as exc:
        parts.append("refused")
        if ov_ok:
            problems.append(f"open_model: refused ({exc.message}), OpenVINO reads it")
        else:
            figures["refusal"] = exc.message
    except Exception as exc:  # noqa: BLE001 - an unexpected exception is itself a finding
        problems.append(f"open_model: crashed with {type(exc).__name__}: {exc}")
    if doc is not None and ov_ok:
        try:
            s = summarize(doc)
            figures["summary"] = {"ops": s.op_count, "parameters": s.parameter_count,
                                  "weight_bytes": s.total_weight_bytes, "subgraphs": s.subgraph_count}
            parts.append(f"summary {s.op_count} ops, {s.parameter_count} params")
            if s.op_count not in (ref["ops_top"], ref["ops_all"]):
                problems.append(f"summary: {s.op_count} ops, OpenVINO {ref['ops_top']} ({ref['ops_all']} with bodies)")
            if ref["const_bytes_all"] > 2 * max(ref["const_bytes_top"], 1) and s.total_weight_bytes < ref[
                    "const_bytes_all"] / 2:
                problems.append(f"summary: {s.total_weight_bytes} weight bytes, {s.parameter_count} parameters; the "
                                f"constants in its {ref['bodies']} bodies hold {ref['const_bytes_all']} bytes")
            d = s.to_dict()
            _compare_ports("input", d["inputs"], ref["inputs"], problems)
            _compare_ports("output", d["outputs"], ref["outputs"], problems)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"summarize: {type(exc).__name__}: {exc}")
        try:
            start = time.perf_counter()
            lay = layout_graph(doc.graph)
            figures["layout_s"] = time.perf_counter() - start
            parts.append(f"layout {figures['layout_s']:.2f} s")
            del lay
        except Exception as exc:  # noqa: BLE001
            problems.append(f"layout_graph: {type(exc).__name__}: {exc}")
        try:
            start = time.perf_counter()
            rows = compute_weight_stats(doc, helpers=False)
            figures["stats_s"] = time.perf_counter() - start
            figures["constants"] = len(rows)
            parts.append(f"weights {len(rows)} consts {figures['stats_s']:.2f} s")
            nan = [r.name for r in rows if "NaN" in " ".join(r.flags)]
            if nan:
                problems.append(f"weight stats: NaN flagged on {len(nan)} constants, e.g. {nan[0]}")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"weight stats: {type(exc).__name__}: {exc}")
    if doc is not None and ov_ok and ref.get("stateful") and "feeds" in ref and "infer_error" not in ref:
        _check_state_reset(doc, ref, problems)
    if doc is not None:
        doc.close()

    # the command line
    code, out, err, secs = _cli(["info", "--json", str(path)])
    if ov_ok and code != 0:
        problems.append(f"ovexplorer info --json: exit {code}: {_last_line(err)}")
    elif code == 0:
        try:
            json.loads(out)
            parts.append("info")
        except ValueError:
            problems.append("ovexplorer info --json: not JSON")
    code, out, err, secs = _cli(["stats", "--json", str(path)])
    if ov_ok and code != 0:
        problems.append(f"ovexplorer stats --json: exit {code}: {_last_line(err)}")
    elif code == 0:
        try:
            json.loads(out)
            parts.append("stats")
        except ValueError:
            problems.append("ovexplorer stats --json: not JSON")
    if ov_ok and "feeds" in ref:
        saved = work / "ovx_out"
        args = ["run", str(path), "--json", "--save-outputs", str(saved)]
        for feed in ref["feeds"]:
            args += ["--input", f"{feed['name']}={feed['file']}"]
        code, out, err, secs = _cli(args)
        figures["run_s"] = secs
        if "infer_error" in ref:
            parts.append("run: OpenVINO cannot infer it either" if code else "run")
            if code == 0:
                problems.append(f"run: ovexplorer ran it, OpenVINO's inference fails: {_last_line(ref['infer_error'])}")
            else:
                figures["run_refusal"] = _last_line(err)
        elif code != 0:
            problems.append(f"ovexplorer run ({' '.join(a for a in args[5:] if a != '--input')}): exit {code}: "
                            f"{_last_line(err)}")
        else:
            try:
                verdict = _compare_outputs(json.loads(out), ref, problems)
                parts.append(f"run {verdict}")
            except ValueError:
                problems.append("ovexplorer run --json: not JSON")
    return ", ".join(parts), problems, figures


# --------------------------------------------------------------------------------------------- the window (child)
def window_shots(model: Path, prefix: Path) -> dict[str, Any]:
    """Open ``model`` in the main window offscreen; visit Graph, Weights and Run (and run); save a PNG of each."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from ovexplorer.ui.shell.app import make_application
    from ovexplorer.ui.shell.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    said: dict[str, Any] = {}

    def wait(signals: list, seconds: float) -> bool:
        loop = QEventLoop()
        fired = []
        for sig in signals:
            sig.connect(lambda *_a: (fired.append(1), loop.quit()))
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
        app.processEvents()
        return bool(fired)

    failed: list[str] = []
    window.load_failed.connect(lambda exc: failed.append(str(getattr(exc, "message", exc))))
    window.open_path(model)
    if not wait([window.document_changed, window.load_failed], 120):
        said["load"] = "no answer in 120 s"
    if failed:
        said["load"] = failed[0]
    graph = getattr(window, "graph_panel", None)
    if graph is not None and window.document is not None:
        window.show_panel(graph)
        if graph.layout_data is None:
            wait([graph.layout_ready], 60)
        wait([], 0.5)
    window.grab().save(str(prefix.with_name(prefix.name + ".png")))
    if window.document is not None:
        summary = getattr(window, "summary_panel", None)
        if summary is not None:
            window.show_panel(summary)
            wait([], 0.3)
            window.grab().save(str(prefix.with_name(prefix.name + "_summary.png")))
        window.show_panel(window.weights_panel)
        wait([window.weights_panel.stats_finished], 60)
        window.grab().save(str(prefix.with_name(prefix.name + "_weights.png")))
        panel = window.run_panel
        window.show_panel(panel)
        wait([], 0.3)
        errors: list[str] = []
        panel.failed.connect(errors.append)
        task = panel.run()
        if task is None:
            said["run"] = "Run did not start: " + panel.status_label.text()
        elif not wait([panel.ran, panel.failed], 120):
            said["run"] = "no answer in 120 s"
        if errors:
            said["run"] = errors[0]
        wait([], 0.5)
        window.grab().save(str(prefix.with_name(prefix.name + "_run.png")))
    said["title"] = window.windowTitle()
    window.close()
    return said


# --------------------------------------------------------------------------------------------- main
def find_models(folders: list[Path], only: str) -> list[Path]:
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in SUFFIXES and not (SKIP_DIRS & set(path.relative_to(folder).parts)):
                if only in str(path.relative_to(folder)):
                    found.append(path)
    return found


def short_name(path: Path, folders: list[Path]) -> str:
    for folder in folders:
        if path.is_relative_to(folder):
            rel = path.relative_to(folder)
            suffix = "" if path.suffix == ".xml" else "_" + path.suffix[1:]
            return "__".join(rel.with_suffix("").parts) + suffix
    return path.stem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="corpus folders")
    parser.add_argument("--oracle-python", default=sys.executable,
                        help="the Python that runs OpenVINO as the oracle (one with openvino-tokenizers reads "
                             "tokenizer IRs; default: this one)")
    parser.add_argument("--shots", type=Path, help="save PNGs of the window for each model here")
    parser.add_argument("--only", default="", help="only models whose path contains this text")
    parser.add_argument("--json", type=Path, help="write every finding as JSON here")
    parser.add_argument("--preload", action="append", default=[], metavar="MODULE",
                        help="import MODULE before ovexplorer everywhere (e.g. openvino_tokenizers)")
    parser.add_argument("--oracle-child", nargs=2, metavar=("LIST", "WORK"), help=argparse.SUPPRESS)
    parser.add_argument("--window-child", nargs=2, metavar=("MODEL", "PREFIX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    PRELOAD[:] = args.preload
    for module in PRELOAD:
        __import__(module)
    if args.oracle_child:
        paths = json.loads(Path(args.oracle_child[0]).read_text())
        print(json.dumps(oracle(paths, Path(args.oracle_child[1]))))
        return 0
    if args.window_child:
        print(json.dumps(window_shots(Path(args.window_child[0]), Path(args.window_child[1]))))
        return 0

    folders = [f.resolve() for f in args.folders]
    models = find_models(folders, args.only)
    if not models:
        print("no models found", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="corpus_sweep_"))
    listing = work / "models.json"
    listing.write_text(json.dumps([str(m) for m in models]))
    proc = subprocess.run([args.oracle_python, __file__, "--oracle-child", str(listing), str(work)],
                          capture_output=True, text=True)
    if proc.returncode:
        print(f"the oracle failed:\n{proc.stderr}", file=sys.stderr)
        return 2
    refs = json.loads(proc.stdout)
    env = refs.pop("_env")
    print(f"oracle: OpenVINO {env['openvino']}" + (f" + {env['extension']}" if env["extension"] else "")
          + f"; {len(models)} models", flush=True)
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    findings: dict[str, Any] = {}
    total = 0
    for path in models:
        name = short_name(path, folders)
        model_work = work / name
        model_work.mkdir(parents=True, exist_ok=True)
        try:
            line, problems, figures = sweep_one(path, refs[str(path)], model_work)
        except Exception:  # noqa: BLE001 - the sweep goes on
            line, problems, figures = "sweep crashed", [traceback.format_exc(limit=3)], {}
        if args.shots:
            preload = [a for m in PRELOAD for a in ("--preload", m)]
            proc = subprocess.run([sys.executable, __file__, *preload, "--window-child", str(path),
                                   str(args.shots / name)],
                                  capture_output=True, text=True, timeout=600,
                                  env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
            if proc.returncode:
                problems.append(f"window: exit {proc.returncode}: {_last_line(proc.stderr)}")
            else:
                said = json.loads(_last_line(proc.stdout))
                figures["window"] = said
                for key in ("load", "run"):
                    if key in said and not (key == "run" and "infer_error" in refs[str(path)]):
                        if key == "load" and "read_error" in refs[str(path)]:
                            continue
                        problems.append(f"window {key}: {said[key]}")
                line += ", window shots"
        print(f"{name}: {line}" + (f"  [{len(problems)} problem(s)]" if problems else ""), flush=True)
        for p in problems:
            print(f"    PROBLEM {name}: {p}", flush=True)
        total += len(problems)
        findings[name] = {"path": str(path), "summary": line, "problems": problems, "figures": figures,
                          "oracle": {k: v for k, v in refs[str(path)].items() if k not in ("feeds", "results")}}
    print(f"{len(models)} models, {total} problems", flush=True)
    if args.json:
        args.json.write_text(json.dumps(findings, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
