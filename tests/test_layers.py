"""The package's import graph, read from the source with `ast` as import-linter's grimp reads it: every
import counts, also those inside functions and under TYPE_CHECKING.

No import cycle; ui's feature subpackages import only downwards; only the app imports the main window.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import upscaler_gui

PACKAGE = Path(upscaler_gui.__file__).parent
MAIN_WINDOW = "upscaler_gui.ui.window.main_window"

# Cycles outside ui/ that were there when ui/ was regrouped (issue 10): each is to be broken, then
# deleted here. No new one may appear.
KNOWN_CYCLES: set[frozenset[str]] = set()  # none: keep it so

# ui's parts, top to bottom: each imports only from the layers below it; parts of one layer not at all
# from each other.
UI_LAYERS = [{"app"}, {"window"}, {"settings"}, {"bridge"}, {"compare", "drop", "queue"}, {"shell"}]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Each module of the package -> the package's modules it imports."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: frozenset(_imports(name, path, set(paths))) for name, path in paths.items()}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            found.update(submodules or {base})  # `from pkg import module` imports the module
    return (found & known) - {name}


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _reachable(graph: dict[str, frozenset[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph.get(todo.pop(), frozenset()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def cycles(graph: dict[str, frozenset[str]]) -> set[frozenset[str]]:
    """The strongly connected groups of more than one module (or one that imports itself)."""
    reach = {name: _reachable(graph, name) for name in graph}
    return {
        frozenset({name} | {other for other in reach[name] if name in reach.get(other, set())})
        for name in graph
        if name in reach[name]
    }


def _ui_part(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "ui" else None


def _layer(part: str) -> int:
    return next(i for i, layer in enumerate(UI_LAYERS) if part in layer)


# --- the walker itself --------------------------------------------------------------------------------


def test_cycles_finds_each_cycle_once_and_nothing_else() -> None:
    graph = {
        "a": frozenset({"b"}),
        "b": frozenset({"c"}),
        "c": frozenset({"a"}),
        "d": frozenset({"a"}),
        "e": frozenset({"e"}),
    }
    assert cycles(graph) == {frozenset({"a", "b", "c"}), frozenset({"e"})}


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    graph = import_graph()
    assert MAIN_WINDOW in graph["upscaler_gui.ui.app"]  # imported inside main()
    assert "upscaler_gui.core.engine" in graph["upscaler_gui.core.connection"]  # under TYPE_CHECKING
    from_package_import_module = graph["upscaler_gui.ui.window.folder_rows"]  # from ...shell import desktop
    assert "upscaler_gui.ui.shell.desktop" in from_package_import_module


# --- the rules ----------------------------------------------------------------------------------------


def test_the_package_has_no_new_import_cycle() -> None:
    found = cycles(import_graph())
    new = found - KNOWN_CYCLES
    assert not new, "import cycles:\n" + "\n".join(" <-> ".join(sorted(group)) for group in new)


def test_ui_has_no_import_cycle() -> None:
    assert not [group for group in cycles(import_graph()) if any(_ui_part(m) for m in group)]


def test_ui_parts_import_only_downwards() -> None:
    parts = {_ui_part(m) for m in import_graph()} - {None}
    assert parts == set().union(*UI_LAYERS), "a ui part missing from UI_LAYERS, or a layer gone"
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if (a := _ui_part(module)) and (b := _ui_part(target)) and a != b and _layer(a) >= _layer(b)
    )
    assert not wrong, "\n".join(wrong)


def test_only_the_app_imports_the_main_window() -> None:
    importers = {module for module, targets in import_graph().items() if MAIN_WINDOW in targets}
    assert importers == {"upscaler_gui.ui.app"}
