"""A task page: the step's form, its instructions, the letter it sends, and the case beside it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases import reading
from service.cases.case_file import load_task_file
from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, ProcessProblem
from service.packs.registry import pack_for
from service.packs.unacceptable_behaviour import letter_preview, translations
from service.people.actors import TASK_WORKER
from service.processes.case_dates import prefilled_answers
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import answers_as_posted, error_summary, form_data, form_fields
from workflows.calendar import london_date

blueprint = Blueprint("tasks", __name__, url_prefix="/tasks")
VIEWERS = (TASK_WORKER, "auditor")


@blueprint.route("/<task_id>", methods=["GET", "POST"])
@allow(*VIEWERS)
def task(task_id: str):
    file = load_task_file(runtime().db, task_id, g.actor)
    reading.refuse_unless_may_read(g.actor, file.summary.version.process_id)
    problems = []
    refused = False
    if request.method == "POST":
        if request.form.get("task_id") != task_id:
            abort(400)
        try:
            reference = runtime().casework.complete_task(g.actor, task_id, _answers(file, task_id)).reference
        except InvalidInput as invalid:
            problems = invalid.problems
        except ProcessProblem as problem:
            # The diagram, not the answers, is at fault: stay on the page with the answers as given.
            flash_problem(problem.message)
            refused = True
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("cases.case", reference=file.summary.case.reference))
        except NotAllowed as refusal:
            flash_problem(refusal.message)
            return redirect(url_for("tasks.task", task_id=task_id))
        else:
            flash(f"‘{file.task.name}’ is done.")
            return redirect(url_for("cases.case", reference=reference))
    translation = translations.translation_task(runtime().db, task_id) if _file_questions(file) else None
    attached = dict.fromkeys(_file_questions(file), translation.attached.filename) if (
        translation and translation.attached) else {}
    # Shown first with the case's earlier answers to the questions asked again (a crime suspected at intake).
    # A step done before on this case (a proposal returned for changes) starts from its last answers.
    answers = request.form if request.method == "POST" or not file.form else answers_as_posted(file.form, {
        **file.previous_answers, **prefilled_answers(runtime().db, file.summary.case.id, file.form)})
    questions = form_fields(file.form, answers, {p.field: p.message for p in problems}, attached) if (
        file.form) else []
    letter = letter_preview.task_letter(runtime().db, runtime().casework.provider, task_id, runtime().clock.now()) if (
        letter_preview.sends_a_letter(file.summary.definition, file.task.element_id)) else None
    page = render_template("tasks/task.html", file=file, questions=questions, now=runtime().clock.now(),
                           errors=error_summary(problems, questions), letter=letter, translation=translation,
                           brief=_brief(file))
    return page, (422 if problems or refused else 200)


def _brief(file) -> tuple[str, object] | None:
    """What the step decides on, in its pack's words (the proposal, the appeal), shown above the form."""
    pack = pack_for(file.summary.version.process_id)
    event = file.summary.definition.case_events.get(file.task.element_id)
    template, load = (pack.task_briefs.get(event) if pack and event else None) or (None, None)
    view = load(runtime().db, file) if load and file.task.status == "open" else None
    return (template, view) if view is not None else None


def _answers(file, task_id: str) -> dict:
    """The posted answers; a file chosen for a file question is kept first, and answered with its reference."""
    if not file.form:
        return {}
    answers = form_data(file.form, request.form)
    upload_problems = []
    for name in _file_questions(file):
        chosen = request.files.get(name)
        if chosen and chosen.filename:
            try:
                answers[name] = str(translations.store_upload(
                    runtime().db, g.actor, task_id, name, chosen.filename, chosen.stream, runtime().clock.now()))
            except InvalidInput as refused:
                upload_problems += refused.problems
        else:
            attached = translations.translation_task(runtime().db, task_id).attached
            if attached is not None:
                answers[name] = str(attached.id)
    if upload_problems:
        # Say what else needs correcting too, but never complete the task with an earlier file.
        _, others = file.form.validate(answers, today=london_date(runtime().clock.now()))
        refused_fields = {p.field for p in upload_problems}
        raise InvalidInput(upload_problems + [FieldProblem(e.field, e.message) for e in others
                                              if e.field not in refused_fields])
    return answers


def _file_questions(file) -> list[str]:
    return [name for name, spec in (file.form.fields if file.form else {}).items() if spec.get("x-widget") == "file"]
