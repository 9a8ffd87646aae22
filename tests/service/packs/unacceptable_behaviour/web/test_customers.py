"""Finding a customer, their cases, and the banner that says what contact is allowed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from service.dao import cases_dao
from service.models import AccessLogEntry
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.models import Restriction
from tests.service.views.conftest import start_case, text_of


def _restrict(runtime, reference: str, kind: str, details: dict, status: str = "active") -> None:
    with runtime.db.transaction() as session:
        case = cases_dao.get_case_by_reference(session, reference)
        customer_id = customers_dao.customer_id_of_case(session, case.id)
        session.add(Restriction(case_id=case.id, customer_id=customer_id, kind=kind, details=details,
                                starts_on=date(2026, 3, 2), ends_on=date(2027, 3, 2), status=status, reasons="",
                                created_at=runtime.clock.now()))


def test_search_finds_customers_by_reference_or_name(client_request, three_tasks, people):
    start_case(three_tasks, people["casey"], "C-100", "Pat Doe")
    start_case(three_tasks, people["casey"], "C-200", "Alex Roe")
    client_request.login("audrey")
    empty = client_request.get("/customers")
    assert empty.h1.get_text(strip=True) == "Find a customer" and empty.select_one("table") is None
    by_name = client_request.get("/customers", q="pat")
    assert [text_of(a) for a in by_name.select("tbody a")] == ["Pat Doe"]
    assert by_name.select_one("tbody a")["href"] == "/customers/C-100"
    by_reference = client_request.get("/customers", q="c-200")
    assert [text_of(a) for a in by_reference.select("tbody a")] == ["Alex Roe"]
    nothing = client_request.get("/customers", q="nobody")
    assert "0 customers found" in text_of(nothing.main)


def test_the_customer_page_lists_every_case(client_request, three_tasks, people, runtime):
    first = start_case(three_tasks, people["casey"])
    runtime.clock.advance(days=1)
    second = start_case(three_tasks, people["casey"])
    page = client_request.login("casey").get("/customers/c-100")
    assert page.h1.get_text(strip=True) == "Pat Doe"
    assert [text_of(a) for a in page.select("tbody a")] == [second, first]
    assert page.select_one(".ubp-restriction-banner") is None
    assert "No restriction is in force" in text_of(page.main)
    with runtime.db.reading() as session:
        entry = session.scalars(select(AccessLogEntry)).one()
    assert (entry.subject_kind, entry.subject_reference) == ("customer", "C-100")


def test_an_active_restriction_is_a_banner_saying_exactly_what_contact_is_allowed(client_request, three_tasks,
                                                                                 people, runtime):
    reference = start_case(three_tasks, people["casey"])
    _restrict(runtime, reference, "single_point_of_contact", {"contact_person": "A. Patel, senior caseworker"})
    _restrict(runtime, reference, "single_communication_method", {"contact_method": "email"})
    _restrict(runtime, reference, "restricted_contact", {"contact_limits": "Repairs only, Tuesdays 10am to 12pm"})
    _restrict(runtime, reference, "no_further_communication", {"closed_matter": "The 2025 parking complaint"},
              status="lifted_on_appeal")
    page = client_request.login("audrey").get("/customers/C-100")
    banner = page.select_one(".ubp-restriction-banner")
    assert banner["role"] == "region"
    heading = banner.select_one("h2")
    assert banner["aria-labelledby"] == heading["id"]
    assert text_of(heading) == "Contact with this customer is restricted"
    assert [text_of(li) for li in banner.select("li")] == [
        "All contact goes through one person: A. Patel, senior caseworker. Pass anything the customer raises to them.",
        "The customer may contact us only by email.",
        "Contact is limited to: Repairs only, Tuesdays 10am to 12pm.",
    ]
    assert "In force from 2 March 2026, ending on 2 March 2027" in text_of(banner)
    assert ("Emergencies and urgent health-and-safety repairs can always be reported by any channel"
            in text_of(banner))
    search = client_request.get("/customers", q="Pat")
    assert text_of(search.select_one("tbody .govuk-tag")) == "Restricted"


def test_the_banner_shows_on_the_case_and_task_pages_too(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    _restrict(runtime, reference, "single_communication_method", {"contact_method": "letter"})
    client_request.login("casey")
    case = client_request.get(f"/cases/{reference}")
    assert "only by letter" in text_of(case.select_one(".ubp-restriction-banner"))
    restrictions = case.select("table")[-1]
    assert [text_of(td) for td in restrictions.select("tbody td")] == [
        "The customer may contact us only by letter.", "2 March 2026", "2 March 2027", "In force"]
    task_link = case.select_one("table a")["href"]
    assert "only by letter" in text_of(client_request.get(task_link).select_one(".ubp-restriction-banner"))


def test_an_unknown_customer_is_not_found_and_admins_cannot_look(client_request, people):
    client_request.login("casey").get("/customers/NOPE", status=404)
    client_request.login("adam").get("/customers", status=403)


def test_the_menu_offers_customers_after_starting_a_case_to_staff_and_auditors_only(client_request, people):
    def menu(username: str) -> list[str]:
        return [text_of(a) for a in client_request.login(username).get("/account/notifications").select(
            "#navigation a")]

    assert menu("casey") == ["Tasks", "My cases", "Record an incident", "Start a case", "Customers", "Casey Worker"]
    assert menu("audrey")[0] == "Customers"
    assert "Customers" not in menu("adam")
