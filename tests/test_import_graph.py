"""No circular imports: the import graph of the project's packages has no cycle.

Every import statement counts, those inside functions included (a lazy import back is still a circle, only
one that bites later), and so do imports under `if TYPE_CHECKING:`. `from a import b` is an edge to the
module `a.b` when there is one, otherwise to `a` (its `__init__`); `import a.b` is an edge to `a.b`. The
parent packages' `__init__` that Python runs on the way are not counted as edges: a package whose
`__init__` imports its own submodules is not a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("capfilt", "models", "pipelines", "schemas")


def project_modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def deepest_module(name: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of a dotted name that is one of our modules (None: another project's)."""
    parts = name.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    return ".".join(parts) or None


def import_targets(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(deepest_module(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                name = f"{base}.{alias.name}"
                targets.add(name if name in modules else deepest_module(base, modules))
    return targets - {None, module}


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    modules = project_modules(root, packages)
    return {module: import_targets(module, path, modules) for module, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import cycle per strongly connected component of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while node not in component:
                component.add(stack.pop())
            on_stack.difference_update(component)
            if len(component) > 1:
                found.append(cycle_through(graph, component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def cycle_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """The shortest import path inside a component from its first module back to itself."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for target in sorted(graph[node] & component):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                frontier.append(target)
    raise AssertionError(f"no cycle through {sorted(component)}")


def test_no_module_imports_a_module_that_imports_it():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_graph_sees_the_engine_imports():
    # The registry imports both engines; the fast engine builds on the reference one; neither imports back.
    graph = import_graph()
    assert "capfilt.curate.engines.fast.captioner" in graph["capfilt.curate.engines.registry"]
    assert "capfilt.curate.engines.reference.captioner" in graph["capfilt.curate.engines.fast.captioner"]
    assert "capfilt.curate.engines.interfaces" in graph["capfilt.curate.engines.reference.filter"]
    assert not any("registry" in target for target in graph["capfilt.curate.engines.fast.captioner"])


def test_a_lazy_import_back_is_a_cycle(tmp_path):
    # The shape this test exists for: a module importing, inside a function, a module that imports it.
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from pkg import plain\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "plain.py").write_text("import os\n")
    (package / "base.py").write_text("def load():\n    from .sub.engine import Engine\n    return Engine\n")
    (package / "sub" / "engine.py").write_text("from ..base import load\n\nclass Engine: ...\n")
    (package / "user.py").write_text("import pkg.sub.engine\nfrom pkg import base, plain\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.user"] == {"pkg.sub.engine", "pkg.base", "pkg.plain"}
    assert graph["pkg"] == {"pkg.plain"} and graph["pkg.plain"] == set()
    assert cycles(graph) == [["pkg.base", "pkg.sub.engine", "pkg.base"]]


def imported_names(path: Path) -> set[str]:
    """Every absolute dotted name a file imports (lazy imports included), relative imports left out."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def layer_violations(root: Path = ROOT) -> list[str]:
    """The import rules of docs/architecture.md's layout table, as (file, name) breaches."""
    from_capfilt = ("capfilt.images", "capfilt.flags", "capfilt.threads")
    found = []
    for path in sorted(root.glob("*/**/*.py")):
        package = path.relative_to(root).parts[0]
        if package not in PACKAGES:
            continue
        for name in sorted(imported_names(path)):
            top = name.split(".")[0]
            breach = (
                (package != "pipelines" and top == "pipelines")
                or (package in ("capfilt", "models", "schemas") and top == "apache_beam")
                or (package == "capfilt" and top == "models")
                or (package == "schemas" and top in ("capfilt", "models", "torch", "transformers"))
                or (package == "models" and top == "capfilt" and not name.startswith(from_capfilt))
            )
            if breach:
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


def test_each_layer_imports_only_what_it_may():
    assert not layer_violations(), "\n".join(layer_violations())


def test_the_layer_check_sees_a_breach(tmp_path):
    # A capfilt module importing models would break the layering: the check must name it.
    (tmp_path / "capfilt").mkdir()
    (tmp_path / "capfilt" / "bad.py").write_text("def f():\n    from models.training import loop\n")
    assert layer_violations(tmp_path) == ["capfilt/bad.py imports models.training.loop"]
