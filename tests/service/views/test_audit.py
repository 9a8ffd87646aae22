"""The auditor's pages: every one checked as a page (valid HTML, unique ids, labels), read-only, auditors only."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from service.cases.case_records import add_note
from service.history.anchors import write_anchor
from service.models import AccessLogEntry, AuditEvent, Case, ProcessInstance
from service.packs import registry
from service.packs.registry import Pack
from service.packs.unacceptable_behaviour.customer_subject import CUSTOMER_QUESTIONS
from service.packs.unacceptable_behaviour.further_incidents import add_incident
from service.packs.unacceptable_behaviour.models import Letter
from tests.bpmn import samples
from tests.service.audit_cases import appeal, restriction_case
from tests.service.history.tampering import delete_case_entirely, ids_of, tamper
from tests.service.views.conftest import start_case, text_of

# With the policy's compliance report (its pack's page for auditors, tested in packs/.../web/test_compliance_pages.py).
PAGES = ("/audit", "/audit/cases", "/audit/processes", "/audit/verify", "/audit/compliance", "/audit/access-log")


@pytest.fixture
def appealed(policy, people):
    """A restriction, with the customer's behaviour described afresh in the proposal, and an upheld appeal."""
    journey = restriction_case(policy, people)
    appeal(policy, people, journey)
    return journey.reference


def _views(runtime, kind: str | None = None) -> list[tuple[str, str]]:
    with runtime.db.reading() as session:
        query = select(AccessLogEntry).order_by(AccessLogEntry.id)
        if kind:
            query = query.where(AccessLogEntry.subject_kind == kind)
        return [(e.subject_kind, e.subject_reference) for e in session.scalars(query)]


@pytest.mark.parametrize("username", ["casey", "hana", "erin", "owen", "adam"])
def test_only_auditors_open_the_audit_pages(client_request, policy, people, appealed, username):
    client_request.login(username)
    for path in (*PAGES, f"/audit/cases/{appealed}", f"/audit/cases/{appealed}/path.json", "/audit/cases.csv"):
        assert client_request.get_response(path).status_code == 403, path


def test_every_audit_route_is_for_auditors_only(app):
    permissions = {rule.endpoint: app.view_functions[rule.endpoint].permission for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/audit")}
    assert permissions.pop("compliance.report") == ("auditor",)
    assert len(permissions) == 11 and set(permissions.values()) == {("auditor",)}
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/audit"))


def test_the_audit_pages_offer_no_action_on_a_case(client_request, policy, people, appealed):
    page = client_request.login("audrey").get(f"/audit/cases/{appealed}")
    assert [form["action"] for form in page.select("form[method=post]")] == ["/sign-out"]
    assert {link.get_text(strip=True) for link in page.select("nav a")} >= {"Audit"}


def test_every_page_reads_well_with_nothing_recorded(client_request, policy, people):
    client_request.login("audrey")
    for path in PAGES:
        client_request.get(path)
    assert "The audit log is intact" in text_of(client_request.get("/audit/verify", check="yes"))
    assert "No case has run on this version yet." in text_of(client_request.get("/audit/processes/1"))


def test_the_index_gives_headline_figures_and_links(client_request, policy, people, appealed):
    write_anchor(policy.casework, policy.clock.now())
    page = client_request.login("audrey").get("/audit")
    figures = {text_of(row.dt): text_of(row.dd) for row in page.select(".govuk-summary-list__row")}
    # The policy's figure (its pack's Pack.audit_figures) comes after the platform's case counts.
    assert list(figures) == ["Open cases", "Closed cases", "Restrictions in force", "Events in the audit log",
                             "Latest anchor"]
    assert figures["Open cases"] == "1" and figures["Restrictions in force"] == "2"
    assert figures["Latest anchor"].startswith("Anchor 1 of 1") and "covering 1 case" in figures["Latest anchor"]
    assert [a["href"] for a in page.select("main ul a")] == [
        "/audit/cases", "/audit/processes", "/audit/verify", "/audit/access-log", "/audit/compliance"]


def test_another_packs_audit_figures_follow_the_policys(client_request, policy, people):
    registry.register(Pack(name="counting", process_ids=("counting_process",),
                           audit_figures=lambda session: [("Things counted", 3), ("Things missed", 0)]))
    try:
        page = client_request.login("audrey").get("/audit")
    finally:
        registry.unregister("counting")
    figures = {text_of(row.dt): text_of(row.dd) for row in page.select(".govuk-summary-list__row")}
    assert list(figures)[2:5] == ["Restrictions in force", "Things counted", "Things missed"]
    assert (figures["Things counted"], figures["Things missed"]) == ("3", "0")


def test_the_case_history_shows_path_events_and_letters(client_request, policy, people, appealed):
    page = client_request.login("audrey").get(f"/audit/cases/{appealed}")
    assert page.h1.get_text(strip=True) == f"History of case {appealed}"
    diagram = page.select_one(".ubp-diagram")
    assert diagram["data-overlay-url"] == f"/audit/cases/{appealed}/path.json"
    assert diagram["data-bpmn-url"].startswith("/audit/processes/") and diagram["data-bpmn-url"].endswith(
        "/diagram.bpmn")
    steps = [li.get_text(strip=True) for li in page.select("#path-text ol li")]
    assert steps[:3] == ["Incident recorded", "Assess the incident", "Crime or safeguarding concern?"]
    assert "Hear the appeal" in steps and "Send the appeal outcome letter" in steps
    with policy.db.reading() as session:
        count = len(session.scalars(select(AuditEvent)).all())
    rows = page.select("table.ubp-history tbody tr")
    assert len(rows) == count
    approval = next(r for r in rows if "Completed ‘Approve the proposed action’" in text_of(r))
    cells = approval.select("td")
    assert "Hana Head" in text_of(cells[2]) and "Head of Service" in text_of(cells[2])
    assert "Approve" in text_of(cells[4]) and "midday" not in text_of(cells[1])
    letters = [text_of(r) for r in page.select("#letters ~ table tbody tr")]
    assert letters[0].startswith("Decision letter 2 March 2026") and letters[1].startswith("Appeal outcome letter")
    assert _views(policy) == [("case", appealed)]


def test_the_path_overlay_comes_from_the_audit_log(client_request, policy, people, appealed):
    response = client_request.login("audrey").get_response(f"/audit/cases/{appealed}/path.json")
    overlay = response.get_json()
    assert overlay["completed"][:2] == ["Start_IncidentRecorded", "Task_AssessIncident"]
    assert "Task_HearAppeal" in overlay["completed"] and "Flow_ToAssessment" in overlay["taken_flows"]
    assert overlay["counts"] is None and overlay["changed"] is None
    with policy.db.reading() as session:
        case = session.scalars(select(Case).where(Case.reference == appealed)).one()
        assert overlay["active"] == session.get(ProcessInstance, case.instance_id).waiting_elements


def test_the_data_at_any_step_is_rebuilt_from_the_events(client_request, policy, people):
    journey = restriction_case(policy, people, behaviour_categories=["excessive_contact"])
    with policy.db.reading() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assessed = next(e.seq for e in events if e.data.get("name") == "Assess the incident"
                    and e.event_type == "task_completed")
    client_request.login("audrey")
    early = client_request.get(f"/audit/cases/{journey.reference}", at=assessed)
    assert early.select_one("#at option[selected]")["value"] == str(assessed)
    sections = [text_of(card.h3) for card in early.select("#data ~ .govuk-summary-card")]
    assert sections[0].startswith("Given at Recorded an incident") and sections[1].startswith(
        "Given at Assess the incident")
    assert "Excessive contact" in text_of(early) and "Propose formal action" not in " ".join(sections)
    latest = client_request.get(f"/audit/cases/{journey.reference}")
    sections = [text_of(card.h3) for card in latest.select("#data ~ .govuk-summary-card")]
    assert any(s.startswith("Given at Propose formal action") for s in sections)
    # The proposal described the behaviour again: the incident's answer now shows as replaced.
    proposal_row = next(r for r in latest.select("table.ubp-history tbody tr")
                        if "Completed ‘Propose formal action’" in text_of(r))
    assert "These replaced:" in text_of(proposal_row) and "Excessive contact" in text_of(proposal_row)


def test_further_incidents_and_notes_show_their_answers_in_the_history(client_request, policy, people):
    journey = restriction_case(policy, people)
    further = {k: v for k, v in samples.incident(what_happened="He rang back and threatened the adviser.").items()
               if k not in CUSTOMER_QUESTIONS}
    add_incident(policy.casework, people["casey"], journey.reference, further)
    add_note(policy.casework, people["casey"], journey.reference,
             {"text": "Call recording saved.", "evidence_reference": "CALL-77"})
    page = client_request.login("audrey").get(f"/audit/cases/{journey.reference}")
    rows = {text_of(r.select("td")[3]): r for r in page.select("table.ubp-history tbody tr")}
    incident = text_of(rows["Recorded a further incident"].select("td")[4])
    assert "He rang back and threatened the adviser." in incident and "None" not in incident
    note = text_of(next(r for what, r in rows.items() if what.startswith("Added a note")).select("td")[4])
    assert "Call recording saved." in note and "CALL-77" in note
    # Kept on their own records: they never become the case's data, so the data is not shown "after" them.
    assert rows["Recorded a further incident"].td.get_text(strip=True) not in [
        o["value"] for o in page.select("#at option")]
    assert "He rang back" not in " ".join(text_of(c) for c in page.select("#data ~ .govuk-summary-card"))


def test_the_case_history_links_each_sent_letter_to_the_one_download_for_staff_and_auditors(client_request, policy,
                                                                                            people, appealed):
    with policy.db.reading() as session:
        letter_id = session.scalars(select(Letter.id).where(Letter.kind == "decision")).one()
    page = client_request.login("audrey").get(f"/audit/cases/{appealed}")
    download = f"/cases/{appealed}/letters/{letter_id}/pdf"
    assert page.select_one(f"a[href='{download}']") is not None
    for username in ("audrey", "casey", "henry"):
        response = client_request.login(username).get_response(download)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]
    assert _views(policy, "letter") == [("letter", f"{appealed}/{letter_id}")] * 3
    assert client_request.login("owen").get_response(download).status_code == 403
    client_request.login("audrey")
    assert client_request.get_response(f"/cases/UB-2026-9999/letters/{letter_id}/pdf").status_code == 404
    assert client_request.get_response(f"/cases/{appealed}/letters/9999/pdf").status_code == 404
    assert client_request.get_response(f"/cases/{appealed}/letters/2147483648/pdf").status_code == 404
    # The audit's own letter address is gone: there is one download of a kept letter.
    assert client_request.get_response(f"/audit/cases/{appealed}/letters/{letter_id}").status_code == 404


def test_a_case_that_does_not_exist_is_not_found(client_request, policy, people):
    client_request.login("audrey").get("/audit/cases/UB-2026-0404", status=404)


@pytest.fixture
def many_cases(three_tasks, people):
    casey = people["casey"]
    references = [start_case(three_tasks, casey, f"C-{n:03d}", f"Customer {n}") for n in range(1, 53)]
    start_case(three_tasks, casey, "C-900", "=HYPERLINK(\"http://evil.example\",\"x\")")
    start_case(three_tasks, casey, "C-901", "+44 1225 000000")
    start_case(three_tasks, casey, "C-902", "-Minus")
    start_case(three_tasks, casey, "C-903", "@Sum")
    return references


def test_cases_are_listed_filtered_and_paged(client_request, many_cases):
    client_request.login("audrey")
    page = client_request.get("/audit/cases")
    assert text_of(page.select_one("main h2")) == "56 cases found"
    assert len(page.select("tbody tr")) == 50 and page.select_one(".govuk-pagination")
    assert page.select_one("label[for=opened_from]") and page.select_one("label[for=version]")
    second = client_request.get("/audit/cases", page=2)
    assert len(second.select("tbody tr")) == 6
    found = client_request.get("/audit/cases", q="customer 5")
    assert [text_of(r.select("td")[1]) for r in found.select("tbody tr")] == [
        "Customer 52 (C-052)", "Customer 51 (C-051)", "Customer 50 (C-050)", "Customer 5 (C-005)"]
    assert found.select_one("a[download]")["href"] == "/audit/cases.csv?q=customer+5"
    assert text_of(client_request.get("/audit/cases?status=closed").select_one("main h2")) == "0 cases found"
    assert text_of(client_request.get("/audit/cases", opened_from="2026-03-03").select_one("main h2")) == (
        "0 cases found")
    assert text_of(client_request.get("/audit/cases", opened_to="2026-03-02").select_one("main h2")) == (
        "56 cases found")


def test_a_wrong_date_in_the_filters_is_explained(client_request, many_cases):
    page = client_request.login("audrey").get("/audit/cases", opened_from="2026-02-30")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#opened_from"]
    assert page.select_one("#opened_from")["aria-describedby"] == "opened_from-hint opened_from-error"
    assert text_of(page.select_one("main h2.govuk-heading-m")) == "56 cases found"  # the filter is left out


@pytest.mark.parametrize("query", [
    "page=99999999999999999999", "version=99999999999999999999", "opened_to=9999-12-31", "opened_from=0001-01-01",
    "status=deleted", "page=-1", "q=%25%25",
])
def test_odd_filters_never_break_the_case_list(client_request, many_cases, query):
    client_request.login("audrey").get(f"/audit/cases?{query}")
    assert client_request.client.get(f"/audit/cases.csv?{query}").status_code == 200


def test_the_csv_export_has_every_matching_case_and_cannot_inject_formulas(client_request, many_cases):
    response = client_request.login("audrey").get_response("/audit/cases.csv")
    assert response.mimetype == "text/csv" and response.is_streamed
    assert 'filename="cases.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Case reference", "Customer reference", "Customer name", "Status", "Current step", "Opened",
                       "Closed", "Outcome", "Process", "Version"]
    assert len(rows) == 57 and rows[1][:4] == ["UB-2026-0001", "C-001", "Customer 1", "Open"]
    assert rows[1][5] == "2026-03-02T09:30:00+00:00" and rows[1][8:] == ["three_tasks", "1"]
    names = {row[1]: row[2] for row in rows[1:]}
    assert names["C-900"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert (names["C-901"], names["C-902"], names["C-903"]) == ("'+44 1225 000000", "'-Minus", "'@Sum")
    filtered = client_request.get_response("/audit/cases.csv", q="C-90")
    assert len(list(csv.reader(io.StringIO(filtered.get_data(as_text=True))))) == 5


def test_the_heatmap_counts_the_cases_that_passed_each_step(client_request, policy, people, appealed):
    restriction_case(policy, people, "SH-000002")
    client_request.login("audrey")
    versions = client_request.get("/audit/processes")
    link = versions.select_one("tbody a")
    assert text_of(versions.select_one("tbody tr")).endswith("2")
    page = client_request.get(link["href"])
    counts = {text_of(r.select("td")[0]): int(text_of(r.select("td")[1])) for r in page.select("tbody tr")}
    assert counts["Assess the incident"] == 2 and counts["Hear the appeal"] == 1
    overlay = client_request.get_response(f"{link['href']}/heatmap.json").get_json()
    assert overlay["counts"]["Task_AssessIncident"] == 2 and overlay["counts"]["Task_HearAppeal"] == 1
    diagram = client_request.get_response(f"{link['href']}/diagram.bpmn")
    assert diagram.mimetype == "application/xml" and b"Task_HearAppeal" in diagram.data
    assert client_request.get_response("/audit/processes/999").status_code == 404


def test_verify_reports_an_intact_log_then_the_first_broken_link(client_request, policy, people, appealed):
    write_anchor(policy.casework, policy.clock.now())
    client_request.login("audrey")
    assert not client_request.get("/audit/verify").select(".govuk-panel")
    intact = client_request.get("/audit/verify", check="yes")
    assert text_of(intact.select_one(".govuk-panel")).startswith("The audit log is intact")
    assert "events a second" in text_of(intact)
    _, instance_id = ids_of(policy, appealed)
    tamper(policy, f"UPDATE audit_events SET event_type = 'task_altered' WHERE instance_id = {instance_id} AND seq = 4")
    broken = client_request.get("/audit/verify", check="yes")
    assert "The audit log has been altered" in text_of(broken.select_one(".govuk-error-summary"))
    [row] = broken.select("#broken ~ table tbody tr")
    assert text_of(row).startswith(f"{appealed} 4 the event was changed")
    assert row.a["href"] == f"/audit/cases/{appealed}#event-4"


def test_verify_names_a_case_removed_entirely(client_request, policy, people, appealed):
    write_anchor(policy.casework, policy.clock.now())
    delete_case_entirely(policy, appealed)
    page = client_request.login("audrey").get("/audit/verify", check="yes")
    [row] = page.select("#broken ~ table tbody tr")
    assert appealed in text_of(row) and "removed or cut short" in text_of(row)


def test_the_access_log_lists_who_viewed_what_with_filters(client_request, policy, people, appealed):
    client_request.login("hana").get(f"/cases/{appealed}")
    client_request.login("casey").get("/customers/SH-004211")
    client_request.login("audrey").get(f"/audit/cases/{appealed}")
    page = client_request.get("/audit/access-log")
    rows = [[text_of(c) for c in r.select("td")] for r in page.select("tbody tr")]
    assert [row[1:] for row in rows] == [["Audrey Auditor", f"Case {appealed}"],
                                         ["Casey Worker", "Customer SH-004211"], ["Hana Head", f"Case {appealed}"]]
    assert rows[0][0] == "2 March 2026 at 5:30pm"
    by_hana = client_request.get("/audit/access-log", user=str(people["hana"].user_id))
    assert len(by_hana.select("tbody tr")) == 1
    customers = client_request.get("/audit/access-log", kind="customer")
    assert len(customers.select("tbody tr")) == 1
    by_reference = client_request.get("/audit/access-log", reference=appealed.lower())
    assert len(by_reference.select("tbody tr")) == 2
    assert not client_request.get("/audit/access-log", on="2026-03-03").select("tbody tr")
    for odd in ("user=99999999999999999999", "on=9999-12-31", "kind=anything", "page=99999999999999999999"):
        client_request.get(f"/audit/access-log?{odd}")
    assert client_request.get_response("/audit/processes/99999999999999999999").status_code == 404
    assert client_request.client.get(f"/audit/cases/{appealed}?at=-5").status_code == 200
    wrong = client_request.get("/audit/access-log", on="yesterday")
    assert [a["href"] for a in wrong.select(".govuk-error-summary a")] == ["#on"]

