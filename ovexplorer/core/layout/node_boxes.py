"""The text and size of the boxes a layout draws: a node's lines (type, name, folded constants) and a
collapsed group's two lines, measured in a fixed-width estimate so layouts need no font."""

from __future__ import annotations

from ovexplorer.core.layout.weight_chains import weight_roots
from ovexplorer.core.model.graph import Graph, Node

CHAR_W = 7.0
LINE_H = 14.0
BOX_PAD = 10.0
MIN_W = 64.0
MAX_W = 260.0
MAX_CONST_LINES = 3


def short_name(node: Node) -> str:
    """``rotary_emb/Cos`` for ``__module.model.rotary_emb/aten::cos/Cos``; the type for unnamed nodes."""
    name = node.name or node.type
    parts = [p for p in name.split("/") if p and "::" not in p]
    if len(parts) >= 2:
        scope = parts[-2].rsplit(".", 1)[-1] if not parts[-2].split(".")[-1].isdigit() else parts[-2]
        return f"{scope}/{parts[-1]}"
    return name if len(name) <= 32 else "…" + name[-31:]


def elide(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return text[:half] + "…" + text[-(limit - 1 - half):]


def const_line(node: Node, compressed: str = "") -> str:
    """A folded constant's line: its name's last part and shape (and the compressed element type of a
    decompression chain: ``weight ⟨576×576⟩ u8``)."""
    label = node.name.rsplit(".", 1)[-1] if "." in node.name else "const"
    if label.startswith("Constant_") or not label:
        label = "const"
    dims = node.const.shape if node.const is not None else ()
    shape = "×".join(str(d) for d in dims) if dims else "scalar"
    return elide(f"{label} ⟨{shape}⟩" + (f" {compressed}" if compressed else ""), 34)


def folded_line(graph: Graph, v: int) -> str:
    """The line of a folded input: a constant, or a decompression chain shown by the weight it expands."""
    node = graph.nodes[v]
    if node.type == "Constant":
        return const_line(node)
    roots = weight_roots(graph, v)
    if not roots:
        return elide(node.type, 30)
    weight = graph.nodes[roots[0]]
    return const_line(weight, weight.const.element_type if weight.const is not None else "")


def io_lines(graph: Graph, v: int) -> list[str]:
    """A model input's or output's name as a user passes or reads it (its tensor name; for an output without one,
    its producer's) and its shape."""
    node = graph.nodes[v]
    if node.type == "Parameter":
        port = node.outputs[0] if node.outputs else None
        names = port.names if port is not None else ()
    else:
        port = node.inputs[0] if node.inputs else None
        names = node.outputs[0].names if node.outputs else ()
        if not names and graph.in_edges[v]:
            e = graph.edges[graph.in_edges[v][0]]
            src = graph.nodes[e.src]
            names = src.outputs[e.src_port].names if e.src_port < len(src.outputs) else ()
    name = sorted(names, key=lambda n: (len(n), n))[0] if names else (node.name or "(no name)")
    lines = [elide(name, 34)]
    if port is not None and port.shape:
        lines.append(elide(port.shape, 34))
    return lines


def node_box(graph: Graph, v: int, folded: list[int] | tuple[int, ...], show_names: bool
             ) -> tuple[tuple[str, ...], tuple[float, float]]:
    """Node ``v``'s text lines (type; name when ``show_names`` or an input/output; the ``folded`` constants
    feeding it, at most :data:`MAX_CONST_LINES`) and its box (width, height)."""
    nodes = graph.nodes
    node = nodes[v]
    lines = [node.type]
    if node.type in ("Parameter", "Result"):
        lines.extend(io_lines(graph, v))
    elif show_names:
        lines.append(elide(node.name or "(no name)", 34))
    extra = [folded_line(graph, c) for c in folded]
    if len(extra) > MAX_CONST_LINES:
        extra = [*extra[: MAX_CONST_LINES - 1], f"+{len(extra) - MAX_CONST_LINES + 1} constants"]
    lines.extend(extra)
    longest = max(map(len, lines))
    w = min(MAX_W, max(MIN_W, longest * CHAR_W + 2 * BOX_PAD))
    return tuple(lines), (w, 12.0 + LINE_H * len(lines))


def collapsed_size(label: str, counts: str) -> tuple[float, float]:
    """The box of a collapsed group showing ``label`` over ``counts``."""
    w = min(MAX_W, max(MIN_W + 20, max(len(label), len(counts)) * CHAR_W + 2 * BOX_PAD + 8))
    return w, 16.0 + 2 * LINE_H
