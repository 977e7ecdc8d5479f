"""README's Quick start is what CI runs on a fresh Debian 12 (.ci/fresh_machine.sh): two commands, as CI reads them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_blocks():
    """``.ci/readme_blocks.py``, the module CI extracts the commands with."""
    spec = importlib.util.spec_from_file_location("readme_blocks", ROOT / ".ci" / "readme_blocks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _blocks() -> list[str]:
    return _readme_blocks().quick_start_blocks((ROOT / "README.md").read_text(encoding="utf-8"))


def test_quick_start_is_two_commands_ci_can_run() -> None:
    first, second = _blocks()
    assert first.count("\n") == 1 and second.count("\n") == 1  # one command line each
    steps = [s.strip() for s in first.strip().split("&&")]
    assert steps[0] == "sudo apt-get update" and steps[1].startswith("sudo apt-get install -y python3-venv ")
    assert steps[2:] == ["python3 -m venv .venv", '.venv/bin/pip install -e ".[test]"', ".venv/bin/ovexplorer"]
    assert "fonts-dejavu-core" in steps[1] and "libxcb-cursor0" in steps[1]  # a font; the library Qt names wrongly
    assert second.strip() == ".venv/bin/python -m pytest"


def test_blocks_are_read_from_the_quick_start_section_only() -> None:
    module = _readme_blocks()
    text = ("# x\n```bash\nnot this\n```\n## Quick start\n\n```bash\none\n```\ntext\n```\ntwo\n```\n"
            "## Install\n```\nno\n```\n")
    assert module.quick_start_blocks(text) == ["one\n", "two\n"]
    assert module.quick_start_blocks("# nothing here\n") == []
