"""The package's shape: no import cycle anywhere, no module past the house limit, SQL only in archive/,
a column named in one place (the registry)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "csto_crawler"
MAX_LINES = 400  # STYLE.md: modules split past about 400 lines
# SQL statements as they start in a string literal.
SQL_RE = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|PRAGMA|VACUUM|ALTER|DROP)\b")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_names(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    """Every csto_crawler module imported anywhere in a module: at its top, in a function, or only for
    type checking (a cycle hidden behind ``TYPE_CHECKING`` is still a cycle of the design)."""
    found: set[str] = set()
    base = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            prefix = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join([*prefix, *(node.module.split(".") if node.module else [])])
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, with each module's packages (their __init__ runs first)."""
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = imported_names(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py")
        for target in list(targets):
            parts = target.split(".")
            targets.update(".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) != name)
        graph[name] = {t for t in targets if t in MODULES and not name.startswith(t + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_anywhere_in_the_package() -> None:
    graph = import_graph()
    assert "csto_crawler.archive.store" in graph["csto_crawler.pipelines"]  # the graph sees real imports
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_longer_than_the_house_limit(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def sql_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return [text for text in texts if SQL_RE.match(text)]


def test_sql_lives_only_in_the_archive_package() -> None:
    outside = {
        name: found
        for name, path in MODULES.items()
        if not name.startswith("csto_crawler.archive") and (found := sql_literals(path))
    }
    assert outside == {}


def test_the_archive_column_of_the_counterpart_is_named_only_by_the_registry() -> None:
    """Other archive modules reach it through the registry (``tables.PAIRED_WITH``); the items fill it
    from their own field (``paired_url``, Column.attribute); ``csto extract`` names it as an export field."""
    spelled = {name for name, path in MODULES.items() if "counterpart_url" in path.read_text(encoding="utf-8")}
    assert spelled == {"csto_crawler.archive.tables", "csto_crawler.extraction"}


def test_every_data_file_of_the_package_ships_with_it() -> None:
    """The release's templates and the frozen schemas are read with importlib.resources: an installed
    package (not only a source tree) must hold them, so pyproject's package-data must name them."""
    import fnmatch
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["csto_crawler"]
    data = [
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    missing = [
        str(path.relative_to(PACKAGE))
        for path in data
        if not any(fnmatch.fnmatch(str(path.relative_to(PACKAGE)), pattern.replace("**/", "*")) for pattern in patterns)
    ]
    assert missing == []
    assert {"templates/release_readme.md", "templates/release_queries.toml", "archive/schema_history.sql"} <= {
        str(path.relative_to(PACKAGE)) for path in data
    }
