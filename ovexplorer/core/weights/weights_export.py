"""Export weight statistics as CSV or JSON, written atomically (:mod:`ovexplorer.core.util.atomic`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ovexplorer.core.util.atomic import atomic_write_text
from ovexplorer.core.util.errors import OvexplorerError
from ovexplorer.core.weights.flops import ModelTotals
from ovexplorer.core.weights.statistics import WeightStats

#: Columns of the CSV export (the UI's export uses the same).
CSV_COLUMNS = (
    "node_id", "name", "consumers", "consumer_types", "shape", "element_type", "count", "bytes",
    "min", "max", "mean", "std", "zero_fraction", "nan_count", "inf_count",
    "dq_min", "dq_max", "dq_mean", "dq_std", "flags", "note",
)


def csv_row(row: WeightStats) -> dict[str, Any]:
    """One row of the CSV export."""
    s, d = row.stats, row.dequant

    def num(v: float | None) -> str:
        return "" if v is None else repr(float(v))

    return {
        "node_id": row.node_id, "name": row.name, "consumers": ";".join(row.consumers),
        "consumer_types": ";".join(row.consumer_types), "shape": "x".join(map(str, row.shape)),
        "element_type": row.element_type, "count": row.count, "bytes": row.nbytes,
        "min": num(s and s.min), "max": num(s and s.max), "mean": num(s and s.mean), "std": num(s and s.std),
        "zero_fraction": num(s and s.zero_fraction), "nan_count": s.nan_count if s else "",
        "inf_count": s.inf_count if s else "",
        "dq_min": num(d and d.min), "dq_max": num(d and d.max), "dq_mean": num(d and d.mean),
        "dq_std": num(d and d.std), "flags": ";".join(row.flags), "note": row.note,
    }


def write_csv(rows: list[WeightStats], out: Any) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(csv_row(row))


def report_dict(name: str, path: str, rows: list[WeightStats], totals: ModelTotals | None) -> dict[str, Any]:
    """The JSON document: the model, its totals and one entry per constant."""
    return {"model": name, "path": path, "totals": totals.to_dict() if totals is not None else None,
            "constants": [r.to_dict() for r in rows]}


def _write_atomic(path: Path, text: str) -> Path:
    path = Path(path)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise OvexplorerError(f"Could not write {path.name}: {exc.strerror or exc}", path=path) from exc
    return path


def export_csv(rows: list[WeightStats], path: str | Path) -> Path:
    """Write the rows as CSV at ``path`` (atomically)."""
    buf = io.StringIO()
    write_csv(rows, buf)
    return _write_atomic(Path(path), buf.getvalue())


def export_json(
    name: str, model_path: str, rows: list[WeightStats], totals: ModelTotals | None, path: str | Path
) -> Path:
    """Write the report as JSON at ``path`` (atomically); NaN and infinities become null."""
    text = json.dumps(report_dict(name, model_path, rows, totals), indent=1, allow_nan=False)
    return _write_atomic(Path(path), text + "\n")
