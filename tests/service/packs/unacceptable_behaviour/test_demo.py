"""The policy's demo cases (``Pack.demo``), seeded by ``make run`` after the demo people."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from service.cli import deploy_directory
from service.demo import seed_demo
from service.models import Case
from service.packs.unacceptable_behaviour.models import Letter, Restriction


def test_the_demo_seeds_cases_at_different_stages_once(runtime, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password for tests")
    deploy_directory(runtime, runtime.settings.bpmn_dir, runtime.settings.forms_dir, "tests")
    lines = list(seed_demo(runtime))
    assert any("password for all of them" in line for line in lines)
    with runtime.db.reading() as session:
        stages = set(session.scalars(select(Case.stage)))
        assert session.scalar(select(func.count()).select_from(Case)) == 6
        assert session.scalar(select(func.count()).select_from(Restriction).where(Restriction.status == "active"))
        assert session.scalar(select(func.count()).select_from(Letter)) == 2
    assert {"Assess the incident", "Closed", "Approve the proposed action", "Hear the appeal"} <= stages
    again = list(seed_demo(runtime))
    assert any("already exist" in line for line in again)


def test_the_demo_seeds_at_any_time_of_day(runtime, clock, monkeypatch):
    # Just after midnight in London (summer time): no demo incident may be later than now, and every
    # date the demo gives follows the London calendar the forms' rules read.
    clock.set(datetime(2026, 6, 30, 23, 10, tzinfo=UTC))
    monkeypatch.setenv("DEMO_PASSWORD", "demo password for tests")
    deploy_directory(runtime, runtime.settings.bpmn_dir, runtime.settings.forms_dir, "tests")
    list(seed_demo(runtime))
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 6
