"""Running a model as OpenVINO runs it: each run starts from a reset state, a dynamic model is compiled as read
(dynamic), a stateful LLM's ``beam_idx`` gets indices into its batch, outputs go by their tensor names."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset13 as ops
import pytest
from models_run import make_dynamic_ir, make_stateful_ir

from ovexplorer.cli import main
from ovexplorer.core.bench.benchmark import default_inputs
from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.summary import format_summary, summarize
from ovexplorer.core.run.inputs import fit_beam_idx
from ovexplorer.core.run.ports import port_specs
from ovexplorer.core.run.session import CompileOptions, compile_session, needs_static_shapes

X = np.random.default_rng(3).standard_normal((1, 3, 16)).astype(np.float32)
BEAM = np.array([0], np.int32)


@pytest.fixture
def stateful(tmp_path: Path) -> Path:
    return make_stateful_ir(tmp_path / "stateful.xml")


def _oracle(path: Path, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """OpenVINO alone: the model as read, compiled for CPU, one inference on a fresh request."""
    core = ov.Core()
    request = core.compile_model(core.read_model(str(path)), "CPU").create_infer_request()
    return np.array(request.infer(feeds)[0])


def test_each_run_starts_from_a_reset_state(stateful: Path) -> None:
    session = compile_session(open_model(stateful).model, CompileOptions("CPU"))
    feeds = {"x": X, "beam_idx": BEAM}
    first, = session.infer(feeds).outputs.values()
    second, = session.infer(feeds).outputs.values()
    expected = _oracle(stateful, feeds)
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(second, expected)  # pressing Run twice: the same answer
    continued, = session.infer(feeds, reset=False).outputs.values()  # a sequence: the state carries on
    assert np.abs(continued - expected).max() > 1e-3


def test_cli_run_of_a_stateful_model_matches_openvino(stateful: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    np.save(tmp_path / "x.npy", X)
    assert main(["run", str(stateful), "--input", f"x={tmp_path / 'x.npy'}", "--shape", "beam_idx=1", "--json",
                 "--save-outputs", str(tmp_path / "out")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"]["beam_idx"]["shape"] == [1]  # random beam_idx, within the batch
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "logits.npy"),
                                  _oracle(stateful, {"x": X, "beam_idx": BEAM}))


def test_dynamic_model_is_compiled_as_read(tmp_path: Path) -> None:
    path = make_dynamic_ir(tmp_path / "dynamic.xml")
    model = open_model(path).model
    session = compile_session(model, CompileOptions("CPU"), {"data": (2, 3)})
    assert session.compiled.inputs[0].get_partial_shape() == ov.PartialShape([-1, 3])  # still dynamic
    assert session.inputs[0].static_shape is None
    core = ov.Core()
    oracle = core.compile_model(core.read_model(str(path)), "CPU").create_infer_request()
    ids = np.array([4, 5], np.int64)
    for rows in (2, 5):  # other shapes on the same compile
        data = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3)
        got = session.infer({"data": data, "ids": ids}).outputs
        want = oracle.infer({0: data, 1: ids})
        np.testing.assert_array_equal(got["doubled"], want[0])
        np.testing.assert_array_equal(got["ids_out"], want[1])
    fixed = compile_session(model, CompileOptions("CPU"), {"data": (2, 3)}, fixed_shapes=True)
    assert fixed.compiled.inputs[0].get_partial_shape() == ov.PartialShape([2, 3])


def test_stateful_llm_layer_runs_dynamic_and_equals_openvino(stateful: Path) -> None:
    session = compile_session(open_model(stateful).model, CompileOptions("CPU"), {"x": X.shape, "beam_idx": (1,)})
    assert session.compiled.inputs[0].get_partial_shape().is_dynamic
    np.testing.assert_array_equal(session.infer({"x": X, "beam_idx": BEAM}).outputs["logits"],
                                  _oracle(stateful, {"x": X, "beam_idx": BEAM}))


def test_static_only_devices() -> None:
    assert needs_static_shapes("NPU") and needs_static_shapes("HETERO:GPU,NPU") and needs_static_shapes("NPU.0")
    assert not needs_static_shapes("CPU") and not needs_static_shapes("GPU.1") and not needs_static_shapes("AUTO")


def test_cli_run_static_flag_reshapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_dynamic_ir(tmp_path / "dynamic.xml")
    for extra in ([], ["--static"]):
        assert main(["run", str(path), "--shape", "data=2,3", "--input", "ids=1,2", "--json", *extra]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["outputs"]["doubled"]["shape"] == [2, 3]


def test_beam_idx_is_within_the_batch() -> None:
    spec = port_specs(list(stateful_model_inputs()), "input")[1]
    assert spec.name == "beam_idx"
    for batch in (1, 2, 5):
        values = fit_beam_idx(spec, np.arange(7, 7 + batch, dtype=np.int32))
        assert values.dtype == np.int32 and values.min() >= 0 and values.max() < batch
    other = port_specs(list(stateful_model_inputs()), "input")[0]
    same = np.ones(3, np.float32)
    assert fit_beam_idx(other, same) is same


def stateful_model_inputs():
    from models_run import stateful_model

    return stateful_model().inputs


def test_bench_runs_a_stateful_llm(stateful: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", str(stateful), "--shape", "x=1,3,16", "--shape", "beam_idx=1", "--niter", "5"]
    for seed in range(4):  # before: random beam_idx in 0..1 -> "beam_idx 1 is outside of the allowed interval"
        assert main([*args, "--seed", str(seed)]) == 0, capsys.readouterr().err
        capsys.readouterr()
    session = compile_session(open_model(stateful).model, CompileOptions("CPU"), {"x": (2, 3, 16), "beam_idx": (2,)},
                              fixed_shapes=True)
    for seed in range(6):
        assert set(default_inputs(session, seed)["beam_idx"].tolist()) <= {0, 1}


def test_outputs_go_by_their_tensor_name_not_the_results(stateful: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = open_model(stateful)
    summary = summarize(doc)
    assert summary.outputs[0].name == "logits" and set(summary.outputs[0].names) == {"Result_7", "logits"}
    assert "  logits, Result_7  [?,2,?,8]  f32" in format_summary(summary)
    assert [s.name for s in port_specs(list(doc.model.outputs), "output")] == ["logits"]
    session = compile_session(doc.model, CompileOptions("CPU"))
    assert [s.name for s in session.outputs] == ["logits"]
    # an input keeps its Parameter's name when that is one of its tensor names
    x = ops.parameter([2], ov.Type.f32, name="b_input")
    x.output(0).get_tensor().set_names({"a_alias", "b_input"})
    assert port_specs(list(ov.Model([ops.result(x)], [x]).inputs), "input")[0].name == "b_input"
