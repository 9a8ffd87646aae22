"""What the compliance report knows of one case: the rows the service keeps, nothing from a workflow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from service.models import Case, CaseActor, HumanTask, User
from service.packs.unacceptable_behaviour.models import Letter, Restriction

HEADS = ("head_of_service", "executive")
DECISION_LETTERS = ("decision", "extension")


@dataclass(frozen=True)
class CaseRecords:
    case: Case
    actors: Sequence[CaseActor]
    restrictions: Sequence[Restriction]
    letters: Sequence[Letter]  # sent letters only
    adjustments_at: Sequence[datetime]
    tasks: Sequence[HumanTask]
    users: Mapping[int, User]
    now: datetime
    lifting_grace: timedelta
    incident_details: Sequence[Mapping[str, Any]] = ()  # each incident's answers, as recorded

    def holders(self, *roles: str) -> set[int]:
        return {a.user_id for a in self.actors if a.role in roles}

    def first_at(self, role: str) -> datetime | None:
        return min((a.at for a in self.actors if a.role == role), default=None)

    def name(self, user_id: int) -> str:
        user = self.users.get(user_id)
        return user.full_name if user else f"user {user_id}"

    def is_head(self, user_id: int) -> bool:
        user = self.users.get(user_id)
        return bool(user and user.has_role(*HEADS))

    def completed(self, form_key: str) -> list[HumanTask]:
        return [t for t in self.tasks if t.form_key == form_key and t.status == "completed"]


def letter_date(letter: Letter) -> date:
    return date.fromisoformat(letter.rendered_from["letter_date"])


def decision_letters(records: CaseRecords) -> list[Letter]:
    return [x for x in records.letters if x.kind in DECISION_LETTERS and x.translation_of_id is None]
