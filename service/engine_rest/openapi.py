"""The OpenAPI 3.1 description of /engine-rest (Camunda 7.24's shapes, as far as this product serves them)."""

from __future__ import annotations

from typing import Any

_TIME = {"type": ["string", "null"], "description": "yyyy-MM-dd'T'HH:mm:ss.SSSZ"}
_TEXT = {"type": "string", "maxLength": 255}
_NULLABLE_TEXT = {"type": ["string", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    400: "Invalid request (Camunda's InvalidRequestException, BadUserRequestException or ParseException)",
    401: "No valid API token (HTTP Basic with the token as password, or Bearer)",
    403: "The token's roles do not allow this", 404: "Not found", 405: "Method not allowed",
    409: "Someone else changed the case at the same moment; nothing was saved", 413: "The body is too large",
    429: "Too many requests", 500: "The process could not go on from here; an incident was opened",
    503: "The database is unavailable; nothing was saved",
}


def _responses(ok: dict[str, Any], *codes: int) -> dict[str, Any]:
    always = {400, 401, 403, 405, 413, 429, 503}
    return {**ok, **{str(c): _json(_ref("CamundaError"), _ERRORS[c]) for c in sorted(always | set(codes))}}


def _no_content(description: str) -> dict[str, Any]:
    return {"204": {"description": description}}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "maxLength": 200}}


def _query(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_PAGING = [_query("firstResult", {"type": "integer", "minimum": 0, "maximum": 1_000_000_000}),
           _query("maxResults", {"type": "integer", "minimum": 0, "maximum": 1000})]
_FLAG = {"type": "string", "enum": ["true", "false"]}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": False, "content": {"application/json": {"schema": schema}}}


SCHEMAS: dict[str, Any] = {
    "CamundaError": {"type": "object", "required": ["type", "message"],
                     "properties": {"type": {"type": "string"}, "message": {"type": "string"}}},
    "VariableValue": {"type": "object", "required": ["value"], "properties": {
        "value": {}, "type": {"type": ["string", "null"]}, "valueInfo": {"type": ["object", "null"]}}},
    "Variables": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/VariableValue"}},
    "Count": {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}},
    "ExternalTask": {"type": "object", "required": ["id", "topicName", "activityId"], "properties": {
        "id": {"type": "string"}, "topicName": {"type": "string"}, "activityId": {"type": "string"},
        "activityInstanceId": _NULLABLE_TEXT, "executionId": _NULLABLE_TEXT, "workerId": _NULLABLE_TEXT,
        "lockExpirationTime": _TIME, "createTime": _TIME, "errorMessage": _NULLABLE_TEXT,
        "errorDetails": _NULLABLE_TEXT, "retries": {"type": ["integer", "null"]}, "priority": {"type": "integer"},
        "suspended": {"type": "boolean"}, "processDefinitionId": {"type": "string"},
        "processDefinitionKey": {"type": "string"}, "processInstanceId": {"type": "string"},
        "businessKey": _NULLABLE_TEXT, "tenantId": {"type": "null"}, "processDefinitionVersionTag": {"type": "null"},
        "extensionProperties": {"type": "object"}, "variables": {"$ref": "#/components/schemas/Variables"}}},
    "ProcessDefinition": {"type": "object", "required": ["id", "key", "version"], "properties": {
        "id": {"type": "string"}, "key": {"type": "string"}, "name": _NULLABLE_TEXT, "version": {"type": "integer"},
        "deploymentId": {"type": "string"}, "suspended": {"type": "boolean"}}},
    "Deployment": {"type": "object", "required": ["id"], "properties": {
        "id": {"type": "string"}, "name": _NULLABLE_TEXT, "source": _NULLABLE_TEXT, "deploymentTime": _TIME,
        "deployedProcessDefinitions": {"type": ["object", "null"]}}},
    "ProcessInstance": {"type": "object", "required": ["id", "definitionId", "ended"], "properties": {
        "id": {"type": "string"}, "definitionId": {"type": "string"}, "businessKey": _NULLABLE_TEXT,
        "ended": {"type": "boolean"}, "suspended": {"type": "boolean"}}},
    "HistoricProcessInstance": {"type": "object", "required": ["id", "state"], "properties": {
        "id": {"type": "string"}, "businessKey": _NULLABLE_TEXT, "processDefinitionKey": {"type": "string"},
        "startTime": _TIME, "endTime": _TIME, "durationInMillis": {"type": ["integer", "null"]},
        "state": {"type": "string", "enum": ["ACTIVE", "COMPLETED"]}}},
    "HistoricActivityInstance": {"type": "object", "required": ["id", "activityId"], "properties": {
        "id": {"type": "string"}, "activityId": {"type": "string"}, "activityType": {"type": "string"},
        "processInstanceId": {"type": "string"}, "startTime": _TIME, "endTime": _TIME}},
    "Task": {"type": "object", "required": ["id", "name", "taskDefinitionKey"], "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "assignee": _NULLABLE_TEXT, "created": _TIME,
        "due": _TIME, "processInstanceId": {"type": "string"}, "processDefinitionId": {"type": "string"},
        "taskDefinitionKey": {"type": "string"}, "formKey": _NULLABLE_TEXT}},
    "Incident": {"type": "object", "required": ["id", "incidentType", "incidentMessage"], "properties": {
        "id": {"type": "string"}, "incidentType": {"type": "string"}, "incidentMessage": {"type": "string"},
        "processInstanceId": {"type": "string"}, "activityId": _NULLABLE_TEXT, "incidentTimestamp": _TIME,
        "configuration": _NULLABLE_TEXT}},
}
_LIST = {name: {"type": "array", "items": _ref(name)} for name in SCHEMAS}
_TOPIC = {"type": "object", "required": ["topicName", "lockDuration"], "properties": {
    "topicName": _TEXT, "lockDuration": {"type": "integer", "minimum": 1},
    "variables": {"type": ["array", "null"], "items": {"type": "string"}}, "businessKey": _NULLABLE_TEXT,
    "processDefinitionKey": _NULLABLE_TEXT, "deserializeValues": {"type": "boolean"},
    "includeExtensionProperties": {"type": "boolean"}, "localVariables": {"type": "boolean"}}}
_WORKER = {"workerId": _TEXT}

PATHS: dict[str, Any] = {
    "/version": {"get": {"operationId": "getRestApiVersion", "summary": "The Camunda REST API version followed",
                         "responses": _responses({"200": _json({"type": "object", "required": ["version"]},
                                                                "The version")})}},
    "/external-task/fetchAndLock": {"post": {
        "operationId": "fetchAndLock", "summary": "Lock free tasks of the topics for a worker (role: worker)",
        "description": "asyncResponseTimeout long-polls, cut to 30 seconds.",
        "requestBody": _body({"type": "object", "required": ["workerId", "topics"], "properties": {
            **_WORKER, "maxTasks": {"type": "integer", "minimum": 0, "maximum": 100},
            "usePriority": {"type": "boolean"}, "asyncResponseTimeout": {"type": "integer", "minimum": 0},
            "topics": {"type": "array", "items": _TOPIC}}}),
        "responses": _responses({"200": _json(_LIST["ExternalTask"], "The tasks locked")})}},
    "/external-task": {"get": {
        "operationId": "getExternalTasks", "summary": "Open external tasks (roles: worker, auditor)",
        "parameters": [_query("topicName", _TEXT), _query("workerId", _TEXT), _query("locked", _FLAG),
                       _query("notLocked", _FLAG), _query("withRetriesLeft", _FLAG), _query("noRetriesLeft", _FLAG),
                       _query("processInstanceId", _TEXT), _query("activityId", _TEXT), *_PAGING],
        "responses": _responses({"200": _json(_LIST["ExternalTask"], "The tasks")})}},
    "/external-task/count": {"get": {
        "operationId": "getExternalTasksCount", "summary": "How many open external tasks match",
        "parameters": [_query("topicName", _TEXT), _query("locked", _FLAG), _query("noRetriesLeft", _FLAG)],
        "responses": _responses({"200": _json(_ref("Count"), "The count")})}},
    "/external-task/{id}": {"get": {
        "operationId": "getExternalTask", "summary": "One open external task",
        "parameters": [_path("id", "The external task id")],
        "responses": _responses({"200": _json(_ref("ExternalTask"), "The task")}, 404)}},
    "/external-task/{id}/complete": {"post": {
        "operationId": "completeExternalTask", "summary": "The worker did it: the case moves on",
        "parameters": [_path("id", "The external task id")],
        "requestBody": _body({"type": "object", "required": ["workerId"], "properties": {
            **_WORKER, "variables": _ref("Variables"), "localVariables": _ref("Variables")}}),
        "responses": _responses(_no_content("Completed"), 404, 409, 500)}},
    "/external-task/{id}/failure": {"post": {
        "operationId": "handleFailure", "summary": "The worker failed: retry later, or an incident at 0 retries",
        "parameters": [_path("id", "The external task id")],
        "requestBody": _body({"type": "object", "required": ["workerId"], "properties": {
            **_WORKER, "errorMessage": {"type": ["string", "null"]}, "errorDetails": {"type": ["string", "null"]},
            "retries": {"type": "integer"}, "retryTimeout": {"type": "integer", "minimum": 0}}}),
        "responses": _responses(_no_content("Recorded"), 404, 409)}},
    "/external-task/{id}/bpmnError": {"post": {
        "operationId": "handleExternalTaskBpmnError", "summary": "A business error, for an error boundary event",
        "parameters": [_path("id", "The external task id")],
        "requestBody": _body({"type": "object", "required": ["workerId", "errorCode"], "properties": {
            **_WORKER, "errorCode": _TEXT, "errorMessage": {"type": ["string", "null"]},
            "variables": _ref("Variables")}}),
        "responses": _responses(_no_content("Thrown"), 404, 409, 500)}},
    "/external-task/{id}/extendLock": {"post": {
        "operationId": "extendLock", "summary": "Hold the lock longer",
        "parameters": [_path("id", "The external task id")],
        "requestBody": _body({"type": "object", "required": ["workerId", "newDuration"], "properties": {
            **_WORKER, "newDuration": {"type": "integer", "minimum": 1}}}),
        "responses": _responses(_no_content("Extended"), 404)}},
    "/external-task/{id}/unlock": {"post": {
        "operationId": "unlock", "summary": "Give the task back at once",
        "parameters": [_path("id", "The external task id")],
        "responses": _responses(_no_content("Unlocked"), 404)}},
    "/deployment/create": {"post": {
        "operationId": "createDeployment", "summary": "Deploy as Camunda Modeler does (role: process_owner)",
        "requestBody": {"required": False, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {
                "deployment-name": {"type": "string"}, "deploy-changed-only": {"type": "string"},
                "deployment-source": {"type": "string"}, "data": {"type": "string", "format": "binary"}}}}}},
        "responses": _responses({"200": _json(_ref("Deployment"), "Deployed (or unchanged)")})}},
    "/deployment": {"get": {"operationId": "getDeployments", "summary": "Deployed versions", "parameters": _PAGING,
                            "responses": _responses({"200": _json(_LIST["Deployment"], "Deployments")})}},
    "/process-definition": {"get": {
        "operationId": "getProcessDefinitions", "summary": "Process definitions",
        "parameters": [_query("key", _TEXT), _query("latestVersion", _FLAG), *_PAGING],
        "responses": _responses({"200": _json(_LIST["ProcessDefinition"], "Definitions")})}},
    "/process-definition/key/{key}": {"get": {
        "operationId": "getProcessDefinitionByKey", "summary": "The latest version of a process",
        "parameters": [_path("key", "The process id")],
        "responses": _responses({"200": _json(_ref("ProcessDefinition"), "The definition")}, 404)}},
    "/process-definition/key/{key}/xml": {"get": {
        "operationId": "getProcessDefinitionBpmn20XmlByKey", "summary": "Its BPMN XML",
        "parameters": [_path("key", "The process id")],
        "responses": _responses({"200": _json({"type": "object", "required": ["id", "bpmn20Xml"]}, "The XML")},
                                404)}},
    "/process-definition/key/{key}/start": {"post": {
        "operationId": "startProcessInstanceByKey", "summary": "Start a case",
        "description": "Who may start is the process's own rule (its candidateStarterGroups and "
                       "candidateStarterUsers; anyone in a group when it names none): anyone else gets 403. "
                       "variables are the start form's answers; businessKey is kept as the case's business "
                       "key (not unique, as in Camunda); the case reference is its id.",
        "parameters": [_path("key", "The process id")],
        "requestBody": _body({"type": "object", "properties": {"variables": _ref("Variables"),
                                                              "businessKey": _TEXT}}),
        "responses": _responses({"200": _json(_ref("ProcessInstance"), "Started")}, 404, 409, 500)}},
    "/process-instance": {"get": {
        "operationId": "getProcessInstances", "summary": "Cases",
        "parameters": [_query("businessKey", _TEXT), _query("processDefinitionKey", _TEXT),
                       _query("active", _FLAG), _query("suspended", _FLAG), *_PAGING],
        "responses": _responses({"200": _json(_LIST["ProcessInstance"], "Instances")})}},
    "/process-instance/count": {"get": {
        "operationId": "getProcessInstancesCount", "summary": "How many cases match",
        "parameters": [_query("businessKey", _TEXT), _query("processDefinitionKey", _TEXT)],
        "responses": _responses({"200": _json(_ref("Count"), "The count")})}},
    "/process-instance/{id}": {"get": {
        "operationId": "getProcessInstance", "summary": "One case", "parameters": [_path("id", "Case reference")],
        "responses": _responses({"200": _json(_ref("ProcessInstance"), "The instance")}, 404)}},
    "/process-instance/{id}/variables": {
        "get": {"operationId": "getProcessInstanceVariables", "summary": "The case's data, typed",
                "parameters": [_path("id", "Case reference")],
                "responses": _responses({"200": _json(_ref("Variables"), "Variables")}, 404)},
        "post": {"operationId": "modifyProcessInstanceVariables", "summary": "Set variables (role: worker)",
                 "parameters": [_path("id", "Case reference")],
                 "requestBody": _body({"type": "object", "properties": {"modifications": _ref("Variables")}}),
                 "responses": _responses(_no_content("Set"), 404, 409)}},
    "/process-instance/{id}/variables/{varName}": {
        "get": {"operationId": "getProcessInstanceVariable", "summary": "One variable",
                "parameters": [_path("id", "Case reference"), _path("varName", "Variable name")],
                "responses": _responses({"200": _json(_ref("VariableValue"), "The value")}, 404)},
        "put": {"operationId": "setProcessInstanceVariable", "summary": "Set one variable (role: worker)",
                "parameters": [_path("id", "Case reference"), _path("varName", "Variable name")],
                "requestBody": _body(_ref("VariableValue")),
                "responses": _responses(_no_content("Set"), 404, 409)}},
    "/task": {"get": {
        "operationId": "getTasks", "summary": "Open human tasks",
        "parameters": [_query("processInstanceId", _TEXT), _query("processInstanceBusinessKey", _TEXT),
                       _query("processDefinitionKey", _TEXT), _query("taskDefinitionKey", _TEXT),
                       _query("assignee", _TEXT), _query("candidateGroup", _TEXT), _query("unassigned", _FLAG),
                       *_PAGING],
        "responses": _responses({"200": _json(_LIST["Task"], "Tasks")})}},
    "/task/count": {"get": {"operationId": "getTasksCount", "summary": "How many open tasks match",
                            "parameters": [_query("processInstanceId", _TEXT), _query("assignee", _TEXT)],
                            "responses": _responses({"200": _json(_ref("Count"), "The count")})}},
    "/task/{id}": {"get": {"operationId": "getTask", "summary": "One open task",
                           "parameters": [_path("id", "Task id")],
                           "responses": _responses({"200": _json(_ref("Task"), "The task")}, 404)}},
    "/task/{id}/claim": {"post": {
        "operationId": "claim", "summary": "Claim for the caller", "parameters": [_path("id", "Task id")],
        "requestBody": _body({"type": "object", "properties": {"userId": {"type": ["string", "null"]}}}),
        "responses": _responses(_no_content("Claimed"), 404, 409)}},
    "/task/{id}/unclaim": {"post": {"operationId": "unclaim", "summary": "Give back",
                                    "parameters": [_path("id", "Task id")],
                                    "responses": _responses(_no_content("Given back"), 404, 409)}},
    "/task/{id}/complete": {"post": {
        "operationId": "complete", "summary": "Complete with the form's answers",
        "parameters": [_path("id", "Task id")],
        "requestBody": _body({"type": "object", "properties": {"variables": _ref("Variables"),
                                                              "withVariablesInReturn": {"type": "boolean"}}}),
        "responses": _responses({**_no_content("Completed"), "200": _json(_ref("Variables"), "Completed")},
                                404, 409, 500)}},
    "/task/{id}/form-variables": {"get": {
        "operationId": "getFormVariables", "summary": "The task's data",
        "parameters": [_path("id", "Task id"), _query("variableNames", {"type": "string", "maxLength": 4000})],
        "responses": _responses({"200": _json(_ref("Variables"), "Variables")}, 404)}},
    "/message": {"post": {
        "operationId": "deliverMessage", "summary": "Correlate a message to the waiting case(s) it is for",
        "description": "Cases waiting for the message, narrowed by businessKey, processInstanceId (the case "
                       "reference) and correlationKeys (variables with these typed values). Exactly one must "
                       "match (409 otherwise) unless all is true.",
        "requestBody": _body({"type": "object", "required": ["messageName"], "properties": {
            "messageName": _TEXT, "businessKey": _TEXT, "processInstanceId": _NULLABLE_TEXT,
            "correlationKeys": _ref("Variables"), "processVariables": _ref("Variables"),
            "all": {"type": "boolean"}, "resultEnabled": {"type": "boolean"}}}),
        "responses": _responses({**_no_content("Delivered"), "200": _json({"type": "array"}, "Delivered")},
                                404, 409, 500)}},
    "/history/process-instance": {"get": {
        "operationId": "getHistoricProcessInstances", "summary": "Cases, finished or not",
        "parameters": [_query("processInstanceId", _TEXT), _query("processInstanceBusinessKey", _TEXT),
                       _query("processDefinitionKey", _TEXT), _query("finished", _FLAG), _query("unfinished", _FLAG),
                       *_PAGING],
        "responses": _responses({"200": _json(_LIST["HistoricProcessInstance"], "Instances")})}},
    "/history/process-instance/{id}": {"get": {
        "operationId": "getHistoricProcessInstance", "summary": "One case's history entry",
        "parameters": [_path("id", "Case reference")],
        "responses": _responses({"200": _json(_ref("HistoricProcessInstance"), "The instance")}, 404)}},
    "/history/activity-instance": {"get": {
        "operationId": "getHistoricActivityInstances", "summary": "The activities one case passed",
        "parameters": [_query("processInstanceId", _TEXT), *_PAGING],
        "responses": _responses({"200": _json(_LIST["HistoricActivityInstance"], "Activities")})}},
    "/incident": {"get": {
        "operationId": "getIncidents", "summary": "Open incidents (roles: admin, auditor, worker)",
        "parameters": [_query("processInstanceId", _TEXT), _query("incidentType", _TEXT),
                       _query("activityId", _TEXT)],
        "responses": _responses({"200": _json(_LIST["Incident"], "Incidents")})}},
}


def document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Camunda 7 REST API (engine-rest)", "version": "7.24.0",
                 "description": "The part of Camunda 7's REST API this product serves, for Camunda workers and "
                                "tools. Authenticate with an API token: HTTP Basic (any user name, the token as "
                                "password) or Bearer."},
        "servers": [{"url": server_url}],
        "security": [{"basic": []}, {"bearer": []}],
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"},
                                           "bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
        "paths": PATHS,
    }
