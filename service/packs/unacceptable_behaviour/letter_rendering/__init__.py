"""Customer letters under the Unacceptable Behaviour Policy: data in, HTML or PDF out."""

from service.packs.unacceptable_behaviour.letter_rendering.context import (
    AppealOutcome,
    FormatKind,
    LetterContext,
    LetterFormat,
    LetterKind,
    Recipient,
    RestrictionKind,
    RestrictionTerms,
    Signatory,
)

__all__ = [
    "AppealOutcome",
    "FormatKind",
    "LetterContext",
    "LetterFormat",
    "LetterKind",
    "Recipient",
    "RestrictionKind",
    "RestrictionTerms",
    "Signatory",
]
