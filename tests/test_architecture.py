"""The house rules, checked on the source: sub-packages in data-flow order, imports one way, shells through the API.

Every import of every module of ``assistant`` is read from its syntax tree (function-level imports included) and
resolved to the module it names. The layers, in the order data flows through them:

    shared (errors, settings, schema, limits, digest) → text → speech → pipeline → store → search → evaluation → api → app

A module may import from its own layer and the layers before it, never after; the shells (``app``) may import only
the API, the shared modules and their own sub-package (the evaluation commands come through the API too).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
SHARED = {"assistant.errors", "assistant.settings", "assistant.schema", "assistant.limits", "assistant.digest"}
LAYERS = ["shared", "text", "speech", "pipeline", "store", "search", "evaluation", "api", "app"]
RANK = {name: i for i, name in enumerate(LAYERS)}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The assistant modules that ``path`` imports (``from .x import y`` counts as x.y when y is a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("assistant"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("assistant"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
    found.discard(name)
    return {m for m in found if m in modules}


def layer(module: str) -> str:
    if module in SHARED or module in ("assistant", "assistant.__main__"):
        return "shared"
    if module == "assistant.api":
        return "api"
    return module.split(".")[1]


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {m: imports_of(p, modules) for m, p in modules.items()}


def test_every_module_is_in_a_known_layer():
    for module in all_modules():
        assert layer(module) in RANK, f"{module} belongs to no layer: add it to one (tests/test_architecture.py)"


def test_imports_go_one_way():
    wrong = []
    for module, targets in graph().items():
        if module in ("assistant", "assistant.__main__"):
            continue  # the package's lazy exports and ``python -m assistant`` are entry points, not a layer
        for target in targets:
            if target == "assistant":
                continue
            if RANK[layer(target)] > RANK[layer(module)]:
                wrong.append(f"{module} → {target}")
    assert not wrong, "imports against the data flow: " + "; ".join(sorted(wrong))


def test_no_import_cycles():
    edges = {m: {t for t in ts if t != "assistant"} for m, ts in graph().items() if m != "assistant"}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend(path[path.index(nxt):] + [node, nxt] if nxt in path else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, path + [node]):
                return True
        state[node] = 2
        return False

    for start in sorted(edges):
        if state.get(start) is None and visit(start, []):
            break
    assert not cycle, "import cycle: " + " → ".join(cycle)


def test_shells_use_only_the_api():
    allowed_layers = {"app"}
    for module, targets in graph().items():
        if layer(module) != "app":
            continue
        outside = sorted(t for t in targets if t not in SHARED | {"assistant", "assistant.api"} and layer(t) not in allowed_layers)
        assert not outside, f"{module} goes around the API to {outside}"


def test_at_most_twelve_top_level_modules_and_no_shared_names():
    top = [p for p in PACKAGE.glob("*.py")]
    assert len(top) <= 12, sorted(p.name for p in top)
    names: dict[str, str] = {}
    for module in all_modules():
        leaf = module.rsplit(".", 1)[-1]
        if leaf == "__init__" or module.count(".") == 1 and (PACKAGE / leaf).is_dir():
            continue
        assert leaf not in names, f"two modules are called {leaf}: {names[leaf]} and {module}"
        names[leaf] = module


def test_every_sub_package_has_a_map():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.split()) >= 40, f"{init.parent.name}/__init__.py needs a map: what is inside, how data flows"
