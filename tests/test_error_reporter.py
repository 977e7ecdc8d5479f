"""The global error hook: an unexpected exception is logged, shown with *Copy details*, and the app continues.

pytest-qt normally captures exceptions raised in Qt slots itself (by replacing ``sys.excepthook``); tests
that let an exception reach our hook run with the ``qt_no_exception_capture`` marker.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from ovexplorer.ui.shell.error_reporter import LOG_NAME, ErrorReporter, install_error_reporter
from ovexplorer.ui.shell.main_window import MainWindow

SHOTS = Path("/tmp/reliability")


@pytest.fixture
def reporter(qtbot, tmp_path: Path):
    r = ErrorReporter(log_dir=tmp_path / "data")
    yield r
    r.uninstall()
    if r.dialog is not None:
        r.dialog.close()


def _raise(exc: BaseException):
    try:
        raise exc
    except BaseException:  # noqa: BLE001 - the test needs the traceback
        return sys.exc_info()


def test_hook_logs_and_shows_a_dialog_with_copy_details(qtbot, reporter: ErrorReporter, tmp_path: Path) -> None:
    reporter.excepthook(*_raise(ValueError("the histogram has no bins\nsecond line")))
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert not dialog.isModal()
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert "ValueError: the histogram has no bins" in dialog.message.text()
    assert "second line" not in dialog.message.text()  # one sentence up front, the rest in the details
    assert str(tmp_path / "data" / LOG_NAME) in dialog.message.text()
    assert not dialog.details.isVisible()  # no traceback in front of the user unless asked for
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "error_dialog.png"))
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied and "ValueError: the histogram has no bins" in copied
    qtbot.mouseClick(dialog.details_button, Qt.MouseButton.LeftButton)
    assert dialog.details.isVisible() and "test_error_reporter.py" in dialog.details.toPlainText()
    log = (tmp_path / "data" / LOG_NAME).read_text()
    assert "ValueError: the histogram has no bins" in log and "Traceback" in log
    dialog.grab().save(str(SHOTS / "error_dialog_details.png"))


def test_later_errors_join_the_open_dialog(qtbot, reporter: ErrorReporter) -> None:
    reporter.excepthook(*_raise(KeyError("a")))
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    first = reporter.dialog
    reporter.excepthook(*_raise(ZeroDivisionError("b")))
    qtbot.waitUntil(lambda: first.count == 2)
    assert reporter.dialog is first
    assert "2 errors so far" in first.message.text()
    assert "KeyError" in first.details.toPlainText() and "ZeroDivisionError" in first.details.toPlainText()


def test_keyboard_interrupt_is_not_reported(qtbot, reporter: ErrorReporter, capsys) -> None:
    reporter.excepthook(*_raise(KeyboardInterrupt()))
    qtbot.wait(20)
    assert reporter.dialog is None


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_reported_and_the_app_continues(qtbot, qt_settings, tmp_path: Path,
                                                                 tiny_ir: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    reporter = install_error_reporter(window, tmp_path / "data")
    try:
        button = QPushButton("Export", window)
        calls = []

        def buggy_slot() -> None:
            calls.append(1)
            raise RuntimeError("export failed: column 'x' missing")

        button.clicked.connect(buggy_slot)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert calls == [1]
        assert "RuntimeError: export failed: column 'x' missing" in reporter.dialog.message.text()
        assert reporter.dialog.parent() is window
        assert "buggy_slot" in (tmp_path / "data" / LOG_NAME).read_text()
        # the app continues: the window still opens a model
        with qtbot.waitSignal(window.document_changed, timeout=30000):
            window.open_path(tiny_ir)
        assert "tiny" in window.summary_panel.text()
    finally:
        reporter.uninstall()
        if reporter.dialog is not None:
            reporter.dialog.close()


def test_exception_in_a_python_thread_is_shown_on_the_ui_thread(qtbot, reporter: ErrorReporter) -> None:
    reporter.install()

    def work() -> None:
        raise OSError("cache folder vanished")

    t = threading.Thread(target=work, name="stats-worker")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "OSError in thread stats-worker: cache folder vanished" in reporter.dialog.message.text()


def test_uninstall_restores_the_previous_hooks(reporter: ErrorReporter) -> None:
    before = sys.excepthook, threading.excepthook
    reporter.install()
    assert sys.excepthook == reporter.excepthook
    reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_recent_files_survive_a_crash(tmp_path: Path, tiny_ir: Path) -> None:
    """Open a model in a child process's window, kill the process (no clean exit), read the setting back."""
    settings_dir = tmp_path / "settings"
    code = textwrap.dedent(f"""
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QCoreApplication, QSettings
        from PySide6.QtWidgets import QApplication
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {str(settings_dir)!r})
        app = QApplication([])
        QCoreApplication.setOrganizationName("ovexplorer-tests")
        QCoreApplication.setApplicationName("ovexplorer-tests")
        from ovexplorer.ui.shell.main_window import MainWindow
        w = MainWindow()
        w.open_path({str(tiny_ir)!r})
        deadline = time.monotonic() + 60
        while w.document is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        print("opened" if w.document is not None else "timeout", flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "opened", proc.stderr.read() if proc.poll() is not None else ""
    finally:
        proc.kill()  # SIGKILL: no aboutToQuit, no QSettings destructor
        proc.communicate()  # waits and closes the pipes
    from PySide6.QtCore import QSettings

    ini = next(settings_dir.rglob("*.ini"))
    value = QSettings(str(ini), QSettings.Format.IniFormat).value("recent_files")
    value = [value] if isinstance(value, str) else value
    assert value == [str(tiny_ir.resolve())]


@pytest.mark.qt_no_exception_capture
def test_failing_task_without_a_failure_handler_is_reported(qtbot, reporter: ErrorReporter) -> None:
    from ovexplorer.ui.shell.workers import TaskRunner

    reporter.install()
    runner = TaskRunner()

    def work(progress, cancel) -> None:
        raise ArithmeticError("statistics overflowed")

    runner.start(work)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "ArithmeticError: statistics overflowed" in reporter.dialog.message.text()
    assert "in work" in reporter.dialog.details.toPlainText()  # the worker's traceback is kept


def test_a_failing_dialog_does_not_loop(qtbot, reporter: ErrorReporter, monkeypatch, capsys) -> None:
    from ovexplorer.ui.shell import error_reporter

    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("no screen")

    monkeypatch.setattr(error_reporter.ErrorDialog, "add_report", broken)
    reporter.install()
    reporter.excepthook(*_raise(ValueError("first")))
    qtbot.wait(50)
    assert calls == [1]  # shown once, failed once, printed, no second report
    assert "no screen" in capsys.readouterr().err


def test_no_stderr_in_a_windows_gui_process(qtbot, reporter: ErrorReporter, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "stderr", None)
    reporter.excepthook(*_raise(ValueError("pythonw has no console")))
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "pythonw has no console" in (tmp_path / "data" / LOG_NAME).read_text()


def test_window_survives_the_file_that_crashed_openvino(qtbot, qt_settings, tiny_ir: Path, tmp_path: Path) -> None:
    """The deeply nested IR the fuzzer found (a crash in OpenVINO's binding) gives a message, then work goes on."""
    depth = 30000
    bad = tmp_path / "deep.xml"
    bad.write_text(tiny_ir.read_text().replace("</rt_info>", "<a>" * depth + "</a>" * depth + "</rt_info>", 1))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.load_failed, timeout=30000):
        window.open_path(bad)
    assert "deep.xml" in window.error_box.text() and "(at <a>)" in window.error_box.text()
    assert window.error_box.textFormat() == Qt.TextFormat.PlainText  # "<a>" shown, not taken for HTML
    SHOTS.mkdir(exist_ok=True)
    window.error_box.grab().save(str(SHOTS / "deep_nesting_error.png"))
    window.error_box.close()
    with qtbot.waitSignal(window.document_changed, timeout=30000):
        window.open_path(tiny_ir)
    assert "[1,3,8,8]" in window.summary_panel.text()
