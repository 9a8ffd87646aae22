"""A sent letter is evidence: nothing in the service, and nothing sent straight to the database, can change it.

On both databases: the service refuses (``LetterAlreadySent``) before the database would, and raw
SQL is refused by the triggers. Drafts can be changed and removed; the one change a sent letter
allows is the one-way anonymisation that retention requires, which keeps what identifies it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError

from service.dao import cases_dao
from service.packs.unacceptable_behaviour.dao import letters_dao
from service.packs.unacceptable_behaviour.letters import store_draft_letter, store_sent_letter
from service.packs.unacceptable_behaviour.models import Letter
from service.packs.unacceptable_behaviour.models.letters import LetterAlreadySent
from tests.service.conftest import deploy_fixture
from tests.service.packs.unacceptable_behaviour.letter_rendering.examples import example
from tests.service.views.conftest import open_task, start_case


@pytest.fixture
def letters(runtime, people):
    """A case with one sent letter and one draft (the three-step fixture process is enough to hold them)."""
    deploy_fixture(runtime, "three_tasks.bpmn")
    reference = start_case(runtime, people["casey"])
    task = open_task(runtime, reference)
    now = runtime.clock.now()
    with runtime.db.transaction() as session:
        case = cases_dao.get_case_by_reference(session, reference)
        sent = store_sent_letter(session, case, example("decision"), actor_id=people["casey"].user_id,
                                 method="post", now=now)
        draft = store_draft_letter(session, case, example("decision", "large_print"), task_id=task.id,
                                   actor_id=people["casey"].user_id, now=now)
        return runtime, sent.id, draft.id


def test_the_service_refuses_to_change_a_sent_letter(letters):
    runtime, sent_id, _ = letters
    changes = {
        "content": b"%PDF-1.7 something else",
        "sha256": "0" * 64,
        "rendered_from": {"kind": "decision"},
        "sent_method": "email",
        "status": "draft",
        "task_id": None,
    }
    for name, value in changes.items():
        with pytest.raises(LetterAlreadySent, match="can never be changed"), runtime.db.transaction() as session:
            setattr(letters_dao.get_letter(session, sent_id), name, value)
    with pytest.raises(LetterAlreadySent), runtime.db.transaction() as session:
        session.delete(letters_dao.get_letter(session, sent_id))
    with pytest.raises(LetterAlreadySent), runtime.db.transaction() as session:
        letters_dao.delete_draft(session, letters_dao.get_letter(session, sent_id))
    with pytest.raises(LetterAlreadySent), runtime.db.transaction() as session:
        letters_dao.mark_sent(session, sent_id, sent_by_id=1, sent_at=runtime.clock.now(), method="hand")
    _assert_unchanged(runtime, sent_id)


def test_the_database_refuses_to_change_or_delete_a_sent_letter(letters):
    runtime, sent_id, _ = letters
    statements = [
        "UPDATE letters SET content = :bytes WHERE id = :id",
        "UPDATE letters SET sha256 = 'forged' WHERE id = :id",
        "UPDATE letters SET status = 'draft' WHERE id = :id",
        "UPDATE letters SET sent_at = NULL WHERE id = :id",
        "DELETE FROM letters WHERE id = :id",
    ]
    for statement in statements:
        refused = pytest.raises(DBAPIError, match="a sent letter can never be changed or deleted")
        with refused, runtime.db.engine.begin() as connection:
            connection.execute(text(statement), {"id": sent_id, "bytes": b"%PDF-forged"})
    _assert_unchanged(runtime, sent_id)


def test_drafts_can_be_replaced_and_removed(letters):
    runtime, _, draft_id = letters
    with runtime.db.engine.begin() as connection:
        connection.execute(text("UPDATE letters SET content = :bytes WHERE id = :id"), {"id": draft_id, "bytes": b"x"})
    with runtime.db.transaction() as session:
        draft = letters_dao.get_letter(session, draft_id)
        assert draft.content == b"x"
        draft.filename = "replaced.pdf"
    with runtime.db.transaction() as session:
        letters_dao.delete_draft(session, letters_dao.get_letter(session, draft_id))
    with runtime.db.engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM letters WHERE id = :id"), {"id": draft_id}).scalar() == 0


def test_a_draft_once_sent_is_fixed_like_any_sent_letter(letters):
    runtime, _, draft_id = letters
    with runtime.db.transaction() as session:
        letters_dao.mark_sent(session, draft_id, sent_by_id=1, sent_at=runtime.clock.now(), method="hand")
    with pytest.raises(DBAPIError), runtime.db.engine.begin() as connection:
        connection.execute(text("DELETE FROM letters WHERE id = :id"), {"id": draft_id})
    with pytest.raises(LetterAlreadySent), runtime.db.transaction() as session:
        letters_dao.get_letter(session, draft_id).sent_method = "post"


def test_anonymisation_is_the_one_change_allowed_and_only_once(letters):
    runtime, sent_id, _ = letters
    later = runtime.clock.now() + timedelta(days=365 * 7)
    with pytest.raises(LetterAlreadySent), runtime.db.transaction() as session:
        letter = letters_dao.get_letter(session, sent_id)
        letter.anonymised_at, letter.sent_method = later, "email"  # an identifying column may not change
    with runtime.db.transaction() as session:
        letter = letters_dao.get_letter(session, sent_id)
        letter.content, letter.rendered_from, letter.anonymised_at = b"%PDF-placeholder", {}, later
    with pytest.raises(DBAPIError), runtime.db.engine.begin() as connection:
        # The instant typed as the column is, as the service binds it (and not by the driver's own
        # datetime adapter, which Python 3.12 deprecated).
        statement = text("UPDATE letters SET content = :bytes, anonymised_at = :at WHERE id = :id").bindparams(
            bindparam("at", type_=Letter.__table__.c.anonymised_at.type))
        connection.execute(statement, {"id": sent_id, "bytes": b"again", "at": later + timedelta(days=1)})
    with runtime.db.reading() as session:
        letter = letters_dao.get_letter(session, sent_id)
        assert letter.content == b"%PDF-placeholder" and letter.status == "sent" and letter.sent_method == "post"


def _assert_unchanged(runtime, letter_id: int) -> None:
    with runtime.db.reading() as session:
        letter: Letter = letters_dao.get_letter(session, letter_id)
        assert letter.status == "sent" and letter.sent_method == "post"
        assert hashlib.sha256(letter.content).hexdigest() == letter.sha256
