"""Key sequences and widget shortcuts built from a table of (platform standard key, extra key, slot)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

Binding = tuple[QKeySequence.StandardKey | None, str, Callable[[], object]]


def key_sequences(standard: QKeySequence.StandardKey | None, *extra: str) -> list[QKeySequence]:
    """The platform's bindings of ``standard`` (none when it is None) then ``extra``, each key once."""
    seen: dict[str, QKeySequence] = {}
    for seq in [*(QKeySequence.keyBindings(standard) if standard is not None else []), *map(QKeySequence, extra)]:
        seen.setdefault(seq.toString(), seq)
    return list(seen.values())


def bind_shortcuts(widget: QWidget, table: Iterable[Binding]) -> list[QShortcut]:
    """Give ``widget`` (and its children) one shortcut per key of ``table``; return them.

    A key listed twice keeps its first slot: two shortcuts on one key would be ambiguous and neither would fire.
    """
    bindings: dict[str, Callable[[], object]] = {}
    for standard, extra, slot in table:
        for seq in key_sequences(standard, extra):
            bindings.setdefault(seq.toString(), slot)
    shortcuts = []
    for text, slot in bindings.items():
        shortcut = QShortcut(QKeySequence(text), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        shortcuts.append(shortcut)
    return shortcuts
