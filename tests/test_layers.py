"""The layers as a checked contract, over every module (docs/architecture.md).

store/ ← domain/ ← tui/ and cli.py: every import in the package, including
those inside functions, is read with ``ast`` and checked against the rules;
import cycles between modules are listed. What breaks a rule today is listed
below with why, so that a new breach fails here and a mended one must be
struck off the list. And every domain/ and store/ module is imported in a
fresh interpreter to prove none of them loads a heavy or UI library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "branchtui"

# (importer, imported): why it is still there. Strike an entry when it is mended.
KNOWN_BREACHES = {
    ("branchtui.tui.background", "branchtui.store.db"):
        "run_db opens the worker's connection itself (issue 17: give domain/ a connection helper)",
    ("branchtui.tui.screens.loan_detail", "branchtui.store.models"):
        "the loan's events are queried in the screen (issue 17: a domain function returning dataclasses)",
}

# Import cycles (strongly connected modules) still there, each with why.
KNOWN_CYCLES = {
    frozenset({"branchtui.store.db", "branchtui.store.maintenance", "branchtui.store.migrate",
               "branchtui.store.models", "branchtui.store.users"}):
        "db opens migrate/maintenance lazily, and models re-imports users at its end (noqa: E402)",
    frozenset({"branchtui.domain.access", "branchtui.domain.audit"}):
        "save_audited calls access.check_write; access records refusals through audit",
    frozenset({"branchtui.domain.figures_cache", "branchtui.domain.summary"}):
        "the cache rebuilds summary's dataclasses by name",
    frozenset({"branchtui.tui.screens.loan_detail", "branchtui.tui.screens.loans"}):
        "loan_detail borrows loans.money(); loans opens loan_detail",
    frozenset({"branchtui.cli", "branchtui.commands.doctor", "branchtui.commands.maintenance",
               "branchtui.commands.ssh", "branchtui.commands.users"}):
        "a forced SSH command is parsed again with the CLI's own parser and dispatched by it",
    frozenset({"branchtui.tui.app", "branchtui.tui.palette"}):
        "the palette lists the app's areas; the app opens the palette",
    frozenset({"branchtui.io.imports", "branchtui.io.loan_import"}):
        "plan_import/apply_import hand the loans kind to loan_import, which reuses the row reader",
}

HEAVY = ("textual", "rich", "pypinyin", "openpyxl")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, known: set[str]) -> set[str]:
    """Modules of the package (or any top-level library) that ``path`` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if f"{node.module}.{alias.name}" in known)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    # Migrations are frozen history: they import peewee only, and never the package.
    return {name: _imports(path, known) for name, path in modules.items() if ".migrations." not in name}


def _layer(module: str) -> str | None:
    for layer in ("store", "domain", "tui"):
        if module == f"branchtui.{layer}" or module.startswith(f"branchtui.{layer}."):
            return layer
    return None


def _breaches(graph) -> set[tuple[str, str]]:
    out = set()
    for importer, imported in ((a, b) for a, targets in graph.items() for b in targets):
        src, dst = _layer(importer), _layer(imported)
        top = imported.split(".")[0]
        if src in ("store", "domain") and top in ("textual", "rich"):
            out.add((importer, imported))
        elif src == "store" and dst in ("domain", "tui"):
            out.add((importer, imported))
        elif src == "domain" and dst == "tui":
            out.add((importer, imported))
        elif src == "tui" and dst == "store":
            out.add((importer, imported))
    return out


def _cycles(graph) -> set[frozenset[str]]:
    """Strongly connected sets of more than one module (Tarjan, iteratively)."""
    edges = {a: {b for b in targets if b in graph and b != a} for a, targets in graph.items()}
    index, low, on_stack, stack, out = {}, {}, set(), [], set()
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.add(frozenset(component))
    return out


def test_every_module_is_read():
    graph = _graph()
    assert "branchtui.domain.audit" in graph and "branchtui.tui.app" in graph
    assert "branchtui.store.db" in graph["branchtui.domain.audit"]


def test_layer_rules():
    """domain/ and store/ never import textual or rich; store/ never imports
    domain/ or tui/; domain/ never imports tui/; tui/ talks to domain/ only."""
    breaches = _breaches(_graph())
    new = sorted(breaches - set(KNOWN_BREACHES))
    mended = sorted(set(KNOWN_BREACHES) - breaches)
    assert new == [], "imports across the layers' rules"
    assert mended == [], "mended: strike these from KNOWN_BREACHES"


def test_import_cycles():
    cycles = _cycles(_graph())
    new = [sorted(c) for c in cycles - set(KNOWN_CYCLES)]
    mended = [sorted(c) for c in set(KNOWN_CYCLES) - cycles]
    assert new == [], "new import cycles"
    assert mended == [], "changed or broken: update KNOWN_CYCLES"


def test_domain_and_store_modules_import_light():
    """Every module of domain/ and store/ (not a chosen few) imports without
    loading textual, rich, pypinyin or openpyxl."""
    names = sorted(name for name in _modules()
                   if _layer(name) in ("domain", "store") and ".migrations." not in name)
    script = (f"import importlib, sys\n"
              f"for name in {names!r}:\n"
              f"    importlib.import_module(name)\n"
              f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert len(names) > 30
