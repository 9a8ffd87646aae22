"""Recording who viewed a case or customer record: personal data is read only with a trace.

A failure to write the trace is logged and never stops someone seeing the page they need (a
frontline colleague checking a restriction mid-call must not be turned away).
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from service.casework import Casework
from service.dao import access_log_dao
from service.db import DatabaseUnavailable
from service.people.actors import Actor

log = logging.getLogger(__name__)
# A letter is "<case reference>/<letter id>", a file of evidence "<case reference>/<file id>".
KINDS = ("case", "customer", "letter", "evidence")


def record_view(casework: Casework, actor: Actor, kind: str, reference: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of record: {kind!r}")
    try:
        with casework.db.transaction() as session:
            access_log_dao.add_entry(session, user_id=actor.user_id, kind=kind, reference=reference,
                                     at=casework.clock.now())
    except (SQLAlchemyError, DatabaseUnavailable):
        log.exception("could not record that user %s viewed %s %s", actor.user_id, kind, reference)
