"""In a real browser: the case history's diagram highlights the path the case took and where it is now."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from service.config import ROOT
from tests.service.audit_cases import appeal, deploy_policy, restriction_case
from tests.service.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def server(backend, app):
    if backend != "sqlite":
        pytest.skip("the browser tests run on SQLite")
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.server_port}"
    live.shutdown()
    thread.join()


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems: list[str] = []
        page.on("console", lambda message: problems.append(f"{message.text} {message.location.get('url')}")
                if message.type == "error" and not _favicon(message) else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
                if response.status >= 400 else None)
        page.problems = problems
        yield page
        browser.close()


def _favicon(message) -> bool:
    """The browser asks for /favicon.ico on its own; the service deliberately has none."""
    return (message.location.get("url") or "").endswith("/favicon.ico")


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_the_case_history_diagram_shows_the_path_taken_and_the_current_position(server, runtime, people,
                                                                                   browser_page):
    deploy_policy(runtime)
    journey = restriction_case(runtime, people)
    appeal(runtime, people, journey)
    page = browser_page
    _sign_in(page, server, "audrey")
    page.goto(f"{server}/audit/cases/{journey.reference}")
    diagram = page.locator(".ubp-diagram")
    page.wait_for_selector(".ubp-diagram[data-state]")
    assert diagram.get_attribute("data-state") == "ready"

    completed = page.eval_on_selector_all(".djs-element.ubp-completed", "els => els.map(e => e.dataset.elementId)")
    assert {"Start_IncidentRecorded", "Task_AssessIncident", "Task_OfferAdjustments", "Task_ProposeFormalAction",
            "Task_ApproveProposal", "Task_SendDecisionLetter", "Task_HearAppeal"} <= set(completed)
    assert "Task_SendRestrictionEndedLetter" not in completed and "End_CaseClosed" not in completed
    active = page.eval_on_selector_all(".djs-element.ubp-active", "els => els.map(e => e.dataset.elementId)")
    assert active and set(active) == set(journey_waiting(runtime, journey.reference))
    taken = page.eval_on_selector_all(".djs-connection.ubp-taken", "els => els.map(e => e.dataset.elementId)")
    assert "Flow_ToAssessment" in taken and "Flow_ProposalApproved" in taken
    # Badges go on tasks (drawn as rectangles) only: an event's or gateway's name is written around it.
    tasks = "els => els.filter(e => e.querySelector('.djs-visual > rect')).length"
    assert page.locator(".ubp-diagram-label--done").count() == page.eval_on_selector_all(
        ".djs-shape.ubp-completed", tasks) > 0
    assert page.locator(".ubp-diagram-label--current").count() == page.eval_on_selector_all(
        ".djs-shape.ubp-active", tasks)
    assert page.problems == []
    assert _screenshot(page, "audit-case-history.png").stat().st_size > 10_000


def test_the_heatmap_shows_a_count_on_each_step_passed(server, runtime, people, browser_page):
    deploy_policy(runtime)
    restriction_case(runtime, people, "SH-000001")
    restriction_case(runtime, people, "SH-000002")
    page = browser_page
    _sign_in(page, server, "audrey")
    page.goto(f"{server}/audit/processes")
    page.click("tbody a")
    page.wait_for_selector(".ubp-diagram[data-state]")
    assert page.locator(".ubp-diagram").get_attribute("data-state") == "ready"
    counts = page.eval_on_selector_all(
        ".djs-overlay-ubp-count .ubp-diagram-count, .ubp-diagram-count", "els => els.map(e => e.textContent)")
    assert counts and set(counts) == {"2"}
    assert page.locator('.djs-element.ubp-heat-5[data-element-id="Task_AssessIncident"]').count() == 1
    assert page.problems == []
    _screenshot(page, "audit-heatmap.png")


def journey_waiting(runtime, reference: str) -> list[str]:
    from service.models import Case, ProcessInstance

    with runtime.db.reading() as session:
        case = session.query(Case).filter(Case.reference == reference).one()
        return list(session.get(ProcessInstance, case.instance_id).waiting_elements)
