"""A real OpenID provider started by the tests (npm oidc-provider, installed from package-lock.json),
and a helper that signs in through it the way a browser would (its development login and consent
pages), handing the redirects between the provider and the app under test."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from service.config import ROOT, SingleSignOn

PROVIDER = Path(__file__).with_name("provider.mjs")
CLIENT_SECRET = "a-client-secret-for-tests-only-0123456789"
ACCOUNTS = {
    "rita-sub": {"name": "Rita Reviewer", "preferred_username": "rita@example.org", "email": "rita@example.org",
                 "oid": "00000000-0000-0000-0000-00000000r1ta", "roles": ["UBP.Caseworker"]},
    "harry-sub": {"name": "Harry Head", "preferred_username": "harry@example.org", "email": "harry@example.org",
                  "oid": "00000000-0000-0000-0000-0000000harry", "roles": ["UBP.HeadOfService", "Other.App"]},
    "nobody-sub": {"name": "No Role", "preferred_username": "norole@example.org", "roles": []},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and node_modules/oidc-provider are needed: run `make assets` (npm ci from the lock file)")
    port, browser_port = _free_port(), _free_port()
    issuer = f"http://127.0.0.1:{port}"
    # The app under test: the in-process one (PUBLIC_URL's default) and the browser test's live server.
    apps = [f"http://127.0.0.1:{p}" for p in (5000, browser_port)]
    clients = [
        {"client_id": client_id, "client_secret": CLIENT_SECRET, "grant_types": ["authorization_code"],
         "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic",
         "redirect_uris": [f"{app}/sign-in/sso/callback" for app in apps],
         "post_logout_redirect_uris": [f"{app}/sign-in" for app in apps]}
        for client_id in ("ubp", "another-app")
    ]
    environment = {**os.environ, "OIDC_PORT": str(port), "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
                   "OIDC_CLIENTS": json.dumps(clients), "NODE_ENV": "test"}
    process = subprocess.Popen([node, str(PROVIDER)], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    said = []
    for _ in range(20):  # warnings first (it prefers Node 22), then "ready"; stops early if it exits
        line = process.stdout.readline()
        said.append(line)
        if not line or line.strip() == "ready":
            break
    if said[-1].strip() != "ready":
        process.kill()
        pytest.fail(f"the OpenID provider did not start: {''.join(said)[:2000]}")
    # Keep reading what it says, so a full pipe never stalls it.
    drain = threading.Thread(target=process.stdout.read, name="oidc-provider-output", daemon=True)
    drain.start()
    yield {"issuer": issuer, "clients": clients, "browser_port": browser_port}
    process.terminate()
    process.wait(timeout=10)
    drain.join(timeout=10)
    process.stdout.close()


def sso_settings(provider, client_id: str = "ubp", **changes) -> SingleSignOn:
    values = {"issuer": provider["issuer"], "client_id": client_id, "client_secret": CLIENT_SECRET,
              "role_map": {"UBP.Caseworker": "caseworker", "UBP.HeadOfService": "head_of_service"},
              "create_users": True, "name": "Test ID"}
    values.update(changes)
    return SingleSignOn(**values)


def provider_login(start_url: str, account: str) -> str:
    """Through the provider's development login and consent pages; returns the redirect back to the app."""
    browser = requests.Session()
    response = browser.get(start_url, allow_redirects=False, timeout=10)
    for _ in range(10):
        location = response.headers.get("Location")
        if location and "/sign-in/sso/callback" in location:
            return location
        if location:
            response = browser.get(urljoin(response.url, location), allow_redirects=False, timeout=10)
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert form, response.text[:500]
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text))
        if 'name="login"' in response.text:
            fields.update(login=account, password="anything")
        response = browser.post(urljoin(response.url, form.group(1)), data=fields, allow_redirects=False,
                                timeout=10)
    raise AssertionError("the provider never sent the browser back")


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
