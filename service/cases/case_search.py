"""Searching cases (a page of them for the API; the auditors' search), and exporting what was found as CSV safe
to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from service.cases.reading import readable_processes
from service.casework import Casework
from service.dao import cases_dao
from service.dao.case_search_dao import CaseFilters, CaseRow
from service.models import Case
from service.packs.registry import SubjectSummary, listed_subject, subject_noun
from service.people.actors import Actor
from workflows.calendar import LONDON, start_of_day

STATUSES = {"open": "Open", "closed": "Closed"}
# What the CSV calls who a case is about when no registered pack names them (``Pack.subject``).
SUBJECT = "Subject"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SearchRequest:
    filters: CaseFilters
    values: dict[str, str]  # what was asked for, as entered, to show in the form again
    problems: dict[str, str]  # field name -> what is wrong with it (that filter is not applied)


def search_request(args: Mapping[str, str]) -> SearchRequest:
    values = {name: (args.get(name) or "").strip()[:200] for name in
              ("status", "stage", "outcome", "version", "opened_from", "opened_to", "q")}
    problems: dict[str, str] = {}
    opened_from = _day(values, "opened_from", "Opened from", problems)
    opened_to = _day(values, "opened_to", "Opened to", problems)
    version = values["version"]
    if version and not _is_id(version):
        problems["version"] = "Choose a process version from the list"
    filters = CaseFilters(
        status=values["status"] if values["status"] in STATUSES else None,
        stage=values["stage"] or None,
        outcome=values["outcome"] or None,
        version_id=int(version) if _is_id(version) else None,
        opened_from=start_of_day(opened_from) if opened_from else None,
        opened_before=start_of_day(opened_to + timedelta(days=1)) if opened_to else None,
        text=values["q"] or None,
    )
    return SearchRequest(filters, values, problems)


def _is_id(text: str) -> bool:
    return text.isdigit() and len(text) <= 9


def _day(values: dict[str, str], name: str, label: str, problems: dict[str, str]) -> date | None:
    if not values[name]:
        return None
    try:
        day = date.fromisoformat(values[name])
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:
        problems[name] = f"{label} must be a real date, like 2026-03-02"
        return None
    return day


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _instant(value: datetime | None) -> str:
    return value.astimezone(LONDON).isoformat(timespec="seconds") if value else ""


def csv_headings() -> tuple[str, ...]:
    """The CSV's headings: a case's subject is headed by the noun the registered packs give it (Pack.subject)."""
    noun = subject_noun() or SUBJECT
    return ("Case reference", f"{noun} reference", f"{noun} name", "Status", "Current step", "Opened", "Closed",
            "Outcome", "Process", "Version")


def csv_lines(rows: Iterable[CaseRow]) -> Iterator[str]:
    """The header, then a line per case: written as they are read, never held all at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: Iterable[object]) -> str:
        writer.writerow([csv_cell(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(csv_headings())
    for row in rows:
        yield line((row.reference, row.subject_reference, row.subject_name, STATUSES.get(row.status, row.status),
                    row.stage, _instant(row.opened_at), _instant(row.closed_at), row.outcome, row.process_id,
                    row.version))


@dataclass(frozen=True)
class ListedCase:
    case: Case
    subject: SubjectSummary | None  # who the case is about (Pack.subject), or None


def page_of_cases(casework: Casework, actor: Actor, *, status: str | None, page: int, size: int,
                  subject_reference: str | None = None) -> tuple[list[ListedCase], int]:
    """One page of the cases ``actor`` may read (``reading.readable_processes``), newest first, each with its
    subject, and how many there are in all; only the cases of the subject with that reference, if one is given."""
    with casework.db.reading() as session:
        rows, total = cases_dao.page_of_cases(session, scope=readable_processes(actor), status=status, page=page,
                                              size=size, subject_reference=subject_reference)
    return [ListedCase(case, listed_subject(pack, reference, name)) for case, reference, name, pack in rows], total
