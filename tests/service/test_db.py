import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, PendingRollbackError

from service.db import connection_lost


def test_database_answers(runtime):
    with runtime.db.reading() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1


@pytest.mark.parametrize(("error", "lost"), [
    (OperationalError("UPDATE ...", {}, Exception("terminating connection due to administrator command")), True),
    (OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly")), True),
    (OperationalError("UPDATE ...", {}, Exception("deadlock detected")), False),
    (DBAPIError("COMMIT", {}, Exception("the connection is closed"), connection_invalidated=True), True),
    (IntegrityError("INSERT ...", {}, Exception("duplicate key value violates unique constraint")), False),
    (PendingRollbackError("Can't reconnect until invalid savepoint transaction is rolled back."), True),
    (PendingRollbackError("This Session's transaction has been rolled back due to a previous exception "
                          "during flush."), False),
    (ValueError("connection"), False),
])
def test_only_a_lost_connection_counts_as_the_database_being_unavailable(error, lost):
    assert connection_lost(error) is lost
