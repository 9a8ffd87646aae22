"""Camunda's shapes for the product's own records, and identifiers built from the product's own.

A process definition id is ``<key>:<version row id>`` (Camunda's are ``key:version:uuid``); a process
instance's id is the case reference, and its business key the one chosen when it was started (the
reference when none was); a deployment is one deployed version.
"""

from __future__ import annotations

from typing import Any

from service.cases import business_keys
from service.cases.instance_listing import InstanceRow
from service.engine_rest.fields import camunda_time
from service.models import ProcessInstance, ProcessVersion
from service.tasks.task_listing import TaskRow


def definition_id(process_key: str, version_row_id: int) -> str:
    return f"{process_key}:{version_row_id}"


def version_row_id(definition: str) -> int | None:
    """The version row id in a definition id from ``definition_id``; None if it is not one."""
    _, _, tail = definition.rpartition(":")
    return int(tail) if tail.isdigit() and len(tail) <= 9 else None


def process_definition(version: ProcessVersion) -> dict[str, Any]:
    return {
        "id": definition_id(version.process_id, version.id), "key": version.process_id,
        "category": "http://bpmn.io/schema/bpmn", "description": version.comment or None, "name": version.name,
        "version": version.version, "resource": f"{version.process_id}.bpmn", "deploymentId": str(version.id),
        "diagram": None, "suspended": False, "tenantId": None, "versionTag": None, "historyTimeToLive": None,
        "startableInTasklist": True,
    }


def deployment(version: ProcessVersion) -> dict[str, Any]:
    return {"id": str(version.id), "name": version.comment or version.name, "source": None,
            "deploymentTime": camunda_time(version.deployed_at), "tenantId": None, "links": []}


def business_key(instance: ProcessInstance) -> str:
    return business_keys.effective(instance.business_key, instance.chosen_business_key)


def process_instance(row: InstanceRow) -> dict[str, Any]:
    return {"id": row.instance.business_key, "definitionId": definition_id(row.version.process_id, row.version.id),
            "businessKey": business_key(row.instance),
            "caseInstanceId": None, "ended": row.instance.status != "running", "suspended": False,
            "tenantId": None, "links": []}


def history_process_instance(row: InstanceRow) -> dict[str, Any]:
    instance, version = row.instance, row.version
    ended = instance.status != "running"
    end = row.case.closed_at if row.case and row.case.closed_at else (instance.updated_at if ended else None)
    return {
        "id": instance.business_key, "businessKey": business_key(instance),
        "processDefinitionId": definition_id(version.process_id, version.id),
        "processDefinitionKey": version.process_id, "processDefinitionName": version.name,
        "processDefinitionVersion": version.version, "startTime": camunda_time(instance.created_at),
        "endTime": camunda_time(end), "removalTime": None,
        "durationInMillis": int((end - instance.created_at).total_seconds() * 1000) if end else None,
        "startUserId": None, "startActivityId": None, "deleteReason": None,
        "rootProcessInstanceId": instance.business_key,
        "superProcessInstanceId": None, "superCaseInstanceId": None, "caseInstanceId": None, "tenantId": None,
        "state": "COMPLETED" if ended else "ACTIVE",
    }


def task(row: TaskRow) -> dict[str, Any]:
    record = row.task
    return {
        "id": record.id, "name": record.name, "assignee": row.assignee, "owner": None,
        "created": camunda_time(record.created_at), "lastUpdated": None, "due": camunda_time(record.due_at),
        "followUp": None, "delegationState": None, "description": None, "executionId": record.id,
        "parentTaskId": None, "priority": 50, "processDefinitionId": definition_id(row.version.process_id,
                                                                                   row.version.id),
        "processInstanceId": row.business_key, "taskDefinitionKey": record.element_id, "caseExecutionId": None,
        "caseInstanceId": None, "caseDefinitionId": None, "suspended": False, "formKey": record.form_key,
        "camundaFormRef": None, "tenantId": None,
    }
