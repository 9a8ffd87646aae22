"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from service.models.access import ApiToken
from service.models.audit import AccessLogEntry, AuditAnchor, AuditAnchorHead, AuditEvent
from service.models.base import Base
from service.models.cases import Case, CaseActor, CaseNote
from service.models.casework import Adjustment, Incident, Restriction
from service.models.counters import ReferenceCounter
from service.models.customers import Customer
from service.models.incidents import ProcessIncident
from service.models.letters import Letter
from service.models.people import ROLES, User
from service.models.processes import ProcessDraft, ProcessInstance, ProcessVersion
from service.models.tasks import HumanTask, HumanTaskGroup, TaskReassignment

__all__ = [
    "ROLES", "AccessLogEntry", "Adjustment", "ApiToken", "AuditAnchor", "AuditAnchorHead", "AuditEvent", "Base", "Case",
    "CaseActor", "CaseNote", "Customer", "HumanTask", "HumanTaskGroup", "Incident", "Letter", "ProcessDraft",
    "ProcessIncident", "ProcessInstance", "ProcessVersion", "ReferenceCounter", "Restriction", "TaskReassignment",
    "User",
]
