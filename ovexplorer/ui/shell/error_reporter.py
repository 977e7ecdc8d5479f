"""The last line of defence: unexpected exceptions are logged, shown in a dialog, and the app keeps running.

:func:`install_error_reporter` replaces ``sys.excepthook`` (which PySide6 calls for an exception raised in a
slot or an overridden Qt method) and ``threading.excepthook`` (exceptions in plain Python threads). Each
report is appended to a rotating log file in the user's data folder and shown in one non-modal dialog with a
*Copy details* button; later errors while the dialog is open are added to it instead of opening new ones.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

LOG_NAME = "ovexplorer.log"
LOG_MAX_BYTES = 1024 * 1024
LOG_BACKUPS = 3

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def default_log_dir() -> Path:
    """The user's data folder for ovexplorer (``QStandardPaths.AppDataLocation``)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) if folder else Path.home() / ".ovexplorer"


class ErrorDialog(QDialog):
    """A non-modal dialog: what went wrong in one sentence, the traceback on demand, *Copy details*."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unexpected error")
        self.setModal(False)
        self.resize(560, 200)
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(32, 32))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # exception texts may hold <tags>: show, never render
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.hide()
        buttons = QDialogButtonBox(self)
        self.details_button = QPushButton("Show details", self)
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.message, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.count = 0

    def add_report(self, summary: str, details: str, log_path: Path | None) -> None:
        """Show a report; a report arriving while the dialog is open is appended to the details."""
        if self.isVisible() and self.count:
            self.count += 1
            self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)
            self.message.setText(self._text(summary, log_path) + f"\n\n({self.count} errors so far.)")
            return
        self.count = 1
        self.details.setPlainText(details)
        self.message.setText(self._text(summary, log_path))

    @staticmethod
    def _text(summary: str, log_path: Path | None) -> str:
        where = f" The details were saved to {log_path}." if log_path is not None else ""
        return (f"Something went wrong inside ovexplorer: {summary}\n\nThe application keeps running; if the "
                f"problem persists, please report it with the details.{where}")

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Show details")
        self.resize(self.width(), 460 if shown else 200)


class ErrorReporter(QObject):
    """Catches unexpected exceptions (any thread), logs them, and shows them on the UI thread."""

    reported = Signal(str, str)  # summary, details; emitted from any thread, handled on the UI thread

    def __init__(self, parent_widget: QWidget | None = None, log_dir: Path | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self.log_path: Path | None = None
        self.logger = logging.getLogger("ovexplorer.errors")
        self.logger.propagate = False
        self.logger.setLevel(logging.ERROR)
        self._handler = self._open_log(log_dir if log_dir is not None else default_log_dir())
        self.dialog: ErrorDialog | None = None
        self._previous: tuple | None = None
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def _open_log(self, folder: Path) -> logging.Handler | None:
        """A rotating log in ``folder``; the folder and file are created at the first report only."""
        try:
            handler = RotatingFileHandler(folder / LOG_NAME, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                          encoding="utf-8", delay=True)
        except OSError:
            return None
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.logger.addHandler(handler)
        self.log_path = folder / LOG_NAME
        return handler

    # -- hooks --------------------------------------------------------------------------------
    def install(self) -> None:
        """Become ``sys.excepthook`` and ``threading.excepthook`` (the previous hooks are kept for uninstall)."""
        if self._previous is None:
            self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None
        if self._handler is not None:
            self.logger.removeHandler(self._handler)
            self._handler.close()
            self._handler = None

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):  # Ctrl+C in a terminal still stops the app
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.report(exc_type, exc, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        where = f" in thread {args.thread.name}" if args.thread is not None else ""
        self.report(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback, where)

    # -- reporting ----------------------------------------------------------------------------
    def report(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
               where: str = "") -> None:
        """Log one exception and show it (safe to call from any thread; never raises)."""
        try:
            details = "".join(traceback.format_exception(exc_type, exc, tb))
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            summary = f"{exc_type.__name__}{where}" + (f": {text}" if text else "")
            if self.log_path is not None:
                try:
                    self.log_path.parent.mkdir(parents=True, exist_ok=True)
                except OSError:  # an unwritable data folder must not stop the app; the report still shows
                    pass
            self.logger.error("Unexpected error%s\n%s", where, details)
            if self._handler is not None:
                self._handler.flush()
            if sys.stderr is not None:  # None in a Windows GUI process
                sys.stderr.write(details)
            self.reported.emit(summary, details)
        except Exception:  # noqa: BLE001 - the reporter itself must never raise into Qt
            _last_resort(exc_type, exc, tb)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        try:
            if self.dialog is None:
                self.dialog = ErrorDialog(self.parent_widget)
            self.dialog.add_report(summary, details, self.log_path)
            self.dialog.show()
            self.dialog.raise_()
        except Exception:  # noqa: BLE001 - reporting a failure to show a report would loop forever
            _last_resort(*sys.exc_info())


def _last_resort(exc_type, exc, tb) -> None:
    """Print an exception if there is anywhere to print it; never raise."""
    if sys.stderr is not None:
        try:
            sys.__excepthook__(exc_type, exc, tb)
        except Exception:  # noqa: BLE001 - nothing else can be done
            pass


def install_error_reporter(parent_widget: QWidget | None = None, log_dir: Path | None = None) -> ErrorReporter:
    """Create an :class:`ErrorReporter` and install its hooks; keep the returned object alive."""
    reporter = ErrorReporter(parent_widget, log_dir)
    reporter.install()
    return reporter
