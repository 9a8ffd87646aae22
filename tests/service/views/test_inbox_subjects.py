"""Who a case is about, in the inbox and the auditors' pages: a process whose pack has a subject (the policy's
customer, ``Pack.subject``) shows it; the anti-social behaviour report, a process with no pack, shows nothing
there, in the same lists."""

from __future__ import annotations

import csv
import io

import pytest

from service.cases.cases import start_case as start
from service.people import groups
from tests.service.views.conftest import start_case, text_of

REPORT = {"what_happened": "Loud music.", "happened_on": "2026-03-01", "location": "Hill House",
          "reported_by": "Sam Neighbour"}


@pytest.fixture
def both(runtime, people, three_tasks, asb_report):
    """A case about a customer (a process of the test pack, which has the policy's subject) and an ASB report;
    Cora, a caseworker, is in the ASB team too, so both first tasks are offered to her."""
    groups.create_group(runtime.casework, people["adam"], name="asb-team", label="Anti-social behaviour team",
                        description="", now=runtime.clock.now())
    groups.add_member(runtime.casework, people["adam"], "asb-team", "cora", runtime.clock.now())
    customer_case = start_case(runtime, people["casey"], "C-4242", "Pat Doe")
    report = start(runtime.casework, people["cora"], REPORT, process_id="asb_report").reference
    return customer_case, report


def _cells(table) -> tuple[list[str], dict[str, list[str]]]:
    """The table's headings, and each row's cells by the case reference in its second cell."""
    headings = [text_of(th) for th in table.select("thead th")]
    rows = [[text_of(td) for td in tr.select("td")] for tr in table.select("tbody tr")]
    return headings, {row[headings.index("Case")]: row for row in rows}


def test_the_inbox_shows_the_customer_of_a_case_that_has_one_and_nothing_for_an_asb_report(client_request, both):
    customer_case, report = both
    page = client_request.login("cora").get("/tasks", tab="groups")
    headings, rows = _cells(page.select_one("table.ubp-inbox"))
    column = headings.index("Customer")
    assert rows[customer_case][column] == "Pat Doe (C-4242)"
    assert rows[report][column] == ""
    assert text_of(page.select_one("label[for=filter-customer]")) == "Customer name or reference"

    found = client_request.get("/tasks", tab="groups", customer="4242")
    assert list(_cells(found.select_one("table.ubp-inbox"))[1]) == [customer_case]
    by_reference = client_request.get("/tasks", tab="groups", case_reference=report)
    assert list(_cells(by_reference.select_one("table.ubp-inbox"))[1]) == [report]


def test_the_overdue_list_shows_the_customer_and_nothing_for_an_asb_report(client_request, both, runtime):
    customer_case, report = both
    runtime.clock.advance(days=60)
    page = client_request.login("hana").get("/tasks/overdue")
    headings, rows = _cells(page.select_one("main table"))
    column = headings.index("Customer")
    assert rows[customer_case][column] == "Pat Doe" and rows[report][column] == ""


def test_the_auditors_case_search_and_its_csv_show_no_customer_for_an_asb_report(client_request, both):
    customer_case, report = both
    auditor = client_request.login("audrey")
    page = auditor.get("/audit/cases")
    headings, rows = _cells(page.select_one("main table"))
    column = headings.index("Customer")
    assert rows[customer_case][column] == "Pat Doe (C-4242)" and rows[report][column] == ""
    assert text_of(page.select_one("label[for=q]")) == "Case or customer"
    found = auditor.get("/audit/cases", q="pat doe")
    assert list(_cells(found.select_one("main table"))[1]) == [customer_case]

    lines = list(csv.reader(io.StringIO(auditor.get_response("/audit/cases.csv").get_data(as_text=True))))
    assert lines[0][:3] == ["Case reference", "Customer reference", "Customer name"]
    by_case = {line[0]: line for line in lines[1:]}
    assert by_case[customer_case][1:3] == ["C-4242", "Pat Doe"] and by_case[report][1:3] == ["", ""]


def test_the_case_history_of_an_asb_report_names_no_customer_and_lists_no_letters(client_request, both):
    customer_case, report = both
    auditor = client_request.login("audrey")
    history = auditor.get(f"/audit/cases/{customer_case}")
    assert text_of(history.select_one(".govuk-caption-l")) == "Pat Doe (C-4242)"
    assert text_of(history.select_one("#letters")) == "Letters"  # the policy's section (Pack.history_panels)
    asb = auditor.get(f"/audit/cases/{report}")
    assert asb.select_one(".govuk-caption-l") is None and asb.select_one("#letters") is None
    assert asb.h1.get_text(strip=True) == f"History of case {report}"


def test_the_case_and_task_pages_name_the_customer_and_nothing_for_an_asb_report(client_request, both, runtime):
    customer_case, report = both
    cora = client_request.login("cora")
    case = cora.get(f"/cases/{customer_case}")
    caption = case.select_one(".govuk-caption-l")
    assert text_of(caption) == "Pat Doe (C-4242)" and caption.a["href"] == "/customers/C-4242"
    asb = cora.get(f"/cases/{report}")
    assert text_of(asb.select_one(".govuk-caption-l")) == "Anti-social behaviour report"
