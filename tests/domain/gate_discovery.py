"""Reading domain/ as source: which functions write, and which calls write
around the gate. Discovered from the code, so a new writer or a new bypass
is found the day it is added."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

from peewee import Model

import branchtui.domain

DOMAIN = Path(branchtui.domain.__file__).parent
GATE_MODULE = "branchtui.domain.audit"
# The gate's own helpers: a function reaching one of them writes.
GATE_CALLS = frozenset({"transaction", "save_audited", "delete_audited", "record", "save_named"})
# Called on a model class (or query) these write; on anything else they may not be ours.
MODEL_WRITES = frozenset({
    "insert", "insert_many", "insert_from", "update", "delete", "create", "replace", "replace_many",
    "bulk_create", "bulk_update", "get_or_create", "delete_by_id", "set_by_id", "truncate_table",
    "drop_table", "create_table", "create_tables", "drop_tables"})
# Only model instances have these.
INSTANCE_WRITES = frozenset({"save", "delete_instance"})
SQL_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "DROP", "ALTER", "CREATE", "TRUNCATE")


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(DOMAIN.rglob("*.py")):
        parts = path.relative_to(DOMAIN).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(("branchtui.domain",) + parts), path))
    return out


MODULE_NAMES = frozenset(name for name, _path in modules())


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _sql_text(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _sql_text(node.left)
    return ""


def bypasses(source: str, namespace: dict) -> list[tuple[int, str]]:
    """(line, call) of every model write in ``source`` that does not go through
    the gate; ``namespace`` resolves names to model classes."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        text = ast.unparse(node.func)
        if method in INSTANCE_WRITES:
            found.append((node.lineno, text))
        elif method in MODEL_WRITES:
            target = namespace.get(_root_name(node.func.value) or "")
            if inspect.isclass(target) and issubclass(target, Model):
                found.append((node.lineno, text))
        elif method in ("execute_sql", "raw") and node.args:
            if _sql_text(node.args[0]).lstrip().upper().startswith(SQL_WRITES):
                found.append((node.lineno, text))
    return found


def all_bypasses() -> list[str]:
    out = []
    for name, path in modules():
        if name == GATE_MODULE:
            continue
        module = importlib.import_module(name)
        for line, call in bypasses(path.read_text(encoding="utf-8"), vars(module)):
            out.append(f"{name}:{line}: {call}")
    return out


def _imports(tree: ast.Module, module_name: str) -> dict[str, tuple[str, str | None]]:
    """alias → (module, function or None for a module alias)."""
    package = module_name.rsplit(".", 1)[0]
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULE_NAMES:
                    out[alias.asname or alias.name] = (full, None)
                else:
                    out[alias.asname or alias.name] = (base, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name] = (alias.name, None)
    return out


def writers() -> list[str]:
    """"module.function" of every public function of domain/ that writes: its
    calls reach one of the gate's helpers, through any functions of domain/."""
    calls: dict[str, set[str]] = {}
    public = []
    for name, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = _imports(tree, name)
        local = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            key = f"{name}.{node.name}"
            targets = set()
            for call in ast.walk(node):
                if isinstance(call, ast.Name) and isinstance(call.ctx, ast.Load):
                    if call.id in local:
                        targets.add(f"{name}.{call.id}")
                    elif call.id in imports and imports[call.id][1]:
                        targets.add(".".join(imports[call.id]))
                elif isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name):
                    imported = imports.get(call.value.id)
                    if imported and imported[1] is None:
                        targets.add(f"{imported[0]}.{call.attr}")
            calls[key] = targets
            if name != GATE_MODULE and not node.name.startswith("_"):
                public.append(key)
    writing = {f"{GATE_MODULE}.{g}" for g in GATE_CALLS}
    changed = True
    while changed:
        changed = False
        for key, targets in calls.items():
            if key not in writing and targets & writing:
                writing.add(key)
                changed = True
    return sorted(key for key in public if key in writing)
