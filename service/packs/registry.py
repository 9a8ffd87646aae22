"""The lookup tables through which a pack tells the platform what its process needs.

In the style of SpiffWorkflow's parser and serializer registries: the platform never imports a pack;
it asks ``pack_for(process_id)`` and gets a ``Pack`` (or ``None``: a process with no pack runs on the
platform's generic pages alone). Each field is optional; the platform's default applies when unset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, case, func, literal, null


@dataclass(frozen=True)
class GroupSeed:
    """A group the pack's diagrams name, made (empty) when one of its processes is deployed."""

    name: str
    label: str
    description: str = ""
    # Whether its members manage work (the platform's WORK_MANAGER: reassign tasks, see the team's cases, the
    # workload and every overdue task, hand work over).
    manages_work: bool = False


@dataclass(frozen=True)
class FileQuestions:
    """A file chosen for a step's file question is kept when the form is posted, before the step completes, and
    the question is answered with the kept file's id (so a form sent back with problems keeps its file)."""

    store: Callable[..., int]  # (casework, actor, task_id, question, filename, stream) -> the kept file's id
    attached: Callable[..., tuple[int, str] | None]  # (casework, task_id) -> (id, filename) kept so far, or None


@dataclass(frozen=True)
class DataSubjects:
    """The people a pack keeps records about (a customer), as the platform's data protection page finds them."""

    search: Callable[..., list[tuple[str, str]]]  # (casework, text) -> (reference, name) of each match
    endpoint: str  # the pack's data protection page about one of them (it takes ``reference``)
    heading: str  # the data protection page's section, e.g. "Subject access, correction and erasure"
    label: str  # what the search takes, e.g. "Customer reference or name"
    hint: str  # e.g. "Find the customer whose records you need to export, correct or erase."
    button: str  # e.g. "Find the customer"
    none_found: str  # e.g. "No customer matches"


@dataclass(frozen=True)
class NoticeText:
    """What one of a pack's notices says, and how a person chooses it. The subject and the opening may name
    ``{case}`` (its reference), ``{task}``, ``{due}``, ``{person}`` and the notice's own detail fields."""

    subject: str  # the email's subject, e.g. "Restriction review coming up on case {case}"
    opening: str  # the email's first paragraph
    choice: str  # the words beside its checkbox on the notification settings page ("... on a case I hold ...")
    webhook: bool = False  # whether it is also posted to the organisation's webhook, when one is configured


@dataclass(frozen=True)
class ScheduledNotice:
    """A notice a pack's scan finds due (``Pack.notice_scans``), for the people holding the case. Written once:
    a notice whose key is already in the outbox is not written again, however often the worker looks."""

    kind: str  # one of the pack's ``notice_texts``
    case_id: int
    dedupe_key: str  # unique in the outbox, e.g. "review_due:<case id>:<end date>"
    detail: Mapping[str, Any] = field(default_factory=dict)  # the fields its texts name, e.g. {"ends_on": "..."}


@dataclass(frozen=True)
class CaseSubject:
    """Who (or what) a pack's cases are about: the policy's customer. The platform shows it beside each case
    (caption, inbox, case search, API) without knowing what it is."""

    # What the platform calls it: a column heading, a label ("Customer").
    noun: str
    # The subject of one case: ``(session, case) -> an object with .reference and .name``, or None.
    load: Callable[..., Any]
    # For listings in one query: ``(select over Case) -> (the select outer-joined to the subject, its reference
    # column, its name column)``; a case without a subject reads NULL in both.
    columns: Callable[[Select], tuple[Select, Any, Any]]
    # At a start, before the diagram runs: ``(session, answers, start_fields, now) -> (link, more start data)``,
    # where ``link(case)`` ties the new Case row to its subject (called once the row exists) and the start data
    # goes to the diagram with the answers. It may refuse the start by raising InvalidInput.
    start: Callable[..., tuple[Callable[[Any], None], Mapping[str, Any]]]
    # The pack's page for a subject (it takes ``reference``), linked wherever the platform shows one.
    endpoint: str | None = None
    # The key of the ``{"reference", "name"}`` object the API's case carries for it.
    api_field: str = "subject"


@dataclass(frozen=True)
class SubjectSummary:
    """A case's subject as the platform shows it: the noun, reference and name, and the pack's page for it."""

    noun: str
    reference: str
    name: str
    endpoint: str | None = None
    api_field: str = "subject"


@dataclass(frozen=True)
class SubjectColumns:
    """A select over Case joined to every registered pack's subject (no join when no pack has one), with the
    subject's reference and name and the pack whose subject it is (NULL for a case without one)."""

    query: Select
    reference: Any
    name: Any
    pack: Any


@dataclass(frozen=True)
class PackRetention:
    """A pack's configurable retention policy: how long its closed cases are kept, set by one environment
    variable that the runtime reads and the pack parses once, when the runtime is built (``Casework.pack_settings``
    holds the parsed policy by the variable's name)."""

    # The environment variable that sets it, e.g. "RETENTION_POLICY".
    setting: str
    # ``(the variable's text, or None when it is unset) -> the policy`` (unset: the pack's defaults). Raises
    # ValueError saying in one line what is wrong; start-up then stops with ``<setting>: <that line>``.
    parse: Callable[[str | None], Any]
    # ``(policy) -> [data_protection.periods.Rule]``: the rules the data protection page lists, in order.
    rules: Callable[[Any], Sequence[Any]]
    # ``(session, policy, {case id: the day it closed}) -> {case id: data_protection.periods.Retention}``: the
    # rule that keeps each of the pack's closed cases and the day it falls due.
    retentions: Callable[..., Mapping[int, Any]]


@dataclass(frozen=True)
class Pack:
    name: str
    process_ids: tuple[str, ...]
    title: str = ""
    groups: tuple[GroupSeed, ...] = ()
    # Lane name -> groups, for the pack's own lane names (a lane may also carry a candidateGroups property).
    lane_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The endpoint of the pack's own start page (else the platform's generic start form).
    start_endpoint: str | None = None
    # The pack's panels on the platform's case page, in order. A panel template defines any of these macros,
    # each called with the case file and the pack's case view (``case_view``): ``banner(file, view)`` above
    # the case's heading (a warning before anyone contacts the customer), ``actions(file, view)`` among the
    # case's buttons, ``panel(file, view)`` among its sections (h2 headings), before what was entered.
    case_panels: tuple[str, ...] = ()
    # What the case page's panels read that the platform's case file does not hold: a loader
    # ``(casework, case) -> view`` (``case`` a Case row), called once per case page; None: the view is None.
    case_view: Callable[..., Any] | None = None
    # Templates included in the case summary beside a task, in order: each defines ``panel(summary)`` and may
    # define ``banner(summary)``, shown above a task's or a case form's heading.
    summary_panels: tuple[str, ...] = ()
    # The pack's records that its summary panels, briefs and pages read beside a task: a loader
    # ``(session, case, version, definition) -> records``, called inside the summary's own read; the summary
    # holds the result as ``records`` (None when unset).
    summary_records: Callable[..., Any] | None = None
    # The pack's own page for recording a message a case waits for: message name -> (endpoint, button
    # words); the case page's button goes there instead of the platform's generic message form.
    message_pages: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # What the case page says each person did: the role a step records (``recordsActor``) -> words
    # ("opener" is whoever started the case); and, where the answer decides it, question -> answer -> words.
    role_words: Mapping[str, str] = field(default_factory=dict)
    decision_words: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Who may read the pack's cases (roles or groups); empty: anyone who works on tasks, and auditors.
    case_readers: tuple[str, ...] = ()
    # The reference prefix when the process declares none (``caseReferencePrefix`` property).
    reference_prefix: str | None = None
    # Whether the compliance report and the policy figures read this pack's cases (its rules are the policy's).
    compliance_report: bool = False
    # The pack's own pages for auditors, listed on the audit start page: (endpoint, link text, what it shows).
    audit_pages: tuple[tuple[str, str, str], ...] = ()
    # Extra deploy checks: (definition, known case events) -> problems, run for the pack's processes.
    deploy_checks: tuple[Callable[..., list[Any]], ...] = ()
    # Lanes whose new tasks go straight to whoever did the case's last task in that lane (continuity: one
    # caseworker carries a case), given rather than claimed so that others can still take them over.
    continuity_lanes: tuple[str, ...] = ()
    # What a step shows above its form, by the step's case event (what a decision-maker decides on, the letter
    # the step sends): (a template with a ``brief(view)`` macro, a loader ``(casework, task_file) -> view``, or
    # None when there is nothing to show, e.g. once the step is done).
    task_briefs: Mapping[str, tuple[str, Callable[..., Any]]] = field(default_factory=dict)
    # How a step keeps the file chosen for a file question (``x-widget: file``), by the step's case event.
    file_questions: Mapping[str, FileQuestions] = field(default_factory=dict)
    # Checks before a message reaches one of the pack's cases: (session, case, message name) -> None; a check
    # refuses the message by raising a Conflict (the policy hears one appeal per decision).
    message_checks: tuple[Callable[..., None], ...] = ()
    # Notices queued when a message reaches one of the pack's cases: message name -> notice event name.
    message_notices: Mapping[str, str] = field(default_factory=dict)
    # What to say when a case is not waiting for a message: message name -> words (else the platform's).
    not_waiting: Mapping[str, str] = field(default_factory=dict)
    # Words the platform's pages may show for this pack's cases (e.g. "start_label": "Record an incident").
    wording: Mapping[str, str] = field(default_factory=dict)
    # The pack's own pages, API routes and template filters: the dotted name of a module whose
    # ``init_app(app)`` adds them. Named, not imported, because the pack is registered before the web
    # layer exists; the app factory imports it after the platform's own blueprints (``web_modules``).
    web_module: str | None = None
    # Whether this pack's (first) process is the one ``POST /api/v1/cases`` starts when the request names no
    # process (``?process=``): the installation's main process, for clients written before there were others.
    default_start: bool = False
    # --- data protection ---
    # What holds some of the pack's closed cases back from the retention sweep, besides a legal hold:
    # ``(session, cases) -> {case id: words for the schedule}`` (a case not named is not held).
    retention_holds: Callable[..., Mapping[int, str]] | None = None
    # Why one of the pack's cases cannot be anonymised now, besides the platform's reasons (still open, on
    # legal hold): ``(session, case) -> reasons, in words for the page`` (empty: none).
    anonymisation_refusals: Callable[..., list[str]] | None = None
    # What anonymising one of the pack's cases also does to the pack's own records, in the same transaction
    # and after the platform's: ``(session, case, now) -> None``.
    anonymise_records: Callable[..., None] | None = None
    # The pack's data protection pages about the people its cases are about, found from the platform's data
    # protection page (which lists nothing about them when no pack has these).
    data_subjects: DataSubjects | None = None
    # --- notifications, demo data and the menu ---
    # The pack's notices nobody's step causes, found each round of the worker: scans
    # ``(session, now) -> [ScheduledNotice]``, run inside the transaction that writes what they find.
    notice_scans: tuple[Callable[..., Any], ...] = ()
    # What the pack's notices say and how a person chooses them: notice event name -> NoticeText (the events of
    # ``message_notices``, of the pack's own steps, and of its ``notice_scans``).
    notice_texts: Mapping[str, NoticeText] = field(default_factory=dict)
    # Demo data for ``make run``, made through the casework services after the platform's demo people:
    # ``(casework, people) -> lines to print`` (``people``: username -> Actor); called when there are no cases.
    demo: Callable[..., Any] | None = None
    # The pack's own entries in the menu, after "Start a case": (endpoint, label, roles that see it).
    menu: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # --- letters and dates ---
    # The pack's headline figures on the audit start page, after the platform's case counts: a loader
    # ``(session) -> [(label, number)]``, called inside the start page's own read.
    audit_figures: Callable[..., list[tuple[str, int]]] | None = None
    # Answers the pack keeps outside its cases' tasks (the policy's incident forms), read with the tasks' answers
    # as what the case's earlier steps answered (carried-forward questions, ``carried_answers``): a loader
    # ``(session, case_id) -> [(when, answers)]``, oldest first.
    record_answers: Callable[..., Sequence[tuple[Any, Mapping[str, Any]]]] | None = None
    # The pack's own dates its date rules (``date_rules``) measure a form's answers against: a loader
    # ``(session, case) -> the pack's dates object``, which the rules read as ``CaseDates.pack`` beside the
    # platform's (now, the opening day, the earlier answers); called only when a form names a date rule.
    case_dates: Callable[..., Any] | None = None
    # --- the case's subject (who a case is about: the policy's customer), and what the case API and history add ---
    # What the API's case adds for the pack's cases: a loader ``(session, case) -> more JSON fields`` (``case`` a
    # Case row), called inside the case's own read.
    case_api_extras: Callable[..., Mapping[str, Any]] | None = None
    # Who the pack's cases are about (``CaseSubject``: noun, loader, listing columns, start hook, page, API key);
    # None: its cases are about no one the platform shows.
    subject: CaseSubject | None = None
    # How the OpenAPI document describes the fields ``case_api_extras`` adds: a JSON schema object, added to the
    # CaseDetail schema (the schemas it refers to come with the pack's API routes, ``add_api_blueprint``).
    case_api_schema: Mapping[str, Any] | None = None
    # The pack's sections at the end of the auditors' case history (the policy's letters), in order: templates
    # each with a ``panel(history, view)`` macro; ``history_view`` loads what they read: ``(session, case) ->
    # view`` (``case`` a Case row), called inside the history's own read; None: the view is None.
    history_panels: tuple[str, ...] = ()
    history_view: Callable[..., Any] | None = None
    # --- date rules ---
    # The date rules the forms of the pack's processes may name (``x-date-rule``): rule name ->
    # ``processes.date_rules.DateRule``, whose ``check(field, value, answers, dates, reason field)`` yields
    # (field, message) problems, ``dates`` a ``CaseDates`` (its ``pack`` what ``case_dates`` read). Empty: a form
    # of the pack's may name none.
    date_rules: Mapping[str, Any] = field(default_factory=dict)
    # --- the timeline's words ---
    # What the case's timeline says for some events, in the pack's words, instead of the platform's: event type
    # ("case_started") or ``message_received:<message name>`` -> words.
    timeline_words: Mapping[str, str] = field(default_factory=dict)
    # How the timeline names the pack's groups ("... is ready for caseworkers"): group name -> words.
    group_words: Mapping[str, str] = field(default_factory=dict)
    # The pack's own events that record another answer to the start form (the policy's further incidents): shown
    # with the start form, and kept apart from the case's data in its history.
    start_form_events: tuple[str, ...] = ()
    # --- who may do what ---
    # What the platform calls the pack's roles where it lists the roles someone acted in (the auditors' case
    # history): role or group name -> words, e.g. {"head_of_service": "Head of Service"}.
    role_titles: Mapping[str, str] = field(default_factory=dict)
    # Who may send a message of the pack's processes whose catch event names no ``candidateGroups``, instead of
    # the platform's default (anyone who works on tasks): message name -> groups. It keeps a rule for versions
    # deployed before their diagram named the groups (the policy's appeal, caseworkers only).
    message_senders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # --- retention ---
    # The pack's configurable retention policy (``PackRetention``: its setting, the parser of the setting's text,
    # the rules the data protection page lists, and ``retentions(session, policy, {case id: closed on}) ->
    # {case id: Retention}``). None: each of its closed cases is kept for its process's ``retentionPeriod``.
    retention: PackRetention | None = None


_BY_PROCESS: dict[str, Pack] = {}
_BY_NAME: dict[str, Pack] = {}


def register(pack: Pack) -> None:
    """Add (or replace, so that registering twice is harmless) a pack and its processes."""
    old = _BY_NAME.get(pack.name)
    for process_id in old.process_ids if old else ():
        _BY_PROCESS.pop(process_id, None)
    clash = [p for p in pack.process_ids if p in _BY_PROCESS]
    if clash:
        raise ValueError(f"The process {clash[0]!r} already belongs to the pack {_BY_PROCESS[clash[0]].name!r}.")
    _BY_NAME[pack.name] = pack
    for process_id in pack.process_ids:
        _BY_PROCESS[process_id] = pack


def pack_for(process_id: str | None) -> Pack | None:
    return _BY_PROCESS.get(process_id or "")


def packs() -> Mapping[str, Pack]:
    return MappingProxyType(dict(_BY_NAME))


def web_modules() -> tuple[str, ...]:
    """The modules that add each registered pack's pages, in the order the packs were registered; each once,
    though two packs name it (a pack made from another by ``dataclasses.replace``, as tests do)."""
    return tuple(dict.fromkeys(pack.web_module for pack in _BY_NAME.values() if pack.web_module))


def data_subjects() -> tuple[DataSubjects, ...]:
    """The data protection searches of the packs that keep records about people (``Pack.data_subjects``), each
    once, in the order the packs were registered."""
    return tuple(dict.fromkeys(p.data_subjects for p in _BY_NAME.values() if p.data_subjects))


def retentions() -> tuple[PackRetention, ...]:
    """The registered packs' retention policies (``Pack.retention``), each once, in the order the packs were
    registered."""
    return tuple(dict.fromkeys(p.retention for p in _BY_NAME.values() if p.retention))


def retention_settings() -> Mapping[str, Callable[[str | None], Any]]:
    """The settings of the registered packs' retention policies (``Pack.retention``): name -> its parser."""
    return MappingProxyType({retention.setting: retention.parse for retention in retentions()})


def subject_of(session, case, process_id: str | None) -> SubjectSummary | None:
    """The subject of ``case`` (of ``process_id``), by its pack's loader; None when it has none."""
    pack = pack_for(process_id)
    subject = pack.subject if pack else None
    found = subject.load(session, case) if subject else None
    if found is None:
        return None
    return SubjectSummary(subject.noun, found.reference, found.name, subject.endpoint, subject.api_field)


def listed_subject(pack_name: str | None, reference: str | None, name: str | None) -> SubjectSummary | None:
    """A subject as a listing read it (``subject_columns``: the pack's name, the reference and the name)."""
    pack = _BY_NAME.get(pack_name or "")
    subject = pack.subject if pack else None
    if subject is None or reference is None:
        return None
    return SubjectSummary(subject.noun, reference, name or "", subject.endpoint, subject.api_field)


def subject_columns(query: Select) -> SubjectColumns:
    """``query`` (a select over Case) joined to each registered pack's subject, for listings that show it in
    one query. With several packs, a case's subject is the first found (packs sharing one subject join it once,
    named by the first of them); with none, nothing is joined."""
    references, names, whens = [], [], []
    subjects: dict[CaseSubject, str] = {}
    for pack in _BY_NAME.values():
        if pack.subject:
            subjects.setdefault(pack.subject, pack.name)
    for subject, pack_name in subjects.items():
        query, reference, name = subject.columns(query)
        references.append(reference)
        names.append(name)
        whens.append((reference.is_not(None), literal(pack_name)))
    if not whens:
        return SubjectColumns(query, null(), null(), null())
    if len(whens) == 1:
        return SubjectColumns(query, references[0], names[0], case(*whens, else_=null()))
    return SubjectColumns(query, func.coalesce(*references), func.coalesce(*names), case(*whens, else_=null()))


def subject_noun() -> str | None:
    """What listings call the subjects of every registered pack ("Customer"); None when no pack has one."""
    nouns = dict.fromkeys(pack.subject.noun for pack in _BY_NAME.values() if pack.subject)
    return " or ".join(nouns) or None


def subject_fields() -> Mapping[str, str]:
    """Each registered pack's subject key in the API's case (``CaseSubject.api_field``) -> its noun."""
    return {pack.subject.api_field: pack.subject.noun for pack in _BY_NAME.values() if pack.subject}


def audit_pages() -> tuple[tuple[str, str, str], ...]:
    """Every registered pack's pages for auditors (``Pack.audit_pages``), each once."""
    return tuple(dict.fromkeys(page for pack in _BY_NAME.values() for page in pack.audit_pages))


def notice_texts() -> Mapping[str, NoticeText]:
    """Every registered pack's notices (``Pack.notice_texts``), in the order the packs were registered."""
    return MappingProxyType({kind: text for pack in _BY_NAME.values() for kind, text in pack.notice_texts.items()})


def notice_scans() -> tuple[Callable[..., Any], ...]:
    """Every registered pack's scans for notices (``Pack.notice_scans``), each once."""
    return tuple(dict.fromkeys(scan for pack in _BY_NAME.values() for scan in pack.notice_scans))


def menu() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Every registered pack's menu entries (``Pack.menu``), each once, in the order the packs were registered."""
    return tuple(dict.fromkeys(entry for pack in _BY_NAME.values() for entry in pack.menu))


def demos() -> tuple[Callable[..., Any], ...]:
    """Every registered pack's demo data (``Pack.demo``), each once, in the order the packs were registered."""
    return tuple(dict.fromkeys(pack.demo for pack in _BY_NAME.values() if pack.demo))


def audit_figure_loaders() -> tuple[Callable[..., list[tuple[str, int]]], ...]:
    """Every registered pack's loader of headline figures for the audit start page (``Pack.audit_figures``),
    each once."""
    return tuple(dict.fromkeys(pack.audit_figures for pack in _BY_NAME.values() if pack.audit_figures))


def default_process() -> str | None:
    """The process a start that names none begins: the first process of the first pack that is the default."""
    return next((pack.process_ids[0] for pack in _BY_NAME.values() if pack.default_start and pack.process_ids), None)


def role_titles() -> Mapping[str, str]:
    """Every registered pack's words for its roles (``Pack.role_titles``), in the order the packs were registered."""
    return MappingProxyType({role: words for pack in _BY_NAME.values() for role, words in pack.role_titles.items()})


def seeded_group_names() -> tuple[str, ...]:
    """The groups every registered pack's diagrams name (``Pack.groups``), each once, in the order the packs
    were registered and each pack lists them."""
    return tuple(dict.fromkeys(seed.name for pack in _BY_NAME.values() for seed in pack.groups))


def work_manager_groups() -> frozenset[str]:
    """The groups whose members manage work (``GroupSeed.manages_work``), across every registered pack."""
    return frozenset(seed.name for pack in _BY_NAME.values() for seed in pack.groups if seed.manages_work)


def process_ids_where(flag: str) -> tuple[str, ...]:
    """Every registered process whose pack sets ``flag`` (a boolean field of Pack)."""
    return tuple(p for pack in _BY_NAME.values() if getattr(pack, flag) for p in pack.process_ids)


def unregister(name: str) -> None:
    """For tests that register a pack of their own."""
    old = _BY_NAME.pop(name, None)
    for process_id in old.process_ids if old else ():
        _BY_PROCESS.pop(process_id, None)
