"""Latency panel: live latency runs with their plots and statistics, and the per-layer profile view."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "latency_panel": ("LatencyPanel", "install_latency_panel"),
    "profile_view": ("ProfileView",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
