"""Decode a picture file with Qt into the H x W x 3 uint8 RGB array the core preprocessing takes.

``QImageReader`` works without a ``QApplication`` and in worker threads, so the CLI uses this too (lazily).
Pictures larger than :data:`~ovexplorer.core.run.inputs.MAX_IMAGE_PIXELS` are refused before decoding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QImageReader, QPainter

from ovexplorer.core.run.inputs import check_image_size
from ovexplorer.core.util.errors import InputError


def image_to_array(image: QImage) -> np.ndarray:
    """A QImage as an H x W x 3 uint8 RGB array (transparent parts over white)."""
    if image.hasAlphaChannel():
        flat = QImage(image.size(), QImage.Format.Format_RGB888)
        flat.fill(Qt.GlobalColor.white)
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    else:
        image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return data[:, : w * 3].reshape(h, w, 3).copy()


def array_to_image(array: np.ndarray) -> QImage:
    """An H x W (gray) or H x W x 3 (RGB) uint8 array as a QImage that owns its pixels."""
    a = np.ascontiguousarray(array, dtype=np.uint8)
    h, w = a.shape[:2]
    fmt = QImage.Format.Format_RGB888 if a.ndim == 3 else QImage.Format.Format_Grayscale8
    return QImage(a.data, w, h, a.strides[0], fmt).copy()


def decode_image(path: str | Path) -> np.ndarray:
    """Read a PNG / JPEG / BMP (any format Qt reads) into an H x W x 3 uint8 RGB array."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path.name} does not exist or is not a file.", path=path)
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty (0 bytes).", path=path)
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    width, height = (size.width(), size.height()) if size.isValid() else (0, 0)
    check_image_size(width, height, path.name)
    image = reader.read()
    if image.isNull():
        raise InputError(
            f"{path.name} cannot be decoded as a picture: {reader.errorString()}.", path=path
        )
    return image_to_array(image)
