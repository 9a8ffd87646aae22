"""The sandbox every BPMN expression and script runs in: what works, what is refused, and that a
workflow restored from storage must be given the sandboxed engine again."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from workflows.sandbox import SandboxedEnvironment, SandboxError, compile_problems, make_script_engine
from workflows.sandbox.compiler import compile_sandboxed


def add_months(iso_date: str, months: int) -> str:
    return f"{iso_date}+{months}m"  # a stand-in: the real helper lives with the calendar


def task_data() -> dict:
    return {
        "decision": "approve",
        "categories": ["harassment", "damage"],
        "case": {"id": "UB-7", "tenant": {"name": "Jane Secret", "ni_number": "AB123456C"}},
        "x": 5,
    }


@pytest.fixture
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment({"add_months": add_months})


# -- what works ------------------------------------------------------------------------------

ALLOWED = [
    ("decision == 'approve'", True),
    ("'harassment' in categories", True),
    ("[c.upper() for c in categories if c != 'damage']", ["HARASSMENT"]),
    ("{c: len(c) for c in categories}", {"harassment": 10, "damage": 6}),
    ("case.get('id')", "UB-7"),
    ("case['tenant'].get('missing', 'none')", "none"),
    ("'%s-%d' % (decision, x)", "approve-5"),
    ("f'{decision}:{x!r}'", "approve:5"),
    ("', '.join(sorted(categories))", "damage, harassment"),
    ("sum(range(10)) + 2 ** 10 - x", 1064),
    ("add_months('2024-01-31', 6)", "2024-01-31+6m"),
    ("[*categories, 'other'][-1]", "other"),
    ("max(len(c) for c in categories)", 10),
]


@pytest.mark.parametrize(("expression", "expected"), ALLOWED)
def test_allowed_expressions_evaluate(env, expression, expected):
    assert env.evaluate(expression, task_data()) == expected


def test_script_assigns_task_data_in_place_and_leaves_no_callables(env):
    data = task_data()
    script = (
        "months = 6\n"
        "end = add_months('2024-01-31', months)\n"
        "case['reviewed'] = True\n"
        "def shout(text):\n"
        "    return text.upper()\n"
        "loud = shout(decision)\n"
        "total = 0\n"
        "for category in categories:\n"
        "    total += len(category)\n"
        "del x\n"
    )
    assert env.execute(script, data) is True
    expected = task_data()
    del expected["x"]
    expected["case"]["reviewed"] = True
    expected.update(months=6, end="2024-01-31+6m", loud="APPROVE", total=16, category="damage")
    assert data == expected


def test_a_failed_script_changes_no_top_level_value(env):
    data = {"count": 1, "case": {}}
    with pytest.raises(SandboxError, match=r"a key was not found in a dictionary \(line 2\)"):
        env.execute("count = 2\nmissing = case['nope']\n", data)
    assert data == {"count": 1, "case": {}}


def test_a_script_may_not_replace_a_helper_function(env):
    with pytest.raises(SandboxError, match="may not assign to the helper function 'add_months'"):
        env.execute("add_months = 1", {})
    with pytest.raises(SandboxError, match="field named like the helper function 'add_months'"):
        env.execute("y = 1", {"add_months": "2024-01-01"})


def test_helper_names_must_be_plain_identifiers():
    with pytest.raises(ValueError, match="must be an identifier"):
        SandboxedEnvironment({"_getattr_": getattr})


def test_compiled_code_is_cached():
    assert compile_sandboxed("decision == 'approve'", "eval") is compile_sandboxed("decision == 'approve'", "eval")


# -- what is refused ---------------------------------------------------------------------------

# The inner range is charged up front, so the refusal comes from the count, not from the clock.
NESTED_BLOW_UP = "[[y for y in range(99_999)] for z in range(1000)]"
EXPONENTIAL = "(lambda f: f(f, 40))(lambda g, n: n and g(g, n - 1) + g(g, n - 1))"

# Each is refused in an expression and as the right-hand side of a script assignment.
REFUSED = [
    ("import", "__import__('os')", 'starts with "_"'),
    ("open", "open('/etc/passwd')", "open() is not available"),
    ("subclasses", "().__class__.__base__.__subclasses__()", 'starts with "_"'),
    ("class", "x.__class__", 'starts with "_"'),
    ("getattr", "getattr(getattr(x, '__class__'), '__subclasses__')", "getattr() is not available"),
    ("format-walk", "'{0.__class__}'.format(x)", '"format" is not available'),
    ("format-width", "'{:>999999999}'.format(1)", '"format" is not available'),
    ("percent-width", "'%999999999d' % 1", "the result is too large"),
    ("f-string-width", "f'{x:>999999999}'", "format specifications in f-strings"),
    ("power", "10 ** 10 ** 9", "the result is too large"),
    ("text-repeat", "'a' * 10 ** 10", "the result is too large"),
    ("list-repeat", "[0] * 10 ** 9", "the result is too large"),
    ("shift", "1 << 10 ** 9", "the result is too large"),
    ("shared-rows", "str([[0] * 100000] * 100000)", "the result is too large"),
    ("huge-range", "[x for x in range(10 ** 9)]", "a range may have at most 100000 numbers"),
    ("huge-sum", "sum(range(10 ** 12))", "a range may have at most 100000 numbers"),
    ("nested-comprehensions", NESTED_BLOW_UP, "the expression repeated too many times"),
    ("lambda-recursion", "(lambda f: f(f))(lambda f: f(f))", "the expression called itself too deeply"),
    ("lambda-exponential", EXPONENTIAL, "the expression ran for too long"),
    ("round", "round(1, -10 ** 9)", "round() takes at most 100 digits"),
    ("sum-lists", "sum([[1]] * 3, [])", "sum() only adds numbers"),
    ("globals", "globals()", "globals() is not available"),
    ("print", "print(case)", "print is not available"),
    ("grow-task-data", "case.update({'rows': [[0] * 100000] * 100})", "too large"),
]


@pytest.mark.parametrize(("expression", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_in_an_expression(env, expression, reason, capsys):
    with pytest.raises(SandboxError) as refused:
        env.evaluate(expression, task_data())
    assert reason in str(refused.value)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(("expression", "reason"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_refused_in_a_script(env, expression, reason, capsys):
    data = task_data()
    with pytest.raises(SandboxError) as refused:
        env.execute(f"leak = {expression}", data)
    assert reason in str(refused.value)
    assert "leak" not in data
    assert capsys.readouterr().out == ""


STATEMENTS = [
    ("while-true", "while True:\n    pass\n", "the expression ran for too long (line "),
    ("recursion", "def f(n):\n    return f(n + 1)\nf(0)\n", "the expression called itself too deeply (line 2)"),
    ("exponential", "def f(n):\n    return n and f(n - 1) + f(n - 1)\nf(40)\n", "the expression ran for too long"),
    ("import", "import os\n", "import is not allowed"),
    ("hide-the-clock", "try:\n    while True:\n        pass\nexcept:\n    pass\n", "try/except is not allowed"),
    ("kept-iterator", "pairs = zip(categories, categories)\n", "the result holds a value that cannot be stored"),
]


@pytest.mark.parametrize(("script", "reason"), [s[1:] for s in STATEMENTS], ids=[s[0] for s in STATEMENTS])
def test_refused_statements(env, script, reason):
    with pytest.raises(SandboxError) as refused:
        env.execute(script, task_data())
    assert reason in str(refused.value)
    with pytest.raises(SandboxError, match="is refused"):
        env.evaluate(script, task_data())  # a statement is not an expression at all


MESSAGES = [
    ("case['tenant']['nino']", "a key was not found in a dictionary"),
    ("int(case['tenant']['ni_number'])", "a value is not valid for this operation"),
    ("case['tenant']['name'] + 1", "a value has the wrong type for this operation"),
    ("case['tenant']['name'].format_map(case)",
     'the expression is refused: Line 1: "format_map" is not available on any value'),
    ("tenant_nam == 'x'", "the name 'tenant_nam' is not defined"),
]


@pytest.mark.parametrize(("expression", "reason"), MESSAGES)
def test_messages_never_repeat_task_data(env, expression, reason):
    with pytest.raises(SandboxError) as refused:
        env.evaluate(expression, task_data())
    assert str(refused.value) == reason
    # The original error (whose message quotes the data) is not even kept as the context.
    assert refused.value.__cause__ is None and refused.value.__context__ is None


def test_compile_problems_refuses_without_running():
    assert compile_problems("decision == 'approve'", "eval") == []
    assert compile_problems("while True:\n    pass\n", "exec") == []  # compiles; the clock stops it at run time
    assert compile_problems("x ==", "eval") == ["Line 1: invalid syntax"]
    # Python's own wording, which 3.13 made more specific ("with 'str' literal").
    [is_literal] = compile_problems("x is 'a'", "eval")
    assert is_literal.startswith('Line 1: "is" with') and is_literal.endswith('Did you mean "=="?')
    assert 'starts with "_"' in compile_problems("__import__('os').system('id')", "eval")[0]
    assert "print is not available" in compile_problems("print(1)", "exec")[0]


# -- the clock -----------------------------------------------------------------------------------

def test_the_clock_works_in_a_worker_thread():
    quick = SandboxedEnvironment(time_limit_s=0.05)
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(quick.execute, "while True:\n    pass\n", {})
        with pytest.raises(SandboxError, match="ran for too long"):
            future.result(timeout=60)  # only so a broken clock fails the test instead of hanging it


def test_the_clock_restores_the_tracer_it_found():
    quick = SandboxedEnvironment(time_limit_s=0.05)

    def tracer(frame, event, arg):
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        quick.evaluate("decision == 'approve'", task_data())
        with pytest.raises(SandboxError):
            quick.execute("while True:\n    pass\n", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


# -- through SpiffWorkflow -------------------------------------------------------------------------

# A person picks a route; each route leads to one attack: a gateway condition, a script task, a
# timer duration, and a typo whose stock NameError note would list task-data keys.
ATTACK_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_attacks"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="attacks" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_start" sourceRef="StartEvent_1" targetRef="Task_choose"/>
    <bpmn:userTask id="Task_choose" name="Choose a route">
      <bpmn:incoming>Flow_start</bpmn:incoming><bpmn:outgoing>Flow_chosen</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_chosen" sourceRef="Task_choose" targetRef="Gateway_route"/>
    <bpmn:exclusiveGateway id="Gateway_route"><bpmn:incoming>Flow_chosen</bpmn:incoming></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Flow_gateway" sourceRef="Gateway_route" targetRef="Gateway_attack">
      <bpmn:conditionExpression>route == 'gateway'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_script" sourceRef="Gateway_route" targetRef="Script_attack">
      <bpmn:conditionExpression>route == 'script'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_timer" sourceRef="Gateway_route" targetRef="Timer_attack">
      <bpmn:conditionExpression>route == 'timer'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_typo" sourceRef="Gateway_route" targetRef="Script_typo">
      <bpmn:conditionExpression>route == 'typo'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:exclusiveGateway id="Gateway_attack"/>
    <bpmn:sequenceFlow id="Flow_pwned" sourceRef="Gateway_attack" targetRef="EndEvent_1">
      <bpmn:conditionExpression>__import__('os').system('echo pwned') == 0</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_safe" sourceRef="Gateway_attack" targetRef="EndEvent_1">
      <bpmn:conditionExpression>route != 'gateway'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:scriptTask id="Script_attack">
      <bpmn:script>note = 'checked'
leak = '{0.__class__.__mro__}'.format(route)</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_script_done" sourceRef="Script_attack" targetRef="EndEvent_1"/>
    <bpmn:intermediateCatchEvent id="Timer_attack">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration>'PT%sS' % (10 ** 10 ** 9)</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_timer_done" sourceRef="Timer_attack" targetRef="EndEvent_1"/>
    <bpmn:scriptTask id="Script_typo"><bpmn:script>flag = tenant_nam == 'x'</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="Flow_typo_done" sourceRef="Script_typo" targetRef="EndEvent_1"/>
    <bpmn:endEvent id="EndEvent_1"/>
  </bpmn:process>
</bpmn:definitions>
"""
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
ROUTES = [
    ("gateway", '"__import__" is an invalid variable name because it starts with "_"'),
    ("script", '"format" is not available on any value'),
    ("timer", "the result is too large"),
    ("typo", "the name 'tenant_nam' is not defined"),
]


@pytest.fixture(scope="module")
def attack_spec():
    parser = CamundaParser()
    parser.add_bpmn_xml(etree.fromstring(ATTACK_DIAGRAM.encode()))
    return parser.get_spec("attacks")


def choose_route(workflow: BpmnWorkflow, route: str) -> None:
    task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data.update(route=route, tenant_name="Jane Secret")
    task.run()
    workflow.do_engine_steps()


def assert_refused(workflow: BpmnWorkflow, route: str, reason: str) -> None:
    with pytest.raises(WorkflowTaskException) as refused:
        choose_route(workflow, route)
    assert isinstance(refused.value.__cause__, SandboxError)
    message = str(refused.value)
    assert reason in message
    assert "Jane Secret" not in message and "tenant_name" not in message


@pytest.mark.parametrize(("route", "reason"), ROUTES)
def test_diagram_attacks_are_refused_before_and_after_a_save(attack_spec, route, reason):
    workflow = BpmnWorkflow(attack_spec, script_engine=make_script_engine())
    workflow.do_engine_steps()
    saved = SERIALIZER.serialize_json(workflow)  # waiting for a person: when cases are stored

    assert_refused(workflow, route, reason)

    restored = SERIALIZER.deserialize_json(saved)
    # SpiffWorkflow gives a restored workflow its default engine, plain eval/exec with every
    # builtin; nothing in the saved state remembers ours. So the engine must set ours on each load.
    assert type(restored.script_engine) is PythonScriptEngine
    assert type(restored.script_engine.environment) is TaskDataEnvironment
    restored.script_engine = make_script_engine()
    assert_refused(restored, route, reason)
