"""Diagrams people can read, and a header that keeps "Sign out" beside the name, measured in the browser.

The auditor's diagrams (a case's path, a version's heatmap) and the modeler use the window's width,
open at a zoom where a task is at least about 80 px wide, have zoom in / zoom out / fit buttons, and
their "Done" badges cover no name written on the diagram.
"""

from __future__ import annotations

import pytest

from tests.browser.demo_data import demo_server, sign_in

pytestmark = pytest.mark.browser
__all__ = ["demo_server"]  # the fixture, used by name

WIDTH = 1600
TASK = "Task_AssessIncident"
TASK_WIDTH = "(id) => document.querySelector(`.djs-element[data-element-id='${id}'] .djs-visual > rect`)" \
             ".getBoundingClientRect().width"
# Every badge's box against every name's box (task names inside shapes, event and flow labels outside).
BADGES_OVER_NAMES = """(diagram) => {
  const inside = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const badges = [...diagram.querySelectorAll('.ubp-diagram-label')].map((n) => n.getBoundingClientRect());
  const names = [...diagram.querySelectorAll('.djs-element text tspan')]
    .filter((n) => n.textContent.trim()).map((n) => [n.textContent, n.getBoundingClientRect()]);
  return badges.length ? names.filter(([, name]) => badges.some((badge) => inside(badge, name))).map(([t]) => t)
                       : null;
}"""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 1000})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _zoom_buttons_work(page, diagram: str) -> None:
    before = page.evaluate(TASK_WIDTH, TASK)
    page.get_by_role("button", name="Zoom in", exact=True).click()
    zoomed_in = page.evaluate(TASK_WIDTH, TASK)
    assert zoomed_in > before * 1.2
    page.get_by_role("button", name="Zoom out", exact=True).click()
    page.get_by_role("button", name="Zoom out", exact=True).click()
    assert page.evaluate(TASK_WIDTH, TASK) < before
    page.get_by_role("button", name="Fit to window", exact=True).click()
    box = page.locator(diagram).bounding_box()
    everything = page.locator(f"{diagram} .djs-container svg .viewport").bounding_box()
    assert everything["width"] <= box["width"] * 1.01 and everything["height"] <= box["height"] * 1.01


@pytest.mark.parametrize("path", ["/audit/cases/{SH_103311}", "/audit/processes/{policy_version}"])
def test_the_auditors_diagrams_are_wide_readable_and_zoomable(page, demo_server, path):
    sign_in(page, demo_server.url, "auditor")
    page.goto(demo_server.url + path.format(**demo_server.ids))
    diagram = ".ubp-diagram[data-state=ready]"
    page.wait_for_selector(diagram)
    assert page.locator(diagram).bounding_box()["width"] >= WIDTH - 80  # not the 960 px text column
    assert page.evaluate(TASK_WIDTH, TASK) >= 80
    if "cases" in path:  # the case's path: done steps carry a badge that hides no name
        assert page.evaluate(BADGES_OVER_NAMES, page.locator(diagram).element_handle()) == []
    _zoom_buttons_work(page, ".ubp-diagram")


def test_the_modeler_is_wide_readable_and_zoomable(page, demo_server):
    sign_in(page, demo_server.url, "owner")
    page.goto(demo_server.url + "/processes/unacceptable_behaviour/modeler")
    page.wait_for_selector("#modeler[data-state=ready]")
    assert page.locator(".ubp-modeler-layout").bounding_box()["width"] >= WIDTH - 80
    assert page.locator("#modeler").bounding_box()["width"] >= (WIDTH - 80) * 0.7  # the panel takes the rest
    assert page.evaluate(TASK_WIDTH, TASK) >= 80
    _zoom_buttons_work(page, "#modeler")


@pytest.mark.parametrize("width", [1280, 1024])
@pytest.mark.parametrize("who", ["caseworker", "head", "admin"])
def test_sign_out_sits_on_the_same_line_as_the_name(browser, demo_server, who, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    sign_in(page, demo_server.url, who)
    name = page.locator(".ubp-signed-in a").bounding_box()
    sign_out = page.get_by_role("button", name="Sign out", exact=True).bounding_box()
    context.close()
    middle = name["y"] + name["height"] / 2
    assert sign_out["y"] <= middle <= sign_out["y"] + sign_out["height"]
    assert sign_out["x"] > name["x"] + name["width"]
