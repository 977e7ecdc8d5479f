"""The records of a graph layout: what the view draws (:class:`GraphLayout` and its boxes, edges and proxy
markers), the options that shaped it, and one laid-out level (:class:`Level`). Plain frozen data, Qt-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    """What the layout shows; any change needs a new :class:`GraphLayouter`."""

    fold_constants: bool = True
    show_names: bool = False
    horizontal: bool = False
    grouped: bool = True
    fan_out: int = 6
    span: int = 3
    reference: bool = False  # plain barycenter Sugiyama, for the benchmark's comparison


@dataclass(frozen=True, slots=True)
class NodeBox:
    """A node's box (top-left ``x``, ``y``) and the text lines drawn in it (type first)."""

    id: int
    x: float
    y: float
    w: float
    h: float
    group: int
    category: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupBox:
    """A group's box: collapsed (one box with counts) or expanded (a frame around its content)."""

    id: int
    x: float
    y: float
    w: float
    h: float
    expanded: bool
    label: str
    path: str
    depth: int
    op_count: int
    group_count: int


@dataclass(frozen=True, slots=True)
class EdgeRoute:
    """A drawn edge piece: a polyline within the level of ``group`` from node ``src``'s output."""

    src: int
    src_port: int
    dst: int  # a node id, or -1 when the piece ends at a group frame or box
    group: int
    points: tuple[tuple[float, float], ...]
    label: str  # the tensor's shape, on the piece that leaves the source ("" on continuations)


@dataclass(frozen=True, slots=True)
class ProxyMark:
    """A detached edge's marker at its consumer: names the source node; a click jumps to it."""

    source: int
    x: float
    y: float
    w: float
    h: float
    label: str
    group: int


@dataclass(frozen=True, slots=True)
class GraphLayout:
    """Everything a view draws, in absolute coordinates."""

    nodes: tuple[NodeBox, ...]
    groups: tuple[GroupBox, ...]
    edges: tuple[EdgeRoute, ...]
    proxies: tuple[ProxyMark, ...]
    width: float
    height: float
    crossings: int
    dummies: int
    expanded: frozenset[int]
    options: LayoutOptions
    node_index: Mapping[int, int] = field(default_factory=dict, repr=False)
    group_index: Mapping[int, int] = field(default_factory=dict, repr=False)


@dataclass(slots=True)
class Level:
    """One laid-out level, relative to its group box's top-left corner."""

    w: float
    h: float
    nodes: list[tuple[int, float, float, float, float]]
    groups: list[tuple[int, float, float, float, float]]  # child groups (expanded or not)
    routes: list[EdgeRoute]
    proxies: list[ProxyMark]
    port_in: dict[int, tuple[float, float]]  # outside source node -> point on the frame
    port_out: dict[int, tuple[float, float]]  # inside source node -> point on the frame
    crossings: int
    dummies: int
