"""Reading external tasks: each topic's counts, the open tasks (by topic) with their cases, and the filtered lists."""

from __future__ import annotations

from datetime import timedelta

from service.cases.cases import start_case
from service.tasks import external_tasks
from service.tasks.external_task_listing import (
    ExternalTaskFilter,
    count_external_tasks,
    list_external_tasks,
    topic_overview,
)
from service.tasks.external_tasks import TopicRequest
from tests.service.conftest import deploy_fixture
from tests.service.reliability.conftest import ServiceAccount


def _three_alerts(runtime, people):
    deploy_fixture(runtime, "housing_alert.bpmn")
    references = [start_case(runtime.casework, people["casey"], {"customer_reference": f"C-{n}"},
                                              process_id="housing_alert").reference for n in range(3)]
    worker = ServiceAccount(runtime, people["adam"], "Workers", ("worker",)).actor
    [locked] = external_tasks.fetch_and_lock(runtime.casework, worker, "hms-worker-1",
                                             [TopicRequest("housing-alert", timedelta(minutes=5))], 1)
    return references, locked


def test_the_overview_counts_each_topic_and_names_each_tasks_case(runtime, people):
    empty = topic_overview(runtime.casework, None, 10)
    assert (empty.summaries, empty.rows, empty.references) == ([], [], {})
    references, locked = _three_alerts(runtime, people)
    overview = topic_overview(runtime.casework, None, 2)
    [summary] = overview.summaries
    assert (summary.topic, summary.waiting, summary.locked, summary.failed) == ("housing-alert", 2, 1, 0)
    assert len(overview.rows) == 2 and overview.now == runtime.clock.now()
    assert {overview.references[row.task.case_id] for row in overview.rows} <= set(references)
    assert topic_overview(runtime.casework, "nothing-here", 10).rows == []
    assert locked.business_key in references


def test_the_lists_filter_page_and_count(runtime, people):
    references, locked = _three_alerts(runtime, people)
    assert count_external_tasks(runtime.casework, ExternalTaskFilter()) == 3
    assert count_external_tasks(runtime.casework, ExternalTaskFilter(locked=True)) == 1
    [only] = list_external_tasks(runtime.casework, ExternalTaskFilter(worker_id="hms-worker-1"))
    assert only.task.id == locked.task.id
    everything = list_external_tasks(runtime.casework, ExternalTaskFilter())
    assert [row.task.id for row in list_external_tasks(runtime.casework, ExternalTaskFilter(), first=1,
                                                       max_results=1)] == [everything[1].task.id]
