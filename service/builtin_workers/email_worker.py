"""The ``email`` topic: send an email from a template in the process's folder to an address in the task's data.

Task data: ``email_to`` (one address) and ``email_template`` (a template name). The template is
``<templates dir>/<process key>/email/<name>.txt``: a ``Subject:`` line, a blank line, then the body,
rendered by a sandboxed Jinja with the task's variables (a missing variable is an error, not a blank).
"""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from service.builtin_workers import WorkFailed
from service.casework import Casework
from service.tasks.external_tasks import LockedTask

_ADDRESS = re.compile(r"^[^@\s<>,;:\"\\]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_jinja = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
SMTP_TIMEOUT = 20


def send(casework: Casework, task: LockedTask) -> dict[str, Any]:
    settings = casework.settings
    data = task.variables
    to, name = data.get("email_to"), data.get("email_template")
    if not isinstance(to, str) or not _ADDRESS.match(to):
        raise WorkFailed("The task's email_to is not one email address", retryable=False)
    if not isinstance(name, str) or not _NAME.match(name):
        raise WorkFailed("The task's email_template must name a template (lower-case letters, digits, - and _)",
                         retryable=False)
    subject, body = _render(_template_path(settings, task.process_key, name), data)
    message = EmailMessage()
    message["From"] = settings.mail.sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        mail = settings.mail
        with smtplib.SMTP(mail.host, mail.port, timeout=SMTP_TIMEOUT) as smtp:
            if mail.starttls:
                smtp.starttls()
            if mail.username:
                smtp.login(mail.username, mail.password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused:
        raise WorkFailed("The mail server refused the address", retryable=False) from None
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise WorkFailed(f"The mail server could not take the email ({type(error).__name__})", retryable=True,
                         details=str(error)[:500]) from None
    if refused:
        raise WorkFailed("The mail server refused the address", retryable=False)
    return {"email_sent_to": to, "email_message_id": message.get("Message-ID")}


def _template_path(settings, process_key: str, name: str) -> Path:
    root = (settings.email_templates_dir or settings.bpmn_dir).resolve()
    path = (root / process_key / "email" / f"{name}.txt").resolve()
    if root not in path.parents or not path.is_file():
        raise WorkFailed(f"There is no email template {name!r} for the process {process_key!r}", retryable=False)
    return path


def _render(path: Path, data: dict[str, Any]) -> tuple[str, str]:
    try:
        text = _jinja.from_string(path.read_text(encoding="utf-8")).render(**data)
    except TemplateError as error:
        raise WorkFailed(f"The email template {path.stem!r} could not be filled in: {error}", retryable=False) from None
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject:") or "\n" in head.strip():
        raise WorkFailed(f"The email template {path.stem!r} must start with one 'Subject:' line and a blank line",
                         retryable=False)
    return head.removeprefix("Subject:").strip(), body
