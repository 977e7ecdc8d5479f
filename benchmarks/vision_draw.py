"""Time to draw a vision answer on a large picture (the Answers tab and ``run --annotate``), against one full-picture
blend (``cv2.addWeighted`` of the picture with a colour layer) in the same run: the least any drawing of a mask over
the whole picture costs.

    python benchmarks/vision_draw.py [--megapixels 12] [--masks 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ovexplorer.core.vision.draw import draw_answer
from ovexplorer.core.vision.results import Detection, VisionAnswer


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, default=12.0)
    parser.add_argument("--masks", type=int, default=50)
    parser.add_argument("--classes", type=int, default=21)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import cv2

    w = int((args.megapixels * 1e6 * 4 / 3) ** 0.5)
    h = int(w * 3 / 4)
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
    layer = np.full_like(picture, 128)
    baseline = best(lambda: cv2.addWeighted(picture, 0.55, layer, 0.45, 0), args.rounds)
    dets = []
    bw, bh = w // 12, h // 8
    for i in range(args.masks):
        x, y = int(rng.integers(0, w - bw)), int(rng.integers(0, h - bh))
        mask = np.zeros((h, w), bool)
        mask[y:y + bh, x:x + bw] = True
        dets.append(Detection(i % 5, f"c{i % 5}", 0.5 + i / (4 * args.masks), (x, y, x + bw, y + bh), mask))
    masks = VisionAnswer("instance-segmentation", "YOLO-seg", (h, w), 0.25, detections=tuple(dets))
    class_map = rng.integers(0, args.classes, (h, w)).astype(np.int32)
    classes = VisionAnswer("segmentation", "Segmentation", (h, w), 0.25, class_map=class_map,
                           class_names=tuple(str(i) for i in range(args.classes)))
    print(f"picture {w}x{h} ({w * h / 1e6:.1f} MP); baseline one full blend {baseline * 1e3:.0f} ms")
    for name, answer in ((f"{args.masks} instance masks", masks), (f"class map of {args.classes}", classes)):
        t = best(lambda a=answer: draw_answer(picture, a, 0.25, selected=3, legend=False), args.rounds)
        print(f"{name}: {t * 1e3:.0f} ms = {t / baseline:.1f}x the baseline")


if __name__ == "__main__":
    main()
