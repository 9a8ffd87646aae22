"""Audit anchors kept outside the database, so a restored (or edited) backup can be checked against them.

Inside one database the anchors prove the case chains; but whoever can edit a backup can rewrite the
chains and the anchors together, or drop the latest of both. A copy of the anchor hashes kept
elsewhere (written at every backup, and by ``ubp export-anchors`` as often as wanted) closes that gap:
every exported anchor must be in the restored database with the same hash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from service.dao import anchors_dao
from service.history.audit_verify import VerifyReport, verify_all

if TYPE_CHECKING:
    from service.casework import Casework

EXPORT_FORMAT = "ubp-audit-anchors/1"


class AnchorExportError(ValueError):
    """The anchor file is not one this service wrote."""


@dataclass(frozen=True)
class AuditCheck:
    report: VerifyReport
    differences_from_export: list[str]  # empty when no export was given, or the database agrees with it


def anchor_export(casework: Casework) -> dict[str, Any]:
    """Every anchor's hash now, as the document kept outside the database (``check_audit_log`` reads it back)."""
    with casework.db.reading() as session:
        return export_anchors(session, casework.clock.now())


def check_audit_log(casework: Casework, export_text: str | None = None) -> AuditCheck:
    """Walk every case chain and the anchors over them and, given an anchor export file's text, compare the
    database's anchors with it: all in one snapshot. AnchorExportError if the text is not an anchor export."""
    exported = None
    if export_text is not None:
        try:
            exported = json.loads(export_text)
        except ValueError as error:
            raise AnchorExportError(f"not JSON ({error})") from None
    with casework.db.reading() as session:
        report = verify_all(session)
        differences = differences_from_export(session, exported) if export_text is not None else []
    return AuditCheck(report, differences)


def export_anchors(session: Session, now: datetime) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "anchors": [{"seq": seq, "at": at.isoformat(), "case_count": cases, "hash": digest}
                    for seq, at, cases, digest in anchors_dao.anchor_summaries(session)],
    }


def differences_from_export(session: Session, document: Any) -> list[str]:
    """What in the database disagrees with an exported anchor file (empty: it agrees)."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT \
            or not isinstance(document.get("anchors"), list):
        raise AnchorExportError(f"not an anchor export ({EXPORT_FORMAT})")
    held = {seq: digest for seq, _, _, digest in anchors_dao.anchor_summaries(session)}
    problems = []
    for exported in document["anchors"]:
        try:
            seq, digest = int(exported["seq"]), str(exported["hash"])
        except (KeyError, TypeError, ValueError):
            raise AnchorExportError("an anchor in the file has no seq or hash") from None
        if seq not in held:
            problems.append(f"anchor {seq} (exported {document.get('exported_at', '?')}) is missing from the database")
        elif held[seq] != digest:
            problems.append(f"anchor {seq} differs from the exported copy: {held[seq]} here, {digest} exported")
    return problems
