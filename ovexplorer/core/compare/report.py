"""A comparison as plain data (JSON) and as text, for ``ovexplorer compare`` and exports."""

from __future__ import annotations

from typing import Any

from ovexplorer.core.compare.activations import LayerDiff, OutputDiff
from ovexplorer.core.compare.differences import Comparison
from ovexplorer.core.compare.weights_diff import WeightDiff


def report_dict(path_a: str, path_b: str, comparison: Comparison, weights: list[WeightDiff],
                outputs: list[OutputDiff] | None = None, layers: list[LayerDiff] | None = None,
                input_notes: list[str] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "a": path_a,
        "b": path_b,
        "matching": comparison.summary(),
        "differences": [d.to_dict() for d in comparison.differences],
        "weights": [w.to_dict() for w in weights],
    }
    if outputs is not None:
        data["outputs"] = [o.to_dict() for o in outputs]
        data["input_notes"] = list(input_notes or [])
    if layers is not None:
        data["layers"] = [r.to_dict() for r in layers]
    data.update(extra or {})
    return data


def _num(v: float | None, fmt: str = ".3g") -> str:
    return "—" if v is None else format(v, fmt)


def report_text(data: dict[str, Any], top: int = 10) -> str:
    m = data["matching"]
    counts = ", ".join(f"{n} {k}" for k, n in m["counts"].items() if n)
    lines = [f"A: {data['a']}", f"B: {data['b']}",
             f"Matched:     {m['layers_matched']} of {m['layers_a']} layers of A ({m['matched_share']:.1%}); "
             f"B has {m['layers_b']}",
             f"Status:      {counts}"]
    diffs = data["differences"]
    if diffs:
        lines.append(f"Differences ({len(diffs)}, first {min(top, len(diffs))}):")
        lines += [f"  {d['status']:<28} {d['kind']:<6} {d['name']}: {d['what']}" for d in diffs[:top]]
    weights = [w for w in data["weights"] if w["metrics"] is not None]
    if weights:
        lines.append(f"Weights ({len(weights)} compared, worst {min(top, len(weights))} by relative L2 error):")
        lines.append(f"  {'rel L2':>9} {'SNR dB':>7} {'cosine':>8} {'max abs':>9}  stored A → B  name")
        for w in weights[:top]:
            x = w["metrics"]
            lines.append(f"  {_num(x['rel_l2']):>9} {_num(x['snr_db'], '.1f'):>7} {_num(x['cosine'], '.5f'):>8} "
                         f"{_num(x['max_abs']):>9}  {w['stored_a']} → {w['stored_b']}  {w['name']}")
    for note in data.get("input_notes", []):
        lines.append(f"Note: {note}")
    for o in data.get("outputs", []):
        x = o["metrics"]
        if o.get("strings_equal") is not None:
            lines.append(f"Output {o['a']}: {o['note']}")
            continue
        if x is None:
            lines.append(f"Output {o['a']}: {o['note']} ({o['shape_a']} vs {o['shape_b']})")
            continue
        top1 = "" if o["top1_agrees"] is None else (
            f", top-1 {'agrees' if o['top1_agrees'] else 'differs'}, top-5 overlap {o['topk_overlap']:.0%}")
        lines.append(f"Output {o['a']}: max abs {_num(x['max_abs'])}, mean abs {_num(x['mean_abs'])}, "
                     f"cosine {_num(x['cosine'], '.5f')}, SNR {_num(x['snr_db'], '.1f')} dB{top1}")
    layers = [r for r in data.get("layers", []) if r["metrics"] is not None]
    if layers:
        worst = sorted(layers, key=lambda r: -(r["metrics"]["rel_l2"] or 0))[:top]
        lines.append(f"Layers ({len(layers)} compared; worst {len(worst)} by relative L2 error):")
        lines += [f"  depth {r['depth']:>4}  rel L2 {_num(r['metrics']['rel_l2']):>9}  SNR "
                  f"{_num(r['metrics']['snr_db'], '.1f'):>6} dB  {r['type']} {r['name']}" for r in worst]
    answers = data.get("answers")
    if answers:
        lines.append(f"Answers:     {answers['summary']}")
        for picture in answers.get("pictures", [])[:top] if len(answers.get("pictures", [])) > 1 else []:
            lines.append(f"  {picture['picture']}: {picture['summary']}")
        text = answers.get("text")
        if text:
            lines.append(f"  A: {text['prompt']!r} → {text['text_a']!r}")
            lines.append(f"  B: {text['prompt']!r} → {text['text_b']!r}")
        lines += [f"  Note: {n}" for n in answers.get("notes", [])]
    bench = data.get("latency")
    if bench:
        lines.append(f"Latency:     A {bench['a_ms']:.3f} ms, B {bench['b_ms']:.3f} ms (median); speed-up "
                     f"{bench['speedup']:.2f}x ({bench['speedup_low']:.2f}-{bench['speedup_high']:.2f})")
    return "\n".join(lines)
