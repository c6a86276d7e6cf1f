"""The floors of ARCHITECTURE.md, kept true: an app imports only apps on lower floors, and the modules of
one app import each other at module level without a cycle.

The scan reads the source (no import is run): every `import` and `from ... import` in an app's modules,
at module level and inside functions, outside migrations and tests.
"""

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Lowest first. An app may import any app below it, never one above it or beside it.
FLOORS = [
    "portal",  # settings, the user, the site's pages, the audit trail, shared helpers
    "privacy",  # "My data", erasure, retention, consent; every app registers its part (<app>/privacy.py)
    "notifications",  # the one way out for mail and notices; apps register their event types
    "organisations",
    "consultations",
    "meetings",  # an agenda item may be about a consultation
    "actionplan",  # the plan's activities and dashboard draw on consultations and meetings
    "opendata",  # publishes what the apps below hold
]

# Imports that run up the floors today, each with its reason. Add to this list only with a reason; better,
# move the code to the floor it belongs on.
EXCEPTIONS = {
    # The development areas are the action plan's model, but a consultation is filed under one (a foreign
    # key since the area became a model), and the consultation forms list them.
    ("consultations.forms", "actionplan.models"),
    ("consultations.workspace", "actionplan.models"),
}

ROOT = Path(settings.BASE_DIR)


def _apps() -> dict[str, Path]:
    """The project's own apps (those whose code lives in this repository), by name."""
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            found[config.name] = path
    return found


def _modules(app: str, path: Path):
    for file in sorted(path.rglob("*.py")):
        parts = file.relative_to(path.parent).with_suffix("").parts
        if "migrations" in parts or "tests" in parts:
            continue
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        yield name, is_package, ast.parse(file.read_text(encoding="utf-8"), filename=str(file))


def _targets(node, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement reaches: `from a.b import c` gives `a.b.c` (a module or a name
    in `a.b`; the caller finds out which)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    return [f"{prefix}.{alias.name}" for alias in node.names]


def _is_type_checking(node) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(body):
    """The import statements that run when the module is imported (not those in functions, nor those
    only for type checkers)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, (ast.Try, ast.With)):
            yield from _module_level_imports(node.body)
            for handler in getattr(node, "handlers", []):
                yield from _module_level_imports(handler.body)
            yield from _module_level_imports(getattr(node, "orelse", []))
            yield from _module_level_imports(getattr(node, "finalbody", []))
        elif isinstance(node, ast.ClassDef):
            yield from _module_level_imports(node.body)


def _floor(name: str) -> int | None:
    top = name.split(".")[0]
    return FLOORS.index(top) if top in FLOORS else None


def _owner(name: str, known: set[str]) -> str:
    """The module a dotted name lives in: itself if it is a module, else the longest module prefix."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def test_every_app_has_a_floor():
    assert sorted(set(_apps()) - set(FLOORS)) == [], "add the new app to FLOORS (and to ARCHITECTURE.md)"


def test_no_import_runs_up_the_floors():
    found = []
    for app, path in _apps().items():
        for module, is_package, tree in _modules(app, path):
            for node in ast.walk(tree):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                for target in _targets(node, module, is_package):
                    floor = _floor(target)
                    if floor is None or target.split(".")[0] == app or floor < FLOORS.index(app):
                        continue
                    if any(module == m and (target + ".").startswith(t + ".") for m, t in EXCEPTIONS):
                        continue
                    found.append(f"{module}:{node.lineno} imports {target}")
    assert found == [], "imports that run up (or across) the floors of ARCHITECTURE.md:\n" + "\n".join(found)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return result


def test_no_import_cycle_inside_an_app_at_module_level():
    found = []
    for app, path in _apps().items():
        modules = {module: (is_package, tree) for module, is_package, tree in _modules(app, path)}
        graph = defaultdict(set)
        for module, (is_package, tree) in modules.items():
            for node in _module_level_imports(tree.body):
                for target in _targets(node, module, is_package):
                    owner = _owner(target, set(modules))
                    if owner and owner != module:
                        graph[module].add(owner)
        found += [" <-> ".join(cycle) for cycle in _cycles(graph)]
    assert found == [], "module-level import cycles inside an app:\n" + "\n".join(found)
