"""The byte scan that clears an IR of every guard: never clears a file a guard refuses (its nesting bound is never
below the true depth), clears the IRs the field's tools write, and spares them the full XML pre-check."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from models import make_tiny_ir

from ovexplorer.core.model import document
from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.ir_guard_scan import max_nesting, passes_guards
from ovexplorer.core.util import errors


def _depth(element: ET.Element) -> int:
    return 1 + max((_depth(child) for child in element), default=0)


def _random_xml(rng: random.Random, depth: int = 0) -> str:
    """An element with attribute values and text holding '>' and '/>' (legal XML), and random children."""
    attrs = "".join(f' a{i}="{rng.choice(["x", "/>", "a/>b", ">", "1/", "/"])}"' for i in range(rng.randint(0, 2)))
    text = rng.choice(["", "t", "/>", "x/>y", ">"])
    children = [] if depth > 6 else [_random_xml(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if not children and not text and rng.random() < 0.5:
        return f"<e{attrs}{rng.choice(['/>', ' />'])}"
    return f"<e{attrs}>{text}{''.join(children)}{rng.choice(['', '/>', 'z'])}</e>"


def test_the_nesting_bound_is_never_below_the_true_depth() -> None:
    rng = random.Random(18)
    for _ in range(300):
        text = _random_xml(rng)
        assert max_nesting(text.encode()) >= _depth(ET.fromstring(text)), text


@pytest.mark.parametrize(("text", "depth"), [
    ("<a/>", 1), ("<a><b/></a>", 2), ("<a><b/><c><d/></c></a>", 3), ('<a x="1"><b y="2"/></a>', 2),
])
def test_the_nesting_bound_is_exact_on_plain_xml(text: str, depth: int) -> None:
    assert max_nesting(text.encode()) == depth


def _variant(tmp_path: Path, label: str, edit) -> Path:
    base = tmp_path / "base" / "tiny.xml"
    if not base.exists():
        make_tiny_ir(base)
    xml = tmp_path / label / "model.xml"
    xml.parent.mkdir()
    xml.write_bytes(edit(base.read_bytes()))
    xml.with_suffix(".bin").write_bytes(base.with_suffix(".bin").read_bytes())
    return xml


#: Files each guard refuses, and files the scan cannot settle: the full pre-check decides them.
UNSETTLED = {
    "nesting-depth": lambda t: t.replace(b"</rt_info>", b"<a>" * 300 + b"</a>" * 300 + b"</rt_info>", 1),
    "nesting-depth in self-closing form": lambda t: t.replace(b"</rt_info>", b"<a>" * 256 + b"<b/>" + b"</a>" * 256
                                                              + b"</rt_info>", 1),
    "dimension-range": lambda t: t.replace(b'shape="1,3,8,8"', b'shape="1,3,8..2,8"', 1),
    "negative dimension": lambda t: t.replace(b'shape="1,3,8,8"', b'shape="1,-5,8,8"', 1),
    "const-dynamic-type": lambda t: t.replace(b'<data element_type="f32" shape="4, 3, 3, 3"',
                                              b'<data element_type="dynamic" shape="4, 3, 3, 3"', 1),
    "an entity in a shape": lambda t: t.replace(b'shape="1,3,8,8"', b'shape="1,3,8,&#56;"', 1),
    "a comment": lambda t: t.replace(b"<layers>", b"<!-- <a> --><layers>", 1),
    "UTF-16": lambda t: t.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    "not an IR": lambda t: b"<graph/>",
}


@pytest.mark.parametrize("label", list(UNSETTLED))
def test_a_file_a_guard_may_refuse_is_left_to_the_full_check(tmp_path: Path, label: str) -> None:
    assert passes_guards(_variant(tmp_path, label.replace(" ", "_"), UNSETTLED[label])) is None


def test_a_plain_ir_is_cleared_and_opens_without_the_full_pre_check(tmp_path: Path, monkeypatch) -> None:
    xml = make_tiny_ir(tmp_path / "tiny.xml")
    header = passes_guards(xml)
    assert header is not None and header.version == 11

    def full_check(*_args):
        raise AssertionError("the full pre-check ran for a file OpenVINO reads")

    monkeypatch.setattr(document, "validate_ir", full_check)
    doc = open_model(xml)
    assert doc.format == "OpenVINO IR v11" and doc.graph.nodes
    doc.close()


def test_a_file_openvino_refuses_still_gets_the_pre_checks_place(tmp_path: Path) -> None:
    """Cleared by the scan, refused by OpenVINO: the full pre-check then names the constant, as before."""
    xml = make_tiny_ir(tmp_path / "tiny.xml")
    weights = xml.with_suffix(".bin")
    weights.write_bytes(weights.read_bytes()[:216])
    assert passes_guards(xml) is not None
    with pytest.raises(errors.WeightsTruncated, match=r"constant 'conv.weight' \(layer 1\) needs bytes 0..432"):
        open_model(xml)
