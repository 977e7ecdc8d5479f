"""Keeping the two graphs of a comparison in step (no Qt): which group of one model holds the counterparts of a
group of the other, and the expansion of one graph that follows a change of the other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from ovexplorer.core.layout.grouping import ROOT, Grouping

#: ``partner(node id) -> node id of the other model or None``
Partner = Callable[[int], "int | None"]


def counterpart_group(src: Grouping, dst: Grouping, partner: Partner, gid: int) -> int | None:
    """The group of ``dst`` holding more than half of the counterparts of the nodes of ``src``'s group ``gid``
    (by their group paths), the one nearest ``gid``'s depth (deeper on a tie); None when no group but the root
    does (or nothing in ``gid`` is matched)."""
    if gid == ROOT:
        return ROOT
    counts: Counter[int] = Counter()
    total = 0
    for node in src.subtree_nodes(gid):
        other = partner(node)
        if other is None or not 0 <= other < len(dst.node_group):
            continue
        total += 1
        counts.update(dst.holding_groups(other))
    best = [g for g, n in counts.items() if g != ROOT and 2 * n > total]
    if not best:
        return None
    depth = src.groups[gid].depth  # the group at the same level (a parent's majority is often in a child)
    return min(best, key=lambda g: (abs(dst.groups[g].depth - depth), -dst.groups[g].depth, -counts[g]))


def _closed(dst: Grouping, expanded: Iterable[int], gid: int) -> frozenset[int]:
    """``expanded`` without ``gid`` and every group inside it."""
    return frozenset(g for g in expanded if gid not in dst.ancestors[g])


def synced_expansion(src: Grouping, old: frozenset[int], new: frozenset[int], dst: Grouping,
                     dst_expanded: frozenset[int], partner: Partner) -> frozenset[int] | None:
    """The expansion of ``dst`` after ``src``'s changed from ``old`` to ``new``: the groups holding the
    counterparts of the groups opened are opened (with their parents), those of the groups closed are closed
    (with everything inside); everything open in ``src`` opens everything in ``dst``, only the root open closes
    everything. None when ``dst`` needs no change."""
    if new == old:
        return None
    if len(new | {ROOT}) == len(src.groups):
        result = frozenset(range(len(dst.groups)))
    elif new <= {ROOT}:
        result = frozenset({ROOT})
    else:
        result = frozenset(dst_expanded)
        for gid in sorted(old - new, key=lambda g: src.groups[g].depth):
            other = counterpart_group(src, dst, partner, gid)
            if other is not None and other != ROOT:
                result = _closed(dst, result, other)
        for gid in new - old:
            other = counterpart_group(src, dst, partner, gid)
            if other is not None:
                result = result | frozenset(dst.ancestors[other])
    result = result | {ROOT}
    return None if result == dst_expanded | {ROOT} else result
