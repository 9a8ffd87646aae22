"""The OpenAPI 3.1 description of /api/v1, kept beside the routes it describes. A pack describes the routes
it adds beside them too, with the helpers here, and hands the paths over with its blueprint
(``service.api.add_api_blueprint``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.api.openapi_people import people_paths, people_schemas
from service.packs import registry
from service.people.actors import account_roles

ISO_INSTANT = {"type": "string", "format": "date-time"}
ISO_DATE = {"type": "string", "format": "date"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    str(code): body(ref("Error"), text) for code, text in {
        400: "The request could not be read", 401: "No valid API token", 403: "The token's roles do not allow this",
        404: "Not found", 409: "Someone else changed it first; nothing was saved",
        405: "That method is not allowed here: the Allow header lists those that are",
        413: "The body is too large", 422: "Invalid data: see problems", 429: "Too many requests",
        500: "The process diagram could not run this step; nothing was saved",
        503: "The database is unavailable; nothing was saved",
    }.items()
}


def responses(ok: dict[str, Any], *codes: int) -> dict[str, Any]:
    # 400 everywhere: a path or query that is not UTF-8 or holds a NUL is refused before any route;
    # 405 everywhere: another method on the same path.
    return {**ok, **{str(c): ERRORS[str(c)] for c in sorted({400, 401, 403, 405, 429, 503, *codes})}}


def path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "maxLength": 60}}


def query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "message"], "properties": {
            "status": {"type": "integer"}, "message": {"type": "string"},
            "problems": {"type": "array", "items": {"type": "object", "required": ["field", "message"],
                                                      "properties": {"field": {"type": "string"},
                                                                     "message": {"type": "string"}}}},
        }}}},
    "FormData": {"type": "object", "description": "The fields of the step's form (see forms/<formKey>.json).",
                 "additionalProperties": True},
    "Case": {"type": "object", "required": ["reference", "status", "stage", "opened_at"], "properties": {
        "reference": {"type": "string"}, "status": {"type": "string", "enum": ["open", "closed"]},
        "stage": {"type": "string"}, "outcome": {"type": ["string", "null"]}, "opened_at": ISO_INSTANT,
        "closed_at": {"oneOf": [ISO_INSTANT, {"type": "null"}]},
    }},
    "Group": {"type": "object", "required": ["name", "label"], "properties": {
        "name": {"type": "string"}, "label": {"type": "string"}, "description": {"type": "string"},
        "member_count": {"type": "integer"}}},
    "Task": {"type": "object", "required": ["id", "name", "status", "candidate_groups"], "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "element_id": {"type": "string"},
        "case_reference": {"type": ["string", "null"]}, "form_key": {"type": ["string", "null"]},
        "candidate_groups": {"type": "array", "items": {"type": "string"}}, "status": {"type": "string"},
        "assigned": {"type": "boolean"}, "due_at": {"oneOf": [ISO_INSTANT, {"type": "null"}]},
        "created_at": ISO_INSTANT,
    }},
    "Event": {"type": "object", "required": ["seq", "occurred_at", "event_type"], "properties": {
        "seq": {"type": "integer"}, "occurred_at": ISO_INSTANT, "event_type": {"type": "string"},
        "actor_roles": {"type": "array", "items": {"type": "string"}},
        "element_id": {"type": ["string", "null"]}, "task_id": {"type": ["string", "null"]},
        "data": {"type": "object"},
    }},
}
SCHEMAS["ProcessIncident"] = {"type": "object", "required": ["id", "kind", "message", "status"], "properties": {
    "id": {"type": "integer"}, "case_reference": {"type": "string"}, "kind": {"type": "string"},
    "element_id": {"type": ["string", "null"]}, "message": {"type": "string"},
    "status": {"type": "string", "enum": ["open", "resolved"]}, "occurrences": {"type": "integer"},
    "opened_at": ISO_INSTANT, "last_seen_at": ISO_INSTANT, "resolved_at": {"oneOf": [ISO_INSTANT, {"type": "null"}]},
    "resolution": {"type": ["string", "null"]}}}
SCHEMAS["NextTask"] = {"type": "object", "required": ["id", "name", "assigned_to_you"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "assigned_to_you": {"type": "boolean"}}}
SCHEMAS["CaseDetail"] = {"allOf": [ref("Case"), {"type": "object", "properties": {
    "open_tasks": {"type": "array", "items": ref("Task")}}}]}

PATHS: dict[str, Any] = {
    "/cases": {
        "post": {"operationId": "createCase", "summary": "Start a case of the named or the default process",
                 "description": "The body is the start form of the process started: without ?process=, the "
                                "installation's default process (a pack declares it; here the policy, whose "
                                "start form is forms/incident_recorded.json). Who may start is the process's "
                                "own rule (its candidateStarterGroups and candidateStarterUsers; anyone in a "
                                "group when it names none): anyone else gets 403, as from "
                                "POST /processes/{process_id}/cases.",
                 "parameters": [query("process", {"type": "string", "maxLength": 200},
                                      "The process to start a case of (default: the installation's default "
                                      "process; 422 if there is none)")],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref("FormData")}}},
                 "responses": responses({"201": body({"type": "object", "required": ["reference"], "properties": {
                     "reference": {"type": "string"}, "links": {"type": "object"},
                     "next_tasks": {"type": "array", "items": ref("NextTask")}}}, "The case was started")},
                     400, 404, 413, 422)},
        "get": {"operationId": "listCases", "summary": "List the cases of the processes you may read",
                "parameters": [query("status", {"type": "string", "enum": ["open", "closed"]}, "Filter by status"),
                               query("customer", {"type": "string", "maxLength": 40},
                                     "The reference of who the case is about (a process's pack names them)"),
                               query("page", {"type": "integer", "minimum": 1, "maximum": 10000}, "Page number"),
                               query("page_size", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size")],
                "responses": responses({"200": body({"type": "object", "required": ["items", "total"], "properties": {
                    "items": {"type": "array", "items": ref("Case")}, "total": {"type": "integer"},
                    "page": {"type": "integer"}, "page_size": {"type": "integer"}}}, "A page of cases")}, 422)},
    },
    "/cases/{reference}": {"get": {
        "operationId": "getCase", "summary": "A case with its open tasks and what its process's pack adds",
        "parameters": [path_param("reference", "The case reference, e.g. UB-2026-0042")],
        "responses": responses({"200": body(ref("CaseDetail"), "The case")}, 404)}},
    "/cases/{reference}/history": {"get": {
        "operationId": "getCaseHistory", "summary": "Every event on the case, in order",
        "parameters": [path_param("reference", "The case reference")],
        "responses": responses({"200": body({"type": "object", "required": ["reference", "events"], "properties": {
            "reference": {"type": "string"}, "events": {"type": "array", "items": ref("Event")}}}, "The history")},
            404)}},
    "/cases/{reference}/messages/{name}": {"post": {
        "operationId": "sendMessage", "summary": "Send a message the case is waiting for",
        "description": "The body is the form the catch event names (empty if it names none). Its fields become "
                       "variables in the case's data and the whole body is kept under the message's name. "
                       "Roles: the catch event's candidateGroups property; if it names none, anyone who "
                       "works on tasks.",
        "parameters": [path_param("reference", "The case reference"),
                       path_param("name", "The message name, as the diagram's bpmn:message names it")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("FormData")}}},
        "responses": responses({"201": body({"type": "object"}, "The message was delivered")},
                               400, 403, 404, 409, 413, 422)}},
    "/messages": {"post": {
        "operationId": "correlateMessage", "summary": "Deliver a message to the case waiting for it, by business key",
        "description": "Correlation as Camunda's POST /message: message_name and business_key (the case "
                       "reference), with payload validated against the catch event's form.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["message_name", "business_key"], "additionalProperties": False,
            "properties": {"message_name": {"type": "string", "maxLength": 200},
                           "business_key": {"type": "string", "maxLength": 40},
                           "payload": ref("FormData")}}}}},
        "responses": responses({"201": body({"type": "object"}, "The message was delivered")},
                               400, 403, 404, 409, 413, 422)}},
    "/tasks": {"get": {
        "operationId": "listTasks", "summary": "Open tasks held by a person or waiting for a group",
        "description": "Give assignee or group, not both (422). Only those who manage work (members of a group "
                       "a pack declares as managing work) may name another person: anyone else gets 403 whether "
                       "the username exists or not; a group that is not one of the token's own also gets 403.",
        "parameters": [query("assignee", {"type": "string", "maxLength": 80},
                             "A username, or ‘me’ (the default when no group is given)"),
                       query("group", {"type": "string", "maxLength": 40}, "One of the token's groups"),
                       query("page", {"type": "integer", "minimum": 1, "maximum": 10000}, "Page number")],
        "responses": responses({"200": body({"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": ref("Task")}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "pages": {"type": "integer"}}}, "A page of tasks")}, 404, 422)}},
    "/tasks/{task_id}/claim": {"post": {
        "operationId": "claimTask", "summary": "Claim a task for the token's service account",
        "parameters": [path_param("task_id", "The task id")],
        "responses": responses({"200": body({"type": "object"}, "Claimed")}, 404, 409)}},
    "/tasks/{task_id}/complete": {"post": {
        "operationId": "completeTask", "summary": "Complete a task you hold, with its form's data",
        "parameters": [path_param("task_id", "The task id")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("FormData")}}},
        "responses": responses({"200": body({"type": "object", "required": ["id", "completed"], "properties": {
            "id": {"type": "string"}, "completed": {"type": "boolean"}, "case_reference": {"type": "string"},
            "next_tasks": {"type": "array", "items": ref("NextTask")}}}, "Completed")},
            400, 404, 409, 413, 422, 500)}},
    "/incidents": {"get": {
        "operationId": "listIncidents", "summary": "What running cases could not do (roles: admin, auditor)",
        "parameters": [query("status", {"type": "string", "enum": ["open", "resolved"]}, "Default: open"),
                       query("kind", {"type": "string", "enum": ["timer", "external_task", "script", "step_budget",
                                                                 "state_migration", "message"]}, "Filter by kind"),
                       query("page", {"type": "integer", "minimum": 1, "maximum": 10000}, "Page number"),
                       query("page_size", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size")],
        "responses": responses({"200": body({"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": ref("ProcessIncident")}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "pages": {"type": "integer"}}}, "A page of incidents")}, 422)}},
    "/deployments/bundle": {"post": {
        "operationId": "deployBundle", "summary": "Deploy diagrams, forms and DMN files (role: process_owner)",
        "description": "multipart/form-data: one or more ‘files’ (.bpmn, .json forms, .dmn, or a .zip of them). "
                       "At most 50 files, 2 MB each and 10 MB together unpacked; ZIP bombs are refused.",
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["files"], "properties": {
                "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                "comment": {"type": "string"}}}}}},
        "responses": responses({"200": body({"type": "object"}, "Every file unchanged"),
                                "201": body({"type": "object"}, "At least one new version deployed")},
                               400, 413, 422)}},
    "/deployments": {"post": {
        "operationId": "deployBpmn", "summary": "Deploy a BPMN diagram (role: process_owner)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["bpmn"], "additionalProperties": False, "properties": {
                "bpmn": {"type": "string"}, "forms": {"type": "object"}, "comment": {"type": "string"},
                "filename": {"type": "string"},
                "decision_tables": {"type": "object", "additionalProperties": {"type": "string"},
                                    "description": "DMN files for its business rule tasks: file name -> XML"}}}}}},
        "responses": responses({"200": body({"type": "object"}, "Unchanged: identical content already deployed"),
                                "201": body({"type": "object"}, "A new version was deployed")},
                               400, 413, 422)}},
    "/processes": {"get": {
        "operationId": "listStartableProcesses", "summary": "The processes this token may start a case of",
        "responses": responses({"200": body({"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "process_id": {"type": "string"}, "name": {"type": "string"},
                "version": {"type": "integer"}}}}}}, "The processes")})}},
    "/processes/{process_id}/cases": {"post": {
        "operationId": "startCase", "summary": "Start a case of a process (who may: the process's starter groups)",
        "parameters": [path_param("process_id", "The process id in its BPMN file")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("FormData")}}},
        "responses": responses({"201": body({"type": "object", "required": ["reference"], "properties": {
            "reference": {"type": "string"}, "links": {"type": "object"},
            "next_tasks": {"type": "array", "items": ref("NextTask")}}}, "Started")},
            400, 404, 413, 422, 500)}},
    "/groups": {
        "get": {"operationId": "listGroups", "summary": "Every group, with how many people are in it (role: admin)",
                "responses": responses({"200": body({"type": "object", "required": ["items"], "properties": {
                    "items": {"type": "array", "items": ref("Group")}}}, "The groups")})},
        "post": {"operationId": "createGroup", "summary": "Create a group (role: admin)",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["name", "label"], "additionalProperties": False, "properties": {
                         "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]{0,79}$"},
                         "label": {"type": "string", "maxLength": 200},
                         "description": {"type": "string", "maxLength": 2000}}}}}},
                 "responses": responses({"201": body(ref("Group"), "Created")}, 400, 413, 422)}},
    "/groups/{name}": {"get": {
        "operationId": "getGroup", "summary": "A group and who is in it (role: admin)",
        "parameters": [path_param("name", "The group's name, as diagrams write it")],
        "responses": responses({"200": body({"type": "object", "required": ["name", "members"], "properties": {
            "name": {"type": "string"}, "label": {"type": "string"}, "description": {"type": "string"},
            "members": {"type": "array", "items": {"type": "object", "properties": {
                "username": {"type": "string"}, "full_name": {"type": "string"},
                "by_role": {"type": "boolean"}}}}}}, "The group")}, 404)}},
    "/groups/{name}/members": {"post": {
        "operationId": "addGroupMember", "summary": "Put someone in a group (role: admin)",
        "parameters": [path_param("name", "The group's name")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["username"], "additionalProperties": False,
            "properties": {"username": {"type": "string", "maxLength": 80}}}}}},
        "responses": responses({"201": body({"type": "object"}, "Added")}, 400, 404, 409, 413, 422)}},
    "/groups/{name}/members/{username}": {"delete": {
        "operationId": "removeGroupMember", "summary": "Take someone out of a group (role: admin)",
        "parameters": [path_param("name", "The group's name"), path_param("username", "Their username")],
        "responses": responses({"200": body({"type": "object"}, "Taken out")}, 404, 409)}},
}


def _schemas(pack_schemas: Mapping[str, Any], roles: tuple[str, ...]) -> dict[str, Any]:
    """The platform's schemas with what the registered packs add: each pack's subject on the case
    (``Pack.subject``), the fields its cases add (``Pack.case_api_schema``), the schemas of its routes, and the
    roles an account can have (``roles``: its groups among them)."""
    subject = {"type": "object", "properties": {"reference": {"type": "string"}, "name": {"type": "string"}}}
    case = SCHEMAS["Case"]
    fields = registry.subject_fields()
    detail = SCHEMAS["CaseDetail"]
    extras = [dict(pack.case_api_schema) for pack in registry.packs().values() if pack.case_api_schema]
    return {
        **SCHEMAS, **people_schemas(roles), **pack_schemas,
        "Case": {**case, "properties": {**case["properties"], **{
            field: {**subject, "description": f"The case's {noun.lower()}, on cases of a process that has one"}
            for field, noun in fields.items()}}},
        "CaseDetail": {"allOf": [*detail["allOf"], *extras]},
    }


def document(server_url: str, pack_paths: Mapping[str, Any], pack_schemas: Mapping[str, Any], *,
             service_name: str) -> dict[str, Any]:
    """The document for the platform's routes and ``pack_paths``, those of the routes packs add, with the schemas
    they refer to (``pack_schemas``), titled with the configured ``service_name``."""
    roles = account_roles()
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{service_name} API", "version": "1.0.0",
                 "description": "Start cases, work their tasks and send the messages they wait for, read cases and "
                                "their history, and use the routes the installed packs add. Authenticate with "
                                "`Authorization: Bearer <token>`; tokens are issued by an administrator and carry "
                                "roles."},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": _schemas(pack_schemas, roles)},
        "paths": {**PATHS, **people_paths(body, ref, responses, path_param, query, roles), **pack_paths},
    }
