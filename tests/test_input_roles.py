"""Random data for integer inputs by role (issue 14): token ids 0..vocab-1 from the embedding table they index,
an attention mask of ones, position ids 0..n-1; the CLI ``run`` feeds the same. No Qt here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openvino as ov
import pytest
from models_run import make_language_ir

from ovexplorer.cli import main
from ovexplorer.core.run.input_roles import MASK, POSITIONS, TOKENS, embedding_rows, input_role
from ovexplorer.core.run.inputs import default_random_source, make_tensor
from ovexplorer.core.run.ports import model_inputs


@pytest.fixture
def language(tmp_path: Path) -> Path:
    return make_language_ir(tmp_path / "language.xml", vocab=50, length=32)


def test_roles_and_ranges_from_the_graph(language: Path) -> None:
    model = ov.Core().read_model(language)
    specs = {s.name: s for s in model_inputs(model)}
    assert embedding_rows(model, specs["input_ids"])[0] == 50  # found through the Convert
    ids = input_role(specs["input_ids"], model)
    assert (ids.role, ids.low, ids.high) == (TOKENS, 0, 49) and "50-row table" in ids.why
    assert input_role(specs["attention_mask"], model).role == MASK
    assert input_role(specs["position_ids"], model).role == POSITIONS
    count = input_role(specs["count"], model)
    assert (count.role, count.low, count.high) == ("", 0, 9)


def test_generated_tensors_fit_the_role(language: Path) -> None:
    model = ov.Core().read_model(language)
    tensors = {}
    for i, spec in enumerate(model_inputs(model)):
        tensors[spec.name] = make_tensor(default_random_source(spec, model, seed=i), spec)
    ids = tensors["input_ids"]
    assert ids.dtype == np.int64 and ids.min() >= 0 and ids.max() <= 49
    assert len(np.unique(ids)) > 10  # spread over the vocabulary, not just 0 and 1
    assert tensors["attention_mask"].tolist() == [[1] * 32]
    assert tensors["position_ids"].tolist() == [list(range(32))]
    assert tensors["count"].dtype == np.int32 and 0 <= tensors["count"].min() <= tensors["count"].max() <= 9


def test_names_alone_give_roles_and_other_types_keep_their_defaults() -> None:
    from ovexplorer.core.run.ports import PortSpec

    ids = PortSpec("input_ids", 0, "[1,4]", ((1, 1), (4, 4)), "i64")
    assert input_role(ids).role == TOKENS and input_role(ids).high == 999  # no model: vocabulary unknown
    u8 = PortSpec("pixels", 0, "[4]", ((4, 4),), "u8")
    assert input_role(u8).high == 255
    f32 = PortSpec("x", 0, "[4]", ((4, 4),), "f32")
    assert default_random_source(f32) == default_random_source(f32, None, 0)
    assert (default_random_source(f32).low, default_random_source(f32).high, default_random_source(f32).role) == (
        0.0, 1.0, "")
    beam = PortSpec("beam_idx", 0, "[3]", ((3, 3),), "i32")
    assert make_tensor(default_random_source(beam), beam).tolist() == [0, 1, 2]


def test_cli_run_feeds_token_ids_masks_and_positions(language: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(language), "--json", "--save-outputs", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inputs"]["input_ids"]["source"] == "random token ids 0..49 (seed 0)"
    assert report["inputs"]["attention_mask"]["source"] == "attention mask (ones)"
    assert report["inputs"]["position_ids"]["source"] == "position ids 0..n-1"
    ids = np.load(out / "ids_seen.npy")
    assert ids.max() <= 49 and len(np.unique(ids)) > 10
    assert np.load(out / "mask_seen.npy").tolist() == [[1] * 32]
    assert np.load(out / "positions_seen.npy").tolist() == [list(range(32))]
