"""Where the product's own files are: templates, forms, diagrams, built assets and migrations.

An installed wheel carries templates, forms and diagrams under ``service/bundled/`` (see
``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml); a source checkout keeps them
at the top of the repository. The bundled copy wins, so an installed package never reads whatever
happens to sit in the current directory. Settings may point elsewhere (FORMS_DIR, BPMN_DIR), and
those paths are validated at start-up.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "bundled"
SOURCE_ROOT = PACKAGE.parent
STATIC = PACKAGE / "static"
MIGRATIONS = PACKAGE / "migrations"


class ResourceMissing(RuntimeError):
    """The installation is incomplete: a folder the service needs is not where it should be."""


def resource_dir(name: str) -> Path:
    """The folder ``name`` (templates, forms or bpmn) from the installed package or the source checkout."""
    for base in (BUNDLED, SOURCE_ROOT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise ResourceMissing(f"the {name} folder is neither in {BUNDLED} nor in {SOURCE_ROOT}: reinstall the package")


def templates_dir() -> Path:
    return resource_dir("templates")
