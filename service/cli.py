"""Command line: ``ubp migrate | deploy | seed-demo | create-user | worker`` (also ``flask --app service ...``)."""

from __future__ import annotations

import getpass
import json
import logging
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from service import migrate as migrations
from service.auth.passwords import hash_password
from service.casework.deploy import deploy
from service.dao import users_dao
from service.models import ROLES
from workflows.definitions import DeploymentError


def _runtime():
    return current_app.extensions["ubp"]


def load_forms(forms_dir: Path) -> dict[str, object]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(forms_dir.glob("*.json"))}


def deploy_directory(runtime, bpmn_dir: Path, forms_dir: Path, comment: str) -> list[str]:
    forms = load_forms(forms_dir)
    messages = []
    for path in sorted(bpmn_dir.glob("*.bpmn")):
        outcome = deploy(runtime.db, path.read_bytes(), forms, filename=path.name, deployed_by_id=None,
                         comment=comment, now=runtime.clock.now())
        messages.append(f"{path.name}: {outcome.message}")
    return messages


def register_commands(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Bring the database schema up to date."""
        migrations.upgrade(_runtime().settings.database_url)
        click.echo("Database is up to date.")

    @app.cli.command("deploy")
    @click.option("--bpmn-dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
    @click.option("--forms-dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
    @click.option("--comment", default="Deployed from the command line")
    def deploy_command(bpmn_dir: Path | None, forms_dir: Path | None, comment: str) -> None:
        """Deploy every BPMN file in a folder, with the forms its tasks use."""
        runtime = _runtime()
        try:
            for line in deploy_directory(runtime, bpmn_dir or runtime.settings.bpmn_dir,
                                         forms_dir or runtime.settings.forms_dir, comment):
                click.echo(line)
        except DeploymentError as error:
            for problem in error.problems:
                click.echo(f"  {problem.element_id or '-'}: {problem.message}", err=True)
            raise click.ClickException("Deployment refused.") from None

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--name", "full_name", required=True)
    @click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
    @click.option("--job-title", default="")
    def create_user_command(username: str, full_name: str, roles: tuple[str, ...], job_title: str) -> None:
        """Create a staff account (the password is asked for, never passed on the command line)."""
        password = getpass.getpass("Password (at least 12 characters): ")
        runtime = _runtime()
        with runtime.db.transaction() as session:
            users_dao.add_user(session, username=username, full_name=full_name, password_hash=hash_password(password),
                               roles=list(roles), job_title=job_title, now=runtime.clock.now())
        click.echo(f"Created {username}.")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Demo users for every role and customers with cases at different stages."""
        from service.demo import seed_demo

        for line in seed_demo(_runtime()):
            click.echo(line)

    @app.cli.command("verify-audit")
    def verify_audit_command() -> None:
        """Walk every case's audit chain and report the first broken link of each."""
        from service.casework.audit_verify import verify_all

        with _runtime().db.reading() as session:
            report = verify_all(session)
        click.echo(f"Checked {report.events} events in {report.chains} case chains.")
        for link in report.broken:
            click.echo(f"  BROKEN {link.business_key} at event {link.seq}: {link.problem}", err=True)
        if not report.intact:
            raise click.ClickException("The audit log has been altered.")
        click.echo("The audit log is intact.")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Fire what is due now, then exit.")
    @click.option("--batch-size", default=50, show_default=True, type=click.IntRange(1, 10_000),
                  help="Cases claimed and committed together.")
    def worker_command(once: bool, batch_size: int) -> None:
        """Run the timer worker until stopped (SIGTERM stops it gracefully)."""
        from service.worker import Worker

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        # SpiffWorkflow logs every task state change at INFO: a dozen lines per timer fired.
        logging.getLogger("spiff").setLevel(logging.WARNING)
        runtime = _runtime()
        worker = Worker(runtime, poll_seconds=runtime.settings.worker_poll_seconds, batch_size=batch_size)
        if once:
            click.echo(f"Fired timers on {worker.run_once()} case(s).")
            return
        worker.install_signal_handlers()
        worker.run()


def _create_app() -> Flask:
    from service.app import create_app

    return create_app()


cli = FlaskGroup(create_app=_create_app, add_default_commands=False, add_version_option=False)


def main() -> None:
    sys.exit(cli.main(prog_name="ubp"))
