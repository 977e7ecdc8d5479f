"""Encoders: fill-mask against transformers, token labels through id2label, pooled embeddings and cosine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ovexplorer.core.text.encoder import EncoderSession, cosine
from ovexplorer.core.text.text_state import open_text_model
from ovexplorer.core.text.tokenizer import Tokens
from ovexplorer.core.util.errors import InputError
from tests.text_helpers import reference, sample

pytest.importorskip("openvino_tokenizers")


def test_bert_is_opened_as_an_encoder_and_fills_the_mask_as_transformers() -> None:
    text = open_text_model(sample("bert_mlm"))
    assert text is not None and not text.is_decoder and not text.compiled
    assert text.decoder is None and text.encoder is not None and text.compiled
    fill = reference("bert_mlm")["fill_mask"]
    tokens = text.tokenize(fill["text"])
    mask_id = int(text.tokenizer.encode("[MASK]", pieces=False).ids[1])
    assert "token_type_ids" in tokens.extra
    [(position, top)] = text.encoder.fill_mask(tokens, mask_id, 5, text.tokenizer)
    assert tokens.ids[position] == mask_id and list(top.ids) == fill["top_ids"]
    with pytest.raises(InputError, match=r"write \[MASK\]"):
        text.encoder.fill_mask(text.tokenize("no mask here"), mask_id)


def test_embeddings_compare_by_cosine() -> None:
    text = open_text_model(sample("bert_mlm"))
    a = text.encoder.embedding(text.tokenize("return the number of items"))
    b = text.encoder.embedding(text.tokenize("return the number of items"))
    c = text.encoder.embedding(text.tokenize("logging handlers write records"))
    assert a.ndim == 1 and cosine(a, b) == pytest.approx(1.0)
    assert cosine(a, c) < cosine(a, b)
    assert cosine(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == pytest.approx(0.0)


def test_an_encoder_offers_its_tasks_and_says_what_it_pooled(tmp_path: Path) -> None:
    """An encoder's headline names its tasks, not a KV cache it does not have; a causal LM's says where its cache is."""
    text = open_text_model(sample("bert_mlm"))
    assert text.tasks == ("fill-mask", "embeddings", "similarity")
    assert "encoder (fill-mask, embeddings, similarity)" in text.headline()
    assert "stateless" not in text.headline() and "stateful" not in text.headline()
    vector, source = text.encoder.pooled(text.tokenize("return the number of items"))
    assert vector.shape == (384,) and source == "the mean of the 9 tokens' 'logits'"  # with [CLS] and [SEP]
    first, source = text.encoder.pooled(text.tokenize("return the number of items"), "cls")
    assert first.shape == (384,) and source == "the first token's 'logits'"
    tagger = open_text_model(_token_classifier(tmp_path))
    assert tagger.tasks == ("token labels", "embeddings", "similarity")
    decoder = open_text_model(sample("gpt2_stateless"))
    assert decoder.tasks == ("next token", "generation") and "decoder, stateless" in decoder.headline()


def _token_classifier(path: Path) -> Path:
    """A tiny token classifier built in code: logits = table[input_ids] (3 labels), attention_mask unused."""
    import openvino as ov
    import openvino.opset13 as ops

    table = np.zeros((10, 3), dtype=np.float32)
    table[np.arange(10), np.arange(10) % 3] = 1.0
    ids = ops.parameter([-1, -1], ov.Type.i64, name="input_ids")
    mask = ops.parameter([-1, -1], ov.Type.i64, name="attention_mask")
    logits = ops.gather(ops.constant(table), ids, ops.constant(np.int64(0)))
    masked = ops.multiply(logits, ops.unsqueeze(ops.convert(mask, ov.Type.f32), ops.constant(np.int64(-1))))
    model = ov.Model([ops.result(masked, name="logits")], [ids, mask], "tagger")
    model.outputs[0].get_tensor().set_names({"logits"})
    ov.save_model(model, path / "openvino_model.xml")
    (path / "config.json").write_text(json.dumps({"architectures": ["BertForTokenClassification"], "vocab_size": 10,
                                                  "id2label": {"0": "O", "1": "B-PER", "2": "I-PER"}}))
    return path / "openvino_model.xml"


def test_token_labels_come_from_id2label(tmp_path: Path) -> None:
    xml = _token_classifier(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    enc = EncoderSession(str(xml), "CPU", config)
    tokens = Tokens(text="", ids=np.array([0, 1, 2, 4, 8]), extra={})
    assert enc.token_labels(tokens) == ["O", "B-PER", "I-PER", "B-PER", "I-PER"]
    with pytest.raises(InputError, match="outside the model's vocabulary of 10"):
        enc.token_labels(Tokens(text="", ids=np.array([3, 12]), extra={}))
