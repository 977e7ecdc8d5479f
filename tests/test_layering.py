"""The folders are the architecture: import rules between packages, checked statically on the source (ast).

- every module below ``core/`` and ``ui/`` lives in a feature package; the command line is ``cli/``;
- ``ovexplorer.core`` imports no Qt (PySide6, shiboken6, pyqtgraph), no ``ovexplorer.ui`` and no ``ovexplorer.cli``;
- ``core.<feature>`` packages import only ``core.model``, ``core.util``, themselves and the edges listed in
  :data:`CORE_DEPENDS`, and the package graph has no cycle;
- a ``ui.<feature>`` package imports another ui package only through :data:`UI_ENTRY_POINTS`; the UI never
  imports ``openvino`` (it goes through core); the command line takes from the UI only :data:`CLI_UI_NAMES`;
- every ``ovexplorer`` import anywhere in the tree names a module that exists (and, for ``from M import n``, a name
  that ``M`` defines), so a path left over from before a move fails here;
- every package's lazy exports resolve and shadow no submodule.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "ovexplorer"
QT = ("PySide6", "shiboken6", "pyqtgraph")

#: ``core`` package -> the other ``core`` packages it may import. Each feature builds on ``model`` and ``util``;
#: ``bench`` compiles and feeds models through ``run``. Must stay acyclic.
CORE_DEPENDS: dict[str, set[str]] = {
    "util": set(),
    "model": {"util"},
    "layout": {"model", "util"},
    "weights": {"model", "util"},
    "run": {"model", "util"},
    "bench": {"model", "util", "run"},
    "text": {"model", "util"},
    "vision": {"model", "util"},
    "compare": {"model", "util", "run", "weights", "bench", "layout", "vision", "text"},
}

#: ui module -> (names other ui packages may import from it, the ui packages allowed to; None: all of them).
UI_ENTRY_POINTS: dict[str, tuple[set[str], set[str] | None]] = {
    "ovexplorer.ui.shell.workers": ({"Task", "TaskRunner", "share_the_gil_quickly"}, None),
    "ovexplorer.ui.shell.flow_layout": ({"FlowLayout"}, None),
    "ovexplorer.ui.shell.menus": ({"add_menu_action"}, None),  # a feature's menu entry: one call
    "ovexplorer.ui.graph.graph_panel": ({"install_graph_panel"}, {"shell"}),
    "ovexplorer.ui.graph.graph_pane": ({"make_graph_pane"}, {"compare"}),  # the comparison window's two graphs
    "ovexplorer.ui.run.image_decode": ({"decode_image"}, {"compare"}),  # pictures as inputs and calibration data
    "ovexplorer.ui.vision.answer_view": ({"AnswerView"}, {"compare"}),  # the answers side by side
    "ovexplorer.ui.vision.answer_drawing": ({"AnswerDrawing"}, {"compare"}),  # ... drawn as the Run tab does
    "ovexplorer.ui.text.next_token_chart": ({"NextTokenChart"}, {"compare"}),
    "ovexplorer.ui.compare.compare_menu": ({"install_compare"}, {"shell"}),
    "ovexplorer.ui.run.run_tab": ({"install_run_tab", "build_run_panel"}, {"shell"}),  # the Run tab, built late
    "ovexplorer.ui.latency.latency_panel": ({"install_latency_panel"}, {"shell"}),
    "ovexplorer.ui.weights.weights_panel": ({"WeightsPanel"}, {"shell"}),
    "ovexplorer.ui.text.text_install": ({"install_text_view"}, {"shell"}),
    "ovexplorer.ui.vision.run_hook": ({"install_vision_panel"}, {"shell"}),
}

#: ui module -> the names ``ovexplorer.cli`` may import from it (the window and its platform check, and picture
#: decoding for ``run``).
CLI_UI_NAMES: dict[str, set[str]] = {
    "ovexplorer.ui.shell.app": {"run_app"},
    "ovexplorer.ui.shell.platform_check": {"library_problem"},  # before any Qt import: can Qt start here?
    "ovexplorer.ui.run.image_decode": {"decode_image"},
}


class Import(NamedTuple):
    importer: str  # dotted module name of the importing file
    module: str  # the imported module (for ``from P import sub``: ``P.sub`` when ``sub`` is a module)
    names: tuple[str, ...]  # names taken from ``module`` (empty for ``import module``)
    where: str  # path:line, for messages


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_file(name: str) -> Path | None:
    """The source file of the ``ovexplorer`` module ``name``, or None when there is none."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def package_of(path: Path) -> str:
    """The dotted package of a source file (``a/b/c.py`` -> ``a.b``; ``a/b/__init__.py`` -> ``a.b``)."""
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports_of(path: Path) -> Iterator[Import]:
    """Every import statement of ``path`` (module level or inside functions), relative ones resolved."""
    importer = module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(importer, alias.name, (), where)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package_of(path).split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            plain = []
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if base.startswith("ovexplorer") and module_file(sub) is not None:
                    yield Import(importer, sub, (), where)
                else:
                    plain.append(alias.name)
            if plain:
                yield Import(importer, base, tuple(plain), where)


def source_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if ".venv" not in p.parts)


def project_imports(*folders: str) -> list[Import]:
    return [imp for path in source_files(*folders) for imp in imports_of(path)]


def feature(module: str, layer: str) -> str | None:
    """``ovexplorer.<layer>.<feature>...`` -> ``<feature>``; None for modules outside ``layer``'s packages."""
    parts = module.split(".")
    if parts[:2] != ["ovexplorer", layer] or len(parts) < 3:
        return None
    return parts[2] if module_file(".".join(parts[:3])) is not None and (
        ROOT / "ovexplorer" / layer / parts[2]).is_dir() else None


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of ``graph`` as a list of nodes (first == last), or [] when there is none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return []


def core_violations(imports: list[Import]) -> list[str]:
    bad = []
    edges: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.importer.startswith("ovexplorer.core"):
            continue
        if imp.module.split(".")[0] in QT:
            bad.append(f"{imp.where}: core imports Qt ({imp.module})")
        if imp.module.startswith(("ovexplorer.ui", "ovexplorer.cli")):
            bad.append(f"{imp.where}: core imports {imp.module}")
        mine, theirs = feature(imp.importer, "core"), feature(imp.module, "core")
        if mine and theirs and mine != theirs:
            edges.setdefault(mine, set()).add(theirs)
            if theirs not in CORE_DEPENDS.get(mine, set()):
                bad.append(f"{imp.where}: core.{mine} imports core.{theirs} ({imp.module}), not in CORE_DEPENDS")
    if cycle := find_cycle(edges):
        bad.append("core packages import each other in a cycle: " + " -> ".join(cycle))
    return bad


def ui_violations(imports: list[Import]) -> list[str]:
    bad = []
    for imp in imports:
        if imp.importer.startswith("ovexplorer.ui") and imp.module.split(".")[0] == "openvino":
            bad.append(f"{imp.where}: the UI imports openvino directly (go through ovexplorer.core)")
        mine, theirs = feature(imp.importer, "ui"), feature(imp.module, "ui")
        if mine is None or theirs is None or mine == theirs:
            continue
        entry = UI_ENTRY_POINTS.get(imp.module)
        if entry is None:
            bad.append(f"{imp.where}: ui.{mine} imports {imp.module}, not an entry point of ui.{theirs}")
            continue
        names, importers = entry
        if importers is not None and mine not in importers:
            bad.append(f"{imp.where}: ui.{mine} may not import {imp.module} (only {sorted(importers)})")
        if not imp.names or not set(imp.names) <= names:
            bad.append(f"{imp.where}: ui.{mine} takes {list(imp.names) or 'the module'} from {imp.module}; "
                       f"allowed: {sorted(names)}")
    return bad


def cli_violations(imports: list[Import]) -> list[str]:
    bad = []
    for imp in imports:
        if imp.importer.startswith("ovexplorer.cli") and imp.module.startswith("ovexplorer.ui"):
            allowed = CLI_UI_NAMES.get(imp.module, set())
            if not imp.names or not set(imp.names) <= allowed:
                bad.append(f"{imp.where}: the command line imports {list(imp.names)} from {imp.module}")
    return bad


def top_level_names(path: Path) -> set[str]:
    """Names a module defines or imports at module level, plus the lazy exports of a package ``__init__``."""
    names: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_EXPORTS" for t in node.targets):
            for value in ast.literal_eval(node.value).values():
                names.update(value)
    return names


def stale_imports(imports: list[Import]) -> list[str]:
    bad = []
    for imp in imports:
        if imp.module.split(".")[0] != "ovexplorer":
            continue
        path = module_file(imp.module)
        if path is None:
            bad.append(f"{imp.where}: no module {imp.module}")
            continue
        missing = set(imp.names) - top_level_names(path)
        if missing:
            bad.append(f"{imp.where}: {imp.module} has no {sorted(missing)}")
    return bad


def assert_none(violations: list[str]) -> None:
    assert not violations, "\n" + "\n".join(violations)


def test_every_module_lives_in_a_feature_package() -> None:
    """No flat modules again: below ``core/`` and ``ui/`` every module sits in a package (``core/<feature>/``)."""
    loose = [str(p.relative_to(ROOT)) for layer in ("core", "ui") for p in (SOURCE / layer).glob("*.py")
             if p.name != "__init__.py"]
    loose += [str(p.relative_to(ROOT)) for p in SOURCE.glob("*.py")
              if p.name not in ("__init__.py", "__main__.py", "resources.py")]
    assert_none([f"{path}: move it into a package by feature" for path in loose])


def test_core_imports_no_qt_and_feature_packages_follow_their_dependencies() -> None:
    assert find_cycle(CORE_DEPENDS) == []
    assert set(CORE_DEPENDS) == {p.name for p in (SOURCE / "core").iterdir() if (p / "__init__.py").is_file()}
    assert_none(core_violations(project_imports("ovexplorer")))


def test_ui_packages_meet_only_through_entry_points() -> None:
    assert all(module_file(m) is not None for m in [*UI_ENTRY_POINTS, *CLI_UI_NAMES])
    imports = project_imports("ovexplorer")
    assert_none(ui_violations(imports) + cli_violations(imports))


def test_every_import_of_the_project_names_an_existing_module() -> None:
    assert_none(stale_imports(project_imports("ovexplorer", "tests", "benchmarks", "examples", "packaging")))


def fake(importer: str, module: str, *names: str) -> Import:
    return Import(importer, module, names, "fake.py:1")


@pytest.mark.parametrize("imp", [
    fake("ovexplorer.core.model.graph", "PySide6.QtCore", "QObject"),
    fake("ovexplorer.core.run.ports", "pyqtgraph"),
    fake("ovexplorer.core.layout.search", "ovexplorer.ui.graph.graph_view", "GraphView"),
    fake("ovexplorer.core.run.session", "ovexplorer.core.bench.benchmark", "BenchConfig"),
    fake("ovexplorer.core.util.tasks", "ovexplorer.core.model.graph", "Graph"),
    fake("ovexplorer.core.weights.flops", "ovexplorer.core.layout.grouping", "ROOT"),
])
def test_core_rule_catches_a_violation(imp: Import) -> None:
    assert core_violations([imp])


def test_core_rule_catches_a_cycle_even_if_each_edge_were_allowed(monkeypatch) -> None:
    monkeypatch.setitem(CORE_DEPENDS, "run", {"model", "util", "bench"})
    found = core_violations([fake("ovexplorer.core.run.session", "ovexplorer.core.bench.benchmark", "BenchConfig"),
                             fake("ovexplorer.core.bench.profiling", "ovexplorer.core.run.session", "CompileOptions")])
    assert found == ["core packages import each other in a cycle: bench -> run -> bench"]


@pytest.mark.parametrize("imp", [
    fake("ovexplorer.ui.graph.graph_panel", "ovexplorer.ui.run.image_decode", "array_to_image"),
    fake("ovexplorer.ui.run.run_panel", "ovexplorer.ui.graph.graph_panel", "install_graph_panel"),
    fake("ovexplorer.ui.shell.main_window", "ovexplorer.ui.graph.graph_panel", "GraphPanel"),
    fake("ovexplorer.ui.weights.weights_panel", "ovexplorer.ui.shell.main_window", "MainWindow"),
    fake("ovexplorer.ui.latency.profile_view", "ovexplorer.ui.shell.workers"),
    fake("ovexplorer.ui.run.run_work", "openvino", "Tensor"),
])
def test_ui_rule_catches_a_violation(imp: Import) -> None:
    assert ui_violations([imp])


def test_cli_and_stale_rules_catch_a_violation() -> None:
    assert cli_violations([fake("ovexplorer.cli.run", "ovexplorer.ui.run.run_panel", "RunPanel")])
    assert stale_imports([fake("tests.x", "ovexplorer.core.document", "open_model")])
    assert stale_imports([fake("tests.x", "ovexplorer.core.model.document", "no_such_function")])
    assert not stale_imports([fake("tests.x", "ovexplorer.core.weights", "WeightStats")])  # a lazy export


def test_the_real_tree_is_what_the_rules_see() -> None:
    """The checks above look at real edges: the known ones are found (so an empty violation list means something)."""
    imports = project_imports("ovexplorer")
    edges = {(feature(i.importer, "core"), feature(i.module, "core")) for i in imports}
    assert {("bench", "run"), ("run", "model"), ("model", "util"), ("weights", "model")} <= edges
    ui_edges = {(i.importer, i.module) for i in imports if i.module in UI_ENTRY_POINTS}
    assert ("ovexplorer.ui.shell.main_window", "ovexplorer.ui.graph.graph_panel") in ui_edges
    assert ("ovexplorer.ui.graph.graph_panel", "ovexplorer.ui.shell.workers") in ui_edges


#: The feature packages and the packages inside them (``core/run/inputs``).
PACKAGES = sorted(module_name(p) for p in SOURCE.rglob("__init__.py")
                  if p.relative_to(SOURCE).parts[0] in ("core", "ui") and len(p.relative_to(SOURCE).parts) >= 3)


@pytest.mark.parametrize("name", PACKAGES)
def test_package_exports_resolve_lazily(name: str) -> None:
    package = importlib.import_module(name)
    doc = (package.__doc__ or "").strip()
    assert doc and len(doc.splitlines()) <= 2, f"{name}: a docstring of at most two lines"
    submodules = {p.stem for p in module_file(name).parent.glob("*.py")}
    assert package.__all__ and not set(package.__all__) & submodules
    for public in package.__all__:
        value = getattr(package, public)
        defined_in = getattr(value, "__module__", None)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert defined_in is not None and defined_in.startswith(name + "."), (public, defined_in)
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018
