"""The layers import the right way: ``workflows/`` never imports ``service/``; the platform never imports
a pack (it asks ``service.packs.registry``); only ``service.packs.installed`` imports the packs, and only
the runtime's composition root imports that."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "service" / "packs"
COMPOSITION_ROOT = "service/runtime.py"


def _modules(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), _imports(path)


def _imports(path: Path) -> set[str]:
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


def test_only_the_composition_root_installs_the_packs():
    importers = [path for path, names in _modules(ROOT / "service") if "service.packs.installed" in names]
    assert importers == [COMPOSITION_ROOT]


def test_packs_do_not_import_each_other():
    packs = _pack_packages()
    for pack in packs:
        folder = ROOT / pack.replace(".", "/")
        for path, names in _modules(folder):
            others = sorted(n for n in names if any(n.startswith(p) for p in packs - {pack}))
            assert others == [], path
