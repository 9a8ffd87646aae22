"""A case whose stored state cannot be brought up to date: an incident on that case and a clear answer, not a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from service.cases.cases import complete_task
from service.cases.unreadable_state import UnreadableState
from service.dao import incidents_dao
from service.models import HumanTask, ProcessInstance
from tests.bpmn import samples
from tests.service.audit_cases import open_case
from tests.service.conftest import sign_in

INBOX = "/tasks"


def _spoil_state(runtime, reference: str) -> ProcessInstance:
    """The case's state as if written by a release this code knows no migration from."""
    with runtime.db.transaction() as session:
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                        .values(state={**instance.state, "format": 99}))
    return instance


def test_completing_a_task_on_an_unreadable_case_opens_an_incident(runtime, policy, people, client) -> None:
    casey = people["casey"]
    journey = open_case(runtime, casey)
    instance = _spoil_state(runtime, journey.reference)
    with runtime.db.transaction() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.status == "open")).one()
    assert task.assignee_id == casey.user_id  # the caseworker who recorded the incident is given its assessment

    with pytest.raises(UnreadableState):
        complete_task(runtime.casework, casey, task.id, samples.assessment("severe"))
    with pytest.raises(UnreadableState):  # a second try counts another occurrence on the same incident
        complete_task(runtime.casework, casey, task.id, samples.assessment("severe"))

    with runtime.db.reading() as session:
        (incident,) = incidents_dao.open_of_instance(session, instance.id)
        assert session.get(HumanTask, task.id).status == "open"  # nothing of the step was saved
    assert incident.kind == "state_migration" and incident.occurrences == 2
    assert "99/1.5 cannot be brought to 1/1.5" in incident.message

    # Pages that read rows, not state, still work.
    sign_in(client, "casey")
    assert client.get(INBOX).status_code == 200
    assert client.get(f"/cases/{journey.reference}").status_code == 200
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'ubp_open_incidents{kind="state_migration"} 1.0' in metrics
    assert 'ubp_open_incidents{kind="timer"} 0.0' in metrics


def test_the_api_answers_409_for_an_unreadable_case(runtime, policy, people, api_as) -> None:
    api = api_as("caseworker")
    started = api.post("/cases", json=samples.incident())
    assert started.status_code == 201
    reference = started.json["reference"]
    instance = _spoil_state(runtime, reference)
    task_id = started.json["next_tasks"][0]["id"]
    assert api.post(f"/tasks/{task_id}/claim").status_code == 200
    answered = api.post(f"/tasks/{task_id}/complete", json=samples.assessment("severe"))
    assert answered.status_code == 409
    assert "cannot read" in answered.json["error"]["message"]
    assert "Traceback" not in answered.get_data(as_text=True)
    with runtime.db.reading() as session:
        assert [i.kind for i in incidents_dao.open_of_instance(session, instance.id)] == ["state_migration"]
