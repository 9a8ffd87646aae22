"""Retention anonymises a case's incidents and external tasks too: what workers wrote goes, the records stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from service.builtin_workers import WORKER_ACTOR
from service.cases import incidents
from service.cases.cases import start_case
from service.data_protection.anonymisation import ANONYMISED_INCIDENT
from service.data_protection.retention import sweep
from service.models import Case, ExternalTask, ProcessIncident, ProcessInstance
from service.tasks import external_tasks
from service.tasks.external_tasks import TopicRequest
from tests.service.conftest import deploy_fixture

TOPIC = [TopicRequest("housing-alert", timedelta(minutes=5))]
SECRET = "Zebedee Quux at 12 Quuxwell Lane"


def _fetched(runtime):
    [task] = external_tasks.fetch_and_lock(runtime.casework, WORKER_ACTOR, "w1", TOPIC, 1)
    return task.task.id


def test_a_case_past_retention_loses_what_workers_wrote_in_its_incidents_and_external_tasks(runtime, people):
    deploy_fixture(runtime, "housing_alert.bpmn")
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"}, process_id="housing_alert",
                                            business_key="TENANCY-77").reference
    task_id = _fetched(runtime)
    external_tasks.report_failure(runtime.casework, WORKER_ACTOR, task_id, "w1", f"No alert for {SECRET}",
                                  f"trace mentioning {SECRET}", retries=0, retry_timeout=timedelta(0))
    with runtime.db.reading() as session:
        [incident_id] = session.scalars(select(ProcessIncident.id)).all()
    incidents.retry_incident(runtime.casework, incident_id, people["adam"])
    external_tasks.complete(runtime.casework, WORKER_ACTOR, _fetched(runtime), "w1", {"alert_note": SECRET},
                            local_variables={"sent_to": SECRET})

    runtime.clock.advance(days=400)
    assert sweep(runtime.casework).anonymised == [reference]

    with runtime.db.reading() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        instance = session.get(ProcessInstance, case.instance_id)
        incident = session.get(ProcessIncident, incident_id)
        [task] = session.scalars(select(ExternalTask).where(ExternalTask.instance_id == instance.id)).all()
    assert case.anonymised_at is not None and instance.chosen_business_key is None
    assert (incident.kind, incident.element_id, incident.message) == ("external_task", "Task_Alert",
                                                                      ANONYMISED_INCIDENT)
    assert SECRET not in repr(incident.details)
    assert (task.topic, task.status, task.error_message, task.error_details) == (
        "housing-alert", "completed", ANONYMISED_INCIDENT, None)
    assert task.local_variables == {"sent_to": ""}
