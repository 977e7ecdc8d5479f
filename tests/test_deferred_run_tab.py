"""The Run tab built when first needed: the toolbar's Run works before the tab was ever shown, follows the panel's
state once it exists, and the tab keeps its place."""

from __future__ import annotations

from pathlib import Path

TIMEOUT = 30000


def _tabs(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_run_in_the_toolbar_runs_the_model_before_the_run_tab_was_shown(qtbot, window, tiny_ir: Path) -> None:
    run = window.run_actions.run
    assert run in window.toolbar.actions()
    assert not run.isEnabled()  # no model yet
    with qtbot.waitSignal(window.document_changed, timeout=TIMEOUT):
        window.open_path(tiny_ir)
    assert "run_panel" not in window.__dict__  # the Run tab was not shown: its panel does not exist yet
    assert run.isEnabled()
    tabs = _tabs(window)
    window.toolbar.widgetForAction(run).click()  # the user clicks Run in the toolbar
    panel = window.__dict__["run_panel"]  # built by the click
    with qtbot.waitSignal(panel.ran, timeout=TIMEOUT) as ran:
        pass
    assert ran.args[0].outputs  # it ran: the outputs the Run tab shows
    assert _tabs(window) == tabs  # the Run tab stayed where it was
    assert window.tabs.indexOf(panel) == tabs.index("Run")
    qtbot.waitUntil(lambda: run.isEnabled(), timeout=TIMEOUT)  # enabled again once the run is over, as the panel's


def test_showing_the_run_tab_builds_it_with_the_open_model(qtbot, window, tiny_ir: Path) -> None:
    with qtbot.waitSignal(window.document_changed, timeout=TIMEOUT):
        window.open_path(tiny_ir)
    window.tabs.setCurrentIndex(_tabs(window).index("Run"))  # the user clicks the Run tab
    panel = window.tabs.currentWidget()
    assert type(panel).__name__ == "RunPanel"
    assert panel.document is window.document
    assert len(panel.rows) == sum(1 for n in window.document.graph.nodes if n.type == "Parameter") == 1
    panel.run_action.setEnabled(False)  # the toolbar's Run follows the panel's own action
    assert not window.run_actions.run.isEnabled()


def test_the_run_tabs_splitters_come_back_when_it_is_built_late(qtbot, window, tiny_ir: Path) -> None:
    """Splitter positions saved with the Run tab shown are restored in the next window, whose Run panel is built
    only when its tab is shown."""
    from ovexplorer.ui.shell.main_window import MainWindow

    window.tabs.setCurrentIndex(_tabs(window).index("Run"))
    splitter = window.run_panel.splitter
    total = sum(splitter.sizes())
    splitter.setSizes([total // 4, total - total // 4])
    wanted = splitter.sizes()
    window.tabs.setCurrentIndex(0)  # the next window starts on the Graph tab: its Run panel waits
    window.save_layout()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    assert "run_panel" not in second.__dict__
    second.tabs.setCurrentIndex(_tabs(second).index("Run"))
    assert second.run_panel.splitter.sizes() == wanted
    second.close()
