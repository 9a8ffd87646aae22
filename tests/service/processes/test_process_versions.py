"""Reading deployed versions: the newest of a process, a page of versions, versions by row id."""

from __future__ import annotations

from service.processes.process_versions import latest_version, versions_by_id, versions_page
from tests.service.conftest import FIXTURES, deploy_fixture


def _two_versions_and_another_process(runtime):
    first = deploy_fixture(runtime, "three_tasks.bpmn")
    content = (FIXTURES / "three_tasks.bpmn").read_bytes().replace(b'name="Three tasks"', b'name="Three tasks, again"')
    second = deploy_fixture(runtime, "three_tasks.bpmn", content)
    deploy_fixture(runtime, "restriction_clock.bpmn")
    return first.versions[0], second.versions[0]


def test_the_latest_version_is_the_newest_and_none_for_a_process_never_deployed(runtime):
    assert latest_version(runtime.casework, "three_tasks") is None
    _, second = _two_versions_and_another_process(runtime)
    newest = latest_version(runtime.casework, "three_tasks")
    assert (newest.id, newest.version, newest.name) == (second.version_id, 2, "Three tasks, again")


def test_versions_are_paged_by_process_and_number_and_found_by_id_in_the_order_asked(runtime):
    first, second = _two_versions_and_another_process(runtime)
    every = [(v.process_id, v.version) for v in versions_page(runtime.casework, None, False, 0, 10)]
    assert every == [("restriction_clock", 1), ("three_tasks", 1), ("three_tasks", 2)]
    assert [(v.process_id, v.version) for v in versions_page(runtime.casework, None, True, 0, 10)] == [
        ("restriction_clock", 1), ("three_tasks", 2)]
    assert [v.version for v in versions_page(runtime.casework, "three_tasks", False, 1, 1)] == [2]
    assert [v.id for v in versions_by_id(runtime.casework, [second.version_id, first.version_id])] == [
        second.version_id, first.version_id]
