"""Operators' commands: ``ubp backup | restore | export-anchors | worker-health``."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app


def _runtime():
    return current_app.extensions["ubp"]


def anchor_file_for(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + ".anchors.json")


def _write_anchor_export(runtime, target: Path) -> int:
    from service.history.anchor_export import anchor_export

    document = anchor_export(runtime.casework)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=1) + "\n")
    return len(document["anchors"])


def register_operations_commands(app: Flask) -> None:
    @app.cli.command("export-anchors")
    @click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
    def export_anchors_command(target: Path) -> None:
        """Write every audit anchor's hash to a file kept outside the database (verify-audit --anchors)."""
        runtime = _runtime()
        count = _write_anchor_export(runtime, target)
        click.echo(f"Exported {count} anchor(s) to {target}.")

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
    def backup_command(target: Path) -> None:
        """Back the database up to TARGET, and its audit anchors to TARGET.anchors.json (keep that elsewhere too)."""
        from service.backup import BackupError, backup

        runtime = _runtime()
        if target.exists():
            raise click.ClickException(f"{target} already exists; choose a new file.")
        try:
            backup(runtime.settings.database_url, target)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        count = _write_anchor_export(runtime, anchor_file_for(target))
        click.echo(f"Backed up to {target}; {count} audit anchor(s) exported to {anchor_file_for(target)}.")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
    def restore_command(source: Path) -> None:
        """Restore a backup into DATABASE_URL, which must be a new, empty database."""
        from service.backup import BackupError, restore

        runtime = _runtime()
        runtime.db.dispose()
        try:
            restore(source, runtime.settings.database_url)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Restored {source}. Next: ubp migrate, then ubp verify-audit --anchors <the exported anchors>.")

    @app.cli.command("worker-health")
    @click.option("--max-age", type=click.FloatRange(min=1), default=None,
                  help="Seconds (default: WORKER_HEARTBEAT_MAX_AGE_SECONDS).")
    def worker_health_command(max_age: float | None) -> None:
        """Exit 0 if a timer worker on this host reported recently (the container's health check)."""
        from service import heartbeat

        runtime = _runtime()
        limit = timedelta(seconds=max_age) if max_age else runtime.settings.worker_heartbeat_max_age
        beat = heartbeat.last_beat(runtime.casework, heartbeat.TIMER_WORKER, this_host=True)
        if beat is None:
            raise click.ClickException("No timer worker on this host has reported yet.")
        age = runtime.clock.now() - beat
        if age > limit:
            raise click.ClickException(f"The timer worker on this host last reported {age.total_seconds():.0f}s ago.")
        click.echo(f"The timer worker on this host reported {age.total_seconds():.0f}s ago.")
