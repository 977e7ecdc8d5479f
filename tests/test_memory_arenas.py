"""Checking an IR (ir_check.validate_ir parses it into a tree) and reading it with OpenVINO, again and again, holds
the Python allocator's memory flat (issue 19 §1: ~1 MB more after each open of a 20,000-op IR).

The growth was CPython's free lists: tuples and dicts of the dropped tree kept for reuse pinned the 1 MiB arenas the
tree had filled. Measured in arenas (``sys._debugmallocstats``), which RSS follows without its noise.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from models_graph import blocks_for_ops, make_transformer_ir

from ovexplorer.core.model import ir_check
from ovexplorer.core.model.document import shared_core

OPS = 20000
ROUNDS = 10


def pymalloc_arenas() -> int:
    """The 1 MiB arenas Python's small-object allocator holds now."""
    read, write = os.pipe()
    saved = os.dup(2)
    try:
        os.dup2(write, 2)
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    match = re.search(r"# arenas allocated current\s*=\s*([\d,]+)", b"".join(chunks).decode())
    assert match, "no arena count in sys._debugmallocstats()"
    return int(match.group(1).replace(",", ""))


@pytest.fixture(scope="module")
def big_ir(tmp_path_factory) -> Path:
    return make_transformer_ir(tmp_path_factory.mktemp("arenas") / "transformer.xml", blocks_for_ops(OPS))


@pytest.mark.skipif(not hasattr(sys, "_debugmallocstats"), reason="CPython's allocator statistics")
def test_checking_and_reading_an_ir_again_holds_the_allocator_flat(big_ir: Path) -> None:
    core = shared_core()
    arenas = []
    for _ in range(ROUNDS):
        ir_check.validate_ir(big_ir, big_ir.with_suffix(".bin"))
        model = core.read_model(str(big_ir))
        del model
        arenas.append(pymalloc_arenas())
    # before the fix: one more arena per round (e.g. 17 18 19 ... 24)
    assert arenas[-1] - arenas[1] <= 1, f"pymalloc arenas after each round: {arenas}"
