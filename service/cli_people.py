"""``ubp people list | deactivate | reactivate | set-roles | set-groups | set-email | reset-password | unlock |
history``:
people administration from the server's command line (run by whoever administers the server, so
the account trail records the change as made by "the system")."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from service.accounts import directory, password_reset, people
from service.cases.errors import CaseworkError, NotFound
from service.people import groups
from service.people.actors import account_roles

people_cli = AppGroup("people", help="Staff accounts: list, deactivate, reactivate, roles, password resets.")

# The command line acts with the server administrator's authority: account events name no person.
_SERVER_ADMIN = None


class AccountRole(click.Choice):
    """A role an administrator can give (``account_roles``), read when the command runs rather than when this
    module is imported, which is before the packs, whose groups are among the roles, are installed. Its help and
    its error for an unknown role are click's own for a choice."""

    def __init__(self) -> None:
        self.case_sensitive = True  # click.Choice's other state is ``choices``, read fresh below

    @property
    def choices(self) -> tuple[str, ...]:
        return account_roles()


ACCOUNT_ROLE = AccountRole()


def _runtime():
    return current_app.extensions["ubp"]


def _user_id(username: str) -> int:
    try:
        return directory.person_id(_runtime().casework, username)
    except NotFound:
        raise click.ClickException(f"There is no person with the username {username!r}.") from None


def _run(change):
    try:
        return change()
    except CaseworkError as refused:
        problems = getattr(refused, "problems", None)
        raise click.ClickException(problems[0].message if problems else refused.message) from None


@people_cli.command("list")
def list_command() -> None:
    """Everyone, with roles, last sign-in and status."""
    now = _runtime().clock.now()
    for user in directory.list_people(_runtime().casework):
        last = user.last_sign_in_at.isoformat(timespec="minutes") if user.last_sign_in_at else "never"
        click.echo(f"{user.username:20} {directory.status_of(user, now):12} {','.join(user.roles):40} "
                   f"last signed in {last}  {user.full_name}")


@people_cli.command("deactivate")
@click.argument("username")
@click.option("--reason", required=True, help="Why (kept on the account's trail).")
def deactivate_command(username: str, reason: str) -> None:
    """A leaver: their sessions end at once on every server."""
    _run(lambda: people.deactivate(_runtime().casework, _SERVER_ADMIN, _user_id(username), reason,
                                   _runtime().clock.now()))
    click.echo(f"Deactivated {username}.")


@people_cli.command("reactivate")
@click.argument("username")
def reactivate_command(username: str) -> None:
    _run(lambda: people.reactivate(_runtime().casework, _SERVER_ADMIN, _user_id(username), _runtime().clock.now()))
    click.echo(f"Reactivated {username}.")


@people_cli.command("set-roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=ACCOUNT_ROLE)
def set_roles_command(username: str, roles: tuple[str, ...]) -> None:
    _run(lambda: people.change_roles(_runtime().casework, _SERVER_ADMIN, _user_id(username), list(roles),
                                     _runtime().clock.now()))
    click.echo(f"{username} now has: {', '.join(sorted(set(roles)))}.")


@people_cli.command("set-groups")
@click.argument("username")
@click.option("--group", "names", multiple=True, help="A group's name; repeat for each. None: out of every group.")
def set_groups_command(username: str, names: tuple[str, ...]) -> None:
    """Put someone in exactly these groups (those that come with their roles stay)."""
    now = _runtime().clock.now()
    held = _run(lambda: groups.set_groups_of_person(_runtime().casework, _SERVER_ADMIN, _user_id(username), names, now))
    click.echo(f"{username} is now in: {', '.join(held) or 'no groups'} (besides those of their roles).")


@people_cli.command("set-email")
@click.argument("username")
@click.argument("email")
def set_email_command(username: str, email: str) -> None:
    """Correct someone's email address ("" for none)."""
    _run(lambda: people.change_email(_runtime().casework, _SERVER_ADMIN, _user_id(username), email,
                                     _runtime().clock.now()))
    click.echo(f"{username}'s email is now {email.strip() or 'empty'}.")


@people_cli.command("unlock")
@click.argument("username")
def unlock_command(username: str) -> None:
    _run(lambda: people.unlock(_runtime().casework, _SERVER_ADMIN, _user_id(username), _runtime().clock.now()))
    click.echo(f"Unlocked {username}.")


@people_cli.command("reset-password")
@click.argument("username")
def reset_password_command(username: str) -> None:
    """The password stops working at once; prints a one-time link to set a new one."""
    token = _run(lambda: password_reset.force_reset(_runtime().casework, None, _user_id(username),
                                                    _runtime().clock.now()))
    click.echo(f"{_runtime().settings.public_url}/set-password/{token}")
    click.echo(f"The link works once, within {int(password_reset.LINK_LIFETIME.total_seconds() // 3600)} hours.")


@people_cli.command("history")
@click.argument("username")
def history_command(username: str) -> None:
    """The account's audit trail, newest first."""
    _, trail = directory.person_with_trail(_runtime().casework, _user_id(username))
    for entry in trail:
        click.echo(f"{entry.at.isoformat(timespec='seconds')}  {entry.what}  by {entry.by or '-'}  {entry.detail}")
