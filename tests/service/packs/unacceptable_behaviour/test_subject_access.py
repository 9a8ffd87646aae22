"""Subject access on both databases: every record about the customer, nothing about anyone else, audited."""

from __future__ import annotations

import io
import zipfile

import html5lib
import orjson
import pytest
from flask import render_template
from pypdf import PdfReader

from service.cases import case_records
from service.cases.cases import start_case
from service.cases.errors import NotAllowed
from service.dao import audit_dao, cases_dao, tasks_dao
from service.history import access_log
from service.packs.unacceptable_behaviour import data_protection, subject_access
from service.packs.unacceptable_behaviour.dao import data_protection_dao, letters_dao, records_dao
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.conftest import PEOPLE
from tests.service.packs.unacceptable_behaviour.policy_cases import deploy_policy, restriction_case

NAME, REFERENCE = "Amelia Sarson", "SH-SAR-A"
OTHER_NAME, OTHER_REFERENCE = "Bartholomew Otherly", "SH-SAR-B"


@pytest.fixture
def two_customers(runtime, people):
    """Customer A with a restriction, letters, a note naming a member of staff and views on record;
    customer B with an open case, a note and views of their own."""
    deploy_policy(runtime)
    mine = restriction_case(runtime, people, REFERENCE)
    data_protection.correct_customer(runtime.casework, people["adam"], REFERENCE,
                                     {"name": NAME, "address": "4 Sarson Court\nCorsham"})
    case_records.add_note(runtime.casework, people["casey"], mine.reference,
                          {"text": "Spoke to Amelia; Hana Head agreed the wording."})
    theirs = start_case(runtime.casework, people["cora"], samples.incident(customer_reference=OTHER_REFERENCE),
                                         process_id=PROCESS_ID)
    data_protection.correct_customer(runtime.casework, people["adam"], OTHER_REFERENCE, {"name": OTHER_NAME})
    case_records.add_note(runtime.casework, people["cora"], theirs.reference, {"text": f"{OTHER_NAME} called."})
    letter = mine.letters()[0]
    for kind, reference in (("customer", REFERENCE), ("case", mine.reference), ("letter", f"{mine.reference}/"
                            f"{letter.id}"), ("customer", OTHER_REFERENCE), ("case", theirs.reference)):
        access_log.record_view(runtime.casework, people["erin"], kind, reference)
    return mine.reference, theirs.reference


def _export(app, runtime, actor, redact: str) -> tuple[subject_access.SubjectAccessExport, zipfile.ZipFile]:
    exported = subject_access.export_customer(runtime.casework, actor, REFERENCE, {"redact_staff_names": redact})
    with app.test_request_context():
        index_html = render_template("packs/unacceptable_behaviour/export_index.html", export=exported)
    return exported, zipfile.ZipFile(io.BytesIO(subject_access.zip_export(exported, index_html)))


def _texts(archive: zipfile.ZipFile, *, letters: bool = True) -> dict[str, str]:
    texts = {}
    for name in archive.namelist():
        if name.endswith(".pdf"):
            if letters:
                reader = PdfReader(io.BytesIO(archive.read(name)))
                texts[name] = " ".join(page.extract_text() or "" for page in reader.pages)
        else:
            texts[name] = archive.read(name).decode()
    return texts


def test_the_export_holds_every_record_about_the_customer_and_nothing_about_anyone_else(
        app, runtime, people, two_customers):
    mine, theirs = two_customers
    exported, archive = _export(app, runtime, people["dora"], "no")
    with runtime.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, mine)
        incidents = records_dao.list_incidents(session, case.id)
        tasks = tasks_dao.list_tasks_of_case(session, case.id)
        restrictions = records_dao.list_restrictions_of_case(session, case.id)
        letters = letters_dao.list_letters_of_case(session, case.id)
        events = audit_dao.list_events(session, case.instance_id)
    folder = f"cases/{mine}"
    assert set(archive.namelist()) == {
        "index.html", "customer.json", "access-log.json", *(f"{folder}/{name}.json" for name in (
            "case", "incidents", "adjustments", "tasks", "restrictions", "notes", "history", "letters")),
        *(f"{folder}/letters/{letter.id}-{letter.filename}" for letter in letters),
    }
    record = {name: orjson.loads(archive.read(name)) for name in archive.namelist() if name.endswith(".json")}
    assert record["customer.json"]["name"] == NAME
    assert record["customer.json"]["address"] == ["4 Sarson Court", "Corsham"]
    assert [i["description"] for i in record[f"{folder}/incidents.json"]] == [i.description for i in incidents]
    assert [t["answers"] for t in record[f"{folder}/tasks.json"]] == [t.data for t in tasks]
    assert len(record[f"{folder}/restrictions.json"]) == len(restrictions) == 2
    assert len(record[f"{folder}/adjustments.json"]) == 1
    assert record[f"{folder}/notes.json"][0]["text"] == "Spoke to Amelia; Hana Head agreed the wording."
    assert events[-1].event_type == "subject_access_export"  # the export's own record comes after it
    assert [e["event"] for e in record[f"{folder}/history.json"]] == [e.event_type for e in events[:-1]]
    assert [m["sha256"] for m in record[f"{folder}/letters.json"]] == [letter.sha256 for letter in letters]
    for letter in letters:
        assert archive.read(f"{folder}/letters/{letter.id}-{letter.filename}") == letter.content
    assert sorted(e["record"] for e in record["access-log.json"]) == sorted([
        f"customer {REFERENCE}", f"case {mine}", f"letter {mine}/{letters[0].id}"])
    texts = _texts(archive)
    html5lib.HTMLParser(strict=True).parse(texts["index.html"])
    assert NAME in texts["index.html"] and "Erin Executive" in texts["access-log.json"]
    for text in texts.values():
        for other in (OTHER_NAME, OTHER_REFERENCE, theirs, "Bartholomew"):
            assert other not in text
    assert exported.filename == f"subject-access-{REFERENCE}-2026-03-02.zip"


def test_staff_names_can_be_replaced_by_their_roles(app, runtime, people, two_customers):
    _, archive = _export(app, runtime, people["adam"], "yes")
    texts = _texts(archive, letters=False)
    for text in texts.values():
        for name, _ in PEOPLE.values():
            assert name not in text
    notes = orjson.loads(archive.read(f"cases/{two_customers[0]}/notes.json"))
    assert notes[0]["text"] == "Spoke to Amelia; [Head of Service] agreed the wording."
    assert notes[0]["by"] == "Caseworker"


def test_the_export_is_audited_on_every_case_and_in_the_access_log(app, runtime, people, two_customers):
    mine, theirs = two_customers
    _export(app, runtime, people["dora"], "yes")
    with runtime.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, mine)
        other = cases_dao.get_case_by_reference(session, theirs)
        event = audit_dao.list_events(session, case.instance_id)[-1]
        others_last = audit_dao.list_events(session, other.instance_id)[-1]
        viewed = data_protection_dao.list_access_entries(session, REFERENCE, [])
    assert (event.event_type, event.actor_id, event.data) == (
        "subject_access_export", people["dora"].user_id, {"staff_names_redacted": True})
    assert others_last.event_type != "subject_access_export"
    assert [(e.user_id, e.subject_reference) for e in viewed][-1] == (people["dora"].user_id, REFERENCE)
    with pytest.raises(NotAllowed):
        subject_access.export_customer(runtime.casework, people["casey"], REFERENCE, {"redact_staff_names": "no"})
