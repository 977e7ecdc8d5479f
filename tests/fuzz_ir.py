"""Loader fuzzing: seed IRs built in code, seeded mutators, and the target that opens one case.

A case is reproducible from its seed alone: ``python tests/fuzz_ir.py --seed 1234 --out /tmp/case`` writes
the mutated ``case.xml``/``case.bin`` and prints what was done. :func:`fuzz` runs cases through
``fuzz_runner.run_cases`` with :func:`open_target` (``open_model``, then the summary, the default graph layout and
the weight statistics) in worker processes.
"""

from __future__ import annotations

import copy
import random
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fuzz_runner import Outcome, fuzz_in_batches

HERE = Path(__file__).resolve().parent


# -- seed models ---------------------------------------------------------------------------------------------------
def _save(model, folder: Path, name: str) -> tuple[bytes, bytes]:
    import openvino as ov

    path = folder / f"{name}.xml"
    ov.save_model(model, str(path), compress_to_fp16=False)
    bin_path = path.with_suffix(".bin")
    return path.read_bytes(), bin_path.read_bytes() if bin_path.exists() else b""


def _constants_model():
    """A model with constants of several element types, each converted to f32 and added to the input."""
    import numpy as np
    import openvino as ov
    import openvino.opset13 as ops

    x = ops.parameter([2, 3], ov.Type.f32, name="x")
    acc = x
    values = [1, 0, 1, 0, 1, 1]
    for etype in ("f32", "f16", "bf16", "f64", "i8", "u8", "i32", "i64", "u4", "i4", "u1", "nf4", "boolean"):
        const = ov.op.Constant(getattr(ov.Type, etype), ov.Shape([2, 3]), values)
        const.set_friendly_name(f"const_{etype}")
        acc = ops.add(acc, ops.convert(const, ov.Type.f32), name=f"add_{etype}")
    shape = ops.constant(np.array([3, 2], dtype=np.int64), name="new_shape")
    y = ops.reshape(acc, shape, special_zero=False, name="reshape")
    return ov.Model([ops.result(y, name="y")], [x], "constants")


def _strings_model():
    """A string Constant (its .bin holds a count, offsets and characters to corrupt) next to an f32 one."""
    import numpy as np
    import openvino as ov
    import openvino.opset13 as ops

    labels = ov.op.Constant(ov.Tensor(np.array(["circle", "square", "triangle"])))
    labels.set_friendly_name("labels")
    x = ops.parameter([3], ov.Type.f32, name="x")
    y = ops.multiply(x, ops.constant(np.float32([1, 2, 3]), name="scale"), name="mul")
    return ov.Model([ops.result(labels, name="labels_out"), ops.result(y, name="y")], [x], "strings")


def seed_models(folder: Path) -> dict[str, tuple[bytes, bytes]]:
    """The valid IRs every case starts from: name -> (xml bytes, bin bytes)."""
    sys.path.insert(0, str(HERE))
    from models import counting_loop_model, make_if_ir, tiny_model

    folder.mkdir(parents=True, exist_ok=True)
    seeds = {"tiny_conv": _save(tiny_model(), folder, "tiny_conv"), "constants": _save(_constants_model(), folder,
                                                                                         "constants")}
    seeds["loop_model"] = _save(counting_loop_model(), folder, "loop_model")  # port maps, back edges
    seeds["strings"] = _save(_strings_model(), folder, "strings")
    if_xml = make_if_ir(folder / "if_model.xml")
    seeds["if_model"] = (if_xml.read_bytes(), if_xml.with_suffix(".bin").read_bytes()
                         if if_xml.with_suffix(".bin").exists() else b"")
    return seeds


# -- mutators ------------------------------------------------------------------------------------------------------
@dataclass
class Case:
    """One mutated IR: the bytes of its two files and what was done to them."""

    seed: int
    base: str
    xml: bytes
    bin: bytes
    steps: list[str] = field(default_factory=list)
    valid: bool = False  # only mutations that keep the IR valid: OpenVINO and ovexplorer must both read it

    @property
    def description(self) -> str:
        return f"seed {self.seed} ({self.base}): " + "; ".join(self.steps)


BAD_NUMBERS = (
    "-1", "-5", "0", "-2147483649", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
    "18446744073709551616", "1000000000000", "1e12", "abc", "", " ", "nan", "inf", "1.5", "0x10", "1,2,-3",
    "?", "-", "..", "1..", "9999999999999999999999999999", "٣", "\t7",
)
BAD_TYPES = ("foo", "", "f32 ", "F32", "dynamic", "undefined", "string", "u1", "u4", "i4", "nf4", "f8e4m3", "bf16",
             "boolean", "i64", "f64", "u64", "f4e2m1", "f8e8m0", "u3", "u6")
BAD_SHAPES = ("-5", "", "?", "...", "-1", "1,-2", "0", "0,0", "1000000,1000000", "1000000000000", "a,b",
              "1,,2", "1..-3", "2147483648", "18446744073709551615", "3..1", " , ")

BILLION_LAUGHS = (
    '<!DOCTYPE net [<!ENTITY a "aaaaaaaaaa">' +
    "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>\n"
)
EXTERNAL_ENTITY = '<!DOCTYPE net [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
PARAMETER_ENTITY = '<!DOCTYPE net [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>\n'


def _all_layers(root: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    """(layers element, layer) pairs in the net and every nested body."""
    return [(layers, layer) for layers in root.iter("layers") for layer in list(layers)]


def _all_edges(root: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    return [(edges, edge) for edges in root.iter("edges") for edge in list(edges)]


def _parse(case: Case) -> ET.Element | None:
    try:
        return ET.fromstring(case.xml)
    except ET.ParseError:
        return None


def _serialize(case: Case, root: ET.Element) -> None:
    case.xml = b'<?xml version="1.0"?>\n' + ET.tostring(root)


def _tree_mutation(fn: Callable[[random.Random, Case, ET.Element], str | None]):
    def mutate(rng: random.Random, case: Case) -> str | None:
        root = _parse(case)
        if root is None:
            return None
        try:
            step = fn(rng, case, root)
        except IndexError:  # nothing to mutate (an earlier step removed every layer, edge...)
            return None
        if step is not None:
            _serialize(case, root)
        return step

    mutate.__name__ = fn.__name__
    return mutate


@_tree_mutation
def delete_layer(rng, case, root):
    pairs = _all_layers(root)
    layers, layer = rng.choice(pairs)
    layers.remove(layer)
    return f"delete layer {layer.get('id')} ({layer.get('type')})"


@_tree_mutation
def duplicate_layer(rng, case, root):
    layers, layer = rng.choice(_all_layers(root))
    clone = copy.deepcopy(layer)
    keep_id = rng.random() < 0.5
    if not keep_id:
        clone.set("id", str(max(int(x.get("id", "0")) if x.get("id", "").isdigit() else 0 for x in layers) + 1))
    layers.append(clone)
    return f"duplicate layer {layer.get('id')} ({layer.get('type')}) as id {clone.get('id')}"


@_tree_mutation
def delete_edge(rng, case, root):
    pairs = _all_edges(root)
    if not pairs:
        return None
    edges, edge = rng.choice(pairs)
    edges.remove(edge)
    return f"delete edge {dict(edge.attrib)}"


@_tree_mutation
def duplicate_edge(rng, case, root):
    pairs = _all_edges(root)
    if not pairs:
        return None
    edges, edge = rng.choice(pairs)
    edges.append(copy.deepcopy(edge))
    return f"duplicate edge {dict(edge.attrib)}"


@_tree_mutation
def add_random_edge(rng, case, root):
    """An edge between random existing ports: cycles, self-loops, a second edge into a used input port."""
    edges_el = root.find("edges")
    layers_el = root.find("layers")
    if edges_el is None or layers_el is None or not len(layers_el):
        return None
    src, dst = rng.choice(list(layers_el)), rng.choice(list(layers_el))
    outs = [p.get("id") for p in src.findall("output/port")] or ["0"]
    ins = [p.get("id") for p in dst.findall("input/port")] or ["0"]
    attrib = {"from-layer": src.get("id", "0"), "from-port": rng.choice(outs), "to-layer": dst.get("id", "0"),
              "to-port": rng.choice(ins)}
    ET.SubElement(edges_el, "edge", attrib)
    return f"add edge {attrib}"


@_tree_mutation
def reverse_edge(rng, case, root):
    """Swap an edge's ends, usually making a cycle."""
    pairs = _all_edges(root)
    if not pairs:
        return None
    _, edge = rng.choice(pairs)
    a, b = edge.get("from-layer"), edge.get("to-layer")
    edge.set("from-layer", b or "")
    edge.set("to-layer", a or "")
    return f"reverse edge {a}->{b}"


@_tree_mutation
def corrupt_attribute(rng, case, root):
    """Any attribute anywhere (ids, ports, data, port maps, edges) gets a bad number or text."""
    elements = [e for e in root.iter() if e.attrib]
    el = rng.choice(elements)
    key = rng.choice(sorted(el.attrib))
    value = rng.choice(BAD_NUMBERS + BAD_SHAPES)
    el.set(key, value)
    return f"<{el.tag}> {key}={value!r}"


@_tree_mutation
def corrupt_dim(rng, case, root):
    dims = list(root.iter("dim"))
    if not dims:
        return None
    dim = rng.choice(dims)
    dim.text = rng.choice(BAD_NUMBERS)
    return f"<dim> = {dim.text!r}"


@_tree_mutation
def corrupt_element_type(rng, case, root):
    datas = [d for d in root.iter("data") if "element_type" in d.attrib or "destination_type" in d.attrib]
    if not datas:
        return None
    data = rng.choice(datas)
    key = "element_type" if "element_type" in data.attrib else "destination_type"
    data.set(key, rng.choice(BAD_TYPES))
    return f"{key}={data.get(key)!r}"


@_tree_mutation
def corrupt_shape(rng, case, root):
    datas = [d for d in root.iter("data") if "shape" in d.attrib]
    if not datas:
        return None
    data = rng.choice(datas)
    data.set("shape", rng.choice(BAD_SHAPES))
    return f"shape={data.get('shape')!r}"


@_tree_mutation
def corrupt_weights_range(rng, case, root):
    """A Const's offset/size past the .bin, negative, huge, or not matching its shape."""
    datas = [d for d in root.iter("data") if "offset" in d.attrib]
    if not datas:
        return None
    data = rng.choice(datas)
    size = len(case.bin)
    key = rng.choice(("offset", "size"))
    value = rng.choice((str(size), str(size + 1), str(size * 2), "-1", "-4096", str(2**63 - 1), str(2**64),
                        str(2**62), "1", "0", "7", "abc", ""))
    data.set(key, value)
    return f"const {key}={value}"


@_tree_mutation
def huge_const_shape(rng, case, root):
    """A Const whose shape claims 10^12+ elements while its size stays small."""
    datas = [d for d in root.iter("data") if "offset" in d.attrib]
    if not datas:
        return None
    data = rng.choice(datas)
    shape = rng.choice(("1000000,1000000", "1000000000000", "4294967296", "65536,65536,65536", "2,-1"))
    data.set("shape", shape)
    if rng.random() < 0.5:
        data.set("size", str(rng.choice((4 * 10**12, 2**40, 2**63 - 1))))
    return f"const shape={shape} size={data.get('size')}"


@_tree_mutation
def change_type(rng, case, root):
    _, layer = rng.choice(_all_layers(root))
    others = sorted({x.get("type", "") for _, x in _all_layers(root)})
    new = rng.choice([*others, "FancyNewOp", "", "Loop", "If", "TensorIterator", "Parameter", "Result", "Const"])
    layer.set("type", new)
    return f"layer {layer.get('id')} type={new!r}"


@_tree_mutation
def change_opset(rng, case, root):
    _, layer = rng.choice(_all_layers(root))
    new = rng.choice(("opset99", "", "foo", "opset0", "opset1", "opset8", "opset13", "extension", "ie_internal_opset"))
    layer.set("version", new)
    return f"layer {layer.get('id')} version={new!r}"


@_tree_mutation
def drop_element(rng, case, root):
    """Remove a port, a <data>, an <input>/<output>, a body, a port map..."""
    parents = {child: parent for parent in root.iter() for child in parent}
    candidates = [e for e in root.iter() if e is not root and e.tag in
                  ("port", "data", "input", "output", "body", "then_body", "else_body", "port_map", "then_port_map",
                   "else_port_map", "back_edges", "dim", "layers", "edges", "rt_info")]
    if not candidates:
        return None
    el = rng.choice(candidates)
    parents[el].remove(el)
    return f"drop <{el.tag}>"


@_tree_mutation
def add_port(rng, case, root):
    _, layer = rng.choice(_all_layers(root))
    kind = rng.choice(("input", "output"))
    holder = layer.find(kind)
    if holder is None:
        holder = ET.SubElement(layer, kind)
    port = ET.SubElement(holder, "port", {"id": rng.choice(("0", "1", "2", "7", "-1")), "precision": "FP32"})
    for _ in range(rng.randint(0, 3)):
        ET.SubElement(port, "dim").text = rng.choice(("1", "2", "-1", "3"))
    return f"layer {layer.get('id')}: extra {kind} port {port.get('id')}"


@_tree_mutation
def swap_version(rng, case, root):
    version = rng.choice(("0", "1", "5", "7", "9", "10", "11", "12", "99", "-1", "abc", "", "10.5", "4294967307"))
    if rng.random() < 0.15:
        root.attrib.pop("version", None)
        return "net without version"
    root.set("version", version)
    return f"net version={version!r}"


def deep_nesting(rng: random.Random, case: Case) -> str:
    """Very deep element nesting inside a layer or rt_info (recursive parsers overflow their stack)."""
    depth = rng.choice((1000, 20000, 100000))
    anchors = [m.start() for m in re.finditer(rb"</(layer|rt_info|net|data|port)>", case.xml)]
    at = rng.choice(anchors) if anchors else len(case.xml)
    case.xml = case.xml[:at] + b"<a>" * depth + b"</a>" * depth + case.xml[at:]
    return f"nest {depth} elements deep at {at}"


@_tree_mutation
def rename(rng, case, root):
    _, layer = rng.choice(_all_layers(root))
    name = rng.choice(("", "x" * 100000, "\u202e\u0000evil", "a/b/c" * 1000, "&amp;", "input", "output"))
    name = name.replace("\u0000", "")
    layer.set("name", name)
    return f"layer {layer.get('id')} name of length {len(name)}"


def truncate_xml(rng: random.Random, case: Case) -> str:
    cut = rng.randrange(0, len(case.xml) + 1)
    case.xml = case.xml[:cut]
    return f"truncate xml at {cut}"


def truncate_bin(rng: random.Random, case: Case) -> str | None:
    if not case.bin:
        return None
    cut = rng.randrange(0, len(case.bin))
    case.bin = case.bin[:cut]
    return f"truncate bin at {cut}"


def flip_xml_bytes(rng: random.Random, case: Case) -> str:
    data = bytearray(case.xml)
    n = rng.choice((1, 1, 2, 4, 16))
    for _ in range(n):
        i = rng.randrange(len(data))
        data[i] = rng.randrange(256) if rng.random() < 0.5 else data[i] ^ (1 << rng.randrange(8))
    case.xml = bytes(data)
    return f"flip {n} xml bytes"


def flip_bin_bytes(rng: random.Random, case: Case) -> str | None:
    if not case.bin:
        return None
    data = bytearray(case.bin)
    for _ in range(8):
        data[rng.randrange(len(data))] = rng.randrange(256)
    case.bin = bytes(data)
    return "flip 8 bin bytes"


def inject_doctype(rng: random.Random, case: Case) -> str:
    kind, decl = rng.choice((("billion laughs", BILLION_LAUGHS), ("external entity", EXTERNAL_ENTITY),
                             ("parameter entity", PARAMETER_ENTITY)))
    body = case.xml.partition(b"?>")[2] if case.xml.startswith(b"<?xml") else case.xml
    if rng.random() < 0.3:  # after a long comment, so the declaration is not in the first bytes
        decl = "<!--" + "c" * 70000 + "-->\n" + decl
    use = {"billion laughs": "&j;", "external entity": "&xxe;", "parameter entity": ""}[kind]
    body = re.sub(rb'name="([^"]*)"', lambda m: b'name="' + use.encode() + b'"', body, count=1)
    case.xml = b'<?xml version="1.0"?>\n' + decl.encode() + body
    return f"inject DOCTYPE ({kind})"


def splice_garbage(rng: random.Random, case: Case) -> str:
    garbage = rng.choice((b"\x00" * 8, b"\xff\xfe", b"<", b"]]>", b"<![CDATA[", b"&#0;", b"&#x110000;", b"<?pi?>",
                          "\u00e9\u4e2d".encode(), b"\xc3\x28", b"<layer>"))
    at = rng.randrange(len(case.xml) + 1)
    case.xml = case.xml[:at] + garbage + case.xml[at:]
    return f"splice {garbage!r} at {at}"


# -- text mutations that keep an IR valid (OpenVINO reads the result as it reads the original) ---------------------
_BETWEEN_TAGS = re.compile(rb">(?=\s*<)")
_START_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+=\"[^\"]*\")+)\s*(/?)>")
_ATTR = re.compile(rb"\s+([\w.:-]+)=\"([^\"]*)\"")


def _at_random_gap(rng: random.Random, xml: bytes, insert: bytes) -> tuple[bytes, int]:
    gaps = [m.end() for m in _BETWEEN_TAGS.finditer(xml)]
    at = rng.choice(gaps) if gaps else len(xml)
    return xml[:at] + insert + xml[at:], at


def leading_whitespace(rng: random.Random, case: Case) -> str:
    pad = rng.choice((b"\n", b"  ", b"\r\n\t", b"\n\n  \n"))
    case.xml = pad + case.xml
    return f"{pad!r} before the declaration"


def trailing_text(rng: random.Random, case: Case) -> str:
    tail = rng.choice((b"\n", b"\n\n  ", b"<!-- written by hand -->\n", b"trailing words\n", b"<extra a=\"1\"/>\n",
                       b"\x00\x00"))
    case.xml = case.xml + tail
    return f"{tail!r} after </net>"


def utf8_bom(rng: random.Random, case: Case) -> str | None:
    if case.xml.startswith(b"\xef\xbb\xbf"):
        return None
    case.xml = b"\xef\xbb\xbf" + case.xml
    return "UTF-8 BOM"


def comment_anywhere(rng: random.Random, case: Case) -> str:
    text = rng.choice((b"<!-- a comment -->", b"<!---->", b"<!-- <layer id=\"99\"/> -->", b"<?tool option=\"1\"?>",
                       b"<?pi?>"))
    if rng.random() < 0.2:
        case.xml = text + b"\n" + case.xml  # before the declaration
        return f"{text!r} before the declaration"
    case.xml, at = _at_random_gap(rng, case.xml, text)
    return f"{text!r} at {at}"


def crlf(rng: random.Random, case: Case) -> str:
    case.xml = case.xml.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return "CRLF line ends"


def reorder_attributes(rng: random.Random, case: Case) -> str:
    def shuffle(m: re.Match[bytes]) -> bytes:
        attrs = _ATTR.findall(m.group(2))
        if rng.random() < 0.5 or len(attrs) < 2:
            return m.group(0)
        rng.shuffle(attrs)
        return b"<" + m.group(1) + b"".join(b" " + k + b'="' + v + b'"' for k, v in attrs) + b" " * (
            rng.random() < 0.5) + m.group(3) + b">"

    case.xml = _START_TAG.sub(shuffle, case.xml)
    return "attributes reordered"


def single_quotes(rng: random.Random, case: Case) -> str:
    case.xml = _ATTR.sub(lambda m: m.group(0) if b"'" in m.group(2) or rng.random() < 0.3
                         else m.group(0)[: m.group(0).index(b"=")] + b"='" + m.group(2) + b"'", case.xml)
    return "single-quoted attributes"


def character_references(rng: random.Random, case: Case) -> str:
    """Letters of ``name`` attributes as ``&#116;`` / ``&#x74;`` (OpenVINO decodes them there, but not in every
    attribute: ``precision="F&#x50;32"`` is refused as an unknown element type)."""
    def encode(m: re.Match[bytes]) -> bytes:
        if m.group(1) != b"name" or rng.random() < 0.5:
            return m.group(0)
        value = b"".join((b"&#%d;" % c if rng.random() < 0.5 else b"&#x%X;" % c) if chr(c).isalpha() and
                         rng.random() < 0.5 else bytes([c]) for c in m.group(2))
        return m.group(0)[: m.group(0).index(b"=")] + b'="' + value + b'"'

    case.xml = _ATTR.sub(encode, case.xml)
    return "numeric character references in attribute values"


def empty_elements(rng: random.Random, case: Case) -> str:
    if rng.random() < 0.5:
        case.xml = re.sub(rb"<([A-Za-z_][\w.:-]*)([^<>]*?)\s*/>", rb"<\1\2></\1>", case.xml)
        return "<x/> written as <x></x>"
    case.xml = re.sub(rb"<([A-Za-z_][\w.:-]*)(\s[^<>]*)?>\s*</\1>", lambda m: b"<" + m.group(1) + (m.group(2) or b"")
                      + b" />", case.xml)
    return "<x></x> written as <x/>"


def utf16(rng: random.Random, case: Case) -> str | None:
    """Re-encode as UTF-16 with a BOM and a declaration saying so (last: every text mutation works on UTF-8)."""
    if b"\x00" in case.xml[:4]:
        return None  # already UTF-16
    text = case.xml.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    decl = re.match(r"\s*<\?xml[^>]*\?>", text)
    body = text[decl.end():] if decl else text
    case.xml = ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode(rng.choice(("utf-16", "utf-16-be")))
    return "UTF-16 with a declaration"


VALID_MUTATORS: tuple[Callable[[random.Random, Case], str | None], ...] = (
    leading_whitespace, trailing_text, utf8_bom, comment_anywhere, crlf, reorder_attributes, single_quotes,
    character_references, empty_elements, utf16,
)


MUTATORS: tuple[Callable[[random.Random, Case], str | None], ...] = (
    delete_layer, duplicate_layer, delete_edge, duplicate_edge, add_random_edge, reverse_edge, corrupt_attribute,
    corrupt_dim, corrupt_element_type, corrupt_shape, corrupt_weights_range, huge_const_shape, change_type,
    change_opset, drop_element, add_port, swap_version, rename, truncate_xml, truncate_bin, flip_xml_bytes,
    flip_bin_bytes, inject_doctype, splice_garbage, deep_nesting,
)
#: Mutators that spoil the XML for every structural mutator after them; applied last.
_BYTE_LEVEL = {truncate_xml, flip_xml_bytes, inject_doctype, splice_garbage, deep_nesting}


def make_case(seed: int, seeds: dict[str, tuple[bytes, bytes]]) -> Case:
    """The case of ``seed``: a seed model and 1-3 mutations, all drawn from ``random.Random(seed)``.

    A quarter of the cases take only mutations that keep the IR valid (:data:`VALID_MUTATORS`); a fifth of the
    others add one to their damage (a damaged IR with a BOM must fail as it does without one).
    """
    rng = random.Random(seed)
    base = rng.choice(sorted(seeds))
    xml, weights = seeds[base]
    case = Case(seed, base, xml, weights)
    if rng.random() < 0.25:
        case.valid = True
        chosen = [rng.choice(VALID_MUTATORS) for _ in range(rng.choice((1, 2, 3)))]
    else:
        chosen = [rng.choice(MUTATORS) for _ in range(rng.choice((1, 1, 2, 3)))]
        if rng.random() < 0.2:
            chosen.append(rng.choice(VALID_MUTATORS[:-1]))
    # tree mutations first (they re-serialize), then text mutations, then byte damage, UTF-16 last
    chosen.sort(key=lambda m: (m in _BYTE_LEVEL) * 2 + (m in VALID_MUTATORS) + 3 * (m is utf16))
    for mutator in chosen:
        try:
            step = mutator(rng, case)
        except (IndexError, ValueError):  # nothing left to mutate (e.g. the xml was truncated to nothing)
            step = None
        case.steps.append(step if step is not None else f"{mutator.__name__} (no-op)")
    return case


def write_case(case: Case, folder: Path, name: str = "") -> Path:
    """Write the case's files (``valid.xml`` for a case that must open, else ``case.xml``) into ``folder``."""
    name = name or ("valid" if case.valid else "case")
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / f"{name}.xml"
    xml.write_bytes(case.xml)
    xml.with_suffix(".bin").write_bytes(case.bin)
    return xml


TARGET = "fuzz_ir:open_target"


def open_target(path: str) -> dict:
    """Open one case the way the app does, then what its panels compute from it (summary, default graph
    layout, weight statistics and totals); a ``ModelLoadError`` is the expected failure.

    OpenVINO is the oracle: ``Core.read_model`` reads the case too. ovexplorer refusing what OpenVINO reads is a
    ``mismatch`` unless one of the guards of ``ir_check.GUARDS`` refused it; so is opening what OpenVINO refuses, or
    opening it with another graph (op count, input shapes). A ``valid.xml`` case must be read by both.
    """
    import openvino as ov

    from ovexplorer.core.layout.graph_layout import GraphLayouter
    from ovexplorer.core.model.document import open_model
    from ovexplorer.core.model.summary import summarize
    from ovexplorer.core.util.errors import ModelLoadError
    from ovexplorer.core.weights.flops import model_totals
    from ovexplorer.core.weights.statistics import compute_weight_stats

    valid = Path(path).stem == "valid"
    try:
        doc = open_model(path)
    except ModelLoadError as exc:
        result = {"outcome": "error", "type": type(exc).__name__, "message": exc.message,
                  "guard": getattr(exc, "guard", "")}
        doc = None
    else:
        summarize(doc)
        layouter = GraphLayouter(doc.graph)
        layouter.layout(layouter.default_expanded())
        rows = compute_weight_stats(doc, helpers=False)
        model_totals(doc.graph)
        ops = len(doc.graph.nodes)
        shapes = [doc.graph.nodes[i].outputs[0].shape for i in doc.graph.inputs]
        doc.close()
        result = {"outcome": "loaded", "note": f"{ops} ops, {len(rows)} constants"}
    try:  # the oracle, after ovexplorer: a guard may have spared it a crash converting what it read
        model = None if result.get("guard") == "nesting-depth" else ov.Core().read_model(path)
        oracle = "guarded" if model is None else "read"
    except Exception as exc:  # noqa: BLE001 - whatever OpenVINO raises is its refusal
        oracle, reason = "refused", str(exc).strip().splitlines()[-1][:200] if str(exc).strip() else type(exc).__name__
    result.update(oracle=oracle, valid=valid)
    if oracle == "read" and result["outcome"] == "error" and not result["guard"]:
        result.update(outcome="mismatch", type="stricter than OpenVINO",
                      message=f"OpenVINO reads it; ovexplorer refused it: {result['type']}: {result['message']}")
    elif oracle == "refused" and result["outcome"] == "loaded":
        result.update(outcome="mismatch", type="looser than OpenVINO",
                      message=f"OpenVINO refuses it ({reason}); ovexplorer opened it")
    elif oracle == "read" and result["outcome"] == "loaded":
        theirs = (len(model.get_ordered_ops()), [str(p.get_partial_shape()) for p in model.inputs])
        if theirs != (ops, shapes):
            result.update(outcome="mismatch", type="another graph",
                          message=f"OpenVINO: {theirs[0]} ops, inputs {theirs[1]}; ovexplorer: {ops} ops, {shapes}")
    elif valid:
        result.update(outcome="mismatch", type="valid case refused",
                      message=f"a mutation meant to keep the IR valid: OpenVINO {oracle}, ovexplorer "
                              f"{result['outcome']}: {result.get('message', '')}")
    return result


def fuzz(folder: Path, *, first_seed: int, max_cases: int, max_seconds: float, workers: int = 2,
         chunk: int = 200) -> list[tuple[Case, Outcome]]:
    """Generate and run cases ``first_seed, first_seed + 1, ...`` until ``max_cases`` or ``max_seconds``."""
    seeds = seed_models(folder / "seeds")

    def forget(case: Case) -> None:
        case.xml = case.bin = b""

    return fuzz_in_batches(folder, lambda seed: make_case(seed, seeds), write_case, forget, target=TARGET,
                           first_seed=first_seed, max_cases=max_cases, max_seconds=max_seconds, workers=workers,
                           chunk=chunk)


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="write the case of this seed to --out and print its steps")
    parser.add_argument("--out", type=Path, default=Path("fuzz-case"))
    args = parser.parse_args(argv)
    if args.seed is not None:
        with tempfile.TemporaryDirectory() as tmp:
            case = make_case(args.seed, seed_models(Path(tmp)))
        path = write_case(case, args.out)
        print(f"{path}: {case.description}")
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
