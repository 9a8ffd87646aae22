"""A task page: the step's form, its instructions, what its pack shows above the form (the letter it sends,
what a decision-maker decides on), and the case beside it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases import reading
from service.cases.case_file import load_task_file
from service.cases.cases import complete_task
from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, ProcessProblem
from service.packs.registry import FileQuestions, pack_for
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
    file = load_task_file(runtime().casework, task_id, g.actor)
    reading.refuse_unless_may_read(g.actor, file.summary.version.process_id)
    problems = []
    refused = False
    if request.method == "POST":
        if request.form.get("task_id") != task_id:
            abort(400)
        try:
            reference = complete_task(runtime().casework, g.actor, task_id, _answers(file, task_id)).reference
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
    keeper = _file_keeper(file)
    kept = keeper.attached(runtime().casework, task_id) if keeper and _file_questions(file) else None
    attached = dict.fromkeys(_file_questions(file), kept[1]) if kept else {}
    # Shown first with the case's earlier answers to the questions asked again (a crime suspected at intake).
    # A step done before on this case (a proposal returned for changes) starts from its last answers.
    answers = request.form if request.method == "POST" or not file.form else answers_as_posted(file.form, {
        **file.previous_answers, **prefilled_answers(runtime().casework, file.summary.case.id, file.form)})
    questions = form_fields(file.form, answers, {p.field: p.message for p in problems}, attached) if (
        file.form) else []
    page = render_template("tasks/task.html", file=file, questions=questions, now=runtime().clock.now(),
                           errors=error_summary(problems, questions), brief=_brief(file))
    return page, (422 if problems or refused else 200)


def _brief(file) -> tuple[str, object] | None:
    """What the step shows above its form, in its pack's words (the proposal, the appeal, the letter it sends)."""
    pack, event = _pack_and_event(file)
    template, load = (pack.task_briefs.get(event) if pack and event else None) or (None, None)
    view = load(runtime().casework, file) if load else None
    return (template, view) if view is not None else None


def _file_keeper(file) -> FileQuestions | None:
    """How the step's pack keeps a file chosen for a file question; None: the step takes no files."""
    pack, event = _pack_and_event(file)
    return pack.file_questions.get(event) if pack and event else None


def _pack_and_event(file):
    return pack_for(file.summary.version.process_id), file.summary.definition.case_events.get(file.task.element_id)


def _answers(file, task_id: str) -> dict:
    """The posted answers; a file chosen for a file question is kept first, and answered with its reference."""
    if not file.form:
        return {}
    answers = form_data(file.form, request.form)
    keeper = _file_keeper(file)
    upload_problems = []
    for name in _file_questions(file):
        chosen = request.files.get(name)
        if chosen and chosen.filename and keeper is None:
            upload_problems.append(FieldProblem(name, "This step cannot keep files"))
        elif chosen and chosen.filename:
            try:
                answers[name] = str(keeper.store(runtime().casework, g.actor, task_id, name, chosen.filename,
                                                 chosen.stream))
            except InvalidInput as refused:
                upload_problems += refused.problems
        elif keeper and (kept := keeper.attached(runtime().casework, task_id)):
            answers[name] = str(kept[0])
    if upload_problems:
        # Say what else needs correcting too, but never complete the task with an earlier file.
        _, others = file.form.validate(answers, today=london_date(runtime().clock.now()))
        refused_fields = {p.field for p in upload_problems}
        raise InvalidInput(upload_problems + [FieldProblem(e.field, e.message) for e in others
                                              if e.field not in refused_fields])
    return answers


def _file_questions(file) -> list[str]:
    return [name for name, spec in (file.form.fields if file.form else {}).items() if spec.get("x-widget") == "file"]
