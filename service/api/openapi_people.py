"""The OpenAPI description of /api/v1/people (role: admin), built when the document is served: the roles an
account can have include the groups of the packs registered by then (``account_roles``)."""

from __future__ import annotations

from typing import Any

STATUSES = ("active", "locked", "deactivated")


def people_paths(json, ref, responses, path_param, query, roles: tuple[str, ...]) -> dict[str, Any]:
    username = path_param("username", "The person's username")
    person = ref("Person")
    link = json({"type": "object", "required": ["set_password_link"],
                 "properties": {"set_password_link": {"type": "string"}}}, "A one-time link to set a password")
    return {
        "/people": {
            "get": {"operationId": "listPeople", "summary": "Every staff account (role: admin)",
                    "parameters": [query("status", {"type": "string", "enum": list(STATUSES)}, "Only these")],
                    "responses": responses({"200": json({"type": "object", "required": ["items"], "properties": {
                        "items": {"type": "array", "items": person}}}, "People")}, 422)},
            "post": {"operationId": "createPerson", "summary": "Add a person; returns their one-time password link",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": ref("NewPerson")}}},
                     "responses": responses({"201": json({"type": "object", "required": ["person"], "properties": {
                         "person": person, "set_password_link": {"type": "string"}}}, "Created")}, 413, 422)},
        },
        "/people/{username}": {"get": {
            "operationId": "getPerson", "summary": "A person's account and its audit trail",
            "parameters": [username], "responses": responses({"200": json(person, "The person")}, 404)}},
        "/people/{username}/deactivate": {"post": {
            "operationId": "deactivatePerson", "summary": "A leaver: sessions end at once; name stays on records",
            "parameters": [username],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"], "additionalProperties": False,
                "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}}}}}},
            "responses": responses({"200": json(person, "Deactivated")}, 404, 409, 413, 422)}},
        "/people/{username}/reactivate": {"post": {
            "operationId": "reactivatePerson", "summary": "Let a deactivated person sign in again",
            "parameters": [username], "responses": responses({"200": json(person, "Reactivated")}, 404, 409)}},
        "/people/{username}/roles": {"put": {
            "operationId": "setRoles", "summary": "Replace a person's roles", "parameters": [username],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["roles"], "additionalProperties": False,
                "properties": {"roles": {"type": "array", "minItems": 1,
                                         "items": {"type": "string", "enum": list(roles)}}}}}}},
            "responses": responses({"200": json(person, "Saved")}, 404, 413, 422)}},
        "/people/{username}/groups": {"put": {
            "operationId": "setGroups", "summary": "Put a person in exactly these groups (those of their roles stay)",
            "parameters": [username],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["groups"], "additionalProperties": False,
                "properties": {"groups": {"type": "array", "maxItems": 200,
                                          "items": {"type": "string", "maxLength": 80}}}}}}},
            "responses": responses({"200": json({"type": "object", "required": ["username", "groups"], "properties": {
                "username": {"type": "string"}, "groups": {"type": "array", "items": {"type": "string"}}}},
                "The groups the person was added to")}, 404, 413, 422)}},
        "/people/{username}/email": {"put": {
            "operationId": "setEmail", "summary": "Correct a person's email address (empty: none)",
            "parameters": [username],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["email"], "additionalProperties": False,
                "properties": {"email": {"type": "string", "maxLength": 320}}}}}},
            "responses": responses({"200": json(person, "Saved")}, 404, 413, 422)}},
        "/people/{username}/password-reset": {"post": {
            "operationId": "forcePasswordReset", "summary": "The password stops working; a one-time link is issued",
            "parameters": [username], "responses": responses({"200": link}, 404)}},
    }


def people_schemas(roles: tuple[str, ...]) -> dict[str, Any]:
    """The schemas of a person and of a new one, whose roles are ``roles``."""
    return {
        "Person": {"type": "object", "required": ["username", "full_name", "roles", "status"], "properties": {
            "username": {"type": "string"}, "full_name": {"type": "string"}, "email": {"type": "string"},
            "job_title": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "string", "enum": list(STATUSES)},
            "last_sign_in_at": {"type": ["string", "null"]}, "history": {"type": "array"}}},
        "NewPerson": {"type": "object", "required": ["username", "full_name", "roles"], "additionalProperties": False,
                      "properties": {"username": {"type": "string", "maxLength": 80},
                                     "full_name": {"type": "string", "maxLength": 200},
                                     "email": {"type": "string", "maxLength": 320},
                                     "job_title": {"type": "string", "maxLength": 200},
                                     "roles": {"type": "array", "minItems": 1,
                                               "items": {"type": "string", "enum": list(roles)}}}},
    }
