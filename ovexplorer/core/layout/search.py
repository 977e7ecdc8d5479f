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


class SearchHits:
    """The hits of the graph's search and the current one: typing searches again, next/previous step round."""

    def __init__(self) -> None:
        self.graph: Graph | None = None
        self.text = ""
        self.hits: list[int] = []
        self.index = -1

    def search(self, graph: Graph | None, text: str) -> int | None:
        """Search ``graph`` for ``text``; the first hit (now current), or None."""
        self.graph, self.text = graph, text
        self.hits = find_nodes(graph, text) if graph is not None else []
        self.index = -1
        return self.step(1) if self.hits else None

    def step(self, delta: int) -> int | None:
        """Move ``delta`` hits on (negative: back), wrapping; the new current hit, or None without hits."""
        if not self.hits:
            return None
        self.index = (self.index + delta) % len(self.hits)
        return self.hits[self.index]

    def label(self) -> str:
        """``"2 of 5"``, ``"no match"``, or nothing before anything was typed."""
        if self.hits:
            return f"{self.index + 1} of {len(self.hits)}"
        return "no match" if self.text.strip() else ""
