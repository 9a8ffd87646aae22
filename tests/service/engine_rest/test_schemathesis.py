"""schemathesis against /engine-rest/openapi.json, in-process: no 5xx but the documented ones, and every
answer as documented. Tokens hold every API role, and a process with an external task and a case
waiting at it are there, so requests reach the handlers. Bounded and derandomized, as for /api/v1.

Long polling is turned off here (asyncResponseTimeout is cut to nothing), or each fetch would wait.
"""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.accounts.api_tokens import issue_token
from service.cases.cases import start_case
from service.engine_rest import external_tasks as external_task_routes
from service.people.actors import account_roles
from tests.service.conftest import deploy_fixture

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

EXAMPLES = 15


def test_every_engine_rest_answer_is_as_documented(app, people, runtime, monkeypatch):
    monkeypatch.setattr(external_task_routes, "MAX_POLL_SECONDS", 0.0)
    deploy_fixture(runtime, "housing_alert.bpmn")
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"},
                                            process_id="housing_alert").reference
    issued = issue_token(runtime.casework, people["adam"], "Fuzzer", list(account_roles()), runtime.clock.now())
    headers = {"Authorization": f"Bearer {issued.token}"}
    schema = schemathesis.openapi.from_wsgi("/engine-rest/openapi.json", app)
    real = {"id": reference, "key": "housing_alert"}
    ran: dict[str, int] = {}
    statuses: dict[int, int] = {}

    def fuzz(strategy, label: str) -> None:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def answers_as_documented(case):
            response = case.call()
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            ran[label] = ran.get(label, 0) + 1
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        answers_as_documented()

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        fuzz(operation.as_strategy(GenerationMode.POSITIVE, headers=headers), operation.label)
        # Some operations take nothing that can be made invalid (GET /version takes no input at all).
        with contextlib.suppress(Unsatisfiable):
            fuzz(operation.as_strategy(GenerationMode.NEGATIVE, headers=headers), operation.label)
        named = {p.name for p in operation.path_parameters}
        if named and named <= set(real):
            fixed = {name: real[name] for name in named}
            fuzz(operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=fixed),
                 operation.label)

    assert len(ran) == len(operations) >= 30
    assert not [status for status in statuses if status >= 500 and status != 503], statuses
    print(f"\nschemathesis /engine-rest: {sum(ran.values())} cases over {len(ran)} operations; "
          f"statuses {dict(sorted(statuses.items()))}")
