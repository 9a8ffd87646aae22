"""Anchors over every case chain: what a case chain cannot show by itself is caught here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from service.cases.cases import complete_task, start_case
from service.dao import tasks_dao
from service.history.anchors import write_anchor
from service.history.audit_verify import verify_all
from service.models import AuditAnchorHead
from service.worker import Worker
from tests.service.cases.test_cases import _open_task
from tests.service.conftest import deploy_fixture
from tests.service.history.tampering import delete_case_entirely, ids_of, rewrite_chain, tamper


def _step(runtime, actor, reference: str, note: str) -> None:
    task = _open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=actor.user_id, now=runtime.clock.now())
    complete_task(runtime.casework, actor, task.id, {"note": note})


@pytest.fixture
def two_cases(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    references = [start_case(runtime.casework, casey, {"customer_reference": f"C-{n}"},
                                              process_id="three_tasks").reference
                  for n in (1, 2)]
    for reference in references:
        _step(runtime, casey, reference, "one")
    return references


def _verify(runtime):
    with runtime.db.reading() as session:
        return verify_all(session)


def _anchor(runtime):
    runtime.clock.advance(minutes=15)
    return write_anchor(runtime.casework, runtime.clock.now())


def test_anchors_chain_and_record_only_the_heads_that_changed(runtime, people, two_cases):
    first = _anchor(runtime)
    assert (first.seq, first.case_count) == (1, 2)
    _step(runtime, people["casey"], two_cases[0], "two")
    second, third = _anchor(runtime), _anchor(runtime)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    with runtime.db.reading() as session:
        recorded = dict(session.execute(
            select(AuditAnchorHead.anchor_id, func.count()).group_by(AuditAnchorHead.anchor_id)).all())
    assert recorded == {first.id: 2, second.id: 1}  # the third anchor saw nothing new
    report = _verify(runtime)
    assert report.intact and report.anchors == 3 and report.latest_anchor.hash == third.hash


@pytest.mark.parametrize("statement", [
    "UPDATE audit_anchors SET case_count = 0",
    "DELETE FROM audit_anchors",
    "UPDATE audit_anchor_heads SET hash = 'x'",
    "DELETE FROM audit_anchor_heads",
])
def test_the_database_refuses_to_edit_or_delete_anchors(runtime, two_cases, statement):
    _anchor(runtime)
    with pytest.raises(DBAPIError), runtime.db.engine.begin() as connection:
        connection.execute(text(statement))


def test_a_case_chain_removed_with_its_head_is_caught_only_by_the_anchors(runtime, two_cases):
    _anchor(runtime)
    _, instance_id = ids_of(runtime, two_cases[1])
    tamper(runtime, f"DELETE FROM audit_events WHERE instance_id = {instance_id}",
           f"UPDATE process_instances SET audit_seq = 0, audit_head = '' WHERE id = {instance_id}")
    report = _verify(runtime)
    assert not report.intact and report.anchor_problem is None
    [link] = report.broken
    assert link.business_key == two_cases[1] and "covered by anchor 1, is missing" in link.problem


def test_a_case_deleted_entirely_is_caught_by_the_anchors(runtime, two_cases):
    _anchor(runtime)
    delete_case_entirely(runtime, two_cases[0])
    report = _verify(runtime)
    assert report.chains == 1  # the case chains alone now look complete
    assert [link.business_key for link in report.broken] == [two_cases[0]]
    assert "removed or cut short" in report.broken[0].problem


def test_a_chain_rewritten_with_fresh_hashes_is_caught_by_the_anchors(runtime, people, two_cases):
    _anchor(runtime)
    rewrite_chain(runtime, two_cases[0], 2, actor_id=people["cora"].user_id)
    report = _verify(runtime)
    [link] = report.broken
    assert link.business_key == two_cases[0] and "has a different hash now" in link.problem


def test_events_after_the_latest_anchor_rely_on_their_case_chain(runtime, people, two_cases):
    _anchor(runtime)
    _step(runtime, people["casey"], two_cases[0], "two")
    _, instance_id = ids_of(runtime, two_cases[0])
    tamper(runtime, f"UPDATE audit_events SET event_type = 'x' WHERE instance_id = {instance_id} "
                    f"AND seq = (SELECT MAX(seq) FROM audit_events WHERE instance_id = {instance_id})")
    [link] = _verify(runtime).broken
    assert "changed after it was written" in link.problem


@pytest.mark.parametrize(("statement", "seq", "problem"), [
    ("UPDATE audit_anchors SET case_count = 5 WHERE seq = 1", 1, "its hash no longer matches"),
    ("UPDATE audit_anchors SET heads_digest = 'x' WHERE seq = 2", 2, "its hash no longer matches"),
    ("DELETE FROM audit_anchors WHERE seq = 2", 2, "anchor 2 is missing"),
    ("UPDATE audit_anchor_heads SET seq = seq - 1", 1, "its hash no longer matches"),
])
def test_verify_reports_the_first_broken_anchor(runtime, two_cases, statement, seq, problem):
    _anchor(runtime)
    _anchor(runtime)
    _anchor(runtime)
    tamper(runtime, statement)
    report = _verify(runtime)
    assert not report.intact and report.anchor_problem.seq == seq and problem in report.anchor_problem.problem


def test_the_worker_anchors_every_interval(runtime, two_cases):
    worker = Worker(runtime, poll_seconds=1, anchor_every=timedelta(minutes=15))
    worker.anchor_audit_if_due()
    worker.anchor_audit_if_due()
    runtime.clock.advance(minutes=14)
    worker.anchor_audit_if_due()
    assert _verify(runtime).anchors == 1
    runtime.clock.advance(minutes=1)
    worker.anchor_audit_if_due()
    assert _verify(runtime).anchors == 2


def test_a_second_worker_does_not_anchor_again_within_the_interval(runtime, two_cases):
    Worker(runtime, poll_seconds=1, anchor_every=timedelta(minutes=15)).anchor_audit_if_due()
    runtime.clock.advance(minutes=5)
    Worker(runtime, poll_seconds=1, anchor_every=timedelta(minutes=15)).anchor_audit_if_due()
    assert _verify(runtime).anchors == 1


def test_the_command_line_anchors_and_verifies(app, runtime, two_cases):
    cli = app.test_cli_runner()
    anchored = cli.invoke(args=["anchor-audit"])
    assert anchored.exit_code == 0 and "Anchor 1 covers 2 cases" in anchored.output
    verified = cli.invoke(args=["verify-audit"])
    assert verified.exit_code == 0, verified.output
    assert "and 1 anchors" in verified.output and "Latest anchor: 1" in verified.output
    delete_case_entirely(runtime, two_cases[1])
    broken = cli.invoke(args=["verify-audit"])
    assert broken.exit_code == 1 and f"BROKEN {two_cases[1]} at event" in broken.output
