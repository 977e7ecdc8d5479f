"""The Answers view's state (Qt-free): the model, the task guessed or chosen and its parameters, the picture, the
decoded answer, the threshold and the selected box; the work that runs in a worker is a plain function here.

Events: ``config_changed()`` (wrapper or parameters: answer again), ``answered()`` (a new answer or a new
threshold: draw again), ``selection_changed(i)``, ``failed(message)`` (one line; the raw tensors stay visible).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import openvino as ov

from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.util.events import Event
from ovexplorer.core.vision.answer import MIN_THRESHOLD, RawAnswer, VisionModel
from ovexplorer.core.vision.config import VisionConfig, config_for, needs_size
from ovexplorer.core.vision.labels import read_labels_file
from ovexplorer.core.vision.model_api import MISSING, available
from ovexplorer.core.vision.results import Detection, VisionAnswer
from ovexplorer.core.vision.tasks import (
    TASKS,
    TaskGuess,
    class_count,
    guess_task,
    names_a_wrapper,
    no_wrapper_reason,
)


@dataclass(frozen=True, slots=True)
class Computed:
    """What a worker hands back: the compiled wrapper (reused while the config stays), the raw outputs, the answer."""

    model: VisionModel
    raw: RawAnswer
    answer: VisionAnswer


@dataclass(frozen=True, slots=True)
class Found:
    """What a model looks like to the Answers view: a task guess and its configuration, or why there is none."""

    guess: TaskGuess | None = None
    config: VisionConfig | None = None
    error: str = ""
    note: str = ""


def looks_like_vision(model: ov.Model) -> bool:
    """One picture-shaped input (rank 4, 1/3/4 channels first or last, or dynamic): cheap, no copy of the model."""
    if len(model.inputs) != 1:
        return False
    shape = model.inputs[0].get_partial_shape()
    if shape.rank.is_dynamic or shape.rank.get_length() != 4:
        return False
    ends = [shape[1], shape[3]]
    return any(d.is_dynamic or d.get_length() in (1, 3, 4) for d in ends)


def look_at(model: ov.Model, **_: Any) -> Found:
    """Guess the task and read the configuration the model carries (may copy and reshape a dynamic model: run it
    in a worker); models without a picture input are skipped at once."""
    if not looks_like_vision(model) and not names_a_wrapper(model):
        return Found()  # (Model API and OpenCV, ~0.2 s and 30 MB, are not even imported for it)
    if not available():
        return Found(error=MISSING)
    guess = guess_task(model)
    if guess is not None:
        return Found(guess, config_for(model, guess))
    why = no_wrapper_reason(model)
    if why:
        return Found(note=f"This is {why}: its raw outputs are in the Tensors tab.")
    return Found(note="No task recognised from the model's outputs or rt_info: pick a task and a wrapper above to "
                      "decode them, or read the raw outputs in the Tensors tab.")


def compute(model: ov.Model, config: VisionConfig, image: np.ndarray, threshold: float, device: str = "CPU",
            reuse: VisionModel | None = None, **_: Any) -> Computed:
    """Compile (unless ``reuse`` fits), infer and decode: the worker's job."""
    fits = reuse is not None and reuse.config == config and reuse.device == device
    vm = reuse if fits else VisionModel(model, config, device)
    raw, answer = vm.answer(image, threshold)
    return Computed(vm, raw, answer)


def redecode(vm: VisionModel, raw: RawAnswer, threshold: float, **_: Any) -> VisionAnswer:
    """Decode the same outputs at a lower threshold (no inference)."""
    return vm.decode(raw, threshold)


class VisionState:
    """See the module docstring."""

    def __init__(self) -> None:
        self.config_changed = Event()
        self.answered = Event()
        self.selection_changed = Event()
        self.failed = Event()
        self.model: ov.Model | None = None
        self.guess: TaskGuess | None = None
        self.config: VisionConfig | None = None
        self.classes: int | None = None
        self.image: np.ndarray | None = None
        self.image_name = ""
        self.answer: VisionAnswer | None = None
        self.raw: RawAnswer | None = None
        self.vm: VisionModel | None = None
        self.threshold = 0.25
        self.selected: int | None = None
        self.error = ""
        self.note = ""  # why there is no task (a model with a picture input that no wrapper was found for)

    # -- model and configuration ---------------------------------------------------------------
    def open(self, model: ov.Model | None, found: Found | None = None) -> None:
        """A new model; ``found`` is what :func:`look_at` found (computed here when not given)."""
        self.model, self.guess, self.config, self.answer, self.raw, self.vm = model, None, None, None, None, None
        self.image, self.image_name, self.selected, self.error, self.classes = None, "", None, "", None
        self.note = ""
        if model is not None:
            found = found if found is not None else look_at(model)
            self.error, self.guess, self.config, self.note = found.error, found.guess, found.config, found.note
            self._after_config()
        self.config_changed.emit()

    @property
    def can_choose(self) -> bool:
        """A task can be picked by hand: a picture model that Model API (installed) found no wrapper for."""
        return self.model is not None and self.config is None and bool(self.note)

    @property
    def needs_size(self) -> bool:
        return self.model is not None and needs_size(self.model)

    def choose_wrapper(self, wrapper: str) -> None:
        """Use another Model API wrapper (the model's parameters kept)."""
        if self.model is None:
            return
        base = self.config if self.config is not None else config_for(self.model, self.guess, wrapper)
        if base is None:
            return
        self.config = base.with_changes(wrapper=wrapper, reason="chosen by you" if self.guess is None or
                                        self.guess.wrapper != wrapper else self.guess.reason)
        self._after_config()
        self.config_changed.emit()

    def choose_task(self, task: str) -> None:
        if task in TASKS:
            self.choose_wrapper(TASKS[task][1][0])

    def set_params(self, **changes: Any) -> None:
        """Change parameters (``confidence``, ``iou``, ``mean``, ``scale``, ``resize_type``, ``input_size``...)."""
        if self.config is None:
            return
        new = self.config.with_changes(**changes)
        if new != self.config:
            self.config = new
            if "confidence" in changes and changes["confidence"] is not None:
                self.threshold = float(changes["confidence"])
            self.config_changed.emit()

    def set_labels(self, names: list[str], origin: str) -> None:
        if self.config is not None:
            self.config = self.config.with_changes(labels=tuple(names), labels_origin=origin)
            self.config_changed.emit()

    def load_labels(self, path: str | Path) -> str:
        """Take class names from a labels file; "" on success, else why it was refused (both counts named)."""
        try:
            names = read_labels_file(path, self.classes)
        except OvexplorerError as exc:
            self.fail(exc.message)
            return exc.message
        self.set_labels(names, Path(path).name)
        return ""

    def _after_config(self) -> None:
        if self.config is not None and self.model is not None:
            self.classes = class_count(self.model, self.config.wrapper)
            if self.config.confidence is not None:
                self.threshold = self.config.confidence

    # -- picture and answer -------------------------------------------------------------------
    def set_picture(self, image: np.ndarray | None, name: str) -> None:
        self.image, self.image_name = image, name
        self.answer, self.raw, self.selected = None, None, None

    def ready(self) -> bool:
        return self.model is not None and self.config is not None and self.image is not None

    def take(self, computed: Computed) -> None:
        self.vm, self.raw, self.answer = computed.model, computed.raw, computed.answer
        self.error, self.selected = "", None
        self.answered.emit()

    def take_decoded(self, answer: VisionAnswer) -> None:
        self.answer, self.selected = answer, None
        self.answered.emit()

    def fail(self, message: str) -> None:
        self.error = message.splitlines()[0] if message else "failed"
        self.failed.emit(self.error)

    def set_threshold(self, threshold: float) -> bool:
        """Show boxes scoring ``threshold`` or more; True when the answer must be decoded again (it was decoded
        above this threshold), False when it only redraws."""
        threshold = max(MIN_THRESHOLD, min(1.0, float(threshold)))
        self.threshold = threshold
        self.selected = None
        if self.answer is not None and threshold < self.answer.floor - 1e-9:
            return True
        self.answered.emit()
        return False

    @property
    def boxes(self) -> tuple[Detection, ...]:
        return self.answer.visible(self.threshold) if self.answer is not None else ()

    def select(self, index: int | None) -> None:
        if index is not None and not 0 <= index < len(self.boxes):
            index = None
        if index != self.selected:
            self.selected = index
            self.selection_changed.emit(index)

    def box_at(self, x: float, y: float) -> int | None:
        """The index of the smallest visible box holding the picture point (x, y), or None."""
        best, area = None, None
        for i, d in enumerate(self.boxes):
            if d.contains(x, y):
                a = (d.box[2] - d.box[0]) * (d.box[3] - d.box[1])
                if area is None or a < area:
                    best, area = i, a
        return best



