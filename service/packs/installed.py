"""The packs this installation runs: the only module that imports packs (see the import meta-test)."""

from __future__ import annotations

from service.packs import registry
from service.packs.unacceptable_behaviour import pack as unacceptable_behaviour


def install() -> None:
    registry.register(unacceptable_behaviour.PACK)
