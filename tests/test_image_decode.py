"""Pictures decoded with Qt for the core preprocessing: formats, transparency, refusals; resize agrees with Qt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from run_helpers import huge_png_header

from ovexplorer.core.run.inputs import resize_image
from ovexplorer.core.util.errors import InputError
from ovexplorer.ui.run.image_decode import array_to_image, decode_image, image_to_array


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".bmp"])
def test_decode_formats(tmp_path: Path, suffix: str) -> None:
    image = QImage(10, 6, QImage.Format.Format_RGB32)
    image.fill(QColor(250, 10, 10))
    path = tmp_path / f"red{suffix}"
    assert image.save(str(path))
    rgb = decode_image(path)
    assert rgb.shape == (6, 10, 3) and rgb.dtype == np.uint8
    assert abs(int(rgb[3, 5, 0]) - 250) < 8 and rgb[3, 5, 1] < 12


def test_transparent_parts_are_white(tmp_path: Path) -> None:
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    path = tmp_path / "clear.png"
    assert image.save(str(path))
    assert decode_image(path).min() == 255


def test_refusals(tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"empty.png is empty \(0 bytes\)"):
        decode_image(empty)
    with pytest.raises(InputError, match=r"huge.png is 20000 x 20000 pixels"):
        decode_image(huge_png_header(tmp_path / "huge.png", 20000, 20000))
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(InputError, match=r"junk.jpg cannot be decoded"):
        decode_image(junk)


def test_core_resize_agrees_with_qt_smooth_scaling() -> None:
    y, x = np.mgrid[0:600, 0:900]
    gradient = np.stack([x * 255 // 900, y * 255 // 600, (x + y) * 255 // 1500], -1).astype(np.uint8)
    for h, w in ((64, 64), (224, 224), (1200, 1800)):
        qt = array_to_image(gradient).scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
        diff = np.abs(resize_image(gradient, h, w) - image_to_array(qt).astype(np.float32))
        assert diff.mean() < 1.0 and diff.max() < 2.0
