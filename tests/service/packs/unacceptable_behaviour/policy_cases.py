"""Real policy cases for the data-protection tests, driven through the casework services, and a
search of every stored value for a piece of personal data."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import orjson
from pypdf import PdfReader
from sqlalchemy import LargeBinary, func, select

from service.cases.cases import start_case
from service.models import Base, Case
from service.packs.unacceptable_behaviour.models import Incident, Letter, Restriction
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks.timers import fire_due_batch
from tests.bpmn import samples
from tests.service.conftest import deploy_policy  # noqa: F401 - re-exported for the tests that build on these cases
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey


def isolated_case(runtime, caseworker, name: str, **incident) -> Journey:
    """An incident assessed as isolated: the case closes at once."""
    started = start_case(runtime.casework, caseworker, samples.incident(
        new_customer="yes", customer_reference=None, customer_name=name, preferred_channel="email",
        customer_email="customer@customers.example", **incident), process_id=PROCESS_ID)
    journey = Journey(runtime, started.reference)
    journey.do(caseworker, "Task_AssessIncident", samples.assessment("isolated"))
    return journey


def restriction_case(runtime, people, customer_reference: str, *, letter_on: str = "2026-03-02") -> Journey:
    """A severe case with a restriction from the decision letter, left in force."""
    casey, hana = people["casey"], people["hana"]
    started = start_case(runtime.casework, casey, samples.incident(customer_reference=customer_reference,
                                                                  occurred_at=f"{letter_on}T09:05"),
                                                                  process_id=PROCESS_ID)
    journey = Journey(runtime, started.reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    journey.do(hana, "Task_ApproveProposal", samples.approval("approve"))
    journey.do(casey, "Task_SendDecisionLetter", samples.decision_letter(letter_on))
    return journey


def let_restriction_end(runtime, people, journey: Journey) -> None:
    """From a decision letter of 2 March 2026: reviewed, lapsed and ended on 2 March 2027, case closed."""
    runtime.clock.set(datetime(2027, 2, 2, 0, 0, 1, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired >= 1
    journey.do(people["hana"], "Task_ReviewRestriction", samples.review("lapse"))
    runtime.clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired >= 1
    journey.do(people["casey"], "Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", "2027-03-02"))
    assert journey.case().status == "closed"


def stored_text(runtime) -> dict[str, str]:
    """Every value of every column of every table, as lower-case text per table (JSON as written,
    bytes as Latin-1 so no byte is lost)."""
    dumps: dict[str, str] = {}
    with runtime.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            parts = []
            for row in connection.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    if isinstance(column.type, LargeBinary) and value is not None:
                        parts.append(bytes(value).decode("latin-1"))
                    elif isinstance(value, dict | list):
                        parts.append(orjson.dumps(value).decode())
                    elif value is not None:
                        parts.append(str(value))
            dumps[table.name] = "\n".join(parts).lower()
    return dumps


def tables_mentioning(runtime, *needles: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table, text in stored_text(runtime).items():
        hits = [n for n in needles if n.lower() in text]
        if hits:
            found[table] = hits
    return found


def letter_texts(runtime) -> list[str]:
    with runtime.db.reading() as session:
        contents = session.scalars(select(Letter.content).order_by(Letter.id)).all()
    return [" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(c)).pages) for c in contents]


def statistics(runtime) -> dict[str, object]:
    """What reports count: cases by outcome and status, incidents by category, restrictions by kind."""
    with runtime.db.reading() as session:
        outcomes = dict(session.execute(
            select(Case.outcome, func.count()).group_by(Case.outcome).order_by(Case.outcome)).all())
        opened = sorted((c.opened_at, c.closed_at) for c in session.scalars(select(Case)))
        categories = sorted(c for row in session.scalars(select(Incident.categories)) for c in row)
        kinds = sorted(session.execute(select(Restriction.kind, Restriction.status, Restriction.starts_on,
                                              Restriction.ends_on)).all())
    return {"outcomes": outcomes, "dates": opened, "categories": categories, "restrictions": kinds}
