from bench.profile import summarise_profile


def _frame(function: str, module: str) -> str:
    return f"{function} ({module}:1)"


def test_samples_are_shared_out_by_library_inclusive_and_by_the_function_that_was_running(tmp_path):
    handler = _frame("complete_task", "service/api/tasks.py")
    execute = _frame("Session.execute", "sqlalchemy/orm/session.py")
    wait = _frame("Connection.wait", "psycopg/connection.py")
    restore = _frame("Workflow.from_dict", "SpiffWorkflow/bpmn/serializer/workflow.py")
    folded = tmp_path / "profile.txt"
    folded.write_text(
        f'process 1:"gunicorn";{handler};{execute};{wait} 6\n'
        f'process 1:"gunicorn";{handler};{restore} 3\n'
        f'process 1:"gunicorn";{handler} 1\n'
        "a line that is not a sample\n"
    )

    profile = summarise_profile(folded)

    assert profile["samples"] == 10
    assert profile["inclusive_percent_by_area"] == {
        "service (our code)": 100.0, "SQLAlchemy": 60.0, "psycopg": 60.0, "SpiffWorkflow": 30.0}
    assert profile["self_percent_by_area"] == {"psycopg": 60.0, "SpiffWorkflow": 30.0, "service (our code)": 10.0}
    assert list(profile["self_percent_top_functions"]) == [wait, restore, handler]


def test_a_missing_or_empty_profile_is_reported_not_raised(tmp_path):
    assert "no profile" in summarise_profile(tmp_path / "absent.txt")["error"]
    (tmp_path / "empty.txt").write_text("")
    assert "no samples" in summarise_profile(tmp_path / "empty.txt")["error"]
