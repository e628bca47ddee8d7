"""Imports flow one way (issue 12): sources -> data -> analytics -> claims -> book, with no cycles.

Every ``import`` in the package is read from the source (module-level and inside functions
alike, since a lazy import still ties two modules together), resolved to a module of
``smallcaps``, and checked: no cycle between modules, and no module imports a floor above its own.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "lib" / "smallcaps"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PKG.rglob("*.py")}


@functools.cache
def _parsed(path: Path) -> tuple[str, tuple[ast.AST, ...]]:
    """The source of ``path`` and every node of its tree (read once for all the tests here)."""
    src = path.read_text()
    return src, tuple(ast.walk(ast.parse(src)))


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The smallcaps modules ``name`` imports (``from .x import y`` counts ``.x.y`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in _parsed(path)[1]:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("smallcaps"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("smallcaps"):
                continue
            subs = {f"{target}.{a.name}" for a in node.names} & known
            out.update(subs or {target})
    resolved = set()
    for m in out:
        while m not in known and "." in m:  # a name inside a module: the module
            m = m.rsplit(".", 1)[0]
        if m in known and m not in (name, "smallcaps"):  # the root package: the version and lazy re-exports
            resolved.add(m)
    return resolved


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {n: _imports(n, p, known) for n, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_reader_finds_the_imports(graph):
    assert "smallcaps.params" in graph["smallcaps.book.chapter"]
    assert "smallcaps.datasets" in graph["smallcaps.sources.french"]
    assert "smallcaps.claims.points" in graph["smallcaps.claims.rotation.review"]
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_import_cycles(graph):
    """Modules reading ``smallcaps.__version__`` import the root package, which re-exports
    ``evaluate`` lazily: the root is the facade, left out of the graph."""
    assert _cycles(graph) == []


#: Floors, lowest first; a module may import its own floor and those below.
FLOORS = [
    ("errors", "provenance", "catalog", "datasets", "display"),
    ("config", "net", "store", "stats", "plots"),
    ("sources", "snapshot"),
    ("data", "snapshot_dist", "params"),  # params parses the user files with the sources' parsers
    ("analytics",),
    ("claims", "inventory", "status"),
    ("sweep",),
    ("book",),
    ("cli", "__main__"),
]


def _floor(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package itself (smallcaps/__init__.py) sits above everything it re-exports
    top = parts[1]
    for i, names in enumerate(FLOORS):
        if top in names:
            return i
    raise AssertionError(f"{module} is on no floor: add it to FLOORS")


def test_imports_flow_one_way(graph):
    upward = []
    for src, targets in graph.items():
        fs = _floor(src)
        if fs is None or src == "smallcaps.book.params":  # the old name of smallcaps.params
            continue
        for t in targets:
            ft = _floor(t)
            if ft is not None and ft > fs:
                upward.append(f"{src} -> {t}")
    assert upward == []


# -- units: one factor, in the display layer ---------------------------------------------------------------

#: Multiplications by 100 that are not a decimal turned into percent: the Shiller spreadsheet's
#: date code (``1871.10`` -> month 10).
NOT_A_UNIT = {("sources/shiller.py", "v * 100")}


def _times_100(path: Path) -> list[str]:
    src, nodes = _parsed(path)

    def is100(n: ast.AST) -> bool:
        return isinstance(n, ast.Constant) and type(n.value) in (int, float) and n.value == 100

    found = []
    for node in nodes:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and (is100(node.left) or is100(node.right)):
            found.append(ast.get_source_segment(src, node) or f"line {node.lineno}")
    return found


def test_the_reader_of_units_finds_a_conversion(tmp_path):
    """The scan below finds ``100 * x`` and ``x * 100`` (so its empty answer means something)."""
    f = tmp_path / "m.py"
    f.write_text("a = 100 * x\nb = (y - 1) * 100.0\nc = 10 * x\nd = f'{100 * z:.1f}'\n")
    assert _times_100(f) == ["100 * x", "(y - 1) * 100.0", "100 * z"]
    assert _times_100(PKG / "sources" / "shiller.py") == ["v * 100", "v * 100"]


def test_decimals_become_percent_only_in_the_display_layer():
    """Issue 12: the scattered ``100 *`` conversions go; tables, figures and phrases call
    ``display.percent`` (the one place with the factor)."""
    left = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if rel == "display.py":
            continue
        for seg in _times_100(path):
            if not any(rel == f and s in seg for f, s in NOT_A_UNIT):
                left.append(f"{rel}: {seg}")
    assert left == []
