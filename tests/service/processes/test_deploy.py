"""Deploying: what a deploy that sends no forms keeps from the latest versions."""

from __future__ import annotations

from service.dao import processes_dao
from service.processes.deploy import latest_forms
from tests.service.conftest import deploy_fixture


def test_the_latest_versions_forms_are_kept_and_a_process_never_deployed_adds_none(runtime):
    assert latest_forms(runtime.casework, ["three_tasks"]) == {}
    deploy_fixture(runtime, "three_tasks.bpmn")
    with runtime.db.reading() as session:
        forms = processes_dao.get_latest_version(session, "three_tasks").forms
    assert forms and latest_forms(runtime.casework, ["three_tasks", "never_deployed"]) == forms
