"""String tensors: shown as text in ``run`` (text and JSON), the Run tab and the weight statistics; a string
constant's size is its bytes in the ``.bin``, and it is never flagged as NaN, Inf or zero."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from models_run import make_strings_ir
from run_helpers import open_in, output_text, run

from ovexplorer.cli import main
from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import summarize
from ovexplorer.core.weights.statistics import compute_weight_stats
from ovexplorer.ui.shell.main_window import MainWindow


@pytest.fixture
def strings(tmp_path: Path) -> Path:
    return make_strings_ir(tmp_path / "strings.xml")


def test_run_json_and_text_show_strings(strings: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["run", str(strings), "--input", "x=1,-1", "--input", 'text=["hello", "wörld, too"]']
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outputs"]["labels"]["values"] == ["circle", "square", "trianglé"]
    assert data["outputs"]["text"]["values"] == ["hello", "wörld, too"]
    assert data["outputs"]["labels"]["statistics"] == {"count": 3, "strings": True}
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "values: ['circle', 'square', 'trianglé']" in out and "b'" not in out and "nan" not in out
    assert main(["run", str(strings), "--input", "x=1,-1", "--input", "text=a,b"]) == 0  # plain comma-separated


def test_run_tab_shows_strings_as_text(qtbot, window: MainWindow, strings: Path) -> None:
    panel = open_in(qtbot, window, strings)
    panel.set_values("x", "1, 2")
    panel.set_values("text", "hello, world")
    run(qtbot, panel, "F5")
    labels, echo = output_text(panel, "labels"), output_text(panel, "text")
    assert "['circle', 'square', 'trianglé']" in labels and "3 strings" in labels
    assert "['hello', 'world']" in echo
    assert "b'" not in labels + echo and "nan" not in (labels + echo).lower()


def test_string_constant_size_is_its_bytes_and_it_is_not_flagged(strings: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    doc = open_model(strings)
    labels = doc.graph.find("labels")
    # in the .bin: a count, 4 offsets and the characters (UTF-8: é is two bytes) = 4 + 16 + 21
    assert labels.const.byte_size == 41
    assert summarize(doc).weight_bytes == {"string": 41}
    row = next(r for r in compute_weight_stats(doc, helpers=False) if r.name == "labels")
    assert row.flags == () and row.nbytes == 41 and "string" in row.note
    assert main(["stats", str(strings)]) == 0
    out = capsys.readouterr().out
    assert "Flagged:     0 constants" in out and "41 B" in out
