"""Start the Qt application: ``ovexplorer [MODEL]`` and the GUI entry point."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from ovexplorer import __version__
from ovexplorer.resources import sample_model

ORGANIZATION = "ovexplorer"
APPLICATION = "ovexplorer"


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, created once, with the names QSettings needs."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "ovexplorer", *(argv or [])])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("ovexplorer")
    return app


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ovexplorer", description="Explore OpenVINO models.")
    parser.add_argument("model", nargs="?", help="model to open (default: the bundled regression sample)")
    return parser.parse_args(list(argv))


def run_app(argv: Sequence[str]) -> int:
    """Open the window on ``argv``'s model (or the sample) and run the event loop."""
    args = parse_args(argv)
    app = make_application()
    from ovexplorer.ui.error_reporter import install_error_reporter
    from ovexplorer.ui.main_window import MainWindow

    window = MainWindow()
    reporter = install_error_reporter(window)  # unexpected exceptions: logged, shown, the app continues
    window.show()
    window.open_path(args.model if args.model else sample_model("regression"))
    try:
        return app.exec()
    finally:
        reporter.uninstall()


def main() -> int:
    """GUI entry point (no console window on Windows)."""
    return run_app(sys.argv[1:])
