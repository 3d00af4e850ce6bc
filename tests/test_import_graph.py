"""kafkaretry's import graph: no cycles, and renderers read only the facts of a run.

Every import counts, those under `if TYPE_CHECKING:` and inside functions included: a
cycle hidden behind either still ties two modules together. Importing `a.b.c` also runs
`a/__init__.py` and `a/b/__init__.py`; those implicit edges are not counted, as in
import-linter and pydeps, so a package may re-export its public surface.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kafkaretry"

# What a renderer may import from the model: the facts it shows, never the machinery.
RENDER_MAY_IMPORT_FROM_SIM = frozenset(
    {
        "kafkaretry.sim.events",
        "kafkaretry.sim.kraft.events",
        "kafkaretry.sim.kraft.views",
        "kafkaretry.sim.kraft.shutdown_events",
        "kafkaretry.sim.trace",
        "kafkaretry.sim.snapshot",
        "kafkaretry.sim.analysis",
        "kafkaretry.sim.analysis.model",
    }
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The kafkaretry modules that `module` imports, resolved to modules (not names)."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if candidate in known:
                    out.add(candidate)  # `from pkg import module`
                elif base in known:
                    out.add(base)  # `from module import name`
    out.discard(module)
    return out


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(name, path, known) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_relative_and_type_checking_imports_are_edges(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from kafkaretry.sim import trace\n"
    )
    path = tmp_path / "x.py"
    path.write_text(source)
    known = {"kafkaretry.sim.trace": path, "kafkaretry.sim": path}
    assert _imports("kafkaretry.sim.x", path, known) == {"kafkaretry.sim.trace"}


def test_no_import_cycle_anywhere_in_kafkaretry() -> None:
    assert _cycles(_graph()) == []


@pytest.mark.parametrize(
    "module", sorted(m for m in _modules() if m.startswith("kafkaretry.render"))
)
def test_renderers_import_only_the_facts_of_a_run(module: str) -> None:
    sim_imports = {m for m in _graph()[module] if m.startswith("kafkaretry.sim")}
    assert sim_imports <= RENDER_MAY_IMPORT_FROM_SIM


def test_sim_components_never_import_the_run_loop() -> None:
    graph = _graph()
    loop = {"kafkaretry.sim", "kafkaretry.sim.simulation"}
    offenders = sorted(
        name
        for name, imported in graph.items()
        if name.startswith("kafkaretry.sim.") and name not in loop and imported & loop
    )
    assert offenders == []
