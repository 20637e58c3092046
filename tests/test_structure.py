"""The code's shape: no import cycle between the modules of pipelines/ and dashboard/, and
no file too long to read.

Imports are read with ``ast``, not run. An import inside a function counts like one at
the top of the module: moving an import into a function hides a cycle, it does not
remove it. (A function may still import late to save start-up time, as long as the
module it imports does not lead back.)
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

PACKAGES = ("pipelines", "dashboard")
MAX_LINES = 400


def project_sources() -> dict[str, tuple[str, bool]]:
    """Every module of the packages: its text, and whether it is a package's __init__."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = (path.read_text(encoding="utf-8"), path.name == "__init__.py")
    return found


def _named(
    node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]
) -> list[str]:
    """The project modules an import statement loads: ``from a import b`` is module
    ``a.b`` when there is one, else ``a``; a relative import is resolved first."""
    if isinstance(node, ast.Import):
        wanted = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        wanted = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
            for alias in node.names
        ]
    found = []
    for name in wanted:
        while name not in known and "." in name:  # `import a.b.func`-like: the module
            name = name.rsplit(".", 1)[0]
        if name in known and name != module:
            found.append(name)
    return found


def imports(sources: dict[str, tuple[str, bool]]) -> dict[str, dict[str, tuple[int, bool]]]:
    """Each module's imports of the others: target → (line, inside a function)."""
    known = set(sources)
    graph: dict[str, dict[str, tuple[int, bool]]] = {}
    for module, (text, is_package) in sources.items():
        edges: dict[str, tuple[int, bool]] = {}

        def visit(
            node: ast.AST, late: bool, module=module, is_package=is_package, edges=edges
        ) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    continue  # read by type checkers only, never run
                if isinstance(child, ast.Import | ast.ImportFrom):
                    for target in _named(child, module, is_package, known):
                        edges.setdefault(target, (child.lineno, late))
                visit(
                    child,
                    late or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda),
                )

        visit(ast.parse(text), False)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, dict]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def describe(group: list[str], graph: dict[str, dict]) -> str:
    lines = []
    for module in group:
        for target, (line, late) in graph[module].items():
            if target in group:
                where = "inside a function" if late else "at the top"
                lines.append(f"{module}:{line} imports {target} ({where})")
    return "; ".join(lines)


def test_no_import_cycle_between_modules():
    graph = imports(project_sources())
    assert len(graph) > 100  # every module was read
    found = cycles(graph)
    assert found == [], "import cycles: " + " | ".join(describe(g, graph) for g in found)


def test_a_cycle_hidden_in_a_function_is_a_cycle_and_a_type_checking_import_is_not():
    given = {
        "pipelines.a": ("from pipelines import b\n", False),
        "pipelines.b": ("def later():\n    from pipelines import a\n", False),
        "pipelines.c": (
            "import typing\nif typing.TYPE_CHECKING:\n    from pipelines import a\n",
            False,
        ),
        "pipelines": ("", True),
    }
    graph = imports(given)
    assert graph["pipelines.b"] == {"pipelines.a": (2, True)}
    assert graph["pipelines.c"] == {}
    assert cycles(graph) == [["pipelines.a", "pipelines.b"]]
    assert "pipelines.b:2 imports pipelines.a (inside a function)" in describe(
        ["pipelines.a", "pipelines.b"], graph
    )
    assert cycles(imports({**given, "pipelines.b": ("", False)})) == []


def test_relative_and_dotted_imports_name_the_module():
    known = {"pipelines.sample", "pipelines.sample.model", "pipelines.sample.files"}
    [relative] = ast.parse("from .model import cat").body
    [absolute] = ast.parse("from pipelines.sample import files, generate").body
    [dotted] = ast.parse("import pipelines.sample.model.cat").body
    assert _named(relative, "pipelines.sample.files", False, known) == ["pipelines.sample.model"]
    assert _named(relative, "pipelines.sample", True, known) == ["pipelines.sample.model"]
    assert _named(absolute, "pipelines.sample.model", False, known) == [
        "pipelines.sample.files",
        "pipelines.sample",
    ]
    assert _named(dotted, "pipelines.sample", True, known) == ["pipelines.sample.model"]


@pytest.mark.parametrize("package", (*PACKAGES, "tests", "benchmarks"))
def test_no_file_over_400_lines(package):
    long = {
        path.relative_to(ROOT).as_posix(): n
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these along their seams: {long}"
