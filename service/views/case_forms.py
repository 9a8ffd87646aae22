"""The shared pages of forms that add to an open case (a note, a message, a pack's own additions), then go back
to the case; and the page that starts one. A pack's pages use them too (``service/packs/*/web``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from service.cases.case_file import load_case_summary
from service.cases.cases import deliver_message
from service.cases.errors import Conflict, InvalidInput
from service.history.timeline import version_form
from service.people.roles import message_senders, message_senders_words
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields
from workflows.forms import FormSchema


def message_page(reference: str, name: str, heading: str, submit: str, done: str, not_now: str, summary=None):
    """Record a message the case is waiting for (``name``), with the form its catch event names."""
    summary = summary or load_case_summary(runtime().casework, reference)
    message = next((m for m in summary.waiting_messages if m.name == name), None)
    if message is None:
        flash_problem(not_now)
        return redirect(url_for("cases.case", reference=summary.case.reference))
    if not g.actor.has_any_role(message_senders(message)):
        flash_problem(f"Only {message_senders_words(message)} may record ‘{message.label}’.")
        return redirect(url_for("cases.case", reference=summary.case.reference))
    form = version_form(summary.version, message.form_key) if message.form_key else _confirm_form(message.label)

    def save(data):
        deliver_message(runtime().casework, g.actor, summary.case.reference, name, data)

    return add_to_case(summary, form, save, heading, submit, done)


def _confirm_form(label: str) -> FormSchema:
    """A message whose catch event names no form carries nothing: the page only confirms it arrived."""
    return FormSchema("confirm", {"title": label, "type": "object", "properties": {},
                                  "description": f"Confirm that ‘{label}’ has arrived. Nothing else is asked."})


def add_to_case(summary, form: FormSchema, save: Callable[[dict[str, Any]], None], heading: str, submit: str,
                done: str):
    """The shared GET/POST of a form that adds to an open case, then goes back to the case."""
    if summary.case.status != "open":
        flash_problem("This case is closed, so nothing can be added to it.")
        return redirect(url_for("cases.case", reference=summary.case.reference))
    problems = []
    if request.method == "POST":
        try:
            save(form_data(form, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("cases.case", reference=summary.case.reference))
        else:
            flash(done)
            return redirect(url_for("cases.case", reference=summary.case.reference))
    return form_page(heading, summary, form, problems, submit)


def form_page(heading: str, summary, form: FormSchema, problems, submit: str, answers=None, *,
              template: str = "cases/form.html", **context):
    """A form about a case (``summary``), or starting one (None), with its problems; 422 when there are any. A
    pack's page may render its own ``template`` extending ``cases/form.html`` (its ``before_form`` block) with
    more ``context``."""
    questions = form_fields(form, request.form if answers is None else answers, {p.field: p.message for p in problems})
    page = render_template(template, page_title=heading, summary=summary, form=form, questions=questions,
                           submit=submit, errors=error_summary(problems, questions), **context)
    return page, (422 if problems else 200)
