"""The house rules, read from the source: no import circle, libraries free of the web app.

Both tests read every `import` statement (at module level or inside a function, which is where
an import circle usually hides) without running anything. Importing `moderation.x` also runs
`moderation/__init__.py`; that implicit parent import is Python's, not the module's, so it is
not counted.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The project's own code; tests are left out (they may import anything).
SOURCES = ("moderation", "models", "bench", "wsgi.py")
WEB = ("flask", "flask_wtf", "werkzeug", "jinja2", "click", "itsdangerous", "gunicorn")
# Flask-free modules of the app package that the libraries may use.
PLAIN_HELPERS = ("moderation.markdown", "moderation.messages", "moderation.ratelimit")


def module_files() -> dict[str, Path]:
    """Every module of the project by dotted name."""
    found: dict[str, Path] = {}
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            parts = list(file.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = file
    return found


MODULES = module_files()


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


@cache
def imports(module: str) -> frozenset[str]:
    """The modules `module` names in its import statements: project modules when they are ours
    (`from a import b` is the module `a.b` when that file exists), else the top-level name."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, node)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & MODULES.keys()
            names.update(submodules or {base})
    return frozenset(name if name in MODULES else name.split(".")[0] for name in names)


def project_imports(module: str) -> set[str]:
    """The project modules `module` imports."""
    return {name for name in imports(module) if name in MODULES}


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of `graph` (node -> the nodes it imports), as a path ending where it starts."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for child in sorted(graph.get(node, ())):
            if cycle := visit(child):
                return cycle
        path.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def reachable(start: str) -> Iterator[str]:
    """`start` and every project module it imports, directly or through others."""
    seen = {start}
    stack = [start]
    while stack:
        module = stack.pop()
        yield module
        for name in project_imports(module) - seen:
            seen.add(name)
            stack.append(name)


def test_the_walk_sees_the_known_imports() -> None:
    # Guards the tests below against a walk that silently finds nothing.
    assert "moderation.pipeline.intake" in project_imports("moderation.pipeline")
    assert "moderation.language" in project_imports("moderation.pipeline.checks")
    assert "flask" in imports("moderation.extensions")
    assert "moderation.services" in project_imports("moderation")  # inside a function
    assert find_cycle({"a": {"b"}, "b": {"c", "d"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}}) is None


def test_no_import_circle() -> None:
    cycle = find_cycle({module: project_imports(module) for module in MODULES})
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize(
    "package",
    [
        "models",
        "moderation.language",
        "moderation.notifications",
        "moderation.pipeline",
        "moderation.spam",
    ],
)
def test_libraries_import_neither_flask_nor_the_app(package: str) -> None:
    libraries = {
        "models",
        "moderation.language",
        "moderation.notifications",
        "moderation.pipeline",
        "moderation.spam",
    }
    modules = [name for name in MODULES if name == package or name.startswith(f"{package}.")]
    assert modules
    for module in modules:
        for used in reachable(module):
            inside = used in PLAIN_HELPERS or any(
                used == library or used.startswith(f"{library}.") for library in libraries
            )
            assert inside, f"{module} reaches the app module {used}"
            web = sorted(imports(used) & set(WEB))
            assert not web, f"{module} reaches {used}, which imports {', '.join(web)}"


def test_the_wheel_lists_every_package() -> None:
    # The package list in pyproject.toml is explicit: a new package must be added to it, or the
    # installed site fails to import it (the wheel test shows that too, but only after a build).
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    for source in ("moderation", "models"):
        for init in (ROOT / source).rglob("__init__.py"):
            package = ".".join(init.parent.relative_to(ROOT).parts)
            assert package in listed, f"{package} is missing from [tool.setuptools] packages"
