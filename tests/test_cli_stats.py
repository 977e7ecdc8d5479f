"""The ``ovexplorer stats`` command: text, JSON and CSV output, --top, and load errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from models_weights import flagged_model, save, square_chain_model

from ovexplorer.cli import main


@pytest.fixture
def flagged_ir(tmp_path: Path) -> Path:
    return save(flagged_model(), tmp_path / "flagged.xml")


def test_stats_text(flagged_ir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(flagged_ir)]) == 0
    out = capsys.readouterr().out
    assert "Parameters:  273" in out
    assert "MACs:        256" in out
    assert "Flagged:     3 constants (nan.weight: NaN, inf.weight: Inf, zero.weight: all zero)" in out
    assert "zero-size constant (shape [0, 8]): no values  empty" in out
    line = next(x for x in out.splitlines() if x.rstrip().endswith("bf16.bias"))
    assert " -2 " in line and " 3 " in line and "25.0%" in line


def test_stats_json_top(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(0)
    ws = [(rng.standard_normal((32, 32)) * 0.1).astype(np.float32) for _ in range(2)]
    path = save(square_chain_model(ws, "u8"), tmp_path / "u8.xml")
    assert main(["stats", str(path), "--json", "--top", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["macs"] == 2 * 32 * 32
    assert data["totals"]["bytes_by_type"]["u8"] == 2 * 32 * 32 + 2 * 32
    assert [c["name"] for c in data["constants"]] == ["layer0.weight", "layer1.weight"]
    first = data["constants"][0]
    assert first["element_type"] == "u8" and first["shape"] == [32, 32]
    assert first["dequantized"]["min"] == pytest.approx(float(ws[0].min()), abs=0.01)
    assert sum(first["stats"]["histogram"]["counts"]) == 32 * 32


def test_stats_csv_nan_is_readable(flagged_ir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(flagged_ir), "--csv"]) == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["nan.weight"]["nan_count"] == "3" and rows["nan.weight"]["flags"] == "NaN"
    assert float(rows["half"]["mean"]) == 0.5 and rows["half"]["shape"] == ""
    assert rows["empty"]["min"] == "" and "zero-size" in rows["empty"]["note"]


def test_stats_bad_file_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xml"
    bad.write_text("<html/>")
    out = subprocess.run([sys.executable, "-m", "ovexplorer", "stats", str(bad)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "notes.xml" in out.stderr


def test_stats_exact_histograms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(4)
    path = save(square_chain_model([rng.standard_normal((160, 160)).astype(np.float32)]), tmp_path / "m.xml")
    assert main(["stats", str(path), "--json"]) == 0
    sampled = json.loads(capsys.readouterr().out)["constants"][0]["stats"]["histogram"]
    # 25,600 values: a sample of at most 1 in 8 (at least 4,096 values): every 7th value.
    assert sampled["stride"] == 7 and sum(sampled["counts"]) == -(-160 * 160 // 7)
    assert main(["stats", str(path), "--json", "--exact-histograms"]) == 0
    exact = json.loads(capsys.readouterr().out)["constants"][0]["stats"]["histogram"]
    assert exact["stride"] == 1 and sum(exact["counts"]) == 160 * 160
