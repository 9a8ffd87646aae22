"""The processes a person may start: the "Start a case" page and the API read this."""

from __future__ import annotations

from dataclasses import dataclass

from service.cases.errors import NotAllowed, NotFound
from service.cases.starting import may_start
from service.casework import Casework
from service.dao import processes_dao
from service.history.timeline import version_form
from service.packs.registry import pack_for
from service.people.actors import Actor
from service.processes.definitions import definition_of
from workflows.forms import FormSchema


@dataclass(frozen=True)
class Startable:
    process_id: str
    name: str
    version: int
    label: str  # what the link says
    hint: str
    start_endpoint: str | None  # the pack's own start page, if it has one


@dataclass(frozen=True)
class StartForm:
    process_id: str
    name: str
    version: int
    form: FormSchema | None


def startable_processes(casework: Casework, actor: Actor) -> list[Startable]:
    """The latest version of every process, where this person may start it, by name."""
    found = []
    with casework.db.reading() as session:
        latest = {}
        for version in processes_dao.list_versions(session):
            latest.setdefault(version.process_id, version)  # listed newest first per process
        for version in latest.values():
            definition = definition_of(version)
            if not may_start(actor, definition):
                continue
            pack = pack_for(version.process_id)
            wording = pack.wording if pack else {}
            found.append(Startable(
                version.process_id, definition.name, version.version,
                wording.get("start_label", f"Start a case: {definition.name}"), wording.get("start_hint", ""),
                pack.start_endpoint if pack else None,
            ))
    return sorted(found, key=lambda s: s.name.lower())


def start_form(casework: Casework, actor: Actor, process_id: str) -> StartForm:
    """The start form of the latest version, for someone who may start the process."""
    with casework.db.reading() as session:
        version = processes_dao.get_latest_version(session, process_id)
        if version is None:
            raise NotFound("That process has not been deployed yet.")
        definition = definition_of(version)
        if not may_start(actor, definition):
            raise NotAllowed(f"You cannot start a case of {definition.name}.")
        return StartForm(process_id, definition.name, version.version,
                         version_form(version, definition.start_form_key))
