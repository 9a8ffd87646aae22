"""schemathesis against /api/v1/openapi.json, in-process: no 5xx, and every answer as documented.

Every operation is fuzzed with data that fits its schema and with data that does not, and once
more with the path naming a real case or task (random references only ever find nothing). The
token holds every role, and the policy process is deployed, so requests reach the
handlers rather than stopping at a 403. Examples are bounded and derandomized: the same cases run
in every CI run, in well under a minute; the count is printed.

The document is as strict as the validation: data that fits it is accepted (no 400 or 422 for a
schema-valid request, schemathesis' ST202), except where the body is a process's own form ("the
step's form": which form depends on the process and the task, so the document cannot say more).
Diagrams and forms sent to be deployed are the same case. Every other built-in check runs everywhere.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.accounts.api_tokens import issue_token
from service.people.actors import account_roles
from tests.bpmn import samples

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

EXAMPLES = 20  # per operation and kind of data


@pytest.fixture
def real_ids(policy, api_as):
    """A case with an open task held by the fuzzing token's account, to aim some requests at."""
    api = api_as("caseworker")
    reference = api.post("/cases", json=samples.incident()).json["reference"]
    task_id = api.get(f"/cases/{reference}").json["open_tasks"][0]["id"]
    return {"reference": reference, "task_id": task_id}


def _strategies(operation, headers: dict[str, str], real_ids: dict[str, str]):
    yield operation.as_strategy(GenerationMode.POSITIVE, headers=headers)
    if len(operation.path_parameters) or len(operation.query) or len(operation.body):
        # An operation that takes nothing (a plain list) has no wrong data to send.
        yield operation.as_strategy(GenerationMode.NEGATIVE, headers=headers)
    named = {p.name for p in operation.path_parameters}
    if named:
        fixed = {name: value for name, value in real_ids.items() if name in named}
        yield operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=fixed)


def _takes_a_process_form(operation) -> bool:
    """Whether the body (or a part of it) is a process's form, or a diagram: what is valid there depends on
    the process (its forms, its BPMN), which no JSON Schema can spell out."""
    text = str(operation.definition.raw.get("requestBody", {}))
    return "FormData" in text or "'bpmn'" in text or "multipart/form-data" in text


def _fuzz(strategy, operation, ran: dict[str, int], statuses: dict[int, int], failures: list[str]) -> None:
    form = _takes_a_process_form(operation)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def answers_as_documented(case):
        response = case.call()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        ran[operation.label] = ran.get(operation.label, 0) + 1
        # GET /tasks takes assignee or group, never both: a rule across two query parameters, which
        # OpenAPI cannot state (the description does; the answer is 422).
        both = operation.label == "GET /tasks" and {"assignee", "group"} <= set(case.query or {})
        try:
            case.validate_response(response, excluded_checks=[positive_data_acceptance] if form or both else [])
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failures, not just the first one's
            kinds = sorted({type(f).__name__ for f in getattr(failure, "exceptions", [failure])})
            failures.append(f"{operation.label} {case.query or ''}: {', '.join(kinds)}: {response.status_code} "
                            f"{response.text[:160]}")

    answers_as_documented()


def test_every_answer_is_as_the_openapi_document_says(app, policy, people, real_ids, runtime):
    # Every role but admin: the fuzzer would otherwise deactivate the accounts it is calling with.
    roles = [r for r in account_roles() if r != "admin"]
    issued = issue_token(runtime.casework, people["adam"], "Fuzzer", roles, runtime.clock.now())
    headers = {"Authorization": f"Bearer {issued.token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran: dict[str, int] = {}
    statuses: dict[int, int] = {}
    failures: list[str] = []

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for strategy in _strategies(operation, headers, real_ids):
            _fuzz(strategy, operation, ran, statuses, failures)

    assert len(ran) == len(operations) >= 11
    assert failures == [], "\n".join(dict.fromkeys(failures))
    assert not [status for status in statuses if status >= 500], statuses
    print(f"\nschemathesis: {sum(ran.values())} cases over {len(ran)} operations; "
          f"statuses {dict(sorted(statuses.items()))}")
