"""Generate the ``shapes`` sample model: a small CNN that tells circles, squares and triangles apart.

Writes, relative to the repository root:

* ``resources/samples/shapes.xml`` + ``shapes.bin`` (OpenVINO IR, FP32 weights),
* ``resources/samples/images/circle.png``, ``square.png``, ``triangle.png`` (64x64 RGB examples).

Training images are drawn synthetically with the small numpy rasteriser below (filled or outlined shapes,
random size / position / rotation / colours / line thickness, soft anti-aliased edges, blur and noise), so no
data set is downloaded.  The model takes raw RGB pixels; scaling to [0, 1] and the final softmax are part of
the graph:

* input  ``image``: f32 [1, 3, 64, 64], NCHW, RGB, values 0..255
* output ``probabilities``: f32 [1, 3], classes in order circle, square, triangle

Labels are stored in rt_info as ``model_info/labels`` (the OpenVINO Model API convention).  The script checks
the saved IR through OpenVINO on CPU (the three example PNGs and 200 fresh random images) and exits non-zero
if it is not accurate enough.

Run from the repository root (torch is only needed here, never by the application)::

    pip install torch openvino numpy
    python examples/make_shapes.py
"""

from __future__ import annotations

import struct
import sys
import time
import zlib
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import openvino as ov
import torch
from torch import nn

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = REPO_ROOT / "resources" / "samples"
OUT_XML = SAMPLES / "shapes.xml"
IMAGES = SAMPLES / "images"

CLASSES = ("circle", "square", "triangle")
SIZE = 64
SEED = 2024
N_TRAIN_PER_EPOCH = 5120
EPOCHS = 10
BATCH = 64
N_TEST = 1000
N_VERIFY = 200
MIN_TEST_ACCURACY = 0.97
MIN_VERIFY_ACCURACY = 0.95


# ----------------------------------------------------------------------------------------------------
# Rasteriser
# ----------------------------------------------------------------------------------------------------


@dataclass
class ShapeSpec:
    """Everything needed to draw one picture."""

    kind: int  # index into CLASSES
    center: tuple[float, float]  # (x, y) in pixels
    radius: float  # circumscribed radius in pixels
    angle: float  # rotation in radians
    filled: bool
    thickness: float  # outline width in pixels (ignored when filled)
    softness: float  # anti-aliasing ramp width in pixels (larger = blurrier edge)
    foreground: tuple[float, float, float]
    background: tuple[float, float, float]
    aspect: float = 1.0  # mild stretch of circles / squares
    triangle_angles: tuple[float, float, float] = (0.0, 2.0944, 4.1888)  # vertex angles on the circumcircle
    noise: float = 0.0
    gradient: float = 0.0  # strength of a linear background gradient


def _polygon_signed_distance(px: np.ndarray, py: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Exact signed distance to a convex polygon (negative inside); vertices in counter-clockwise order."""
    dist = np.full(px.shape, np.inf)
    inside = np.ones(px.shape, dtype=bool)
    n = len(vertices)
    for i in range(n):
        ax, ay = vertices[i]
        bx, by = vertices[(i + 1) % n]
        ex, ey = bx - ax, by - ay
        wx, wy = px - ax, py - ay
        t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0, 1.0)
        dist = np.minimum(dist, np.hypot(wx - t * ex, wy - t * ey))
        inside &= (ex * wy - ey * wx) >= 0.0
    return np.where(inside, -dist, dist)


def shape_vertices(spec: ShapeSpec) -> np.ndarray:
    """Vertices (counter-clockwise in image coordinates with y down) of a square or triangle."""
    if spec.kind == 1:
        angles = np.array([0.25, 0.75, 1.25, 1.75]) * np.pi
        pts = np.stack([np.cos(angles) * spec.aspect, np.sin(angles) / spec.aspect], axis=1)
    else:
        angles = np.array(spec.triangle_angles)
        pts = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    c, s = np.cos(spec.angle), np.sin(spec.angle)
    rotated = pts @ np.array([[c, s], [-s, c]])
    return rotated * spec.radius + np.array(spec.center)


def render(spec: ShapeSpec, size: int = SIZE, rng: np.random.Generator | None = None) -> np.ndarray:
    """Draw ``spec`` into a ``size`` x ``size`` RGB float image (0..255, HWC)."""
    scale = size / SIZE
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    px, py = xs / scale, ys / scale  # work in 64-pixel units so one spec renders at any resolution
    if spec.kind == 0:
        c, s = np.cos(spec.angle), np.sin(spec.angle)
        dx, dy = px - spec.center[0], py - spec.center[1]
        u, v = (c * dx + s * dy) / spec.aspect, (-s * dx + c * dy) * spec.aspect
        sdf = np.hypot(u, v) - spec.radius
    else:
        sdf = _polygon_signed_distance(px, py, shape_vertices(spec))
    if not spec.filled:
        sdf = np.abs(sdf) - spec.thickness / 2.0
    # Coverage with a linear ramp `softness` (in 64-pixel units) wide, clamped to at least one output pixel.
    ramp = max(spec.softness, 1.0 / scale)
    coverage = np.clip(0.5 - sdf / ramp, 0.0, 1.0)
    if not spec.filled and spec.thickness < ramp:
        coverage *= min(1.0, spec.thickness / ramp + 0.25)

    background = np.broadcast_to(np.array(spec.background), (size, size, 3)).astype(np.float64)
    if spec.gradient:
        direction = np.array([np.cos(spec.angle * 3.0), np.sin(spec.angle * 3.0)])
        ramp_img = ((px - SIZE / 2) * direction[0] + (py - SIZE / 2) * direction[1]) / SIZE
        background = background + spec.gradient * ramp_img[..., None]
    img = background * (1.0 - coverage[..., None]) + np.array(spec.foreground) * coverage[..., None]
    if spec.noise and rng is not None:
        img = img + rng.normal(0.0, spec.noise, img.shape)
    return np.clip(img, 0.0, 255.0)


def _luma(rgb: np.ndarray) -> float:
    return float(rgb @ np.array([0.299, 0.587, 0.114]))


def _random_colours(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Foreground / background colours with a clear luminance difference; plain white or black often."""
    while True:
        r = rng.random()
        if r < 0.3:
            bg = np.full(3, 255.0) - rng.uniform(0, 10)
        elif r < 0.4:
            bg = np.full(3, rng.uniform(0, 30))
        else:
            bg = rng.uniform(0, 255, 3)
        r = rng.random()
        if r < 0.2:
            fg = np.full(3, rng.uniform(0, 40))
        elif r < 0.3:
            fg = np.full(3, rng.uniform(0, 255))
        else:
            fg = rng.uniform(0, 255, 3)
        if abs(_luma(fg) - _luma(bg)) >= 60 or np.abs(fg - bg).max() >= 140:
            return fg, bg


def _random_triangle_angles(rng: np.random.Generator) -> tuple[float, float, float]:
    """Vertex angles on the circumcircle giving a triangle whose interior angles are all >= ~25 degrees."""
    while True:
        arcs = rng.dirichlet([4.0, 4.0, 4.0]) * 2.0 * np.pi  # arc i is twice the opposite interior angle
        if arcs.min() >= np.radians(50):
            start = rng.uniform(0, 2 * np.pi)
            a0, a1 = start, start + arcs[0]
            return a0, a1, a1 + arcs[1]


def random_spec(rng: np.random.Generator, kind: int | None = None) -> ShapeSpec:
    """A random picture description: size 30-90% of the image, anywhere it fits."""
    kind = int(rng.integers(3)) if kind is None else kind
    extent = rng.uniform(0.3, 0.9) * SIZE  # diameter of the circumscribed circle
    radius = extent / 2.0
    margin = radius + 1.0
    center = (rng.uniform(margin, SIZE - margin), rng.uniform(margin, SIZE - margin))
    fg, bg = _random_colours(rng)
    filled = bool(rng.random() < 0.5)
    thickness = float(np.exp(rng.uniform(np.log(0.6), np.log(max(0.7, radius / 3.0)))))
    softness = float(rng.choice([rng.uniform(0.5, 1.2), rng.uniform(1.2, 3.0)], p=[0.7, 0.3]))
    return ShapeSpec(
        kind=kind,
        center=center,
        radius=radius,
        angle=float(rng.uniform(0, 2 * np.pi)),
        filled=filled,
        thickness=thickness,
        softness=softness,
        foreground=tuple(fg),
        background=tuple(bg),
        aspect=float(rng.uniform(0.9, 1.1)),
        triangle_angles=_random_triangle_angles(rng),
        noise=float(rng.choice([0.0, rng.uniform(0, 12)])),
        gradient=float(rng.choice([0.0, rng.uniform(-60, 60)], p=[0.7, 0.3])),
    )


def random_batch(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random images as NCHW float32 0..255 and their labels (balanced classes)."""
    labels = rng.permutation(np.arange(n) % 3)
    images = np.empty((n, 3, SIZE, SIZE), dtype=np.float32)
    for i, kind in enumerate(labels):
        images[i] = render(random_spec(rng, int(kind)), rng=rng).transpose(2, 0, 1)
    return images, labels.astype(np.int64)


# ----------------------------------------------------------------------------------------------------
# Tiny PNG writer / reader (8-bit RGB, no PIL)
# ----------------------------------------------------------------------------------------------------


def write_png(path: Path, rgb: np.ndarray) -> None:
    """Write an HxWx3 uint8 array as a truecolour PNG."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].astype(np.uint8).tobytes() for row in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    png = b"\x89PNG\r\n\x1a\n" + body
    path.write_bytes(png)


def read_png(path: Path) -> np.ndarray:
    """Read back a PNG written by :func:`write_png` (8-bit RGB, filter type 0 only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if tag == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * 3)
    assert not rows[:, 0].any(), "only filter type 0 is supported"
    return rows[:, 1:].reshape(height, width, 3).copy()


# ----------------------------------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------------------------------


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)
    )


class ShapesNet(nn.Module):
    """Raw RGB 0..255 in, logits out: 64 -> 32 -> 16 -> 8 -> 4, global average pool, linear."""

    def __init__(self) -> None:
        super().__init__()
        widths = (3, 16, 32, 48, 64)
        self.features = nn.Sequential(*(conv_block(c_in, c_out) for c_in, c_out in pairwise(widths)))
        self.classifier = nn.Linear(64, len(CLASSES))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        x = image * (1.0 / 255.0) - 0.5
        x = self.features(x)
        return self.classifier(x.mean(dim=(2, 3)))


class WithSoftmax(nn.Module):
    """Export wrapper: the saved model outputs probabilities."""

    def __init__(self, net: ShapesNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(image), dim=1)


def accuracy(net: nn.Module, images: np.ndarray, labels: np.ndarray) -> float:
    net.eval()
    with torch.no_grad():
        predictions = torch.cat(
            [net(torch.from_numpy(images[i : i + 256])).argmax(1) for i in range(0, len(images), 256)]
        )
    return float((predictions.numpy() == labels).mean())


def train(rng: np.random.Generator) -> ShapesNet:
    """Train on freshly drawn images every epoch; report held-out accuracy after each epoch."""
    test_images, test_labels = random_batch(np.random.default_rng(SEED + 1), N_TEST)
    net = ShapesNet()
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    steps = EPOCHS * (N_TRAIN_PER_EPOCH // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.15)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(EPOCHS):
        t0 = time.perf_counter()
        images, labels = random_batch(rng, N_TRAIN_PER_EPOCH)
        t_data = time.perf_counter() - t0
        net.train()
        total = 0.0
        for i in range(0, N_TRAIN_PER_EPOCH - BATCH + 1, BATCH):
            opt.zero_grad()
            batch = torch.from_numpy(images[i : i + BATCH])
            loss = loss_fn(net(batch), torch.from_numpy(labels[i : i + BATCH]))
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        acc = accuracy(net, test_images, test_labels)
        print(
            f"epoch {epoch + 1}/{EPOCHS}: loss {total / (N_TRAIN_PER_EPOCH // BATCH):.4f}, "
            f"held-out accuracy {acc:.4f} ({N_TEST} images); data {t_data:.1f} s, "
            f"total {time.perf_counter() - t0:.1f} s"
        )
    print(f"final held-out accuracy (PyTorch): {acc:.4f}")
    if acc < MIN_TEST_ACCURACY:
        print(f"WARNING: held-out accuracy below {MIN_TEST_ACCURACY}")
    return net.eval()


def convert(net: ShapesNet) -> ov.Model:
    """Convert to OpenVINO with input ``image`` [1,3,64,64] and output ``probabilities`` [1,3]."""
    model = ov.convert_model(
        WithSoftmax(net).eval(),
        example_input=torch.zeros(1, 3, SIZE, SIZE),
        input=[([1, 3, SIZE, SIZE], ov.Type.f32)],
    )
    model.set_friendly_name("shapes")
    model.inputs[0].get_tensor().set_names({"image"})
    model.get_parameters()[0].set_friendly_name("image")
    model.outputs[0].get_tensor().set_names({"probabilities"})
    model.set_rt_info("Classification", ["model_info", "model_type"])
    model.set_rt_info(" ".join(CLASSES), ["model_info", "labels"])
    model.set_rt_info(
        "Small CNN classifying synthetic circles, squares and triangles; input RGB 0..255 NCHW",
        ["model_info", "description"],
    )
    return model


# ----------------------------------------------------------------------------------------------------
# Example images and verification
# ----------------------------------------------------------------------------------------------------

EXAMPLES: dict[str, ShapeSpec] = {
    "circle": ShapeSpec(
        kind=0,
        center=(33.0, 31.0),
        radius=21.0,
        angle=0.0,
        filled=True,
        thickness=0.0,
        softness=1.0,
        foreground=(220.0, 40.0, 50.0),
        background=(255.0, 255.0, 255.0),
    ),
    "square": ShapeSpec(
        kind=1,
        center=(31.0, 33.0),
        radius=24.0,
        angle=0.35,
        filled=False,
        thickness=3.0,
        softness=1.0,
        foreground=(30.0, 60.0, 200.0),
        background=(250.0, 240.0, 200.0),
    ),
    "triangle": ShapeSpec(
        kind=2,
        center=(32.0, 35.0),
        radius=24.0,
        angle=0.0,
        filled=True,
        thickness=0.0,
        softness=1.0,
        foreground=(90.0, 220.0, 90.0),
        background=(30.0, 30.0, 60.0),
        triangle_angles=(-np.pi / 2, np.pi / 6, 5 * np.pi / 6),
    ),
}


def qpainter_like(kind: int, filled: bool, pen: float, colour: tuple[float, float, float]) -> np.ndarray:
    """Imitate an app test: a shape drawn on a white 200x200 canvas, then box-downscaled to 64x64."""
    big = 200
    spec = ShapeSpec(
        kind=kind,
        center=(32.0, 32.0),
        radius=25.0,
        angle=0.0,
        filled=filled,
        thickness=pen * SIZE / big,
        softness=SIZE / big,
        foreground=colour,
        background=(255.0, 255.0, 255.0),
        triangle_angles=(-np.pi / 2, np.pi / 6, 5 * np.pi / 6),
    )
    img = render(spec, size=big)
    # Area-average to 64x64 (200 is not a multiple of 64, so integrate over fractional pixel footprints).
    edges = np.linspace(0, big, SIZE + 1)
    pixels = np.arange(big)[None]
    weights = np.clip(
        np.minimum(edges[1:, None], pixels + 1) - np.maximum(edges[:-1, None], pixels),
        0.0,
        None,
    )
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("ij,jkc,lk->ilc", weights, img, weights)


def verify(xml_path: Path, examples: dict[str, np.ndarray]) -> bool:
    """Classify the example PNGs, QPainter-like drawings and fresh random images with OpenVINO on CPU."""
    core = ov.Core()
    compiled = core.compile_model(xml_path, "CPU")
    output = compiled.output("probabilities")

    def classify(hwc: np.ndarray) -> np.ndarray:
        tensor = np.ascontiguousarray(hwc.transpose(2, 0, 1)[None], dtype=np.float32)
        return compiled({"image": tensor})[output][0]

    ok = True
    for name, hwc in examples.items():
        probs = classify(hwc)
        good = CLASSES[int(probs.argmax())] == name
        ok = ok and good
        scores = dict(zip(CLASSES, np.round(probs, 4).tolist(), strict=True))
        print(f"OpenVINO CPU: images/{name}.png -> {scores} {'OK' if good else 'FAIL'}")

    drawn_ok, drawn_total = 0, 0
    for kind in range(3):
        for filled, pen, colour in [
            (False, 2.0, (0.0, 0.0, 0.0)),
            (False, 5.0, (0.0, 0.0, 0.0)),
            (True, 0.0, (0.0, 0.0, 0.0)),
            (True, 0.0, (200.0, 30.0, 30.0)),
            (True, 0.0, (40.0, 160.0, 60.0)),
            (False, 3.0, (30.0, 30.0, 220.0)),
        ]:
            drawn_total += 1
            drawn_ok += int(classify(qpainter_like(kind, filled, pen, colour)).argmax() == kind)
    print(f"OpenVINO CPU: QPainter-like drawings on white 200x200 resized to 64x64: {drawn_ok}/{drawn_total}")
    ok = ok and drawn_ok == drawn_total

    images, labels = random_batch(np.random.default_rng(SEED + 2), N_VERIFY)
    predictions = [int(classify(img.transpose(1, 2, 0)).argmax()) for img in images]
    correct = int((np.array(predictions) == labels).sum())
    acc = correct / N_VERIFY
    print(
        f"OpenVINO CPU: {N_VERIFY} fresh random images: accuracy {acc:.4f} "
        f"{'OK' if acc >= MIN_VERIFY_ACCURACY else 'FAIL'}"
    )
    return ok and acc >= MIN_VERIFY_ACCURACY


def main() -> int:
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(2)
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    net = train(rng)
    print(f"training took {time.perf_counter() - start:.1f} s")

    SAMPLES.mkdir(parents=True, exist_ok=True)
    ov.save_model(convert(net), OUT_XML, compress_to_fp16=False)
    size = OUT_XML.stat().st_size + OUT_XML.with_suffix(".bin").stat().st_size
    print(f"saved {OUT_XML.relative_to(REPO_ROOT)} + .bin ({size / 1024:.1f} KiB together)")

    IMAGES.mkdir(parents=True, exist_ok=True)
    examples: dict[str, np.ndarray] = {}
    for name, spec in EXAMPLES.items():
        path = IMAGES / f"{name}.png"
        write_png(path, np.round(render(spec)).astype(np.uint8))
        examples[name] = read_png(path).astype(np.float32)
        print(f"wrote {path.relative_to(REPO_ROOT)} ({path.stat().st_size} B)")
    return 0 if verify(OUT_XML, examples) else 1


if __name__ == "__main__":
    sys.exit(main())
