"""Keeps the comparison window's two graphs in step: panning or zooming one puts the counterpart of the node
nearest its centre at the same place in the other, at the same zoom (no re-layout); opening or closing a group
in one opens or closes the group holding the counterparts in the other. "Sync views" turns both off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPointF
from PySide6.QtGui import QAction, QTransform

from ovexplorer.core.compare.compare_state import CompareState
from ovexplorer.core.compare.view_sync import synced_expansion

#: How many nodes nearest the centre are tried for one with a counterpart.
NEAREST = 64


class ViewSync(QObject):
    """Synchronises the viewport and the expansion of ``panels`` (A, B); ``ready()`` says when the first
    layouts are in (before, each graph finds its own first view)."""

    def __init__(self, state: CompareState, panels: tuple[Any, Any], ready: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.state, self.panels, self.ready = state, panels, ready
        self.action = QAction("Sync views", self)
        self.action.setCheckable(True)
        self.action.setChecked(True)
        self.action.setToolTip("Panning, zooming, expanding or collapsing one graph does the same in the other")
        self._busy = False
        self._known: list[frozenset[int] | None] = [None, None]
        self._pending: list[frozenset[int] | None] = [None, None]
        for side, panel in enumerate(panels):
            panel.view.view_moved.connect(lambda s=side: self.follow_view(s))
            panel.layout_ready.connect(lambda s=side: self._laid_out(s))

    @property
    def on(self) -> bool:
        return self.action.isChecked()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Moves made inside (each graph centring its own selection) are not passed on."""
        busy, self._busy = self._busy, True
        try:
            yield
        finally:
            self._busy = busy

    def _usable(self, side: int) -> bool:
        panel = self.panels[side]
        return panel.frame is not None and panel.view.layout_data is not None and panel.state.at_top

    # -- viewport -----------------------------------------------------------------------------
    def _anchor(self, side: int) -> tuple[QPointF, QPointF] | None:
        """(scene point in ``side``, scene point of its counterpart in the other graph) for the node nearest the
        centre of ``side``'s view that has a counterpart drawn (or inside a drawn group)."""
        src, dst = self.panels[side], self.panels[1 - side]
        view, item = src.view, src.view.item
        lay = view.layout_data
        if lay is None or not lay.nodes:
            return None
        c = view.mapToScene(view.viewport().rect().center())
        d = (item.nx + item.nw / 2 - c.x()) ** 2 + (item.ny + item.nh / 2 - c.y()) ** 2
        order = np.argsort(d)[:NEAREST] if len(d) > 1 else np.zeros(1, dtype=int)
        for i in order:
            node = lay.nodes[int(i)]
            other = self.state.partner(side, node.id)
            if other is None:
                continue
            pos = dst.view.scene_pos_of_node(dst.state.visible_target(other))
            if pos is None:
                pos = dst._group_centre_holding(other)
            if pos is not None:
                return QPointF(node.x + node.w / 2, node.y + node.h / 2), pos
        return None

    def follow_view(self, side: int) -> None:
        """``side``'s view moved: put the other at the counterpart, same zoom."""
        if self._busy or not self.on or not self.ready() or not (self._usable(0) and self._usable(1)):
            return
        anchor = self._anchor(side)
        if anchor is None:
            return
        src, dst = self.panels[side].view, self.panels[1 - side].view
        here, there = anchor
        offset = QPointF(src.mapFromScene(here)) - QPointF(src.viewport().rect().center())
        with self.paused():
            scale = src.current_scale()
            dst.setTransform(QTransform.fromScale(scale, scale))
            dst.keep_at(there, QPointF(dst.viewport().rect().center()) + offset)

    # -- expansion ----------------------------------------------------------------------------
    def _laid_out(self, side: int) -> None:
        panel = self.panels[side]
        if not self._usable(side):
            return
        new, old = panel.frame.expanded, self._known[side]
        self._known[side] = new
        if not self.ready() or old is None or new is None or new == old:
            return
        if self._pending[side] is not None:
            mine, self._pending[side] = self._pending[side], None
            if mine == new:  # the layout this object asked for
                return
        other = 1 - side
        dst = self.panels[other]
        if not self.on or not self._usable(other) or dst.frame.expanded is None:
            return
        result = synced_expansion(panel.frame.layouter.grouping, old, new, dst.frame.layouter.grouping,
                                  dst.frame.expanded, lambda n: self.state.partner(side, n))
        if result is None:
            return
        self._pending[other] = result
        dst._request_layout(result, then=lambda: self.follow_view(side))
