"""``ovexplorer run MODEL --task TASK --input image=photo.jpg``: the decoded answer of a vision model (boxes,
labels, scores; classes; class areas) through OpenVINO Model API, optionally drawn to a PNG (``--annotate``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ovexplorer.core.util.errors import InputError

#: ``--task`` words (``auto``: the model's rt_info, else what its graph suggests).
TASK_WORDS = ("auto", "detection", "instance-segmentation", "segmentation", "classification", "keypoints", "anomaly")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--task", choices=TASK_WORDS,
                   help="decode the answer of a vision model with OpenVINO Model API (needs ovexplorer[vision])")
    p.add_argument("--wrapper", help="the Model API wrapper to use (YOLOv8, SSD, Segmentation...; default: the task's)")
    p.add_argument("--threshold", type=float, help="show boxes and classes scoring at least this (default: the "
                   "model's or the wrapper's)")
    p.add_argument("--labels", metavar="FILE", help="class names, one a line (must match the model's class count)")
    p.add_argument("--annotate", metavar="OUT.png", help="write the picture with the answer drawn on it")


def run_vision(args: argparse.Namespace) -> int:
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.run.inputs import IMAGE_SUFFIXES
    from ovexplorer.core.vision.answer import VisionModel
    from ovexplorer.core.vision.config import config_for
    from ovexplorer.core.vision.draw import draw_answer
    from ovexplorer.core.vision.export import answer_dict, write_png
    from ovexplorer.core.vision.labels import read_labels_file
    from ovexplorer.core.vision.model_api import require_model_api
    from ovexplorer.core.vision.tasks import TASKS, class_count, guess_task

    require_model_api()
    pictures = [v.partition("=")[2] or v for v in args.input if Path(v.partition("=")[2] or v).suffix.lower()
                in IMAGE_SUFFIXES]
    if len(pictures) != 1:
        raise InputError("--task needs one picture: --input image=photo.jpg")
    doc = open_model(args.model)
    guess = guess_task(doc.model)
    wrapper = args.wrapper
    if wrapper is None and args.task not in (None, "auto"):
        wrapper = guess.wrapper if guess is not None and guess.task == args.task else TASKS[args.task][1][0]
    config = config_for(doc.model, guess, wrapper)
    if config is None:
        raise InputError(f"{doc.path.name}: no task is suggested by its rt_info or graph; give --task.")
    if args.labels:
        config = config.with_changes(labels=tuple(read_labels_file(args.labels, class_count(doc.model,
                                                                                               config.wrapper))))
    if args.threshold is not None:
        config = config.with_changes(confidence=args.threshold)
    from ovexplorer.ui.run.image_decode import decode_image  # Qt only for pictures, as for plain runs

    image = decode_image(pictures[0])
    vm = VisionModel(doc.model, config, args.device)
    raw, answer = vm.answer(image, config.confidence)
    threshold = answer.floor
    report: dict[str, Any] = {"model": str(doc.path), "device": args.device, "reason": config.reason,
                              **answer_dict(answer, threshold, Path(pictures[0]).name),
                              "raw_outputs": {k: list(v.shape) for k, v in raw.named.items()}}
    if args.annotate:
        report["annotated"] = str(write_png(args.annotate, draw_answer(image, answer, threshold)))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{doc.path.name}: {answer.wrapper} ({config.reason}); inference {answer.infer_seconds * 1e3:.1f} ms, "
          f"decoding {answer.decode_seconds * 1e3:.1f} ms")
    print(answer.summary(threshold))
    for d in answer.visible(threshold):
        print(f"  {d.name}  {d.score:.3f}  box {d.box[0]}, {d.box[1]}, {d.box[2]}, {d.box[3]}")
    for c in answer.classes:
        print(f"  {c.name}  {c.score:.4f}")
    if args.annotate:
        print(f"annotated: {report['annotated']}")
    return 0
