"""Compliance rules about decisions and what their letters say, checked on stored rows.

The service now refuses each of these breaches when a form is completed (see ``date_rules``,
``appeals`` and ``restrictions.INTERNAL_DETAILS``), but cases can come from older versions, imports or
direct changes to the database, so the report checks them again on what was kept.
Each returns None when the rule does not apply to the case, or its breaches in plain words.
"""

from __future__ import annotations

from datetime import date, datetime

from service.packs.unacceptable_behaviour.compliance_records import CaseRecords, decision_letters, letter_date
from service.packs.unacceptable_behaviour.models import Letter
from workflows.calendar import london_date

APPROVAL, REVIEW, HEARING, PROPOSAL = "approve_proposal", "review_restriction", "appeal_decision", "formal_proposal"
POLICE, SAFEGUARDING = "police_referral", "safeguarding_alert"
FORMS_READ = (APPROVAL, REVIEW, HEARING, PROPOSAL, POLICE, SAFEGUARDING)
# The forms' staff-only answers (``x-internal`` in forms/), and how a Board member would name each.
INTERNAL_FIELDS = {
    "police_involvement_details": "why the police are involved",
    "authority_alert_details": "the safeguarding referral",
    "police_reference": "the police reference",
    "police_notes": "the notes of the police referral",
    "safeguarding_reference": "the safeguarding reference",
    "safeguarding_notes": "the notes of the safeguarding alert",
    "approval_reasons": "the approver's own reasons",
}
# Shorter answers ("no", "n/a") would be found in any letter by chance.
MIN_INTERNAL_TEXT = 6
LETTER_WORDS = {"decision": "decision letter", "extension": "extension letter",
                "appeal_outcome": "appeal outcome letter", "restriction_ended": "restriction ended letter"}


def letter_dated_after_approval(records: CaseRecords) -> list[str] | None:
    """A decision is dated on or after the day the action was approved (an extension: the review)."""
    letters = decision_letters(records)
    if not letters:
        return None
    approvals = _approvals(records)
    problems = []
    for letter in letters:
        of_kind = [at for at, kind in approvals if kind == letter.kind]
        before = [at for at in of_kind if letter.sent_at and at <= letter.sent_at]
        if not of_kind:
            continue  # no approval recorded at all: the approval rule reports it
        # The approval this letter announced; if every approval came after it was sent, the first.
        approved_on = london_date(max(before) if before else min(of_kind))
        if letter_date(letter) < approved_on:
            problems.append(f"the {LETTER_WORDS[letter.kind]} is dated {_day(letter_date(letter))}, before the "
                            f"action was approved on {_day(approved_on)}")
    return problems


def appeal_never_ends_later(records: CaseRecords) -> list[str] | None:
    """An appeal may vary or shorten a restriction, never make it end later than it would have."""
    varied = [x for x in records.letters if x.kind == "appeal_outcome" and x.translation_of_id is None
              and x.rendered_from.get("appeal_outcome") == "varied"]
    if not varied:
        return None
    problems = []
    for letter in varied:
        replaced = [r.ends_on for r in records.restrictions if r.status == "varied" and r.ended_at == letter.sent_at]
        replacing = [r.ends_on for r in records.restrictions if r.created_at == letter.sent_at]
        if replaced and replacing and max(replacing) > max(replaced):
            problems.append(f"an appeal moved the end date from {_day(max(replaced))} to {_day(max(replacing))}, "
                            "making the restriction longer")
    return problems


def internal_details_kept_out(records: CaseRecords) -> list[str] | None:
    """No staff-only detail (police or safeguarding references and notes, the approver's reasons) is in a letter."""
    internal = [(INTERNAL_FIELDS[name], str(value).strip())
                for task in records.tasks if task.status == "completed"
                for name, value in (task.data or {}).items()
                if name in INTERNAL_FIELDS and len(str(value or "").strip()) >= MIN_INTERNAL_TEXT]
    if not records.letters or not internal:
        return None
    problems = []
    for letter in records.letters:
        text = _customer_text(letter)
        for words in sorted({words for words, value in internal if value.lower() in text}):
            problems.append(f"the {LETTER_WORDS.get(letter.kind, 'letter')} of {_day(letter_date(letter))} "
                            f"prints {words}, which is for staff only")
    return problems


def one_appeal_per_decision(records: CaseRecords) -> list[str] | None:
    """The appeal is the final internal stage: each decision is heard on appeal at most once."""
    hearings = [t.completed_at for t in records.tasks if t.form_key == HEARING and t.status == "completed"
                and t.completed_at]
    if not hearings:
        return None
    heard: dict[int, list[datetime]] = {}
    letters = decision_letters(records)
    for at in hearings:
        decided = [x for x in letters if x.sent_at and x.sent_at <= at]
        if decided:
            heard.setdefault(decided[-1].id, []).append(at)
    by_id = {x.id: x for x in letters}
    return [f"the {LETTER_WORDS[by_id[i].kind]} of {_day(letter_date(by_id[i]))} was appealed {len(ats)} times, "
            "but the appeal is the final internal stage" for i, ats in heard.items() if len(ats) > 1]


def _approvals(records: CaseRecords) -> list[tuple[datetime, str]]:
    """(when, the kind of letter it allows) for each approval of formal action on the case."""
    found = []
    for task in records.tasks:
        data = task.data or {}
        if task.status != "completed" or task.completed_at is None:
            continue
        if task.form_key == APPROVAL and data.get("approval_decision") == "approve":
            found.append((task.completed_at, "decision"))
        elif task.form_key == REVIEW and data.get("review_decision") == "extend":
            found.append((task.completed_at, "extension"))
    return found


def _customer_text(letter: Letter) -> str:
    """Everything the letter says to the customer, from the data it was rendered from."""
    said = {k: v for k, v in letter.rendered_from.items() if k not in ("provider", "letter_format")}
    return "\n".join(_texts(said)).lower()


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for item in value.values() for t in _texts(item)]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _texts(item)]
    return []


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
