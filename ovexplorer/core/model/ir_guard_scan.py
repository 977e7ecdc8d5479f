"""A fast scan of an IR's bytes that proves it passes every guard of :data:`~ovexplorer.core.model.ir_check.GUARDS`.

The full pre-check (:func:`~ovexplorer.core.model.ir_check.validate_ir`) parses the whole XML into a tree: 1.5 s of
a 5 s open at 20,000 ops, holding the GIL the UI thread needs. Its only verdicts that count when OpenVINO reads
the file are the guards'; its other findings are used only when OpenVINO refuses the file (to name the layer). So
a file this scan clears is read by OpenVINO at once, and the full check runs only if OpenVINO refuses it.

The scan is conservative: anything it cannot settle cheaply (UTF-16, comments, CDATA, DOCTYPE, processing
instructions, entity references in the attributes it reads, a bound on the nesting near the limit) sends the file
to the full check, which decides exactly as before. Its byte searches run in numpy, which releases the GIL.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import numpy as np

from ovexplorer.core.model.ir_check import MAX_XML_DEPTH, IrHeader, _bad_dimension, sniff_ir
from ovexplorer.core.util.errors import OvexplorerError

_LT, _GT, _SLASH = ord("<"), ord(">"), ord("/")
#: ``element_type`` values the ``const-dynamic-type`` guard refuses (on any layer: a Parameter's only costs time),
#: or that hold an entity reference the raw bytes do not show decoded.
_ELEMENT_TYPE = re.compile(rb"""element_type\s*=\s*["'](?:dynamic|undefined|[^"']*&)""")
#: Every ``shape`` attribute (not only the Parameters' that the ``dimension-range`` guard reads).
_SHAPE = re.compile(rb"""shape\s*=\s*(["'])(.*?)\1""", re.S)
_DECLARATION = re.compile(rb"\s*<\?xml[^>]*\?>")


def passes_guards(xml_path: Path) -> IrHeader | None:
    """The IR's header if its bytes show that no guard refuses it; None when the full pre-check must decide
    (a file that is not an IR, an unsupported version, or one the scan cannot settle)."""
    try:
        header = sniff_ir(xml_path)
        data = xml_path.read_bytes()
    except (OvexplorerError, OSError):
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in data[:2]:
        return None
    declaration = _DECLARATION.match(data)
    body_start = declaration.end() if declaration else 0
    if data.find(b"<!", body_start) >= 0 or data.find(b"<?", body_start) >= 0:
        return None  # comments, CDATA, DOCTYPE, processing instructions: their '<' and '>' are not tags
    if _ELEMENT_TYPE.search(data, body_start):
        return None
    for match in _SHAPE.finditer(data, body_start):
        value = match.group(2)
        if b"&" in value:
            return None
        text = value.decode("utf-8", "replace")
        if text.strip() != "..." and any(_bad_dimension(item) for item in text.split(",")):
            return None
    if max_nesting(data, body_start) > MAX_XML_DEPTH:
        return None
    return header


def max_nesting(data: bytes, start: int = 0) -> int:
    """An upper bound of the element nesting of XML without comments, CDATA or processing instructions.

    Every ``<`` starts a tag there (XML allows none in attribute values or text): ``</`` closes an element; any
    other opens one, which closes at once if its tag ends with ``/>``. A tag ends at the first ``>`` after its
    ``<`` outside quotes, which the scan does not track: it counts a tag as self-closing only when exactly one
    ``>`` lies between its ``<`` and the next ``<`` and that ``>`` follows a ``/``; any doubt counts the element
    as left open, so the bound is never below the true depth.
    """
    buf = np.frombuffer(data, dtype=np.uint8)[start:]
    marks = np.flatnonzero((buf == _LT) | (buf == _GT))  # every '<' and '>', in order
    kinds = np.append(buf[marks], [_LT, _LT])  # two sentinels: the end acts as a next '<'
    opens = np.flatnonzero(kinds[:-2] == _LT)  # index in ``marks`` of each '<'
    if not len(opens):
        return 0
    closing = buf[np.minimum(marks[opens] + 1, len(buf) - 1)] == _SLASH
    single = (kinds[opens + 1] == _GT) & (kinds[opens + 2] == _LT)  # exactly one '>' before the next '<'
    gt = np.append(marks, [0, 0])[opens + 1]
    self_closing = single & (buf[np.maximum(gt - 1, 0)] == _SLASH) & ~closing
    net = np.where(closing, -1, np.where(self_closing, 0, 1)).astype(np.int64)
    level = np.cumsum(net)
    deepest = int(level.max())
    if self_closing.any():  # a self-closing element is one level below the ones around it
        deepest = max(deepest, int((level - net + 1)[self_closing].max()))
    return deepest
