"""What a model input or output is called: one name everywhere (info, Summary, run, the Run tab), and tensor names
written unambiguously when they hold commas."""

from __future__ import annotations

import json
from collections.abc import Iterable


def display_name(names: Iterable[str], friendly: str, fallback: str, taken: set[str] | None = None) -> str:
    """The one name ovexplorer calls a model input or output by, everywhere (info, Summary, run, the Run tab).

    Its node's friendly name if that is one of its tensor names, else its first non-numeric tensor name; a port
    without tensor names goes by its node's friendly name (the Parameter's, the Result's), ``fallback`` if none.
    Names already in ``taken`` get a ``_`` appended; the name is added to ``taken``.
    """
    ordered = sorted(names, key=lambda n: (n.isdigit(), n))
    name = friendly if friendly in ordered else (ordered[0] if ordered else (friendly or fallback))
    if taken is not None:
        while name in taken:
            name += "_"
        taken.add(name)
    return name


def quote_name(name: str) -> str:
    """A name as text, quoted (JSON style) when it holds a comma or quote or is blank at an end, so a list of names
    reads unambiguously: ``"custom, name", other``."""
    if not name or any(c in name for c in ',"\'') or name != name.strip():
        return json.dumps(name, ensure_ascii=False)
    return name


def names_text(names: Iterable[str]) -> str:
    """Tensor names as one unambiguous line: ``"custom, name", other``."""
    return ", ".join(quote_name(n) for n in names)
