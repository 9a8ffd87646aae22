"""The external tasks page: administrators only; by topic; who holds what until when; failures."""

from __future__ import annotations

from datetime import timedelta

from service.cases.cases import start_case
from service.tasks import external_tasks
from service.tasks.external_tasks import TopicRequest
from tests.service.conftest import deploy_fixture
from tests.service.reliability.conftest import ServiceAccount
from tests.service.views.conftest import text_of


def test_administrators_see_external_tasks_by_topic_with_locks_and_failures(client_request, runtime, people):
    client_request.login("casey").get("/admin/external-tasks", status=403)
    empty = client_request.login("adam").get("/admin/external-tasks")
    assert "No case is waiting on an external task." in text_of(empty.main)

    deploy_fixture(runtime, "housing_alert.bpmn")
    references = [start_case(runtime.casework, people["casey"], {"customer_reference": f"C-{n}"},
                                              process_id="housing_alert").reference for n in range(3)]
    worker = ServiceAccount(runtime, people["adam"], "Workers", ("worker",)).actor
    topics = [TopicRequest("housing-alert", timedelta(minutes=5))]
    [first] = external_tasks.fetch_and_lock(runtime.casework, worker, "hms-worker-1", topics, 1)
    [second] = external_tasks.fetch_and_lock(runtime.casework, worker, "hms-worker-1", topics, 1)
    external_tasks.report_failure(runtime.casework, worker, second.task.id, "hms-worker-1", "HMS refused the alert",
                                  None, retries=0, retry_timeout=timedelta(0))

    page = client_request.get("/admin/external-tasks")
    [summary] = page.select("#topics + table tbody tr")
    assert [text_of(cell) for cell in summary.select("td")] == ["housing-alert", "1", "1", "1"]
    rows = {text_of(row.select_one("td")): text_of(row) for row in page.select(".ubp-external-tasks tbody tr")}
    waiting = (set(references) - {first.business_key, second.business_key}).pop()
    assert "Locked by hms-worker-1 until 2 March 2026 at 9:35am" in rows[first.business_key]
    assert "Failed, no retries left" in rows[second.business_key]
    assert "HMS refused the alert" in rows[second.business_key]
    assert "Waiting since 2 March 2026 at 9:30am" in rows[waiting]
    other = client_request.get("/admin/external-tasks?topic=nothing-here")
    assert not other.select(".ubp-external-tasks")
