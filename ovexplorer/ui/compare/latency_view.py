"""Latency A/B: both models benchmarked in alternating rounds on the same device and hint; the latencies of A
and B overlaid, and the speed-up with its spread."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ovexplorer.core.compare.compare_state import CompareState


class LatencyView(QWidget):
    """Run button, rounds and seconds, the overlaid latency plot and the result line."""

    run_requested = Signal(int, float)  # rounds, seconds per round
    round_done = Signal(object)  # a LatencyAB after each round, emitted on the worker thread (delivered queued)

    def __init__(self, state: CompareState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.rounds = QSpinBox(self)
        self.rounds.setRange(1, 20)
        self.rounds.setValue(3)
        self.rounds.setSuffix(" rounds")
        self.rounds.valueChanged.connect(lambda n: self.rounds.setSuffix(" round" if n == 1 else " rounds"))
        self.seconds = QDoubleSpinBox(self)
        self.seconds.setRange(0.1, 60)
        self.seconds.setValue(2.0)
        self.seconds.setSuffix(" s each")
        self.run_button = QPushButton("Benchmark A and B", self)
        self.run_button.clicked.connect(lambda: self.run_requested.emit(self.rounds.value(), self.seconds.value()))
        self.result = QLabel("Both models run on CPU with the LATENCY hint, A and B in turns.", self)
        self.result.setWordWrap(True)
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")
        self.plot.addLegend()
        self.plot.getAxis("bottom").setLabel("inference")
        self.plot.getAxis("left").setLabel("latency (ms)")
        row = QHBoxLayout()
        for w in (self.rounds, self.seconds, self.run_button):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.plot, 1)
        state.latency_changed.connect(self._show)

    def _show(self) -> None:
        result = self.state.latency
        self.plot.clear()
        if result is None:
            return
        for label, series, color in (("A", result.series_a, (70, 130, 200)), ("B", result.series_b, (220, 90, 60))):
            if series.size:
                step = max(1, series.size // 5000)  # a plot of 5,000 points shows the spread as well
                shown = series[::step]
                self.plot.plot(np.arange(shown.size) * step, shown, pen=pg.mkPen(*color, width=1), name=label)
        d = result.to_dict()
        if d["rounds_a_ms"] and d["rounds_b_ms"]:
            done = len(d["rounds_a_ms"])
            rounds = "1 round" if done == 1 else f"{done} rounds"
            live = "" if result.complete else f"So far ({len(d['rounds_b_ms'])} of {result.planned} rounds): "
            self.result.setText(
                f"{live}<b>Speed-up of B: {d['speedup']:.2f}×</b> "
                f"(rounds {d['speedup_low']:.2f}–{d['speedup_high']:.2f}); "
                f"median latency A {d['a_ms']:.3f} ms, B {d['b_ms']:.3f} ms; {rounds} on "
                f"{result.device}, hint {result.hint}")
