"""The English catalogue: complete, faithful to its placeholders, and used.

Chinese is the source language. Every string the program shows goes
through ``_()``; ``branchtui.i18n_en.CATALOG`` maps each of them to English.
The keys are found in the source with ``ast``, so a new Chinese string
without a translation fails here.
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "branchtui"
TODAY_ARG = "2026-11-27"
HAN = re.compile(r"[\u3400-\u9fff]")
HAN_RUN = re.compile(r"[\d.]*[\u3400-\u9fff]+[\d.]*[\u3400-\u9fff]*")

# Parameters whose string argument is passed through ``_()`` by the callee
# (the parsers translate ``label``; forms translate titles and placeholders).
TRANSLATED_PARAMS = {"label", "title", "placeholder"}
# Modules whose Chinese constants are data, not interface: the demo towns,
# the schema and its seed rows; the column headings offices write, which
# the import recognises.
NOT_INTERFACE = ("demo", "store/", "io/columns.py")  # io/columns.py: headings read from files


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            for path in sorted(PACKAGE.rglob("*.py")) if path.name != "i18n_en.py"]


def _is_str(node) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _where(path: Path, node) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


@lru_cache(maxsize=None)
def gettext_literals() -> dict[str, str]:
    """Every ``_("…")`` literal in branchtui/, with where it first appears."""
    found: dict[str, str] = {}
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and _is_str(node.args[0])):
                found.setdefault(node.args[0].value, _where(path, node))
    return found


def _signatures(tree: ast.Module) -> dict[str, list[str]]:
    """Parameter names of the functions and classes a module defines (self dropped)."""
    out: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.setdefault(node.name, [a.arg for a in node.args.posonlyargs + node.args.args
                                       + node.args.kwonlyargs])
        elif isinstance(node, ast.ClassDef):
            init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
            if init is not None:
                out[node.name] = [a.arg for a in init.args.args[1:] + init.args.kwonlyargs]
            else:  # a dataclass: its fields, in order
                out[node.name] = [n.target.id for n in node.body
                                  if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
    return out


@lru_cache(maxsize=None)
def runtime_literals() -> dict[str, str]:
    """Chinese literals that reach ``_()`` at run time rather than as its argument:

    - arguments (and defaults) of parameters named label/title/placeholder:
      the field labels of the parsers, of ``Collector.take(key, parser, …)``,
      of FieldSpec and of the small form helpers;
    - NEW_TITLE / EDIT_TITLE of the forms;
    - in domain/ and tui/, string constants assigned to a name, and those in
      literal tuples, lists, sets and dicts (states, genders, method names,
      column labels …), which the screens translate by value.
    """
    modules = _modules()
    everywhere: dict[str, list[str]] = {}
    for _path, tree in modules:
        for name, params in _signatures(tree).items():
            everywhere.setdefault(name, params)
    found: dict[str, str] = {}

    def add(node, path):
        if _is_str(node) and HAN.search(node.value):
            found.setdefault(node.value, _where(path, node))

    def bind(params, args, keywords, path):
        for name, arg in zip(params, args):
            if name in TRANSLATED_PARAMS:
                add(arg, path)
        for kw in keywords:
            if kw.arg in TRANSLATED_PARAMS:
                add(kw.value, path)

    for path, tree in modules:
        local = {**everywhere, **_signatures(tree)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.posonlyargs + node.args.args
                for arg, default in zip(args[len(args) - len(node.args.defaults):], node.args.defaults):
                    if arg.arg in TRANSLATED_PARAMS:
                        add(default, path)
                for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
                    if arg.arg in TRANSLATED_PARAMS and default is not None:
                        add(default, path)
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                if name == "take" and len(node.args) >= 2:  # Collector.take(key, parser, *args)
                    parser = node.args[1]
                    parser = parser.id if isinstance(parser, ast.Name) else getattr(parser, "attr", None)
                    if parser in local:
                        bind(local[parser], node.args[2:], node.keywords, path)
                elif name in local:
                    bind(local[name], node.args, node.keywords, path)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("NEW_TITLE", "EDIT_TITLE") for t in node.targets):
                add(node.value, path)

        relative = path.relative_to(PACKAGE).as_posix()
        if any(part in relative for part in NOT_INTERFACE):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                add(node.value, path)
            elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                for element in node.elts:
                    add(element, path)
            elif isinstance(node, ast.Dict):
                for element in node.keys + node.values:
                    add(element, path)
    return found


def _fields(text: str) -> list[tuple[str, str, str]]:
    """The replacement fields of a format string: (name, conversion, spec)."""
    return sorted((name, conversion or "", spec or "")
                  for _literal, name, spec, conversion in string.Formatter().parse(text) if name is not None)


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    from branchtui.i18n_en import CATALOG

    return CATALOG


# ------------------------------------------------------------------ the catalogue


def test_extraction_finds_the_strings():
    """A guard on the guard: the ast walk really sees the program's strings."""
    literals, runtime = gettext_literals(), runtime_literals()
    assert len(literals) > 300
    for known in ("帮助", "{label}不能为空", "{wan:.1f}万元"):
        assert known in literals
    for known in ("出生日期", "入党日期", "贷款金额", "日期", "姓名", "新增党员", "如 2002年7月1日",
                  "男", "女", "正常", "转出", "去世", "还款中", "核销", "等额本息", "逾期1-30天",
                  "新建", "完好", "达标", "不达标", "是", "否"):
        assert known in runtime, known


def test_every_gettext_literal_is_translated(catalog):
    missing = {text: where for text, where in gettext_literals().items() if text not in catalog}
    assert not missing, "untranslated _() strings:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in sorted(missing.items(), key=lambda kv: kv[1]))


def test_every_runtime_label_and_data_word_is_translated(catalog):
    missing = {text: where for text, where in runtime_literals().items() if text not in catalog}
    assert not missing, "untranslated labels, titles and data words:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in sorted(missing.items(), key=lambda kv: kv[1]))


def test_translations_keep_their_placeholders(catalog):
    wrong = {}
    for chinese, english in catalog.items():
        try:
            ok = _fields(chinese) == _fields(english)
        except ValueError as exc:  # an unbalanced brace
            ok, english = False, f"{english!r} ({exc})"
        if not ok:
            wrong[chinese] = english
    assert not wrong, "\n".join(f"  {k!r} -> {v!r}" for k, v in wrong.items())


def test_translations_are_english(catalog):
    """No Chinese left, except input examples the parsers accept (0.3万, 2002年7月1日)."""
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in catalog.items())
    chinese_left = {k: v for k, v in catalog.items()
                    if not v.strip() or any(run not in k for run in HAN_RUN.findall(v))}
    assert not chinese_left, chinese_left


def test_footer_keys_are_short(catalog):
    """Binding descriptions show in the footer at 80 columns: a word or two."""
    descriptions = set()
    for _path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding" and len(node.args) >= 3:
                description = node.args[2]
                if isinstance(description, ast.Call) and description.args and _is_str(description.args[0]):
                    descriptions.add(description.args[0].value)
    assert descriptions
    too_long = {d: catalog[d] for d in descriptions if d in catalog and len(catalog[d]) > 16}
    assert not too_long, too_long


def test_form_labels_fit(catalog):
    """Form labels sit in a 16-cell column (15 with its padding): 14 at most."""
    labels = set()
    for path, tree in _modules():
        if "forms" not in path.parts:
            continue
        helpers = {name: params for name, params in _signatures(tree).items() if "label" in params}
        helpers["FieldSpec"] = ["name", "label"]
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in helpers:
                for arg, default in zip(node.args.args[::-1], node.args.defaults[::-1]):
                    if arg.arg == "label" and _is_str(default):
                        labels.add(default.value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in helpers:
                bound = dict(zip(helpers[node.func.id], node.args))
                bound.update((kw.arg, kw.value) for kw in node.keywords)
                if _is_str(bound.get("label")):
                    labels.add(bound["label"].value)
    from branchtui.domain.registers import FIGURES

    labels |= {label for _key, label in FIGURES}
    assert len(labels) > 50
    too_long = {label: catalog[label] for label in labels if label in catalog and len(catalog[label]) > 14}
    assert not too_long, too_long


# ------------------------------------------------------------------ in use


def _env(home, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANCHTUI_")}
    env.update(XDG_DATA_HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), HOME=str(home),
               COLUMNS="120", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def _run(args, env, timeout=120):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env=env)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("i18n-home")


@pytest.fixture(scope="module")
def demo(home):
    path = home / "demo.db"
    done = _run(["-m", "branchtui", "demo", "--db", str(path), "--today", TODAY_ARG], _env(home))
    assert done.returncode == 0, done.stderr
    return path


def test_summary_in_english(home, demo):
    done = _run(["-m", "branchtui", "--lang", "en", "summary", "--db", str(demo), "--as-of", TODAY_ARG],
                _env(home))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for word in ("Branch", "Secretary", "Members", "Total"):
        assert word in out, out
    assert "合计" not in out and "概况" not in out and "书记" not in out, out


def test_schedule_in_english_from_the_environment(home):
    done = _run(["-m", "branchtui", "schedule", "--principal", "3000", "--rate", "5.31", "--months", "3",
                 "--start", TODAY_ARG], _env(home, BRANCHTUI_LANG="en"))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Equal installments" in out and "Principal" in out and "Total" in out, out
    assert not HAN.search(out), out


def test_schedule_errors_in_english(home):
    done = _run(["-m", "branchtui", "--lang", "en", "schedule", "--principal", "-5", "--rate", "5.31",
                 "--months", "3"], _env(home))
    assert done.returncode == 2
    assert "Loan amount" in done.stderr and not HAN.search(done.stderr), done.stderr


TUI_SCRIPT = """
    import asyncio, datetime, json, sys

    from branchtui.i18n import set_language

    set_language("en")
    from branchtui.store.db import open_database
    from branchtui.tui.app import BranchApp

    open_database(sys.argv[1])


    async def main():
        app = BranchApp(today=datetime.date(2026, 11, 27), keymap={})
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            figure = screen.query_one("#fig-branches")
            out = {
                "title": app.title,
                "figure_title": str(figure.border_title),
                "figure": str(figure.render()),
                "bindings": [b.binding.description for b in screen.active_bindings.values()],
                "columns": [str(c.label) for c in screen.query_one("#branch-table").columns.values()],
                "footer": [str(k.description) for k in screen.query("FooterKey")],
            }
            await pilot.press("f3")
            await app.workers.wait_for_complete()
            await pilot.pause()
            out["branches_bindings"] = [b.binding.description for b in app.screen.active_bindings.values()]
            out["branches_sub_title"] = app.screen.sub_title
        print(json.dumps(out, ensure_ascii=False))


    asyncio.run(main())
"""


def test_tui_in_english(home, demo, tmp_path):
    """In a subprocess: binding descriptions are evaluated when the screens are imported."""
    script = tmp_path / "tui_en.py"
    script.write_text(textwrap.dedent(TUI_SCRIPT), encoding="utf-8")
    done = _run([str(script), str(demo)], _env(home, TERM="xterm-256color"), timeout=180)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    bindings = out["bindings"]
    for word in ("Help", "Overview", "Branches", "Quit"):
        assert word in bindings, bindings
    assert out["figure_title"] == "Branch", out
    assert "8" in out["figure"], out
    assert "Branch" in out["columns"] and "Secretary" in out["columns"], out
    assert "Find" in out["branches_bindings"], out
    chinese = [text for text in [*bindings, *out["branches_bindings"], *out["columns"], *out["footer"],
                                 out["figure_title"], out["branches_sub_title"]] if HAN.search(text)]
    assert not chinese, chinese


# ------------------------------------------------------------------ the command line


def test_help_in_english(home):
    """The language is chosen before the parser is built, so --help is English."""
    done = _run(["-m", "branchtui", "--lang", "en", "--help"], _env(home))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Terminal dashboard" in out and "build the demo database" in out and "interface language" in out, out
    assert not HAN.search(out), out


@pytest.mark.parametrize("args, extra, expected", [
    (["schedule", "--help"], {"BRANCHTUI_LANG": "en"}, "loan amount"),
    (["user", "add", "--lang=en", "--help"], {}, "login name"),
    (["--lang", "en", "backup", "--help"], {"BRANCHTUI_LANG": "zh"}, "backup file or directory"),
])
def test_command_help_in_english(home, args, extra, expected):
    done = _run(["-m", "branchtui", *args], _env(home, **extra))
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout, done.stdout
    # the only Chinese left: an input example the parser accepts
    assert set(HAN_RUN.findall(done.stdout)) <= {"0.3万"}, done.stdout


def test_help_in_chinese_by_default(home):
    done = _run(["-m", "branchtui", "--help"], _env(home))
    assert done.returncode == 0, done.stderr
    assert "建立演示数据库" in done.stdout, done.stdout


def test_argument_errors_in_english(home, tmp_path):
    """A bad --today is refused by the parser itself, in the language asked for."""
    done = _run(["-m", "branchtui", "--lang", "en", "demo", "--db", str(tmp_path / "x.db"),
                 "--today", "2026-13-01"], _env(home))
    assert done.returncode == 2
    assert "not a real date" in done.stderr and not HAN.search(done.stderr), done.stderr
    assert not (tmp_path / "x.db").exists()


def test_maintenance_messages_in_english(home, tmp_path):
    done = _run(["-m", "branchtui", "--lang", "en", "restore", "--db", str(tmp_path / "x.db"),
                 str(tmp_path / "none.db")], _env(home))
    assert done.returncode == 1
    assert "Cannot restore" in done.stderr and "File not found" in done.stderr, done.stderr
    assert not HAN.search(done.stderr), done.stderr


# ------------------------------------------------------------------ data words in messages


@pytest.fixture
def english():
    # Imported before English is switched on, so nothing keeps an English string.
    from branchtui.domain import access, parse, targets  # noqa: F401
    from branchtui.domain.loans import service  # noqa: F401
    from branchtui.i18n import set_language

    set_language("en")
    try:
        yield
    finally:
        set_language("zh")


def test_word_lists_in_english(english):
    from branchtui.domain.access import _parse_role
    from branchtui.domain.errors import ValidationError
    from branchtui.domain.loans.service import parse_method
    from branchtui.domain.parse import parse_choice
    from branchtui.domain.targets import measure_label

    with pytest.raises(ValidationError) as info:
        parse_choice("x", ("待整改", "整改中", "已整改"), "status", "整改状态")
    assert str(info.value).endswith("To fix, Fixing, Fixed"), info.value
    with pytest.raises(ValidationError) as info:
        parse_method("x")
    assert "Equal installments, Equal principal" in str(info.value), info.value
    with pytest.raises(ValidationError) as info:
        _parse_role("x")
    assert "admin (Administrator), committee" in str(info.value), info.value
    assert measure_label("placements") == "Re-employed"
    for message in (str(info.value), measure_label("placements")):
        assert not HAN.search(message), message


def test_word_lists_in_chinese():
    from branchtui.domain.errors import ValidationError
    from branchtui.domain.parse import parse_choice

    with pytest.raises(ValidationError) as info:
        parse_choice("x", ("待整改", "整改中", "已整改"), "status", "整改状态")
    assert str(info.value) == "整改状态应为以下之一：待整改、整改中、已整改"
