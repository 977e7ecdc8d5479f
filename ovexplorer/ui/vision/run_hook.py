"""The vision views' hook into the window: the Answers and Tensors tabs beside the Run panel's outputs, fed by the
Run panel's model, its dropped pictures and its runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ovexplorer.ui.vision.vision_panel import VisionPanel


class LazyTensorView(QWidget):
    """The Tensors tab. The viewer brings pyqtgraph (0.2-0.3 s of imports), so it is built when the tab is first
    shown or asked for (attributes pass through to it), not when every window starts; until then it keeps the
    latest picture and tensors."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view: Any = None
        self._picture: Any = None
        self._tensors: dict[str, Any] = {}
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def set_picture(self, picture: Any) -> None:
        if self._view is None:
            self._picture = picture
        else:
            self._view.set_picture(picture)

    def set_tensors(self, tensors: dict[str, Any]) -> None:
        if self._view is None:
            self._tensors = dict(tensors)
        else:
            self._view.set_tensors(tensors)

    def view(self) -> Any:
        """The tensor viewer (built now if it was not)."""
        if self._view is None:
            from ovexplorer.ui.vision.tensor_view import TensorView

            view = TensorView(self)
            view.set_picture(self._picture)
            view.set_tensors(self._tensors)
            self._picture, self._tensors = None, {}
            self.layout().addWidget(view)
            view.show()  # at once (a layout would show it in a queued call): it draws when the tab is visible
            self._view = view
        return self._view

    def showEvent(self, event: Any) -> None:
        self.view()
        super().showEvent(event)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.view(), name)


def install_vision_panel(window: Any) -> VisionPanel:
    """Add the Answers tab beside the Run panel's outputs; answer each picture dropped on the model's input."""
    run = window.run_panel
    panel = VisionPanel(run.runner, device=run.current_device, parent=run)
    panel.document_getter = lambda: run.document
    panel.bring_forward = lambda: run.show_side_view(panel)
    run.add_side_view(panel, "Answers")

    def opened() -> None:
        doc = run.document
        panel.open_model(doc.model if doc is not None else None)

    def input_changed(name: str) -> None:
        i = run.row_index(name)
        row = run.rows[i] if 0 <= i < len(run.rows) else None
        if row is not None and row.image is not None:
            panel.set_picture(row.image, Path(row.source.path).name if row.source.path else name)
            tensors.set_picture(row.image)

    tensors = LazyTensorView(run)
    run.add_side_view(tensors, "Tensors")
    run_outputs: dict[str, Any] = {}

    def show_tensors() -> None:
        raw = panel.state.raw.named if panel.state.raw is not None else {}
        tensors.set_tensors({**run_outputs, **{f"answer: {k}": v for k, v in raw.items()}})

    def ran(result: Any) -> None:
        run_outputs.clear()
        run_outputs.update(result.outputs)
        show_tensors()

    def reset() -> None:
        run_outputs.clear()
        tensors.set_picture(None)
        opened()
        show_tensors()

    run.state.reset.connect(reset)
    run.inputs_changed.connect(input_changed)
    run.ran.connect(ran)
    shown_raw: list[Any] = [None]

    def answered() -> None:  # a new inference's raw outputs (a redraw at a new threshold changes nothing here)
        if panel.state.raw is not shown_raw[0]:
            shown_raw[0] = panel.state.raw
            show_tensors()

    panel.state.answered.connect(answered)
    opened()
    window.vision_panel = panel
    window.tensor_view = tensors
    return panel
