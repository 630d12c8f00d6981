"""The import rules of docs/architecture.md hold, and its diagram is the code's.

Imports are read with ``ast`` from every module of ``src/framescore`` (those inside functions
too; those under ``if TYPE_CHECKING:`` are for annotations only and are left out); the
modules of ``framescore/cli/`` count as one node, ``cli``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "framescore"
DIAGRAM = ROOT / "docs" / "architecture.md"
#: The command line's side of the package: the library may import none of it.
CLI = {"cli", "__main__"}


def node(path: Path) -> str:
    """The diagram's name of a module file: ``cli`` for the package, else the module's."""
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    hidden = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test):
            hidden.update(id(m) for m in ast.walk(n))
    return [n for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom) and id(n) not in hidden]


def imported_names(path: Path, n: ast.Import | ast.ImportFrom) -> list[str]:
    """Absolute dotted names an import statement brings in (``from . import x`` as the
    module ``package.x``)."""
    if isinstance(n, ast.Import):
        return [a.name for a in n.names]
    if n.level:
        package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
        base = ".".join(package[: len(package) - (n.level - 1)])
        module = f"{base}.{n.module}" if n.module else base
    else:
        module = n.module or ""
    return [f"{module}.{a.name}" for a in n.names] + [module]


def modules() -> set[str]:
    return {node(p) for p in PACKAGE.rglob("*.py")} - {"__init__"}


def real_edges() -> set[tuple[str, str]]:
    known = modules()
    edges = set()
    for path in PACKAGE.rglob("*.py"):
        source = node(path)
        for n in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            for name in imported_names(path, n):
                parts = name.split(".")
                if (parts[0] == "framescore" and len(parts) > 1 and parts[1] in known
                        and parts[1] != source):
                    edges.add((source, parts[1]))
    return edges


def diagram_edges() -> set[tuple[str, str]]:
    text = DIAGRAM.read_text(encoding="utf-8")
    blocks = re.findall(r"^```imports\n(.*?)^```", text, flags=re.S | re.M)
    assert len(blocks) == 1, "docs/architecture.md needs one ```imports block"
    edges = set()
    for line in blocks[0].splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"(\w+) → (\w+)", line)
        assert match, f"not an 'a → b' line: {line!r}"
        edges.add((match[1], match[2]))
    return edges


def test_the_diagram_is_the_code():
    real, drawn = real_edges(), diagram_edges()
    assert not real - drawn, f"imports missing from docs/architecture.md: {sorted(real - drawn)}"
    assert not drawn - real, f"drawn, not imported: {sorted(drawn - real)}"


def test_no_library_module_imports_the_command_line():
    offending = sorted((a, b) for a, b in real_edges() if b in CLI and a not in CLI)
    assert not offending


def test_model_does_not_import_explain():
    assert ("model", "explain") not in real_edges()


def test_text_imports_no_other_framescore_module():
    """(Nothing but the two modules split off it, which import none.)"""
    edges = real_edges()
    assert {b for a, b in edges if a == "text"} <= {"_punkt", "furniture"}
    assert not [b for a, b in edges if a in {"_punkt", "furniture"}]


def test_the_import_graph_has_no_cycles():
    edges = real_edges()
    remaining = {m for edge in edges for m in edge}
    while remaining:  # peel off modules that import nothing left
        leaves = {m for m in remaining if not any(a == m and b in remaining for a, b in edges)}
        assert leaves, f"an import cycle among {sorted(remaining)}"
        remaining -= leaves


def test_the_parser_sees_relative_and_lazy_imports():
    """(The checks above mean something only if the parser finds imports of every kind.)"""
    edges = real_edges()
    assert ("model", "persist") in edges  # from . import persist
    assert ("explain", "render") in edges  # inside a method
    assert ("cli", "batch") in edges  # from .. import batch, inside a command
    assert ("render", "explain") not in edges  # only under TYPE_CHECKING
