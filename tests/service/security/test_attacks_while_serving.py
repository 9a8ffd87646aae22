"""While an attack runs, in a request or in the timer worker, everything else goes on: another request
succeeds and another case's timer fires.

"While" is made certain rather than hoped for: the sandbox is wrapped so that the attack, once it has
started, runs again each time the sandbox stops it, until the test has done its other work; only then
is the refusal let through. So the other request and the other timer happen while an attack is being
evaluated (holding its case's row, its request thread and the interpreter as much as an attack can),
and nothing depends on how long anything takes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from service.accounts.api_tokens import issue_token
from service.cases.cases import start_case
from service.models import Case, HumanTask, ProcessIncident, ProcessInstance
from service.processes.deploy import deploy
from service.tasks.timers import fire_due_batch
from service.worker import Worker
from tests.service.conftest import ApiClient
from tests.service.security.test_sandbox_attacks import EXPONENTIAL, FORMS, PLACES, diagram
from workflows.sandbox import environment
from workflows.sandbox.errors import SandboxError

WAIT = 60.0  # seconds: a deadline a passing run never comes near
GATEWAY = next(place for place in PLACES if place.name == "gateway condition")

TIMED = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_timed" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="timed" name="Timed" isExecutable="true">
    <bpmn:startEvent id="Start_1" camunda:formKey="attack_start"/>
    <bpmn:sequenceFlow id="Flow_start" sourceRef="Start_1" targetRef="Gateway_route"/>
    <bpmn:exclusiveGateway id="Gateway_route" default="Flow_calm"/>
    <bpmn:sequenceFlow id="Flow_attack" sourceRef="Gateway_route" targetRef="Timer_attack">
      <bpmn:conditionExpression>customer_name == 'attack'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:intermediateCatchEvent id="Timer_attack" name="Wait a minute">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1M"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_to_script" sourceRef="Timer_attack" targetRef="Script_attack"/>
    <bpmn:scriptTask id="Script_attack" name="Work something out">
      <bpmn:script>leak = {EXPONENTIAL}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_attack_end" sourceRef="Script_attack" targetRef="End_1"/>
    <bpmn:sequenceFlow id="Flow_calm" sourceRef="Gateway_route" targetRef="Timer_calm"/>
    <bpmn:intermediateCatchEvent id="Timer_calm" name="Wait two minutes">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT2M"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_to_task" sourceRef="Timer_calm" targetRef="Task_after"/>
    <bpmn:userTask id="Task_after" name="Follow up" camunda:formKey="attack_route"
        camunda:candidateGroups="caseworker"/>
    <bpmn:sequenceFlow id="Flow_calm_end" sourceRef="Task_after" targetRef="End_1"/>
    <bpmn:endEvent id="End_1"/>
  </bpmn:process>
</bpmn:definitions>
"""


class HeldAttack:
    """The sandbox, wrapped: an evaluation of the attack re-runs each time it is stopped, until released."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.released = threading.Event()
        self.stopped_times = 0

    def wrap(self, original):
        def run(sandbox, source: str, *args, **kwargs):
            if EXPONENTIAL not in source:
                return original(sandbox, source, *args, **kwargs)
            self.running.set()
            while True:
                try:
                    return original(sandbox, source, *args, **kwargs)
                except SandboxError:
                    self.stopped_times += 1
                    if self.released.is_set() or self.stopped_times > 200:
                        raise

        return run


@pytest.fixture
def held(monkeypatch) -> HeldAttack:
    attack = HeldAttack()
    for name in ("evaluate", "execute"):
        monkeypatch.setattr(environment.SandboxedEnvironment, name,
                            attack.wrap(getattr(environment.SandboxedEnvironment, name)))
    return attack


@contextmanager
def in_background(held: HeldAttack, work) -> Iterator[dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as error:  # handed to the test, which asserts on it
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield outcome
    finally:
        held.released.set()  # also when the test failed meanwhile
        thread.join(WAIT)
        assert not thread.is_alive(), "the attack was never stopped"


@pytest.fixture
def estate(runtime, people, client):
    """The attack process (route r0: the attack in a gateway condition) and the timed process; a
    caseworker's API token; and a case of the timed process waiting on an ordinary two-minute timer."""
    deploy(runtime.casework, diagram([(GATEWAY, EXPONENTIAL)]).encode(), FORMS, filename="attacks.bpmn",
           deployed_by_id=None, comment="", now=runtime.clock.now())
    deploy(runtime.casework, TIMED.encode(), FORMS, filename="timed.bpmn", deployed_by_id=None, comment="",
           now=runtime.clock.now())
    issued = issue_token(runtime.casework, people["adam"], "Housing system", ["caseworker"], runtime.clock.now())
    calm = start_case(runtime.casework, people["casey"], {"customer_reference": "SH-000002", "customer_name": "calm"},
                                       process_id="timed")
    return {"api": ApiClient(client, issued.token), "token": issued.token, "calm": calm.case_id}


def _wait_for(held: HeldAttack, outcome: dict) -> None:
    """Until the attack is being evaluated (or its request ended without reaching it: a failure)."""
    deadline = threading.Event()
    for _ in range(int(WAIT * 20)):
        if held.running.is_set() or outcome:
            break
        deadline.wait(0.05)
    assert held.running.is_set(), outcome


def _timer_fired(runtime, case_id: int) -> bool:
    with runtime.db.reading() as session:
        return session.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                         HumanTask.name == "Follow up")) is not None


def _another_request_succeeds(api) -> None:
    started = api.post("/processes/attacks/cases", json={"customer_reference": "SH-000003"})
    assert started.status_code == 201, started.json
    assert api.get(f"/cases/{started.json['reference']}").status_code == 200


@pytest.mark.postgres_only  # SQLite has one writer at a time: a step being evaluated holds it
def test_while_a_request_runs_an_attack_another_request_succeeds_and_a_timer_fires(
        runtime, people, app, held, estate):
    attacked = start_case(runtime.casework, people["casey"], {"customer_reference": "SH-000001"},
                                           process_id="attacks")
    with runtime.db.reading() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == attacked.case_id)).one()
    assert estate["api"].post(f"/tasks/{task.id}/claim").status_code == 200
    runtime.clock.advance(minutes=3)
    attacker = ApiClient(app.test_client(), estate["token"])

    with in_background(held, lambda: attacker.post(f"/tasks/{task.id}/complete", json={"route": "r0"})) as outcome:
        _wait_for(held, outcome)
        _another_request_succeeds(estate["api"])
        assert fire_due_batch(runtime.casework, batch_size=10).fired == 1
        assert _timer_fired(runtime, estate["calm"])
        assert not outcome  # the attack is still being evaluated
        held.released.set()
    response = outcome["result"]
    assert response.status_code == 422 and "Nothing was saved" in response.json["error"]["message"]
    assert held.stopped_times >= 1
    with runtime.db.reading() as session:
        assert session.scalar(select(HumanTask.status).where(HumanTask.id == task.id)) == "open"


@pytest.mark.postgres_only  # a second worker skips the row the first holds (FOR UPDATE SKIP LOCKED)
def test_while_the_timer_worker_runs_an_attack_another_request_succeeds_and_another_timer_fires(
        runtime, people, held, estate):
    attacked = start_case(runtime.casework, people["casey"], {"customer_reference": "SH-000001",
                                                             "customer_name": "attack"}, process_id="timed")
    runtime.clock.advance(minutes=3)
    stuck = Worker(runtime, poll_seconds=1, batch_size=1)  # the attacked case is due first: it takes that one

    with in_background(held, stuck.run_once) as outcome:
        _wait_for(held, outcome)
        _another_request_succeeds(estate["api"])
        # A second worker passes over the case the first is stuck on and fires the other case's timer.
        assert fire_due_batch(runtime.casework, batch_size=10).fired == 1
        assert _timer_fired(runtime, estate["calm"])
        assert not outcome
        held.released.set()
    assert "error" not in outcome, outcome
    with runtime.db.reading() as session:
        instance = session.scalars(select(ProcessInstance).join(Case, Case.instance_id == ProcessInstance.id)
                                   .where(Case.id == attacked.case_id)).one()
        incidents = session.scalars(select(ProcessIncident).where(ProcessIncident.case_id == attacked.case_id)).all()
    assert instance.timer_error and instance.waiting_elements and "Timer_attack" in str(instance.waiting_elements)
    assert [incident.kind for incident in incidents] in (["script"], ["timer"], ["step_budget"])
