"""A real SMTP server (aiosmtpd), started by the test, and people with email addresses."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from service.config import Mail
from service.models import User


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def subjects(self, address: str) -> list[str]:
        return [m["Subject"] for m in self.to(address)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(runtime):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    runtime.settings.mail = Mail(host="127.0.0.1", port=port, starttls=False, sender="cases@example.org")
    yield inbox
    controller.stop()


@pytest.fixture
def emails(runtime, people):
    """Everyone's address is <username>@example.org."""
    with runtime.db.transaction() as session:
        for username, actor in people.items():
            session.execute(update(User).where(User.id == actor.user_id).values(email=f"{username}@example.org"))
    return people


def body_of(message: Message) -> str:
    return message.get_payload(decode=True).decode()
