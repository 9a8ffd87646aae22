"""What process owners read about deployed processes: versions, drafts, cases on each, differences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

from service.cases.errors import NotFound
from service.casework import Casework
from service.dao import engine_rest_dao, instances_dao, processes_dao, users_dao
from service.models import ProcessDraft, ProcessVersion
from service.processes.definitions import definition_of
from workflows.definitions import ProcessDefinition
from workflows.version_diff import VersionDiff, diff_versions

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class VersionRow:
    version: ProcessVersion
    deployed_by: str
    running: int
    finished: int

    @property
    def short_hash(self) -> str:
        return self.version.content_hash[:10]


@dataclass(frozen=True)
class DraftRow:
    draft: ProcessDraft
    saved_by: str


@dataclass(frozen=True)
class ProcessSummary:
    process_id: str
    name: str
    versions: list[VersionRow]
    drafts: list[DraftRow]

    @property
    def latest(self) -> ProcessVersion:
        return self.versions[0].version


@dataclass(frozen=True)
class VersionFile:
    row: VersionRow
    definition: ProcessDefinition
    previous: int | None
    newer_exists: bool
    older_running: int
    waiting_counts: dict[str, int]


@dataclass(frozen=True)
class VersionComparison:
    process_id: str
    name: str
    old: ProcessVersion
    new: ProcessVersion
    diff: VersionDiff

    @property
    def form_changes(self) -> list[tuple[str, str]]:
        """(form key, "added" | "removed" | "changed") for each form that differs."""
        old, new = self.old.forms, self.new.forms
        changes = [(k, "added") for k in new if k not in old] + [(k, "removed") for k in old if k not in new]
        changes += [(k, "changed") for k in new if k in old and new[k] != old[k]]
        return sorted(changes)


def load_catalogue(casework: Casework) -> list[ProcessSummary]:
    with casework.db.reading() as session:
        versions = processes_dao.list_versions(session)
        drafts = processes_dao.list_drafts(session, limit=200)
        names = users_dao.names_by_id(session, [v.deployed_by_id for v in versions] + [d.saved_by_id for d in drafts])
        summaries = []
        for process_id, group in groupby(versions, key=lambda v: v.process_id):
            counts = instances_dao.count_instances_by_version(session, process_id)
            rows = [_row(v, names, counts) for v in group]
            own_drafts = [DraftRow(d, _who(names, d.saved_by_id)) for d in drafts if d.process_id == process_id]
            summaries.append(ProcessSummary(process_id, rows[0].version.name, rows, own_drafts[:20]))
    return summaries


def load_version(casework: Casework, process_id: str, number: int) -> VersionFile:
    with casework.db.reading() as session:
        version = _version(session, process_id, number)
        all_versions = processes_dao.list_versions(session, process_id)
        counts = instances_dao.count_instances_by_version(session, process_id)
        names = users_dao.names_by_id(session, [version.deployed_by_id])
        older = [v.id for v in all_versions if v.version < number]
        waiting = Counter(
            element for instance in instances_dao.list_running_instances(session, [version.id])
            for element in instance.waiting_elements
        )
        return VersionFile(
            row=_row(version, names, counts),
            definition=definition_of(version),
            previous=max((v.version for v in all_versions if v.version < number), default=None),
            newer_exists=any(v.version > number for v in all_versions),
            older_running=sum(counts.get(i, {}).get("running", 0) for i in older),
            waiting_counts=dict(waiting),
        )


def load_bpmn(casework: Casework, process_id: str, number: int) -> str:
    with casework.db.reading() as session:
        return _version(session, process_id, number).bpmn_xml


def compare_versions(casework: Casework, process_id: str, old_number: int, new_number: int) -> VersionComparison:
    with casework.db.reading() as session:
        old = _version(session, process_id, old_number)
        new = _version(session, process_id, new_number)
    changes = diff_versions(old.bpmn_xml.encode(), new.bpmn_xml.encode())
    return VersionComparison(process_id, new.name, old, new, changes)


def latest_version(casework: Casework, process_id: str) -> ProcessVersion | None:
    """The process's newest deployed version, or None if it was never deployed."""
    with casework.db.reading() as session:
        return processes_dao.get_latest_version(session, process_id)


def versions_page(casework: Casework, process_id: str | None, latest_only: bool, first: int, max_results: int
                  ) -> Sequence[ProcessVersion]:
    """Deployed versions by process and number (one process's, or all; each process's newest only, or all)."""
    with casework.db.reading() as session:
        return engine_rest_dao.versions(session, process_id, latest_only, first, max_results)


def versions_by_id(casework: Casework, version_ids: Iterable[int]) -> list[ProcessVersion]:
    """These versions, in that order (the rows a deploy just wrote)."""
    with casework.db.reading() as session:
        return [processes_dao.get_version(session, version_id) for version_id in version_ids]


def _version(session, process_id: str, number: int) -> ProcessVersion:
    version = processes_dao.get_version_by_number(session, process_id, number)
    if version is None:
        raise NotFound("There is no such version of this process.")
    return version


def _row(version: ProcessVersion, names: dict[int, str], counts: dict[int, dict[str, int]]) -> VersionRow:
    by_status = counts.get(version.id, {})
    return VersionRow(version, _who(names, version.deployed_by_id), by_status.get("running", 0),
                      sum(n for status, n in by_status.items() if status != "running"))


def _who(names: dict[int, str], user_id: int | None) -> str:
    return names.get(user_id, "Unknown") if user_id is not None else "Command line"
