"""Issue 5, item 7: the seed workflow in the window, with the bundled samples.

Regression sample: typing X1 = 2, X2 = 3 and running shows about 19. Shapes sample: dropping a drawn circle
picture shows "circle" first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from run_helpers import draw_picture, drop_on_window, open_in, output_text, run

from ovexplorer.resources import sample_model
from ovexplorer.ui.shell.main_window import MainWindow


def test_regression_sample_typed_2_3_shows_about_19(qtbot, window: MainWindow) -> None:
    panel = open_in(qtbot, window, sample_model("regression"))
    edit = panel.data_edit(0)
    edit.clear()
    qtbot.keyClicks(edit, "2, 3")
    edit.editingFinished.emit()
    run(qtbot, panel)
    y = float(panel.outputs.result.outputs["y"].reshape(-1)[0])
    assert y == pytest.approx(19, abs=0.5)
    assert f"{y:.6g}" in output_text(panel)  # the number is on screen, not only in the result


def test_shapes_sample_drawn_circle_is_circle_first(qtbot, window: MainWindow, tmp_path: Path) -> None:
    panel = open_in(qtbot, window, sample_model("shapes"))
    picture = draw_picture(tmp_path / "my_circle.png", (120, 100), QColor(30, 60, 200), "circle")
    drop_on_window(qtbot, window, picture)
    assert panel.rows[0].source.path == str(picture)
    run(qtbot, panel)
    assert panel.outputs.top_labels()[0] == "circle"
