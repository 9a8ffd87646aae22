"""Parsed process definitions, cached per deployed version (versions never change once deployed)."""

from __future__ import annotations

import threading
from dataclasses import replace
from types import MappingProxyType

from sqlalchemy.orm import Session

from service.dao import processes_dao
from service.models import ProcessVersion
from service.packs.registry import Pack, pack_for
from workflows.definitions import ProcessDefinition, parse_definitions

_cache: dict[int, ProcessDefinition] = {}
_versions: dict[int, ProcessVersion] = {}
_lock = threading.Lock()


def definition_of(version: ProcessVersion) -> ProcessDefinition:
    cached = _cache.get(version.id)
    if cached is not None:
        return cached
    with _lock:
        cached = _cache.get(version.id)
        if cached is None:
            called = dict(version.called_processes or {})
            decisions = {name: xml.encode() for name, xml in (version.decision_tables or {}).items()}
            parsed = parse_definitions(version.bpmn_xml.encode(), filename=f"{version.process_id}.bpmn",
                                       called=lambda process_id, *_: called.get(process_id), decisions=decisions)
            cached = _with_pack_senders(next(d for d in parsed if d.process_id == version.process_id))
            _cache[version.id] = cached
        return cached


def _with_pack_senders(definition: ProcessDefinition) -> ProcessDefinition:
    """The definition with its pack's senders (``Pack.message_senders``) for the messages whose catch event names
    no groups: a version deployed before its diagram named them keeps the pack's rule."""
    pack = pack_for(definition.process_id)
    senders = pack.message_senders if pack else {}
    named = {name: replace(message, groups=tuple(senders[name])) for name, message in definition.messages.items()
             if not message.groups and name in senders}
    if not named:
        return definition
    return replace(definition, messages=MappingProxyType({**definition.messages, **named}))


def forget_all() -> None:
    """Tests that recreate databases reuse version ids; they clear the cache between databases."""
    with _lock:
        _cache.clear()
        _versions.clear()


def deployed_version(session, version_id: int) -> tuple[ProcessVersion, ProcessDefinition]:
    """A deployed version and its parsed definition; both never change, so both are kept in memory."""
    version = _versions.get(version_id)
    if version is None:
        version = session.get(ProcessVersion, version_id)
        session.expunge(version)
        _versions[version_id] = version
    return version, definition_of(version)


def pack_of_case(session: Session, case_id: int) -> Pack | None:
    """The pack of the process a case runs (None: a process with no pack, or no such case)."""
    return pack_for(processes_dao.process_id_of_case(session, case_id))
