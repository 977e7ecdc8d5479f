"""Start the Qt application: ``ovexplorer [MODEL ...]``, the GUI entry point, and the desktop ways of opening.

Files arrive from argv (a file manager's ``%f``, Windows' ``"%1"``), from a later launch through the
single-instance socket, or on macOS as ``QFileOpenEvent``. Each model opens in a window of its own: one
window shows one model in its panels (tabs), so panels written for one document need nothing more.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ovexplorer import __version__
from ovexplorer.resources import resources_dir, sample_model

if TYPE_CHECKING:  # imported lazily: a second launch and --smoke never load the window's modules
    from ovexplorer.ui.shell.main_window import MainWindow

ORGANIZATION = "ovexplorer"
APPLICATION = "ovexplorer"
EXIT_SMOKE_FAILED = 1
EXIT_NO_PLATFORM = 2
#: Offset of a new window from the front one, so both stay visible.
_CASCADE = QPoint(32, 32)


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, created once, with the names QSettings needs."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(["ovexplorer", *(argv or [])])  # argv[0] names the X11 WM_CLASS (StartupWMClass)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("ovexplorer")
    app.setWindowIcon(app_icon())
    return app


def app_icon() -> QIcon:
    """The application icon at every rendered size (resources/icons, see packaging/render_icons.py)."""
    icon = QIcon()
    for png in sorted((resources_dir() / "icons").glob("ovexplorer-*.png")):
        icon.addFile(str(png))
    return icon


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ovexplorer", description="Explore OpenVINO models.")
    parser.add_argument("models", nargs="*", metavar="MODEL",
                        help="model(s) to open, each in a window (default: the bundled regression sample)")
    parser.add_argument("--new-instance", action="store_true",
                        help="start a new app even if one is running (by default the running one opens the files)")
    parser.add_argument("--smoke", action="store_true",
                        help="self-test without a window: list devices, load MODEL (or the sample), run one inference")
    return parser.parse_args(list(argv))


def argument_path(arg: str) -> str:
    """An argv entry as an absolute path, kept whole (spaces, non-ASCII); ``file://`` URLs become paths."""
    if arg.startswith("file:"):
        arg = QUrl(arg).toLocalFile() or arg
    return str(Path(arg).expanduser().absolute())


class WindowManager(QObject):
    """The open windows; opens each model from outside the app in an unused window or a new one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.windows: list[MainWindow] = []
        self._sample_windows: list[MainWindow] = []  # showing (or loading) the sample they were started with

    def new_window(self) -> MainWindow:
        from ovexplorer.ui.shell.main_window import MainWindow

        front = self.front_window()
        if front is not None:
            front.save_layout()  # the new window starts with the front one's size, docks and splitters
        window = MainWindow()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if front is not None:
            window.move(front.pos() + _CASCADE)
        self.windows.append(window)
        window.destroyed.connect(lambda _=None, w=window: self._forget(w))
        window.show()
        return window

    def _forget(self, window: MainWindow) -> None:
        self.windows = [w for w in self.windows if w is not window]
        self._unmark_sample(window)

    def _unmark_sample(self, window: MainWindow) -> None:
        self._sample_windows = [w for w in self._sample_windows if w is not window]

    def open_sample(self) -> MainWindow:
        """A new window on the bundled sample; the first model opened from outside replaces it."""
        window = self.new_window()
        self._sample_windows.append(window)
        sample = sample_model("regression")
        window.document_changed.connect(
            lambda doc, w=window: None if doc is not None and doc.path == sample else self._unmark_sample(w))
        window.open_path(sample)
        return window

    def front_window(self) -> MainWindow | None:
        """The active window if it is one of ours, else the one opened last."""
        active = QApplication.activeWindow()
        for w in self.windows:
            if w is active:
                return w
        return self.windows[-1] if self.windows else None

    def _reusable(self) -> MainWindow | None:
        """A window showing nothing and loading nothing, or still on the sample it was started with."""
        for w in self.windows:
            if w.is_empty() or any(w is s for s in self._sample_windows):
                return w
        return None

    def open_paths(self, paths: list[str]) -> None:
        """Open each path (from argv or a later launch); with none, bring a window to the front."""
        for path in paths:
            self.open_path(path)
        if not paths:
            window = self.front_window() or self.new_window()
            _activate(window)

    def open_path(self, path: str | Path) -> None:
        origin = self.front_window()
        window = self._reusable()
        if window is not None:
            self._unmark_sample(window)
        else:
            window = self.new_window()
            window.load_failed.connect(lambda exc, w=window, o=origin: self._failed_in_new_window(w, o, exc))
        window.open_path(path)
        _activate(window)

    def _failed_in_new_window(self, window: MainWindow, origin: MainWindow | None, exc: BaseException) -> None:
        """A bad file sent to a running app: show the error in the window the user had, close the new one."""
        if window.document is not None or origin is None or not any(w is origin for w in self.windows):
            return
        window.close()
        _activate(origin)  # first, so that the dialog ends up above its window even without a window manager
        origin.show_error("Cannot open model", exc)


def _activate(window: MainWindow) -> None:
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)


class FileOpenFilter(QObject):
    """macOS delivers files opened from Finder (and dropped on the Dock icon) as ``QFileOpenEvent``."""

    def __init__(self, open_path: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_path = open_path

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen:
            path = event.file() or event.url().toLocalFile()
            if path:
                self._open_path(path)
                return True
        return False


def preload_model(path: str | Path) -> None:
    """Start reading ``path`` (and laying out its first view) in a thread now; the window's load takes it."""
    from ovexplorer.core.util import preload

    p = Path(path)
    if p.suffix.lower() == ".bin" and p.with_suffix(".xml").is_file():
        p = p.with_suffix(".xml")  # as the window resolves it
    preload.start(p, "ovexplorer.core.layout.first_screen:open_for_window")


def run_smoke_command(models: list[str]) -> int:
    """``ovexplorer --smoke [MODEL]``: the core self-test, then the Qt part on the platform the window would use.

    With a display (``DISPLAY``/``WAYLAND_DISPLAY``) that is X11 or Wayland, and the main window is shown and
    closed; without one, the offscreen platform (a self-test on a server or in CI).
    """
    from ovexplorer.ui.shell.platform_check import display_problem, has_display

    if not has_display(os.environ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = display_problem(os.environ)
    if problem:
        print(f"smoke: FAILED: {problem}", file=sys.stderr)
        return EXIT_SMOKE_FAILED
    from ovexplorer.core.run.smoke import run_smoke
    from ovexplorer.core.util.errors import OvexplorerError

    model = argument_path(models[0]) if models else sample_model("regression")
    try:
        run_smoke(model)
    except OvexplorerError as exc:
        print(f"smoke: FAILED: {exc.message}", file=sys.stderr)
        return EXIT_SMOKE_FAILED
    import PySide6

    app = make_application()
    from ovexplorer.ui.shell.main_window import MainWindow

    window = MainWindow()
    window.show()
    app.processEvents()
    shown = window.isVisible()
    print(f"qt: PySide6 {PySide6.__version__}, platform {app.platformName()}, {len(window.panels)} panel(s), "
          f"window {'shown' if shown else 'NOT shown'}")
    window.close()
    window.deleteLater()
    if not shown:
        print("smoke: FAILED: the main window could not be shown", file=sys.stderr)
        return EXIT_SMOKE_FAILED
    print("smoke: passed")
    return 0


def run_app(argv: Sequence[str]) -> int:
    """Open the window(s) on ``argv``'s models (or the sample) and run the event loop.

    Unless ``--new-instance`` is given, a running ovexplorer of the same user gets the files instead and
    this process exits 0.
    """
    args = parse_args(argv)
    if args.smoke:
        return run_smoke_command(args.models)
    paths = [argument_path(a) for a in args.models]
    from ovexplorer.ui.shell.single_instance import InstanceServer, send_to_running

    # The handoff needs no QApplication: a second launch exits fast, even without a display.
    if not args.new_instance and send_to_running(paths):
        return 0
    from ovexplorer.ui.shell.platform_check import display_problem

    problem = display_problem(os.environ)  # Qt would abort: say what is missing instead
    if problem:
        print(f"ovexplorer: {problem}", file=sys.stderr)
        return EXIT_NO_PLATFORM
    preload_model(paths[0] if paths else sample_model("regression"))  # read while Qt starts (2 cores)
    app = make_application()
    from ovexplorer.ui.shell import startup_trace

    startup_trace.install(app)
    startup_trace.mark("application_created")
    server = None
    if not args.new_instance:
        server = InstanceServer(parent=app)
        if not server.listen():  # a live instance that did not answer in time: run on our own
            server = None
    from ovexplorer.ui.shell.error_reporter import install_error_reporter

    reporter = install_error_reporter(None)  # unexpected exceptions: logged, shown, the app continues
    manager = WindowManager(app)
    if server is not None:
        server.open_requested.connect(manager.open_paths)
    if sys.platform == "darwin":  # only macOS sends QFileOpenEvent; a filter elsewhere would only cost time
        app.installEventFilter(FileOpenFilter(manager.open_path, app))
    if paths:
        manager.open_paths(paths)
    else:
        manager.open_sample()  # on macOS a file from Finder arrives just after start-up and replaces it
    startup_trace.mark("window_shown")
    try:
        return app.exec()
    finally:
        reporter.uninstall()
        if server is not None:
            server.close()


def main() -> int:
    """The window, once ``ovexplorer.cli.open_window`` checked that Qt can start (the entry points use that)."""
    return run_app(sys.argv[1:])
