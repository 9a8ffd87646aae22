"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from service.models.audit import AuditEvent
from service.models.base import Base
from service.models.cases import Case, CaseActor, CaseNote
from service.models.casework import Adjustment, Incident, Restriction
from service.models.counters import ReferenceCounter
from service.models.customers import Customer
from service.models.people import ROLES, User
from service.models.processes import ProcessInstance, ProcessVersion
from service.models.tasks import HumanTask, HumanTaskGroup, TaskReassignment

__all__ = [
    "ROLES", "Adjustment", "AuditEvent", "Base", "Case", "CaseActor", "CaseNote", "Customer", "HumanTask",
    "HumanTaskGroup", "Incident", "ProcessInstance", "ProcessVersion", "ReferenceCounter", "Restriction",
    "TaskReassignment", "User",
]
