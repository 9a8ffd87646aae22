"""Reading cases as process instances: filtered pages, a count, one by reference, several in order."""

from __future__ import annotations

import pytest

from service.cases.cases import start_case
from service.cases.instance_listing import (
    InstanceFilter,
    count_instances,
    instance_row,
    instance_rows,
    list_instances,
)
from tests.service.conftest import deploy_fixture


@pytest.fixture
def three_cases(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    return [start_case(runtime.casework, people["casey"], {"customer_reference": f"C-{n}"}, process_id="three_tasks",
                                        business_key="chosen" if n == 2 else None).reference for n in range(3)]


def test_instances_are_listed_a_page_at_a_time_and_counted(runtime, three_cases):
    everything = InstanceFilter(process_definition_key="three_tasks")
    assert count_instances(runtime.casework, everything) == 3
    assert count_instances(runtime.casework, InstanceFilter(process_definition_key="nothing")) == 0
    listed = [row.instance.business_key for row in list_instances(runtime.casework, everything, 0, 10)]
    assert sorted(listed) == sorted(three_cases)
    assert [row.instance.business_key for row in list_instances(runtime.casework, everything, 1, 1)] == listed[1:2]
    [chosen] = list_instances(runtime.casework, InstanceFilter(business_key="chosen"), 0, 10)
    assert chosen.instance.business_key == three_cases[2] and chosen.version.process_id == "three_tasks"


def test_instances_by_reference_keep_the_order_asked_and_leave_out_unknown_ones(runtime, three_cases):
    assert instance_row(runtime.casework, three_cases[1]).instance.business_key == three_cases[1]
    assert instance_row(runtime.casework, "UB-NOPE") is None
    rows = instance_rows(runtime.casework, [three_cases[2], "UB-NOPE", three_cases[0]])
    assert [row.instance.business_key for row in rows] == [three_cases[2], three_cases[0]]
