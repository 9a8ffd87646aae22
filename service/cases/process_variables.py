"""A case's variables (its workflow data) read and changed from outside, as Camunda's API allows.

Reading loads the workflow, so it is for one case at a time, never for lists. A change is written
into the steps the case waits at, audited on the case's chain, and saved under the instance's lock.
"""

from __future__ import annotations

from typing import Any

from service.cases.errors import Conflict, NotAllowed, NotFound
from service.cases.reading import refuse_unless_may_read
from service.dao import audit_dao, instances_dao, tasks_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.instances_dao import StaleInstance
from service.people.actors import Actor
from service.people.roles import CASE_READERS
from service.processes.definitions import deployed_version

WRITER_ROLES = ("worker",)


def current_variables(casework, actor: Actor, business_key: str) -> dict[str, Any]:
    if not actor.has_any_role(CASE_READERS):
        raise NotAllowed("Your roles do not allow reading case data.")
    with casework.db.reading() as session:
        instance = instances_dao.get_instance_by_key(session, business_key)
        if instance is None:
            raise NotFound(f"Process instance with id {business_key} does not exist")
        version, definition = deployed_version(session, instance.process_version_id)
        refuse_unless_may_read(actor, version.process_id)
        return casework.engine.current_data(casework.engine.load(definition, instance.state))


def set_variables(casework, actor: Actor, business_key: str, values: dict[str, Any]) -> None:
    """Write ``values`` into the data of the steps the case waits at now (a running case only)."""
    if not actor.has_any_role(WRITER_ROLES):
        raise NotAllowed("Only service accounts with the worker role can change case data through this API.")
    now = casework.clock.now()
    try:
        with casework.db.transaction() as session:
            instance = instances_dao.get_instance_by_key(session, business_key)
            if instance is None:
                raise NotFound(f"Process instance with id {business_key} does not exist")
            if instance.status != "running":
                raise Conflict("The case has finished, so its data can no longer change.")
            _, definition = deployed_version(session, instance.process_version_id)
            read_version = instance.lock_version
            workflow = casework.engine.load(definition, instance.state)
            casework.engine.set_waiting_data(workflow, values)
            seq, head = audit_dao.append_events(session, instance, [NewAuditEvent(
                "variables_changed", actor.user_id, list(actor.roles), data={"variables": values})], now=now)
            instances_dao.save_instance_state(session, instance, read_version=read_version, changes={
                "state": casework.engine.dump(workflow), "audit_seq": seq, "audit_head": head, "updated_at": now})
    except StaleInstance:
        raise Conflict("The case changed at the same moment, so nothing was saved. Try again.") from None


def task_variables(casework, actor: Actor, task_id: str) -> tuple[dict[str, Any], str | None]:
    """The data an open human task would show its form, and the task's form key."""
    if not actor.has_any_role(CASE_READERS):
        raise NotAllowed("Your roles do not allow reading case data.")
    with casework.db.reading() as session:
        found = tasks_dao.get_task_with_instance_and_case(session, task_id)
        if found is None or found[0].status != "open":
            raise NotFound(f"Cannot find task with id {task_id}")
        task, instance, _ = found
        version, definition = deployed_version(session, instance.process_version_id)
        refuse_unless_may_read(actor, version.process_id)
        workflow = casework.engine.load(definition, instance.state)
    ready = {t.id: t for t in casework.engine.ready_user_tasks(workflow)}
    return (dict(ready[task_id].data) if task_id in ready else {}), task.form_key
