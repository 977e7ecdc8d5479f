"""Sniff and validate an OpenVINO IR ``.xml`` before OpenVINO reads it.

OpenVINO answers a bad IR with terse messages (or, for an XML that is not an IR, by probing every
frontend, one of which prints parser noise on stderr). Checking the file here first lets the user see
one precise message that names the file, the layer and the problem.

The check is never stricter than OpenVINO, except for the guards in :data:`GUARDS` (each with its reason). Its XML
parser (expat) is stricter than OpenVINO's (pugixml): whitespace before the declaration, text after ``</net>``, a
raw ``&`` or an undefined entity in a name... are read by OpenVINO. Leading and trailing extras are skipped here;
a file expat still refuses is left to OpenVINO (:func:`validate_ir` raises :class:`NotStrictXml`), with only the
guards checked on its text (:func:`check_text_guards`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ovexplorer.core.util.errors import (
    BrokenGraph,
    MalformedXml,
    NotAModel,
    UnsupportedIrVersion,
    WeightsMissing,
    WeightsTruncated,
)
from ovexplorer.core.util.gc_pause import empty_free_lists, gc_paused

if TYPE_CHECKING:  # imported where a file is parsed: a file the byte scan clears (ir_guard_scan.py) needs no parser
    import xml.etree.ElementTree as ET

#: IR versions this OpenVINO reads.
SUPPORTED_IR_VERSIONS = (10, 11)
#: Deepest element nesting accepted (guard ``nesting-depth``). Real IRs nest a few levels per Loop/If body.
MAX_XML_DEPTH = 256
#: Tags holding a nested graph: ``body`` (Loop, TensorIterator) and the two branches of an If.
_BODY_TAGS = ("body", "then_body", "else_body")


@dataclass(frozen=True, slots=True)
class Guard:
    """A file OpenVINO reads that ovexplorer refuses, and why."""

    what: str
    reason: str


#: Every case where ovexplorer refuses an IR that ``Core.read_model`` reads. Nothing else may be refused before
#: OpenVINO has had its say; each refusal names its guard (``ModelLoadError.guard``) and its message says why.
GUARDS: dict[str, Guard] = {
    "nesting-depth": Guard(
        f"XML elements nested more than {MAX_XML_DEPTH} levels deep",
        "OpenVINO reads it, but its Python binding converts nested rt_info recursively and overflows the C stack "
        "(the process crashes) near 20,000 levels; no IR nests more than a few levels per body",
    ),
    "dimension-range": Guard(
        "a Parameter dimension below -1, or a range whose low end is above its high end",
        "OpenVINO reads -5 as 0 and 3..1 as ?, so the shape shown would not be the file's",
    ),
    "invalid-utf8": Guard(
        "names that are not valid UTF-8",
        "OpenVINO reads it, but its Python binding cannot give those names (a UnicodeDecodeError)",
    ),
    "const-dynamic-type": Guard(
        "a Const whose element type is dynamic or undefined",
        "OpenVINO reads it, but its values cannot be read (an internal check fails) and no device compiles it",
    ),
}


def guard_note(name: str) -> str:
    """The sentence an error message ends with when a guard refused the file."""
    return f" (ovexplorer's guard {name!r}: {GUARDS[name].reason}.)"


class NotStrictXml(Exception):
    """The pre-check's XML parser refuses the file; OpenVINO's more lenient one decides (``error`` if it refuses)."""

    def __init__(self, error: MalformedXml, header: IrHeader) -> None:
        super().__init__(error.message)
        self.error = error
        self.header = header


_SNIFF_BYTES = 64 * 1024
_PROLOG_ITEM = re.compile(r"<!--.*?(?:-->|$)|<\?.*?(?:\?>|$)|<!DOCTYPE(?:[^\[>]|\[.*?\])*>?|<([A-Za-z_][\w.:-]*)",
                          re.S)
_XML_DECL = re.compile(rb"<\?xml[\s?]")


@dataclass(frozen=True, slots=True)
class IrHeader:
    """What the first bytes of an IR say: its name and version."""

    name: str
    version: int


def _decode_head(head: bytes) -> str:
    """The first bytes as text, in the encoding their BOM or first characters show (UTF-8, UTF-16)."""
    if head.startswith(codecs.BOM_UTF8):
        return head[3:].decode("utf-8", "replace")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "replace")
    if len(head) >= 2 and head[1] == 0 and head[0] != 0:
        return head.decode("utf-16-le", "replace")
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return head.decode("utf-16-be", "replace")
    return head.decode("utf-8", "replace")


def looks_like_xml(head: bytes) -> bool:
    """True if the bytes start (after a BOM and whitespace, in UTF-8 or UTF-16) with ``<``."""
    return _decode_head(head).lstrip().startswith("<")


def sniff_ir(path: Path) -> IrHeader:
    """Check that ``path`` is an IR by its root element ``<net>``; raise a precise error otherwise."""
    with path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    text = _decode_head(head)
    root = None
    tag_start = 0
    # the first element, past the declaration, comments, processing instructions, a DOCTYPE and stray text (all of
    # which OpenVINO's parser skips)
    for match in _PROLOG_ITEM.finditer(text):
        if match.group(1):
            root, tag_start = match.group(1), match.start()
            break
    if root is None:
        if not text.lstrip().startswith("<"):
            raise NotAModel(
                f"{path.name} is not an XML file (it starts with binary or plain-text data), so it cannot be an "
                "OpenVINO IR. Open the .xml file of the IR, not its .bin.",
                path=path,
            )
        raise MalformedXml(f"{path.name} is not well-formed XML: no root element found.", path=path)
    if root != "net":
        raise NotAModel(
            f"{path.name} is an XML file whose root element is <{root}>, not an OpenVINO IR (an IR starts with <net>).",
            path=path,
        )
    tag_end = text.find(">", tag_start)
    tag = text[tag_start: tag_end if tag_end >= 0 else tag_start + 512]
    version_match = re.search(r"\bversion\s*=\s*[\"']([^\"']*)[\"']", tag)
    name_match = re.search(r"\bname\s*=\s*[\"']([^\"']*)[\"']", tag)
    name = name_match.group(1) if name_match else path.stem
    if version_match is None:
        raise UnsupportedIrVersion(f"{path.name}: the <net> element has no version attribute.", path=path)
    try:
        version = int(version_match.group(1))
    except ValueError:
        raise UnsupportedIrVersion(
            f"{path.name}: IR version {version_match.group(1)!r} is not a number.", path=path
        ) from None
    if version not in SUPPORTED_IR_VERSIONS:
        supported = " and ".join(str(v) for v in SUPPORTED_IR_VERSIONS)
        raise UnsupportedIrVersion(
            f"{path.name} is an IR version {version}; this OpenVINO reads IR versions {supported}. "
            "Convert the original model again with a current openvino.convert_model.",
            path=path,
        )
    return IrHeader(name=name, version=version)


def _parse_int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _check_body(body: ET.Element, xml_path: Path, bin_path: Path | None, bin_size: int | None, where: str) -> None:
    """Check one ``<net>`` or nested ``<body>``: layer ids, weights ranges, edges."""
    layers_el = body.find("layers")
    layers = list(layers_el) if layers_el is not None else []
    ports: dict[str, tuple[str, set[str], set[str]]] = {}
    for layer in layers:
        lid = layer.get("id")
        lname = layer.get("name", "")
        if lid is None:
            raise BrokenGraph(f"{xml_path.name}: layer {lname!r}{where} has no id.", path=xml_path)
        if lid in ports:
            raise BrokenGraph(f"{xml_path.name}: two layers{where} share the id {lid}.", path=xml_path)
        # one pass over the children: ``input/port`` and ``output/port`` ids, the first ``data``, the bodies
        ins: set[str] = set()
        outs: set[str] = set()
        data = None
        bodies: list[ET.Element] = []
        for child in layer:
            tag = child.tag
            if tag == "input" or tag == "output":
                ids = ins if tag == "input" else outs
                for port in child:
                    if port.tag == "port":
                        ids.add(port.get("id", ""))
            elif tag == "data":
                if data is None:
                    data = child
            elif tag in _BODY_TAGS:
                bodies.append(child)
        ports[lid] = (lname, ins, outs)
        kind = layer.get("type")
        if kind == "Parameter":
            _check_parameter_shape(layer, data, xml_path, where)
        if kind == "Const":
            if data is not None and data.get("element_type") in ("dynamic", "undefined"):
                raise BrokenGraph(
                    f"{xml_path.name}: constant {lname!r} (layer {lid}){where} has the element type "
                    f"{data.get('element_type')!r}; a constant's values need a concrete type (f32, i64...)."
                    + guard_note("const-dynamic-type"),
                    path=xml_path,
                    guard="const-dynamic-type",
                )
            if data is not None and data.get("offset") is not None:
                offset, size = _parse_int(data.get("offset")), _parse_int(data.get("size"))
                if offset is None or size is None or offset < 0 or size < 0:
                    raise WeightsTruncated(
                        f"{xml_path.name}: constant {lname!r} (layer {lid}) has an invalid offset/size "
                        f"({data.get('offset')!r}, {data.get('size')!r}).",
                        path=xml_path,
                    )
                if bin_size is None:
                    raise WeightsMissing(
                        f"{xml_path.name} needs its weights file {bin_path.name if bin_path else '(.bin)'}, "
                        "which is missing. Keep the .bin next to the .xml with the same name.",
                        path=xml_path,
                    )
                if offset + size > bin_size:
                    raise WeightsTruncated(
                        f"{xml_path.name}: constant {lname!r} (layer {lid}) needs bytes {offset}..{offset + size} "
                        f"of {bin_path.name if bin_path else 'the weights'}, which has only {bin_size} bytes: "
                        "the weights file is truncated or belongs to another model.",
                        path=xml_path,
                    )
        for tag in _BODY_TAGS:  # bodies, then then-bodies, then else-bodies
            for sub in bodies:
                if sub.tag == tag:
                    _check_body(sub, xml_path, bin_path, bin_size, f" in the {tag.replace('_', ' ')} of {lname!r}")
    _check_edges(body, ports, xml_path, where)


def _bad_dimension(item: str) -> bool:
    """True for a dimension OpenVINO would silently misread: a size below -1, a negative bound, low > high."""
    if ".." not in item:
        value = _parse_int(item.strip())
        return value is not None and value < -1
    low_text, _, high_text = item.partition("..")
    low = _parse_int(low_text.strip() or "0")
    high = _parse_int(high_text.strip()) if high_text.strip() else None
    if (low is not None and low < 0) or (high is not None and high < 0):
        return True
    return low is not None and high is not None and low > high


def _check_parameter_shape(layer: ET.Element, data: ET.Element | None, xml_path: Path, where: str) -> None:
    """Refuse shapes OpenVINO would silently misread (``-5`` becomes 0, ``3..1`` becomes ``?``)."""
    shape = data.get("shape") if data is not None else None
    if not shape or shape.strip() == "...":
        return
    for item in shape.split(","):
        if _bad_dimension(item):
            raise BrokenGraph(
                f"{xml_path.name}: input {layer.get('name', '')!r} (layer {layer.get('id')}){where} has the shape "
                f"{shape!r}, whose dimension {item.strip()!r} is not a size (a size is a number >= 0, -1 or ? for "
                "any size, or a range low..high)." + guard_note("dimension-range"),
                path=xml_path,
                guard="dimension-range",
            )


def _check_edges(body: ET.Element, ports: dict[str, tuple[str, set[str], set[str]]], xml_path: Path,
                 where: str) -> None:
    """Every edge joins existing ports, no input port receives two edges, and the edges form no cycle."""
    edges_el = body.find("edges")
    fed: dict[tuple[str, str], str] = {}
    successors: dict[str, list[str]] = {lid: [] for lid in ports}
    for edge in edges_el if edges_el is not None else []:
        fl, fp, tl, tp = (edge.get(k) for k in ("from-layer", "from-port", "to-layer", "to-port"))
        src, dst = ports.get(fl), ports.get(tl)
        if src is None or dst is None:
            missing = fl if src is None else tl
            raise BrokenGraph(
                f"{xml_path.name}: an edge{where} ({fl}:{fp} -> {tl}:{tp}) refers to layer {missing}, which does "
                "not exist.",
                path=xml_path,
            )
        if fp not in src[2]:
            raise BrokenGraph(
                f"{xml_path.name}: an edge{where} leaves output port {fp} of layer {ports[fl][0]!r} ({fl}), which "
                "has no such port.",
                path=xml_path,
            )
        if tp not in dst[1]:
            raise BrokenGraph(
                f"{xml_path.name}: an edge{where} enters input port {tp} of layer {ports[tl][0]!r} ({tl}), which "
                "has no such port.",
                path=xml_path,
            )
        if (tl, tp) in fed:
            raise BrokenGraph(
                f"{xml_path.name}: input port {tp} of layer {ports[tl][0]!r} ({tl}){where} receives two edges "
                f"(from layers {fed[tl, tp]} and {fl}); an input takes exactly one.",
                path=xml_path,
            )
        fed[tl, tp] = fl
        successors[fl].append(tl)
    cycle = [] if _ids_increase(successors) else _find_cycle(successors)
    if cycle:
        names = " -> ".join(f"{ports[lid][0]!r} ({lid})" for lid in cycle[:6]) + (" -> ..." if len(cycle) > 6 else "")
        raise BrokenGraph(f"{xml_path.name}: the edges{where} form a cycle: {names}.", path=xml_path)


def _ids_increase(successors: dict[str, list[str]]) -> bool:
    """True if every edge goes from a lower to a higher numeric layer id (no cycle then; OpenVINO numbers
    layers in topological order, so this settles almost every file without a graph search)."""
    try:
        for src, dsts in successors.items():
            if dsts:
                low = int(src)
                for dst in dsts:
                    if int(dst) <= low:
                        return False
    except ValueError:
        return False
    return True


def _find_cycle(successors: dict[str, list[str]]) -> list[str]:
    """Layer ids along one cycle of the graph (empty if it is acyclic); iterative, so any size works."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in successors:
        if start in state:
            continue
        path: list[str] = [start]
        iters = [iter(successors[start])]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(successors[nxt]))
    return []


def validate_ir(xml_path: Path, bin_path: Path | None) -> IrHeader:
    """Sniff, parse and check an IR; return its header or raise a :class:`ModelLoadError`.

    Raises :class:`NotStrictXml` when the file is not strict XML: OpenVINO's parser may still read it, so the
    caller asks OpenVINO (after :func:`check_text_guards`) instead of refusing it.
    """
    # the element tree is hundreds of thousands of objects that live only here: no collector passes over
    # them while they pile up (half of the time on a 20,000-layer IR)
    try:
        with gc_paused():
            return _validate_ir(xml_path, bin_path)
    finally:
        empty_free_lists()  # the freed tree's kept tuples/dicts would pin its memory arenas (~1 MB per open)


def _validate_ir(xml_path: Path, bin_path: Path | None) -> IrHeader:
    import xml.etree.ElementTree as ET

    header = sniff_ir(xml_path)
    try:
        root = _parse_shallow(xml_path)
    except ET.ParseError as exc:
        line, column = exc.position
        raise NotStrictXml(MalformedXml(
            f"{xml_path.name} is not well-formed XML: {_expat_reason(exc)} at line {line}, column {column + 1}.",
            path=xml_path,
            detail=str(exc),
            line=line,
            column=column + 1,
        ), header) from None
    bin_size = bin_path.stat().st_size if bin_path is not None and bin_path.is_file() else None
    try:
        _check_body(root, xml_path, bin_path, bin_size, "")
    finally:
        _free_gradually(root)
    return header


_TAG = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!][^>]*>|<(/?)[A-Za-z_][^>]*?(/?)>", re.S)
_PARAMETER_SHAPE = re.compile(r"""<layer\b[^>]*\btype\s*=\s*["']Parameter["'][^>]*>\s*<data\b[^>]*?\bshape\s*=\s*"""
                              r"""["']([^"']*)["']""")
_DYNAMIC_CONST = re.compile(r"""<layer\b[^>]*\btype\s*=\s*["']Const["'][^>]*>\s*<data\b[^>]*?"""
                            r"""\belement_type\s*=\s*["'](dynamic|undefined)["']""")


def check_text_guards(xml_path: Path) -> None:
    """The guards of :data:`GUARDS`, checked on the text of a file that is not strict XML (before OpenVINO reads it)."""
    data = xml_path.read_bytes()
    head = data[:4]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(head) >= 2 and 0 in head[:2]):
        text = _decode_head(data)
    else:
        text = data.decode("latin-1")  # byte for byte: tags are ASCII
    depth = 0
    for match in _TAG.finditer(text):
        closing = match.group(1)
        if closing is None:  # comment, CDATA, declaration, processing instruction
            continue
        if closing:
            depth -= 1
        elif not match.group(2):
            depth += 1
            if depth > MAX_XML_DEPTH:
                _too_deep(xml_path, text[match.start(): match.start() + 40].split(">")[0] + ">")
    for match in _PARAMETER_SHAPE.finditer(text):
        shape = match.group(1)
        if shape.strip() != "..." and any(_bad_dimension(item) for item in shape.split(",")):
            raise BrokenGraph(
                f"{xml_path.name}: an input has the shape {shape!r}, which holds a dimension that is not a size (a "
                "size is a number >= 0, -1 or ? for any size, or a range low..high)." + guard_note("dimension-range"),
                path=xml_path, guard="dimension-range")
    match = _DYNAMIC_CONST.search(text)
    if match:
        raise BrokenGraph(
            f"{xml_path.name}: a constant has the element type {match.group(1)!r}; a constant's values need a "
            "concrete type (f32, i64...)." + guard_note("const-dynamic-type"),
            path=xml_path, guard="const-dynamic-type")


def _too_deep(xml_path: Path, tag: str) -> None:
    raise NotAModel(
        f"{xml_path.name} nests XML elements more than {MAX_XML_DEPTH} levels deep (at {tag}); an OpenVINO IR never "
        "does, so the file is damaged or was not written by OpenVINO." + guard_note("nesting-depth"),
        path=xml_path,
        guard="nesting-depth",
    )


def _free_gradually(root: ET.Element) -> None:
    """Free a parsed IR a layer at a time: dropping a 20 000-layer tree at once holds the GIL for ~50 ms."""
    for container in (root.find("layers"), root.find("edges"), root):
        while container is not None and len(container):
            del container[-1]


_FEED_BYTES = 256 * 1024
#: expat's code for text or elements after the root element (OpenVINO ignores them).
_JUNK_AFTER_ROOT = 9
_ROOT_END = re.compile(rb"</net\s*>")


def _prolog_start(xml_path: Path) -> int:
    """Where strict XML starts: the XML declaration when only whitespace, comments or processing instructions
    come before it (expat refuses them there, OpenVINO skips them), else 0."""
    with xml_path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    bom = 3 if head.startswith(codecs.BOM_UTF8) else 0
    decl = _XML_DECL.search(head, bom)
    if decl is None or decl.start() == bom:
        return 0
    prefix = head[bom:decl.start()].decode("utf-8", "replace")
    rest = re.sub(r"<!--.*?-->|<\?.*?\?>", "", prefix, flags=re.S)
    return decl.start() if not rest.strip() else 0


def _root_end(xml_path: Path, start: int) -> int | None:
    """The offset just past ``</net>`` (None if there is none): where text that OpenVINO ignores may begin."""
    with xml_path.open("rb") as f:
        f.seek(start)
        match = _ROOT_END.search(f.read())
    return start + match.end() if match else None


def _feed(xml_path: Path, start: int, end: int | None) -> ET.Element:
    import xml.etree.ElementTree as ET

    parser = ET.XMLParser()
    with xml_path.open("rb") as f:
        f.seek(start)
        left = end - start if end is not None else -1
        # fed in slices, not ET.parse's single C call: between slices the UI thread gets the GIL back
        while left != 0 and (chunk := f.read(_FEED_BYTES if left < 0 else min(_FEED_BYTES, left))):
            parser.feed(chunk)
            left = left - len(chunk) if left > 0 else left
    return parser.close()


def _parse_shallow(xml_path: Path) -> ET.Element:
    """Parse the whole file, refusing element nesting deeper than :data:`MAX_XML_DEPTH`.

    ElementTree parses in C (a fifth of the time of streaming parse events to Python); the depth is then
    measured on the tree, descending only into elements that have children. What comes before the declaration or
    after ``</net>`` (both skipped by OpenVINO) is left out.
    """
    import xml.etree.ElementTree as ET

    with xml_path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    if b"<!ENTITY" in head or re.search(rb"<!DOCTYPE[^>\[]*\[", head):
        # expat would expand entities, which OpenVINO's parser leaves as they are: OpenVINO decides
        error = ET.ParseError("a DOCTYPE with declarations")
        error.code, error.position = 0, (1, 0)
        raise error
    start = _prolog_start(xml_path)
    try:
        root = _feed(xml_path, start, None)
    except ET.ParseError as exc:
        end = _root_end(xml_path, start) if exc.code == _JUNK_AFTER_ROOT else None
        if end is None:
            raise
        root = _feed(xml_path, start, end)
    # depth by depth, keeping only elements with children (plus everything past the limit); each level is in
    # document order, so the element named is the first one past the limit
    level = [root]
    depth = 1
    while level:
        if depth > MAX_XML_DEPTH:
            _too_deep(xml_path, f"<{level[0].tag}>")
        depth += 1
        if depth > MAX_XML_DEPTH:
            level = [child for element in level for child in element]
        else:
            level = [child for element in level for child in element if len(child)]
    return root


def _expat_reason(exc: ET.ParseError) -> str:
    text = str(exc)
    return text.split(":", 1)[0] if ":" in text else text
