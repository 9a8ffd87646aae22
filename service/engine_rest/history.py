"""History: process instances (cases, finished or not), the activities a case passed, and incidents.

Activity instances are rebuilt from the case's audit chain (each step recorded the elements it
completed), so they show what the tamper-evident record says, not what a mutable table claims.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app, g

from service.auth.permissions import allow
from service.cases.errors import NotFound
from service.cases.incidents import incidents_page
from service.cases.instance_listing import InstanceFilter, instance_row, list_instances
from service.cases.reading import readable_processes
from service.engine_rest import blueprint
from service.engine_rest.fields import InvalidRequest, camunda_time, query_flag, query_int, query_text
from service.engine_rest.representations import definition_id, history_process_instance
from service.history.steps_taken import steps_taken
from service.people.roles import CASE_READERS
from workflows.xml_safety import parse_untrusted_xml

# Anyone who works on tasks, and auditors; each sees only the cases of the processes they may read.
READERS = CASE_READERS
INCIDENT_READERS = ("admin", "auditor", "worker")
INCIDENT_TYPES = {"external_task": "failedExternalTask", "timer": "failedJob"}


def _runtime():
    return current_app.extensions["ubp"]


@blueprint.route("/history/process-instance", methods=["GET"])
@allow(*READERS)
def history_instances():
    finished, unfinished = query_flag("finished"), query_flag("unfinished")
    active = None if finished == unfinished else bool(unfinished)
    f = InstanceFilter(reference=query_text("processInstanceId", 40),
                       business_key=query_text("processInstanceBusinessKey", 255),
                       process_definition_key=query_text("processDefinitionKey", 200),
                       active=active, scope=readable_processes(g.actor))
    rows = list_instances(_runtime().casework, f, query_int("firstResult", 0, high=10**9),
                          query_int("maxResults", 100, high=1000))
    return [history_process_instance(row) for row in rows]


@blueprint.route("/history/process-instance/<instance_id>", methods=["GET"])
@allow(*READERS)
def history_instance(instance_id: str):
    row = instance_row(_runtime().casework, instance_id[:40], readable_processes(g.actor))
    if row is None:
        raise NotFound(f"Historic process instance with id {instance_id[:40]} does not exist")
    return history_process_instance(row)


@cache
def _element_types(version_id: int, xml: str) -> dict[str, str]:
    """Element id -> its BPMN tag (userTask, serviceTask, …), read once per version."""
    return {node.get("id"): node.tag.rsplit("}", 1)[-1] for node in parse_untrusted_xml(xml.encode()).iter()
            if isinstance(node.tag, str) and node.get("id")}


@blueprint.route("/history/activity-instance", methods=["GET"])
@allow(*READERS)
def history_activities():
    """The activities one case (``processInstanceId``, required) passed, in the order its steps completed them."""
    key = query_text("processInstanceId", 40)
    if key is None:
        raise InvalidRequest("processInstanceId is required: activity history is read one case at a time")
    # Checked before anything is looked up, so a bad page is refused whether or not the case exists.
    first, size = query_int("firstResult", 0, high=10**9), query_int("maxResults", 1000, high=1000)
    taken = steps_taken(_runtime().casework, key, readable_processes(g.actor))
    if taken is None:
        return []
    version, steps = taken.version, taken.steps
    types = _element_types(version.id, version.bpmn_xml)
    activities: list[dict[str, Any]] = []
    opened = {s.task_id: s.at for s in steps if s.event_type in ("task_opened", "external_task_created")}
    for step in steps:
        for element in step.completed:
            started = opened.get(step.task_id) if step.element_id == element else None
            activities.append({
                "id": f"{element}:{step.seq}", "parentActivityInstanceId": key, "activityId": element,
                "activityName": None, "activityType": types.get(element, ""), "processDefinitionKey":
                version.process_id, "processDefinitionId": definition_id(version.process_id, version.id),
                "processInstanceId": key, "executionId": key, "taskId": step.task_id if started else None,
                "calledProcessInstanceId": None, "calledCaseInstanceId": None, "assignee": None,
                "startTime": camunda_time(started or step.at), "endTime": camunda_time(step.at),
                "durationInMillis": int(((step.at - started).total_seconds() if started else 0) * 1000),
                "canceled": False, "completeScope": types.get(element) == "endEvent", "tenantId": None,
            })
    return activities[first:first + size]


@blueprint.route("/incident", methods=["GET"])
@allow(*INCIDENT_READERS)
def list_incidents():
    """Open incidents, as Camunda lists its runtime incidents (resolved ones are in /api/v1/incidents)."""
    key, activity = query_text("processInstanceId", 40), query_text("activityId", 200)
    wanted_type = query_text("incidentType", 60)
    rows = incidents_page(_runtime().casework, 1, page_size=1000).rows
    found = []
    for row in rows:
        incident = row.incident
        kind = INCIDENT_TYPES.get(incident.kind, incident.kind)
        if (key and row.case_reference != key) or (activity and incident.element_id != activity) or (
                wanted_type and kind != wanted_type):
            continue
        found.append({
            "id": str(incident.id), "processDefinitionId": None, "processInstanceId": row.case_reference,
            "executionId": row.case_reference, "incidentTimestamp": camunda_time(incident.opened_at),
            "incidentType": kind, "activityId": incident.element_id or None,
            "failedActivityId": incident.element_id or None, "causeIncidentId": str(incident.id),
            "rootCauseIncidentId": str(incident.id), "configuration": (incident.details or {}).get("task_id"),
            "tenantId": None, "incidentMessage": incident.message, "jobDefinitionId": None, "annotation": None,
        })
    return found
