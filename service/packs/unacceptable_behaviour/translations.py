"""Translated letters: the PDF staff attach at "Attach the translated letter", kept beside the English original.

The upload is stored first as a draft that points at the English letter it translates; completing
the task marks it sent (``translated_letter_sent``). A file that never gets as far as a completed
task stays a draft, which is never sent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from service.cases.errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import cases_dao, tasks_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import letters_dao
from service.packs.unacceptable_behaviour.models import Letter
from service.people.actors import Actor

MAX_BYTES = 2 * 1024 * 1024
_NOT_A_PDF = "The translated letter must be a PDF file"
_NO_SUCH_FILE = "Choose the translated letter again: the file attached before is not waiting on this case"


def store_upload(casework: Casework, actor: Actor, task_id: str, field: str, filename: str, stream: IO[bytes],
                 now: datetime) -> int:
    """Keep an uploaded translation as a draft of the case's latest English letter; returns its id."""
    content = _checked_pdf(field, stream)
    with casework.db.transaction() as session:
        task = tasks_dao.get_task(session, task_id)
        if task is None:
            raise NotFound("There is no such task.")
        if task.status != "open" or task.assignee_id != actor.user_id:
            raise NotAllowed("Only the person holding this task can attach the translated letter.")
        original = letters_dao.latest_sent_original(session, task.case_id)
        if original is None:
            raise InvalidInput([FieldProblem(field, "No letter has been sent on this case yet, so there is "
                                                    "nothing to attach a translation to")])
        case = cases_dao.get_case(session, task.case_id)
        language = original.language or "translation"
        letter = letters_dao.add_letter(session, Letter(
            case_id=case.id, kind=original.kind, status="draft", media_type="application/pdf",
            filename=f"{case.reference}-{original.kind}-{_slug(language)}.pdf", content=content,
            sha256=hashlib.sha256(content).hexdigest(), template_version="uploaded",
            rendered_from={"uploaded_file": filename[:200], "translation_of_sha256": original.sha256},
            letter_format=dict(original.letter_format or {}), language=original.language,
            translation_of_id=original.id, task_id=task.id, generated_by_id=actor.user_id, generated_at=now,
        ))
        return letter.id


def mark_translation_sent(session: Session, case: Case, data: Mapping[str, Any], *, sent_by_id: int | None,
                          now: datetime) -> None:
    """At the end of the task: the attached translation is the letter sent, beside its English original."""
    letter_id = str(data.get("translated_letter", ""))
    letter = letters_dao.get_letter(session, int(letter_id)) if letter_id.isdigit() else None
    if letter is None or letter.case_id != case.id or letter.translation_of_id is None or letter.status != "draft":
        raise InvalidInput([FieldProblem("translated_letter", _NO_SUCH_FILE)])
    letters_dao.mark_sent(session, letter.id, sent_by_id=sent_by_id, sent_at=now,
                          method=data.get("translation_sent_by") or "")


@dataclass(frozen=True)
class TranslationTask:
    """What an "Attach the translated letter" page shows: the English original and what is attached so far."""

    original: Letter | None
    attached: Letter | None


def translation_task(casework: Casework, task_id: str) -> TranslationTask:
    with casework.db.reading() as session:
        task = tasks_dao.get_task(session, task_id)
        if task is None:
            raise NotFound("There is no such task.")
        return TranslationTask(letters_dao.latest_sent_original(session, task.case_id),
                               _attached(session, task_id))


def _attached(session: Session, task_id: str) -> Letter | None:
    drafts = [d for d in letters_dao.list_drafts_of_task(session, task_id) if d.translation_of_id is not None]
    return drafts[0] if drafts else None


def _checked_pdf(field: str, stream: IO[bytes]) -> bytes:
    content = stream.read(MAX_BYTES + 1)
    if not content:
        raise InvalidInput([FieldProblem(field, "The selected file is empty")])
    if len(content) > MAX_BYTES:
        raise InvalidInput([FieldProblem(field, "The translated letter must be smaller than 2 MB")])
    # A PDF starts with its header and ends with an end-of-file marker; anything else is refused.
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise InvalidInput([FieldProblem(field, _NOT_A_PDF)])
    return content


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "translation"
