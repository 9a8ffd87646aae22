"""External tasks, for administrators: by topic, what waits, who holds what until when, what failed."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from service.auth.permissions import allow
from service.dao import external_tasks_dao
from service.dao.external_tasks_dao import ExternalTaskFilter
from service.views.helpers import runtime

blueprint = Blueprint("external_tasks", __name__, url_prefix="/admin/external-tasks")
SHOWN = 200


@blueprint.route("")
@allow("admin")
def index():
    now = runtime().clock.now()
    topic = request.args.get("topic") or None
    with runtime().db.reading() as session:
        summaries = external_tasks_dao.topic_summaries(session, now)
        rows = external_tasks_dao.list_tasks(session, ExternalTaskFilter(topic=topic[:200] if topic else None), now,
                                             max_results=SHOWN)
        references = external_tasks_dao.case_references(session, [row.task.case_id for row in rows])
    return render_template("external_tasks/index.html", summaries=summaries, rows=rows, references=references,
                           topic=topic, now=now, shown=SHOWN)
