"""Find nodes by friendly name, op type or tensor name (case-insensitive substring)."""

from __future__ import annotations

from ovexplorer.core.model.graph import Graph


def find_nodes(graph: Graph, text: str, *, include_constants: bool = True) -> list[int]:
    """Ids of the nodes whose name, type or an output tensor name contains ``text``.

    Exact type or name matches come first (in graph order), then the other matches.
    """
    needle = text.strip().lower()
    if not needle:
        return []
    exact: list[int] = []
    partial: list[int] = []
    for node in graph.nodes:
        if not include_constants and node.type == "Constant":
            continue
        name, kind = node.name.lower(), node.type.lower()
        tensors = [t.lower() for p in node.outputs for t in p.names]
        if needle == kind or needle == name or needle in tensors:
            exact.append(node.id)
        elif needle in name or needle in kind or any(needle in t for t in tensors):
            partial.append(node.id)
    return exact + partial
