"""Single sign-on against a real OpenID provider started by the tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service.accounts import directory
from service.auth import oidc
from service.models import User
from tests.service.conftest import sign_in
from tests.service.sso.conftest import callback_path, provider_login, query_of, sso_settings


@pytest.fixture
def sso(runtime, oidc_provider):
    runtime.settings.sso = sso_settings(oidc_provider)
    # The provider's tokens carry real times; the service checks them against its own (injectable) clock.
    runtime.clock.set(datetime.now(UTC))
    return oidc_provider


def _through_provider(client, account: str, **query) -> object:
    start = client.get("/sign-in/sso", query_string=query)
    assert start.status_code == 302
    return client.get(callback_path(provider_login(start.headers["Location"], account)))


def test_the_sign_in_request_uses_pkce_state_and_nonce(client, sso):
    location = client.get("/sign-in/sso").headers["Location"]
    sent = query_of(location)
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) >= 43
    assert sent["state"] and sent["nonce"] and sent["response_type"] == "code"
    assert sent["redirect_uri"] == "http://127.0.0.1:5000/sign-in/sso/callback"


def test_first_sign_in_creates_the_person_with_mapped_roles_and_shows_the_inbox(client, sso, runtime):
    signed = _through_provider(client, "rita-sub")
    assert signed.status_code == 302, signed.get_data(as_text=True)
    assert client.get("/tasks").status_code == 200
    with runtime.db.reading() as session:
        rita = session.scalar(select(User).where(User.full_name == "Rita Reviewer"))
    assert (rita.username, rita.roles, rita.email) == ("rita", ["caseworker"], "rita@example.org")
    assert rita.external_id.endswith("|00000000-0000-0000-0000-00000000r1ta")
    _, trail = directory.person_with_trail(runtime.casework, rita.id)
    assert trail[0].what == "First signed in with single sign-on"


def test_roles_are_refreshed_at_each_sign_in_and_matched_by_the_stable_claim(client, sso, runtime, oidc_provider):
    assert _through_provider(client, "harry-sub").status_code == 302
    with runtime.db.transaction() as session:
        harry = session.scalar(select(User).where(User.full_name == "Harry Head"))
        assert harry.roles == ["head_of_service"]  # Other.App is not ours, so it is dropped
        harry.roles = ["caseworker", "admin"]  # changed here; the provider still says Head of Service
        harry.username = "renamed-locally"
    other = client.application.test_client()
    assert _through_provider(other, "harry-sub").status_code == 302
    with runtime.db.reading() as session:
        again = session.scalars(select(User).where(User.full_name == "Harry Head")).all()
    assert len(again) == 1 and again[0].roles == ["head_of_service"]


def test_without_first_time_creation_an_unknown_person_is_turned_away(client, runtime, oidc_provider):
    runtime.settings.sso = sso_settings(oidc_provider, create_users=False)
    runtime.clock.set(datetime.now(UTC))
    refused = _through_provider(client, "rita-sub")
    assert refused.status_code == 401 and "Ask an administrator to add you" in refused.get_data(as_text=True)
    assert client.get("/tasks").status_code == 302


def test_a_person_with_no_role_is_turned_away(client, sso):
    refused = _through_provider(client, "nobody-sub")
    assert refused.status_code == 401 and "no role" in refused.get_data(as_text=True)


def _token_for(client, account: str, settings) -> tuple[str, str]:
    """A real ID token from the provider for ``account``, and the nonce it carries."""
    start = client.get("/sign-in/sso")
    with client.session_transaction() as session:
        waiting = dict(session["sso"])
    params = query_of(provider_login(start.headers["Location"], account))
    claims, token = oidc.finish(settings, code=params["code"], redirect_uri="http://127.0.0.1:5000/sign-in/sso/callback",
                                verifier=waiting["verifier"], nonce=waiting["nonce"],
                                now=datetime.now(UTC).timestamp())
    assert claims["sub"] == account
    return token, waiting["nonce"]


def test_a_tampered_token_is_refused(client, sso, runtime):
    token, nonce = _token_for(client, "rita-sub", runtime.settings.sso)
    header, payload, signature = token.split(".")
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["UBP.Admin"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(oidc.SignOnRefused):
        oidc.verify_id_token(runtime.settings.sso, f"{header}.{forged}.{signature}", nonce=nonce,
                             now=datetime.now(UTC).timestamp())


def test_a_token_for_another_application_is_refused(client, sso, runtime, oidc_provider):
    other_app = sso_settings(oidc_provider, client_id="another-app")
    token, nonce = _token_for(client, "rita-sub", runtime.settings.sso)
    with pytest.raises(oidc.SignOnRefused):
        oidc.verify_id_token(other_app, token, nonce=nonce, now=datetime.now(UTC).timestamp())


def test_an_expired_token_or_a_wrong_nonce_is_refused(client, sso, runtime):
    token, nonce = _token_for(client, "rita-sub", runtime.settings.sso)
    later = (datetime.now(UTC) + timedelta(hours=1)).timestamp()  # the provider's tokens last 10 minutes
    with pytest.raises(oidc.SignOnRefused):
        oidc.verify_id_token(runtime.settings.sso, token, nonce=nonce, now=later)
    with pytest.raises(oidc.SignOnRefused):
        oidc.verify_id_token(runtime.settings.sso, token, nonce="another", now=datetime.now(UTC).timestamp())


def test_a_callback_with_a_wrong_state_is_refused(client, sso):
    client.get("/sign-in/sso")
    refused = client.get("/sign-in/sso/callback?state=forged&code=anything")
    assert refused.status_code == 401 and "not started here" in refused.get_data(as_text=True)


def test_local_passwords_can_be_switched_off(client, sso, runtime, people):
    runtime.settings.local_passwords = False
    refused = sign_in(client, "casey")
    assert refused.status_code == 401 and "passwords for this service are switched off" in refused.get_data(
        as_text=True)
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'id="sso-sign-in"' in page and 'name="password"' not in page


def test_sign_out_ends_the_local_session_and_goes_to_the_providers_sign_out(client, sso, runtime):
    _through_provider(client, "rita-sub")
    page = client.get("/tasks").get_data(as_text=True)
    from tests.service.conftest import csrf_token_from

    out = client.post("/sign-out", data={"csrf_token": csrf_token_from(page)})
    assert out.status_code == 302 and out.headers["Location"].startswith(sso["issuer"])
    assert "id_token_hint" in out.headers["Location"]
    assert client.get("/tasks").status_code == 302
