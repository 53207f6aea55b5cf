"""tsjit's modules import each other one way: no import cycles, and no import from a lower layer
into a higher one (per LAYERS). Imports inside functions count too, except for the cycle check."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tsjit"

#: Lowest first. A module belongs to the layer of its longest matching prefix.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base: dtypes, numpy helpers, atomic files, locks", ("tsjit.dtypes", "tsjit.kernels", "tsjit.runtime",
                                                         "tsjit.version", "tsjit.atomic_files", "tsjit.keyed_locks",
                                                         "tsjit.threads", "tsjit.user_warnings")),
    ("op definitions", ("tsjit.ops",)),
    ("eager library", ("tsjit.eager", "tsjit.nn", "tsjit.testing")),
    ("IR: dialects, diagnostics, pipelines", ("tsjit.dialects", "tsjit.ir")),
    ("lowering rules, rewrites, interpreter, printer", ("tsjit.lowering", "tsjit.rewrites", "tsjit.backends.numpy",
                                                        "tsjit.backends.signature", "tsjit.printer")),
    ("passes", ("tsjit.passes",)),
    ("compiling backends", ("tsjit.backends",)),
    ("frontends: script, trace", ("tsjit.frontend",)),
    ("jit: ScriptModule, freeze, fusion, save/load", ("tsjit.jit",)),
    ("compile and export", ("tsjit.compiler", "tsjit.compiled", "tsjit.compile_cache", "tsjit.compile_disk_cache")),
    ("importers", ("tsjit.frontend.importers",)),
    ("tools", ("tsjit.tools",)),
    ("facade", ("tsjit",)),
]


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


def _imports(tree: ast.AST, nested: bool = False):
    """(import node, inside a function) for every import, TYPE_CHECKING blocks skipped."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, nested
        elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        else:
            yield from _imports(child, nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))


def edges() -> list[tuple[str, str, bool]]:
    """(importer, imported, at module level) between tsjit modules."""
    mods = _modules()
    out = []
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, nested in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for target in targets:
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    out.append((name, target, not nested))
    return out


def layer(module: str) -> int:
    matches = [(len(p), i) for i, (_, prefixes) in enumerate(LAYERS) for p in prefixes
               if module == p or module.startswith(p + ".")]
    return max(matches)[1]


def test_no_module_level_import_cycles():
    graph: dict[str, set[str]] = {}
    for a, b, top in edges():
        if top:
            graph.setdefault(a, set()).add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles:\n" + "\n".join(", ".join(c) for c in cycles)


def test_imports_point_down_the_layers():
    upward = sorted({f"{a} -> {b}{'' if top else ' (in a function)'}  [{LAYERS[layer(a)][0]} -> {LAYERS[layer(b)][0]}]"
                     for a, b, top in edges() if layer(b) > layer(a)})
    assert not upward, "imports into a higher layer:\n" + "\n".join(upward)


def test_every_module_has_a_layer():
    assert all(layer(m) >= 0 for m in _modules())
