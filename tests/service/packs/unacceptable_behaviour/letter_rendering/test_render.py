"""Every kind of letter, in every format, tells the customer what the policy requires.

The checks read the PDF the customer gets, not the HTML, so they also catch
text that is lost or mangled on the way to paper.
"""

import dataclasses
import datetime
import functools
import io
import logging
import re
import shutil
from collections import Counter

import pdfplumber
import pypdf
import pytest
from bs4 import BeautifulSoup

from service.packs.unacceptable_behaviour.letter_rendering import LetterContext, LetterFormat, Signatory
from service.packs.unacceptable_behaviour.letter_rendering.render import (
    TEMPLATE_DIRECTORY,
    TEMPLATE_VERSION,
    TemplateVersionMismatch,
    render_html,
    render_pdf,
    template_version,
)
from tests.service.packs.unacceptable_behaviour.letter_rendering.examples import (
    BACKGROUND,
    EXAMPLES,
    EXPECTED_DATES,
    FORMATS,
    PROVIDER,
    TEXT,
    example,
)

REQUIRED_HEADINGS = (
    "The decision we have made",
    "Why we made this decision",
    "What this means for you",
    "How to appeal",
)
# Ending a restriction is not a decision against the customer: nothing to appeal, its own sections.
ENDED_HEADINGS = (
    "What has ended",
    "Why they have ended",
    "What this means for you",
    "If you disagree or have a question",
)


def headings_of(name: str) -> tuple[str, ...]:
    return ENDED_HEADINGS if name == "restriction_ended" else REQUIRED_HEADINGS

_FINAL_REVIEW = ("was the independent review of our decision", "there is no further internal appeal")

# What the "How to appeal" section must say differs by kind of letter.
APPEAL_ROUTES = {
    "decision": (
        "A Head of Service or a member of our Executive Team who was not part of the original decision",
        "You must appeal by 28 February 2026.",
        PROVIDER.email,
    ),
    "extension": (
        "A Head of Service or a member of our Executive Team who was not part of the original decision",
        "You must appeal by 17 February 2027.",
        PROVIDER.email,
    ),
    "appeal_upheld": _FINAL_REVIEW,
    "appeal_varied": _FINAL_REVIEW,
    "appeal_overturned": _FINAL_REVIEW,
    "restriction_ended": ("If you disagree with anything in this letter", PROVIDER.email),
}

every_letter = pytest.mark.parametrize(("name", "format_name"), [(n, f) for n in EXAMPLES for f in FORMATS])

# Repeated on every page, so it would split a paragraph that runs over a page break.
_PAGE_FURNITURE = re.compile(r"Page \d+ of \d+|•")


class RenderedLetter:
    """One rendered PDF, read once with pypdf for its text and, when needed, with pdfplumber."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        self.text = read_text(reader)
        self.font_names = {
            str(font.get_object()["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }

    @functools.cached_property
    def pages(self) -> list[dict]:
        """Each page's size, characters and filled rectangles (pdfplumber is slow, so only on demand)."""
        with pdfplumber.open(io.BytesIO(self.pdf)) as pdf:
            return [
                {
                    "width": page.width,
                    "height": page.height,
                    "chars": [(char["size"], char["non_stroking_color"]) for char in page.chars],
                    "fills": [rect for rect in page.rects if rect["fill"]],
                }
                for page in pdf.pages
            ]


def read_text(reader: pypdf.PdfReader) -> str:
    """Every page's text with page furniture removed and whitespace collapsed."""
    return " ".join(" ".join(_PAGE_FURNITURE.sub(" ", page.extract_text()).split()) for page in reader.pages)


@pytest.fixture(scope="module")
def rendered_letters():
    """Render each letter once per module: PDF rendering is the slow part."""
    cache: dict[tuple[str, str], RenderedLetter] = {}

    def rendered(name: str, format_name: str) -> RenderedLetter:
        if (name, format_name) not in cache:
            cache[name, format_name] = RenderedLetter(render_pdf(example(name, format_name)))
        return cache[name, format_name]

    return rendered


@pytest.fixture
def letter(rendered_letters, name, format_name) -> RenderedLetter:
    return rendered_letters(name, format_name)


@every_letter
def test_states_the_four_required_elements_in_order(letter, name):
    positions = [letter.text.find(heading) for heading in headings_of(name)]
    assert -1 not in positions, letter.text
    assert positions == sorted(positions)


@pytest.mark.parametrize("format_name", ["standard"])
@pytest.mark.parametrize("name", ["restriction_ended"])
def test_the_restriction_ended_letter_speaks_of_no_decision_and_no_appeal(letter):
    for words in ("The decision we have made", "Why we made this decision", "How to appeal", "appeal by"):
        assert words not in letter.text


@every_letter
def test_describes_every_restriction(letter, name):
    for restriction in EXAMPLES[name].restrictions:
        assert restriction.description in letter.text


@every_letter
def test_writes_the_dates_in_full(letter, name):
    for date_text in EXPECTED_DATES[name]:
        assert date_text in letter.text
    assert "in force for 12 months from the date of" in letter.text


@every_letter
def test_says_emergencies_can_always_be_reported(letter):
    assert (
        "You can always report an emergency or an urgent health and safety repair to us in any way, "
        f"including by phone on {PROVIDER.telephone}."
    ) in letter.text


@every_letter
def test_signposts_the_housing_ombudsman(letter):
    assert "The Housing Ombudsman Service is free and independent." in letter.text
    assert "You can contact the Housing Ombudsman at any time" in letter.text


@every_letter
def test_names_the_provider_the_customer_and_the_case(letter):
    for expected in (PROVIDER.name, PROVIDER.telephone, PROVIDER.email, *PROVIDER.address_lines):
        assert expected in letter.text
    assert "Case reference: UBP-2026-0042" in letter.text
    assert "Customer reference: CUST-1001" in letter.text
    # Shown exactly as written: escaped in the HTML, never read as markup.
    assert "Dear <b>O'Brien & Sons</b>" in letter.text


@every_letter
def test_explains_how_to_appeal(letter, name):
    appeal_section = letter.text[letter.text.index(headings_of(name)[-1]) :]
    for expected in APPEAL_ROUTES[name]:
        assert expected in appeal_section


@every_letter
def test_notes_a_requested_translation_at_the_top(letter, format_name):
    note = "Translation: A translation of this letter into Polish has been requested."
    if format_name == "coloured":
        assert letter.text.startswith(note)
    else:
        assert "Translation:" not in letter.text


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("appeal_upheld", "They have upheld the decision."),
        ("appeal_varied", "They have changed the decision."),
        ("appeal_overturned", "They have overturned the decision."),
        ("restriction_ended", "The restrictions on how you contact us have ended."),
    ],
)
@pytest.mark.parametrize("format_name", ["standard"])
def test_says_what_happened_to_the_restrictions(letter, name, says):
    assert says in letter.text
    if name in ("appeal_overturned", "restriction_ended"):
        assert "contact with us now returns to normal" in letter.text


@pytest.mark.parametrize("name", [name for name in EXAMPLES if name.startswith("appeal_")])
@pytest.mark.parametrize("format_name", ["standard"])
def test_names_the_reviewer_by_role_only(letter):
    assert "Our Director of Customer Services has reviewed that decision." in letter.text


@every_letter
def test_uses_one_embedded_sans_serif_font_and_no_italics(letter):
    # A missing font package would show up here as a fallback font.
    assert letter.font_names <= {"DejaVu-Sans", "DejaVu-Sans-Bold"}, letter.font_names


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("format_name", ["large_print"])
def test_large_print_is_at_least_16pt_with_larger_headings(letter):
    sizes = Counter(round(size, 1) for page in letter.pages for size, _ in page["chars"])
    assert min(sizes) >= 16, sizes
    assert sizes.most_common(1)[0][0] == 18
    assert max(sizes) > 18


# Size depends on the format, not the kind of letter, so one kind is enough here.
@pytest.mark.parametrize(("name", "format_name"), [("decision", "standard")])
def test_standard_print_is_12pt(letter):
    sizes = Counter(round(size, 1) for page in letter.pages for size, _ in page["chars"])
    assert sizes.most_common(1)[0][0] == 12


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("format_name", ["coloured"])
def test_coloured_paper_fills_every_page_in_the_requested_colours(letter):
    background, text = _pdf_colour(BACKGROUND), _pdf_colour(TEXT)
    for page in letter.pages:
        whole_page = [
            rect["non_stroking_color"]
            for rect in page["fills"]
            if rect["x0"] <= 0.5 and rect["top"] <= 0.5
            and rect["x1"] >= page["width"] - 0.5 and rect["bottom"] >= page["height"] - 0.5
        ]  # fmt: skip
        assert whole_page == [pytest.approx(background, abs=0.002)]
        assert all(colour == pytest.approx(text, abs=0.002) for _, colour in page["chars"])


def test_refuses_to_print_colours_that_are_hard_to_read():
    with pytest.raises(ValueError, match=r"contrast ratio of 1\.07:1"):
        LetterFormat("coloured", background_colour="#ffffff", text_colour="#ffff00")


def test_prints_the_dates_the_context_gives_on_a_leap_day():
    leap_day = dataclasses.replace(
        EXAMPLES["decision"],
        letter_date=datetime.date(2028, 2, 29),
        restriction_start=datetime.date(2028, 2, 29),
        restriction_end=datetime.date(2029, 2, 28),
        appeal_deadline=datetime.date(2028, 3, 28),
    )
    text = RenderedLetter(render_pdf(leap_day)).text
    assert "Date: 29 February 2028" in text
    assert "The restrictions start on 29 February 2028 and end on 28 February 2029." in text


def test_renders_without_weasyprint_warnings(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(example("decision", "coloured"))
    assert caplog.records == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_html_preview_is_self_contained_and_escaped(name):
    html = render_html(example(name))
    soup = BeautifulSoup(html, "html.parser")
    assert "<script" not in html.lower()
    assert soup.select("script, link, img, iframe, object, [src], [href]") == []
    assert "url(" not in html and "@import" not in html
    assert "&lt;b&gt;O&#39;Brien &amp; Sons&lt;/b&gt;" in html
    assert soup.find("b") is None
    assert soup.title.string == soup.h1.string
    assert [h2.string for h2 in soup.select("h2")][:4] == list(headings_of(name))
    assert soup.select_one('meta[name="template-version"]')["content"] == TEMPLATE_VERSION


@pytest.mark.parametrize("name", ["decision", "restriction_ended"])
def test_a_draft_is_marked_draft_on_every_page_and_a_sent_letter_never(name):
    large = dataclasses.replace(example(name, "large_print"))  # large print runs over several pages
    draft = pypdf.PdfReader(io.BytesIO(render_pdf(large, draft=True)))
    assert len(draft.pages) > 1
    assert all("DRAFT" in page.extract_text() for page in draft.pages)
    sent = pypdf.PdfReader(io.BytesIO(render_pdf(large)))
    assert not any("DRAFT" in page.extract_text() for page in sent.pages)


def test_a_letter_is_signed_by_the_named_officer_with_their_job_title():
    signed = dataclasses.replace(EXAMPLES["decision"], signatory=Signatory("Alex Patel", "Senior Caseworker"))
    text = RenderedLetter(render_pdf(signed)).text
    assert "Yours sincerely Alex Patel Senior Caseworker Selwood Housing" in text
    assert LetterContext.from_dict(signed.to_dict()) == signed


def test_preview_refuses_templates_other_than_the_installed_ones():
    assert render_html(example("decision"), template_version=TEMPLATE_VERSION)
    with pytest.raises(TemplateVersionMismatch):
        render_html(example("decision"), template_version="000000000000")


def test_template_version_changes_when_any_template_changes(tmp_path):
    copy = shutil.copytree(TEMPLATE_DIRECTORY, tmp_path / "letters")
    assert re.fullmatch(r"[0-9a-f]{12}", TEMPLATE_VERSION)
    assert template_version(copy) == TEMPLATE_VERSION
    stylesheet = copy / "components" / "letter.css"
    stylesheet.write_bytes(stylesheet.read_bytes() + b"\n")
    assert template_version(copy) != TEMPLATE_VERSION


def _pdf_colour(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
