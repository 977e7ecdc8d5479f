"""Lazy package exports (PEP 562): a package names its public objects without importing its modules.

Importing one module of a package runs the package's ``__init__`` first; keeping that free of imports keeps
helper processes light (:mod:`ovexplorer.core.weights.value_stats` must not load OpenVINO) and start-up quick.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, tuple[str, ...]]
                 ) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for ``package`` from its table module -> public names.

    A name is imported from its module on first use and then cached in the package's namespace. Unknown names
    raise :class:`AttributeError`, so ``from package import submodule`` still imports the submodule.
    """
    where = {name: module for module, names in exports.items() for name in names}
    if len(where) != sum(len(names) for names in exports.values()):
        raise ValueError(f"{package}: a public name is listed for two modules")
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return sorted(where), __getattr__, __dir__
