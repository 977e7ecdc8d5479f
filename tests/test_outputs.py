"""Output views (core): statistics, classification shapes, labels, top-k, image planes, saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ovexplorer.core.run import outputs


def test_statistics_ignore_nan_and_count_them() -> None:
    s = outputs.statistics(np.array([1.0, 3.0, np.nan, np.inf]))
    assert (s.min, s.max, s.mean, s.nan, s.inf, s.count) == (1.0, 3.0, 2.0, 1, 1, 4)
    assert "NaN 1" in s.text() and "min 1" in s.text()


def test_classification_shapes() -> None:
    assert outputs.is_classification((1, 3)) and outputs.is_classification((1000,))
    assert outputs.is_classification((1, 10, 1, 1))
    assert not outputs.is_classification((1, 1)) and not outputs.is_classification((2, 3))
    assert not outputs.is_classification((1, 1, 8, 8))


def test_labels_and_top_k() -> None:
    rt = {"model_info": {"labels": "circle square triangle"}}
    labels = outputs.labels_from_rt_info(rt, 3)
    assert labels == ["circle", "square", "triangle"]
    assert outputs.labels_from_rt_info(rt, 4) is None
    assert outputs.labels_from_rt_info({"model_info": {"labels": "a cat, a dog"}}, 2) == ["a cat", "a dog"]
    top = outputs.top_k(np.array([[1.0, 3.0, 2.0]]), 2, labels=labels)
    assert [(c.label, c.score) for c in top] == [("square", 3.0), ("triangle", 2.0)]
    soft = outputs.top_k(np.array([0.0, 0.0]), apply_softmax=True)
    assert [c.score for c in soft] == [0.5, 0.5] and soft[0].label == "class 0"


def test_image_plane_scales_to_bytes() -> None:
    a = np.zeros((1, 2, 3, 4), np.float32)
    a[0, 1, 0, 0] = 5.0
    assert outputs.image_layout(a.shape) == "NCHW" and outputs.channel_count(a.shape) == 2
    plane = outputs.image_plane(a, channel=1)
    assert plane.shape == (3, 4) and plane[0, 0] == 255 and plane[1, 1] == 0
    assert outputs.image_layout((1, 16, 16, 3)) == "NHWC" and outputs.channel_count((1, 16, 16, 3)) == 3
    assert outputs.image_plane(np.ones((1, 2, 2, 1)), 0).max() == 0  # flat -> black, no division by zero


def test_save_npy_round_trip(tmp_path: Path) -> None:
    p = outputs.save_npy(tmp_path / "sub" / "out", np.arange(4))
    assert p.name == "out.npy" and np.load(p).tolist() == [0, 1, 2, 3]
    assert [f.name for f in p.parent.iterdir()] == ["out.npy"]  # no temporary file left behind
    assert outputs.safe_file_name("a/b:c") == "a_b_c"


def test_values_text_only_for_small_outputs() -> None:
    assert outputs.values_text(np.array([[19.0]])) == "[[19.]]"
    assert outputs.values_text(np.zeros(1000)) == ""
