"""The demo data on a live server, for the browser tests that visit every page as its demo person.

The server holds ``ubp seed-demo``'s data (cases at every stage of the policy, one with an appeal),
one more case waiting for its decision letter, a case of the anti-social behaviour report (a process
with no pack, so the generic case page) and a data protection officer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from service.auth.passwords import hash_password
from service.cases.cases import start_case
from service.dao import cases_dao, users_dao
from service.demo import seed_demo
from service.models import Case, HumanTask, ProcessVersion
from service.packs.unacceptable_behaviour.models import CaseCustomer, Customer
from service.people import groups
from service.people.actors import Actor
from tests.browser.conftest import deployed_runtime, serving

PASSWORD = "correct horse battery staple"  # the demo accounts' password in these tests only
DEMO_LETTER_CASE = "SH-105500"  # one more demo case, left at "Send the decision letter"


@dataclass(frozen=True)
class Demo:
    url: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def demo_server(migrated_sqlite, tmp_path_factory) -> Iterator[Demo]:
    settings, runtime = deployed_runtime(migrated_sqlite, tmp_path_factory, "a11y", "axe-test-secret")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMO_PASSWORD", PASSWORD)
        list(seed_demo(runtime))
    ids = _more_demo_data(runtime)
    with serving(settings, runtime, "axe-live-server") as url:
        yield Demo(url, ids)


def _more_demo_data(runtime) -> dict[str, str]:
    """A data protection officer, a case waiting for its decision letter, and an ASB report case."""
    from service.packs.unacceptable_behaviour.demo import _Demo

    now = runtime.clock.now()
    with runtime.db.transaction() as session:
        users_dao.add_user(session, username="dpo", full_name="Dee Protection", password_hash=hash_password(PASSWORD),
                           roles=["data_protection_officer"], job_title="Data Protection Officer", now=now)
        people = {u.username: Actor(u.id, tuple(u.roles), u.full_name) for u in users_dao.list_users(session)}
    demo = _Demo(runtime.casework, people, now.date().isoformat())
    demo.case(DEMO_LETTER_CASE, "Alex Rowe", "Swore at a receptionist twice in a week.", steps=[
        ("caseworker", "Task_AssessIncident", demo.assessment("severe")),
        ("caseworker", "Task_OfferAdjustments", demo.adjustments()),
        ("caseworker", "Task_ProposeFormalAction", demo.proposal()),
        ("head", "Task_ApproveProposal", {"approval_decision": "approve", "approval_reasons": "Repeated abuse."}),
    ], leave_claimed="caseworker")
    groups.create_group(runtime.casework, None, name="asb-team", label="Anti-social behaviour team", description="",
                        now=now)
    groups.add_member(runtime.casework, None, "asb-team", "caseworker2", now)
    with runtime.db.reading() as session:
        sam = groups.actor_of(session, users_dao.get_user_by_username(session, "caseworker2"))
    asb = start_case(runtime.casework, sam, {
        "what_happened": "Loud music every night after midnight.", "happened_on": "2026-03-01",
        "location": "Hill House, flat 12", "reported_by": "Sam Neighbour, flat 14", "anyone_at_risk": "no"},
        process_id="asb_report")
    with runtime.db.reading() as session:
        cases = dict(session.execute(select(Customer.reference, Case.reference)
                                     .join(CaseCustomer, CaseCustomer.customer_id == Customer.id)
                                     .join(Case, Case.id == CaseCustomer.case_id)).all())

        def open_task(reference: str) -> str:
            case = cases_dao.get_case_by_reference(session, cases.get(reference, reference))
            return session.scalars(select(HumanTask.id).where(HumanTask.case_id == case.id,
                                                              HumanTask.status == "open")).first()

        policy_version = session.scalars(select(ProcessVersion.id).where(
            ProcessVersion.process_id == "unacceptable_behaviour")).first()
        def done_task(reference: str) -> str:
            case = cases_dao.get_case_by_reference(session, cases[reference])
            return session.scalars(select(HumanTask.id).where(HumanTask.case_id == case.id,
                                                              HumanTask.status == "completed")).first()

        return {
            "asb_case": asb.reference, "asb_task": open_task(asb.reference),
            "assess_unclaimed": open_task("SH-100231"), "assess_claimed": open_task("SH-100877"),
            "approve": open_task("SH-101502"), "letter": open_task(DEMO_LETTER_CASE),
            "appeal": open_task("SH-103311"), "done": done_task("SH-102044"),
            "policy_version": str(policy_version),
            **{customer.replace("-", "_"): case for customer, case in cases.items()},
            "admin_id": str(_user_id(session, "admin")), "caseworker_id": str(_user_id(session, "caseworker")),
        }


def _user_id(session, username: str) -> int:
    return users_dao.get_user_by_username(session, username).id


def sign_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/sign-in")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
