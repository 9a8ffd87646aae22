"""What a customer letter is rendered from.

Everything here is plain data, so a stored letter can keep "the data it was
rendered from" as JSON beside the PDF and be rendered again from it. The
context supplies every date; templates only format them.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Mapping
from typing import Any

from service.config import Provider
from service.packs.unacceptable_behaviour.letter_rendering.colour import check_readable, parse_hex_colour

# Bump when a field changes meaning, and teach from_dict to read the old shape.
SCHEMA_VERSION = 1


class LetterKind(enum.StrEnum):
    DECISION = "decision"
    APPEAL_OUTCOME = "appeal_outcome"
    RESTRICTION_ENDED = "restriction_ended"
    EXTENSION = "extension"


class AppealOutcome(enum.StrEnum):
    """What the independent reviewer did with the original decision."""

    UPHELD = "upheld"  # the decision and its restrictions stand
    OVERTURNED = "overturned"  # the restrictions are removed
    VARIED = "varied"  # the restrictions or their dates change


class RestrictionKind(enum.StrEnum):
    """The management interventions listed in the policy."""

    SINGLE_POINT_OF_CONTACT = "single_point_of_contact"
    SINGLE_COMMUNICATION_METHOD = "single_communication_method"
    NO_FURTHER_CONTACT_ON_MATTER = "no_further_contact_on_matter"
    SPECIFIED_MATTERS_OR_TIMES = "specified_matters_or_times"
    NOMINATED_REPRESENTATIVE = "nominated_representative"
    POLICE_INVOLVEMENT = "police_involvement"
    SAFEGUARDING_ALERT = "safeguarding_alert"
    TENANCY_ACTION = "tenancy_action"


class FormatKind(enum.StrEnum):
    STANDARD = "standard"
    LARGE_PRINT = "large_print"
    COLOURED = "coloured"


@dataclasses.dataclass(frozen=True)
class Recipient:
    customer_name: str
    customer_reference: str
    address_lines: tuple[str, ...]

    def __post_init__(self) -> None:
        _freeze_texts(self, "address_lines")
        _require_text(self, "customer_name", "customer_reference")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipient:
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class Signatory:
    """The named officer who signs the letter: the person who sent it, with their job title."""

    name: str
    job_title: str

    def __post_init__(self) -> None:
        _require_text(self, "name", "job_title")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Signatory:
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class RestrictionTerms:
    """One restriction, described in plain English for the customer.

    For example: kind single_point_of_contact, description "Your single point
    of contact is Sam Patel. Please send everything to Sam."
    """

    kind: RestrictionKind
    description: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", RestrictionKind(self.kind))
        _require_text(self, "description")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RestrictionTerms:
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class LetterFormat:
    """How the customer asked to receive letters (a reasonable adjustment)."""

    kind: FormatKind = FormatKind.STANDARD
    background_colour: str | None = None  # "#rrggbb", coloured paper only
    text_colour: str | None = None  # "#rrggbb", coloured paper only
    language: str | None = None  # set when a translation has been requested

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FormatKind(self.kind))
        colours = (self.background_colour, self.text_colour)
        if self.kind is FormatKind.COLOURED:
            if None in colours:
                raise ValueError("a coloured letter needs both a background colour and a text colour")
            parse_hex_colour(self.background_colour)
            parse_hex_colour(self.text_colour)
            check_readable(self.background_colour, self.text_colour)
        elif colours != (None, None):
            # Refuse rather than silently print colours the format would ignore.
            raise ValueError(f"only coloured letters take colours, not {self.kind} letters")
        if self.language is not None:
            object.__setattr__(self, "language", self.language.strip())
            _require_text(self, "language")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LetterFormat:
        return cls(**data)


# Fields only some kinds of letter use: (must be set, may be set) for each kind.
# Anything else must be None, so no data is silently left out of a letter.
_KIND_FIELDS: dict[LetterKind, tuple[frozenset[str], frozenset[str]]] = {
    LetterKind.DECISION: (frozenset({"appeal_deadline"}), frozenset()),
    LetterKind.EXTENSION: (frozenset({"appeal_deadline", "previous_end_date"}), frozenset()),
    LetterKind.APPEAL_OUTCOME: (
        frozenset({"appeal_outcome", "reviewer_role"}),
        frozenset({"previous_end_date"}),
    ),
    LetterKind.RESTRICTION_ENDED: (frozenset(), frozenset({"previous_end_date"})),
}
_PER_KIND_FIELDS = ("appeal_deadline", "appeal_outcome", "reviewer_role", "previous_end_date")
_DATE_FIELDS = ("letter_date", "restriction_start", "restriction_end", "appeal_deadline", "previous_end_date")


@dataclasses.dataclass(frozen=True)
class LetterContext:
    """Everything one letter says.

    reasons: why the decision this letter tells the customer about was made
        (the restriction, the appeal outcome, the extension or the ending).
    what_it_means: what the decision means for the customer, beyond the
        restrictions themselves.
    restriction_end: the end date in force after this letter: for an extension,
        the new end date; for an overturned or ended restriction, the day it ended.
    previous_end_date: the end date this letter replaces, when it changes one.
    reviewer_role: the independent reviewer's role title; letters never need a name.
    signatory: the officer who signs the letter (letters stored before it existed have none).
    """

    kind: LetterKind
    case_reference: str
    letter_date: datetime.date
    recipient: Recipient
    provider: Provider  # the housing provider that sends it, from configuration
    restrictions: tuple[RestrictionTerms, ...]
    reasons: tuple[str, ...]
    what_it_means: tuple[str, ...]
    restriction_start: datetime.date
    restriction_end: datetime.date
    letter_format: LetterFormat = LetterFormat()
    appeal_deadline: datetime.date | None = None
    appeal_outcome: AppealOutcome | None = None
    reviewer_role: str | None = None
    previous_end_date: datetime.date | None = None
    signatory: Signatory | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LetterKind(self.kind))
        if self.appeal_outcome is not None:
            object.__setattr__(self, "appeal_outcome", AppealOutcome(self.appeal_outcome))
        object.__setattr__(self, "restrictions", tuple(self.restrictions))
        _freeze_texts(self, "reasons", "what_it_means")
        _require_text(self, "case_reference")
        if not self.restrictions or not self.reasons:
            raise ValueError("a letter must list its restrictions and the reasons for the decision")
        self._check_kind_fields()
        self._check_dates()

    def _check_dates(self) -> None:
        for name in _DATE_FIELDS:
            value = getattr(self, name)
            # A datetime would serialise with a time and not round-trip as a date.
            if value is not None and type(value) is not datetime.date:
                raise ValueError(f"{name} must be a datetime.date, got {value!r}")
        # A restriction overturned on appeal the day it started ended that same day.
        lifted_at_once = self.appeal_outcome is AppealOutcome.OVERTURNED
        if self.restriction_end < self.restriction_start or (
                self.restriction_end == self.restriction_start and not lifted_at_once):
            raise ValueError("restriction_end must be after restriction_start")
        if self.appeal_deadline is not None and self.appeal_deadline <= self.letter_date:
            raise ValueError("appeal_deadline must be after letter_date")
        if self.kind is LetterKind.EXTENSION and self.previous_end_date >= self.restriction_end:
            raise ValueError("an extension's restriction_end must be after previous_end_date")

    def _check_kind_fields(self) -> None:
        required, optional = _KIND_FIELDS[self.kind]
        for name in _PER_KIND_FIELDS:
            is_set = getattr(self, name) is not None
            if name in required and not is_set:
                raise ValueError(f"a {self.kind} letter needs {name}")
            if is_set and name not in required | optional:
                raise ValueError(f"a {self.kind} letter does not use {name}")
        if self.reviewer_role is not None:
            _require_text(self, "reviewer_role")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO strings, enums as their values."""
        return {"schema_version": SCHEMA_VERSION, **_to_json(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LetterContext:
        fields = dict(data)
        version = fields.pop("schema_version", None)
        if version != SCHEMA_VERSION:
            raise ValueError(f"cannot read letter context schema version {version!r}")
        fields["recipient"] = Recipient.from_dict(fields["recipient"])
        fields["provider"] = Provider(**fields["provider"])
        fields["restrictions"] = tuple(RestrictionTerms.from_dict(item) for item in fields["restrictions"])
        fields["letter_format"] = LetterFormat.from_dict(fields["letter_format"])
        if fields.get("signatory") is not None:
            fields["signatory"] = Signatory.from_dict(fields["signatory"])
        for name in _DATE_FIELDS:
            if fields.get(name) is not None:
                fields[name] = datetime.date.fromisoformat(fields[name])
        return cls(**fields)


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {field.name: _to_json(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _freeze_texts(instance: object, *names: str) -> None:
    # Callers may pass lists (for example straight from JSON); frozen data keeps tuples.
    for name in names:
        values = tuple(getattr(instance, name))
        if not all(isinstance(value, str) and value.strip() for value in values):
            raise ValueError(f"{name} must be a list of non-empty strings")
        object.__setattr__(instance, name, values)


def _require_text(instance: object, *names: str) -> None:
    for name in names:
        value = getattr(instance, name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must be a non-empty string")
