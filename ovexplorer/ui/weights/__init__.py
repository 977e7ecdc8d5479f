"""Weights panel: the table of per-constant statistics, their histogram, model totals and export."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "weights_panel": ("WeightsPanel",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
