"""External tasks, for administrators: by topic, what waits, who holds what until when, what failed."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from service.auth.permissions import allow
from service.tasks.external_task_listing import topic_overview
from service.views.helpers import runtime

blueprint = Blueprint("external_tasks", __name__, url_prefix="/admin/external-tasks")
SHOWN = 200


@blueprint.route("")
@allow("admin")
def index():
    topic = request.args.get("topic") or None
    overview = topic_overview(runtime().casework, topic[:200] if topic else None, SHOWN)
    return render_template("external_tasks/index.html", summaries=overview.summaries, rows=overview.rows,
                           references=overview.references, topic=topic, now=overview.now, shown=SHOWN)
