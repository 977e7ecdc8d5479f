"""Files dragged onto a window: a model opens, other files go to the features' drop handlers (Run's inputs),
and while dragging, the overlay says which of the two a drop would do (or why it cannot be dropped)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from ovexplorer.core.model.document import MODEL_SUFFIXES, folder_model, folder_problem, resolve_model_path
from ovexplorer.ui.shell.drop_overlay import DropOverlay

#: ``handler(paths, drop) -> bool``: takes dropped files that are not models (``drop=False``: would it?).
DropHandler = Callable[[list[Path], bool], bool]


def _local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    return [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]


def model_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """The dragged files that are models (or a model's .bin), and folders that hold one model to open (an export
    folder, a folder with a single IR: :func:`~ovexplorer.core.model.document.folder_model`)."""
    if not event.mimeData().hasUrls():
        return []
    return [p for p in _local_paths(event) if p.suffix.lower() in (*MODEL_SUFFIXES, ".bin")
            or (p.is_dir() and folder_model(p) is not None)]


class FileDrops(QObject):
    """Drag-and-drop of files on ``window`` (a MainWindow: its drag events and those of the widgets that would
    take any drag themselves, passed to :meth:`watch`); models open with ``window.open_path``."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.handlers: list[DropHandler] = window.extra_drop_handlers
        self.overlay = DropOverlay(window)

    def watch(self, *targets: QObject) -> None:
        """Widgets that take drops of their own (the graph's scene accepts any drag it is shown, then refuses the
        drop) hand files to the window: a model dropped there opens, a picture goes to Run."""
        for target in targets:
            target.installEventFilter(self)

    def _extra_drop(self, event: QDragEnterEvent | QDropEvent, drop: bool) -> bool:
        """Files that are not models (a .bin counts as one only beside its .xml) go to the extra handlers."""
        paths = _local_paths(event)
        models = [p for p in paths if p.suffix.lower() in MODEL_SUFFIXES or (
            p.suffix.lower() == ".bin" and p.with_suffix(".xml").is_file())]
        if not paths or models or any(p.is_dir() for p in paths):
            return False
        return any(handler(paths, drop) for handler in self.handlers)

    def hint(self, event: QDragEnterEvent | QDropEvent) -> tuple[str, bool] | None:
        """What dropping the dragged files would do, and whether it is accepted (None: not files)."""
        if not event.mimeData().hasUrls():
            return None
        paths = _local_paths(event)
        if not paths:
            return None
        models = model_paths(event)
        if models:
            first = models[0]
            name = first.name if first.suffix.lower() in MODEL_SUFFIXES else resolve_model_path(first).name
            return (f"Drop to open {name} from {first.name}" if first.is_dir() and resolve_model_path(first) != first
                    else f"Drop to open {name}"), True
        if paths[0].is_dir():
            return folder_problem(paths[0]), False
        if self._extra_drop(event, False):
            names = ", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
            return f"Drop to load {names} as a model input (Run tab)", True
        what = "a model to open" if self.window.document is None else "a model, or an input for the Run tab"
        return f"{paths[0].name} is not {what}", False

    def drag_enter(self, event: QDragEnterEvent) -> bool:
        """Show the hint and accept or refuse the drag; False: not files."""
        hint = self.hint(event)
        if hint is None:
            return False
        text, accepted = hint
        self.overlay.show_hint(text, accepted, self.window.centralWidget())
        if accepted:
            event.acceptProposedAction()
        else:
            event.ignore()
        return True

    def drop(self, event: QDropEvent) -> bool:
        """Hand the dropped files on; False: nothing took them."""
        self.overlay.hide()
        if self._extra_drop(event, True):
            event.acceptProposedAction()
            return True
        paths = model_paths(event)
        if paths:
            event.acceptProposedAction()
            self.window.open_path(paths[0])
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Files dragged over widgets that would take any drag themselves (the graph) go to the window."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and event.mimeData().hasUrls():
            if kind == QEvent.Type.DragEnter:
                if not self.drag_enter(event):
                    event.ignore()
            elif self.overlay.isVisible() and self.overlay.accepted:
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.Drop and event.mimeData().hasUrls():
            if not self.drop(event):
                event.ignore()
            return True
        if kind == QEvent.Type.DragLeave:
            self.overlay.hide()
        return super().eventFilter(watched, event)
