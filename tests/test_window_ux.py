"""The window as a newcomer meets it: sizes, docks, remembered layout, Quit / Close Window, the loading state,
error dialogs, Help pages, the View menu's graph keys, and what dragging files over the window shows."""

from __future__ import annotations

import itertools
from pathlib import Path

import openvino as ov
import openvino.opset13 as ops
import pytest
from models_graph import make_transformer_ir
from models_run import make_classifier_ir
from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDragLeaveEvent, QHelpEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip
from qt_helpers import drop_files
from run_helpers import fill_picture

from ovexplorer.resources import sample_model
from ovexplorer.ui.shell.main_window import MainWindow

TIMEOUT = 30000


def _open(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=TIMEOUT):
        window.open_path(path)


def _click_tab(qtbot, window: MainWindow, title: str) -> None:
    bar = window.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i).replace("&", "") == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index


def _new_window(qtbot) -> MainWindow:
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _activate(qtbot, window: MainWindow) -> None:
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow)


def _menu_action(window: MainWindow, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == menu_title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


# -- window, docks and sizes ---------------------------------------------------------------------------
def test_window_fits_half_a_1920_screen_on_every_tab(qtbot, window: MainWindow) -> None:
    _open(qtbot, window, sample_model("regression"))
    hint = window.minimumSizeHint()
    assert hint.width() <= 900 and hint.height() <= 690, hint  # 1280x720 with a title bar, or half of 1920
    window.resize(900, 660)
    for title in ("Graph", "Summary", "Weights", "Run", "Latency"):
        _click_tab(qtbot, window, title)
        qtbot.wait(20)
        assert window.width() == 900, title  # no tab forces the window wider
    latency = window.latency_panel
    live = latency.tabs.widget(0)
    for button in (latency.start_button, latency.clear_button, latency.export_csv_button):
        right = button.mapTo(live, QPoint(button.width(), 0)).x()
        assert button.isVisible() and right <= live.width(), button.text()  # the row wrapped, nothing cut off


def test_inspector_is_readable_keys_by_word_json_as_rows_long_values_elided(qtbot, window: MainWindow,
                                                                             tmp_path: Path) -> None:
    inspector = window.inspector
    assert inspector.width() >= 220
    long_value = "x" * 150 + " the end"
    x = ops.parameter([1, 2], ov.Type.f32, name="x")
    model = ov.Model([ops.result(ops.relu(x))], [x], "rt")
    model.set_rt_info("pytorch", ["conversion_parameters", "framework"])
    model.set_rt_info("True", ["conversion_parameters", "is_python_object"])
    model.set_rt_info(long_value, ["long_value_key"])
    path = tmp_path / "rt.xml"
    ov.save_model(model, str(path))
    _open(qtbot, window, path)
    window.resize(1000, 700)
    qtbot.wait(20)
    text = inspector.text()
    lines = [line.strip() for line in text.splitlines()]
    assert "conversion_parameters" in lines  # a heading row, then a row per key
    assert lines[lines.index("framework") + 1] == "pytorch"  # a row of its own: key, then value
    assert long_value not in text and "xxx…" in text
    # No word is broken letter by letter: each key's word sits on one line.
    browser = inspector.browser
    doc = browser.document()
    for word in ("OpenVINO", "conversion", "framework", "pytorch"):
        found = doc.find(word, 0, QTextDocument.FindFlag.FindCaseSensitively)
        if found.isNull():
            continue
        start = QTextCursor(found)
        start.setPosition(found.selectionStart())
        end = QTextCursor(found)
        end.setPosition(found.selectionEnd())
        assert browser.cursorRect(start).top() == browser.cursorRect(end).top(), word
    # The elided value's tooltip holds the whole text, as the user sees it on hover.
    found = doc.find("xxx…")
    cursor = QTextCursor(found)
    cursor.setPosition(found.selectionStart() + 1)
    pos = browser.cursorRect(cursor).center()
    QApplication.sendEvent(browser.viewport(),
                           QHelpEvent(QEvent.Type.ToolTip, pos, browser.viewport().mapToGlobal(pos)))
    assert QToolTip.text() == long_value
    QToolTip.hideText()


def test_layout_is_remembered_and_a_second_window_inherits_it(qtbot, window: MainWindow) -> None:
    window.resize(1010, 690)
    window.resizeDocks([window.inspector], [333], Qt.Orientation.Horizontal)
    _click_tab(qtbot, window, "Run")
    window.run_panel.splitter.setSizes([450, 400])
    left = window.run_panel.splitter.sizes()[0]
    qtbot.wait(20)
    inspector_width = window.inspector.width()
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # Close Window
    assert not window.isVisible()
    second = _new_window(qtbot)
    assert (second.width(), second.height()) == (1010, 690)
    assert second.tabs.currentWidget() is second.run_panel  # opens on the tab the user had
    assert abs(second.inspector.width() - inspector_width) <= 2
    assert second.run_panel.splitter.sizes()[0] == left
    second.showMaximized()
    qtbot.waitUntil(second.isMaximized)
    second.close()
    third = _new_window(qtbot)
    assert third.isMaximized()


def test_second_window_from_the_manager_inherits_the_front_one(qtbot, qt_settings) -> None:
    from ovexplorer.ui.shell.app import WindowManager

    manager = WindowManager()
    first = manager.new_window()
    qtbot.addWidget(first)
    first.resize(950, 640)
    first.resizeDocks([first.inspector], [300], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    second = manager.new_window()  # the first stays open
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (950, 640)
    assert abs(second.inspector.width() - first.inspector.width()) <= 2


def test_ctrl_q_quits_every_window_ctrl_w_closes_one(qtbot, qt_settings, monkeypatch) -> None:
    quits = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(1)))
    a, b, c = _new_window(qtbot), _new_window(qtbot), _new_window(qtbot)
    assert _menu_action(a, "File", "Close Window").shortcut().toString() != ""
    _activate(qtbot, c)  # keys go to the window in front
    qtbot.keyClick(c, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not c.isVisible() and a.isVisible() and b.isVisible() and not quits
    _activate(qtbot, a)
    qtbot.keyClick(a, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not a.isVisible() and not b.isVisible()
    assert quits == [1]


def test_error_dialog_is_centred_on_its_window(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.move(140, 60)
    window.resize(1000, 660)
    qtbot.wait(20)
    bad = tmp_path / "bad.xml"
    bad.write_text("<net")
    with qtbot.waitSignal(window.load_failed, timeout=TIMEOUT):
        window.open_path(bad)
    box = window.error_box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    qtbot.wait(20)
    centre, box_centre = window.frameGeometry().center(), box.frameGeometry().center()
    assert abs(centre.x() - box_centre.x()) <= 4 and abs(centre.y() - box_centre.y()) <= 4, (centre, box_centre)
    box.close()


def test_loading_shows_the_loading_state_on_the_tab_the_user_had(qtbot, window: MainWindow, tiny_ir: Path,
                                                                 held_load) -> None:
    release = held_load
    _click_tab(qtbot, window, "Summary")
    window.open_path(tiny_ir)
    try:
        assert "Opening tiny.xml" in window.summary_panel.text()
        assert "No model is open" not in window.summary_panel.text()
        assert window.graph_panel.message.text() == "Opening tiny.xml…"
        assert "Opening tiny.xml" in window.inspector.text()
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.document is not None, timeout=TIMEOUT)
    assert window.tabs.currentWidget() is window.summary_panel  # not switched to Graph
    assert "[1,3,8,8]" in window.summary_panel.text()


def test_a_failed_load_restores_the_empty_state(qtbot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<net")
    with qtbot.waitSignal(window.load_failed, timeout=TIMEOUT):
        window.open_path(bad)
    assert "No model is open" in window.summary_panel.text()
    assert "No model is open" in window.graph_panel.message.text()
    window.error_box.close()


# -- help and discoverability --------------------------------------------------------------------------
def test_help_has_a_shortcut_sheet_and_first_steps(qtbot, window: MainWindow) -> None:
    help_titles = [a.text().replace("&", "") for a in
                   next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help").actions()]
    assert "First Steps" in help_titles and "Keyboard Shortcuts" in help_titles
    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    sheet = window.help_dialog
    assert sheet is not None and sheet.isVisible()
    lines = sheet.text().splitlines()
    rows = dict(itertools.pairwise(lines))  # each entry's text is followed by its keys
    for what, keys in (("Open…", "Ctrl+O"), ("Quit", "Ctrl+Q"), ("Fit to Window", "Ctrl+0"),
                       ("Minimap", "Ctrl+M"), ("Inspector", "Ctrl+I"), ("Run", "F5 or Ctrl+R"),
                       ("Keyboard Shortcuts", "Ctrl+/"), ("Find a node by name, type or tensor", "Ctrl+F")):
        assert rows.get(what.rstrip("…")) == keys, (what, rows.get(what.rstrip("…")))
    assert rows["Close Window"].startswith("Ctrl+W")
    sheet.close()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    steps = window.help_dialog
    assert steps is not None and steps is not sheet and steps.isVisible()
    for heading in ("1. Open a model", "2. Inspect it", "3. Run it", "4. Time it"):
        assert heading in steps.text()
    assert "href" not in steps.browser.toHtml()  # offline: no link out
    steps.close()


@pytest.fixture(scope="module")
def big_graph(tmp_path_factory) -> Path:
    return make_transformer_ir(tmp_path_factory.mktemp("ux") / "t12.xml", 12)


def test_view_menu_graph_keys_work_wherever_the_graph_is_shown(qtbot, window: MainWindow, big_graph: Path) -> None:
    panel = window.graph_panel
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        window.open_path(big_graph)
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.expand_all()
    for text, keys in (("Fit to Window", "Ctrl+0"), ("Zoom In", "Ctrl++"), ("Zoom Out", "Ctrl+-"),
                       ("Minimap", "Ctrl+M"), ("Inspector", "Ctrl+I")):
        action = _menu_action(window, "View", text)
        assert action.shortcut().toString() == keys and action.isEnabled(), text
    view = window.inspector.browser
    view.setFocus()  # the focus is in the Inspector, not in the graph
    assert not panel.view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    fitted = panel.view.current_scale()
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert panel.view.current_scale() > fitted
    qtbot.keyClick(view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert panel.view.current_scale() == pytest.approx(fitted)
    assert not panel.view.minimap.isVisible()  # the whole graph is in view
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert panel.view.minimap.isVisible()  # part of it is out of view
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert not panel.view.minimap.isVisible()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.collapse_all()
    with qtbot.waitSignal(panel.layout_ready, timeout=TIMEOUT):
        panel.expand_all()
    assert not panel.view.minimap.isVisible()  # stays off across layouts
    qtbot.keyClick(view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert panel.view.minimap.isVisible()
    # with the graph itself focused the keys still work (the view's own bindings do not make them ambiguous)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert panel.view.current_scale() > fitted
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert not window.inspector.isVisible()
    _click_tab(qtbot, window, "Summary")
    assert not _menu_action(window, "View", "Fit to Window").isEnabled()  # the graph is not shown


def _drag(widget, paths: list[Path]) -> QDragEnterEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDragEnterEvent(widget.rect().center(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event


def test_dragging_files_over_the_window_shows_where_they_go(qtbot, window: MainWindow, tiny_ir: Path,
                                                            tmp_path: Path) -> None:
    overlay = window.drop_overlay
    assert not overlay.isVisible()
    event = _drag(window, [tiny_ir])
    assert event.isAccepted() and overlay.isVisible() and overlay.accepted
    assert overlay.text == "Drop to open tiny.xml"
    assert overlay.geometry() == window.centralWidget().geometry()
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not overlay.isVisible()
    other = tmp_path / "notes.docx"
    other.write_bytes(b"x")
    event = _drag(window, [other])
    assert not event.isAccepted() and overlay.isVisible() and not overlay.accepted
    assert overlay.text == "notes.docx is not a model to open"
    window.grab()  # paints
    QApplication.sendEvent(window, QDragLeaveEvent())
    # over the graph (whose scene takes any drag): a model dropped there opens
    with qtbot.waitSignal(window.document_changed, timeout=TIMEOUT):
        assert drop_files(window.graph_panel.view.viewport(), [tiny_ir])
    assert not overlay.isVisible()


def test_a_picture_dropped_on_the_graph_goes_to_run(qtbot, window: MainWindow, tmp_path: Path) -> None:
    colours = make_classifier_ir(tmp_path / "colours.xml")
    _open(qtbot, window, colours)
    assert window.tabs.currentWidget() is window.graph_panel
    picture = fill_picture(tmp_path / "red.png", QColor(200, 0, 0))
    event = _drag(window.graph_panel.view.viewport(), [picture])
    assert event.isAccepted() and window.drop_overlay.text.startswith("Drop to load red.png as a model input")
    panel = window.run_panel
    with qtbot.waitSignal(panel.inputs_changed, timeout=20000):
        assert drop_files(window.graph_panel.view.viewport(), [picture], QPoint(40, 40))
    qtbot.waitUntil(lambda: panel._loads == 0, timeout=20000)
    assert window.tabs.currentWidget() is panel
    assert panel.data_edit(0).text() == "red.png  (24 x 16 picture)"



def test_a_narrow_window_keeps_the_inspector_to_a_quarter_of_it(qtbot, window: MainWindow) -> None:
    """At 900 px the 320 px Inspector took a third of the window and the Run tab scrolled sideways; narrowing the
    window now narrows the dock to a quarter (a width the user drags it to afterwards is theirs)."""
    window.resize(1400, 800)
    window.resizeDocks([window.inspector], [320], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(window.inspector.width() - 320) <= 2)
    window.resize(900, 650)
    qtbot.waitUntil(lambda: window.inspector.width() <= 900 // 4 + 2)
    assert window.inspector.width() >= 220  # never narrower than a key/value table can be read at
    window.resizeDocks([window.inspector], [300], Qt.Orientation.Horizontal)  # the user drags it wider
    qtbot.wait(50)
    assert abs(window.inspector.width() - 300) <= 2
    window.resize(1400, 800)  # widening the window leaves the dock as it is
    qtbot.wait(50)
    assert abs(window.inspector.width() - 300) <= 2
