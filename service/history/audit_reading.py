"""What the audit pages read: headline figures, the case search, processes in use, the access log.

One read path per screen: the audit pages (and any API twin) call these; they never open a session themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from service.cases.errors import NotFound
from service.casework import Casework
from service.dao import (
    access_log_dao,
    anchors_dao,
    case_search_dao,
    history_dao,
    path_counts_dao,
    processes_dao,
    users_dao,
)
from service.dao.case_search_dao import CaseFilters, CaseRow
from service.history.audit_verify import verify_all
from service.models import ProcessVersion
from service.packs.registry import audit_figure_loaders
from service.processes.definitions import definition_of


def audit_figures(casework: Casework) -> dict[str, Any]:
    """The audit start page's headline figures; ``packs``: each registered pack's (label, number), in order."""
    with casework.db.reading() as session:
        return {
            "cases": case_search_dao.count_cases_by_status(session),
            "packs": [figure for load in audit_figure_loaders() for figure in load(session)],
            "events": history_dao.count_events(session),
            "anchors": anchors_dao.count_anchors(session),
            "latest_anchor": anchors_dao.latest_anchor(session),
        }


@dataclass(frozen=True)
class CaseSearchPage:
    rows: list[CaseRow]
    total: int
    choices: Any  # case_search_dao's filter choices: stages, outcomes, versions


def search_cases(casework: Casework, filters: CaseFilters, page: int, size: int) -> CaseSearchPage:
    with casework.db.reading() as session:
        rows, total = case_search_dao.page_of_cases(session, filters, page=page, size=size)
        return CaseSearchPage(list(rows), total, case_search_dao.filter_choices(session))


def stream_case_rows(casework: Casework, filters: CaseFilters) -> Iterator[CaseRow]:
    """Every case the filters find, read as the caller iterates (a CSV download streams them)."""
    with casework.db.reading() as session:
        yield from case_search_dao.stream_cases(session, filters)


def versions_in_use(casework: Casework) -> list[Any]:
    with casework.db.reading() as session:
        return list(path_counts_dao.list_versions_in_use(session))


def process_version(casework: Casework, version_id: int) -> ProcessVersion:
    with casework.db.reading() as session:
        return _version(session, version_id)


def element_counts(casework: Casework, version_id: int) -> tuple[ProcessVersion, dict[str, int]]:
    """How many cases passed each element of a version."""
    with casework.db.reading() as session:
        version = _version(session, version_id)
        return version, dict(path_counts_dao.cases_passing_each_element(session, version_id))


def busiest_elements(casework: Casework, version_id: int) -> tuple[ProcessVersion, list[tuple[str, int]]]:
    """Each element of a version by name, with the cases that passed it, the busiest first."""
    version, counts = element_counts(casework, version_id)
    names = definition_of(version).element_names
    return version, sorted(((names.get(e, e), n) for e, n in counts.items()), key=lambda row: (-row[1], row[0]))


def verify_audit_log(casework: Casework):
    with casework.db.reading() as session:
        return verify_all(session)


def access_log_entries(casework: Casework, filters, page: int, size: int) -> tuple[list[Any], int, list[Any]]:
    """One page of the access log, its total, and the people it can be filtered by."""
    with casework.db.reading() as session:
        entries, total = access_log_dao.page_of_entries(session, filters, page=page, size=size)
        return list(entries), total, list(users_dao.list_users(session))


def _version(session, version_id: int) -> ProcessVersion:
    version = processes_dao.get_version(session, version_id)
    if version is None:
        raise NotFound("There is no such process version.")
    return version
