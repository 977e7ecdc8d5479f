"""Class names: from the model's rt_info (``model_info/labels``, an Ultralytics export's ``names``) or a labels
file the user gives (one name a line, or space/comma separated on one line; a JSON list or {index: name} map)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import openvino as ov

from ovexplorer.core.util.errors import InputError

MAX_LABELS_BYTES = 4 * 1024 * 1024


def _split(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if text[0] in "[{":
        try:
            value = json.loads(text)
        except ValueError:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                value = None
        if isinstance(value, dict):
            return [str(value[k]) for k in sorted(value, key=lambda k: int(k))]
        if isinstance(value, list):
            return [str(v) for v in value]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1:
        return lines
    return [p for p in lines[0].replace(",", " ").split() if p]


def labels_from_model(model: ov.Model) -> tuple[list[str], str]:
    """(names, where they came from) from rt_info; ([], "") when the model carries none."""
    for path, origin in ((["model_info", "labels"], "rt_info model_info/labels"),
                         (["framework", "names"], "rt_info framework/names (Ultralytics)")):
        if model.has_rt_info(path):
            try:
                names = _split(str(model.get_rt_info(path).astype(str)))
            except (RuntimeError, TypeError, ValueError):
                continue
            if names:
                return names, origin
    return [], ""


def read_labels_file(path: str | Path, expected: int | None = None) -> list[str]:
    """Class names from a labels file; refused when the count differs from ``expected`` (both counts named)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path.name} does not exist or is not a file.", path=path)
    if path.stat().st_size > MAX_LABELS_BYTES:
        raise InputError(f"{path.name} is too large for a labels file ({path.stat().st_size:,} bytes).", path=path)
    try:
        names = _split(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not a text labels file (not UTF-8).", path=path) from exc
    if not names:
        raise InputError(f"{path.name} holds no class names.", path=path)
    if expected is not None and len(names) != expected:
        raise InputError(f"{path.name} has {len(names)} class names but the model has {expected} classes.",
                         path=path)
    return names
