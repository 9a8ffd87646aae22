"""One calling convention: every service takes the ``Casework`` context first (``service/casework.py``).

A page, an API route, a command or a worker holds a ``Casework`` and passes it on; the service opens its
own transaction from ``casework.db`` and hands the session only to the helpers it calls inside it. So no
service takes a database or the whole runtime, and the entry layers never reach for the database
themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICE_AREAS = ("accounts", "builtin_workers", "cases", "data_protection", "history", "notifications",
                 "observability", "people", "processes", "tasks", "packs")
ENTRY_LAYERS = ("service/views", "service/api", "service/engine_rest", "service/auth", "service/packs")
ENTRY_MODULES = ("service/cli.py", "service/cli_groups.py", "service/cli_operations.py", "service/cli_people.py",
                 "service/worker.py", "service/worker_supervisor.py")


def _service_modules():
    for area in SERVICE_AREAS:
        yield from sorted((ROOT / "service" / area).rglob("*.py"))
    yield ROOT / "service" / "heartbeat.py"


def _functions(path: Path):
    for node in ast.parse(path.read_text(), str(path)).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _annotation(arg: ast.arg) -> str:
    return ast.unparse(arg.annotation) if arg.annotation is not None else ""


def test_no_service_takes_a_database_or_the_runtime():
    bad = []
    for path in _service_modules():
        for fn in _functions(path):
            for arg in fn.args.args + fn.args.kwonlyargs:
                if arg.arg in ("db", "runtime") or _annotation(arg) in ("Database", "Runtime"):
                    bad.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}({arg.arg})")
    assert bad == []


def test_the_casework_always_comes_first():
    bad = []
    for path in _service_modules():
        for fn in _functions(path):
            params = fn.args.args + fn.args.kwonlyargs
            for position, arg in enumerate(params):
                if (arg.arg == "casework" or _annotation(arg) == "Casework") and position != 0:
                    bad.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}")
    assert bad == []


def test_the_write_paths_are_functions_of_the_casework_not_its_methods():
    casework = ast.parse((ROOT / "service" / "casework.py").read_text())
    (cls,) = [node for node in casework.body if isinstance(node, ast.ClassDef)]
    assert [node for node in cls.body if isinstance(node, ast.FunctionDef)] == []


def _entry_files():
    for folder in ENTRY_LAYERS:
        yield from sorted((ROOT / folder).rglob("*.py"))
    for name in ENTRY_MODULES:
        if (ROOT / name).exists():
            yield ROOT / name


# What an entry module may do with the database object itself: operate it (grant roles on its engine, close
# its connections before a restore or a fork), never read or write through it.
OPERATING = {"engine", "dispose"}


def _reaches_for_the_database(path: Path) -> list[int]:
    """Lines where a page, route, command or worker takes ``.db`` from the runtime or the casework to read,
    write or hand on."""
    tree = ast.parse(path.read_text(), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "db":
            parent = parents.get(node)
            if not (isinstance(parent, ast.Attribute) and parent.attr in OPERATING):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", [p for p in _entry_files() if "/packs/" not in p.as_posix()
                                  or "/web/" in p.as_posix()], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_entry_layers_hand_the_casework_on_and_never_take_its_database(path):
    lines = _reaches_for_the_database(path)
    assert lines == [], f"{path.relative_to(ROOT)} takes the database itself at lines {lines}"
