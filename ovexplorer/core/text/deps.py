"""The language-model libraries (openvino-tokenizers, openvino-genai): imported lazily, their versions checked
against the installed openvino, and a clear message naming both versions and the install command otherwise."""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
from types import ModuleType

from ovexplorer.core.util.errors import OvexplorerError

INSTALL = 'pip install "ovexplorer[llm]"'
#: import name -> distribution name
PACKAGES = {"openvino_tokenizers": "openvino-tokenizers", "openvino_genai": "openvino-genai"}


class TextDependencyError(OvexplorerError):
    """A language-model library is missing or does not match the installed openvino."""


@functools.cache
def _version(distribution: str) -> str | None:
    """The installed version of ``distribution``, looked up once per process: each importlib.metadata lookup leaves
    a small reference cycle, which the window's next gc.freeze kept for good (one per model opened)."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[str, ...]:
    """``2026.4.1.0`` and ``2026.4.1`` -> ``("2026", "4")``: the year.minor that must match openvino's."""
    return tuple(version.split(".")[:2])


def install_command(distribution: str, openvino_version: str) -> str:
    """``pip install "openvino-genai~=2026.4.1"`` matched to ``openvino_version`` (or the extra's command)."""
    base = ".".join(openvino_version.split("-")[0].split(".")[:3])
    return f'pip install "{distribution}~={base}"' if base.count(".") == 2 else INSTALL


def require(module: str) -> ModuleType:
    """Import ``module`` (``openvino_tokenizers`` or ``openvino_genai``) or raise :class:`TextDependencyError`."""
    distribution = PACKAGES[module]
    openvino_version = _version("openvino") or "unknown"
    have = _version(distribution)
    if have is not None and openvino_version != "unknown" and _release(have) != _release(openvino_version):
        raise TextDependencyError(
            f"{distribution} {have} does not match openvino {openvino_version}: install the matching version with "
            f"`{install_command(distribution, openvino_version)}` (or `{INSTALL}`).")
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        found = f"{distribution} {have} is installed but cannot be imported ({exc})" if have else \
            f"{distribution} is not installed"
        raise TextDependencyError(
            f"{found}; language models need it, matched to openvino {openvino_version}: "
            f"`{install_command(distribution, openvino_version)}` (or `{INSTALL}`).") from exc
    except Exception as exc:
        raise TextDependencyError(
            f"{distribution} {have or '(unknown version)'} failed to load with openvino {openvino_version}: "
            f"{exc}. Install the matching version: `{install_command(distribution, openvino_version)}`.") from exc


def available(module: str) -> bool:
    """Whether ``module`` imports and matches openvino (no exception)."""
    try:
        require(module)
    except TextDependencyError:
        return False
    return True
