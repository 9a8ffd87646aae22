"""Browser tests: the real app served on 127.0.0.1, driven through Debian's chromium by Playwright.

The live server runs in a thread on a free port over a migrated SQLite copy, with the policy deployed
and the test users (``tests/service/conftest.py`` PEOPLE) able to sign in. Its clock is frozen, so
the dates staff type are the service's "today". Screenshots go to ``test-artifacts/`` (not committed).
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from service.app import create_app
from service.cli import deploy_directory
from service.config import ROOT, Settings
from service.dao import users_dao
from service.processes import definitions as definition_cache
from service.processes import forms as form_cache
from service.runtime import Runtime, build_runtime
from tests.conftest import START
from tests.service.conftest import _HASH, PEOPLE, TEST_PASSWORD
from workflows.clock import FrozenClock
from workflows.form_dialect import normalise

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "service" / "static" / "dist" / "axe.min.js"
FORMS = ROOT / "forms"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the test output is for failures, not access logs
        pass


def deployed_runtime(migrated_sqlite, tmp_path_factory, folder: str, secret: str) -> tuple[Settings, Runtime]:
    """A runtime on its own copy of the migrated database, at the tests' frozen start, with bpmn/ deployed."""
    path = tmp_path_factory.mktemp(folder) / "ubp.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    settings = Settings(environment="testing", database_url=f"sqlite:///{path}", secret_key=secret,
                        secure_cookies=False, login_rate_limit="1000 per minute", forms_dir=FORMS,
                        bpmn_dir=ROOT / "bpmn")
    runtime = build_runtime(settings, FrozenClock(START))
    deploy_directory(runtime, settings.bpmn_dir, settings.forms_dir, f"{folder} tests")
    return settings, runtime


@contextmanager
def serving(settings: Settings, runtime: Runtime, name: str) -> Iterator[str]:
    """The app on a real local port in a thread; its address. Stopped, and the caches emptied, after."""
    server = make_server("127.0.0.1", 0, create_app(settings, runtime), threaded=True,
                         request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        runtime.db.dispose()
        definition_cache.forget_all()
        form_cache.forget_all()


@pytest.fixture(scope="module")
def live_server(migrated_sqlite, tmp_path_factory) -> Iterator[str]:
    settings, runtime = deployed_runtime(migrated_sqlite, tmp_path_factory, "live", "browser-test-secret")
    with runtime.db.transaction() as session:
        for username, (name, roles) in PEOPLE.items():
            users_dao.add_user(session, username=username, full_name=name, password_hash=_HASH, roles=roles,
                               job_title="", now=runtime.clock.now())
    with serving(settings, runtime, "live-server") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is needed for the browser tests (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request) -> Path:
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


class Staff:
    """One person at the browser: signs in, follows links, fills the forms rendered from their JSON Schema."""

    def __init__(self, page, base_url: str, folder: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.shots = 0

    def sign_in(self, username: str) -> None:
        self.page.context.clear_cookies()
        self.goto("/sign-in")
        self.page.fill("#username", username)
        self.page.fill("#password", TEST_PASSWORD)
        self.submit("Sign in")

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def submit(self, button_text: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text, exact=True).click()

    def follow(self, link_text: str) -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link_text, exact=True).first.click()

    def fill(self, form_key: str, answers: dict) -> None:
        """Answer a form as a person would, in the form's order, so reveals open before their questions."""
        fields = normalise(json.loads((FORMS / f"{form_key}.json").read_text(encoding="utf-8")), form_key)["properties"]
        for name, spec in fields.items():
            if name not in answers:
                continue
            value, widget = answers[name], spec["x-widget"]
            if widget in ("radios", "yes-no"):
                self.page.check(f"input[name='{name}'][value='{value}']")
            elif widget == "checkboxes":
                for choice in value:
                    self.page.check(f"input[name='{name}'][value='{choice}']")
            elif widget in ("date", "datetime"):
                day, _, time = value.partition("T")
                year, month, day = day.split("-")
                for part, text in (("day", day), ("month", month), ("year", year), ("time", time)):
                    if text:
                        self.page.fill(f"#{name}-{part}", text)
            else:
                self.page.fill(f"#{name}", value)

    def screenshot(self, name: str, selector: str | None = None) -> None:
        """The whole page, or one part of it (full-page shots leave out frames that run in their own process)."""
        self.shots += 1
        path = str(self.folder / f"{self.shots:02d}-{name}.png")
        if selector:
            self.page.locator(selector).screenshot(path=path)
        else:
            self.page.screenshot(path=path, full_page=True)

    def heading(self) -> str:
        return self.page.inner_text("h1").strip()

    def main_text(self) -> str:
        return " ".join(self.page.inner_text("main").split())
