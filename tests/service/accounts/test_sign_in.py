"""Sign-in limits, lockout, and sessions that end everywhere at once."""

from __future__ import annotations

import pytest

from service.accounts import people as accounts
from service.accounts.api_tokens import issue_token
from tests.service.conftest import TEST_PASSWORD, csrf_token_from, sign_in


def _post(client, path, data):
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_token_from(page)})


def _copy_cookie(source, target):
    cookie = source.get_cookie("ubp")
    target.set_cookie("ubp", cookie.value)


def test_a_session_cookie_copied_before_sign_out_no_longer_works_after_it(client, app, people):
    assert sign_in(client, "casey").status_code == 302
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert thief.get("/tasks").status_code == 200
    assert _post(client, "/sign-out", {}).status_code == 302
    assert thief.get("/tasks").status_code == 302  # sent to sign in


def test_changing_the_password_ends_every_session_including_other_devices(client, app, people, runtime):
    sign_in(client, "casey")
    laptop = app.test_client()
    sign_in(laptop, "casey")
    refused = _post(client, "/account/password", {"current": "wrong", "password": "x", "confirmation": "x"})
    assert refused.status_code == 422 and "Enter your current password correctly" in refused.get_data(as_text=True)
    assert laptop.get("/tasks").status_code == 200
    changed = _post(client, "/account/password", {"current": TEST_PASSWORD, "password": "pebble orchard violin",
                                                  "confirmation": "pebble orchard violin"})
    assert changed.status_code == 302
    assert laptop.get("/tasks").status_code == 302
    assert client.get("/tasks").status_code == 302
    assert sign_in(laptop, "casey", "pebble orchard violin").status_code == 302


def test_deactivation_ends_sessions_and_api_tokens_at_once(client, app, people, runtime):
    sign_in(client, "casey")
    issued = issue_token(runtime.casework, people["adam"], "Housing system", ["caseworker"], runtime.clock.now())
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert client.get("/api/v1/tasks?group=caseworker", headers=headers).status_code == 200
    accounts.deactivate(runtime.casework, people["adam"], people["casey"].user_id, "Left", runtime.clock.now())
    assert client.get("/tasks").status_code == 302
    # The token's service account is deactivated straight in the database, as another server would do it:
    # the very next call is refused (no cache in between).
    with runtime.db.transaction() as session:
        from service.models import User

        session.get(User, issued.record.service_user_id).active = False
    assert client.get("/api/v1/tasks?group=caseworker", headers=headers).status_code == 401


def test_repeated_wrong_passwords_lock_the_account_and_the_admin_sees_it(client, people, runtime):
    for _ in range(4):
        assert sign_in(client, "casey", "not the password at all").status_code == 401
    locked = sign_in(client, "casey", "not the password at all")
    assert locked.status_code == 401 and "This account is locked" in locked.get_data(as_text=True)
    # Locked: even the right password is refused until the lock passes.
    assert sign_in(client, "casey").status_code == 401
    admin = client.application.test_client()
    sign_in(admin, "adam")
    listing = admin.get("/admin/people").get_data(as_text=True)
    assert 'id="locked-people"' in listing and "Casey Worker" in listing.split('id="locked-people"')[1][:400]
    runtime.clock.advance(minutes=16)
    assert sign_in(client, "casey").status_code == 302


def test_an_administrator_can_unlock_at_once(client, people, runtime):
    for _ in range(5):
        sign_in(client, "casey", "not the password at all")
    accounts.unlock(runtime.casework, people["adam"], people["casey"].user_id, runtime.clock.now())
    assert sign_in(client, "casey").status_code == 302


def test_successful_sign_ins_never_count_towards_the_limit(client, people, runtime):
    runtime.settings.login_rate_limit = "3 per minute"
    for _ in range(6):
        assert sign_in(client, "casey").status_code == 302
    for username in ("cora", "hana", "henry"):  # failures from one address, on different accounts
        assert sign_in(client, username, "wrong password here").status_code == 401
    assert sign_in(client, "erin").status_code == 429


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "casey-casey-1", "Password1234"])
def test_weak_new_passwords_are_refused(client, people, password):
    sign_in(client, "casey")
    refused = _post(client, "/account/password", {"current": TEST_PASSWORD, "password": password,
                                                  "confirmation": password})
    assert refused.status_code == 422
