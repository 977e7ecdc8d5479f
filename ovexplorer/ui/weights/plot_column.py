"""The layout the Weights panel's plots share: a heading, a row of controls, and the plot that takes the rest."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget


def plot_column(owner: QWidget, head: QWidget, controls: list[QWidget], plot: QWidget) -> None:
    """Lay ``owner`` out as ``head`` over ``controls`` (a left-aligned row) over ``plot``, which stretches."""
    row = QHBoxLayout()
    for control in controls:
        row.addWidget(control)
    row.addStretch(1)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(head)
    layout.addLayout(row)
    layout.addWidget(plot, 1)
