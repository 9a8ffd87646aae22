from sqlalchemy import text


def test_database_answers(runtime):
    with runtime.db.reading() as session:
        assert session.execute(text("SELECT 1")).scalar() == 1
