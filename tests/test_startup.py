"""Start-up (issue 18): the model is read while Qt starts, the window says what it opens from the first paint, and
panels the first screen does not show (Latency with its plots, Weights) are built when first shown."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from qt_helpers import run_app_windows

from ovexplorer.core.util import preload
from ovexplorer.core.util.tasks import CancelToken
from ovexplorer.ui.shell import open_flow as open_flow_module

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30000


def test_the_model_named_at_launch_is_read_while_the_window_starts(qtbot, monkeypatch, tiny_ir: Path,
                                                                    qt_settings) -> None:
    started: list[Path] = []
    real_start = preload.start

    def spy(path, work):
        started.append(Path(path))
        return real_start(path, work)

    monkeypatch.setattr(preload, "start", spy)
    calls: list[Path] = []
    real_open = open_flow_module.open_for_window
    monkeypatch.setattr(open_flow_module, "open_for_window", lambda p, *a: calls.append(p) or real_open(p, *a))
    (w,) = run_app_windows(qtbot, monkeypatch, ["--new-instance", str(tiny_ir)])
    assert started == [tiny_ir]
    # the window exists before the model is shown (its result comes through the event loop): it names the file
    # and says it is opening it
    assert w.document is None and w.windowTitle() == "tiny.xml — ovexplorer"
    assert "Opening tiny.xml" in w.summary_panel.text() and "No model is open" not in w.summary_panel.text()
    qtbot.waitUntil(lambda: w.graph_panel.layout_data is not None, timeout=TIMEOUT)
    assert calls == []  # the window took the preload: the file was not read a second time
    assert preload.take(tiny_ir) is None
    assert w.windowTitle() == "tiny.xml — ovexplorer"
    assert len(w.graph_panel.layout_data.nodes) == sum(1 for n in w.document.graph.nodes if n.type != "Constant")


def test_a_window_shows_the_loading_state_and_file_name_until_the_model_is_read(qtbot, window, tiny_ir: Path,
                                                                               held_load) -> None:
    release = held_load
    window.open_path(tiny_ir)
    try:
        qtbot.wait(50)
        assert window.windowTitle() == "tiny.xml — ovexplorer"
        assert window.graph_panel.message.text() == "Opening tiny.xml…"
        assert "No model is open" not in window.summary_panel.text()
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.graph_panel.layout_data is not None, timeout=TIMEOUT)
    assert window.windowTitle() == "tiny.xml — ovexplorer"


def test_a_failed_preload_reaches_the_window_as_the_load_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<net")
    preload.start(bad, "ovexplorer.core.layout.first_screen:open_for_window")
    taken = preload.take(bad)
    assert taken is not None and preload.take(bad) is None  # handed out once
    from ovexplorer.core.util.errors import OvexplorerError

    with pytest.raises(OvexplorerError) as info:
        taken.result(lambda f, t: None, CancelToken())
    assert "bad.xml" in str(info.value.message)


def test_cancelling_the_wait_cancels_the_preload(tmp_path: Path) -> None:
    gate = threading.Event()

    def work(path, progress, cancel):
        progress(0.5, "halfway")
        while not cancel.cancelled:
            gate.wait(0.01)
        return "stopped"

    p = preload.Preload(tmp_path / "m.xml", work).start()
    seen: list[str] = []
    token = CancelToken()

    def note(fraction: float, text: str) -> None:
        seen.append(text)
        token.cancel()

    from ovexplorer.core.util.errors import Cancelled

    with pytest.raises(Cancelled):
        p.result(note, token)
    assert seen and seen[0] == "halfway"
    p._done.wait(5)
    assert p.done


LAZY = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QEventLoop, QTimer
    from ovexplorer.ui.shell.app import make_application
    app = make_application()
    from ovexplorer.ui.shell.main_window import MainWindow
    w = MainWindow()
    w.resize(1000, 700)
    w.show()
    loop = QEventLoop()
    w.graph_panel.layout_ready.connect(loop.quit)
    QTimer.singleShot(30000, loop.quit)
    w.open_path(sys.argv[1])
    loop.exec()
    w.graph_panel.view.viewport().repaint()
    print("drawn", w.graph_panel.layout_data is not None)
    print("latency at first paint", "ovexplorer.ui.latency.latency_panel" in sys.modules)
    print("weights at first paint", "ovexplorer.ui.weights.weights_panel" in sys.modules)
    print("pyqtgraph at first paint", "pyqtgraph" in sys.modules)
    print("tokenizers at first paint", "openvino_tokenizers" in sys.modules)
    print("run panel at first paint", "ovexplorer.ui.run.run_panel" in sys.modules)
    print("vision at first paint", "ovexplorer.ui.vision.vision_panel" in sys.modules)
    print("text view at first paint", "ovexplorer.ui.text.text_view" in sys.modules)
    print("devices at first paint", w.device_picker.count() > 0 and w.run_actions.run.isEnabled())
    tabs = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    print("tabs", ",".join(tabs))
    w.tabs.setCurrentIndex(tabs.index("Latency"))  # the user opens the Latency tab
    app.processEvents()
    print("latency built", type(w.tabs.currentWidget()).__name__)
    print("latency after", "ovexplorer.ui.latency.latency_panel" in sys.modules)
    print("tabs after", ",".join(w.tabs.tabText(i) for i in range(w.tabs.count())))
    w.close()
""")


def test_the_first_screen_does_not_build_or_import_the_latency_and_weights_panels(tiny_ir: Path,
                                                                                 tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OPENVINO_TELEMETRY_DISABLE": "1",
           "XDG_CONFIG_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", LAZY, str(tiny_ir)], env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    lines = dict(line.rsplit(" ", 1) for line in out.stdout.splitlines() if " " in line)
    assert lines.get("drawn") == "True", out.stderr[-2000:]
    assert lines["latency at first paint"] == "False"
    assert lines["weights at first paint"] == "False"
    # no plot on the first screen: pyqtgraph (0.2-0.3 s of imports) waits for a tab that plots (the text view's
    # chart and the Tensors tab included)
    assert lines["pyqtgraph at first paint"] == "False"
    # openvino-tokenizers' operations (0.1-0.15 s to import) are loaded only for a file OpenVINO cannot read without
    assert lines["tokenizers at first paint"] == "False"
    # nor the Run panel and the views hooked into it (~40 modules): the toolbar's device picker and Run are there
    assert lines["run panel at first paint"] == "False"
    assert lines["vision at first paint"] == "False"
    assert lines["text view at first paint"] == "False"
    assert lines["devices at first paint"] == "True"
    assert lines["tabs"] == "Graph,Summary,Weights,Run,Latency"  # every tab is there from the start
    assert lines["latency built"] == "LatencyPanel"
    assert lines["latency after"] == "True"
    assert lines["tabs after"] == lines["tabs"]


def test_deferred_panels_are_built_when_asked_for_and_get_the_open_model(qtbot, window, tiny_ir: Path) -> None:
    from ovexplorer.ui.weights.weights_panel import WeightsPanel

    with qtbot.waitSignal(window.document_changed, timeout=TIMEOUT):
        window.open_path(tiny_ir)
    panel = window.weights_panel  # code asking for it builds it, in the tab that was waiting for it
    assert isinstance(panel, WeightsPanel)
    assert window.tabs.indexOf(panel) == [window.tabs.tabText(i) for i in range(window.tabs.count())].index("Weights")
    assert panel in window.panels and panel.state.document is window.document
    assert window.weights_panel is panel  # built once
