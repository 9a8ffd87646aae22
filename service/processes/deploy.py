"""Deploying BPMN: validate on the server, then store an immutable numbered version per process."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from service.cases.retention import retention_problems
from service.cases.starting import prefix_problem
from service.casework import Casework
from service.dao import processes_dao
from service.models import ProcessVersion
from service.packs.registry import pack_for
from service.people.groups import ensure_groups
from service.people.offers import offer_warnings
from service.processes import case_events, date_rules
from workflows import carried_answers
from workflows.decision_tables import tables_used
from workflows.definitions import DeploymentError, Problem, ProcessDefinition, parse_definitions
from workflows.forms import schema_problems
from workflows.validation import expression_problems, user_task_problems
from workflows.xml_safety import parse_untrusted_xml

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class DeployedVersion:
    process_id: str
    version: int
    version_id: int
    created: bool


@dataclass(frozen=True)
class DeployOutcome:
    versions: list[DeployedVersion]
    # Things the process owner should fix that do not stop the deploy (a group no one is in...).
    warnings: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = [
            f"{v.process_id} version {v.version} deployed" if v.created
            else f"{v.process_id} is unchanged: the current version {v.version} already has this content, "
            "nothing was deployed"
            for v in self.versions
        ]
        message = "; ".join(parts) + "."
        if self.warnings:
            message += " Warning: " + " ".join(self.warnings)
        return message


def deployed_lookup(casework: Casework):
    """How a deploy finds the processes a file's call activities name but do not define."""

    def lookup(process_id: str, binding: str, number: str | None) -> str | None:
        with casework.db.reading() as session:
            if binding == "version":
                found = processes_dao.get_numbered_version(session, process_id, int(number)) if (
                    number or "").isdigit() else None
            else:
                found = processes_dao.get_latest_version(session, process_id)
            return found.bpmn_xml if found is not None else None

    return lookup


def latest_forms(casework: Casework, process_ids: Iterable[str]) -> dict[str, Any]:
    """The forms of these processes' latest versions, by key: what a deploy that sends no forms of its own keeps."""
    forms: dict[str, Any] = {}
    with casework.db.reading() as session:
        for process_id in process_ids:
            latest = processes_dao.get_latest_version(session, process_id)
            forms.update(latest.forms if latest else {})
    return forms


def check_bpmn(content: bytes, forms: Mapping[str, Any], filename: str, called=None,
               decisions: Mapping[str, bytes] | None = None) -> list[ProcessDefinition]:
    """Every server-side check a deployment must pass; raises DeploymentError listing all problems."""
    definitions = parse_definitions(content, filename, called, decisions)
    problems: list[Problem] = list(expression_problems(parse_untrusted_xml(content)))
    keepers = _processes_keeping(definitions, forms)
    for key, schema in forms.items():
        problems += [Problem(None, f"The form {key!r}: {p}") for p in schema_problems(schema)]
        if isinstance(schema, dict):
            rule_problems = dict.fromkeys(p for process_id in keepers.get(key, ())
                                          for p in date_rules.rule_problems(schema, date_rules.rules_for(process_id)))
            problems += [Problem(None, f"The form {key!r}: {p}") for p in [
                *rule_problems,
                *carried_answers.rule_problems(schema.get("properties") or {}, schema.get("required") or [])]]
    for definition in definitions:
        problems += user_task_problems(
            definition, form_exists=lambda key, d=definition: key in forms or key in d.generated_forms,
        )
        bad_prefix = prefix_problem(definition)
        if bad_prefix:
            problems.append(Problem(None, bad_prefix))
        problems += [Problem(None, message) for message in retention_problems(definition)]
        problems += _case_event_problems(definition)
        pack = pack_for(definition.process_id)
        for pack_check in pack.deploy_checks if pack else ():
            problems += pack_check(definition, case_events.known_case_events())
    if problems:
        raise DeploymentError(problems)
    return definitions


def _processes_keeping(definitions: Iterable[ProcessDefinition], forms: Mapping[str, Any]) -> dict[str, list[str]]:
    """Form key -> the processes of this file that keep it: a form may name the date rules of their packs (a form
    none of them keeps is not deployed, so its date rules are not checked)."""
    keepers: dict[str, list[str]] = {}
    for definition in definitions:
        for key in forms_used(definition, forms):
            keepers.setdefault(key, []).append(definition.process_id)
    return keepers


def _case_event_problems(definition: ProcessDefinition) -> list[Problem]:
    known = case_events.known_case_events()
    return [Problem(element, f"The case event {name!r} is not one the service knows.")
            for element, name in definition.case_events.items() if name not in known]


def forms_used(definition: ProcessDefinition, forms: Mapping[str, Any]) -> dict[str, Any]:
    """The forms a version keeps: those its elements name, and those generated for tasks that name none."""
    keys = {t.form_key for t in definition.user_tasks.values() if t.form_key}
    keys.update(definition.message_forms.values())
    if definition.start_form_key:
        keys.add(definition.start_form_key)
    available = {**forms, **definition.generated_forms}
    return {key: available[key] for key in sorted(keys) if key in available}


def content_hash(content: bytes, forms: Mapping[str, Any], called: Mapping[str, str] | None = None) -> str:
    digest = hashlib.sha256(content)
    digest.update(orjson.dumps(forms, option=orjson.OPT_SORT_KEYS))
    if called:  # the same file bound to a changed called process is a new version
        digest.update(orjson.dumps(dict(called), option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


def deploy(
    casework: Casework, content: bytes, forms: Mapping[str, Any], *, filename: str, deployed_by_id: int | None,
    comment: str, now: datetime, decisions: Mapping[str, bytes] | None = None,
) -> DeployOutcome:
    """Deploy one BPMN file with the forms and DMN files (by file name) it uses."""
    decisions = tables_used(content, decisions) if decisions else {}
    definitions = check_bpmn(content, forms, filename, deployed_lookup(casework), decisions)
    tables = {name: xml.decode("utf-8") for name, xml in sorted((decisions or {}).items())}
    deployed, warnings = [], []
    with casework.db.transaction() as session:
        for definition in definitions:
            pack = pack_for(definition.process_id)
            ensure_groups(session, pack.groups if pack else (), now)
            warnings += offer_warnings(session, definition)
            own_forms = forms_used(definition, forms)
            digest = content_hash(content, own_forms, {**definition.called_sources, **{
                f"dmn:{name}": xml for name, xml in tables.items()}})
            latest = processes_dao.get_latest_version(session, definition.process_id)
            if latest is not None and latest.content_hash == digest:
                deployed.append(DeployedVersion(definition.process_id, latest.version, latest.id, False))
                continue
            # An earlier version's content (a rollback) is deployed again as a new version, so it becomes current.
            version = processes_dao.add_version(session, ProcessVersion(
                process_id=definition.process_id,
                version=processes_dao.next_version_number(session, definition.process_id),
                name=definition.name, content_hash=digest, bpmn_xml=content.decode("utf-8"), forms=own_forms,
                called_processes=dict(definition.called_sources), decision_tables=tables,
                deployed_by_id=deployed_by_id, deployed_at=now, comment=comment,
            ))
            deployed.append(DeployedVersion(definition.process_id, version.version, version.id, True))
    return DeployOutcome(deployed, warnings)
