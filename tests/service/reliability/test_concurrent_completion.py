"""Two people act on the same task at the same moment, 200 times, against gunicorn on PostgreSQL.

Each round releases two client threads together through a barrier, on two connections to a server
with two gthread workers; four such pairs race at once, each on its own tasks. Exactly one of the
two may win; the other must hear, in a 409, that someone got there first and nothing was saved;
and the audit must hold exactly one completion.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.bpmn import samples
from tests.service.reliability.conftest import (
    ServiceAccount,
    assert_every_instance_consistent,
    audit_counts,
    start_cases_through,
)
from tests.service.reliability.server import Reply, bearer

pytestmark = [pytest.mark.slow, pytest.mark.postgres_only]

ROUNDS = 200
PAIRS = 4  # pairs of clients racing at once, each pair on its own tasks
CLEAR_CONFLICTS = (
    "Someone else changed this case at the same moment, so nothing was saved.",
    "This task has already been completed or has moved on, so nothing was changed.",
    "Someone else has picked up this task, so nothing was changed.",
)


def _race(rounds: list[tuple[Callable[[], Reply], Callable[[], Reply]]]) -> list[tuple[Reply, Reply]]:
    """Each round's two actions at the same moment, one per thread, released together by a barrier.
    PAIRS pairs of threads share out the rounds, so several races run at once on the server."""

    def pair(share: list[tuple[Callable[[], Reply], Callable[[], Reply]]]) -> list[tuple[Reply, Reply]]:
        barrier = threading.Barrier(2, timeout=60)

        def side(which: int) -> list[Reply]:
            replies = []
            for actions in share:
                barrier.wait()
                replies.append(actions[which]())
            return replies

        with ThreadPoolExecutor(max_workers=2) as sides:
            first, second = sides.submit(side, 0), sides.submit(side, 1)
            return list(zip(first.result(timeout=300), second.result(timeout=300), strict=True))

    with ThreadPoolExecutor(max_workers=PAIRS) as pairs:
        shares = [pairs.submit(pair, rounds[n::PAIRS]) for n in range(PAIRS)]
        return [outcome for share in shares for outcome in share.result(timeout=300)]


def _assert_one_winner_each_round(outcomes: list[tuple[Reply, Reply]]) -> Counter:
    losers: Counter = Counter()
    for number, pair in enumerate(outcomes):
        statuses = sorted(reply.status for reply in pair)
        assert statuses == [200, 409], (number, [(r.status, r.text[:300]) for r in pair])
        loser = next(reply for reply in pair if reply.status == 409)
        assert loser.message.startswith(CLEAR_CONFLICTS), loser.message
        losers[loser.message] += 1
    return losers


def _complete(client, task_id: str) -> Callable[[], Reply]:
    return lambda: client.post_json(f"/api/v1/tasks/{task_id}/complete", samples.assessment("isolated"))


def _claim_and_complete(client, task_id: str) -> Callable[[], Reply]:
    def act() -> Reply:
        claimed = client.post_json(f"/api/v1/tasks/{task_id}/claim")
        return claimed if claimed.status != 200 else client.post_json(
            f"/api/v1/tasks/{task_id}/complete", samples.assessment("isolated"))

    return act


def _assert_audit_exact(runtime, task_ids: list[str], *, claims: int) -> None:
    completed, claimed = audit_counts(runtime, "task_completed"), audit_counts(runtime, "task_claimed")
    assert {task_id: completed.get(task_id) for task_id in task_ids} == dict.fromkeys(task_ids, 1)
    assert {task_id: claimed.get(task_id) for task_id in task_ids} == dict.fromkeys(task_ids, claims)
    assert sum(completed.values()) == len(task_ids)  # nothing doubled anywhere else either
    assert assert_every_instance_consistent(runtime) == len(task_ids)


def test_the_holder_sends_the_same_completion_twice_at_once(policy, people, web):
    """A double submission (two tabs, a retrying integration): both requests pass every check up to
    the write, so the row lock and the instance's optimistic lock must decide."""
    holder = ServiceAccount(policy, people["adam"], "Housing system")
    server = web().start()
    task_ids = [opened.task_id for opened in start_cases_through(server.port, holder, ROUNDS, claim=True)]
    one, two = bearer(server.port, holder.token), bearer(server.port, holder.token)

    outcomes = _race([(_complete(one, task_id), _complete(two, task_id)) for task_id in task_ids])

    losers = _assert_one_winner_each_round(outcomes)
    _assert_audit_exact(policy, task_ids, claims=1)
    print(f"\n{ROUNDS} simultaneous double completions: {ROUNDS} won, {sum(losers.values())} conflicts {dict(losers)}")


def test_two_people_claim_and_complete_the_same_task_at_once(policy, people, web):
    """Two service accounts race for the same unclaimed task: one holds and completes it, the other
    is told someone else picked it up (or already finished it)."""
    first = ServiceAccount(policy, people["adam"], "Contact centre")
    second = ServiceAccount(policy, people["adam"], "Housing system")
    server = web().start()
    task_ids = [opened.task_id for opened in start_cases_through(server.port, first, ROUNDS)]
    one, two = bearer(server.port, first.token), bearer(server.port, second.token)

    outcomes = _race([(_claim_and_complete(one, task_id), _claim_and_complete(two, task_id))
                      for task_id in task_ids])

    losers = _assert_one_winner_each_round(outcomes)
    wins = Counter("first" if pair[0].status == 200 else "second" for pair in outcomes)
    _assert_audit_exact(policy, task_ids, claims=1)
    print(f"\n{ROUNDS} simultaneous claim-and-complete races: wins {dict(wins)}, conflicts {dict(losers)}")


def test_the_first_cases_of_a_year_started_at_the_same_moment_get_different_references(policy, people, web):
    """The year's counter row does not exist yet, so every start must add it or wait for the one
    that does: none may fail on the counter's unique key."""
    account = ServiceAccount(policy, people["adam"], "Housing system")
    server = web().start()
    starters = 8
    barrier = threading.Barrier(starters, timeout=60)

    def start(number: int) -> Reply:
        client = bearer(server.port, account.token)
        barrier.wait()
        return client.post_json("/api/v1/cases", samples.incident(customer_reference=f"SH-9{number:05d}"))

    with ThreadPoolExecutor(max_workers=starters) as pool:
        replies = list(pool.map(start, range(starters)))
    assert [reply.status for reply in replies] == [201] * starters, [r.text[:200] for r in replies]
    references = {reply.json["reference"] for reply in replies}
    assert len(references) == starters
    assert sorted(int(reference.rsplit("-", 1)[1]) for reference in references) == list(range(1, starters + 1))
