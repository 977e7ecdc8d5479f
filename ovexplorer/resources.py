"""Where the bundled resources (sample models, icons) live, in a source tree, a wheel or a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources`` folder: inside the package when installed, beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    candidates = [here / "resources", here.parent / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.insert(0, Path(frozen) / "resources")
    for candidate in candidates:
        if (candidate / "samples").is_dir():
            return candidate
    return candidates[-1]


def sample_model(name: str = "regression") -> Path:
    """Path of a bundled sample IR, e.g. ``sample_model("shapes")``."""
    return resources_dir() / "samples" / f"{name}.xml"
