"""Signed-in browsing for view tests, with every page's HTML checked as it arrives.

``client_request.get`` parses the page strictly (html5lib) and fails unless it is a valid
document with a title that repeats its one h1, unique ids, a label for every field, and every
id reference (aria-describedby, aria-controls, in-page links) pointing at something that exists.
"""

from __future__ import annotations

import re

import html5lib
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from service.cases import cases as case_steps
from service.models import Case, HumanTask, User
from tests.service.conftest import deploy_fixture

_ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "data-aria-controls")
_UNLABELLED_TYPES = {"hidden", "submit", "button", "image", "reset"}


class ClientRequest:
    def __init__(self, client, runtime, people) -> None:
        self.client = client
        self.runtime = runtime
        self.people = people
        self._csrf: str | None = None

    def login(self, username: str) -> ClientRequest:
        now = self.runtime.clock.now().timestamp()
        with self.client.session_transaction() as session:
            session.clear()
            session.update(uid=self.people[username].user_id, epoch=self._epoch(username), started=now, seen=now)
        self._csrf = None
        return self

    def _epoch(self, username: str) -> int:
        with self.runtime.db.reading() as session:
            return session.get(User, self.people[username].user_id).session_epoch

    def get(self, path: str, status: int = 200, **query) -> BeautifulSoup:
        response = self.client.get(path, query_string=query or None)
        assert response.status_code == status, (response.status_code, response.headers.get("Location"))
        return checked_page(response.get_data(as_text=True))

    def get_response(self, path: str, **query):
        return self.client.get(path, query_string=query)

    def post(self, path: str, data: dict | None = None, status: int = 302, with_csrf: bool = True):
        form = dict(data or {})
        if with_csrf:
            form["csrf_token"] = self.csrf_token()
        response = self.client.post(path, data=form)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:2000])
        return response

    def post_page(self, path: str, data: dict | None = None, status: int = 422) -> BeautifulSoup:
        return checked_page(self.post(path, data, status).get_data(as_text=True))

    def follow(self, response) -> BeautifulSoup:
        """The page a redirect leads to (flashed messages show there)."""
        return self.get(response.headers["Location"])

    def csrf_token(self) -> str:
        if self._csrf is None:
            page = self.client.get("/sign-in").get_data(as_text=True)
            self._csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return self._csrf


def checked_page(html: str) -> BeautifulSoup:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    page = BeautifulSoup(html, "html5lib")
    title = page.title.get_text(strip=True) if page.title else ""
    assert title, "the page has no <title>"
    headings = page.find_all("h1")
    assert len(headings) == 1, f"expected one h1, found {len(headings)}"
    heading = " ".join(headings[0].get_text().split())
    assert title.removeprefix("Error: ").startswith(heading), (title, heading)
    ids = [element["id"] for element in page.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"ids used more than once: {duplicates}"
    _assert_labelled(page)
    _assert_references_resolve(page, set(ids))
    return page


def _assert_labelled(page: BeautifulSoup) -> None:
    labelled = {label.get("for") for label in page.find_all("label")}
    for field in page.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in _UNLABELLED_TYPES:
            continue
        assert (field.get("id") in labelled or field.get("aria-label") or field.get("aria-labelledby")), (
            f"no label for {field}"
        )


def _assert_references_resolve(page: BeautifulSoup, ids: set[str]) -> None:
    for attribute in _ID_REFERENCES:
        for element in page.find_all(attrs={attribute: True}):
            for target in element[attribute].split():
                assert target in ids, f"{attribute}={target!r} points at nothing"
    for link in page.find_all("a", href=re.compile(r"^#.")):
        assert link["href"][1:] in ids, f"the link to {link['href']} points at nothing"


def text_of(element) -> str:
    return " ".join(element.get_text(" ").split())


@pytest.fixture
def client_request(client, runtime, people) -> ClientRequest:
    return ClientRequest(client, runtime, people)


@pytest.fixture
def three_tasks(runtime):
    deploy_fixture(runtime, "three_tasks.bpmn")
    return runtime


def start_case(runtime, actor, customer_reference: str = "C-100", name: str = "Pat Doe",
               process_id: str = "three_tasks") -> str:
    data = {"customer_reference": customer_reference, "customer_name": name}
    return case_steps.start_case(runtime.casework, actor, data, process_id=process_id).reference


def open_task(runtime, reference: str) -> HumanTask:
    with runtime.db.reading() as session:
        return session.scalars(
            select(HumanTask).join(Case, Case.id == HumanTask.case_id)
            .where(Case.reference == reference, HumanTask.status == "open")
        ).one()


def get_task(runtime, task_id: str) -> HumanTask:
    with runtime.db.reading() as session:
        return session.get(HumanTask, task_id)
