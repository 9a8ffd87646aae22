"""Render a customer letter: a LetterContext in, HTML or PDF out.

Rendering is pure. The same context and TEMPLATE_VERSION always give the same
letter, so a stored letter can record both and be explained later.
"""

import datetime
import hashlib
from functools import cache
from pathlib import Path

import jinja2
import weasyprint

from service.packs.unacceptable_behaviour.letter_rendering.context import LetterContext, LetterKind
from service.resources import templates_dir

TEMPLATE_DIRECTORY = templates_dir() / "packs" / "unacceptable_behaviour" / "letters"

_TEMPLATE_FOR_KIND = {
    LetterKind.DECISION: "decision.html",
    LetterKind.APPEAL_OUTCOME: "appeal_outcome.html",
    LetterKind.RESTRICTION_ENDED: "restriction_ended.html",
    LetterKind.EXTENSION: "extension.html",
}

# Spelled out because strftime("%B") follows the process locale.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class TemplateVersionMismatch(ValueError):
    """The caller asked for templates other than the ones installed."""


def template_version(directory: Path = TEMPLATE_DIRECTORY) -> str:
    """A short SHA-256 over every template file's name and bytes."""
    digest = hashlib.sha256()
    for path in sorted(path for path in directory.rglob("*") if path.is_file()):
        # Length prefixes keep ("ab", "c") and ("a", "bc") from hashing alike.
        for part in (path.relative_to(directory).as_posix().encode(), path.read_bytes()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()[:12]


TEMPLATE_VERSION = template_version()


def long_date(value: datetime.date) -> str:
    """Write a date the way the letters do, for example "31 January 2027"."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def render_html(context: LetterContext, *, template_version: str | None = None, draft: bool = False) -> str:
    """The letter as a standalone HTML document: embedded CSS, no scripts, no external resources.

    A ``draft`` (a preview, or a PDF made while the letter task is open) carries a DRAFT watermark on
    every page, so it can never be mistaken for the letter sent.

    Pass the template_version a stored letter recorded to make sure a preview
    or re-render uses the same templates; a mismatch raises TemplateVersionMismatch.
    """
    if template_version is not None and template_version != TEMPLATE_VERSION:
        raise TemplateVersionMismatch(
            f"letter was rendered with templates {template_version}, "
            f"but the installed templates are {TEMPLATE_VERSION}"
        )
    template = _environment().get_template(_TEMPLATE_FOR_KIND[context.kind])
    return template.render(letter=context, template_version=TEMPLATE_VERSION, draft=draft)


def render_pdf(context: LetterContext, *, template_version: str | None = None, draft: bool = False) -> bytes:
    """The letter as a tagged PDF, made from exactly the HTML render_html returns."""
    html = render_html(context, template_version=template_version, draft=draft)
    # Letters never load anything; refusing every URL makes that a hard guarantee.
    no_fetching = weasyprint.urls.URLFetcher(allowed_protocols=(), fail_on_errors=True)
    return weasyprint.HTML(string=html, url_fetcher=no_fetching).write_pdf(pdf_tags=True)


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIRECTORY),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # TEMPLATE_VERSION was hashed once, so templates must not change under it.
        auto_reload=False,
    )
    environment.filters["long_date"] = long_date
    return environment
