"""Command line: ``ubp migrate | deploy | deploy-files | seed-demo | create-user | group ... | people ... |
send-message | worker | worker-health | verify-audit | anchor-audit | export-anchors | backup | restore |
grant-app-role`` (also ``flask --app service``).

The commands only: the ``ubp`` script that builds the app and runs them is ``service.console``, since the app
factory registers these commands and nothing it imports may import it back."""

from __future__ import annotations

import functools
import getpass
import json
from pathlib import Path

import click
from flask import Flask, current_app

from service import migrate as migrations
from service.cases.cases import deliver_message
from service.cli_groups import register_group_commands
from service.cli_operations import register_operations_commands
from service.observability.logs import configure_logging
from service.processes.deploy import deploy
from workflows.definitions import DeploymentError


def _runtime():
    return current_app.extensions["ubp"]


def load_forms(forms_dir: Path) -> dict[str, object]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(forms_dir.glob("*.json"))}


def deploy_directory(runtime, bpmn_dir: Path, forms_dir: Path, comment: str) -> list[str]:
    forms = load_forms(forms_dir)
    messages = []
    for path in sorted(bpmn_dir.glob("*.bpmn")):
        outcome = deploy(runtime.casework, path.read_bytes(), forms, filename=path.name, deployed_by_id=None,
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
            outcome = deploy(runtime.casework, path.read_bytes(), forms, filename=path.name, deployed_by_id=None,
                             comment=comment, now=runtime.clock.now(), decisions=decisions)
        except DeploymentError as error:
            reasons = "; ".join(f"{p.element_id or '-'}: {p.message}" for p in error.problems)
            lines.append((True, f"{path.name}: refused: {reasons}"))
        else:
            lines.append((False, f"{path.name}: {outcome.message}"))
    return lines


def register_commands(app: Flask) -> None:
    register_operations_commands(app)

    from service.cli_people import ACCOUNT_ROLE, people_cli

    app.cli.add_command(people_cli)

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
        diagrams = sorted(folder.glob("*.bpmn"))
        if not diagrams:
            raise click.ClickException(f"No BPMN files (*.bpmn) in {folder.resolve()}: nothing was deployed.")
        forms = load_forms(forms_dir or runtime.settings.forms_dir)
        decisions = {path.name: path.read_bytes() for path in sorted(folder.glob("*.dmn"))}
        results = deploy_files(runtime, diagrams, forms, comment, decisions)
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
        from service.processes.deploy_bundle import BundleRefused, deploy_bundle, read_bundle

        runtime = _runtime()
        try:
            bundle = read_bundle((path.name, path.read_bytes()) for path in paths)
        except BundleRefused as refused:
            raise click.ClickException(f"Nothing was deployed: {refused}") from None
        outcomes = deploy_bundle(runtime.casework, bundle, deployed_by_id=None, comment=comment,
                                 now=runtime.clock.now())
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
        from service.cases.errors import CaseworkError, InvalidInput
        from service.people.groups import active_actor

        runtime = _runtime()
        try:
            payload = json.loads(data)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise click.ClickException("--data must be a JSON object, for example '{\"answer\": \"yes\"}'.")
        actor = active_actor(runtime.casework, username)
        if actor is None:
            raise click.ClickException(f"There is no active user called {username!r}.")
        try:
            deliver_message(runtime.casework, actor, reference, message, payload)
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
    @click.option("--role", "roles", multiple=True, required=True, type=ACCOUNT_ROLE)
    @click.option("--job-title", default="")
    @click.option("--email", default="")
    def create_user_command(username: str, full_name: str, roles: tuple[str, ...], job_title: str,
                            email: str) -> None:
        """Create a staff account (the password is asked for, never passed on the command line)."""
        from service.accounts.people import NewPerson, create_person
        from service.cases.errors import InvalidInput

        password = getpass.getpass("Password (at least 12 characters; three random words work well): ")
        runtime = _runtime()
        try:
            create_person(runtime.casework, None, NewPerson(username=username, full_name=full_name, email=email,
                                                      job_title=job_title, roles=roles, password=password),
                          runtime.clock.now())
        except InvalidInput as invalid:
            raise click.ClickException("; ".join(problem.message for problem in invalid.problems)) from None
        click.echo(f"Created {username}.")

    register_group_commands(app)

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Demo users for every role and customers with cases at different stages."""
        from service.demo import seed_demo

        for line in seed_demo(_runtime()):
            click.echo(line)

    @app.cli.command("verify-audit")
    @click.option("--anchors", "anchor_file", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                  help="An anchor export (ubp backup / ubp export-anchors) the database must agree with.")
    def verify_audit_command(anchor_file: Path | None) -> None:
        """Walk every case's audit chain and the anchors over them; report the first broken link of each."""
        from service.history.anchor_export import AnchorExportError, check_audit_log

        try:
            check = check_audit_log(_runtime().casework, anchor_file.read_text() if anchor_file is not None else None)
        except AnchorExportError as error:
            raise click.ClickException(f"{anchor_file}: {error}") from None
        report, exported_problems = check.report, check.differences_from_export
        for problem in exported_problems:
            click.echo(f"  DIFFERS FROM EXPORT: {problem}", err=True)
        if exported_problems:
            raise click.ClickException("The audit log does not match the anchors exported outside the database.")
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
        from service.history.anchors import write_anchor

        runtime = _runtime()
        anchor = write_anchor(runtime.casework, runtime.clock.now())
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
        """Anonymise every closed case past its retention period (its process's, or its pack's policy's)."""
        from service.data_protection.retention import sweep

        runtime = _runtime()
        report = sweep(runtime.casework, dry_run=dry_run)
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
    @click.option("--watchdog/--no-watchdog", default=True, show_default=True,
                  help="Run the worker in a child process that is restarted when it dies or makes no progress.")
    def worker_command(once: bool, batch_size: int, watchdog: bool) -> None:
        """Run the timer worker until stopped (SIGTERM stops it within seconds)."""
        from service.worker import Worker, run_worker
        from service.worker_supervisor import Supervisor

        runtime = _runtime()
        configure_logging(runtime.settings.log_format, runtime.settings.log_level)
        if once:
            worker = Worker(runtime, poll_seconds=runtime.settings.worker_poll_seconds, batch_size=batch_size)
            click.echo(f"Fired timers on {worker.run_once()} case(s).")
            return
        if watchdog:
            runtime.db.engine.dispose()  # the watchdog itself needs no connection
            Supervisor(functools.partial(run_worker, batch_size),
                       stall_seconds=runtime.settings.worker_stall_seconds).run()
        else:
            run_worker(batch_size, lambda: None, runtime)


def report_configuration_problems(error) -> None:
    """One line per problem on stderr: what an operator reads when the service refuses to start."""
    click.echo("The service cannot start: the configuration has problems.", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)

