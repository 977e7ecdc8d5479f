"""The vision views' hook into the window: the Answers and Tensors tabs beside the Run panel's outputs, fed by the
Run panel's model, its dropped pictures and its runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ovexplorer.ui.vision.tensor_view import TensorView
from ovexplorer.ui.vision.vision_panel import VisionPanel


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

    tensors = TensorView(run)
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
