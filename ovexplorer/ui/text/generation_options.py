"""The generation settings row: new tokens, greedy or sampling (temperature, top-k, top-p, seed), and whether
openvino-genai's LLMPipeline runs it."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from ovexplorer.core.text.sampling import SamplingConfig


class GenerationOptions(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_new = QSpinBox(self)
        self.max_new.setRange(1, 4096)
        self.max_new.setValue(32)
        self.greedy = QCheckBox("Greedy", self)
        self.greedy.setChecked(True)
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setRange(0.05, 5.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(0.8)
        self.top_k = QSpinBox(self)
        self.top_k.setRange(0, 100000)
        self.top_k.setValue(50)
        self.top_p = QDoubleSpinBox(self)
        self.top_p.setRange(0.01, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setValue(0.95)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.use_genai = QCheckBox("openvino-genai", self)
        self.use_genai.setToolTip("Generate with openvino-genai's LLMPipeline (full export folders only); "
                                  "otherwise the app's own loop over the model")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("New tokens", self.max_new), ("", self.greedy), ("T", self.temperature),
                              ("top-k", self.top_k), ("top-p", self.top_p), ("seed", self.seed),
                              ("", self.use_genai)):
            if label:
                row.addWidget(QLabel(label, self))
            row.addWidget(widget)
        row.addStretch(1)
        self.greedy.toggled.connect(self._greedy_toggled)
        self._greedy_toggled(True)

    def _greedy_toggled(self, greedy: bool) -> None:
        for w in (self.temperature, self.top_k, self.top_p, self.seed):
            w.setEnabled(not greedy)

    def sampling(self) -> SamplingConfig:
        return SamplingConfig(greedy=self.greedy.isChecked(), temperature=self.temperature.value(),
                              top_k=self.top_k.value(), top_p=self.top_p.value(), seed=self.seed.value())
