"""The layers import the right way: ``workflows/`` never imports ``service/``; the platform never imports
a pack (it asks ``service.packs.registry``); only ``service.packs.installed`` imports the packs, and only
the runtime's composition root imports that; pages and the API read through services, never the DAO or a
session; the app, the API and the command line import without a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "service" / "packs"
# The runtime installs the packs; the migrations do too, for their tables (the installed product's schema).
COMPOSITION_ROOTS = ["service/migrations/env.py", "service/runtime.py"]

# What reads through services: the pages, both APIs and the command line.
READ_THROUGH_SERVICES = ("service/views", "service/api", "service/engine_rest", "service/cli*.py")
# The entry points, which build the app: nothing the app imports may import one of them, even lazily.
ENTRY_POINTS = {
    "service/__init__.py": "flask --app service",
    "service/app.py": "the app factory",
    "service/console.py": "the ubp script",
    "service/wsgi.py": "gunicorn",
    "service/local.py": "make run",
}


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), _imports(path)


def _imports(path: Path) -> set[str]:
    """Every absolute import in the module, at its top or inside a function (a lazy import is still a use)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _pack_packages() -> set[str]:
    return {f"service.packs.{p.name}" for p in PACKS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def test_workflows_never_imports_the_service_or_flask():
    bad = {path: sorted(n for n in names if n.split(".")[0] in {"service", "flask"})
           for path, names in _modules(ROOT / "workflows")}
    assert {path: names for path, names in bad.items() if names} == {}


def test_the_platform_never_imports_a_pack():
    packs = _pack_packages()
    assert "service.packs.unacceptable_behaviour" in packs
    bad = {}
    for path, names in _modules(ROOT / "service"):
        if path.startswith("service/packs/") and path != "service/packs/registry.py":
            continue  # a pack, or the list of installed packs
        found = sorted(n for n in names if any(n == p or n.startswith(p + ".") for p in packs))
        if found:
            bad[path] = found
    assert bad == {}


def test_the_workflows_package_imports_nothing_of_the_service_even_lazily():
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        text = path.read_text()
        assert "import service" not in text and "from service" not in text, path


def _reads_directly(path: Path) -> list[str]:
    found = sorted(n for n in _imports(path) if n == "service.dao" or n.startswith("service.dao."))
    text = path.read_text()
    found += [marker for marker in (".transaction(", ".reading(", "Session(", "sessionmaker") if marker in text]
    return found


def _reading_modules() -> list[Path]:
    """The platform's pages, both APIs and the command line, and each pack's own pages (its ``web`` package)."""
    paths = []
    for pattern in READ_THROUGH_SERVICES:
        paths += ROOT.glob(pattern) if pattern.endswith(".py") else (ROOT / pattern).rglob("*.py")
    return sorted([*paths, *PACKS.glob("*/web/**/*.py")])


def test_pages_the_apis_and_the_command_line_read_through_services_not_the_dao_or_a_session():
    paths = _reading_modules()
    assert {"service/cli.py", "service/engine_rest/tasks.py", "service/views/inbox.py"} <= {
        path.relative_to(ROOT).as_posix() for path in paths}
    assert any(path.parent.name == "web" for path in paths)  # the packs' pages are walked
    bad = {}
    for path in paths:
        name = path.relative_to(ROOT).as_posix()
        found = _reads_directly(path)
        if found:
            bad[name] = found
    assert bad == {}


def test_the_api_and_the_pages_never_import_the_command_line():
    bad = {}
    for path in _reading_modules():
        if path.name.startswith("cli"):
            continue
        found = sorted(n for n in _imports(path) if n.split(".")[:2] == ["service", "cli"])
        if found:
            bad[path.relative_to(ROOT).as_posix()] = found
    assert bad == {}


def test_nothing_the_app_imports_imports_the_app_or_an_entry_point_back_even_lazily():
    """The app factory imports the blueprints and the commands; a module that imports the app (or the console
    script, or another entry point) back, at its top or inside a function, makes an import circle."""
    entry_modules = {name.removesuffix(".py").replace("/", ".") for name in ENTRY_POINTS
                     if not name.endswith("__init__.py")}
    assert {"service.app", "service.console"} <= entry_modules
    bad = {}
    for path, names in _modules(ROOT / "service"):
        found = sorted(n for n in names if any(n == m or n.startswith(m + ".") for m in entry_modules))
        if found and path not in ENTRY_POINTS:
            bad[path] = found
    assert bad == {}


def test_the_entry_points_named_exist():
    for name in ENTRY_POINTS:
        assert (ROOT / name).exists(), name


@pytest.mark.parametrize("module", ["service.app", "service.api", "service.cli", "service.console",
                                    "service.engine_rest", "service.runtime", "service.views"])
def test_each_entry_module_imports_on_its_own(module):
    """Imported first, in a fresh interpreter: an import circle shows up as a partly initialised module."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_only_the_composition_root_installs_the_packs():
    importers = [path for path, names in _modules(ROOT / "service") if "service.packs.installed" in names]
    assert sorted(importers) == COMPOSITION_ROOTS


def test_packs_do_not_import_each_other():
    packs = _pack_packages()
    for pack in packs:
        folder = ROOT / pack.replace(".", "/")
        for path, names in _modules(folder):
            others = sorted(n for n in names if any(n.startswith(p) for p in packs - {pack}))
            assert others == [], path


# The platform's write paths decide nothing by a policy's words: a pack's hooks do (service.packs.registry).
PLATFORM_WRITE_PATHS = ("service/cases/cases.py", "service/processes/deploy.py", "service/processes/case_events.py")


@pytest.mark.parametrize("name", PLATFORM_WRITE_PATHS)
def test_the_platform_write_paths_test_no_policy_words(name):
    code = [line for line in (ROOT / name).read_text().splitlines() if not line.lstrip().startswith(("#", '"'))]
    for word in ("appeal", "restriction", "UB-", "guardrails", "policy_records", "unacceptable_behaviour"):
        assert not [line for line in code if word in line], (name, word)
