"""``ovexplorer compare`` and ``ovexplorer optimize`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from models_compare import conv_net, mlp, save

from ovexplorer.cli import main


def test_compare_json_points_at_the_perturbed_layer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = save(conv_net(), tmp_path / "a.xml")
    b = save(conv_net(perturb="conv3"), tmp_path / "b.xml")
    np.save(tmp_path / "x.npy", np.random.default_rng(3).random((1, 3, 32, 32), dtype=np.float32))
    assert main(["compare", str(a), str(b), "--input", str(tmp_path / "x.npy"), "--layers", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["matching"]["matched_share"] == 1.0
    assert data["weights"][0]["name"] == "conv3.weight"
    assert {d["name"] for d in data["differences"]} == {"conv3", "conv3.weight"}
    layers = data["layers"]
    first = next(r for r in layers if r["metrics"]["rel_l2"] > 1e-3)
    assert first["name"] == "conv3"
    assert data["outputs"][0]["metrics"]["rel_l2"] > 0.01


def test_compare_text_of_unrelated_models(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = save(conv_net(), tmp_path / "a.xml"), save(mlp(), tmp_path / "b.xml")
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "Matched:     0 of 11 layers of A (0.0%); B has 8" in out
    assert "Output logits: shapes differ" in out
    assert "input x of B takes [1,64]: it gets its own data" in out


def test_compare_bench_reports_a_speedup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = save(conv_net(), tmp_path / "a.xml"), save(conv_net(), tmp_path / "b.xml", fp16=True)
    assert main(["compare", str(a), str(b), "--bench", "--bench-seconds", "0.2", "--bench-rounds", "2",
                 "--json"]) == 0
    bench = json.loads(capsys.readouterr().out)["latency"]
    assert len(bench["rounds_a_ms"]) == len(bench["rounds_b_ms"]) == 2
    assert bench["a_ms"] > 0 and bench["b_ms"] > 0
    assert bench["speedup_low"] <= bench["speedup"] <= bench["speedup_high"]


def test_optimize_then_compare_in_subprocesses(tmp_path: Path) -> None:
    a = save(mlp(), tmp_path / "a.xml")
    out = tmp_path / "a_int8.xml"
    run = subprocess.run([sys.executable, "-m", "ovexplorer", "optimize", str(a), "--weights", "int8", "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"Wrote {out}" in run.stdout and "Compressing weights to INT8" in run.stderr
    cmp = subprocess.run([sys.executable, "-m", "ovexplorer", "compare", str(a), str(out), "--json"],
                         capture_output=True, text=True, timeout=300)
    data = json.loads(cmp.stdout)
    assert data["matching"]["counts"]["same layer, optimized"] == 8  # 4 layers and their 4 weights
    assert all(w["stored_b"] == "u8 → f32" for w in data["weights"])


def test_optimize_refuses_to_overwrite_and_needs_one_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = save(mlp(layers=1), tmp_path / "a.xml")
    assert main(["optimize", str(a), "--weights", "int8", "-o", str(a)]) == 2
    assert "overwrite the model being optimized" in capsys.readouterr().err
    assert main(["optimize", str(a), "-o", str(tmp_path / "o.xml")]) == 2
    assert "give --weights int8|int4 or --quantize int8" in capsys.readouterr().err


def test_optimize_quantizes_with_a_folder_of_pictures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtGui import QImage

    pictures = tmp_path / "pictures"
    pictures.mkdir()
    rng = np.random.default_rng(0)
    for k in range(3):
        pixels = np.ascontiguousarray(rng.integers(0, 255, (40, 50, 3), dtype=np.uint8))
        QImage(pixels.data, 50, 40, 150, QImage.Format.Format_RGB888).copy().save(str(pictures / f"p{k}.png"))
    a = save(conv_net(), tmp_path / "a.xml")
    assert main(["optimize", str(a), "--quantize", "int8", "--calibration", str(pictures), "--subset", "2",
                 "-o", str(tmp_path / "q.xml"), "-q"]) == 0
    captured = capsys.readouterr()
    assert "warning" not in captured.err
    assert (tmp_path / "q.xml").is_file()


def test_the_shapes_sample_quantized_on_its_pictures_still_answers_the_same(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A real model (the trained shapes sample) quantized to INT8 by NNCF on real pictures, then compared on one
    of them: every layer matches, the layers are the same layers optimized, and the answer does not change."""
    root = Path(__file__).resolve().parent.parent / "resources" / "samples"
    out = tmp_path / "shapes_int8.xml"
    assert main(["optimize", str(root / "shapes.xml"), "--quantize", "int8", "--calibration", str(root / "images"),
                 "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["compare", str(root / "shapes.xml"), str(out), "--input", str(root / "images" / "triangle.png"),
                 "--layers", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["matching"]["matched_share"] == 1.0
    assert data["matching"]["counts"]["same layer, optimized"] > 0
    assert data["matching"]["counts"]["only in A"] == data["matching"]["counts"]["only in B"] == 0
    output = data["outputs"][0]
    assert output["top1_agrees"] is True and output["metrics"]["cosine"] > 0.99
    assert data["layers"] and all(r["metrics"] is not None for r in data["layers"])


def test_a_folder_of_pictures_averages_over_its_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parent.parent / "resources" / "samples"
    b = tmp_path / "shapes_fp16.xml"
    import openvino as ov

    ov.save_model(ov.Core().read_model(root / "shapes.xml"), str(b), compress_to_fp16=True)
    assert main(["compare", str(root / "shapes.xml"), str(b), "--input", str(root / "images"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outputs"][0]["note"].startswith("averaged over 3 inputs; top-1 agrees on 3")
    assert "metrics averaged over 3 inputs" in data["input_notes"]
