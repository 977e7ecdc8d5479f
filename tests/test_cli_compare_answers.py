"""``ovexplorer compare`` reports the decoded answers' agreement when the vision or language-model feature decodes
both models, and says why not otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from models_compare import conv_net, save, swapped_classes

from ovexplorer.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "resources" / "samples"
TEXT_DATA = Path(__file__).parent / "data" / "text"


def test_compare_json_has_the_classifiers_answers_per_picture(tmp_path: Path, capsys) -> None:
    pytest.importorskip("model_api")
    b = swapped_classes(SAMPLES / "shapes.xml", tmp_path / "swapped.xml", 1, 2)
    assert main(["compare", str(SAMPLES / "shapes.xml"), str(b), "--input", str(SAMPLES / "images"), "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert (answers["kind"], answers["task"], answers["wrapper"]) == ("vision", "classification", "Classification")
    assert answers["agree_on"] == 1 and answers["summary"] == "A and B give the same answer on 1 of 3 pictures."
    by_name = {p["picture"]: (p["top_a"][0], p["top_b"][0], p["top1_agrees"]) for p in answers["pictures"]}
    assert by_name == {"circle.png": ("circle", "circle", True), "square.png": ("square", "triangle", False),
                       "triangle.png": ("triangle", "square", False)}


def test_compare_text_prints_the_answers_of_one_picture(capsys) -> None:
    pytest.importorskip("model_api")
    picture = SAMPLES / "images" / "triangle.png"
    assert main(["compare", str(SAMPLES / "shapes.xml"), str(SAMPLES / "shapes.xml"), "--input", str(picture)]) == 0
    out = capsys.readouterr().out
    assert "Answers:     Top-1 class agrees: A triangle, B triangle; top-3 classes in common: 3 of 3." in out


def test_compare_json_has_the_language_models_continuations(capsys) -> None:
    pytest.importorskip("openvino_tokenizers")
    a, b = TEXT_DATA / "llama_stateful" / "openvino_model.xml", TEXT_DATA / "llama_int4" / "openvino_model.xml"
    assert main(["compare", str(a), str(b), "--prompt", "hello world", "--new-tokens", "6", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    text = answers["text"]
    assert answers["kind"] == "text" and text["prompt"] == "hello world" and text["same_tokenizer"]
    assert len(text["tokens_a"]) == len(text["tokens_b"]) == 6
    assert len(text["top_a"]) == len(text["top_b"]) == 10
    d = text["first_divergence"]
    assert d is not None and text["tokens_a"][:d] == text["tokens_b"][:d] and text["tokens_a"][d] != text["tokens_b"][d]
    assert text["top1_agrees"] == (text["top_a"][0]["id"] == text["top_b"][0]["id"])


def test_compare_says_a_picture_is_needed_and_leaves_others_out(tmp_path: Path, capsys) -> None:
    pytest.importorskip("model_api")
    assert main(["compare", str(SAMPLES / "shapes.xml"), str(SAMPLES / "shapes.xml"), "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)["answers"]
    assert not answers["decoded"] and "give a picture or a folder of pictures" in answers["note"]
    assert main(["compare", str(SAMPLES / "regression.xml"), str(SAMPLES / "regression.xml"), "--json"]) == 0
    assert "answers" not in json.loads(capsys.readouterr().out)  # nothing decodes a regression model
    a = save(conv_net(), tmp_path / "a.xml")
    assert main(["compare", str(a), str(a), "--json"]) == 0  # a picture input without a Model API configuration
    data = json.loads(capsys.readouterr().out)
    assert data["answers"]["decoded"] is False
