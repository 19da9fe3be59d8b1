"""The package's shape: no import cycles, one subpackage per enrichment stage (issue 17)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "storyline"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module, modules: set[str]) -> set[str]:
    """Modules of ours that ``tree`` imports, wherever in the file the import stands.

    ``from package import name`` counts as importing ``package.name`` when that is a
    module, else ``package``. Imports inside functions and under ``if TYPE_CHECKING:``
    count too: they hide a cycle from the interpreter, not from the design.
    """
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if dotted in modules:
                    found.add(dotted)
                elif node.module in modules:
                    found.add(node.module)
        stack.extend(ast.iter_child_nodes(node))
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), modules) - {name}
        for name, path in files.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 50
    assert import_cycles(graph) == []


def test_enrich_has_one_subpackage_per_stage_with_many_files() -> None:
    enrich = PACKAGE / "enrich"
    for stage in ("timex", "quotes", "entities", "places"):
        assert (enrich / stage / "__init__.py").is_file(), stage
    flat = sorted(p.name for p in enrich.glob("*.py"))
    assert not [name for name in flat if "_" in name.removesuffix(".py").strip("_")], flat


def _word_lists() -> list[tuple[str, frozenset[str]]]:
    """Every word list written as a string literal split on spaces, with its module."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "split"
                and isinstance(node.func.value, ast.Constant)
                and isinstance(node.func.value.value, str)
            ):
                found.append((_module_name(path), frozenset(node.func.value.value.split())))
    return found


def test_one_stop_word_list() -> None:
    from storyline.stopwords import stop_words

    spacy_like = frozenset("the and of was were which whom whose through because".split())
    holders = sorted(module for module, words in _word_lists() if len(words & spacy_like) >= 6)
    assert holders == [], holders  # the list is spaCy's, extended in storyline.stopwords
    assert spacy_like <= stop_words()
    assert {"said", "according", "monday", "yesterday"} <= stop_words()


def test_one_country_alias_table() -> None:
    holders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = {
                    k.value.lower()
                    for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
                if {"britain", "burma", "holland"} <= keys:
                    holders.append(_module_name(path))
    assert holders == ["storyline.enrich.places.gazetteer"]
    from storyline.enrich.entities.aliases import country_code

    assert country_code("britain") == "GB"
    assert country_code("soviet union") == "RU"
