"""A note can carry files of evidence: type checked by content, bounded, hashed into the audit trail,
and downloadable only by staff who may see the case."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy import select

from service.cases import evidence_files
from service.models import AccessLogEntry, AuditEvent, CaseNoteFile
from tests.service.views.conftest import start_case, text_of

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64


def _post_note(client_request, reference: str, *files: tuple[bytes, str], status: int = 302):
    data = {"text": "The customer's voicemail and the letter he sent.", "csrf_token": client_request.csrf_token(),
            evidence_files.FIELD: [(io.BytesIO(content), name) for content, name in files]}
    response = client_request.client.post(f"/cases/{reference}/notes", data=data,
                                          content_type="multipart/form-data")
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    return response


def test_the_type_is_read_from_the_content():
    assert evidence_files.media_type_of(PDF) == "application/pdf"
    assert evidence_files.media_type_of(PNG) == "image/png"
    assert evidence_files.media_type_of(MP3) == "audio/mpeg"
    assert evidence_files.media_type_of(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "audio/wav"
    assert evidence_files.media_type_of(b"\x00\x00\x00\x20ftypM4A ") == "audio/mp4"
    assert evidence_files.media_type_of(b"MZ\x90\x00 a Windows program") is None
    assert evidence_files.media_type_of(b"<html><script>") is None


def test_a_note_keeps_its_files_with_their_hashes_in_the_audit_trail(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    client_request.login("casey")
    form = client_request.get(f"/cases/{reference}/notes")
    assert form.select_one("#schema-form")["enctype"] == "multipart/form-data"
    _post_note(client_request, reference, (PDF, "letter.pdf"))
    with runtime.db.reading() as session:
        kept = session.scalars(select(CaseNoteFile)).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "note_added")).one()
    assert (kept.filename, kept.media_type, kept.size) == ("letter.pdf", "application/pdf", len(PDF))
    assert event.data["files"] == [{"filename": "letter.pdf", "media_type": "application/pdf", "size": len(PDF),
                                    "sha256": hashlib.sha256(PDF).hexdigest()}]
    case = client_request.get(f"/cases/{reference}")
    link = case.select_one(f"a[href='/cases/evidence-files/{kept.id}']")
    assert text_of(link) == "letter.pdf"

    for username in ("hana", "audrey"):
        download = client_request.login(username).get_response(f"/cases/evidence-files/{kept.id}")
        assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment")
    with runtime.db.reading() as session:
        views = session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject_kind == "evidence")).all()
    assert [v.subject_reference for v in views] == [f"{reference}/{kept.id}"] * 2
    assert client_request.login("adam").get_response(f"/cases/evidence-files/{kept.id}").status_code == 403
    assert client_request.login("owen").get_response(f"/cases/evidence-files/{kept.id}").status_code == 403
    assert client_request.login("casey").get_response("/cases/evidence-files/9999").status_code == 404


def test_files_that_are_not_evidence_or_too_large_are_refused_with_a_clear_message(client_request, three_tasks,
                                                                                  people, runtime, monkeypatch):
    reference = start_case(three_tasks, people["casey"])
    client_request.login("casey")
    page = _post_note(client_request, reference, (b"MZ\x90\x00program", "call.mp3"), status=422)
    assert "call.mp3 is not a PDF, an image" in page.get_data(as_text=True)
    monkeypatch.setattr(evidence_files, "MAX_FILE_BYTES", 100)
    page = _post_note(client_request, reference, (PNG + b"\x00" * 100, "photo.png"), status=422)
    assert "photo.png is larger than" in page.get_data(as_text=True)
    monkeypatch.setattr(evidence_files, "MAX_FILES", 1)
    page = _post_note(client_request, reference, (PDF, "a.pdf"), (MP3, "b.mp3"), status=422)
    assert "Attach 1 files at most" in page.get_data(as_text=True)
    with runtime.db.reading() as session:
        assert session.scalars(select(CaseNoteFile)).all() == []
        assert session.scalars(select(AuditEvent).where(AuditEvent.event_type == "note_added")).all() == []


def test_a_recording_larger_than_other_requests_may_be_is_accepted_on_a_note(client_request, three_tasks, people,
                                                                              runtime):
    """Evidence files have their own size limit, above the service-wide one for every other request."""
    reference = start_case(three_tasks, people["casey"])
    client_request.login("casey")
    recording = MP3 + b"\x00" * (runtime.settings.max_request_bytes + 1024 * 1024)
    _post_note(client_request, reference, (recording, "voicemail.mp3"))
    with runtime.db.reading() as session:
        assert session.scalars(select(CaseNoteFile.size)).one() == len(recording)
    # The larger limit is the note's alone: the same body anywhere else is too large, and so is a file
    # over the evidence limit on a note (refused before anything of it is read).
    too_large = {"text": "x" * (runtime.settings.max_request_bytes + 1), "csrf_token": client_request.csrf_token()}
    assert client_request.client.post(f"/cases/{reference}/incidents", data=too_large).status_code == 413
    huge = MP3 + b"\x00" * (evidence_files.MAX_FILE_BYTES + 2 * 1024 * 1024)
    _post_note(client_request, reference, (huge, "long.mp3"), status=413)
