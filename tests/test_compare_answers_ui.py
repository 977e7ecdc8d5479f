"""The answers side by side in the comparison window, driven as a user drives it: open a pair, pick a picture (or
a folder, or type a prompt), Run both, read the Answers tab; and the small things around it (the Latency A/B
line for one round, the strings of a detokenizer in the outputs table)."""

from __future__ import annotations

import html
from pathlib import Path

import openvino as ov
import pytest
from models_compare import mlp, save, swapped_classes
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from test_compare_ui import settled
from test_vision_real import photo, shipped

from ovexplorer.ui.compare.compare_window import CompareWindow

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
TEXT_DATA = Path(__file__).parent / "data" / "text"
SHOTS = Path("/work/shots/answers")
TIMEOUT = 180_000


def open_pair(qtbot, a: Path, b: Path, *, weights: bool = True) -> CompareWindow:
    """The pair opened and matched, its weights compared (``weights``: a pair with weights to compare)."""
    compare = CompareWindow(a, b)
    qtbot.addWidget(compare)
    compare.resize(1400, 900)
    compare.show()
    if weights:
        return settled(qtbot, compare)
    qtbot.waitUntil(lambda: compare.state.comparison is not None and not compare.busy, timeout=TIMEOUT)
    return compare


def run_both(qtbot, compare: CompareWindow) -> None:
    view = compare.activations
    view.layers_check.setChecked(False)  # the answers are the point here
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: compare.state.answers is not None and not compare.busy, timeout=TIMEOUT)


def show_answers_tab(qtbot, compare: CompareWindow) -> None:
    bar = compare.tabs.tabBar()
    index = compare.tabs.indexOf(compare.answers)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert compare.tabs.currentWidget() is compare.answers


def shot(compare: CompareWindow, name: str) -> None:
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        compare.grab().save(str(SHOTS / name))


def plain(label) -> str:
    """A label's text as the user reads it: tags and entities rendered when Qt shows it as rich text, the raw
    text otherwise (where an entity would show as typed)."""
    import re

    from PySide6.QtGui import Qt as QtGui_Qt

    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui_Qt.mightBeRichText(text))
    return html.unescape(re.sub(r"<[^>]+>", "", text.replace("<br>", "\n"))) if rich else text


def test_a_detector_and_its_fp16_copy_box_the_same_face(qtbot, monkeypatch, tmp_path: Path) -> None:
    pytest.importorskip("model_api")
    pytest.importorskip("skimage.data", reason="scikit-image (the test extra) is not installed")
    a = shipped("nudenet", "320n.onnx")
    b = tmp_path / "320n_fp16.xml"
    ov.save_model(ov.Core().read_model(a), str(b), compress_to_fp16=True)
    picture = photo(tmp_path, "astronaut")
    compare = open_pair(qtbot, a, b)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(picture), ""))
    qtbot.mouseClick(compare.activations.file_button, Qt.MouseButton.LeftButton)
    run_both(qtbot, compare)
    assert "Answers: A found 1 box, B 1 box" in plain(compare.activations.notes)
    show_answers_tab(qtbot, compare)
    view = compare.answers
    summary = plain(view.summary)
    assert summary.startswith("astronaut.png: Same answer — A found 1 box, B 1 box (scores ≥ 0.25): 1 matched")
    assert plain(view.side_a.title) == "A: 1 box: FACE_FEMALE"
    assert plain(view.side_b.title) == "B: 1 box: FACE_FEMALE"
    assert [view.pairs.item(0, c).text() for c in (0, 2, 5)] == ["FACE_FEMALE", "FACE_FEMALE", "same"]
    assert float(view.pairs.item(0, 4).text()) > 0.9  # the same box, give or take FP16
    assert view.side_a.view.image is not None and view.side_b.view.image is not None
    # a click on the pair outlines that box in both pictures
    rect = view.pairs.visualItemRect(view.pairs.item(0, 0))
    qtbot.mouseClick(view.pairs.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.side_a.state.selected == 0 and view.side_b.state.selected == 0
    face = view.side_a.state.boxes[0]
    assert face.name == "FACE_FEMALE" and face.box[0] < 224 < face.box[2]  # her face, as the Run tab finds it
    shot(compare, "detector_fp16.png")
    # a click beside the face clears the pair; a click on B's face box selects it again in both pictures
    outside = view.side_b.view.to_widget((0, 0, 2, 2)).center().toPoint()
    qtbot.mouseClick(view.side_b.view, Qt.MouseButton.LeftButton, pos=outside)
    assert view.selected_pair() is None and view.side_a.state.selected is None
    inside = view.side_b.view.to_widget(view.side_b.state.boxes[0].box).center().toPoint()
    qtbot.mouseClick(view.side_b.view, Qt.MouseButton.LeftButton, pos=inside)
    assert view.selected_pair() == 0 and view.side_a.state.selected == 0 and view.side_b.state.selected == 0


def test_a_classifier_with_two_classes_swapped_over_a_folder(qtbot, monkeypatch, tmp_path: Path) -> None:
    pytest.importorskip("model_api")
    b = swapped_classes(SAMPLES / "shapes.xml", tmp_path / "shapes_swapped.xml", 1, 2)  # square <-> triangle
    compare = open_pair(qtbot, SAMPLES / "shapes.xml", b)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kw: str(SAMPLES / "images"))
    qtbot.mouseClick(compare.activations.folder_button, Qt.MouseButton.LeftButton)
    run_both(qtbot, compare)
    show_answers_tab(qtbot, compare)
    view = compare.answers
    combo = view.picture_combo
    assert combo.isVisible()
    assert [combo.itemText(k) for k in range(combo.count())] == ["✓ circle.png", "✗ square.png", "✗ triangle.png"]
    assert combo.currentText() == "✗ square.png"  # the first picture where the answers differ is shown first
    summary = plain(view.summary)
    assert summary.startswith("A and B give the same answer on 1 of 3 pictures.\nsquare.png: Answers differ — "
                              "Top-1 class differs: A square, B triangle")
    assert plain(view.side_a.title).startswith("A: top class: square (0.9")
    assert plain(view.side_b.title).startswith("B: top class: triangle")
    shot(compare, "classifier_swapped.png")
    combo.setCurrentIndex(0)  # the user picks the circle
    assert "circle.png: Same answer — Top-1 class agrees: A circle, B circle" in plain(view.summary)
    assert plain(view.side_b.title).startswith("B: top class: circle")


def test_a_language_model_and_its_int4_copy_continue_a_typed_prompt(qtbot, tmp_path: Path) -> None:
    pytest.importorskip("openvino_tokenizers")
    from ovexplorer.core.compare.answer_agreement import first_divergence, token_text
    from ovexplorer.core.text.sampling import SamplingConfig
    from ovexplorer.core.text.text_state import open_text_model

    a, b = TEXT_DATA / "llama_stateful" / "openvino_model.xml", TEXT_DATA / "llama_int4" / "openvino_model.xml"
    compare = open_pair(qtbot, a, b)
    show_answers_tab(qtbot, compare)
    view = compare.answers
    assert view.prompt.isVisible() and not view.picture_combo.isVisible()
    view.prompt.clear()
    qtbot.keyClicks(view.prompt, "hello world")
    qtbot.mouseClick(view.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: compare.state.answers is not None and not compare.busy, timeout=TIMEOUT)
    # the oracle: the text feature's own decoder on each model
    greedy, top = [], []
    for path in (a, b):
        tm = open_text_model(path)
        tokens = tm.tokenize("hello world")
        greedy.append(tm.generate(tokens, 16, SamplingConfig()))
        top.append(tm.next_token(tokens, 10))
    d = first_divergence(greedy[0].tokens, greedy[1].tokens)
    assert d is not None  # INT4 weights change what this tiny model says
    summary = plain(view.summary)
    assert summary.startswith("Answers differ — Next token")
    pieces = [tm.tokenizer.pieces(g.tokens) for g, tm in zip(greedy, (open_text_model(a), open_text_model(b)),
                                                               strict=True)]
    said = f"A says {token_text(pieces[0][d], greedy[0].tokens[d])} and B says " \
           f"{token_text(pieces[1][d], greedy[1].tokens[d])}"
    assert said in summary
    assert said in plain(compare.activations.notes)  # the Outputs tab gives the verdict too
    assert view.text_a.chart.shown.ids == top[0].ids and view.text_b.chart.shown.ids == top[1].ids
    assert len(view.text_a.chart.labels) == 10
    shown_b = view.text_b.continuation.text()
    assert plain(view.text_b.continuation).startswith("Greedy continuation: hello world")
    assert shown_b.count("text-decoration:underline") == 1  # the first token where B parts from A
    shot(compare, "language_model_int4.png")


def test_a_pair_no_feature_decodes_says_so(qtbot, tmp_path: Path) -> None:
    compare = open_pair(qtbot, save(mlp(), tmp_path / "a.xml"), save(mlp(), tmp_path / "b.xml"))
    show_answers_tab(qtbot, compare)
    view = compare.answers
    assert not view.answer_button.isEnabled()
    assert "Neither the vision nor the language-model feature decodes these models' outputs" in view.message.text()


def test_latency_of_one_round_says_one_round(qtbot, tmp_path: Path) -> None:
    compare = open_pair(qtbot, save(mlp(layers=1), tmp_path / "a.xml"), save(mlp(layers=1), tmp_path / "b.xml"))
    latency = compare.latency
    latency.rounds.setValue(1)
    assert latency.rounds.text() == "1 round"
    latency.seconds.setValue(0.2)
    qtbot.mouseClick(latency.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: compare.state.latency is not None and compare.state.latency.complete
                    and not compare.busy, timeout=TIMEOUT)
    text = latency.result.text()
    assert "; 1 round on CPU" in text and "rounds on" not in text
    latency.rounds.setValue(2)
    assert latency.rounds.text() == "2 rounds"


def test_a_detokenizer_s_strings_are_compared_in_the_outputs_table(qtbot) -> None:
    pytest.importorskip("openvino_tokenizers")
    compare = open_pair(qtbot, TEXT_DATA / "gpt2_stateful" / "openvino_detokenizer.xml",
                        TEXT_DATA / "llama_stateful" / "openvino_detokenizer.xml", weights=False)
    run_both(qtbot, compare)
    table = compare.activations.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    note = table.item(0, headers.index("Note")).text()
    assert note.startswith("text: 8 of 8 strings differ (strings have no error metrics); first at 0: ")
    assert table.item(0, headers.index("Cosine")).text() == "—"


def test_a_large_pictures_answers_are_drawn_in_workers(qtbot, monkeypatch, tmp_path: Path) -> None:
    """Both sides' answers on a photo above ~2 MP are drawn in a worker (two 12 MP class maps took seconds of the UI
    thread before the drawing was sped up, and still 0.2 s after); the pictures shown are drawn at full size."""
    pytest.importorskip("model_api")
    from PySide6.QtGui import QColor, QImage

    from ovexplorer.core.vision.draw import DRAW_INLINE_PIXELS

    picture = tmp_path / "big.png"
    image = QImage(2400, 1600, QImage.Format.Format_RGB32)
    image.fill(QColor(230, 40, 40))
    assert image.save(str(picture)) and 2400 * 1600 > DRAW_INLINE_PIXELS
    b = swapped_classes(SAMPLES / "shapes.xml", tmp_path / "shapes_swapped.xml", 1, 2)
    compare = open_pair(qtbot, SAMPLES / "shapes.xml", b)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kw: (str(picture), ""))
    qtbot.mouseClick(compare.activations.file_button, Qt.MouseButton.LeftButton)
    run_both(qtbot, compare)
    show_answers_tab(qtbot, compare)
    view = compare.answers
    assert view.side_a.draw_task is not None and view.side_b.draw_task is not None  # drawn in workers
    qtbot.waitUntil(lambda: all(s.view.image is not None and (s.view.image.width(), s.view.image.height())
                                == (2400, 1600) for s in (view.side_a, view.side_b)), timeout=TIMEOUT)
    assert plain(view.side_a.title).startswith("A: top class:")
