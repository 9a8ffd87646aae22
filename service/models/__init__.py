"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from service.models.access import ApiToken
from service.models.audit import AccessLogEntry, AuditAnchor, AuditAnchorHead, AuditEvent
from service.models.base import Base
from service.models.cases import Case, CaseActor, CaseNote, CaseNoteFile
from service.models.counters import ReferenceCounter
from service.models.external_tasks import ExternalTask
from service.models.groups import Group, GroupMember
from service.models.incidents import ProcessIncident
from service.models.notifications import Delivery, Notification, NotificationSettings
from service.models.operations import WorkerHeartbeat
from service.models.people import AccountEvent, PasswordReset, User
from service.models.processes import ProcessDraft, ProcessInstance, ProcessVersion
from service.models.tasks import HumanTask, HumanTaskGroup, HumanTaskUser, SavedInboxFilter, TaskReassignment

__all__ = [
    "AccessLogEntry", "AccountEvent", "ApiToken", "AuditAnchor", "AuditAnchorHead",
    "AuditEvent", "Base", "Case", "CaseActor", "CaseNote", "CaseNoteFile", "Delivery", "ExternalTask",
    "Group",
    "GroupMember", "HumanTask", "HumanTaskGroup", "HumanTaskUser", "Notification",
    "NotificationSettings", "PasswordReset", "ProcessDraft", "ProcessIncident", "ProcessInstance", "ProcessVersion",
    "ReferenceCounter", "SavedInboxFilter", "TaskReassignment", "User", "WorkerHeartbeat",
]
