"""The answers side by side: A's and B's decoded answers for the same input with a summary of their agreement.
Vision models: the picture with A's boxes (classes, masks...) next to the picture with B's, and the boxes paired
by IoU (a click on a pair outlines both boxes); language models: each one's next-token top-k and greedy
continuation of the same prompt, the first token where they diverge marked."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ovexplorer.core.compare.answer_agreement import TextAgreement
from ovexplorer.core.compare.answers import DEFAULT_PROMPT, TEXT, VISION, AnswersComparison, PictureAnswers
from ovexplorer.core.compare.compare_state import CompareState
from ovexplorer.core.vision.vision_state import VisionState
from ovexplorer.ui.shell.workers import Task, TaskRunner
from ovexplorer.ui.text.next_token_chart import NextTokenChart
from ovexplorer.ui.vision.answer_drawing import AnswerDrawing
from ovexplorer.ui.vision.answer_view import AnswerView

PAIR_COLUMNS = ("A", "score A", "B", "score B", "IoU", "verdict")
DIFFERS = "#f9d3cf"
AGREES = "#d5f0d0"


def _shown(piece: str, token: int) -> str:
    if not piece:  # a byte or a special token: nothing alone, its id instead
        return f"<span style='color:#888'>⟨{token}⟩</span>"
    return escape(piece.replace("\n", "\\n").replace("\t", "\\t"))


def continuation_html(pieces: tuple[str, ...], tokens: tuple[int, ...], diverge: int | None) -> str:
    """The generated pieces (ids for those that decode to nothing alone), those from the first divergence on a red
    background (that one underlined)."""
    out = []
    for k, (piece, token) in enumerate(zip(pieces, tokens, strict=False)):
        text = _shown(piece, token)
        if diverge is not None and k >= diverge:
            mark = "text-decoration:underline;font-weight:bold;" if k == diverge else ""
            style = f"background:{DIFFERS};{mark}"
            text = f"<span style='{style}'>{text}</span>"
        out.append(text)
    return "<span style='font-family:monospace'>" + "".join(out) + "</span>"


class _VisionSide(QWidget):
    """One model's picture with its answer drawn (the Run tab's answer view, on a state of its own)."""

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.label = label
        self.state = VisionState()
        self.title = QLabel(f"<b>{label}</b>", self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.view = AnswerView(self.state, self)
        self.drawing = AnswerDrawing(TaskRunner(self), self.view.set_picture, parent=self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)

    def show_answer(self, picture: PictureAnswers | None, answer: object, threshold: float,
                    selected: int | None = None) -> None:
        if picture is None or answer is None:
            self.state.set_picture(None, "")
            self.drawing.draw(None, None, threshold, None)
            self.title.setText(f"<b>{self.label}</b>")
            return
        self.state.set_picture(picture.image, picture.name)
        self.state.threshold = threshold
        self.state.take_decoded(answer)
        self.state.selected = selected
        self.title.setText(f"<b>{self.label}</b>: {escape(answer.summary(threshold))}")
        self.drawing.draw(picture.image, answer, threshold, selected)

    @property
    def draw_task(self) -> Task | None:
        return self.drawing.task


class _TextSide(QWidget):
    """One model's next-token bars and greedy continuation."""

    def __init__(self, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.label = label
        self.title = QLabel(f"<b>{label}</b>", self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.chart = NextTokenChart(self)
        self.continuation = QLabel("", self)
        self.continuation.setWordWrap(True)
        self.continuation.setTextFormat(Qt.TextFormat.RichText)
        self.continuation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.continuation)


class AnswersView(QWidget):
    """See the module docstring; ``answer_requested(prompt)`` asks the window to decode both on the current input."""

    answer_requested = Signal(str)

    def __init__(self, state: CompareState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._notes = self._overall = ""
        self.prompt_label = QLabel("Prompt:", self)
        self.prompt = QLineEdit(DEFAULT_PROMPT, self)
        self.prompt.setToolTip("Both language models continue this text (greedy)")
        self.prompt.returnPressed.connect(lambda: self.answer_requested.emit(self.prompt.text()))
        self.picture_combo = QComboBox(self)
        self.picture_combo.setToolTip("The picture whose answers are shown")
        self.picture_combo.currentIndexChanged.connect(self._picture_chosen)
        self.answer_button = QPushButton("Answer with A and B", self)
        self.answer_button.setToolTip("Decode both models' answers for the input of the Outputs tab (a picture or "
                                      "a folder of pictures) or for the prompt")
        self.answer_button.clicked.connect(lambda: self.answer_requested.emit(self.prompt.text()))
        controls = QHBoxLayout()
        for w in (self.prompt_label, self.prompt, self.picture_combo, self.answer_button):
            controls.addWidget(w)
        controls.addStretch(1)
        self.prompt.setMinimumWidth(420)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.pages = QStackedWidget(self)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.message)
        # vision: both pictures, and the boxes paired
        self.side_a, self.side_b = _VisionSide("A", self), _VisionSide("B", self)
        self.side_a.view.box_clicked.connect(lambda i: self._box_clicked(0, i))
        self.side_b.view.box_clicked.connect(lambda i: self._box_clicked(1, i))
        pictures = QSplitter(Qt.Orientation.Horizontal, self)
        pictures.addWidget(self.side_a)
        pictures.addWidget(self.side_b)
        self.pairs = QTableWidget(0, len(PAIR_COLUMNS), self)
        self.pairs.setHorizontalHeaderLabels(PAIR_COLUMNS)
        self.pairs.verticalHeader().hide()
        self.pairs.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pairs.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pairs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pairs.horizontalHeader().setStretchLastSection(True)
        self.pairs.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.pairs.itemSelectionChanged.connect(self._show_picture)
        vision = QSplitter(Qt.Orientation.Horizontal, self)
        vision.addWidget(pictures)
        vision.addWidget(self.pairs)
        vision.setSizes([700, 300])
        self.vision_page = vision
        self.pages.addWidget(vision)
        # language models: both top-k charts and continuations
        self.text_a, self.text_b = _TextSide("A", self), _TextSide("B", self)
        text = QSplitter(Qt.Orientation.Horizontal, self)
        text.addWidget(self.text_a)
        text.addWidget(self.text_b)
        self.text_page = text
        self.pages.addWidget(text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.pages, 1)
        state.comparison_changed.connect(self._clear)
        state.answers_changed.connect(self._fill)
        self._clear()

    # -- filling ----------------------------------------------------------------------------------
    def _controls(self, kind: str, pictures: int = 0) -> None:
        self.prompt_label.setVisible(kind == TEXT)
        self.prompt.setVisible(kind == TEXT)
        self.picture_combo.setVisible(kind == VISION and pictures > 1)
        self.answer_button.setEnabled(kind in (TEXT, VISION))

    def _clear(self) -> None:
        kind = self.state.answer_kind
        self._controls(kind)
        self.summary.setText("")
        if kind == TEXT:
            text = "Run both (or press Answer) to see A's and B's next tokens and continuations of the prompt."
        elif kind == VISION:
            text = ("Choose a picture or a folder of pictures in the Outputs tab and run both: A's answer is "
                    "drawn next to B's.")
        else:
            text = ("Neither the vision nor the language-model feature decodes these models' outputs: compare "
                    "them as numbers in the Outputs tab.")
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)

    def _fill(self) -> None:
        answers = self.state.answers
        if answers is None:
            self._clear()
            return
        pictures = len(answers.pictures)
        self._controls(answers.kind or self.state.answer_kind, pictures)
        notes = "".join(f"<br><i>{escape(n)}</i>" for n in answers.notes)
        if not answers.decoded:
            self.summary.setText(notes[4:])
            self.message.setText(answers.note)
            self.pages.setCurrentWidget(self.message)
            return
        if answers.text is not None:
            self._fill_text(answers.text)
            self.summary.setText(self._verdict(answers.text.top1_agrees and answers.text.divergence is None,
                                               answers.summary()) + notes)
            return
        self.picture_combo.blockSignals(True)
        self.picture_combo.clear()
        for p in answers.pictures:
            self.picture_combo.addItem(("✓ " if p.agreement.agrees else "✗ ") + p.name)
        first_differs = next((k for k, p in enumerate(answers.pictures) if not p.agreement.agrees), 0)
        self.picture_combo.setCurrentIndex(first_differs)  # where the answers differ is what the user sees first
        self.picture_combo.blockSignals(False)
        overall = "" if pictures == 1 else escape(answers.summary()) + "<br>"
        self._notes = notes
        self._overall = overall
        self.pages.setCurrentWidget(self.vision_page)
        self._fill_pairs()
        self._show_picture()

    @staticmethod
    def _verdict(agrees: bool, text: str) -> str:
        color = "#2a7a2a" if agrees else "#b03020"
        return f"<span style='color:{color}'><b>{'Same answer' if agrees else 'Answers differ'}</b></span> — " \
               f"{escape(text)}"

    def current_picture(self) -> PictureAnswers | None:
        answers = self.state.answers
        if answers is None or not answers.pictures:
            return None
        k = max(0, self.picture_combo.currentIndex())
        return answers.pictures[min(k, len(answers.pictures) - 1)]

    def _fill_pairs(self) -> None:
        picture = self.current_picture()
        self.pairs.blockSignals(True)
        self.pairs.clearSelection()
        agreement = picture.agreement if picture is not None else None
        rows = list(agreement.pairs) if agreement is not None else []
        self.pairs.setRowCount(len(rows))
        for r, p in enumerate(rows):
            da = agreement.boxes_a[p.a] if p.a is not None else None
            db = agreement.boxes_b[p.b] if p.b is not None else None
            if da is not None and db is not None:
                verdict = "same" if p.same_label else "label differs"
            else:
                verdict = "only in A" if db is None else "only in B"
            cells = [da.name if da else "—", f"{da.score:.3f}" if da else "", db.name if db else "—",
                     f"{db.score:.3f}" if db else "", f"{p.iou:.2f}" if da and db else "", verdict]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 5:
                    item.setBackground(QColor(AGREES if verdict == "same" else DIFFERS))
                self.pairs.setItem(r, c, item)
        self.pairs.setVisible(bool(rows))
        self.pairs.blockSignals(False)

    def _box_clicked(self, side: int, index: int | None) -> None:
        """A click on a box of either picture selects its pair (both boxes outlined); elsewhere clears it."""
        picture = self.current_picture()
        if picture is None:
            return
        row = next((r for r, p in enumerate(picture.agreement.pairs) if index is not None
                    and (p.a if side == 0 else p.b) == index), None)
        if row is None:
            self.pairs.clearSelection()
        else:
            self.pairs.selectRow(row)

    def selected_pair(self) -> int | None:
        rows = self.pairs.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _picture_chosen(self, _index: int) -> None:
        self._fill_pairs()
        self._show_picture()

    def _show_picture(self) -> None:
        answers = self.state.answers
        picture = self.current_picture()
        if answers is None or picture is None:
            return
        agreement = picture.agreement
        row = self.selected_pair()
        pair = agreement.pairs[row] if row is not None and row < len(agreement.pairs) else None
        self.side_a.show_answer(picture, picture.answer_a, agreement.threshold, pair.a if pair else None)
        self.side_b.show_answer(picture, picture.answer_b, agreement.threshold, pair.b if pair else None)
        self.summary.setText(self._overall + f"<b>{escape(picture.name)}</b>: "
                             + self._verdict(agreement.agrees, agreement.summary()) + self._notes)

    def _fill_text(self, t: TextAgreement) -> None:
        self.pages.setCurrentWidget(self.text_page)
        d = t.divergence
        for side, nxt, pieces, tokens, label in ((self.text_a, t.next_a, t.pieces_a, t.tokens_a, "A"),
                                                 (self.text_b, t.next_b, t.pieces_b, t.tokens_b, "B")):
            side.chart.show_next(nxt)
            side.title.setText(f"<b>{label}</b>: the next token after “{escape(t.prompt)}”")
            side.continuation.setText(f"Greedy continuation: {escape(t.prompt)}"
                                      + continuation_html(pieces, tokens, d))

    def shown_text(self) -> str:
        """Everything the tab shows as text (the summary, titles, continuations): what a user reads."""
        parts = [self.summary.text()]
        if self.pages.currentWidget() is self.message:
            parts.append(self.message.text())
        elif self.pages.currentWidget() is self.text_page:
            parts += [w.text() for w in (self.text_a.title, self.text_a.continuation, self.text_b.title,
                                         self.text_b.continuation)]
        else:
            parts += [self.side_a.title.text(), self.side_b.title.text()]
        return "\n".join(parts)

    def answers(self) -> AnswersComparison | None:
        return self.state.answers
