"""In a real browser: sign in through the OpenID provider (its login and consent pages) and land in the inbox."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from datetime import UTC, datetime

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.config import ROOT, Settings
from service.processes import definitions as definition_cache
from service.processes import forms as form_cache
from service.runtime import build_runtime
from tests.browser.conftest import _QuietHandler, browser  # noqa: F401 - the shared chromium fixture
from tests.service.sso.conftest import sso_settings
from workflows.clock import FrozenClock

pytestmark = pytest.mark.browser


@pytest.fixture
def sso_live_server(migrated_sqlite, tmp_path, oidc_provider):
    path = tmp_path / "ubp.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    port = oidc_provider["browser_port"]
    settings = Settings(environment="testing", database_url=f"sqlite:///{path}", secret_key="browser-test-secret",
                        secure_cookies=False, forms_dir=ROOT / "forms", bpmn_dir=ROOT / "bpmn",
                        public_url=f"http://127.0.0.1:{port}")
    settings = dataclasses.replace(settings, sso=sso_settings(oidc_provider))
    runtime = build_runtime(settings, FrozenClock(datetime.now(UTC)))  # the provider's tokens carry real times
    server = make_server("127.0.0.1", port, create_app(settings, runtime), threaded=True,
                         request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="sso-live-server", daemon=True)
    thread.start()
    try:
        yield settings.public_url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        runtime.db.dispose()
        definition_cache.forget_all()
        form_cache.forget_all()


def test_a_caseworker_signs_in_through_the_provider_and_sees_the_inbox(browser, sso_live_server):  # noqa: F811
    page = browser.new_page()
    try:
        page.goto(f"{sso_live_server}/sign-in")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in with Test ID").click()
        assert page.url.startswith("http://127.0.0.1:") and "/interaction/" in page.url  # the provider's own page
        page.fill("input[name=login]", "rita-sub")
        page.fill("input[name=password]", "any password: the development provider accepts it")
        with page.expect_navigation():
            page.click("button[type=submit]")
        with page.expect_navigation(url=f"{sso_live_server}/**"):
            page.click("button[type=submit]")  # consent
        assert page.url == f"{sso_live_server}/tasks"
        assert page.inner_text("h1").strip() == "Tasks"
        assert "Rita Reviewer" in page.inner_text("nav")
    finally:
        page.close()
