"""The rules of the layers, checked: the import-linter contracts in pyproject.toml
(`[tool.importlinter]`), no import cycle (a type-only import counts), which parts of
Whoosh each package may use, and what importing the library loads at run time.

The contracts read the static graph; the last tests run a real interpreter and look
at `sys.modules`, which is the only way to see that a deferred import defers.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

PACKAGES = ("search", "index")


def test_the_import_contracts_are_kept():
    lint = shutil.which("lint-imports")
    if lint is None:
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    run = subprocess.run(
        [lint, "--no-cache"], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_not_even_a_type_only_one():
    import grimp

    graph = grimp.build_graph(*PACKAGES, cache_dir=None)  # TYPE_CHECKING imports included
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    # A package's __init__ handing names on is not a cycle with its own modules.
    edges = {m: {o for o in out if not m.startswith(o + ".")} for m, out in edges.items()}
    assert _cycles(edges) == []


# Which of Whoosh's modules each part of the code may import; the longest prefix rules.
# Everything touching the searcher, matchers, collectors and scoring is in the backend
# packages; the query tree is Whoosh's query objects, so the query package builds them.
WHOOSH_ALLOWED: dict[str, set[str] | None] = {
    "search.whoosh": None,  # the backend: any of Whoosh
    "index.whoosh": None,  # the schema, analyzers, storage, parallel writer
    "search.query": {"whoosh.query", "whoosh.qparser", "whoosh.fields", "whoosh.analysis"},
    # Two query nodes bring their own matcher: NEAR in any order (Whoosh's unordered
    # span query), and `text:`, the paragraph's own words (a span filter).
    "search.query.near": {"whoosh.query", "whoosh.matching"},
    "search.query.body_only": {"whoosh.query", "whoosh.searching"},
    # Did-you-mean reads an analyzer's own tokenizer, to analyse only the words that
    # can be the term (search.spelling._candidate_words).
    "search.spelling": {"whoosh.analysis"},
}


def _module_name(path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _whoosh_imports(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "whoosh"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "whoosh":
                found |= {f"whoosh.{a.name}" for a in node.names}
            elif node.module.startswith("whoosh."):
                found.add(node.module)
    return found


def _allowed(module: str, imported: str) -> bool:
    rules = [p for p in WHOOSH_ALLOWED if module == p or module.startswith(p + ".")]
    if not rules:
        return False
    allowed = WHOOSH_ALLOWED[max(rules, key=len)]
    return allowed is None or any(imported == a or imported.startswith(a + ".") for a in allowed)


def test_whoosh_s_searching_machinery_is_used_only_in_the_backend_packages():
    wrong = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            module = _module_name(path)
            wrong += [f"{module}: {w}" for w in _whoosh_imports(path) if not _allowed(module, w)]
    assert wrong == []


def _loaded_after(statement: str) -> set[str]:
    probe = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))\n"
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return set(run.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "from search.engine import Engine",
        "import search.results, search.backend, search.query.plan",
        "from index.indexer import index_paths",
    ],
)
def test_the_library_loads_no_terminal_code(statement):
    loaded = _loaded_after(statement)
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich", "argparse")}


def test_the_engine_loads_no_backend_until_one_opens():
    # The engine names no backend: it is chosen and imported when an Engine opens,
    # and only then are Whoosh's fixes applied (search.whoosh.patches).
    loaded = _loaded_after("from search.engine import Engine")
    assert not {m for m in loaded if m.startswith("search.whoosh")}
