"""The text view driven as a user does: open an export folder, type a prompt, see its tokens, ask for the next
token, press Generate and watch tokens stream, press Stop (partial text kept, the model still usable)."""

from __future__ import annotations

import pytest

from tests.text_helpers import reference, sample

pytest.importorskip("openvino_tokenizers")


@pytest.fixture
def window(qtbot):
    from ovexplorer.ui.shell.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    yield w
    w.text_view.stop()
    w.runner.wait(30000)


def _open(qtbot, window, name: str):
    window.open_path(sample(name))  # the folder itself
    qtbot.waitUntil(lambda: window.document is not None and window.text_view.model is not None, timeout=60000)
    return window.text_view


def test_prompt_tokens_next_token_and_greedy_generation(qtbot, window) -> None:
    view = _open(qtbot, window, "gpt2_stateful")
    assert view.isVisibleTo(window.run_panel) and window.document.path.name == "openvino_model.xml"
    assert "Hidden size" in window.summary_panel.text() and "KV cache" in window.summary_panel.text()
    window.show_panel(window.run_panel)
    qtbot.keyClicks(view.prompt, "Return the number")
    qtbot.waitUntil(lambda: view.tokens is not None and view.tokens.text == "Return the number", timeout=10000)
    shown = view.spans.toPlainText()
    assert f"{len(view.tokens)} tokens" in shown and all(str(int(i)) in shown for i in view.tokens.ids)
    assert all(p in shown.replace("\xa0", " ") for p in view.tokens.pieces)
    qtbot.mouseClick(view.next_button, __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton)
    want = reference("gpt2_stateful")["greedy"]["Return the number"]
    qtbot.waitUntil(lambda: view.chart.shown is not None, timeout=20000)
    assert view.chart.shown.ids[0] == want[0] and len(view.chart.labels) == 10
    view.options.max_new.setValue(12)
    view.generate_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    assert view.result.tokens == want
    assert view.output.toPlainText() == view.result.text != ""
    assert "12 tokens" in view.status.text() and "per token" in view.status.text()


def test_stop_keeps_partial_text_and_the_model_stays_usable(qtbot, window) -> None:
    view = _open(qtbot, window, "llama_stateless")
    view.prompt.setPlainText("The logger")
    view.options.max_new.setValue(100)  # context 128: the loop stops at the context unless stopped first
    seen: list[str] = []
    view.drain_timer.timeout.connect(lambda: seen.append(view.output.toPlainText()))
    view.generate_button.click()
    assert view.stop_button.isEnabled() and not view.generate_button.isEnabled()
    qtbot.waitUntil(lambda: "Generating… " in view.status.text() and "tokens" in view.status.text(), timeout=20000)
    view.stop_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20000)
    result = view.result
    assert result.reason == "stopped" and 0 < len(result.tokens) < 100
    assert view.output.toPlainText() == result.text
    assert any(s for s in seen)  # text appeared while it was generating
    assert view.generate_button.isEnabled() and not view.stop_button.isEnabled()
    view.options.max_new.setValue(12)
    view.generate_button.click()
    qtbot.waitUntil(lambda: view.result is not None and view.result is not result, timeout=30000)
    assert view.result.tokens == reference("llama_stateless")["greedy"]["The logger"]


def test_llm_latency_sweep_plots_ttft_and_tpot(qtbot, window) -> None:
    view = _open(qtbot, window, "llama_stateful")
    lat = view.latency
    view.tabs.setCurrentWidget(lat)
    lat.new_tokens.setValue(8)
    lat.rounds.setValue(1)
    lat.lengths.setText("4 16 400")  # 400 + 8 > context 128: left out
    lat.sweep_button.click()
    qtbot.waitUntil(lambda: lat.task is None and len(lat.points) == 2, timeout=60000)
    xs, ys = lat.ttft_curve.getData()
    assert list(xs) == [4, 16] and all(y > 0 for y in ys)
    assert len(lat.per_token_curve.getData()[0]) == 8
    assert "TTFT" in lat.result.text() and "tokens/s" in lat.result.text()


def test_an_encoder_fills_the_mask(qtbot, window) -> None:
    view = _open(qtbot, window, "bert_mlm")
    assert view.fill_button.isVisibleTo(view) and not view.generate_button.isVisibleTo(view)
    fill = reference("bert_mlm")["fill_mask"]
    view.prompt.setPlainText(fill["text"])
    view.fill_button.click()
    qtbot.waitUntil(lambda: view.chart.shown is not None, timeout=20000)
    assert list(view.chart.shown.ids[:5]) == fill["top_ids"]
    view.second.setText("return the number of items")
    view.compare_button.click()
    qtbot.waitUntil(lambda: "cosine similarity" in view.status.text(), timeout=20000)


def test_an_encoder_shows_its_tasks_and_no_generation(qtbot, window) -> None:
    """BERT's view said 'stateless' and 'Generated text streams here', and offered the LLM latency tab: an encoder
    generates nothing. It shows the encoder's tasks and writes their answers where a decoder streams its text."""
    view = _open(qtbot, window, "bert_mlm")
    header = view.header.text()
    assert "encoder (fill-mask, embeddings, similarity)" in header
    assert "stateless" not in header and "stateful" not in header
    assert "Generated" not in view.output.placeholderText() and "[MASK]" in view.output.placeholderText()
    assert not view.tabs.isTabVisible(1)  # LLM latency
    for button in (view.next_button, view.generate_button, view.stop_button, view.options):
        assert not button.isVisibleTo(view)
    for button in (view.fill_button, view.embedding_button, view.compare_button, view.second):
        assert button.isVisibleTo(view)
    view.prompt.setPlainText("return the number of items")
    view.embedding_button.click()
    qtbot.waitUntil(lambda: "Embedding:" in view.output.toPlainText(), timeout=20000)
    # a masked LM has only its logits to pool: the answer says so (384 = the vocabulary, not a hidden size)
    assert "Embedding: 384 values" in view.output.toPlainText() and "'logits'" in view.output.toPlainText()
    view.second.setText("return the number of items")
    view.compare_button.click()
    qtbot.waitUntil(lambda: "cosine similarity" in view.output.toPlainText(), timeout=20000)
    assert "cosine similarity of the two texts: 1.0000" in view.output.toPlainText()  # the same text twice
    window.open_path(sample("gpt2_stateful"))  # a decoder again: its generation area and latency tab come back
    qtbot.waitUntil(lambda: view.model is not None and view.model.is_decoder, timeout=30000)
    assert "decoder, stateful" in view.header.text() and view.tabs.isTabVisible(1)
    assert view.output.placeholderText() == "Generated text streams here" and view.output.toPlainText() == ""
    assert view.generate_button.isVisibleTo(view) and not view.embedding_button.isVisibleTo(view)


def test_use_as_inputs_fills_every_token_input_and_run_answers_the_next_token(qtbot, window) -> None:
    import numpy as np

    view = _open(qtbot, window, "llama_stateless")
    panel = window.run_panel
    window.show_panel(panel)
    view.prompt.setPlainText("Return the number")
    with qtbot.waitSignal(view.inputs_ready, timeout=20000):
        view.inputs_button.click()
    n = len(view.tokens)
    rows = {r.spec.name: r for r in panel.rows}
    assert rows["input_ids"].shape == (1, n) and rows["attention_mask"].shape == (1, n)
    assert rows["position_ids"].source.text == " ".join(str(i) for i in range(n))
    assert rows["past_key_values.0.key"].shape == (1, 2, 0, 8)
    assert not panel.invalid_rows()
    with qtbot.waitSignal(panel.ran, timeout=30000) as ran:
        panel.run_button.click()
    logits = ran.args[0].outputs["logits"]
    assert logits.shape == (1, n, 384)
    assert int(np.argmax(logits[0, -1])) == reference("llama_stateless")["greedy"]["Return the number"][0]


def test_generation_streams_without_blocking_the_ui(qtbot, window) -> None:
    from tests.ui_stall import StallMeter

    view = _open(qtbot, window, "gpt2_stateful")
    window.show_panel(window.run_panel)
    view.prompt.setPlainText("The logger")
    view.options.max_new.setValue(110)
    view.options.use_genai.setChecked(True)
    lengths: list[int] = []
    view.drain_timer.timeout.connect(lambda: lengths.append(len(view.output.toPlainText())))
    with StallMeter() as meter:
        view.generate_button.click()
        qtbot.waitUntil(lambda: view.result is not None, timeout=60000)
    assert view.result.reason in ("length", "eos") and view.result.tokens
    assert len(set(lengths)) > 2  # the text grew in several steps while tokens came
    assert meter.longest_ms < 100, meter.summary()


def test_a_missing_openvino_tokenizers_is_named_with_the_install_command(qtbot, window, monkeypatch) -> None:
    import sys

    from ovexplorer.core.text import deps

    real = deps.importlib.metadata.version
    monkeypatch.setattr(deps.importlib.metadata, "version",
                        lambda name: (_ for _ in ()).throw(deps.importlib.metadata.PackageNotFoundError(name))
                        if name == "openvino-tokenizers" else real(name))
    monkeypatch.setattr(deps, "_version", deps._version.__wrapped__)  # the app caches versions; this one changes
    monkeypatch.setitem(sys.modules, "openvino_tokenizers", None)
    window.open_path(sample("gpt2_stateful"))
    view = window.text_view
    qtbot.waitUntil(lambda: window.document is not None and "not installed" in view.header.text(), timeout=30000)
    text = view.status.text()  # the same message, as plain text
    assert "openvino-tokenizers is not installed" in text and 'pip install "openvino-tokenizers~=' in text
    assert view.model is None and not view.generate_button.isEnabled()


def test_a_token_classifier_labels_the_tokens_over_their_spans(qtbot, window, tmp_path) -> None:
    import shutil

    from tests.test_text_encoder import _token_classifier

    xml = _token_classifier(tmp_path)
    for f in ("openvino_tokenizer.xml", "openvino_tokenizer.bin", "openvino_detokenizer.xml",
              "openvino_detokenizer.bin"):
        shutil.copy(sample("bert_mlm") / f, tmp_path / f)
    window.open_path(xml)
    view = window.text_view
    qtbot.waitUntil(lambda: view.model is not None, timeout=30000)
    assert view.labels_button.isVisibleTo(view) and not view.fill_button.isVisibleTo(view)
    view.prompt.setPlainText("[MASK]")  # [CLS]=2 [MASK]=4 [SEP]=3 in the sample's WordPiece vocabulary
    qtbot.waitUntil(lambda: view.tokens is not None, timeout=10000)
    ids = [int(i) for i in view.tokens.ids]
    assert max(ids) < 10
    view.labels_button.click()
    qtbot.waitUntil(lambda: view.spans.labels is not None, timeout=20000)
    names = {0: "O", 1: "B-PER", 2: "I-PER"}
    assert view.spans.labels == [names[i % 3] for i in ids]
    assert all(label in view.spans.toPlainText() for label in view.spans.labels)


def test_opening_another_model_clears_the_previous_generation(qtbot, window) -> None:
    view = _open(qtbot, window, "gpt2_stateful")
    view.prompt.setPlainText("The logger")
    view.options.max_new.setValue(6)
    view.generate_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    assert view.output.toPlainText()
    window.open_path(sample("bert_mlm"))
    qtbot.waitUntil(lambda: view.model is not None and not view.model.is_decoder, timeout=30000)
    assert view.output.toPlainText() == "" and view.result is None and view.chart.shown is None


def test_at_the_minimum_window_size_text_and_inputs_share_a_splitter(qtbot, window, tiny_ir) -> None:
    """The text view used to force the window to 1021x979; now the window keeps its minimum size, the text view
    and the Run inputs/outputs split the height (both scroll), and dragging the handle collapses the text view."""
    view = _open(qtbot, window, "llama_stateful")
    window.resize(873, 621)
    qtbot.waitUntil(lambda: window.size().width() == 873 and window.size().height() == 621, timeout=5000)
    window.tabs.setCurrentWidget(window.run_panel)
    splitter = window.text_splitter
    text_part, run_part = splitter.widget(0), splitter.widget(1)
    qtbot.waitUntil(lambda: splitter.isVisible(), timeout=5000)
    assert text_part.isVisible() and run_part.isVisible()
    qtbot.waitUntil(lambda: splitter.sizes()[0] > 150, timeout=5000)
    top, bottom = splitter.sizes()
    assert top > 150 and bottom > 100  # both usable, the text view scrolls rather than pushing the window
    assert view.prompt.isVisible() and window.run_panel.table.isVisible()
    splitter.moveSplitter(0, 1)  # the user drags the handle to the top: the text view collapses
    assert splitter.sizes()[0] == 0 and splitter.sizes()[1] > bottom
    window.open_path(tiny_ir)  # not a language model: the text part goes away with the view
    qtbot.waitUntil(lambda: window.document is not None and window.document.path == tiny_ir, timeout=30000)
    qtbot.waitUntil(lambda: not view.isVisibleTo(window.run_panel), timeout=30000)
    assert not text_part.isVisibleTo(window) and run_part.isVisible()
    from ovexplorer.ui.shell.window_state import _splitters

    assert splitter not in _splitters(window.tabs).values()  # not remembered: the other splitters keep their keys
    assert _splitters(window.tabs)["Run/0"] is window.run_panel.splitter
