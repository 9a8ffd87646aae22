"""The database goes away under a running gunicorn, and comes back: clean 503s, then recovery without a restart.

The machine's PostgreSQL is shared with other work, so it is not restarted: the server reaches it
through a relay that the test cuts (every connection dropped, new ones refused) and restores, which
is what the application sees of a restart. Separately, the server's own connections are ended
with ``pg_terminate_backend`` while clients keep it busy.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from service.errors import MESSAGES
from service.models import Case
from tests.bpmn import samples
from tests.service.conftest import TEST_PASSWORD, csrf_token_from
from tests.service.reliability.conftest import (
    ServiceAccount,
    assert_every_instance_consistent,
    start_cases,
    wait_until_a_transaction_is_open,
)
from tests.service.reliability.server import WAIT, Http, Reply, bearer
from tests.service.switchable_proxy import SwitchableProxy

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

ANSWER_WITHIN = 6.0  # seconds: a request during an outage must fail fast, not hang


@pytest.fixture
def proxy(runtime) -> Iterator[SwitchableProxy]:
    url = runtime.db.engine.url
    relay = SwitchableProxy((url.host or "127.0.0.1", url.port or 5432))
    yield relay
    relay.close()


def _cases(runtime) -> int:
    with runtime.db.reading() as session:
        return session.scalar(select(func.count()).select_from(Case))


def _signed_in(port: int, username: str) -> Http:
    browser = Http(port)
    page = browser.get("/sign-in")
    assert page.status == 200, page.text
    signed = browser.post_form("/sign-in", {"username": username, "password": TEST_PASSWORD,
                                            "csrf_token": csrf_token_from(page.text)})
    assert signed.status == 302, signed.text
    return browser


def _timed(call, *args) -> Reply:
    asked = time.monotonic()
    reply = call(*args)
    assert time.monotonic() - asked < ANSWER_WITHIN, f"took {time.monotonic() - asked:.1f}s"
    return reply


def _assert_unavailable_json(reply: Reply) -> None:
    assert reply.status == 503, (reply.status, reply.text[:500])
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json == {"error": {"status": 503, "message": MESSAGES[503]}}


def _assert_unavailable_page(reply: Reply) -> None:
    assert reply.status == 503, (reply.status, reply.text[:500])
    assert reply.headers["content-type"].startswith("text/html")
    assert MESSAGES[503] in reply.text and "<h1" in reply.text
    assert "Traceback" not in reply.text and "psycopg" not in reply.text.lower()


def test_requests_fail_cleanly_while_the_database_is_cut_off_and_recover_without_a_restart(
    policy, people, web, proxy
):
    account = ServiceAccount(policy, people["adam"], "Housing system")
    [reference] = start_cases(policy, people["casey"], 1)
    relayed = policy.db.engine.url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    server = web(relayed, name="ubp-web-relay").start()
    api, browser = bearer(server.port, account.token), _signed_in(server.port, "casey")
    assert api.get("/api/v1/cases").status == 200
    assert browser.get(f"/cases/{reference}").status == 200
    pids, cases_before = server.pids, _cases(policy)

    proxy.cut()
    for _ in range(6):  # enough to reach both workers and every pooled connection
        _assert_unavailable_json(_timed(api.get, "/api/v1/cases"))
        _assert_unavailable_json(_timed(api.post_json, "/api/v1/cases", samples.incident()))
        _assert_unavailable_page(_timed(browser.get, f"/cases/{reference}"))
        _assert_unavailable_page(_timed(browser.get, "/tasks"))
        health = _timed(Http(server.port).get, "/health")
        assert health.status == 503 and health.json["status"] == "unavailable"
    assert _cases(policy) == cases_before  # nothing was saved

    proxy.restore()
    assert api.get("/api/v1/cases").status == 200  # the very next request: the pool reconnects by itself
    assert api.post_json("/api/v1/cases", samples.incident()).status == 201
    assert browser.get(f"/cases/{reference}").status == 200
    assert browser.get("/tasks").status == 200
    assert server.pids == pids and server.count("Booting worker") == server.workers  # never restarted
    assert _cases(policy) == cases_before + 1
    assert "Traceback" not in server.log, server.log


def _terminate_backends(runtime, name: str) -> int:
    with runtime.db.reading() as session:
        return session.scalar(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name"
        ), {"name": name})


def test_connections_terminated_mid_run_give_clean_503s_and_the_next_requests_succeed(policy, people, web):
    account = ServiceAccount(policy, people["adam"], "Housing system")
    server = web(name="ubp-web-pgt").start()
    stop = threading.Event()
    lock = threading.Lock()
    replies: list[tuple[str, Reply]] = []

    def client(number: int) -> None:
        api = bearer(server.port, account.token)
        for n in range(1000):
            if stop.is_set():
                return
            if n % 2:
                reply = ("read", api.get("/api/v1/cases?page_size=5"))
            else:
                reply = ("write", api.post_json("/api/v1/cases",
                                                samples.incident(customer_reference=f"PGT-{number}-{n}")))
            with lock:
                replies.append(reply)

    terminated = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(client, number) for number in range(4)]
        for _ in range(3):
            wait_until_a_transaction_is_open(policy, server.name)
            terminated.append(_terminate_backends(policy, server.name))
            answered = len(replies)
            deadline = time.monotonic() + WAIT
            pause = threading.Event()
            while len(replies) < answered + 20:  # let it serve a while before the next blow
                assert time.monotonic() < deadline and not any(f.done() for f in futures)
                pause.wait(0.01)
        stop.set()
        for future in futures:
            future.result(timeout=WAIT)
    # Once the blows stop, everything is answered again without restarting anything.
    api = bearer(server.port, account.token)
    after = []
    for n in range(4):
        after += [("read", api.get("/api/v1/cases?page_size=5")),
                  ("write", api.post_json("/api/v1/cases", samples.incident(customer_reference=f"PGT-after-{n}")))]
    replies += after

    outcomes = Counter((kind, reply.status) for kind, reply in replies)
    assert set(outcomes) <= {("read", 200), ("read", 503), ("write", 201), ("write", 503)}, outcomes
    for _kind, reply in replies:
        if reply.status == 503:
            _assert_unavailable_json(reply)
    assert all(reply.status in (200, 201) for _kind, reply in after), (
        f"{outcomes}; after the blows {[(kind, reply.status) for kind, reply in after]}\n{server.log[-4000:]}")
    assert server.count("Booting worker") == server.workers
    assert sum(terminated) > 0
    # A 503 on a write saved nothing (a connection lost in the instant after COMMIT could differ).
    created = _cases(policy)
    assert outcomes[("write", 201)] <= created <= outcomes[("write", 201)] + outcomes[("write", 503)]
    assert_every_instance_consistent(policy)
    print(f"\npg_terminate_backend x3 ended {terminated} connections; answers {dict(outcomes)}; "
          f"cases stored {created}")
