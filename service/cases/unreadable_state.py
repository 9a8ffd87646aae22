"""A case whose stored state this code cannot read becomes an incident on that case, not a 500.

The state is loaded inside a step's transaction; the incident is opened after that transaction has
rolled back (in one of its own), so it is recorded even though the step is not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow

from service.cases.errors import CaseworkError
from service.cases.incidents import open_incident_apart
from service.casework import Casework
from service.models import ProcessInstance
from workflows.definitions import ProcessDefinition
from workflows.engine import CaseEngine
from workflows.state import IncompatibleStateError

log = logging.getLogger(__name__)


class UnreadableState(CaseworkError):
    status = 409

    def __init__(self) -> None:
        super().__init__("This case was saved in a form this version of the service cannot read, so nothing was "
                         "changed. It has been reported to the administrators as an incident on the case.")


class StateRefused(Exception):
    """Raised inside the step's transaction; turned into an incident and UnreadableState outside it."""

    def __init__(self, instance_id: int, business_key: str, problem: str) -> None:
        super().__init__(problem)
        self.instance_id = instance_id
        self.business_key = business_key
        self.problem = problem


def load_workflow(engine: CaseEngine, definition: ProcessDefinition, instance: ProcessInstance) -> BpmnWorkflow:
    try:
        return engine.load(definition, instance.state)
    except IncompatibleStateError as error:
        raise StateRefused(instance.id, instance.business_key, str(error)) from None


@contextmanager
def reporting_unreadable_state(casework: Casework, now: datetime) -> Iterator[None]:
    """Around a step's whole transaction: a refused state becomes a state_migration incident."""
    try:
        yield
    except StateRefused as refused:
        log.error("case %s: %s", refused.business_key, refused.problem)
        open_incident_apart(casework, refused.instance_id, kind="state_migration", message=refused.problem, now=now)
        raise UnreadableState() from None
