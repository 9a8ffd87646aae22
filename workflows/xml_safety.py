"""Parse untrusted XML (BPMN uploads) with entity expansion, DTDs and network access off."""

from __future__ import annotations

import re

from lxml import etree

MAX_BPMN_BYTES = 2 * 1024 * 1024
# Deeper than any diagram a modeler draws; deep enough nesting makes parsers and walkers recurse.
MAX_DEPTH = 60
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NOT_UTF8 = "The file is not UTF-8 text. Save it as UTF-8 (the modeler's default) and upload it again."


class UnsafeXmlError(ValueError):
    """The XML was refused before or while parsing; the message is safe to show."""


def parse_untrusted_xml(content: bytes, *, max_bytes: int = MAX_BPMN_BYTES) -> etree._Element:
    if len(content) > max_bytes:
        raise UnsafeXmlError(f"The file is larger than the limit of {max_bytes // 1024} KB.")
    _refuse_other_encodings(content)
    # BPMN never needs a document type declaration: refusing any DOCTYPE, anywhere in the file,
    # closes off entity expansion (billion laughs) and external entities before libxml2 sees them.
    lowered = content.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise UnsafeXmlError("The file declares a DOCTYPE or entities, which BPMN files never need.")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise UnsafeXmlError(f"The file is not well-formed XML: {error.msg}") from None
    if root is None:
        raise UnsafeXmlError("The file is empty.")
    if _depth(root) > MAX_DEPTH:
        raise UnsafeXmlError(f"The file nests elements more than {MAX_DEPTH} deep; no diagram needs that.")
    return root


def _refuse_other_encodings(content: bytes) -> None:
    """UTF-8 only: other encodings (ISO-8859-1, UTF-16 ...) get a plain message, not a parse error."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in content[:200]:
        raise UnsafeXmlError(_NOT_UTF8)
    declared = _DECLARED_ENCODING.match(content.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise UnsafeXmlError(_NOT_UTF8)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafeXmlError(_NOT_UTF8) from None


def _depth(root: etree._Element) -> int:
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest
