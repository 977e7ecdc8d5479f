"""``ovexplorer run``: typed values, files, pictures, dynamic shapes, JSON, saved outputs, and exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from models_run import make_classifier_ir, make_dynamic_ir, make_linear_ir

from ovexplorer.cli import main


@pytest.fixture
def linear(tmp_path: Path) -> Path:
    return make_linear_ir(tmp_path / "linear.xml")


def test_typed_values_text(linear: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(linear), "--input", "x=2,3", "--precision", "f32"]) == 0
    out = capsys.readouterr().out
    assert "x  [1,2]  f32  <- values 2,3" in out
    assert "y  [1,1]  f32" in out and "values: [[19.]]" in out
    assert "compiled in" in out and "inference" in out


def test_json_and_save_outputs(linear: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    x = tmp_path / "x.npy"
    np.save(x, np.array([[1.0, 1.0]], np.float32))
    out_dir = tmp_path / "out"
    args = ["run", str(linear), "-d", "CPU", "--input", f"x={x}", "--json", "--save-outputs", str(out_dir)]
    assert main([*args, "--precision", "f32"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["device"] == "CPU" and data["compile_seconds"] > 0 and data["infer_seconds"] > 0
    assert data["inputs"]["x"] == {"shape": [1, 2], "element_type": "f32", "source": "x.npy"}
    y = data["outputs"]["y"]
    assert y["values"] == [[8.0]] and y["statistics"]["mean"] == 8.0
    assert np.load(out_dir / "y.npy").tolist() == [[8.0]]


def test_random_default_is_seeded(linear: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(linear), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["run", str(linear), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["inputs"]["x"]["source"].startswith("random uniform")
    assert first["outputs"]["y"]["values"] == second["outputs"]["y"]["values"]


def test_picture_top_classes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PySide6.QtGui import QColor, QImage

    model = make_classifier_ir(tmp_path / "colours.xml")
    picture = tmp_path / "green.png"
    image = QImage(30, 20, QImage.Format.Format_RGB888)
    image.fill(QColor(0, 200, 0))
    assert image.save(str(picture))
    assert main(["run", str(model), "--input", str(picture), "--json", "--softmax"]) == 0  # routed to the image input
    data = json.loads(capsys.readouterr().out)
    top = data["outputs"]["scores"]["top"]
    assert top[0]["label"] == "green" and top[0]["score"] > 0.99
    assert len(top) == 3 and "top" not in data["outputs"]["feature"]


def test_dynamic_input_needs_shape_or_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = make_dynamic_ir(tmp_path / "dyn.xml")
    assert main(["run", str(model)]) == 2
    assert "give --shape data=d1,d2,..." in capsys.readouterr().err
    assert main(["run", str(model), "--shape", "data=2,3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outputs"]["doubled"]["shape"] == [2, 3]
    csv = tmp_path / "d.csv"
    csv.write_text("1,2,3\n4,5,6\n7,8,9\n")
    assert main(["run", str(model), "--input", f"data={csv}", "--input", "ids=1,2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outputs"]["doubled"]["values"][2] == [14.0, 16.0, 18.0]
    assert data["outputs"]["ids_out"]["values"] == [2, 3]
    assert main(["run", str(model), "--shape", "data=2,4"]) == 2
    assert "dimension 1 cannot be 4" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: ("x=2,3,4", None), "Typed values for x: 3 numbers, but input x expects 2"),
        (lambda d: (f"x={d / 'empty.npy'}", b""), "empty.npy is empty (0 bytes)"),
        (lambda d: (f"x={d / 'bad.png'}", b"not a png"), "bad.png cannot be decoded"),
        (lambda d: ("nope=1,2", None), "no input named nope"),
    ],
)
def test_bad_inputs_exit_2(linear: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message) -> None:
    arg, content = make(tmp_path)
    if content is not None:
        Path(arg.split("=", 1)[1]).write_bytes(content)
    assert main(["run", str(linear), "--input", arg]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_failing_device_exits_2(linear: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(linear), "-d", "NOPE"]) == 2
    assert "NOPE could not compile linear" in capsys.readouterr().err


def test_unnamed_file_goes_to_the_input_it_fits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = make_dynamic_ir(tmp_path / "dyn.xml")
    ids = tmp_path / "ids.npy"
    np.save(ids, np.array([10, 20]))
    data = tmp_path / "data.npy"
    np.save(data, np.ones((2, 3), np.float32))
    assert main(["run", str(model), "--input", str(ids), "--input", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["inputs"]["ids"]["source"] == "ids.npy" and out["inputs"]["data"]["shape"] == [2, 3]
    assert out["outputs"]["ids_out"]["values"] == [11, 21]
    bad = tmp_path / "bad.npy"
    np.save(bad, np.ones((4, 4)))
    assert main(["run", str(model), "--input", str(bad)]) == 2
    assert "bad.npy fits none of the inputs" in capsys.readouterr().err
