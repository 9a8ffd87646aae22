"""Command line: ``ubp migrate | deploy | seed-demo | create-user | group ... | worker | verify-audit | anchor-audit |
grant-app-role`` (also ``flask --app service ...``)."""

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
from service.cli_groups import register_group_commands
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

    register_group_commands(app)

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Demo users for every role and customers with cases at different stages."""
        from service.demo import seed_demo

        for line in seed_demo(_runtime()):
            click.echo(line)

    @app.cli.command("verify-audit")
    def verify_audit_command() -> None:
        """Walk every case's audit chain and the anchors over them; report the first broken link of each."""
        from service.casework.audit_verify import verify_all

        with _runtime().db.reading() as session:
            report = verify_all(session)
        click.echo(f"Checked {report.events} events in {report.chains} case chains, and {report.anchors} anchors.")
        if report.latest_anchor is not None:
            latest = report.latest_anchor
            click.echo(f"Latest anchor: {latest.seq} at {latest.at.isoformat()}, {latest.case_count} cases, "
                       f"hash {latest.hash}")
        if report.anchor_problem is not None:
            click.echo(f"  BROKEN anchor {report.anchor_problem.seq}: {report.anchor_problem.problem}", err=True)
        for link in report.broken:
            click.echo(f"  BROKEN {link.business_key} at event {link.seq}: {link.problem}", err=True)
        if not report.intact:
            raise click.ClickException("The audit log has been altered.")
        click.echo("The audit log is intact.")

    @app.cli.command("anchor-audit")
    def anchor_audit_command() -> None:
        """Anchor the audit log now: a chained digest over every case chain's head."""
        from service.casework.anchors import write_anchor

        runtime = _runtime()
        anchor = write_anchor(runtime.db, runtime.clock.now())
        if anchor is None:
            raise click.ClickException("Another process is anchoring the audit log at this moment; try again.")
        click.echo(f"Anchor {anchor.seq} covers {anchor.case_count} cases: {anchor.hash}")

    @app.cli.command("grant-app-role")
    @click.argument("role")
    @click.option("--allow-redaction", is_flag=True,
                  help="Also let the role redact an audit event's data (retention), which the triggers police.")
    def grant_app_role_command(role: str, allow_redaction: bool) -> None:
        """Grant a PostgreSQL login role what the service needs, with no UPDATE or DELETE of audit rows."""
        from service.db_grants import GrantRefused, grant_app_role

        try:
            statements = grant_app_role(_runtime().db.engine, role, allow_redaction=allow_redaction)
        except GrantRefused as refused:
            raise click.ClickException(str(refused)) from None
        for statement in statements:
            click.echo(f"  {statement}")
        click.echo(f"Granted {role}: SELECT and INSERT only on the audit tables.")

    @app.cli.command("retention-sweep")
    @click.option("--dry-run", is_flag=True, help="List the cases past retention; change nothing.")
    def retention_sweep_command(dry_run: bool) -> None:
        """Anonymise every closed case past its retention period (RETENTION_POLICY)."""
        from service.casework.retention import sweep

        runtime = _runtime()
        report = sweep(runtime.casework, runtime.settings.retention_policy, dry_run=dry_run)
        for reference in report.due:
            click.echo(f"  {reference}")
        if dry_run:
            click.echo(f"{len(report.due)} case(s) are past retention; nothing was changed (dry run).")
            return
        click.echo(f"Anonymised {len(report.anonymised)} case(s).")
        if report.failed:
            raise click.ClickException(f"Could not anonymise: {', '.join(report.failed)} (see the log).")

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
        worker = Worker(runtime, poll_seconds=runtime.settings.worker_poll_seconds, batch_size=batch_size,
                        anchor_every=runtime.settings.audit_anchor_every)
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
