"""The Latency tab is readable for what a user runs (issue 14, Latency): an early outlier does not squash a fast
model's plot (the axis reaches the p99 with a margin, outliers are marked on the top edge), a sub-millisecond
model reads in µs, the streams and requests the device chose under "auto" are shown after compiling, and the
Profile's "Share" column is drawn as a bar."""

from __future__ import annotations

import openvino as ov
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from test_latency_panel import open_latency

from ovexplorer.core.run.session import CompiledSession
from ovexplorer.resources import sample_model
from ovexplorer.ui.latency.share_bar import BAR_COLOR
from ovexplorer.ui.shell.main_window import MainWindow

WINDOW_SIZE = (1280, 860)


class _Scripted:
    """A real infer request whose reported latencies follow a script (ms): a fast model with a few slow ones."""

    def __init__(self, request, script: dict[int, float], usual: float) -> None:
        self._request, self._script, self._usual, self._n = request, script, usual, -1

    def set_input_tensor(self, *args) -> None:
        self._request.set_input_tensor(*args)

    def infer(self):
        self._n += 1
        return self._request.infer()

    @property
    def latency(self) -> float:
        return self._script.get(self._n, self._usual)


def shown_tick_labels(axis) -> list[str]:
    """The labels the axis draws for its current range (major ticks)."""
    levels = axis.tickValues(*axis.range, axis.height())
    spacing, values = levels[0]
    return axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)


def test_an_early_outlier_does_not_squash_a_fast_model_and_it_reads_in_microseconds(qtbot, window: MainWindow,
                                                                                     monkeypatch) -> None:
    panel = open_latency(qtbot, window)
    panel.use_process = False  # the scripted request is patched into this process
    slow = {1: 5.0, 2: 4.0, 700: 3.0}  # the first two measured inferences (0 is the warm-up) and one later: ms
    monkeypatch.setattr(CompiledSession, "create_request",
                        lambda self: _Scripted(self.compiled.create_infer_request(), slow, 0.012))
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("iterations"))
    panel.iterations_spin.setValue(1500)
    with qtbot.waitSignal(panel.run_finished, timeout=30000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    run = panel.series[0].run
    assert run.stats().max == 5.0 and run.stats().median == 0.012
    plot = panel.latency_plot
    low, top = plot.getViewBox().viewRange()[1]
    assert low == 0 and 0.012 < top <= 0.03  # the 12 µs line fills the plot (was 0-5.5 ms: flat on zero)
    # the three slow inferences are marked by triangles on the top edge, where they happened
    marks = panel.series[0].curves["outliers"]
    x, y = marks.getData()
    assert plot.outliers == 3 and sorted((x + marks.pos().x()).tolist()) == [-1499, -1498, -800]  # as drawn
    assert all(top * 0.9 < v <= top for v in y)
    assert panel.series[0].curves["outliers"].isVisible()
    # the axis reads in µs (12 µs, not "0.012" or a bare "(x0.001)")
    axis = plot.getAxis("left")
    assert axis.labelText == "µs" and "x0.001" not in axis.labelString()
    labels = shown_tick_labels(axis)
    assert labels and all(float(t) >= 1 for t in labels if float(t) != 0), labels
    hist = panel.hist_plot
    assert hist.getAxis("bottom").labelText == "µs (log scale)"
    # the histogram's axis ends near the p99 too: the three slow ones are counted in its title, not drawn
    assert hist.beyond == 3 and "(0.2 % > " in hist.getPlotItem().titleLabel.text and "µs not shown" in (
        hist.getPlotItem().titleLabel.text)  # 3 of 1500
    edges = panel.series[0].curves["hist"].xData
    assert 10 ** edges[-1] < 0.05  # log10(ms): the last bin ends below 50 µs, not at 5 ms
    # unticking the run hides its marks with its curves
    panel.stats_table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)
    assert not panel.series[0].curves["outliers"].isVisible()


def test_a_millisecond_model_reads_in_ms_and_without_outliers_shows_everything(qtbot, window: MainWindow,
                                                                                monkeypatch) -> None:
    panel = open_latency(qtbot, window)
    panel.use_process = False
    monkeypatch.setattr(CompiledSession, "create_request",
                        lambda self: _Scripted(self.compiled.create_infer_request(), {5: 2.6}, 2.0))
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("iterations"))
    panel.iterations_spin.setValue(400)
    with qtbot.waitSignal(panel.run_finished, timeout=30000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    _, top = panel.latency_plot.getViewBox().viewRange()[1]
    assert 2.6 < top <= 4  # within 1.5 x p99: not an outlier, it stays in view
    assert panel.latency_plot.outliers == 0 and panel.latency_plot.getAxis("left").labelText == "ms"


def test_the_streams_and_requests_the_device_chose_are_shown(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window)
    core = ov.Core()
    compiled = core.compile_model(core.read_model(str(sample_model("regression"))), "CPU",
                                  {"PERFORMANCE_HINT": "THROUGHPUT"})
    streams, requests = int(compiled.get_property("NUM_STREAMS")), int(
        compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
    assert panel.streams_spin.text() == "streams: auto" and panel.requests_spin.text() == "requests: auto"
    panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("THROUGHPUT"))
    panel.mode_combo.setCurrentIndex(panel.mode_combo.findData("async"))
    panel.limit_combo.setCurrentIndex(panel.limit_combo.findData("iterations"))
    panel.iterations_spin.setValue(200)
    with qtbot.waitSignal(panel.run_started, timeout=30000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.streams_spin.text() == f"streams: auto ({streams})"
    assert panel.requests_spin.text() == f"requests: auto ({requests})"
    assert f"{streams} stream" in panel.status_label.text()
    qtbot.waitUntil(lambda: not panel.running, timeout=30000)
    columns = [panel.stats_table.horizontalHeaderItem(c).text() for c in range(panel.stats_table.columnCount())]
    row = [panel.stats_table.item(0, c).text() for c in range(len(columns))]
    assert row[columns.index("Streams")] == str(streams) and row[columns.index("Requests")] == str(requests)
    assert panel.series[0].run.requests == requests  # what the loop really kept in flight
    # another hint: what "auto" becomes is not known until the next compile
    panel.hint_combo.setCurrentIndex(panel.hint_combo.findData("LATENCY"))
    assert panel.streams_spin.text() == "streams: auto" and panel.requests_spin.text() == "requests: auto"


def test_the_profile_share_column_is_a_bar_as_long_as_the_share(qtbot, window: MainWindow) -> None:
    panel = open_latency(qtbot, window, "shapes")
    view = panel.profile_view
    panel.tabs.setCurrentWidget(view)
    with qtbot.waitSignal(view.profiled, timeout=30000):
        qtbot.mouseClick(view.profile_button, Qt.MouseButton.LeftButton)
    table = view.types_table
    qtbot.wait(50)
    image = table.viewport().grab().toImage()
    bar = BAR_COLOR.rgb()
    checked = 0
    for r in range(table.rowCount()):
        item = table.item(r, 4)
        share = item.data(Qt.ItemDataRole.UserRole + 1)
        rect = table.visualItemRect(item)
        inner = rect.adjusted(2, 3, -2, -3)
        y = inner.top() + 1  # above the text
        painted = sum(1 for x in range(rect.left(), rect.right() + 1) if image.pixel(x, y) == bar)
        assert abs(painted - share * inner.width()) <= 2, (item.text(), painted, share, inner.width())
        assert item.text() == f"{share * 100:.1f} %"
        checked += painted > 0
    assert checked >= 2 and QColor(bar).lightness() > 150  # light enough for the black figures on it
