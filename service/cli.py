"""Command line: ``ubp migrate | deploy | deploy-files | seed-demo | create-user | send-message | worker |
verify-audit | anchor-audit | grant-app-role`` (also ``flask --app service ...``)."""

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


def deploy_files(runtime, paths: list[Path], forms: dict[str, object], comment: str,
                 decisions: dict[str, bytes] | None = None) -> list[tuple[bool, str]]:
    """Deploy each file on its own; (refused, line) per file, so one refusal neither hides nor undoes the others.
    Every file gets the folder's forms and DMN files; a version keeps the forms it uses."""
    lines = []
    for path in paths:
        try:
            outcome = deploy(runtime.db, path.read_bytes(), forms, filename=path.name, deployed_by_id=None,
                             comment=comment, now=runtime.clock.now(), decisions=decisions)
        except DeploymentError as error:
            reasons = "; ".join(f"{p.element_id or '-'}: {p.message}" for p in error.problems)
            lines.append((True, f"{path.name}: refused: {reasons}"))
        else:
            lines.append((False, f"{path.name}: {outcome.message}"))
    return lines


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
        """Deploy every BPMN file in a folder, with the forms its tasks use and the folder's DMN files."""
        runtime = _runtime()
        folder = bpmn_dir or runtime.settings.bpmn_dir
        forms = load_forms(forms_dir or runtime.settings.forms_dir)
        decisions = {path.name: path.read_bytes() for path in sorted(folder.glob("*.dmn"))}
        results = deploy_files(runtime, sorted(folder.glob("*.bpmn")), forms, comment, decisions)
        for refused, line in results:
            click.echo(line, err=refused)
        refusals = sum(refused for refused, _ in results)
        if refusals:
            raise click.ClickException(f"{refusals} of {len(results)} file(s) refused; the others are as listed.")

    @app.cli.command("deploy-files")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
    @click.option("--comment", default="Deployed from the command line")
    def deploy_files_command(paths: tuple[Path, ...], comment: str) -> None:
        """Deploy diagrams with their forms (.json) and decision tables (.dmn) together, loose or in a ZIP."""
        from service.casework.deploy_bundle import BundleRefused, deploy_bundle, read_bundle

        runtime = _runtime()
        try:
            bundle = read_bundle((path.name, path.read_bytes()) for path in paths)
        except BundleRefused as refused:
            raise click.ClickException(f"Nothing was deployed: {refused}") from None
        outcomes = deploy_bundle(runtime.db, bundle, deployed_by_id=None, comment=comment, now=runtime.clock.now())
        for outcome in outcomes:
            click.echo(outcome.line, err=outcome.status == "refused")
        refused = sum(o.status == "refused" for o in outcomes)
        if refused:
            raise click.ClickException(f"{refused} of {len(outcomes)} file(s) refused; the others are as listed.")

    @app.cli.command("send-message")
    @click.argument("reference")
    @click.argument("message")
    @click.option("--as", "username", required=True, help="The staff member sending it (their groups are checked).")
    @click.option("--data", "data", default="{}", help="The message form's fields, as a JSON object.")
    def send_message_command(reference: str, message: str, username: str, data: str) -> None:
        """Deliver MESSAGE to the case REFERENCE, which must be waiting for it."""
        from service.casework.actors import Actor
        from service.casework.errors import CaseworkError, InvalidInput

        runtime = _runtime()
        try:
            payload = json.loads(data)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise click.ClickException("--data must be a JSON object, for example '{\"answer\": \"yes\"}'.")
        with runtime.db.reading() as session:
            user = users_dao.get_user_by_username(session, username)
        if user is None or not user.active:
            raise click.ClickException(f"There is no active user called {username!r}.")
        try:
            runtime.casework.deliver_message(Actor(user.id, tuple(user.roles), user.full_name), reference, message,
                                             payload)
        except InvalidInput as invalid:
            for problem in invalid.problems:
                click.echo(f"  {problem.field or '-'}: {problem.message}", err=True)
            raise click.ClickException(invalid.message) from None
        except CaseworkError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"{reference}: {message} delivered.")

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
