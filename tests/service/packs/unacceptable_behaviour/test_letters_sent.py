"""Every letter the policy sends, in every agreed format, produced through the service from a real case.

Twelve cases (three per format) are driven through the casework services once for the module, on
SQLite: each letter is rendered once, when its task completes, and every test reads the PDF that
was stored. Between them the cases send every kind of letter: a decision, an appeal outcome
(upheld, overturned, varied), an extension after a review, and a restriction-ended letter. The
storage itself, and the refusal to change a sent letter, are checked on both databases in
``test_letters.py``.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import weasyprint

from service.cases.cases import complete_task, deliver_message, start_case
from service.cli import deploy_directory
from service.config import ROOT, Settings
from service.dao import tasks_dao, users_dao
from service.models import HumanTask
from service.packs.unacceptable_behaviour import letter_preview, translations
from service.packs.unacceptable_behaviour.models import Letter
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.people.actors import Actor
from service.processes import definitions as definition_cache
from service.processes import forms as form_cache
from service.runtime import build_runtime
from service.tasks import inbox_actions
from service.tasks.timers import fire_due_batch
from tests.bpmn import samples
from tests.conftest import START
from tests.service.conftest import _HASH, PEOPLE, keep_customers_on_record
from tests.service.packs.unacceptable_behaviour.letter_rendering.test_render import RenderedLetter, headings_of
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey
from workflows.clock import FrozenClock

FORMATS = ("standard", "large_print", "coloured", "translation")
LETTERS = ("decision", "appeal_upheld", "appeal_overturned", "appeal_varied", "extension", "restriction_ended")
SPOC = "Contact us only through your single point of contact: A. Patel, senior caseworker."
EMAIL_ONLY = "Contact us only by email."
VARIED = "Contact us only by email. As varied on appeal: Email on weekdays only."
# What each letter must say about the restrictions, and the exact sentence with its end date.
EXPECTED = {
    "decision": ((SPOC, EMAIL_ONLY), "The restrictions start on 2 March 2026 and end on 2 March 2027."),
    "appeal_upheld": ((SPOC, EMAIL_ONLY), "The restrictions started on 2 March 2026 and end on 2 March 2027."),
    "appeal_overturned": ((SPOC, EMAIL_ONLY), "The restrictions started on 2 March 2026 and ended on 10 March 2026."),
    "appeal_varied": ((VARIED,), "The restrictions started on 2 March 2026 and now end on 31 December 2026. "
                                 "They were due to end on 2 March 2027."),
    "extension": ((SPOC, EMAIL_ONLY), "They were due to end on 2 March 2027. They will now end on 2 February 2028."),
    "restriction_ended": ((SPOC, EMAIL_ONLY), "The restrictions started on 2 February 2027 and ended on "
                                              "2 February 2028."),
}
ADJUSTMENTS = {
    "standard": samples.adjustments(
        "formal_action_needed", customer_request="None needed.", adjustments_considered=["clear_warnings"],
        adjustments_offered=["clear_warnings"], adjustments_agreed=["clear_warnings"], letter_format="standard"),
    "large_print": samples.adjustments("formal_action_needed"),
    "coloured": samples.adjustments(
        "formal_action_needed", customer_request="Dark blue on cream paper.",
        adjustments_considered=["coloured_text"], adjustments_offered=["coloured_text"],
        adjustments_agreed=["coloured_text"], letter_format="coloured_text", paper_colour="cream",
        text_colour="dark_blue"),
    "translation": samples.adjustments_in_translation("formal_action_needed", "Polish"),
}
ATTACH_AFTER = {
    "Task_SendDecisionLetter": "Task_AttachDecisionTranslation",
    "Task_SendAppealOutcomeLetter": "Task_AttachAppealOutcomeTranslation",
    "Task_SendRestrictionEndedLetter": "Task_AttachEndedTranslation",
}


@dataclass
class Sent:
    """The letters sent on the cases, by (letter, format); each PDF read once."""

    english: dict[tuple[str, str], Letter] = field(default_factory=dict)
    translations: dict[tuple[str, str], Letter] = field(default_factory=dict)
    uploaded: bytes = b""
    previews: dict[int, dict] = field(default_factory=dict)
    _read: dict[int, RenderedLetter] = field(default_factory=dict)

    def read(self, name: str, format_name: str) -> RenderedLetter:
        letter = self.english[name, format_name]
        if letter.id not in self._read:
            self._read[letter.id] = RenderedLetter(letter.content)
        return self._read[letter.id]


class Driver:
    """Drives the twelve cases through the services, as staff would in the pages."""

    def __init__(self, runtime, people) -> None:
        self.runtime = runtime
        self.people = people
        self.uploaded = weasyprint.HTML(string="<p lang='pl'>Tłumaczenie listu.</p>").write_pdf()
        self.previews: dict[int, dict] = {}  # sent letter id -> what the task page previewed before it was sent

    def restricted(self, format_name: str) -> Journey:
        casey = self.people["casey"]
        started = start_case(self.runtime.casework, casey, samples.incident(), process_id=PROCESS_ID)
        journey = Journey(self.runtime, started.reference)
        journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
        journey.do(casey, "Task_OfferAdjustments", ADJUSTMENTS[format_name])
        journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
        journey.do(self.people["hana"], "Task_ApproveProposal", samples.approval("approve"))
        self.letter(journey, "casey", "Task_SendDecisionLetter", samples.decision_letter("2026-03-02"))
        return journey

    def letter(self, journey: Journey, username: str, element_id: str, answers: dict) -> None:
        """Send a letter; where a translation was asked for, attach it at the task that follows."""
        actor = self.people[username]
        previewed = letter_preview.preview(self.runtime.casework, journey.open_task().id, self.runtime.clock.now())
        journey.do(actor, element_id, answers)
        self.previews[journey.letters()[-1].id] = previewed.to_dict()
        waiting = [task for task in _open_tasks(self.runtime, journey) if task.element_id == ATTACH_AFTER[element_id]]
        if not waiting:
            return
        task = waiting[0]
        inbox_actions.claim(self.runtime.casework, actor, task.id)
        letter_id = translations.store_upload(self.runtime.casework, actor, task.id, "translated_letter", "list.pdf",
                                              io.BytesIO(self.uploaded), self.runtime.clock.now())
        today = self.runtime.clock.now().date().isoformat()
        complete_task(self.runtime.casework, actor, task.id, samples.translated_letter(today, str(letter_id)))

    def appeal(self, journey: Journey, outcome: str, **changes) -> None:
        deliver_message(self.runtime.casework, self.people["casey"], journey.reference, "appeal_received",
                                              samples.appeal_received("2026-03-10"))
        journey.do(self.people["henry"], "Task_HearAppeal", samples.appeal_decision(outcome, **changes))
        self.letter(journey, "henry", "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter",
                                                                                           "2026-03-10"))

    def at(self, year: int, month: int, day: int) -> None:
        self.runtime.clock.set(datetime(year, month, day, 0, 0, 1, tzinfo=UTC))
        fire_due_batch(self.runtime.casework)


def _open_tasks(runtime, journey: Journey) -> list[HumanTask]:
    with runtime.db.reading() as session:
        return [t for t in tasks_dao.list_tasks_of_case(session, journey.case().id) if t.status == "open"]


def _drive(runtime, people) -> Sent:
    driver = Driver(runtime, people)
    cases = {}
    for format_name in FORMATS:
        cases[format_name] = [driver.restricted(format_name) for _ in range(3)]
    driver.at(2026, 3, 10)
    for format_name in FORMATS:
        upheld, overturned, varied = cases[format_name]
        driver.appeal(upheld, "uphold")
        driver.appeal(overturned, "overturn")
        driver.appeal(varied, "vary", varied_interventions=["single_communication_method"],
                      varied_restrictions="Email on weekdays only.", appeal_end_date_changed="yes",
                      appeal_new_end_date="2026-12-31")
    driver.at(2027, 2, 2)  # a month before the end: the review extends the restriction
    for format_name in FORMATS:
        extended = cases[format_name][0]
        extended.do(people["hana"], "Task_ReviewRestriction", samples.review("extend"))
        driver.letter(extended, "casey", "Task_SendDecisionLetter", samples.decision_letter("2027-02-02"))
    driver.at(2028, 1, 2)
    for format_name in FORMATS:
        cases[format_name][0].do(people["hana"], "Task_ReviewRestriction", samples.review("lapse"))
    driver.at(2028, 2, 2)
    for format_name in FORMATS:
        driver.letter(cases[format_name][0], "casey", "Task_SendRestrictionEndedLetter",
                      samples.letter_sent("ended_letter", "2028-02-02"))
    return _collect(cases, driver)


def _collect(cases, driver: Driver) -> Sent:
    sent = Sent(uploaded=driver.uploaded, previews=driver.previews)
    names = {
        0: ("decision", "appeal_upheld", "extension", "restriction_ended"),
        1: ("decision", "appeal_overturned"),
        2: ("decision", "appeal_varied"),
    }
    for format_name, journeys in cases.items():
        for index, journey in enumerate(journeys):
            letters = [letter for letter in journey.letters() if letter.status == "sent"]
            english = [letter for letter in letters if letter.translation_of_id is None]
            assert len(english) == len(names[index]), [letter.kind for letter in english]
            for name, letter in zip(names[index], english, strict=True):
                sent.english.setdefault((name, format_name), letter)
                translated = [t for t in letters if t.translation_of_id == letter.id]
                if translated:
                    sent.translations.setdefault((name, format_name), translated[0])
    return sent


@pytest.fixture(scope="module")
def sent(migrated_sqlite, tmp_path_factory) -> Sent:
    path = tmp_path_factory.mktemp("letters-sent") / "ubp.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    settings = Settings(environment="testing", database_url=f"sqlite:///{path}", secret_key="test-secret-key",
                        secure_cookies=False, forms_dir=ROOT / "forms", bpmn_dir=ROOT / "bpmn")
    runtime = build_runtime(settings, FrozenClock(START))
    patch = pytest.MonkeyPatch()
    try:
        keep_customers_on_record(patch)
        deploy_directory(runtime, settings.bpmn_dir, settings.forms_dir, "tests")
        yield _drive(runtime, _people(runtime))
    finally:
        patch.undo()
        runtime.db.dispose()
        definition_cache.forget_all()
        form_cache.forget_all()


def _people(runtime) -> dict[str, Actor]:
    actors = {}
    with runtime.db.transaction() as session:
        for username, (name, roles) in PEOPLE.items():
            user = users_dao.add_user(session, username=username, full_name=name, password_hash=_HASH, roles=roles,
                                      job_title="", now=runtime.clock.now())
            actors[username] = Actor(user.id, tuple(user.roles), name)
    return actors


every_letter = pytest.mark.parametrize("format_name", FORMATS)
every_kind = pytest.mark.parametrize("name", LETTERS)


@every_kind
@every_letter
def test_every_letter_states_the_four_required_elements_in_order(sent, name, format_name):
    text = sent.read(name, format_name).text
    positions = [text.find(heading) for heading in headings_of(name)]
    assert -1 not in positions, text
    assert positions == sorted(positions)


@every_kind
@every_letter
def test_every_letter_names_the_customers_restrictions_and_the_exact_end_date(sent, name, format_name):
    text = sent.read(name, format_name).text
    restrictions, dates = EXPECTED[name]
    for restriction in restrictions:
        assert restriction in text
    assert dates in text


@every_kind
@every_letter
def test_every_letter_is_stored_as_sent_in_the_agreed_format(sent, name, format_name):
    letter = sent.english[name, format_name]
    kind = {"appeal_upheld": "appeal_outcome", "appeal_overturned": "appeal_outcome",
            "appeal_varied": "appeal_outcome"}.get(name, name)
    assert (letter.kind, letter.status, letter.media_type) == (kind, "sent", "application/pdf")
    assert letter.content.startswith(b"%PDF") and len(letter.sha256) == 64
    assert letter.rendered_from["kind"] == kind and letter.sent_by_id is not None and letter.sent_method
    assert letter.letter_format["kind"] == {"coloured": "coloured", "large_print": "large_print"}.get(
        format_name, "standard")
    assert letter.language == ("Polish" if format_name == "translation" else None)


@every_kind
@every_letter
def test_the_letter_sent_is_the_letter_the_task_previewed(sent, name, format_name):
    # Every letter here was sent on the day it was previewed, so the two must be the same letter.
    letter = sent.english[name, format_name]
    # A task no one held yet previews unsigned; as sent, the letter is signed by the person who sent it.
    previewed, signed_by = dict(sent.previews[letter.id]), letter.rendered_from["signatory"]
    assert previewed.pop("signatory") in (None, signed_by)
    assert previewed == {k: v for k, v in letter.rendered_from.items() if k != "signatory"}
    assert signed_by["name"] in ("Casey Worker", "Henry Head")


@every_kind
def test_large_print_is_at_least_16pt(sent, name):
    sizes = Counter(round(size, 1) for page in sent.read(name, "large_print").pages for size, _ in page["chars"])
    assert min(sizes) >= 16, sizes


@every_kind
def test_coloured_letters_are_printed_in_the_colours_agreed(sent, name):
    letter = sent.english[name, "coloured"]
    assert letter.letter_format == {"kind": "coloured", "background_colour": "#FFF8DC", "text_colour": "#002060"}
    dark_blue = (0, 0x20 / 255, 0x60 / 255)
    for page in sent.read(name, "coloured").pages:
        assert all(colour == pytest.approx(dark_blue, abs=0.002) for _, colour in page["chars"])


@every_kind
def test_a_translation_is_asked_for_attached_and_kept_beside_the_english_original(sent, name):
    english = sent.english[name, "translation"]
    assert sent.read(name, "translation").text.startswith(
        "Translation: A translation of this letter into Polish has been requested.")
    translated = sent.translations[name, "translation"]
    assert (translated.status, translated.kind, translated.language) == ("sent", english.kind, "Polish")
    assert translated.translation_of_id == english.id and translated.content == sent.uploaded
    assert translated.sent_method == "post" and translated.task_id is not None
    assert english.status == "sent" and english.content.startswith(b"%PDF")


def test_letters_in_other_formats_ask_for_no_translation(sent):
    assert {format_name for _, format_name in sent.translations} == {"translation"}
    assert "Translation:" not in sent.read("decision", "large_print").text
