"""Bench: latency runs measured as benchmark_app measures them (in a child process) and per-layer
profiling."""

from ovexplorer.core.util.lazy import lazy_exports

#: Module -> the public names it defines (imported on first use: importing the package imports none).
_EXPORTS = {
    "benchmark": ("MODES", "BenchConfig", "BenchmarkRun", "LatencyStats", "default_inputs"),
    "latency_state": ("LatencyState", "RunEntry"),
    "latency_options": ("LatencySettings",),
    "draw_clock": ("DrawClock",),
    "latency_export": ("export_csv", "export_json", "export_run"),
    "bench_process": ("BenchWorker", "RemoteRun"),
    "profiling": ("LayerTiming", "NodeColoring", "ProfileResult", "compile_and_profile", "node_coloring"),
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
