"""The Run panel's state without Qt (issue 13 "thin panels"): rows always from the open model, typed values and
shapes that do not fit kept with the reason, a run refused until they are fixed, outputs out of date when an
input or option changes. Observers are plain callbacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from models_run import make_dynamic_ir, make_language_ir, make_picture_ir

from ovexplorer.core.model.document import open_model
from ovexplorer.core.run.run_state import RunState, parse_shape
from ovexplorer.core.run.session import CompileOptions


@pytest.fixture
def state(tmp_path: Path) -> RunState:
    state = RunState()
    state.open(open_model(make_dynamic_ir(tmp_path / "dynamic.xml")))
    return state


def test_rows_come_from_the_model_opened_last(state: RunState, tmp_path: Path) -> None:
    resets: list[int] = []
    state.reset.connect(lambda: resets.append(len(state.rows)))
    assert [(r.spec.name, r.spec.partial_shape) for r in state.rows] == [("data", "[?,3]"), ("ids", "[2]")]
    state.open(open_model(make_picture_ir(tmp_path / "p.xml", [1, 3, 8, 8])))
    assert [(r.spec.name, r.spec.is_static) for r in state.rows] == [("images", True)] and resets == [1]
    state.open(None)
    assert state.rows == [] and state.document is None and resets == [1, 0]


def test_values_that_do_not_fit_are_kept_with_the_reason_and_block_a_run(state: RunState) -> None:
    changed: list[int] = []
    state.row_changed.connect(changed.append)
    assert state.set_values("ids", "7") == "Typed values for ids: 1 number, but input ids expects 2 ([2] i64)."
    ids = state.rows[1]
    assert ids.source.text == "7" and ids.problem and changed == [1]
    assert state.refusal(infer=True) == ("Not run: fix the input marked in red first (ids).", ids)
    assert state.refusal(infer=False) == ("", None)  # compiling needs no values
    assert state.set_values("ids", "7, 8") == "" and not state.invalid_rows()
    assert state.rows[1].source.text == "7, 8"


def test_a_shape_that_does_not_fit_is_kept_and_blocks_compiling_too(state: RunState) -> None:
    reason, reread = state.type_shape("data", "2,5")
    assert reread is None and reason == (
        "Shape of data: [2,5] does not fit: data expects shape [?,3]; dimension 1 cannot be 5 (given [2,5]).")
    assert state.rows[0].typed_shape == "2,5" and state.rows[0].shape_error == reason
    assert state.refusal(infer=False)[1] is state.rows[0]
    _, reason = parse_shape("data", state.rows[0].spec, "two")
    assert reason == "Shape of data: 'two' is not a list of whole numbers like 1,3,224,224."
    assert state.type_shape("data", "[4, 3]") == ("", None)
    assert state.rows[0].shape == (4, 3) and not state.rows[0].problem
    assert state.chosen_shapes() == {"data": (4, 3)}


def test_outputs_go_out_of_date_when_an_input_or_option_changes(state: RunState) -> None:
    seen: list[str] = []
    state.stale_changed.connect(seen.append)
    state.set_shape(0, (1, 3))
    state.show_outputs(state.key())
    assert state.stale_reason == "" and seen == []
    state.set_values("ids", "4, 5")
    assert seen == ["input ids changed"]
    state.set_options(CompileOptions(device="CPU", profiling=True))
    assert seen[-1] == "input ids changed and the compile options changed"
    state.show_outputs(state.key())  # a new run
    assert seen[-1] == "" and state.stale_reason == ""
    state.set_shape(0, (2, 3))
    assert state.stale_reason == "input data changed"
    state.set_shape(0, (1, 3))  # back as it was: current again
    assert state.stale_reason == "" and seen[-1] == ""


def test_new_rows_take_roles_and_picture_defaults(tmp_path: Path) -> None:
    state = RunState()
    state.open(open_model(make_language_ir(tmp_path / "lm.xml", vocab=50, length=32)))
    kinds = {r.spec.name: (r.source.kind, r.source.role, r.source.high) for r in state.rows}
    assert kinds["input_ids"] == ("random", "token_ids", 49) and kinds["count"][0] == "values"
    yolo = make_picture_ir(tmp_path / "y" / "best.xml", [-1, 3, -1, -1], {"model_type": "YOLO"})
    (yolo.parent / "metadata.yaml").write_text("imgsz: [64, 96]\n")
    state.open(open_model(yolo))
    row = state.rows[0]
    assert row.shape == (1, 3, 64, 96) and row.source.preprocess.scale == (255.0,) * 3
    assert "metadata.yaml imgsz" in row.preprocess_origin


def test_a_decoded_file_sets_a_dynamic_shape_and_random_edits_keep_their_range(tmp_path: Path) -> None:
    import numpy as np

    state = RunState()
    state.open(open_model(make_dynamic_ir(tmp_path / "d.xml")))
    state.take_file("data", str(tmp_path / "x.npy"), tensor=np.zeros((2, 3), np.float32), image=None, thumbnail=None)
    row = state.rows[0]
    assert (row.source.kind, row.shape, row.source.path) == ("file", (2, 3), str(tmp_path / "x.npy"))
    reason, reread = state.type_shape("data", "1,3")  # a file-fed row: the file is read again at [1,3]
    assert (reason, reread) == ("", (1, 3)) and state.rows[0].shape == (2, 3)  # unchanged until it is read
    state.open(open_model(make_language_ir(tmp_path / "lm.xml", vocab=50, length=32)))
    mask = state.row_index("attention_mask")
    assert state.rows[mask].source.role == "attention_mask"
    source = state.set_random(mask, "uniform", 3, 0, 1)
    assert (source.role, source.seed, source.low, source.high) == ("", 3, 0, 1)  # random data after all
    ids = state.row_index("input_ids")
    assert state.set_random(ids, "uniform", 1, 0, 10).role == "token_ids"


def test_a_run_waits_for_files_being_read_and_keeps_the_inputs_it_was_fed(state: RunState, tmp_path: Path) -> None:
    import numpy as np

    assert state.start_refusal(True, loading=True) == ("A file is still being read; run again when it is loaded.",
                                                       None)
    state.set_values("ids", "7")
    assert state.start_refusal(True, loading=False) == ("Not run: fix the input marked in red first (ids).",
                                                        state.rows[1])
    assert state.start_refusal(False, loading=False) == ("", None)
    fed = {"data": np.ones((1, 3), np.float32)}
    state.show_outputs(state.key(), fed)
    assert state.last_inputs is fed
    state.show_outputs(state.key())  # outputs shown again without a new run: the inputs stay
    assert state.last_inputs is fed
    state.open(open_model(make_dynamic_ir(tmp_path / "again.xml")))
    assert state.last_inputs == {}


def test_picture_preprocessing_set_by_the_user_says_so(tmp_path: Path) -> None:
    from ovexplorer.core.run.inputs import ImagePreprocess

    state = RunState()
    state.open(open_model(make_picture_ir(tmp_path / "p.xml", [1, 3, 8, 8])))
    changed: list[int] = []
    state.row_changed.connect(changed.append)
    pre = ImagePreprocess(channel_order="BGR", mean=(1.0, 2.0, 3.0))
    state.set_preprocess("images", pre)
    row = state.rows[0]
    assert (row.source.preprocess, row.preprocess_origin, changed) == (pre, "set by you", [0])
