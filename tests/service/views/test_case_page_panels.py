"""One case page for every process: the policy's case page is the platform's page with the policy's panels."""

from __future__ import annotations

import pytest
from flask import template_rendered

from service.cases.cases import start_case
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.views.conftest import text_of
from tests.service.views.test_asb_report_pages import _start, asb  # noqa: F401 - asb is a fixture used here

POLICY_SECTIONS = ["Incidents", "Reasonable adjustments", "Restrictions", "Letters"]
GENERIC_SECTIONS = ["Tasks waiting", "People involved", "What was entered", "Notes and evidence", "Timeline"]


@pytest.fixture
def rendered(app):
    """The names of the pages rendered (a page, not the templates it imports)."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


def _sections(page) -> list[str]:
    return [text_of(h) for h in page.select("main h2")]


def test_the_policy_case_and_an_asb_case_share_one_page_with_the_policys_panels_only_on_the_policys(
        client_request, asb, people, rendered):  # noqa: F811 - the fixture imported above
    policy_reference = start_case(asb.casework, people["casey"], samples.incident(), process_id=PROCESS_ID).reference
    casey = client_request.login("casey")
    policy_case = casey.get(f"/cases/{policy_reference}")
    policy_template = rendered[-1]

    tess = client_request.login("tess")
    asb_reference = _start(tess)
    rendered.clear()
    asb_case = tess.get(f"/cases/{asb_reference}")

    assert rendered[-1] == policy_template == "cases/generic_case.html"
    policy_sections, asb_sections = _sections(policy_case), _sections(asb_case)
    assert all(s in policy_sections for s in GENERIC_SECTIONS + POLICY_SECTIONS), policy_sections
    assert all(s in asb_sections for s in GENERIC_SECTIONS), asb_sections
    assert not set(POLICY_SECTIONS) & set(asb_sections)
    # The policy's panels sit between the generic sections, in the pack's order.
    assert policy_sections.index("People involved") < policy_sections.index("Incidents") < policy_sections.index(
        "Restrictions") < policy_sections.index("Letters") < policy_sections.index("What was entered")
    # The policy's action is offered on its cases only; both pages name the customer or the process above the heading.
    assert policy_case.select_one(f"a[href='/cases/{policy_reference}/incidents']") is not None
    assert asb_case.select_one(f"a[href='/cases/{asb_reference}/incidents']") is None
    assert "SH-004211" in text_of(policy_case.select_one(".govuk-caption-l"))
    assert text_of(asb_case.select_one(".govuk-caption-l")) == "Anti-social behaviour report"
    facts = {text_of(r.dt): text_of(r.dd) for r in asb_case.select(".govuk-summary-list")[0].select("div")}
    assert facts["Case owner"] and facts["Where it is now"] == "Triage the report"
    people = {text_of(r.dt): text_of(r.dd) for r in asb_case.select(".govuk-summary-list")[1].select("div")}
    assert people == {"Tess Team": "Started the case"}
