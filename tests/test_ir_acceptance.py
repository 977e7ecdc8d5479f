"""OpenVINO is the oracle: every text form of an IR that ``Core.read_model`` reads opens in ovexplorer, with the
same graph; what OpenVINO refuses is refused with OpenVINO's reason, not the pre-check's stricter XML parser."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
import pytest
from models import make_tiny_ir

from ovexplorer.core.model.document import open_model
from ovexplorer.core.model.ir_check import GUARDS
from ovexplorer.core.util import errors


def _body(text: bytes) -> bytes:
    return text.partition(b"?>")[2]


#: Text forms of the tiny IR: label -> edit of its bytes.
VARIANTS = {
    "whitespace before the declaration": lambda t: b"\n  \n" + t,
    "BOM then a newline before the declaration": lambda t: b"\xef\xbb\xbf\n" + t,
    "a comment before the declaration": lambda t: b"<!-- made by hand -->\n" + t,
    "text after </net>": lambda t: t + b"trailing words\n",
    "an element after </net>": lambda t: t + b"<other/>\n",
    "a comment and text after </net>": lambda t: t + b"<!-- end -->\nmore\n",
    "a processing instruction before <net>": lambda t: t.replace(b"<net", b"<?tool run?>\n<net", 1),
    "text before <net>": lambda t: t.replace(b"<net", b"stray<net", 1),
    "a second declaration inside": lambda t: t.replace(b"<layers>", b'<?xml version="1.0"?><layers>', 1),
    "UTF-16 with a declaration": lambda t: ('<?xml version="1.0" encoding="UTF-16"?>'
                                           + _body(t).decode()).encode("utf-16"),
    "UTF-16LE without a BOM": lambda t: ('<?xml version="1.0" encoding="UTF-16"?>'
                                         + _body(t).decode()).encode("utf-16-le"),
    "an undefined entity in a name": lambda t: t.replace(b'name="tiny"', b'name="&nbsp;tiny"', 1),
    "a raw & in a name": lambda t: t.replace(b'name="tiny"', b'name="a&b"', 1),
    "a raw < in a name": lambda t: t.replace(b'name="tiny"', b'name="a<b"', 1),
    "a duplicate attribute": lambda t: t.replace(b'name="tiny"', b'name="tiny" name="x"', 1),
    "a namespace prefix never declared": lambda t: t.replace(b"<layers>", b"<x:note/><layers>", 1),
    "]]> in text": lambda t: t.replace(b"<layers>", b"]]><layers>", 1),
    "a control character in a name": lambda t: t.replace(b'name="tiny"', b'name="a\x01b"', 1),
    "an edge to a layer that does not exist": lambda t: t.replace(
        b"</edges>", b'<edge from-layer="3" from-port="1" to-layer="77" to-port="0" /></edges>', 1),
    "a DOCTYPE declaring an entity (not expanded, as OpenVINO does)": lambda t: t.replace(
        b"<net", b'<!DOCTYPE net [<!ENTITY e "x">]>\n<net', 1).replace(b'name="tiny"', b'name="&e;"', 1),
}
#: Damaged forms: OpenVINO refuses them, so must ovexplorer (with the reason and the place).
BROKEN = {
    "unclosed at the end": (lambda t: t[: t.rfind(b"</net>")], "MalformedXml"),
    "mismatched end tag": (lambda t: t.replace(b"</layers>", b"</layerz>", 1), "MalformedXml"),
}


def _write(tmp_path: Path, label: str, edit) -> Path:
    base = make_tiny_ir(tmp_path / "base" / "tiny.xml")
    folder = tmp_path / label.replace(" ", "_").replace("/", "_")
    folder.mkdir()
    xml = folder / "model.xml"
    xml.write_bytes(edit(base.read_bytes()))
    xml.with_suffix(".bin").write_bytes(base.with_suffix(".bin").read_bytes())
    return xml


@pytest.mark.parametrize("label", sorted(VARIANTS))
def test_what_openvino_reads_opens_with_the_same_graph(tmp_path: Path, label: str) -> None:
    xml = _write(tmp_path, label, VARIANTS[label])
    model = ov.Core().read_model(str(xml))  # the oracle reads it (else the variant is not a valid one)
    doc = open_model(xml)
    assert len(doc.graph.nodes) == len(model.get_ordered_ops())
    assert doc.name == model.get_friendly_name()
    assert [doc.graph.nodes[i].outputs[0].shape for i in doc.graph.inputs] == [str(p.get_partial_shape())
                                                                               for p in model.inputs]


@pytest.mark.parametrize("label", sorted(BROKEN))
def test_what_openvino_refuses_is_refused_with_its_place(tmp_path: Path, label: str) -> None:
    edit, expected = BROKEN[label]
    xml = _write(tmp_path, label, edit)
    with pytest.raises(RuntimeError):
        ov.Core().read_model(str(xml))
    with pytest.raises(errors.ModelLoadError) as info:
        open_model(xml)
    assert type(info.value).__name__ == expected
    assert "model.xml" in info.value.message and "line" in info.value.message


def test_a_damaged_xml_says_the_real_problem_when_openvino_gives_one(tmp_path: Path) -> None:
    """An XML the pre-check's strict parser refuses, but OpenVINO parses and then finds short weights: the user
    learns about the weights, not about the XML."""
    def edit(t: bytes) -> bytes:
        return t.replace(b'name="tiny"', b'name="a&b"', 1)

    xml = _write(tmp_path, "short weights", edit)
    xml.with_suffix(".bin").write_bytes(xml.with_suffix(".bin").read_bytes()[:100])
    with pytest.raises(errors.WeightsTruncated) as info:
        open_model(xml)
    assert "well-formed" not in info.value.message


def test_every_refusal_stricter_than_openvino_is_a_listed_guard(tmp_path: Path) -> None:
    """Files OpenVINO reads but ovexplorer refuses: each refusal names its guard, whose reason is in the table; the
    guards hold in files the strict XML parser refuses too (a raw ``&`` in the net's name)."""
    base = make_tiny_ir(tmp_path / "base" / "tiny.xml").read_bytes()
    stricter = {
        "nesting-depth": base.replace(b"</rt_info>", b"<a>" * 30000 + b"</a>" * 30000 + b"</rt_info>", 1),
        "dimension-range": base.replace(b'shape="1,3,8,8"', b'shape="1,3,8..2,8"', 1),
        "const-dynamic-type": base.replace(b'<data element_type="f32" shape="4, 3, 3, 3"',
                                           b'<data element_type="dynamic" shape="4, 3, 3, 3"', 1),
        "invalid-utf8": base.replace(b'name="input"', b'name="in\xc3\x28put"', 1),
    }
    for lax in (False, True):
        for guard, data in stricter.items():
            xml = tmp_path / f"{guard}-{lax}" / "model.xml"
            xml.parent.mkdir()
            xml.write_bytes(data.replace(b'name="tiny"', b'name="a&b"', 1) if lax else data)
            xml.with_suffix(".bin").write_bytes((tmp_path / "base" / "tiny.bin").read_bytes())
            if guard != "nesting-depth":  # (reading that one is fine; converting its rt_info crashes)
                ov.Core().read_model(str(xml))
            with pytest.raises(errors.ModelLoadError) as info:
                open_model(xml)
            assert info.value.guard == guard, (lax, info.value.message)
            assert GUARDS[guard].reason in info.value.message
    assert set(GUARDS) == set(stricter)
