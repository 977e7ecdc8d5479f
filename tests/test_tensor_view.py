"""Any output readable: the slicing state (Qt-free), and the Tensors tab after a run — axes, sliders, heatmap with
colour bar and value under the cursor, a line for 1-D slices, the virtual table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from models_vision import make_segmenter_ir, segmentation_logits
from PySide6.QtCore import QPointF

from ovexplorer.core.vision.tensor_slice import LEVEL_SAMPLE, TensorSlice


def test_slices_are_views_with_chosen_axes_and_indices() -> None:
    a = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    s = TensorSlice(a, "t")
    assert (s.rows, s.cols, s.free_axes()) == (2, 3, [0, 1])
    assert np.shares_memory(s.plane(), a) and np.array_equal(s.plane(), a[0, 0])
    s.set_index(1, 2)
    s.set_index(0, 9)  # clipped to the axis
    assert s.describe() == "[1, 2, :, :]" and np.array_equal(s.plane(), a[1, 2])
    s.set_axes(3, 1)  # rows along axis 3, columns along axis 1: transposed view
    assert s.plane().shape == (5, 3) and np.array_equal(s.plane(), a[1, :, 0, :].T)
    assert s.value_at(4, 2) == float(a[1, 2, 0, 4]) and s.value_at(5, 0) is None
    s.set_axes(None, 3)
    assert s.is_line and s.plane().shape == (5,) and s.describe() == "[1, 2, 0, :]"
    with pytest.raises(ValueError, match="two different axes"):
        s.set_axes(1, 1)
    line = TensorSlice(np.arange(7.0).reshape(1, 7))
    assert line.is_line and line.cols == 1


def test_levels_of_a_large_slice_come_from_a_bounded_sample() -> None:
    big = np.zeros((4096, 4096), np.float32)  # 16 M values
    big[::8, ::8] = np.linspace(-3, 5, big[::8, ::8].size).reshape(512, 512)
    big[1, 1] = np.nan
    lo, hi = TensorSlice(big).levels()
    assert lo == -3.0 and hi == 5.0 and big.size > 4 * LEVEL_SAMPLE
    assert TensorSlice(np.full((3, 3), 2.0)).levels() == (2.0, 3.0)  # flat: still a range


pytest.importorskip("model_api", reason="OpenVINO Model API (ovexplorer[vision]) is not installed")


def test_tensors_tab_after_a_run(qtbot, window, tmp_path: Path) -> None:
    from run_helpers import open_in, run

    run_panel = open_in(qtbot, window, make_segmenter_ir(tmp_path / "seg.xml", size=8))
    run(qtbot, run_panel)
    view = window.tensor_view
    assert view.image.image is None  # nothing is drawn while the tab is hidden (a run costs the UI nothing here)
    run_panel.show_side_view(view)
    assert view.output_combo.currentText() == "logits"
    assert view.where.text() == "logits [1, 3, 8, 8] float32: showing [0, 0, :, :]"
    expected = segmentation_logits(8)[0]
    assert np.array_equal(view.image.image, expected[0])
    assert view.colorbar.levels() == (1.0, 2.0)  # channel 0 is all 1: a flat range shown as 1..2
    slider = view.slider_widgets[1]
    slider.setValue(1)  # channel 1: 5 in the top-left quarter
    assert view.where.text().endswith("[0, 1, :, :]") and np.array_equal(view.image.image, expected[1])
    assert view.colorbar.levels() == (0.0, 5.0)
    scene_pos = view.plot.getPlotItem().vb.mapViewToScene(QPointF(1.5, 2.5))  # column 1, row 2
    view.plot.scene().sigMouseMoved.emit(scene_pos)
    assert view.value_label.text() == "row 2, column 1: 5"
    view.tabs.setCurrentIndex(1)
    model = view.table_model
    assert (model.rowCount(), model.columnCount()) == (8, 8)
    assert model.data(model.index(6, 6)) == "0" and model.data(model.index(1, 1)) == "5"
    view.set_axes(None, 3)  # a line along the columns
    assert view.curve.isVisible() and not view.image.isVisible()
    assert np.array_equal(view.curve.yData, expected[1, 0])
    assert (model.rowCount(), model.columnCount()) == (8, 1)


def test_picture_like_output_is_shown_at_the_pictures_size_over_it(qtbot, window, tmp_path: Path) -> None:
    from PySide6.QtGui import QColor
    from run_helpers import drop_on_window, fill_picture, open_in, run

    run_panel = open_in(qtbot, window, make_segmenter_ir(tmp_path / "seg.xml", size=8))
    drop_on_window(qtbot, window, fill_picture(tmp_path / "red.png", QColor(200, 0, 0), (40, 40)))
    run(qtbot, run_panel)
    view = window.tensor_view
    run_panel.show_side_view(view)
    view.slider_widgets[1].setValue(1)
    assert view.overlaid() and view.background.isVisible()
    assert view.image.mapRectToParent(view.image.boundingRect()).getRect() == (0.0, 0.0, 40.0, 40.0)
    assert tuple(view.background.image[10, 10]) == (200, 0, 0)
    scene_pos = view.plot.getPlotItem().vb.mapViewToScene(QPointF(7.5, 12.5))  # picture pixel -> cell (2, 1)
    view.plot.scene().sigMouseMoved.emit(scene_pos)
    assert view.value_label.text() == "row 2, column 1: 5"
    view.over_check.setChecked(False)  # the slice at its own size
    assert not view.background.isVisible()
    assert view.image.mapRectToParent(view.image.boundingRect()).getRect() == (0.0, 0.0, 8.0, 8.0)
