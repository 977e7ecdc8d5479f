"""What changed between matched models: a status per node and the list of differences (no Qt)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from ovexplorer.core.compare.logical import LogicalGraph
from ovexplorer.core.compare.matching import Matching
from ovexplorer.core.util.tasks import CancelToken

IDENTICAL = "identical"
OPTIMIZED = "same layer, optimized"
CHANGED = "attributes/precision changed"
ONLY_A = "only in A"
ONLY_B = "only in B"
STATUSES = (IDENTICAL, OPTIMIZED, CHANGED, ONLY_A, ONLY_B)
STATUS_COLORS = {
    IDENTICAL: "#d9d9d9",
    OPTIMIZED: "#74b9ff",
    CHANGED: "#fdcb6e",
    ONLY_A: "#e17055",
    ONLY_B: "#00b894",
}


@dataclass(frozen=True, slots=True)
class Difference:
    """One entry of the differences list: its status, the nodes on each side (None when absent) and what."""

    status: str
    a: int | None
    b: int | None
    kind: str  # "op" or "weight"
    name: str
    what: str

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "a": self.a, "b": self.b, "kind": self.kind, "name": self.name,
                "what": self.what}


@dataclass
class Comparison:
    """A matching with the status of every logical node and the differences."""

    matching: Matching
    status_a: dict[int, str]  # every node of A (hidden ones take their owner's status)
    status_b: dict[int, str]
    differences: list[Difference]

    @property
    def a(self) -> LogicalGraph:
        return self.matching.a

    @property
    def b(self) -> LogicalGraph:
        return self.matching.b

    def counts(self) -> dict[str, int]:
        """Logical nodes per status (a pair counts once)."""
        counts = Counter(self.status_a[i] for i in (*self.a.ops, *self.a.weights))
        counts[ONLY_B] = sum(1 for i in (*self.b.ops, *self.b.weights) if self.status_b[i] == ONLY_B)
        return {s: counts.get(s, 0) for s in STATUSES}

    def summary(self) -> dict[str, Any]:
        matched, layers_a, layers_b = self.matching.layer_share()
        return {"layers_a": layers_a, "layers_b": layers_b, "layers_matched": matched,
                "matched_share": matched / layers_a if layers_a else 1.0, "counts": self.counts(),
                "how": dict(Counter(self.matching.how.values()))}

    def summary_text(self) -> str:
        s = self.summary()
        counts = ", ".join(f"{n} {k}" for k, n in s["counts"].items() if n)
        return (f"{s['layers_matched']} of {s['layers_a']} layers of A matched ({s['matched_share']:.0%}; "
                f"B has {s['layers_b']}): {counts}")


def _attrs_differ(na: Any, nb: Any) -> list[str]:
    try:
        if na.attributes == nb.attributes:  # plain values (the common case): one comparison
            return []
    except (ValueError, TypeError):  # numpy arrays among them: key by key below
        pass
    keys = set(na.attributes) | set(nb.attributes)
    out = []
    for k in sorted(keys):
        va, vb = na.attributes.get(k), nb.attributes.get(k)
        try:
            same = bool(np.array_equal(np.asarray(va, dtype=object), np.asarray(vb, dtype=object))) \
                if isinstance(va, (list, tuple, np.ndarray)) else va == vb
        except (ValueError, TypeError):
            same = str(va) == str(vb)
        if not same:
            out.append(k)
    return out


def _same_bytes(doc_a: Any, ia: int, doc_b: Any, ib: int) -> bool | None:
    """Whether two Constants hold the same bytes (None when unreadable)."""
    try:
        da, db = doc_a.ov_nodes[ia].get_data(), doc_b.ov_nodes[ib].get_data()
    except (AttributeError, IndexError, RuntimeError, TypeError, ValueError):
        return None
    if not isinstance(da, np.ndarray) or not isinstance(db, np.ndarray):
        return None
    if da.nbytes != db.nbytes:
        return False
    return bool(np.array_equal(da.reshape(-1).view(np.uint8), db.reshape(-1).view(np.uint8)))


def _weight_status(m: Matching, ia: int, ib: int, docs: tuple[Any, Any] | None) -> tuple[str, str]:
    a, b = m.a, m.b
    wa, wb = a.weights[ia], b.weights[ib]
    na, nb = a.graph.nodes[ia], b.graph.nodes[ib]
    if [p.dims for p in na.outputs] != [p.dims for p in nb.outputs]:
        return CHANGED, f"shape {na.outputs[0].shape} → {nb.outputs[0].shape}"
    if wa.signature != wb.signature:
        return OPTIMIZED, f"stored as {' → '.join(wa.signature)}  vs  {' → '.join(wb.signature)}"
    if docs is not None and _same_bytes(docs[0], wa.root, docs[1], wb.root) is False:
        return CHANGED, f"values differ ({a.stored_type(ia)})"
    return IDENTICAL, ""


def _op_status(m: Matching, ia: int, ib: int, weight_status: dict[int, str]) -> tuple[str, str]:
    a, b = m.a, m.b
    na, nb = a.graph.nodes[ia], b.graph.nodes[ib]
    changed = []
    attrs = _attrs_differ(na, nb)
    if attrs:
        changed.append("attributes " + ", ".join(attrs[:4]) + ("…" if len(attrs) > 4 else ""))
    ta, tb = [p.element_type for p in na.outputs], [p.element_type for p in nb.outputs]
    if ta != tb:
        changed.append(f"precision {'/'.join(ta)} → {'/'.join(tb)}")
    sa, sb = [p.shape for p in na.outputs], [p.shape for p in nb.outputs]
    if sa != sb:
        changed.append(f"shape {', '.join(sa)} → {', '.join(sb)}")
    ins_a, ins_b = a.inputs.get(ia, ()), b.inputs.get(ib, ())
    if len(ins_a) == len(ins_b) and any(m.a_to_b.get(pa) != pb for pa, pb in zip(ins_a, ins_b, strict=True)):
        changed.append("inputs rewired")
    weights = [weight_status.get(p) for p in ins_a if p in a.weights]
    if CHANGED in weights:
        changed.append("weight values changed")
    if changed:
        return CHANGED, "; ".join(changed)
    optimized = []
    fq_a, fq_b = len(a.inserted.get(ia, ())), len(b.inserted.get(ib, ()))
    if fq_a != fq_b:
        optimized.append(f"FakeQuantize on inputs: {fq_a} → {fq_b}")
    if OPTIMIZED in weights:
        optimized.append("weights compressed")
    if optimized:
        return OPTIMIZED, "; ".join(optimized)
    return IDENTICAL, ""


def compare_structure(m: Matching, docs: tuple[Any, Any] | None = None,
                      cancel: CancelToken | None = None) -> Comparison:
    """Statuses and differences of a matching; ``docs`` (the two ModelDocuments) lets equal-looking weights be
    compared byte for byte."""
    a, b = m.a, m.b
    status_a: dict[int, str] = {}
    status_b: dict[int, str] = {}
    diffs: list[Difference] = []
    for k, ia in enumerate(a.weights):
        if cancel is not None and k % 1024 == 0:
            cancel.check()
        ib = m.a_to_b.get(ia)
        if ib is None:
            status_a[ia] = ONLY_A
            continue
        status, what = _weight_status(m, ia, ib, docs)
        status_a[ia] = status_b[ib] = status
        if status != IDENTICAL:
            diffs.append(Difference(status, ia, ib, "weight", a.label(ia), what))
    for ia in a.ops:
        ib = m.a_to_b.get(ia)
        if ib is None:
            status_a[ia] = ONLY_A
            node = a.graph.nodes[ia]
            diffs.append(Difference(ONLY_A, ia, None, "op", a.label(ia), f"{node.type} {node.outputs[0].shape}"
                                    if node.outputs else node.type))
            continue
        status, what = _op_status(m, ia, ib, status_a)
        status_a[ia] = status_b[ib] = status
        if status != IDENTICAL:
            diffs.append(Difference(status, ia, ib, "op", a.label(ia), what))
    for ib in (*b.ops, *b.weights):
        if ib not in m.b_to_a:
            status_b[ib] = ONLY_B
            if ib in b.ops:
                node = b.graph.nodes[ib]
                diffs.append(Difference(ONLY_B, None, ib, "op", b.label(ib), f"{node.type} {node.outputs[0].shape}"
                                        if node.outputs else node.type))
    for ia in a.weights:
        if ia not in m.a_to_b and ia in a.consumers:
            diffs.append(Difference(ONLY_A, ia, None, "weight", a.label(ia), a.stored_type(ia)))
    for ib in b.weights:
        if ib not in m.b_to_a and ib in b.consumers:
            diffs.append(Difference(ONLY_B, None, ib, "weight", b.label(ib), b.stored_type(ib)))
    for g, status in ((a, status_a), (b, status_b)):
        for i in range(len(g.graph.nodes)):
            if i not in status:
                owner = g.owner.get(i)
                status[i] = status.get(owner, IDENTICAL) if owner is not None else IDENTICAL
    order = {s: k for k, s in enumerate(STATUSES)}
    diffs.sort(key=lambda d: (order[d.status], d.a if d.a is not None else 1 << 30, d.b or 0))
    return Comparison(m, status_a, status_b, diffs)
