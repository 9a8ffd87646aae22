"""Who signs a customer letter: the named officer who sends it, with their job title.

The job title is the one on the person's account; an account without one signs with the title of the
policy role the person holds (a Head of Service, say), so no letter goes out unsigned.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy.orm import Session

from service.dao import users_dao
from service.packs.unacceptable_behaviour.letter_rendering.context import LetterContext, Signatory

# The policy's roles, most senior first, as a job title for an account that has none written on it.
ROLE_TITLES = (("executive", "Executive"), ("head_of_service", "Head of Service"), ("caseworker", "Caseworker"))
DEFAULT_TITLE = "Customer Relations"


def signatory_of(session: Session, user_id: int | None) -> Signatory | None:
    user = users_dao.get_user(session, user_id) if user_id else None
    if user is None or not user.full_name.strip():
        return None
    title = user.job_title.strip() or next(
        (words for role, words in ROLE_TITLES if role in (user.roles or [])), DEFAULT_TITLE)
    return Signatory(user.full_name.strip(), title)


def signed_by(session: Session, context: LetterContext, user_id: int | None) -> LetterContext:
    """The letter signed by that person (unchanged when there is no one to sign it)."""
    signatory = signatory_of(session, user_id)
    return dataclasses.replace(context, signatory=signatory) if signatory else context
