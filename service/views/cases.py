"""Cases: the case page, and what can be added to any open case (a note, a message it waits for).

A pack adds its own pages about its cases (the policy's: recording an incident, an appeal, a further
incident) with the same shared forms (``case_forms``).
"""

from __future__ import annotations

import io

from flask import Blueprint, g, render_template, request, send_file

from service.auth.permissions import allow
from service.cases import case_records, evidence_files, reading
from service.cases.case_file import load_case_summary
from service.cases.case_page import load_case_page
from service.history import access_log
from service.people.actors import TASK_WORKER
from service.request_size import allow_body
from service.views.case_forms import add_to_case, message_page
from service.views.helpers import runtime

blueprint = Blueprint("cases", __name__, url_prefix="/cases")
# Anyone who works on tasks, and auditors; a pack narrows who reads its own cases (cases.reading).
READERS = (TASK_WORKER, "auditor")


@blueprint.route("/<reference>")
@allow(*READERS)
def case(reference: str):
    page = load_case_page(runtime().casework, g.actor, reference)
    access_log.record_view(runtime().casework, g.actor, "case", page.file.summary.case.reference)
    # One page for every process; the case's pack adds its panels (service.cases.case_page).
    return render_template("cases/generic_case.html", page=page, file=page.file, now=runtime().clock.now())


@blueprint.route("/<reference>/messages/<name>", methods=["GET", "POST"])
@allow(TASK_WORKER)
def send_message(reference: str, name: str):
    summary = load_case_summary(runtime().casework, reference)
    message = summary.definition.messages.get(name)
    label = message.label if message else name
    return message_page(reference, name, f"Record ‘{label}’", "Record it", f"‘{label}’ recorded on the case.",
                        f"This case is not waiting for ‘{label}’ now.", summary)


@blueprint.route("/<reference>/notes", methods=["GET", "POST"])
@allow(TASK_WORKER)
@allow_body(evidence_files.MAX_FILE_BYTES + 1024 * 1024)  # one file at its largest, with the note's text
def add_note(reference: str):
    summary = load_case_summary(runtime().casework, reference)
    reading.refuse_unless_may_read(g.actor, summary.version.process_id)

    def save(data):
        uploads = [evidence_files.Upload(f.filename, f.stream) for f in request.files.getlist(evidence_files.FIELD)]
        case_records.add_note(runtime().casework, g.actor, summary.case.reference, data, uploads)

    return add_to_case(summary, case_records.NOTE_FORM, save, "Add a note or evidence", "Add the note",
                       "Note added to the case.")


@blueprint.route("/evidence-files/<int:file_id>")
@allow(*READERS)
def evidence_file(file_id: int):
    reference, kept, content = evidence_files.load_evidence_file(runtime().casework, g.actor, file_id)
    access_log.record_view(runtime().casework, g.actor, "evidence", f"{reference}/{kept.id}")
    # Downloaded, never shown inline: a file from outside is not opened in the service's own pages.
    return send_file(io.BytesIO(content), mimetype=kept.media_type, as_attachment=True, download_name=kept.filename)
