"""A case's letters as kept on the case (sent, or drafts), for the staff who work the cases and for auditors.

The one download of a kept letter: the case page, a task's letter, and the auditor's case history all link
here, and every download is written to the access log.
"""

from __future__ import annotations

import io

from flask import Blueprint, Flask, g, send_file

from service.auth.permissions import allow
from service.history import access_log
from service.packs.unacceptable_behaviour.letters import case_letter
from service.packs.unacceptable_behaviour.roles import STAFF_AND_AUDITORS
from service.views.helpers import runtime

blueprint = Blueprint("case_letters", __name__)
READERS = STAFF_AND_AUDITORS


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)


@blueprint.route("/cases/<reference>/letters/<int(max=2147483647):letter_id>/pdf")
@allow(*READERS)
def download(reference: str, letter_id: int):
    case_reference, letter = case_letter(runtime().casework, reference, letter_id)
    access_log.record_view(runtime().casework, g.actor, "letter", f"{case_reference}/{letter.id}")
    return send_file(io.BytesIO(letter.content), mimetype=letter.media_type, as_attachment=True,
                     download_name=letter.filename)
