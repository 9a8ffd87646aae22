"""A person's saved inbox filters: each a name for a set of the inbox's query arguments, theirs alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from service.dao import saved_filters_dao
from service.models import SavedInboxFilter
from service.people.actors import Actor

if TYPE_CHECKING:
    from service.casework import Casework


def saved_filters(casework: Casework, actor: Actor) -> Sequence[SavedInboxFilter]:
    """The person's own saved filters, by name."""
    with casework.db.reading() as session:
        return saved_filters_dao.list_for(session, actor.user_id)


def save_filter(casework: Casework, actor: Actor, name: str, query: dict[str, Any]) -> None:
    """Saving under a name the person already used replaces that filter."""
    with casework.db.transaction() as session:
        saved_filters_dao.save(session, actor.user_id, name, query, casework.clock.now())


def delete_filter(casework: Casework, actor: Actor, filter_id: int) -> bool:
    """False if the person has no saved filter with that id (someone else's is not theirs to delete)."""
    with casework.db.transaction() as session:
        return saved_filters_dao.remove(session, actor.user_id, filter_id) > 0
