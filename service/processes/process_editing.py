"""Process owners changing a process: open a version or draft, validate, keep drafts, deploy.

Every path that deploys (the modeler, an uploaded file from Camunda Modeler, the API and the
command line) ends in ``deploy.check_bpmn`` / ``deploy.deploy``, so the browser is never trusted.
A diagram is deployed with the forms of what it was opened from (a draft's edited forms, or a
version's), over the latest version's forms, so a new task may use a form the process already has.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import NotFound
from service.casework import Casework
from service.dao import processes_dao
from service.models import ProcessDraft, ProcessVersion
from service.people.actors import Actor
from service.processes.deploy import DeployOutcome, check_bpmn, deploy, deployed_lookup
from workflows.definitions import DeploymentError, Problem, form_references, parse_definitions
from workflows.forms import FORM_KEY, schema_problems
from workflows.xml_safety import UnsafeXmlError, parse_untrusted_xml

MAX_FORM_CHARS = 200_000


@dataclass(frozen=True)
class ProcessSource:
    """What the modeler or the form editor has open: a version, a draft, or the latest version."""

    process_id: str
    bpmn_xml: str
    forms: Mapping[str, Any]
    version: ProcessVersion | None = None
    draft: ProcessDraft | None = None
    latest: ProcessVersion | None = None

    @property
    def label(self) -> str:
        if self.draft is not None:
            return f"draft {self.draft.id}"
        return f"version {self.version.version}" if self.version is not None else "a new diagram"

    @property
    def query(self) -> dict[str, int]:
        """How to ask for this source again in a URL."""
        if self.draft is not None:
            return {"draft": self.draft.id}
        return {"version": self.version.version} if self.version is not None else {}


@dataclass(frozen=True)
class DraftSaved:
    draft: ProcessDraft
    problems: list[Problem] = field(default_factory=list)


def open_source(casework: Casework, process_id: str, *, version: int | None = None, draft: int | None = None
                ) -> ProcessSource:
    with casework.db.reading() as session:
        return _source(session, process_id, version, draft)


def _source(session: Session, process_id: str, version: int | None, draft: int | None) -> ProcessSource:
    latest = processes_dao.get_latest_version(session, process_id)
    if draft is not None:
        found = processes_dao.get_draft(session, process_id, draft)
        if found is None:
            raise NotFound("There is no such draft of this process.")
        return ProcessSource(process_id, found.bpmn_xml, _over(latest, found.forms), draft=found, latest=latest)
    chosen = latest if version is None else processes_dao.get_version_by_number(session, process_id, version)
    if chosen is None:
        raise NotFound("There is no such version of this process.")
    return ProcessSource(process_id, chosen.bpmn_xml, _over(latest, chosen.forms), version=chosen, latest=latest)


def new_process_source(casework: Casework, content: bytes) -> ProcessSource:
    """What a diagram drawn from blank (or opened from a file) outside any process will create: its first
    executable process, which must not exist yet. Raises DeploymentError saying why not."""
    try:
        root = parse_untrusted_xml(content)
    except UnsafeXmlError as error:
        raise DeploymentError([Problem(None, str(error))]) from None
    process_ids = [p.get("id") for p in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
                   if p.get("isExecutable") == "true" and p.get("id")]
    if not process_ids:
        raise DeploymentError([Problem(None, "The diagram has no executable process: click the canvas and tick "
                                             "'Executable' in the panel.")])
    with casework.db.reading() as session:
        taken = [pid for pid in process_ids if processes_dao.get_latest_version(session, pid) is not None]
    if taken:
        raise DeploymentError([Problem(taken[0], (
            f"A process with the id {taken[0]!r} already exists: give this one another id (click the canvas, "
            "then ID in the panel), or edit that process on the processes page."))])
    return ProcessSource(process_ids[0], content.decode("utf-8"), {})


def _over(latest: ProcessVersion | None, forms: Mapping[str, Any]) -> dict[str, Any]:
    return {**(latest.forms if latest else {}), **forms}


# -- the diagram ---------------------------------------------------------------------------------


def validate_diagram(casework: Casework, source: ProcessSource, content: bytes) -> list[Problem]:
    """Every check a deployment of ``content`` would run, as a list (empty: it would deploy)."""
    try:
        checked = check_bpmn(content, source.forms, _name(source), deployed_lookup(casework))
        _require_process(source.process_id, [d.process_id for d in checked])
    except DeploymentError as error:
        return error.problems
    return []


def deploy_diagram(casework: Casework, source: ProcessSource, content: bytes, actor: Actor, comment: str, now: datetime
                   ) -> DeployOutcome:
    """Deploy from the modeler; raises DeploymentError naming each element that is wrong."""
    parsed = parse_definitions(content, _name(source), deployed_lookup(casework))
    _require_process(source.process_id, [d.process_id for d in parsed])
    return deploy(casework, content, source.forms, filename=_name(source), deployed_by_id=actor.user_id,
                  comment=comment, now=now)


def deploy_upload(casework: Casework, content: bytes, filename: str, actor: Actor, comment: str, now: datetime
                  ) -> DeployOutcome:
    """Deploy a file made elsewhere (Camunda Modeler) with the forms its processes already have."""
    process_ids = [d.process_id for d in parse_definitions(content, filename, deployed_lookup(casework))]
    forms: dict[str, Any] = {}
    with casework.db.reading() as session:
        for process_id in process_ids:
            latest = processes_dao.get_latest_version(session, process_id)
            forms.update(latest.forms if latest else {})
    return deploy(casework, content, forms, filename=filename, deployed_by_id=actor.user_id, comment=comment, now=now)


def save_draft(casework: Casework, source: ProcessSource, content: bytes, actor: Actor, comment: str, now: datetime,
               forms: Mapping[str, Any] | None = None) -> DraftSaved:
    """Keep work in progress. It need not pass the checks yet (they are reported), but it must be
    safe, well-formed XML: a draft is opened again in a browser."""
    try:
        parse_untrusted_xml(content)
    except UnsafeXmlError as error:
        raise DeploymentError([Problem(None, str(error))]) from None
    all_forms = dict(source.forms if forms is None else forms)
    with casework.db.transaction() as session:
        draft = processes_dao.add_draft(session, ProcessDraft(
            process_id=source.process_id, bpmn_xml=content.decode("utf-8"), forms=_edited(source, all_forms),
            saved_by_id=actor.user_id, saved_at=now, comment=comment,
        ))
    return DraftSaved(draft, validate_diagram(casework, _with_forms(source, all_forms), content))


def _edited(source: ProcessSource, forms: Mapping[str, Any]) -> dict[str, Any]:
    """Only the forms that differ from the latest version are kept with a draft."""
    latest = source.latest.forms if source.latest else {}
    return {key: schema for key, schema in forms.items() if latest.get(key) != schema}


def _with_forms(source: ProcessSource, forms: Mapping[str, Any]) -> ProcessSource:
    return ProcessSource(source.process_id, source.bpmn_xml, forms, source.version, source.draft, source.latest)


def _require_process(process_id: str, found: list[str]) -> None:
    if process_id not in found:
        raise DeploymentError([Problem(None, (
            f"The diagram has no executable process with the id {process_id!r}: keep the process id "
            "(and 'Executable' ticked), or upload the file on the processes page to create another process."
        ))])


def _name(source: ProcessSource) -> str:
    return f"{source.process_id}.bpmn"


# -- forms ---------------------------------------------------------------------------------------


def forms_in_use(source: ProcessSource) -> dict[str, list[str]]:
    """Every form the source has or refers to, with the elements that use it (empty if unused)."""
    try:
        used = form_references(parse_untrusted_xml(source.bpmn_xml.encode()))
    except UnsafeXmlError:
        used = {}
    return {key: used.get(key, []) for key in sorted(set(source.forms) | set(used))}


def read_form(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A form's JSON Schema as typed by a process owner, and why it is not usable (if it is not)."""
    if len(text) > MAX_FORM_CHARS:
        return None, [f"The form is longer than {MAX_FORM_CHARS:,} characters."]
    try:
        schema = json.loads(text)
    except ValueError as error:
        return None, [f"The form is not valid JSON: {error}"]
    problems = schema_problems(schema)
    return (schema if not problems else None), problems


def check_form_key(key: str) -> str | None:
    if not FORM_KEY.fullmatch(key or "") or len(key) > 100:
        return "A form key uses lower-case letters, digits and underscores, for example ‘check_vulnerability’."
    return None


def save_form(casework: Casework, source: ProcessSource, key: str, schema: Mapping[str, Any], actor: Actor,
              now: datetime) -> DraftSaved:
    """A new draft: the source's diagram with this form changed. The next deploy of the draft uses it."""
    forms = {**source.forms, key: dict(schema)}
    return save_draft(casework, source, source.bpmn_xml.encode(), actor, f"Form {key} edited", now, forms=forms)


def new_form(key: str) -> dict[str, Any]:
    """A starting point for a form that does not exist yet: one question, every convention met."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": key.replace("_", " ").capitalize(),
        "description": "What this step records.",
        "type": "object",
        "additionalProperties": False,
        "required": ["notes"],
        "properties": {
            "notes": {"type": "string", "title": "Notes", "description": "What was done.", "x-widget": "textarea"},
        },
    }
