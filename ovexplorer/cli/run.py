"""``ovexplorer run MODEL``: compile for a device, feed inputs (files, typed values, seeded random), infer once.

Inputs are decoded exactly as in the Run panel; pictures are decoded with Qt (imported only when one is
given). Exit 2 with the panel's message when an input does not fit or a dynamic input has no shape.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ovexplorer.cli import llm
from ovexplorer.core.util.errors import InputError


def _split(item: str, flag: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep:
        return "", item
    if not name:
        raise InputError(f"{flag} {item!r}: expected NAME=VALUE.")
    return name, value


def _parse_shape(text: str, name: str) -> tuple[int, ...]:
    try:
        dims = tuple(int(d) for d in text.replace("x", ",").split(",") if d.strip())
    except ValueError:
        raise InputError(f"--shape {name}={text}: expected whole numbers like 1,3,224,224.") from None
    if not dims:
        raise InputError(f"--shape {name}=: no dimensions given.")
    return dims


def _cmd_run(args: argparse.Namespace) -> int:
    if args.prompt is not None:
        return llm.run_prompt(args)
    if args.task is not None:
        from ovexplorer.cli.run_vision import run_vision

        return run_vision(args)
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.inputs import (
        IMAGE_SUFFIXES,
        InputSource,
        default_random_source,
        fit_file,
        image_inputs,
        make_tensor,
    )
    from ovexplorer.core.run.ports import find_port, model_inputs, shape_misfit, shape_text
    from ovexplorer.core.run.session import CompileOptions, compile_session

    doc = open_model(args.model)
    specs = model_inputs(doc.model)
    names = ", ".join(s.name for s in specs)

    def port(name: str):
        spec = find_port(specs, name)
        if spec is None:
            raise InputError(f"The model has no input named {name}; its inputs: {names}.")
        return spec

    shapes: dict[str, tuple[int, ...]] = {}
    for item in args.shape:
        name, value = _split(item, "--shape")
        if not name:
            if len(specs) != 1:
                raise InputError(f"--shape {item}: say which input (NAME=d1,d2,...); inputs: {names}.")
            name = specs[0].name
        spec = port(name)
        dims = _parse_shape(value, name)
        problem = shape_misfit(spec, dims)
        if problem:
            raise InputError(f"--shape {name}={value}: {problem}.")
        shapes[spec.name] = dims

    tensors: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    for item in args.input:
        name, value = _split(item, "--input")
        path = Path(value)
        if not name and path.suffix.lower() not in IMAGE_SUFFIXES and path.is_file():
            for key, array in fit_file(path, specs, shapes, first=True).items():  # the input(s) it fits
                tensors[key], sources[key] = array, path.name
                if not port(key).is_static:
                    shapes[key] = tuple(array.shape)
            continue
        if not name:
            fits = image_inputs(specs) if path.suffix.lower() in IMAGE_SUFFIXES else (
                [specs[0].name] if len(specs) == 1 else [])
            if not fits:
                raise InputError(f"--input {value}: say which input it is for (NAME={value}); inputs: {names}.")
            name = fits[0]
        spec = port(name)
        if path.is_file() or path.suffix.lower() in (".npy", ".npz", ".bin", ".raw", ".csv", ".txt", *IMAGE_SUFFIXES):
            source = InputSource(kind="file", path=str(path))
        else:
            source = InputSource(kind="values", text=value)
        image = None
        if source.is_image:
            from ovexplorer.ui.run.image_decode import decode_image  # Qt only for pictures

            image = decode_image(path)
        array = make_tensor(source, spec, shapes.get(spec.name), image)
        tensors[spec.name], sources[spec.name] = array, source.describe()
        if not spec.is_static:
            shapes[spec.name] = tuple(array.shape)

    for i, spec in enumerate(specs):
        if spec.name in tensors:
            continue
        shape = spec.static_shape if spec.static_shape is not None else shapes.get(spec.name)
        if shape is None:
            raise InputError(
                f"Input {spec.name} has the dynamic shape {spec.partial_shape}: give --shape {spec.name}=d1,d2,... "
                f"or an --input {spec.name}=FILE."
            )
        source = default_random_source(spec, doc.model, seed=args.seed + i)  # a range fitting its type and role
        tensors[spec.name], sources[spec.name] = make_tensor(source, spec, shape), source.describe()

    options = CompileOptions(device=args.device, performance_hint=args.hint, precision_hint=args.precision)
    session = compile_session(doc.model, options, shapes, fixed_shapes=args.static, model_name=doc.name)
    result = session.infer(tensors)
    types = {s.name: s.element_type for s in specs}
    report = _report(doc, session, result, tensors, sources, types, args.top, args.softmax)
    if args.save_outputs:
        from ovexplorer.core.run.outputs import safe_file_name, save_npy

        out_dir = Path(args.save_outputs)
        for name, array in result.outputs.items():
            report["outputs"][name]["saved"] = str(save_npy(out_dir / f"{safe_file_name(name)}.npy", array))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(_text(report, shape_text))
    return 0


def _report(doc, session, result, tensors, sources, types, top: int, softmax: bool) -> dict[str, Any]:
    from ovexplorer.core.run.outputs import SMALL_OUTPUT, is_classification, labels_from_rt_info, statistics, top_k

    outputs: dict[str, Any] = {}
    for spec in session.outputs:
        array = result.outputs[spec.name]
        entry: dict[str, Any] = {
            "shape": list(array.shape),
            "element_type": spec.element_type,
            "statistics": statistics(array).to_dict(),
        }
        if array.size <= SMALL_OUTPUT:
            entry["values"] = array.tolist()
        if array.dtype.kind not in "US" and is_classification(tuple(array.shape)):
            labels = labels_from_rt_info(doc.graph.rt_info, array.size)
            entry["top"] = [
                {"index": c.index, "label": c.label, "score": c.score}
                for c in top_k(array, top, apply_softmax=softmax, labels=labels)
            ]
        outputs[spec.name] = entry
    return {
        "model": str(doc.path),
        "device": session.options.device,
        "execution_devices": session.execution_devices,
        "compile_seconds": session.compile_seconds,
        "infer_seconds": result.seconds,
        "inputs": {
            name: {"shape": list(a.shape), "element_type": types[name], "source": sources[name]}
            for name, a in tensors.items()
        },
        "outputs": outputs,
    }


def _text(report: dict[str, Any], shape_text: Callable[[tuple[int, ...]], str]) -> str:
    from ovexplorer.core.model.names import quote_name
    from ovexplorer.core.run.outputs import SMALL_OUTPUT, values_text

    lines = [
        f"{Path(report['model']).name} on {report['device']} ({', '.join(report['execution_devices'])}): "
        f"compiled in {report['compile_seconds']:.3f} s, inference {report['infer_seconds'] * 1000:.2f} ms",
        "Inputs:",
    ]
    for name, i in report["inputs"].items():
        lines.append(f"  {quote_name(name)}  {shape_text(tuple(i['shape']))}  {i['element_type']}  <- {i['source']}")
    lines.append("Outputs:")
    for name, o in report["outputs"].items():
        s = o["statistics"]
        lines.append(f"  {quote_name(name)}  {shape_text(tuple(o['shape']))}  {o['element_type']}")
        if s.get("strings"):
            lines.append(f"    {s['count']} strings")
        else:
            lines.append(
                f"    min {s['min']:.6g}  max {s['max']:.6g}  mean {s['mean']:.6g}  std {s['std']:.6g}"
                + (f"  NaN {s['nan']}" if s["nan"] else "")
            )
        if "top" in o:
            lines.append("    top: " + ", ".join(f"{c['label']} {c['score']:.4g}" for c in o["top"]))
        if "values" in o:
            lines.append(f"    values: {values_text(np.array(o['values']), limit=SMALL_OUTPUT)}")
        if "saved" in o:
            lines.append(f"    saved: {o['saved']}")
    return "\n".join(lines)


def add_parser(sub: argparse._SubParsersAction) -> Callable[[argparse.Namespace], int]:
    p = sub.add_parser("run", help="compile a model for a device and run one inference")
    p.add_argument("model", help="model file (.xml IR, .onnx, ...) or a language-model export folder")
    p.add_argument("-d", "--device", default="CPU", help="device to compile for (default CPU; see `devices`)")
    p.add_argument("--input", "-i", action="append", default=[], metavar="NAME=FILE|NAME=v1,v2,...",
                   help="data for an input: a file (.npy .npz .bin .raw .csv .txt or a picture) or typed values")
    p.add_argument("--shape", action="append", default=[], metavar="NAME=d1,d2,...",
                   help="shape of a dynamic input (its data's shape; the model is compiled as read)")
    p.add_argument("--static", action="store_true",
                   help="compile for the --shape/input shapes (reshape) instead of the model as read (dynamic)")
    p.add_argument("--hint", choices=("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT"), help="performance hint")
    p.add_argument("--precision", choices=("f32", "f16", "bf16"), help="inference precision hint")
    p.add_argument("--seed", type=int, default=0, help="seed of the random data for inputs without a source")
    p.add_argument("--top", type=int, default=5, help="classes shown for classification outputs (default 5)")
    p.add_argument("--softmax", action="store_true", help="apply softmax to classification scores")
    p.add_argument("--save-outputs", metavar="DIR", help="save every output as DIR/NAME.npy")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    llm.add_run_options(p)
    from ovexplorer.cli.run_vision import add_arguments

    add_arguments(p)
    return _cmd_run
