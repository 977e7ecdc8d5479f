"""Open IRs with ovexplorer's loader and with OpenVINO's ``read_model`` and report every difference.

    python tests/oracle_check.py MODEL.xml [FOLDER ...]

A folder stands for every ``.xml`` below it. For each model: whether each side opens it (ovexplorer's refusal names
its guard when one of ``ir_check.GUARDS`` refused it), the op count, and the inputs and outputs (tensor names, shape,
element type; ovexplorer's as its Summary shows them). One line per model, then the differences; exit code 1 when
any model differs. Each model is checked in a child process, so a crash is reported instead of ending the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ports(ports) -> list[list]:
    return [[sorted(p.get_names()), str(p.get_partial_shape()), p.get_element_type().get_type_name()] for p in ports]


def check_one(path: str) -> dict:
    """Both verdicts on one model, as plain data (OpenVINO with openvino-tokenizers' operations when that package is
    installed: its users import it, and so does ovexplorer)."""
    import openvino as ov

    try:
        import openvino_tokenizers  # noqa: F401
    except ImportError:
        pass

    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.model.summary import summarize
    from ovexplorer.core.util.errors import ModelLoadError

    result: dict = {"path": path}
    try:
        model = ov.Core().read_model(path)
        result["openvino"] = {"ops": len(model.get_ordered_ops()), "inputs": _ports(model.inputs),
                              "outputs": _ports(model.outputs)}
    except Exception as exc:  # noqa: BLE001 - whatever OpenVINO raises is its refusal
        lines = [line for line in str(exc).splitlines() if line.strip()]
        result["openvino"] = {"error": lines[-1][:300] if lines else type(exc).__name__}
    try:
        doc = open_model(path)
    except ModelLoadError as exc:
        result["ovexplorer"] = {"error": f"{type(exc).__name__}: {exc.message[:300]}", "guard": exc.guard}
        return result
    summary = summarize(doc)
    result["ovexplorer"] = {
        "ops": len(doc.graph.nodes),
        "inputs": [[sorted(t.names), t.shape, t.element_type] for t in summary.inputs],
        "outputs": [[sorted(t.names), t.shape, t.element_type] for t in summary.outputs],
        "parameters": summary.parameter_count,
    }
    return result


def differences(result: dict) -> list[str]:
    """What differs between the two sides ([] when they agree)."""
    theirs, ours = result["openvino"], result["ovexplorer"]
    if "error" in theirs or "error" in ours:
        if "error" in theirs and "error" in ours:
            return []
        if "error" in ours and ours.get("guard"):
            return []  # a listed guard: refused on purpose, with its reason
        return [f"OpenVINO {'refuses' if 'error' in theirs else 'reads'} it, ovexplorer "
                f"{'refuses' if 'error' in ours else 'opens'} it: {theirs.get('error') or ours.get('error')}"]
    out = []
    for key in ("ops", "inputs", "outputs"):
        if theirs[key] != ours[key]:
            out.append(f"{key}: OpenVINO {theirs[key]} / ovexplorer {ours[key]}")
    return out


def _models(args: list[str]) -> list[Path]:
    found: list[Path] = []
    for arg in args:
        p = Path(arg)
        found += sorted(p.rglob("*.xml")) if p.is_dir() else [p]
    return found


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    if argv[0] == "--child":
        print(json.dumps(check_one(argv[1])))
        return 0
    differing = 0
    counts = {"both read": 0, "both refuse": 0, "guarded": 0, "differ": 0}
    for model in _models(argv):
        try:
            out = subprocess.run([sys.executable, __file__, "--child", str(model)], capture_output=True, text=True,
                                 timeout=600, cwd=ROOT)
            result = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else None
        except (subprocess.TimeoutExpired, json.JSONDecodeError, IndexError):
            result, out = None, None
        if result is None:
            why = f"exit code {out.returncode}" if out is not None else "no answer (timeout or garbled output)"
            print(f"CRASH {model}: {why}")
            differing += 1
            counts["differ"] += 1
            continue
        diffs = differences(result)
        ours = result["ovexplorer"]
        if diffs:
            differing += 1
            counts["differ"] += 1
            print(f"DIFF  {model}")
            for d in diffs:
                print(f"        {d}")
        elif "error" in ours and ours.get("guard"):
            counts["guarded"] += 1
            print(f"GUARD {model}: {ours['guard']} ({ours['error'][:120]})")
        elif "error" in ours:
            counts["both refuse"] += 1
            print(f"OK    {model}: both refuse it ({ours['error'][:120]})")
        else:
            counts["both read"] += 1
            print(f"OK    {model}: both read it: {ours['ops']} ops, {len(ours['inputs'])} inputs, "
                  f"{len(ours['outputs'])} outputs, {ours['parameters']:,} parameters")
    print(", ".join(f"{v} {k}" for k, v in counts.items()))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
