"""Customer letters from the case's own data: built, rendered, and stored immutably with the case."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import NotFound
from service.casework import Casework
from service.config import Provider
from service.dao import cases_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao, letters_dao, records_dao
from service.packs.unacceptable_behaviour.letter_rendering.context import (
    FormatKind,
    LetterContext,
    LetterFormat,
    Recipient,
    RestrictionTerms,
)
from service.packs.unacceptable_behaviour.models import Letter, Restriction
from service.packs.unacceptable_behaviour.restrictions import LETTER_KINDS, describe

APPEAL_WINDOW = timedelta(days=28)
# Paper and text colours a customer can choose for coloured letters (all readable: contrast >= 4.5).
PAPER_COLOURS = {"cream": "#FFF8DC", "yellow": "#FFFF99", "blue": "#CCE5FF", "pink": "#FFD6E0", "green": "#D8F5D8"}
TEXT_COLOURS = {"black": "#000000", "dark_blue": "#002060"}


def letter_format(session: Session, case: Case) -> LetterFormat:
    """The format agreed as a reasonable adjustment on this case (standard if none was agreed)."""
    adjustments = records_dao.list_adjustments(session, case.id)
    agreed = adjustments[-1].letter_format if adjustments else {}
    kind = agreed.get("kind", "standard")
    if kind == "large_print":
        return LetterFormat(kind=FormatKind.LARGE_PRINT, language=agreed.get("language"))
    if kind == "coloured":
        return LetterFormat(
            kind=FormatKind.COLOURED,
            background_colour=PAPER_COLOURS.get(agreed.get("paper", "yellow"), PAPER_COLOURS["yellow"]),
            text_colour=TEXT_COLOURS.get(agreed.get("text", "black"), TEXT_COLOURS["black"]),
            language=agreed.get("language"),
        )
    return LetterFormat(kind=FormatKind.STANDARD, language=agreed.get("language"))


def agreed_letter_format(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the reasonable-adjustments form agreed, as stored on the adjustment record."""
    choice = data.get("letter_format", "standard")
    kind = {"large_print": "large_print", "coloured_text": "coloured"}.get(choice, "standard")
    agreed: dict[str, Any] = {"kind": kind}
    if kind == "coloured":
        agreed["paper"] = data.get("paper_colour", "yellow")
        agreed["text"] = data.get("text_colour", "black")
    if choice == "translation":
        # Only a translation asks for one: a language noted while other adjustments were considered does not.
        agreed["language"] = data.get("translation_language")
    return {k: v for k, v in agreed.items() if v}


def terms_of(restrictions: Sequence[Restriction]) -> tuple[RestrictionTerms, ...]:
    return tuple(
        RestrictionTerms(
            kind=LETTER_KINDS.get(r.kind, "specified_matters_or_times"), description=describe(r.kind, r.details)
        )
        for r in restrictions
    )


def build_context(
    session: Session, case: Case, provider: Provider, *, kind: str, letter_date: date,
    restrictions: Sequence[Restriction], reasons: str, what_it_means: str, start: date, end: date,
    appeal_outcome: str | None = None, reviewer_role: str | None = None, previous_end: date | None = None,
) -> LetterContext:
    customer = customers_dao.customer_of_case(session, case.id)
    with_appeal = kind in {"decision", "extension"}
    return LetterContext(
        kind=kind,
        case_reference=case.reference,
        letter_date=letter_date,
        recipient=Recipient(customer.name, customer.reference, tuple(customer.address)),
        provider=provider,
        restrictions=terms_of(restrictions),
        reasons=tuple(p for p in reasons.split("\n\n") if p.strip()) or ("See the decision on your case.",),
        what_it_means=tuple(p for p in what_it_means.split("\n\n") if p.strip()),
        restriction_start=start,
        restriction_end=end,
        letter_format=letter_format(session, case),
        appeal_deadline=letter_date + APPEAL_WINDOW if with_appeal else None,
        appeal_outcome=appeal_outcome,
        reviewer_role=reviewer_role,
        previous_end_date=previous_end,
    )


def store_sent_letter(
    session: Session, case: Case, context: LetterContext, *, actor_id: int | None, method: str | None,
    now: datetime,
) -> Letter:
    """The letter as sent, rendered for the date it was sent. It can never change afterwards."""
    return letters_dao.add_letter(session, _rendered(
        case, context, status="sent", actor_id=actor_id, now=now, sent_by_id=actor_id, sent_at=now, sent_method=method,
    ))


def store_draft_letter(
    session: Session, case: Case, context: LetterContext, *, task_id: str, actor_id: int | None, now: datetime,
) -> Letter:
    """A draft made while the letter task is open: a new row every time, never sent."""
    return letters_dao.add_letter(session, _rendered(case, context, status="draft", actor_id=actor_id, now=now,
                                                     task_id=task_id))


def case_letter(casework: Casework, reference: str, letter_id: int) -> tuple[str, Letter]:
    """A letter of a case (sent, or a draft), with the case's reference; NotFound unless the letter belongs to
    that case. The read behind the one download of a kept letter (``case_letters.download``)."""
    with casework.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        found = letters_dao.get_letter(session, letter_id)
    if case is None or found is None or found.case_id != case.id:
        raise NotFound("There is no such letter on that case.")
    return case.reference, found


def _rendered(case: Case, context: LetterContext, *, status: str, actor_id: int | None, now: datetime,
              **fields: Any) -> Letter:
    from service.packs.unacceptable_behaviour.letter_rendering.render import TEMPLATE_VERSION, render_pdf

    content = render_pdf(context, draft=status == "draft")
    return Letter(
        case_id=case.id, kind=context.kind.value, status=status, media_type="application/pdf",
        filename=f"{case.reference}-{context.kind.value}-{context.letter_date.isoformat()}.pdf",
        content=content, sha256=hashlib.sha256(content).hexdigest(), template_version=TEMPLATE_VERSION,
        rendered_from=context.to_dict(), letter_format=_format_dict(context.letter_format),
        language=context.letter_format.language, generated_by_id=actor_id, generated_at=now, **fields,
    )


def _format_dict(letter_format: LetterFormat) -> dict[str, Any]:
    return {k: v for k, v in {
        "kind": letter_format.kind.value, "background_colour": letter_format.background_colour,
        "text_colour": letter_format.text_colour, "language": letter_format.language,
    }.items() if v}
