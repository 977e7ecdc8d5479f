"""Shell: the application, the main window and what surrounds the panels (single instance, file watch,
error reporter, summary) and the workers every panel uses."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "app": ("make_application", "run_app"),
    "main_window": ("MainWindow",),
    "workers": ("Task", "TaskRunner"),
    "single_instance": ("InstanceServer", "send_to_running"),
    "error_reporter": ("install_error_reporter",),
    "summary_panel": ("SummaryPanel",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
