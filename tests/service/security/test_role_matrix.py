"""Every route of the app, called as every role, admits exactly the roles the README's "Who sees what"
table gives it.

The table is read from README.md. Each area it names is listed once below with the routes it covers
(by endpoint); a route in no area, an area the README names that is not listed here, or a role
admitted or refused against the table fails the test, so the permissions and the documentation
cannot drift apart. What counts is what a request gets, not what a decorator says: a role the route's
guard admits but the service refuses is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from service import heartbeat
from service.accounts.api_tokens import issue_token
from service.config import ROOT
from service.dao import users_dao
from service.people import groups as group_service

ANONYMOUS = "anonymous"
GROUP_MEMBER = "a member of a group"
STAFF_ROLES = ("caseworker", "head_of_service", "executive")
HUMAN_ROLES = (*STAFF_ROLES, "process_owner", "auditor", "data_protection_officer", "admin")
SUBJECTS = (ANONYMOUS, GROUP_MEMBER, *HUMAN_ROLES, "worker")
# The table's words for several roles at once. The policy's three staff roles are groups too.
WHO = {
    "everyone": set(SUBJECTS),
    "anyone signed in": set(SUBJECTS) - {ANONYMOUS},
    "anyone in a group": {GROUP_MEMBER, *STAFF_ROLES},
    # The platform's WORK_MANAGER: the policy's pack declares its head_of_service and executive groups so.
    "those who manage work": {"head_of_service", "executive"},
}

_INSTANCES_AND_TASKS = [
    "engine_rest.history_activities", "engine_rest.history_instances", "engine_rest.history_instance",
    "engine_rest.list_instances", "engine_rest.get_instance", "engine_rest.count_instances",
    "engine_rest.get_variables", "engine_rest.get_variable", "engine_rest.task_list", "engine_rest.task_one",
    "engine_rest.task_count", "engine_rest.task_form_variables",
]
_LETTERS_READ = ["policy_letters.preview", "case_letters.download", "policy_letters.proposed_letter"]
_CUSTOMERS = ["customers.search", "customers.customer", "customers_api.contact_check",
              "customers_api.active_restrictions"]
_DATA_PROTECTION_READ = ["data_protection.index", "customer_records.customer"]
_DATA_PROTECTION = [*_DATA_PROTECTION_READ, "subject_access.export", "customer_records.correct",
                    "customer_records.erase", "data_protection.legal_hold"]
_EXTERNAL_TASKS_READ = ["engine_rest.list_external_tasks", "engine_rest.get_external_task",
                        "engine_rest.count_external_tasks"]
_INCIDENT_LISTS = ["api.list_incidents", "engine_rest.list_incidents"]

# Each area of the README's table, and the routes (endpoints) it covers.
AREAS: dict[str, list[str]] = {
    # everyone
    "the start page": ["home.home"],
    "sign-in (password and single sign-on)": ["auth.login", "auth.sso_start", "auth.sso_callback"],
    "setting a password from a one-time link": ["auth.set_password"],
    "sign-out": ["auth.logout"],
    "health checks": ["home.health", "operations.live", "operations.ready"],
    "metrics (its own token or loopback)": ["operations.metrics"],
    "the API documentation": ["api.api_docs", "api.openapi_document", "engine_rest.openapi_document",
                              "engine_rest.api_docs"],
    # anyone signed in
    "their account (password, notifications)": ["account.notifications", "auth.change_password"],
    "the `/engine-rest` version": ["engine_rest.version"],
    # anyone in a group
    "task inbox and the tasks offered to their groups": [
        "inbox.inbox", "inbox.claim", "inbox.unclaim", "inbox.snooze", "inbox.save_filter", "inbox.delete_filter",
        "api.list_tasks", "api.claim_task"],
    "task forms": ["tasks.task", "api.complete_task"],
    "start a case (of the processes whose starter groups or people include them; a process that names none "
    "is started by anyone in a group; also through the API's `POST /api/v1/cases` and `/engine-rest`)": [
        "starting.index", "starting.start", "api.list_startable_processes", "api.start_case", "api.create_case",
        "engine_rest.start_by_key"],
    "their cases (notes, messages, also through the API and `/engine-rest`)": [
        "cases.case", "cases.add_note", "cases.send_message", "cases.evidence_file", "api.get_case",
        "api.send_message", "api.correlate_message", "engine_rest.deliver"],
    "my cases": ["caseload.mine"],
    "case lists and history through the API (of the processes they may read)": ["api.list_cases", "api.case_history"],
    "process definitions through `/engine-rest`": [
        "engine_rest.list_definitions", "engine_rest.definition_by_key", "engine_rest.definition_xml"],
    "process instances with their history and tasks through `/engine-rest`": _INSTANCES_AND_TASKS,
    "claiming and completing tasks through `/engine-rest`": [
        "engine_rest.task_claim", "engine_rest.task_unclaim", "engine_rest.task_complete"],
    # caseworker
    "record an incident (the policy's start page; through the API, a start of the default process)": [
        "policy_cases.record_incident"],
    "add an incident to a case": ["policy_cases.add_incident"],
    "appeals through the API": ["appeals_api.record_appeal"],
    # the policy's staff
    "cases": ["cases.case", "cases.add_note", "cases.send_message", "cases.evidence_file", "api.get_case"],
    "appeals": ["policy_cases.record_appeal"],
    "decision letters": ["policy_letters.make_draft", *_LETTERS_READ],
    "customers (restriction banner)": _CUSTOMERS,
    "correcting a customer's contact details": ["customers.correct_contact_details"],
    # those who manage work
    "team cases": ["caseload.team"],
    "workload": ["caseload.workload"],
    "overdue tasks": ["inbox.overdue"],
    "reassigning a task": ["inbox.reassign"],
    "hand work over": ["caseload.hand_over"],
    "another person's tasks through the API": ["api.list_tasks"],
    # process owners
    "processes: versions": ["processes.index", "processes.version", "processes.version_bpmn",
                            "processes.version_overlay", "processes.upload"],
    "the BPMN modeler": ["process_modeler.modeler", "process_modeler.deploy", "process_modeler.save_draft",
                         "process_modeler.validate", "processes.draft_bpmn", "process_modeler.new_process",
                         "process_modeler.validate_new", "process_modeler.save_new_draft",
                         "process_modeler.deploy_new"],
    "forms": ["process_forms.forms", "process_forms.form"],
    "diff": ["processes.diff", "processes.diff_overlay"],
    "migration of running cases": ["process_migration.preview", "process_migration.migrate"],
    "deployments (also through the API and `/engine-rest`)": [
        "api.deploy_bpmn", "api.deploy_bundle_files", "engine_rest.create_deployment", "engine_rest.list_deployments"],
    # auditors
    "case history on the diagram": ["audit.case", "audit.case_path"],
    "process search and CSV": ["audit.index", "audit.cases", "audit.cases_csv"],
    "heatmap": ["audit.processes", "audit.heatmap", "audit.diagram", "audit.heatmap_overlay"],
    "compliance report": ["compliance.report"],
    "audit verification": ["audit.verify"],
    "access log": ["audit.access_log_page"],
    "platform incidents": _INCIDENT_LISTS,
    "data protection (reading the retention schedule and a customer's record)": _DATA_PROTECTION_READ,
    "reading cases": ["cases.case", "cases.evidence_file", "api.get_case"],
    "task forms (reading)": ["tasks.task"],
    "decision letters (reading)": _LETTERS_READ,
    "deployments through `/engine-rest`": ["engine_rest.list_deployments"],
    "reading external tasks through `/engine-rest`": _EXTERNAL_TASKS_READ,
    # data protection officers
    "data protection: the retention schedule and customer records": _DATA_PROTECTION_READ,
    "subject-access exports": ["subject_access.export"],
    "corrections": ["customer_records.correct"],
    "erasure": ["customer_records.erase"],
    "legal holds (each audited on the customer's cases)": ["data_protection.legal_hold"],
    # administrators
    "people": ["admin.index", "people.index", "people.person", "people.create", "people.deactivate",
               "people.reactivate", "people.force_password_reset", "people.change_roles", "people.unlock",
               "people.change_groups", "people.change_email", "api.set_groups", "api.set_email",
               "api.list_people", "api.create_person", "api.get_person", "api.deactivate_person",
               "api.reactivate_person", "api.force_password_reset", "api.set_roles"],
    "groups": ["groups_admin.index", "groups_admin.group", "groups_admin.remove_member", "api.list_groups",
               "api.create_group", "api.get_group", "api.add_group_member", "api.remove_group_member"],
    "timers": ["timers.index", "timers.change", "timers.retry"],
    "incidents (retry, retry with new data, resolve)": ["incidents.index", "incidents.retry", "incidents.resolve",
                                                        *_INCIDENT_LISTS],
    "external tasks by topic": ["external_tasks.index"],
    "unsent notifications": ["admin.unsent_notifications"],
    "API tokens": ["admin.api_token_list", "admin.revoke_api_token"],
    "data protection (as a data protection officer)": _DATA_PROTECTION,
    # service accounts that work external tasks
    "external tasks through `/engine-rest` (fetch and lock, extend, unlock, complete, fail, BPMN error)": [
        "engine_rest.fetch_and_lock", "engine_rest.extend_lock", "engine_rest.unlock", "engine_rest.complete",
        "engine_rest.failure", "engine_rest.bpmn_error"],
    "process variables through `/engine-rest`": ["engine_rest.modify_variables", "engine_rest.put_variable"],
    "incidents through `/engine-rest`": ["engine_rest.list_incidents"],
}

# Values that name nothing: a role that may call the route then gets a 404 or a refusal of the input,
# never a 403, and nothing is changed.
NOTHING = {"reference": "XX-999999", "task_id": "00000000-0000-4000-8000-000000000000", "name": "no-such-name",
           "username": "no-such-person", "process_id": "no_such_process", "key": "no_such_process",
           "element_id": "no_such_element", "form_key": "no-such-form", "token": "no-such-token",
           "instance_id": "999999"}


def _split_top_level(cell: str) -> list[str]:
    """Comma-separated items, except commas inside parentheses."""
    items, depth, current = [], 0, ""
    for character in cell:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += character
    return [*items, current.strip()] if current.strip() else items


def readme_table() -> list[tuple[set[str], list[str]]]:
    """The rows of the README's "Who sees what" table: who, and the areas they may use."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Who sees what", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # after the header and rule
    table = []
    for row in rows:
        who_cell, areas_cell = (cell.strip() for cell in row.strip("|").split("|"))
        who_cell = re.sub(r"\s*\([^)]*\)", "", who_cell)
        who = WHO.get(who_cell) or {role.strip() for role in who_cell.split(",")}
        table.append((who, _split_top_level(areas_cell)))
    return table


def expected_matrix() -> dict[str, set[str]]:
    matrix: dict[str, set[str]] = {}
    for who, areas in readme_table():
        for area in areas:
            assert area in AREAS, f"the README names an area the role matrix does not list: {area!r}"
            for endpoint in AREAS[area]:
                matrix.setdefault(endpoint, set()).update(who)
    return matrix


def test_the_readme_table_names_known_roles_and_only_listed_areas():
    roles = set().union(*(who for who, _ in readme_table()))
    assert roles <= set(SUBJECTS), roles - set(SUBJECTS)
    named = {area for _, areas in readme_table() for area in areas}
    assert set(AREAS) - named == set(), "areas listed here but gone from the README"


@dataclass
class Caller:
    """How one subject calls: a session for pages, a bearer token for the API and /engine-rest."""

    user_id: int | None
    token: str | None


@pytest.fixture
def callers(runtime, people) -> dict[str, Caller]:
    now = runtime.clock.now()
    made = {ANONYMOUS: Caller(None, None)}
    admin = people["adam"]
    with runtime.db.transaction() as session:
        gardener = users_dao.add_user(session, username="gail", full_name="Gail Gardener", password_hash="!",
                                      roles=[], job_title="", now=now)
    group_service.create_group(runtime.casework, admin, name="gardeners", label="Gardeners", description="", now=now)
    group_service.add_member(runtime.casework, admin, "gardeners", "gail", now)
    group_token = issue_token(runtime.casework, admin, "Gardening system", [], now)
    with runtime.db.reading() as session:
        account = users_dao.get_user(session, group_token.record.service_user_id).username
    group_service.add_member(runtime.casework, admin, "gardeners", account, now)
    made[GROUP_MEMBER] = Caller(gardener.id, group_token.token)
    by_role = {roles[0]: actor for actor in people.values() for roles in [actor.roles]}
    for role in HUMAN_ROLES:
        token = issue_token(runtime.casework, admin, f"System as {role}", [role], now).token
        made[role] = Caller(by_role[role].user_id, token)
    made["worker"] = Caller(None, issue_token(runtime.casework, admin, "External task worker", ["worker"], now).token)
    return made


def _is_api(rule) -> bool:
    return rule.rule.startswith(("/api/", "/engine-rest/"))


def _call(app, runtime, rule, method: str, caller: Caller):
    client = app.test_client()
    url = rule.build({name: NOTHING.get(name, "999999") for name in rule.arguments}, append_unknown=False)[1]
    headers = {}
    if _is_api(rule):
        if caller.token:
            headers["Authorization"] = f"Bearer {caller.token}"
    elif caller.user_id is not None:
        with runtime.db.reading() as session:
            epoch = users_dao.get_user(session, caller.user_id).session_epoch
        now = runtime.clock.now().timestamp()
        with client.session_transaction() as session:
            session.update(uid=caller.user_id, epoch=epoch, started=now, seen=now)
    return client.open(url, method=method, headers=headers)


def _admitted(response, rule, caller: Caller) -> bool:
    """The API refuses with 401 or 403; a page with 403, or by sending someone signed out to sign in."""
    if _is_api(rule):
        return response.status_code not in (401, 403)
    signed_out = caller.user_id is None
    return response.status_code != 403 and not (
        signed_out and response.status_code == 302 and "/sign-in" in response.location)


def test_every_route_admits_exactly_the_roles_the_readme_gives_it(app, runtime, policy, callers):
    app.config["WTF_CSRF_ENABLED"] = False  # a POST reaches the role check, not the CSRF check
    # A worker has reported, so /health/ready answers 200 (without one it is 503 by design).
    heartbeat.beat(runtime.casework, heartbeat.identity(heartbeat.TIMER_WORKER, runtime.clock.now()),
                   runtime.clock.now())
    expected = expected_matrix()
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert sorted({rule.endpoint for rule in rules} - set(expected)) == [], "routes the README's table does not cover"
    differences = []
    for rule in sorted(rules, key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for subject, caller in callers.items():
                if not _is_api(rule) and subject == "worker":
                    continue  # a service account has no session: it never signs in to a page
                response = _call(app, runtime, rule, method, caller)
                wrong = _admitted(response, rule, caller) != (subject in expected[rule.endpoint])
                if wrong or response.status_code >= 500:
                    differences.append(f"{method} {rule.rule} {subject}: {response.status_code}")
    assert differences == [], "\n".join(differences)
