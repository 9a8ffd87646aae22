"""Sending: email through the configured SMTP relay, and the optional webhook (Teams or any other)."""

from __future__ import annotations

import json
import smtplib
import urllib.request
from email.message import EmailMessage
from urllib.parse import urlsplit

from service.config import Mail


class NotConfigured(RuntimeError):
    """Nothing can be sent this way: kept visibly as undeliverable, never dropped silently."""


def send_email(mail: Mail, to: str, subject: str, body: str, message_id: str) -> None:
    if not mail.host:
        raise NotConfigured("SMTP is not configured (SMTP_HOST)")
    if not to:
        raise NotConfigured("the person has no email address")
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = to
    message["Subject"] = subject
    # The same id on a retry: a relay or mailbox that already has the message can recognise it.
    message["Message-ID"] = message_id
    message.set_content(body)
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds) as smtp:
        if mail.starttls:
            smtp.starttls()
        if mail.username:
            smtp.login(mail.username, mail.password or "")
        smtp.send_message(message)


def post_webhook(mail: Mail, subject: str, text: str, link: str) -> None:
    url = mail.webhook_url
    if not url:
        raise NotConfigured("no webhook is configured (NOTIFY_WEBHOOK_URL)")
    if urlsplit(url).scheme not in {"https", "http"}:
        raise NotConfigured("the webhook address must be http(s)")
    # {"text": ...} is what a Teams incoming webhook (and most chat webhooks) display.
    body = json.dumps({"text": f"**{subject}**\n\n{text}\n\n{link}", "title": subject, "link": link}).encode()
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 - scheme checked above
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=mail.timeout_seconds) as response:  # noqa: S310
        if response.status >= 300:
            raise RuntimeError(f"the webhook answered {response.status}")
