"""What the policy's panels on the case page read beside the platform's case file: the case's
restrictions (in force or not) and its letters (sent and drafts); and the letters its section of the auditors'
case history lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from service.dao import users_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import letters_dao, records_dao
from service.packs.unacceptable_behaviour.models import Letter, Restriction

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class PolicyCaseView:
    restrictions: Sequence[Restriction]  # every restriction imposed on this case, whatever became of it
    letters: Sequence[Letter]  # content not loaded: each is downloaded from its own link

    @property
    def sent_letters(self) -> list[Letter]:
        return [letter for letter in self.letters if letter.status == "sent"]

    @property
    def draft_letters(self) -> list[Letter]:
        return [letter for letter in self.letters if letter.status == "draft"]


def load_case_view(casework: Casework, case: Case) -> PolicyCaseView:
    with casework.db.reading() as session:
        return PolicyCaseView(restrictions=records_dao.list_restrictions_of_case(session, case.id),
                              letters=letters_dao.list_letters_of_case(session, case.id))


@dataclass(frozen=True)
class PolicyHistoryView:
    """What the policy's section of the auditors' case history reads (``Pack.history_view``)."""

    letters: Sequence[Letter]  # every letter, sent or draft, content not loaded
    names: Mapping[int, str]  # who recorded each letter as sent, by user id


def load_history_view(session: Session, case: Case) -> PolicyHistoryView:
    letters = letters_dao.list_letters_without_content(session, case.id)
    return PolicyHistoryView(letters, users_dao.names_by_id(session, [letter.sent_by_id for letter in letters]))
