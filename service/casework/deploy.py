"""Deploying BPMN: validate on the server, then store an immutable numbered version per process."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from service.casework import case_events, date_rules, guardrails
from service.casework.lanes import LANE_ROLES
from service.dao import processes_dao
from service.db import Database
from service.models import ROLES, ProcessVersion
from workflows import carried_answers
from workflows.definitions import DeploymentError, Problem, ProcessDefinition, parse_definitions
from workflows.forms import schema_problems
from workflows.validation import expression_problems, user_task_problems
from workflows.xml_safety import parse_untrusted_xml


@dataclass(frozen=True)
class DeployedVersion:
    process_id: str
    version: int
    version_id: int
    created: bool


@dataclass(frozen=True)
class DeployOutcome:
    versions: list[DeployedVersion]

    @property
    def message(self) -> str:
        parts = [
            f"{v.process_id} version {v.version} deployed" if v.created
            else f"{v.process_id} is unchanged: version {v.version} already has this content, nothing was deployed"
            for v in self.versions
        ]
        return "; ".join(parts) + "."


def check_bpmn(content: bytes, forms: Mapping[str, Any], filename: str) -> list[ProcessDefinition]:
    """Every server-side check a deployment must pass; raises DeploymentError listing all problems."""
    definitions = parse_definitions(content, filename)
    problems: list[Problem] = list(expression_problems(parse_untrusted_xml(content)))
    for key, schema in forms.items():
        problems += [Problem(None, f"The form {key!r}: {p}") for p in schema_problems(schema)]
        if isinstance(schema, dict):
            problems += [Problem(None, f"The form {key!r}: {p}") for p in [
                *date_rules.rule_problems(schema),
                *carried_answers.rule_problems(schema.get("properties") or {}, schema.get("required") or [])]]
    for definition in definitions:
        problems += user_task_problems(
            definition, known_roles=ROLES, lane_roles=LANE_ROLES, form_exists=lambda key: key in forms
        )
        problems += guardrails.policy_problems(definition, case_events.known_case_events())
    if problems:
        raise DeploymentError(problems)
    return definitions


def forms_used(definition: ProcessDefinition, forms: Mapping[str, Any]) -> dict[str, Any]:
    keys = {t.form_key for t in definition.user_tasks.values() if t.form_key}
    keys.update(definition.message_forms.values())
    if definition.start_form_key:
        keys.add(definition.start_form_key)
    return {key: forms[key] for key in sorted(keys) if key in forms}


def content_hash(content: bytes, forms: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(content)
    digest.update(orjson.dumps(forms, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


def deploy(
    db: Database, content: bytes, forms: Mapping[str, Any], *, filename: str, deployed_by_id: int | None,
    comment: str, now: datetime,
) -> DeployOutcome:
    definitions = check_bpmn(content, forms, filename)
    deployed = []
    with db.transaction() as session:
        for definition in definitions:
            own_forms = forms_used(definition, forms)
            digest = content_hash(content, own_forms)
            existing = processes_dao.find_version_by_hash(session, definition.process_id, digest)
            if existing is not None:
                deployed.append(DeployedVersion(definition.process_id, existing.version, existing.id, False))
                continue
            version = processes_dao.add_version(session, ProcessVersion(
                process_id=definition.process_id,
                version=processes_dao.next_version_number(session, definition.process_id),
                name=definition.name, content_hash=digest, bpmn_xml=content.decode("utf-8"), forms=own_forms,
                deployed_by_id=deployed_by_id, deployed_at=now, comment=comment,
            ))
            deployed.append(DeployedVersion(definition.process_id, version.version, version.id, True))
    return DeployOutcome(deployed)
