"""The language-model extra: a missing package or one built for another openvino gets a message naming both
versions and the install command (simulated: the packages are installed in the test environment)."""

from __future__ import annotations

import importlib.metadata
import sys

import pytest

from ovexplorer.core.text import deps
from ovexplorer.core.text.deps import TextDependencyError, available, require


def _versions(monkeypatch: pytest.MonkeyPatch, table: dict[str, str | None]) -> None:
    real = importlib.metadata.version

    def version(name: str) -> str:
        if name in table:
            if table[name] is None:
                raise importlib.metadata.PackageNotFoundError(name)
            return table[name]
        return real(name)

    monkeypatch.setattr(deps.importlib.metadata, "version", version)
    monkeypatch.setattr(deps, "_version", deps._version.__wrapped__)  # the app caches versions; these change


def test_the_installed_packages_match_openvino() -> None:
    assert require("openvino_tokenizers").__name__ == "openvino_tokenizers"
    assert require("openvino_genai").__name__ == "openvino_genai"
    ov = importlib.metadata.version("openvino").split(".")[:2]
    assert importlib.metadata.version("openvino-genai").split(".")[:2] == ov


def test_a_missing_package_names_it_and_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _versions(monkeypatch, {"openvino-genai": None, "openvino": "2026.4.1"})
    monkeypatch.setitem(sys.modules, "openvino_genai", None)  # import fails as if not installed
    with pytest.raises(TextDependencyError) as err:
        require("openvino_genai")
    text = str(err.value)
    assert "openvino-genai is not installed" in text and "openvino 2026.4.1" in text
    assert 'pip install "openvino-genai~=2026.4.1"' in text and 'pip install "ovexplorer[llm]"' in text
    assert not available("openvino_genai")


def test_a_version_mismatch_names_both_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    _versions(monkeypatch, {"openvino-tokenizers": "2025.3.0.0", "openvino": "2026.4.1"})
    with pytest.raises(TextDependencyError) as err:
        require("openvino_tokenizers")
    text = str(err.value)
    assert "openvino-tokenizers 2025.3.0.0 does not match openvino 2026.4.1" in text
    assert 'pip install "openvino-tokenizers~=2026.4.1"' in text


def test_checking_the_versions_again_leaves_no_garbage_cycles() -> None:
    """Each importlib.metadata lookup leaves a small reference cycle; the text feature checks the versions at every
    language model opened, and the window's gc.freeze after each open kept those cycles for good."""
    import gc

    require("openvino_tokenizers")
    require("openvino_genai")
    gc.collect()
    found = []
    for _ in range(3):
        require("openvino_tokenizers")
        require("openvino_genai")
        found.append(gc.collect())  # unreachable objects the checks left behind
    assert found == [0, 0, 0]
