"""Attacks in every place a BPMN diagram can hold an expression or a script, through the service.

(a) Deploying: an attack the sandbox can recognise from its text (a name starting with "_", an
    import, a try, a format width) is refused, by ``deploy`` and by POST /api/v1/deployments, with
    a message naming the element that holds it.
(b) Running: an attack that compiles and only explodes when a case reaches it (a loop, a huge
    number, a walk through attributes, an expression over task data that fails) is stopped within
    the time bound; completing the task answers with a clear error, nothing is saved, and neither
    the message nor the page repeats the case's data.

The figures printed at the end count each attack in each place once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from service.cases.cases import complete_task, start_case
from service.cases.errors import ProcessProblem
from service.models import AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from service.processes.deploy import deploy
from service.tasks import inbox_actions
from workflows.definitions import DeploymentError

TIME_BOUND = 3.0  # seconds a refused step may take: the sandbox's 0.5 s clock, plus the request around it
SECRETS = ("Jane Secret", "AB123456C", "customer_name", "ni_note")
EXPONENTIAL = "(lambda f: f(f, 40))(lambda g, n: n and g(g, n - 1) + g(g, n - 1))"

# -- where an expression can sit -------------------------------------------------------------------
# Each place is a fragment with the attack at {attack}, whose own id is {id}, reached from {source}
# by a flow (or through the flow itself) and leaving to End_1. The id is what a refusal must name.


@dataclass(frozen=True)
class Place:
    name: str
    mode: str  # "eval" or "exec"
    fragment: str


def _entry(id_: str) -> str:
    return f'<bpmn:sequenceFlow id="{id_}_in" sourceRef="{{source}}" targetRef="{id_}">' \
           f"<bpmn:conditionExpression>route == '{{route}}'</bpmn:conditionExpression></bpmn:sequenceFlow>" \
           f'<bpmn:sequenceFlow id="{id_}_out" sourceRef="{id_}" targetRef="End_1"/>'


def _attack_text(attack: str) -> str:
    return attack.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PLACES = [
    Place("gateway condition", "eval",
          '<bpmn:sequenceFlow id="{id}_in" sourceRef="{source}" targetRef="Gateway_{id}">'
          "<bpmn:conditionExpression>route == '{route}'</bpmn:conditionExpression></bpmn:sequenceFlow>"
          '<bpmn:exclusiveGateway id="Gateway_{id}" default="{id}_else"/>'
          '<bpmn:sequenceFlow id="{id}" sourceRef="Gateway_{id}" targetRef="End_1">'
          "<bpmn:conditionExpression>{attack}</bpmn:conditionExpression></bpmn:sequenceFlow>"
          '<bpmn:sequenceFlow id="{id}_else" sourceRef="Gateway_{id}" targetRef="End_1"/>'),
    Place("script", "exec", '<bpmn:scriptTask id="{id}" name="Work something out"><bpmn:script>{attack}'
                            "</bpmn:script></bpmn:scriptTask>" + _entry("{id}")),
    *(Place(f"timer {kind}", "eval", f'<bpmn:intermediateCatchEvent id="{{id}}" name="Wait">'
                                     f"<bpmn:timerEventDefinition><bpmn:{kind}>{{attack}}</bpmn:{kind}>"
                                     "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>" + _entry("{id}"))
      for kind in ("timeDuration", "timeDate", "timeCycle")),
    Place("event condition", "eval",
          '<bpmn:intermediateCatchEvent id="{id}" name="Until"><bpmn:conditionalEventDefinition>'
          "<bpmn:condition>{attack}</bpmn:condition></bpmn:conditionalEventDefinition>"
          "</bpmn:intermediateCatchEvent>" + _entry("{id}")),
    Place("loop cardinality", "eval",
          '<bpmn:scriptTask id="{id}" name="Repeat"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
          "<bpmn:loopCardinality>{attack}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
          "<bpmn:script>done = True</bpmn:script></bpmn:scriptTask>" + _entry("{id}")),
    Place("completion condition", "eval",
          '<bpmn:scriptTask id="{id}" name="Repeat"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
          "<bpmn:loopCardinality>2</bpmn:loopCardinality><bpmn:completionCondition>{attack}"
          "</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>"
          "<bpmn:script>done = True</bpmn:script></bpmn:scriptTask>" + _entry("{id}")),
    Place("loop condition", "eval",
          '<bpmn:scriptTask id="{id}" name="Again"><bpmn:standardLoopCharacteristics>'
          "<bpmn:loopCondition>{attack}</bpmn:loopCondition></bpmn:standardLoopCharacteristics>"
          "<bpmn:script>done = True</bpmn:script></bpmn:scriptTask>" + _entry("{id}")),
    Place("message payload", "eval",
          '<bpmn:intermediateThrowEvent id="{id}" name="Tell"><bpmn:messageEventDefinition '
          'messageRef="Message_note" camunda:expression="{attack}"/></bpmn:intermediateThrowEvent>' + _entry("{id}")),
]

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_attacks" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="Message_note" name="note_sent"/>
  <bpmn:process id="attacks" name="Attacks" isExecutable="true">
    <bpmn:startEvent id="Start_1" camunda:formKey="attack_start"/>
    <bpmn:sequenceFlow id="Flow_start" sourceRef="Start_1" targetRef="Task_choose"/>
    <bpmn:userTask id="Task_choose" name="Choose a route" camunda:formKey="attack_route"
        camunda:candidateGroups="caseworker"/>
    <bpmn:sequenceFlow id="Flow_chosen" sourceRef="Task_choose" targetRef="Gateway_route"/>
    <bpmn:exclusiveGateway id="Gateway_route" default="Flow_safe"/>
    <bpmn:sequenceFlow id="Flow_safe" sourceRef="Gateway_route" targetRef="End_1"/>
    {places}
    <bpmn:endEvent id="End_1"/>
  </bpmn:process>
</bpmn:definitions>
"""

FORMS = {
    "attack_start": {"title": "Start", "description": "Who the case is about.", "type": "object",
                     "additionalProperties": False, "required": ["customer_reference"], "properties": {
                         "customer_reference": {"type": "string", "title": "Customer", "maxLength": 40,
                                                "x-widget": "text", "description": "Their reference."},
                         "customer_name": {"type": "string", "title": "Name", "maxLength": 200,
                                           "x-widget": "text", "description": "Their name."}}},
    "attack_route": {"title": "Route", "description": "Where the case goes next.", "type": "object",
                     "additionalProperties": False, "required": ["route"], "properties": {
                         "route": {"type": "string", "title": "Route", "maxLength": 40, "x-widget": "text",
                                   "description": "The route."},
                         "ni_note": {"type": "string", "title": "Note", "maxLength": 200, "x-widget": "text",
                                     "description": "A note."}}},
}


def diagram(attacks: list[tuple[Place, str]]) -> str:
    """One route per (place, attack): route ``r<n>`` leads to element ``Attack_<n>``."""
    places = [place.fragment.format(id=f"Attack_{n}", source="Gateway_route", route=f"r{n}",
                                    attack=_attack_text(attack))
              for n, (place, attack) in enumerate(attacks)]
    return DIAGRAM.format(places="\n    ".join(places))


def as_script(place: Place, attack: str) -> str:
    return attack if place.mode == "eval" or "\n" in attack else f"leak = {attack}"


# -- (a) refused at deploy -----------------------------------------------------------------------------

COMPILE_TIME = [
    ("import", "__import__('os').system('id') == 0"),
    ("subclass walk", "().__class__.__base__.__subclasses__()"),
    ("dunder on task data", "customer_name.__class__.__mro__"),
    ("function globals", "(lambda: 0).__globals__"),
    ("the builtins", "__builtins__['open']('/etc/passwd')"),
    ("a guard by name", "_getattr_(customer_name, 'upper')"),
    ("f-string width", "f'{customer_name:>999999999}'"),
    ("print", "print(customer_name)"),
    ("syntax that hides code", "eval('1') if True else __import__('os')"),
    ("a generator's frame", "[g.gi_frame.f_back for g in [(c for c in 'ab')]]"),
    # Names and attributes the sandbox never offers: refused from the source, naming the element.
    ("open a file", "open('/etc/passwd').read()"),
    ("getattr walk", "getattr(customer_name, 'upper')"),
    ("type() to reach classes", "type(customer_name).mro()"),
    ("format-string walk", "'{0}'.format(customer_name)"),
    ("format_map walk", "'{x}'.format_map({'x': customer_name})"),
]
COMPILE_TIME_STATEMENTS = [
    ("import statement", "import os\nos.system('id')"),
    ("from-import", "from os import system"),
    ("catching the clock", "try:\n    while True:\n        pass\nexcept Exception:\n    pass"),
    ("a class", "class Escape:\n    pass"),
    ("with", "with note as n:\n    pass"),
    ("a generator", "def rows():\n    yield 1"),
]


def _deploy_attempts() -> list[tuple[str, Place, str]]:
    attempts = [(label, place, attack) for label, attack in COMPILE_TIME for place in PLACES]
    script = next(p for p in PLACES if p.mode == "exec")
    return attempts + [(label, script, statement) for label, statement in COMPILE_TIME_STATEMENTS]


DEPLOY_ATTEMPTS = _deploy_attempts()


def _refusal_for(problems, element_id: str) -> str:
    named = [p.message for p in problems if p.element_id == element_id]
    assert named, [(p.element_id, p.message) for p in problems]
    return named[0]


def test_attacks_are_refused_at_deploy_naming_their_element(runtime, capsys):
    refused = 0
    for label, place, attack in DEPLOY_ATTEMPTS:
        content = diagram([(place, as_script(place, attack))])
        with pytest.raises(DeploymentError) as refusal:
            deploy(runtime.casework, content.encode(), FORMS, filename="attack.bpmn", deployed_by_id=None,
                   comment="", now=runtime.clock.now())
        message = _refusal_for(refusal.value.problems, "Attack_0")
        assert "does not compile safely" in message, (label, place.name, message)
        refused += 1
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == 0
    assert capsys.readouterr().out == ""  # nothing ran: print would have printed
    print(f"\nrefused at deploy: {refused} attacks ({len(COMPILE_TIME)} expressions in {len(PLACES)} places, "
          f"{len(COMPILE_TIME_STATEMENTS)} statements in scripts)")


def test_attacks_are_refused_through_the_deployments_api(runtime, api_as):
    api = api_as("process_owner")
    every_place = [(place, as_script(place, COMPILE_TIME[n % len(COMPILE_TIME)][1])) for n, place in enumerate(PLACES)]
    response = api.post("/deployments", json={"bpmn": diagram(every_place), "forms": FORMS})
    assert response.status_code == 422, response.json
    problems = {p["field"]: p["message"] for p in response.json["error"]["problems"]}
    assert {f"Attack_{n}" for n in range(len(PLACES))} <= problems.keys(), problems
    assert all("does not compile safely" in problems[f"Attack_{n}"] for n in range(len(PLACES)))
    assert api.get("/cases").status_code == 403  # a process owner reads no cases; and nothing was deployed
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == 0


# -- (b) stopped at run time ---------------------------------------------------------------------------

RUN_TIME = [
    ("huge exponent", "10 ** 10 ** 9", "the result is too large"),
    ("task data repeated", "customer_name * 10 ** 9", "the result is too large"),
    ("huge list", "[0] * 10 ** 9", "the result is too large"),
    ("nested blow-up", "[[y for y in range(99_999)] for z in range(1000)]", "the expression repeated too many times"),
    # One C-level operation over a shared structure of 10**10 items: refused from its size, not the clock.
    ("shared rows compared", "[[0] * 100000] * 100000 == [[0] * 100000] * 100000", "too large to compare"),
    ("shared rows searched", "[0] * 99999 + [1] in [[0] * 100000] * 100000", "too large to compare"),
    ("shared rows sorted", "sorted([[0] * 100000] * 100000)", "too large to compare"),
    ("endless recursion", "(lambda f: f(f))(lambda f: f(f))", "the expression called itself too deeply"),
    ("exponential time", EXPONENTIAL, "the expression ran for too long"),
    ("task data as a number", "int(ni_note) > 0", "a value is not valid for this operation"),
    ("task data as a key", "{'a': 1}[ni_note]", "a key was not found in a dictionary"),
    ("a near-miss name", "customer_nam == 'x'", "the name 'customer_nam' is not defined"),
]
RUN_TIME_STATEMENTS = [
    ("endless loop", "while True:\n    pass", "the expression ran for too long"),
    ("memory by appending", "rows = []\nwhile True:\n    rows.append(ni_note)", None),
    ("memory by doubling", "text = ni_note\nfor i in range(64):\n    text = text + text", "the result is too large"),
    ("keep an iterator over task data", "pairs = zip(ni_note, ni_note)", "cannot be stored"),
]
# What a timer expression returns must be an ISO date, duration or cycle: task data is none of those.
TIMER_VALUES = [("a timer from task data", "ni_note", None)]


# Every attack runs where expressions are commonest; a sample of them runs in every other place.
EVERYWHERE = ("huge exponent", "task data as a number", "a near-miss name")
COMMON_PLACES = ("gateway condition", "script", "timer timeDuration")


def _run_attempts() -> list[tuple[str, Place, str, str | None]]:
    attempts = [(label, place, as_script(place, attack), reason)
                for label, attack, reason in RUN_TIME for place in PLACES
                if place.name in COMMON_PLACES or label in EVERYWHERE]
    script = next(p for p in PLACES if p.mode == "exec")
    attempts += [(label, script, statement, reason) for label, statement, reason in RUN_TIME_STATEMENTS]
    attempts += [(label, place, attack, reason) for label, attack, reason in TIMER_VALUES
                 for place in PLACES if place.name.startswith("timer")]
    return attempts


RUN_ATTEMPTS = _run_attempts()


@pytest.fixture
def attack_case(runtime, people):
    """A case of a deployed diagram with a route to every run-time attack, its choice held by Casey."""
    content = diagram([(place, attack) for _, place, attack, _ in RUN_ATTEMPTS])
    deploy(runtime.casework, content.encode(), FORMS, filename="attacks.bpmn", deployed_by_id=None, comment="",
           now=runtime.clock.now())
    started = start_case(runtime.casework,
        people["casey"], {"customer_reference": "SH-000001", "customer_name": "Jane Secret"}, process_id="attacks")
    with runtime.db.reading() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == started.case_id)).one()
    inbox_actions.claim(runtime.casework, people["casey"], task.id)
    return task


def _saved(runtime) -> tuple:
    with runtime.db.reading() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        events = session.scalar(select(func.count()).select_from(AuditEvent))
        tasks = session.execute(select(HumanTask.id, HumanTask.status)).all()
    return instance.lock_version, instance.state, events, sorted(tasks)


def test_attacks_that_explode_at_run_time_are_stopped_and_leak_nothing(runtime, people, attack_case):
    before = _saved(runtime)
    slowest = 0.0
    for n, (label, place, _attack, reason) in enumerate(RUN_ATTEMPTS):
        asked = time.monotonic()
        try:
            complete_task(runtime.casework, people["casey"], attack_case.id,
                                           {"route": f"r{n}", "ni_note": "NI number AB123456C"})
        except ProcessProblem as problem:
            refusal = problem
        else:
            pytest.fail(f"{label} in the {place.name} was not stopped")
        took = time.monotonic() - asked
        slowest = max(slowest, took)
        message = refusal.message
        assert took < TIME_BOUND, (label, place.name, took)
        assert message.startswith("The process diagram could not run") and "Nothing was saved" in message
        if reason is not None:
            assert reason in message, (label, place.name, message)
        for secret in SECRETS:
            assert secret not in message, (label, place.name, message)
    # Every refused step rolled back: state and task rows as they were. The audit gained one event per
    # "script" incident opened for administrators: one per element that failed (repeats counted on it).
    after = _saved(runtime)
    opened = _assert_script_incidents(runtime, len(RUN_ATTEMPTS))
    assert (after[1], after[3]) == (before[1], before[3]) and after[2] == before[2] + opened
    print(f"\nstopped at run time: {len(RUN_ATTEMPTS)} attacks in {len(PLACES)} places; slowest {slowest:.2f}s")


def test_a_run_time_attack_through_the_api_answers_a_clear_error(runtime, people, attack_case, client):
    from service.accounts.api_tokens import issue_token
    from tests.service.conftest import ApiClient

    issued = issue_token(runtime.casework, people["adam"], "Housing system", ["caseworker"], runtime.clock.now())
    api = ApiClient(client, issued.token)
    route = next(n for n, attempt in enumerate(RUN_ATTEMPTS) if attempt[0] == "exponential time")
    assert api.post(f"/tasks/{attack_case.id}/claim").status_code == 409  # Casey holds it
    inbox_actions.unclaim(runtime.casework, people["casey"], attack_case.id)
    assert api.post(f"/tasks/{attack_case.id}/claim").status_code == 200
    before = _saved(runtime)
    asked = time.monotonic()
    response = api.post(f"/tasks/{attack_case.id}/complete", json={"route": f"r{route}", "ni_note": "AB123456C"})
    assert time.monotonic() - asked < TIME_BOUND
    assert response.status_code == 422
    message = response.json["error"]["message"]
    assert "ran for too long" in message and "Nothing was saved" in message
    assert not any(secret in response.get_data(as_text=True) for secret in SECRETS)
    assert _saved(runtime)[1] == before[1] and _saved(runtime)[2] == before[2] + 1  # + the incident opened
    assert _assert_script_incidents(runtime, 1) == 1


def _assert_script_incidents(runtime, occurrences: int) -> int:
    """Script incidents, one per failing element, counting ``occurrences`` refusals in all; returns how many."""
    from sqlalchemy import select

    from service.models import ProcessIncident

    with runtime.db.reading() as session:
        rows = list(session.scalars(select(ProcessIncident)))
    assert rows and {row.kind for row in rows} == {"script"}
    assert len({row.element_id for row in rows}) == len(rows)
    assert sum(row.occurrences for row in rows) == occurrences
    assert not any(secret in row.message for row in rows for secret in SECRETS)
    return len(rows)


def test_a_run_time_refusal_keeps_the_person_on_the_task_page_with_their_answers(runtime, people, attack_case,
                                                                                   client):
    from tests.service.conftest import csrf_token_from, sign_in

    route = next(n for n, attempt in enumerate(RUN_ATTEMPTS) if attempt[0] == "shared rows compared")
    before = _saved(runtime)
    sign_in(client, "casey")
    page = client.get(f"/tasks/{attack_case.id}")
    answer = {"task_id": attack_case.id, "route": f"r{route}", "ni_note": "my careful note",
              "csrf_token": csrf_token_from(page.get_data(as_text=True))}
    response = client.post(f"/tasks/{attack_case.id}", data=answer)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "too large to compare" in html and "Nothing was saved" in html
    assert 'value="my careful note"' in html and f'value="r{route}"' in html  # the answers are kept
    assert "Traceback" not in html
    after = _saved(runtime)  # rolled back; the audit gained only the "script" incident for administrators
    assert (after[1], after[3]) == (before[1], before[3]) and after[2] == before[2] + 1
    assert _assert_script_incidents(runtime, 1) == 1


def test_attacks_are_refused_by_the_deploy_command(app, runtime, tmp_path):
    import json

    (tmp_path / "bpmn").mkdir()
    (tmp_path / "forms").mkdir()
    attacks = [(place, as_script(place, attack)) for place, (_, attack) in zip(PLACES, COMPILE_TIME, strict=False)]
    (tmp_path / "bpmn" / "attacks.bpmn").write_text(diagram(attacks))
    for key, schema in FORMS.items():
        (tmp_path / "forms" / f"{key}.json").write_text(json.dumps(schema))
    result = app.test_cli_runner().invoke(args=["deploy", "--bpmn-dir", str(tmp_path / "bpmn"),
                                                "--forms-dir", str(tmp_path / "forms")])
    assert result.exit_code != 0 and "attacks.bpmn: refused: " in result.output
    assert "1 of 1 file(s) refused" in result.output
    for n in range(len(attacks)):
        assert f"Attack_{n}: The " in result.output and "does not compile safely" in result.output
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == 0
