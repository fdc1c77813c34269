"""No import circles in the package (issue 15 §2): each module imports only modules below it.

The graph is built from the source with ``ast``: every ``import`` / ``from … import`` of a gridlaw
module, at module level or inside a function, and under ``if TYPE_CHECKING`` too (a module that names
another's types depends on it). A package's ``__init__`` is the facade above its modules: importing
``gridlaw.x`` runs ``gridlaw/__init__.py`` first, but that file only re-exports lazily, so the edge
from a module to its parent package is not counted. Nothing is excluded: a circle anywhere in
``engine/`` (the audit included) fails with the modules that form it."""
from __future__ import annotations

import ast
from pathlib import Path

PKG = "gridlaw"
ROOT = Path(__file__).resolve().parents[1] / "engine"


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join([PKG, *parts])] = path
    return out


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in mods else target for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                while t not in mods and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t in mods and t != name and t.startswith(PKG):
                    deps.add(t)
        graph[name] = deps
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_the_import_graph_has_no_circles():
    found = circles(import_graph())
    assert not found, "import circles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_the_graph_sees_a_circle_when_there_is_one():
    graph = import_graph()
    assert "gridlaw.loader" in graph["gridlaw.program"] and "gridlaw.program" in graph["gridlaw.evaluate"]
    graph["gridlaw.loader"] = graph["gridlaw.loader"] | {"gridlaw.evaluate"}   # evaluate → program → loader → evaluate
    assert any({"gridlaw.loader", "gridlaw.evaluate", "gridlaw.program"} <= set(c) for c in circles(graph))


# The surfaces (docs/architecture.md): they bring acts in and answers out and may use one another; every
# other module lies below them all and never imports the audit (issue 15 §2: act input once imported the
# audit's cell reader from engine/inputs.py, under checklist.py; that reading now sits in audit/actforms.py).
SURFACES = ("gridlaw", "gridlaw.cli", "gridlaw.api", "gridlaw.web")


def test_only_the_surfaces_import_the_audit():
    graph = import_graph()

    def surface(m: str) -> bool:
        return m in SURFACES or any(m.startswith(s + ".") for s in SURFACES if s != "gridlaw")

    below = {m: sorted(d for d in deps if d.startswith("gridlaw.audit"))
             for m, deps in graph.items() if not m.startswith("gridlaw.audit") and not surface(m)}
    assert not {m: d for m, d in below.items() if d}, below
    assert "gridlaw.audit.actforms" in graph["gridlaw.api"]      # the check surface reads written forms there
