"""Compare: the comparison window (two graphs, differences, weights, activations, latency), File > Compare
with… and Tools > Optimize…"""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "compare_window": ("CompareWindow",),
    "compare_menu": ("install_compare",),
    "optimize_dialog": ("OptimizeDialog",),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
