"""``ubp group ...``: the same group rules from the command line."""

from __future__ import annotations

from service.people import groups


def test_groups_are_created_and_filled_from_the_command_line(app, runtime, people):
    cli = app.test_cli_runner()
    made = cli.invoke(args=["group", "create", "asb-team", "--label", "ASB team"])
    assert made.exit_code == 0, made.output
    added = cli.invoke(args=["group", "add", "asb-team", "owen", "audrey"])
    assert added.exit_code == 0 and "Added audrey to asb-team." in added.output
    shown = cli.invoke(args=["group", "show", "asb-team"])
    assert "audrey\tAudrey Auditor\tadded" in shown.output and "owen\tOwen Owner\tadded" in shown.output
    assert "asb-team\tASB team\t2 people" in cli.invoke(args=["group", "list"]).output
    assert cli.invoke(args=["group", "remove", "asb-team", "audrey"]).exit_code == 0
    assert [m.username for m in groups.load_group(runtime.casework, "asb-team").members] == ["owen"]


def test_mistakes_end_with_a_message_and_a_failing_exit_code(app, runtime, people, policy):
    cli = app.test_cli_runner()
    bad = cli.invoke(args=["group", "create", "Bad Name", "--label", "x"])
    assert bad.exit_code == 1 and "Enter a group name" in bad.output
    assert cli.invoke(args=["group", "add", "ghosts", "owen"]).exit_code == 1
    unknown = cli.invoke(args=["group", "add", "caseworker", "nobody"])
    assert unknown.exit_code == 1 and "active account" in unknown.output
