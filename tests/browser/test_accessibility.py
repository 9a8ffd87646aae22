"""axe-core over every staff page, each opened by the demo person whose work it is.

The live server holds the demo data (see ``demo_data``). Every page is checked against WCAG 2.2 A
and AA and axe's best practices, and any violation of any impact fails the test, named with its page.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import AXE
from tests.browser.demo_data import demo_server, sign_in

pytestmark = pytest.mark.browser
__all__ = ["demo_server"]  # the fixture, used by name


# Who opens which pages. "{name}" is filled from the demo data's ids.
PAGES: dict[str | None, list[str]] = {
    None: ["/sign-in"],
    "caseworker": [
        "/tasks", "/tasks?tab=groups", "/cases/new", "/cases/{SH_100877}", "/cases/{SH_103311}",
        "/cases/{SH_104090}", "/tasks/{assess_unclaimed}", "/tasks/{assess_claimed}", "/tasks/{letter}",
        "/tasks/{done}", "/customers", "/customers/SH-102044", "/customers?q=Ellis", "/caseload/mine",
        "/start-a-case", "/account/password", "/account/notifications", "/cases/{SH_102044}/incidents",
        "/cases/{SH_102044}/appeal",
    ],
    "caseworker2": ["/cases/{asb_case}", "/tasks/{asb_task}", "/start-a-case/asb_report", "/tasks",
                    "/cases/{asb_case}/messages/asb_evidence_received"],
    "head": ["/tasks?tab=groups", "/tasks/overdue", "/tasks/{approve}", "/cases/{SH_101502}", "/caseload/team",
             "/caseload/workload", "/caseload/hand-over", "/tasks/{assess_claimed}/reassign"],
    "head2": ["/tasks/{appeal}", "/cases/{SH_103311}"],
    "auditor": [
        "/audit", "/audit/cases", "/audit/cases/{SH_103311}", "/audit/compliance", "/audit/processes",
        "/audit/processes/{policy_version}", "/audit/access-log", "/audit/verify",
    ],
    "owner": [
        "/processes", "/processes/unacceptable_behaviour/versions/1", "/processes/unacceptable_behaviour/modeler",
        "/processes/unacceptable_behaviour/forms", "/processes/unacceptable_behaviour/forms/assess_incident",
        "/processes/asb_report/versions/1",
    ],
    "admin": [
        "/admin", "/admin/people", "/admin/people/new", "/admin/people/{caseworker_id}", "/admin/groups",
        "/admin/groups/asb-team", "/admin/api-tokens", "/admin/external-tasks", "/admin/incidents",
        "/admin/notifications", "/admin/timers",
    ],
    "dpo": ["/data-protection", "/data-protection/customers/SH-102044", "/data-protection/customers/SH-102044/correct",
            "/data-protection/customers/SH-102044/erase", "/data-protection/cases/{SH_102044}/legal-hold"],
}


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
        resultTypes: ['violations']})""")
    return [f"{v['id']} ({v['impact']}): {node['target']} {node['html'][:160]}"
            for v in result["violations"] for node in v["nodes"]]


def test_axe_finds_no_violations_on_any_staff_page(browser, demo_server):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1000})  # to inject axe-core
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems = []
    for who, paths in PAGES.items():
        context.clear_cookies()
        if who:
            sign_in(page, demo_server.url, who)
        for path in paths:
            path = path.format(**demo_server.ids)
            response = page.goto(demo_server.url + path)
            if response.status != 200:
                problems.append(f"{path} as {who}: answered {response.status}")
                continue
            page.wait_for_load_state("networkidle")
            problems += [f"{path} as {who or 'nobody'}: {problem}" for problem in _violations(page)]
    context.close()
    assert problems == [], f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
