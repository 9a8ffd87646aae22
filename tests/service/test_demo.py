from sqlalchemy import func, select

from service.cli import deploy_directory
from service.demo import seed_demo
from service.models import Case, Letter, Restriction


def test_the_demo_seeds_every_role_and_cases_at_different_stages_once(runtime, monkeypatch):
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
