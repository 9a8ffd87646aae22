"""The platform's demo for ``make run``: a person for every role, then each pack's demo cases, once."""

from __future__ import annotations

from service import demo
from service.demo import DEMO_USERS, seed_demo
from tests.service.conftest import deploy_fixture
from tests.service.views.conftest import start_case


def test_the_demo_makes_everyone_then_each_packs_cases_and_nothing_more_once_there_are_cases(runtime, monkeypatch):
    deploy_fixture(runtime, "three_tasks.bpmn")
    monkeypatch.setenv("DEMO_PASSWORD", "demo password for tests")
    given = []

    def a_packs_demo(casework, people):
        given.append((casework, sorted(people)))
        start_case(runtime, people["caseworker"])
        yield "  one case"

    monkeypatch.setattr(demo, "demos", lambda: (a_packs_demo,))
    lines = list(seed_demo(runtime))
    assert lines[0] == "Demo sign-ins:" and lines[-2:] == ["  password for all of them: demo password for tests",
                                                           "  one case"]
    assert given == [(runtime.casework, sorted(username for username, *_ in DEMO_USERS))]
    again = list(seed_demo(runtime))
    assert again[-1] == "Demo cases already exist; nothing added." and len(given) == 1
