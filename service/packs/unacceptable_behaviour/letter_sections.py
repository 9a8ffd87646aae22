"""What a letter step shows above its form (``Pack.task_briefs``): the letter it will send, previewed with its
PDF drafts; or, on "Attach the translated letter", the English original the translation goes with. And how
that step keeps the translation chosen for its file question (``Pack.file_questions``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from service.cases.case_file import TaskFile
from service.packs.registry import FileQuestions
from service.packs.unacceptable_behaviour import letter_preview, translations
from service.packs.unacceptable_behaviour.letter_plans import LETTER_TASKS
from service.people.actors import Actor

if TYPE_CHECKING:
    from service.casework import Casework

TEMPLATE = "packs/unacceptable_behaviour/task_letter.html"
TRANSLATION_EVENT = "translated_letter_sent"


@dataclass(frozen=True)
class LetterSection:
    kind = "letter"
    letter: letter_preview.TaskLetter
    task_id: str
    case_reference: str
    holder: bool  # whether the reader holds the task, so may make a draft


@dataclass(frozen=True)
class TranslationSection:
    kind = "translation"
    translation: translations.TranslationTask
    case_reference: str


def letter_section(casework: Casework, file: TaskFile) -> LetterSection | None:
    """The letter an open letter step will send; None once the step is done."""
    letter = letter_preview.task_letter(casework, file.task.id, casework.clock.now())
    return LetterSection(letter, file.task.id, file.summary.case.reference, file.held_by_you) if letter else None


def translation_section(casework: Casework, file: TaskFile) -> TranslationSection:
    return TranslationSection(translations.translation_task(casework, file.task.id), file.summary.case.reference)


def store_translation(casework: Casework, actor: Actor, task_id: str, question: str, filename: str,
                      stream: IO[bytes]) -> int:
    return translations.store_upload(casework, actor, task_id, question, filename, stream, casework.clock.now())


def attached_translation(casework: Casework, task_id: str) -> tuple[int, str] | None:
    attached = translations.translation_task(casework, task_id).attached
    return (attached.id, attached.filename) if attached else None


LETTER_SECTIONS = {
    **{event: (TEMPLATE, letter_section) for event in LETTER_TASKS},
    TRANSLATION_EVENT: (TEMPLATE, translation_section),
}
FILE_QUESTIONS = {TRANSLATION_EVENT: FileQuestions(store=store_translation, attached=attached_translation)}
