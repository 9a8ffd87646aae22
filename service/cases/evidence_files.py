"""Files of evidence a note carries: a PDF, an image or a recording, bounded in size and number.

A file's type is read from its first bytes (its "magic number"), never from its name or the browser's
word for it, so a program renamed ``call.mp3`` is refused. Each file is kept with its SHA-256, and the
note's audit event records the names, types, sizes and hashes: the hash chain then shows whether a
file kept on the case is the one that was attached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from service.cases.errors import FieldProblem, InvalidInput, NotFound
from service.cases.reading import refuse_unless_may_read
from service.casework import Casework
from service.dao import cases_dao, instances_dao, processes_dao
from service.models import CaseNoteFile
from service.people.actors import Actor

FIELD = "evidence_file"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 5
MAX_NAME = 200
KINDS_IN_WORDS = "a PDF, an image (JPEG, PNG, GIF or WebP) or a recording (MP3, WAV, OGG or M4A)"


@dataclass(frozen=True)
class Upload:
    filename: str
    stream: IO[bytes]


@dataclass(frozen=True)
class Evidence:
    filename: str
    media_type: str
    content: bytes
    sha256: str

    def described(self) -> dict[str, object]:
        """What the audit event keeps about the file (never its content)."""
        return {"filename": self.filename, "media_type": self.media_type, "size": len(self.content),
                "sha256": self.sha256}


def media_type_of(content: bytes) -> str | None:
    """The file's type from its first bytes, or None if it is not one this service keeps."""
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return "audio/mp4"
    return None


def checked(uploads: Iterable[Upload]) -> list[Evidence]:
    """The files, each read at most one byte past the limit; InvalidInput names the first problem."""
    chosen = [u for u in uploads if u.filename]
    if len(chosen) > MAX_FILES:
        _refuse(f"Attach {MAX_FILES} files at most to one note: add another note for more")
    evidence = []
    for upload in chosen:
        name = _safe_name(upload.filename)
        content = upload.stream.read(MAX_FILE_BYTES + 1)
        if not content:
            _refuse(f"{name} is empty: choose the file again")
        if len(content) > MAX_FILE_BYTES:
            _refuse(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: attach a smaller file, or give "
                    "its reference where it is kept")
        media_type = media_type_of(content)
        if media_type is None:
            _refuse(f"{name} is not {KINDS_IN_WORDS}: only those can be attached")
        evidence.append(Evidence(name, media_type, content, hashlib.sha256(content).hexdigest()))
    return evidence


def files_of_note(note_id: int, case_id: int, evidence: Sequence[Evidence], now) -> list[CaseNoteFile]:
    return [CaseNoteFile(note_id=note_id, case_id=case_id, filename=e.filename, media_type=e.media_type,
                         size=len(e.content), sha256=e.sha256, content=e.content, created_at=now) for e in evidence]


def load_evidence_file(casework: Casework, actor: Actor, file_id: int) -> tuple[str, CaseNoteFile, bytes]:
    """(case reference, file, content) for someone who may read the case; NotFound or NotAllowed otherwise."""
    with casework.db.reading() as session:
        kept = session.get(CaseNoteFile, file_id)
        case = cases_dao.get_case(session, kept.case_id) if kept else None
        if case is None:
            raise NotFound("There is no such file.")
        instance = instances_dao.get_instance(session, case.instance_id)
        refuse_unless_may_read(actor, processes_dao.get_version(session, instance.process_version_id).process_id)
        return case.reference, kept, kept.content


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|')
    return (name or "evidence")[:MAX_NAME]


def _refuse(message: str) -> None:
    raise InvalidInput([FieldProblem(FIELD, message)])
