from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from service.models import ReferenceCounter


def next_reference_number(session: Session, prefix: str) -> int:
    """The next number for ``prefix``, in one statement that adds the counter or bumps it. Its row lock
    serialises concurrent case starts, including the first of a year: two of those each inserting
    the counter would otherwise break its unique key."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ReferenceCounter).values(prefix=prefix, last=1).on_conflict_do_update(
        index_elements=[ReferenceCounter.prefix], set_={"last": ReferenceCounter.last + 1},
    )
    return session.execute(statement.returning(ReferenceCounter.last)).scalar_one()
