"""The migration head is checked: one head, one unbranched chain from it to the first migration, and each file
named after its revision (so two engineers' migrations with the same number, or a forgotten re-chain, fail here)."""

from __future__ import annotations

import re

from alembic.script import ScriptDirectory

from service.migrate import alembic_config
from service.resources import MIGRATIONS


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def test_there_is_one_head():
    assert len(_scripts().get_heads()) == 1


def test_the_chain_from_the_head_reaches_every_migration_without_a_branch():
    scripts = _scripts()
    walked = list(scripts.walk_revisions())
    assert all(not isinstance(r.down_revision, tuple) for r in walked)  # no merge points
    assert [r for r in walked if r.down_revision is None] == [walked[-1]]  # one base, at the end of the chain
    files = [p for p in (MIGRATIONS / "versions").glob("*.py") if p.name != "__init__.py"]
    assert len(walked) == len(files)


def test_each_file_is_named_after_its_revision():
    for path in (MIGRATIONS / "versions").glob("*.py"):
        if path.name == "__init__.py":
            continue
        number = re.match(r"(\d{4})_", path.name)
        assert number, path.name
        assert re.search(rf'^revision = "{number.group(1)}"$', path.read_text(), re.M), path.name
