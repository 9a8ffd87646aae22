"""Deploying several files together: BPMN diagrams with their forms and DMN decision tables, loose or in a ZIP.

Bounded before anything is parsed: at most ``MAX_FILES`` files, each at most ``MAX_FILE_BYTES`` once
unpacked and ``MAX_TOTAL_BYTES`` together; a ZIP member is read only up to its limit (never trusting the
sizes the archive declares) and refused if it unpacks to more than ``MAX_RATIO`` times its packed size,
so a ZIP bomb costs no more than a refusal. Nested archives are refused. Paths inside an archive are
reduced to file names.

Each diagram is then deployed on its own, with every form and decision table of the bundle available
to it, in an order that deploys a called process before the diagrams that call it; the outcome is one
line per file: deployed, unchanged or refused with the reasons.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from service.casework import Casework
from service.processes.deploy import deploy
from workflows.definitions import DeploymentError
from workflows.xml_safety import UnsafeXmlError, parse_untrusted_xml

MAX_FILES = 50
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
MAX_RATIO = 100
_BPMN = (".bpmn", ".bpmn20.xml")
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


class BundleRefused(ValueError):
    """The bundle as a whole cannot be read (too many or too large files, a ZIP bomb, a bad archive)."""


@dataclass
class Bundle:
    diagrams: dict[str, bytes] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)
    decisions: dict[str, bytes] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)  # file name -> why it was not taken


@dataclass(frozen=True)
class FileOutcome:
    filename: str
    status: str  # deployed, unchanged or refused
    message: str

    @property
    def line(self) -> str:
        return f"{self.filename}: {self.status}: {self.message}"


def read_bundle(files: Iterable[tuple[str, bytes]]) -> Bundle:
    """Sort uploaded files (and the members of any ZIP among them) into diagrams, forms and decision tables."""
    bundle = Bundle()
    total = 0
    for name, content in _unpacked(files):
        total += len(content)
        if total > MAX_TOTAL_BYTES:
            raise BundleRefused(f"The files come to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB unpacked.")
        _sort(bundle, name, content)
    if not bundle.diagrams:
        raise BundleRefused("There is no BPMN diagram (a .bpmn file) among the files.")
    return bundle


def _unpacked(files: Iterable[tuple[str, bytes]]) -> Iterable[tuple[str, bytes]]:
    count = 0
    for name, content in files:
        members = _zip_members(name, content) if name.lower().endswith(".zip") else [(_base(name), content)]
        for member in members:
            count += 1
            if count > MAX_FILES:
                raise BundleRefused(f"At most {MAX_FILES} files can be deployed together.")
            if len(member[1]) > MAX_FILE_BYTES:
                raise BundleRefused(f"{member[0]} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
            yield member


def _zip_members(name: str, content: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BundleRefused(f"{_base(name)} is not a ZIP archive that can be read.") from None
    if len(infos) > MAX_FILES:
        raise BundleRefused(f"{_base(name)} holds more than {MAX_FILES} files.")
    members = []
    for info in infos:
        member = _base(info.filename)
        if member.lower().endswith(".zip"):
            raise BundleRefused(f"{_base(name)} holds another archive ({member}): unpack it first.")
        members.append((member, _read_member(archive, info, member)))
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> bytes:
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # never more than the limit, whatever the header says
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
        raise BundleRefused(f"{member} in the archive cannot be unpacked (damaged, encrypted or an unknown "
                            "compression).") from None
    if len(data) > MAX_FILE_BYTES:
        raise BundleRefused(f"{member} unpacks to more than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if info.compress_size and len(data) > MAX_RATIO * max(info.compress_size, 1) and len(data) > 64 * 1024:
        raise BundleRefused(f"{member} unpacks to more than {MAX_RATIO} times its packed size: refused as a "
                            "possible ZIP bomb.")
    return data


def _sort(bundle: Bundle, name: str, content: bytes) -> None:
    lower = name.lower()
    if lower.endswith(_BPMN):
        bundle.diagrams[name] = content
    elif lower.endswith(".dmn"):
        bundle.decisions[name] = content
    elif lower.endswith(".json"):
        try:
            schema = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            bundle.refused[name] = "not valid JSON, so not a form"
            return
        if not isinstance(schema, dict):
            bundle.refused[name] = "a form must be a JSON object"
            return
        bundle.forms[PurePosixPath(name).stem] = schema
    else:
        bundle.refused[name] = "not a BPMN diagram (.bpmn), a DMN decision table (.dmn) or a form (.json)"


def _base(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).name[:100] or "unnamed"


def deploy_bundle(casework: Casework, bundle: Bundle, *, deployed_by_id: int | None, comment: str,
                  now: datetime) -> list[FileOutcome]:
    """Deploy each diagram (called processes first); one outcome per file, including files not taken."""
    outcomes = [FileOutcome(name, "refused", reason) for name, reason in sorted(bundle.refused.items())]
    for name in _callees_first(bundle.diagrams):
        try:
            outcome = deploy(casework, bundle.diagrams[name], bundle.forms, filename=name,
                             deployed_by_id=deployed_by_id,
                             comment=comment, now=now, decisions=bundle.decisions)
        except DeploymentError as error:
            reasons = "; ".join(f"{p.element_id}: {p.message}" if p.element_id else p.message for p in error.problems)
            outcomes.append(FileOutcome(name, "refused", reasons))
        else:
            created = any(v.created for v in outcome.versions)
            outcomes.append(FileOutcome(name, "deployed" if created else "unchanged", outcome.message))
    return outcomes


def _callees_first(diagrams: dict[str, bytes]) -> list[str]:
    defines: dict[str, str] = {}
    calls: dict[str, set[str]] = {}
    for name, content in diagrams.items():
        try:
            root = parse_untrusted_xml(content)
        except UnsafeXmlError:
            calls[name] = set()  # refused with the reason when it is deployed
            continue
        for process in root.iterfind("bpmn:process", _NS):
            defines[process.get("id")] = name
        calls[name] = {c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", _NS)}
    ordered: list[str] = []

    def visit(name: str, path: set[str]) -> None:
        if name in ordered or name in path:
            return  # a cycle is refused by the deploy itself
        for called in sorted(calls[name]):
            if defines.get(called) not in (None, name):
                visit(defines[called], path | {name})
        ordered.append(name)

    for name in sorted(diagrams):
        visit(name, set())
    return ordered
