"""``ubp people ...`` on the server's command line."""

from __future__ import annotations

from service.accounts import directory
from service.packs import registry
from service.packs.registry import GroupSeed, Pack


def test_people_commands_change_accounts_and_say_what_they_did(app, people, runtime):
    cli = app.test_cli_runner()
    listed = cli.invoke(args=["people", "list"])
    assert listed.exit_code == 0 and "casey" in listed.output and "Active" in listed.output
    done = cli.invoke(args=["people", "deactivate", "casey", "--reason", "Left"])
    assert done.exit_code == 0, done.output
    _, trail = directory.person_with_trail(runtime.casework, people["casey"].user_id)
    assert trail[0].what == "Deactivated" and trail[0].by == "The system"
    assert cli.invoke(args=["people", "reactivate", "casey"]).exit_code == 0
    assert cli.invoke(args=["people", "set-roles", "casey", "--role", "auditor"]).exit_code == 0
    link = cli.invoke(args=["people", "reset-password", "casey"])
    assert link.exit_code == 0 and "/set-password/" in link.output
    history = cli.invoke(args=["people", "history", "casey"])
    assert "Password reset forced" in history.output


def test_people_commands_refuse_clearly(app, people):
    cli = app.test_cli_runner()
    missing = cli.invoke(args=["people", "deactivate", "nobody", "--reason", "x"])
    assert missing.exit_code != 0 and "There is no person with the username 'nobody'" in missing.output
    last_admin = cli.invoke(args=["people", "deactivate", "adam", "--reason", "x"])
    assert last_admin.exit_code != 0 and "last active administrator" in last_admin.output


def test_the_role_commands_check_the_roles_when_they_run(app, people):
    cli = app.test_cli_runner()
    unknown = cli.invoke(args=["people", "set-roles", "casey", "--role", "gardener"])
    assert unknown.exit_code == 2
    assert ("Invalid value for '--role': 'gardener' is not one of 'caseworker', 'head_of_service', 'executive', "
            "'process_owner', 'auditor', 'data_protection_officer', 'admin', 'worker'.") in unknown.output
    made = cli.invoke(args=["create-user", "gary", "--name", "Gary Gardener", "--role", "gardener"])
    assert made.exit_code == 2 and "'gardener' is not one of 'caseworker'" in made.output
    # A group a pack registers after the commands were made is a role they accept.
    registry.register(Pack(name="gardening", process_ids=("gardening_process",),
                           groups=(GroupSeed("gardener", "Gardeners"),)))
    try:
        given = cli.invoke(args=["people", "set-roles", "casey", "--role", "gardener"])
        assert given.exit_code == 0, given.output
        assert "casey now has: gardener." in given.output
    finally:
        registry.unregister("gardening")


def test_create_user_applies_the_password_rules(app, people, monkeypatch):
    cli = app.test_cli_runner()
    monkeypatch.setattr("getpass.getpass", lambda prompt: "aaaaaaaaaaaa")
    weak = cli.invoke(args=["create-user", "rita", "--name", "Rita Reviewer", "--role", "caseworker"])
    assert weak.exit_code != 0 and "repeated" in weak.output
    monkeypatch.setattr("getpass.getpass", lambda prompt: "pebble orchard violin")
    made = cli.invoke(args=["create-user", "rita", "--name", "Rita Reviewer", "--role", "caseworker"])
    assert made.exit_code == 0, made.output


def test_people_commands_set_groups_and_email(app, people, runtime):
    from service.people import groups

    groups.create_group(runtime.casework, None, name="asb-team", label="ASB team", description="",
                        now=runtime.clock.now())
    cli = app.test_cli_runner()
    done = cli.invoke(args=["people", "set-groups", "owen", "--group", "asb-team"])
    assert done.exit_code == 0 and "owen is now in: asb-team" in done.output, done.output
    unknown = cli.invoke(args=["people", "set-groups", "owen", "--group", "ghosts"])
    assert unknown.exit_code != 0 and "There is no group called 'ghosts'" in unknown.output
    assert cli.invoke(args=["people", "set-email", "owen", "owen@example.org"]).exit_code == 0
    bad = cli.invoke(args=["people", "set-email", "owen", "owen at example"])
    assert bad.exit_code != 0 and "Enter an email address" in bad.output
    user, trail = directory.person_with_trail(runtime.casework, people["owen"].user_id)
    assert user.email == "owen@example.org"
    assert [(e.what, e.by) for e in trail] == [("Email changed", "The system"), ("Groups changed", "The system")]
