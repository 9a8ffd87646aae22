"""``ubp group list | show | create | add | remove``: groups from the command line, as an administrator would."""

from __future__ import annotations

import click
from flask import Flask, current_app

from service.cases.errors import CaseworkError, InvalidInput
from service.people import groups


def _casework():
    return current_app.extensions["ubp"].casework


def _refused(error: CaseworkError) -> click.ClickException:
    if isinstance(error, InvalidInput):
        return click.ClickException("; ".join(p.message for p in error.problems))
    return click.ClickException(error.message)


def register_group_commands(app: Flask) -> None:
    @app.cli.group("group")
    def group_command() -> None:
        """Groups of people, and who is in them."""

    @group_command.command("list")
    def list_command() -> None:
        """Every group, with how many people are in it."""
        for found in groups.list_groups(_casework()):
            click.echo(f"{found.name}\t{found.label}\t{found.member_count} people")

    @group_command.command("show")
    @click.argument("name")
    def show_command(name: str) -> None:
        """Who is in a group, and why (added, or holding the role of that name)."""
        try:
            page = groups.load_group(_casework(), name)
        except CaseworkError as error:
            raise _refused(error) from None
        click.echo(f"{page.label} ({page.name})")
        for member in page.members:
            click.echo(f"  {member.username}\t{member.full_name}\t{'by role' if member.by_role else 'added'}")

    @group_command.command("create")
    @click.argument("name")
    @click.option("--label", required=True, help="What people call the group, e.g. 'Anti-social behaviour team'.")
    @click.option("--description", default="")
    def create_command(name: str, label: str, description: str) -> None:
        """Create a group; NAME is what diagrams write in camunda:candidateGroups."""
        try:
            groups.create_group(_casework(), None, name=name, label=label, description=description,
                                now=current_app.extensions["ubp"].clock.now())
        except CaseworkError as error:
            raise _refused(error) from None
        click.echo(f"Created the group {name}.")

    @group_command.command("add")
    @click.argument("name")
    @click.argument("usernames", nargs=-1, required=True)
    def add_command(name: str, usernames: tuple[str, ...]) -> None:
        """Put people in a group."""
        for username in usernames:
            try:
                groups.add_member(_casework(), None, name, username, current_app.extensions["ubp"].clock.now())
            except CaseworkError as error:
                raise _refused(error) from None
            click.echo(f"Added {username} to {name}.")

    @group_command.command("remove")
    @click.argument("name")
    @click.argument("username")
    def remove_command(name: str, username: str) -> None:
        """Take someone out of a group."""
        try:
            groups.remove_member(_casework(), None, name, username, current_app.extensions["ubp"].clock.now())
        except CaseworkError as error:
            raise _refused(error) from None
        click.echo(f"Took {username} out of {name}.")
