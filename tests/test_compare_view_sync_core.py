"""Qt-free: which group of B holds the counterparts of a group of A, and B's expansion after A's changes."""

from __future__ import annotations

from pathlib import Path

import openvino as ov
from models_graph import make_transformer_ir

from ovexplorer.core.compare.pair import open_pair
from ovexplorer.core.compare.view_sync import counterpart_group, synced_expansion
from ovexplorer.core.layout.grouping import ROOT, group_by_scope


def _pair(tmp_path: Path):
    a = make_transformer_ir(tmp_path / "t2.xml", 2)
    b = tmp_path / "t2_fp16.xml"
    ov.save_model(ov.Core().read_model(a), str(b), compress_to_fp16=True)
    doc_a, doc_b, comparison = open_pair(a, b)
    ga, gb = group_by_scope(doc_a.graph), group_by_scope(doc_b.graph)
    a_to_b = comparison.matching.a_to_b
    owner = comparison.a.owner

    def partner(n: int) -> int | None:
        return a_to_b.get(n if comparison.a.is_logical(n) else owner.get(n, -1))

    return doc_a, doc_b, ga, gb, partner


def _by_path(grouping, path: str) -> int:
    return next(g.id for g in grouping.groups if g.path == path)


def test_groups_map_by_their_matched_nodes_and_expansion_follows(tmp_path: Path) -> None:
    doc_a, doc_b, ga, gb, partner = _pair(tmp_path)
    try:
        assert len(doc_a.graph.nodes) != len(doc_b.graph.nodes)  # Converts in B: the ids differ
        mlp_a, mlp_b = _by_path(ga, "model/layers.0/mlp"), _by_path(gb, "model/layers.0/mlp")
        assert counterpart_group(ga, gb, partner, mlp_a) == mlp_b
        assert counterpart_group(ga, gb, lambda n: None, mlp_a) is None  # nothing matched: no group
        everything_a = frozenset(range(len(ga.groups)))
        everything_b = frozenset(range(len(gb.groups)))
        # closing A's mlp closes B's (and what is inside it), nothing else
        closed = synced_expansion(ga, everything_a, everything_a - {mlp_a}, gb, everything_b, partner)
        assert closed is not None and mlp_b not in closed
        assert all(mlp_b not in gb.ancestors[g] for g in closed)
        assert _by_path(gb, "model/layers.1/mlp") in closed
        # opening it again from everything closed opens it with its parents
        opened = synced_expansion(ga, frozenset({ROOT}), frozenset(ga.ancestors[mlp_a]), gb, frozenset({ROOT}),
                                  partner)
        assert opened == frozenset(gb.ancestors[mlp_b])
        # all / nothing, and no change when B already shows it
        assert synced_expansion(ga, frozenset({ROOT}), everything_a, gb, frozenset({ROOT}), partner) == everything_b
        assert synced_expansion(ga, everything_a, frozenset({ROOT}), gb, everything_b, partner) == {ROOT}
        assert synced_expansion(ga, everything_a, frozenset({ROOT}), gb, frozenset({ROOT}), partner) is None
    finally:
        doc_a.close()
        doc_b.close()
