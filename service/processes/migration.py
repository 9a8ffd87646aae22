"""Moving running cases onto a newer version of their process: a preview, then one case at a time.

Each case moves in its own transaction under its optimistic lock, so a case someone is working on
at that moment is skipped rather than overwritten, and one refusal never holds up the rest. A move
saves the new state, the new version, task rows for any step now waiting, and a ``migrated``
event on the case's audit chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.cases.errors import NotFound
from service.casework import Casework
from service.dao import cases_dao, instances_dao, processes_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.models import ProcessInstance, ProcessVersion
from service.people.actors import Actor
from service.processes.definitions import definition_of
from service.tasks.steps import StepContext, save_step
from workflows.engine import CaseEngine, StepResult
from workflows.migration import BlockingStep, apply_migration, plan_migration

MIGRATED = "migrated"


@dataclass(frozen=True)
class CaseMove:
    """Whether one running case can move to the target version, and if not, which steps stop it."""

    instance_id: int
    business_key: str
    from_version: int
    stage: str
    blocking: tuple[BlockingStep, ...]

    @property
    def allowed(self) -> bool:
        return not self.blocking


@dataclass(frozen=True)
class MoveOutcome:
    business_key: str
    moved: bool
    message: str


def preview(casework: Casework, engine: CaseEngine, process_id: str, to_number: int
            ) -> tuple[ProcessVersion, list[CaseMove]]:
    """Every running case on an older version of the process, and whether it could move now."""
    with casework.db.reading() as session:
        target = _target(session, process_id, to_number)
        older = {v.id: v for v in processes_dao.list_versions(session, process_id) if v.version < target.version}
        moves = []
        for instance in instances_dao.list_running_instances(session, list(older)):
            version = older[instance.process_version_id]
            case = cases_dao.get_case_by_instance(session, instance.id)
            moves.append(CaseMove(instance.id, instance.business_key, version.version, case.stage if case else "",
                                  _blocking(engine, instance, version, target)))
    return target, moves


def migrate_cases(casework: Casework, actor: Actor, process_id: str, to_number: int,
                  instance_ids: Iterable[int]) -> list[MoveOutcome]:
    return [migrate_case(casework, actor, process_id, to_number, i) for i in dict.fromkeys(instance_ids)]


def migrate_case(casework: Casework, actor: Actor, process_id: str, to_number: int, instance_id: int
                 ) -> MoveOutcome:
    engine, now = casework.engine, casework.clock.now()
    try:
        with casework.db.transaction() as session:
            target = _target(session, process_id, to_number)
            instance = instances_dao.get_instance(session, instance_id)
            if instance is None:
                raise NotFound("There is no such case.")
            version = processes_dao.get_version(session, instance.process_version_id)
            refusal = _refusal(instance, version, target)
            if refusal:
                return MoveOutcome(instance.business_key, False, refusal)
            old, new = definition_of(version), definition_of(target)
            plan = plan_migration(engine.load(old, instance.state), old, new)
            if not plan.allowed:
                return MoveOutcome(instance.business_key, False, _blocked_message(plan.blocking))
            apply_migration(plan)
            workflow = engine.load(new, engine.dump(plan.workflow))  # proves the state reads back as the new version
            read_version = instance.lock_version
            ctx = StepContext(session, engine, new, instance, cases_dao.get_case_by_instance(session, instance.id),
                              now, casework.provider)
            save_step(ctx, workflow, StepResult([], [], engine.is_finished(workflow)), [NewAuditEvent(
                MIGRATED, actor.user_id, list(actor.roles),
                data={"process_id": process_id, "from_version": version.version, "to_version": target.version},
            )], read_version=read_version)
            # Same transaction, and the row is already ours: save_step has just written it under the lock.
            instance.process_version_id = target.id
            return MoveOutcome(instance.business_key, True,
                               f"moved from version {version.version} to version {target.version}")
    except StaleInstance:
        return MoveOutcome(str(instance_id), False, "someone changed the case at the same moment; try again")


def _target(session, process_id: str, number: int) -> ProcessVersion:
    target = processes_dao.get_version_by_number(session, process_id, number)
    if target is None:
        raise NotFound("There is no such version of this process.")
    return target


def _blocking(engine: CaseEngine, instance: ProcessInstance, version: ProcessVersion, target: ProcessVersion
              ) -> tuple[BlockingStep, ...]:
    old = definition_of(version)
    return plan_migration(engine.load(old, instance.state), old, definition_of(target)).blocking


def _refusal(instance: ProcessInstance, version: ProcessVersion, target: ProcessVersion) -> str | None:
    if version.process_id != target.process_id:
        return "it is a case of another process"
    if instance.status != "running":
        return "it has finished"
    if version.version >= target.version:
        return f"it is already on version {version.version}"
    return None


def _blocked_message(blocking: tuple[BlockingStep, ...]) -> str:
    steps = "; ".join(f"‘{step.name}’: {step.reason}" for step in blocking)
    return f"it has already reached steps that the new version changes ({steps})"
