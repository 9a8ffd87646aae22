"""The people pages: list, add, one person's account, and the changes an administrator makes."""

from __future__ import annotations

import re

from service.accounts import people as accounts
from service.cases.cases import complete_task
from service.tasks.inbox_actions import claim
from tests.service.conftest import sign_in
from tests.service.views.conftest import open_task, start_case, text_of


def test_only_administrators_see_the_people_pages(client_request, people):
    client_request.login("hana").get("/admin/people", status=403)
    client_request.login("adam").get("/admin/people")


def test_the_list_shows_roles_last_sign_in_and_status(client, client_request, people, runtime):
    sign_in(client, "casey")
    accounts.deactivate(runtime.casework, people["adam"], people["cora"].user_id, "Left", runtime.clock.now())
    page = client_request.login("adam").get("/admin/people")
    rows = {row["data-username"]: [text_of(cell) for cell in row.select("td")]
            for row in page.select("#people tbody tr")}
    assert rows["casey"][2:] == ["caseworker", "2 March 2026 at 9:30am", "Active"]
    assert rows["cora"][3:] == ["Never", "Deactivated"]
    assert rows["hana"][2] == "head of service"


def test_adding_a_person_shows_their_one_time_link_once(client_request, people, runtime):
    client_request.login("adam")
    refused = client_request.post_page("/admin/people/new", {"username": "r", "full_name": ""})
    assert {a["href"] for a in refused.select(".govuk-error-summary a")} == {"#username", "#full_name", "#roles"}
    response = client_request.post("/admin/people/new", {
        "username": "rita", "full_name": "Rita Reviewer", "email": "rita@example.org", "roles": ["caseworker"]},
        status=200)
    html = response.get_data(as_text=True)
    link = re.search(r'<code id="reset-link" class="ubp-token">([^<]+)</code>', html).group(1)
    assert link.startswith("http://127.0.0.1:5000/set-password/")
    assert "rita" in text_of(client_request.get("/admin/people").select_one("#people"))


def test_deactivating_from_the_page_ends_the_persons_session_at_once(client, client_request, people, app):
    other = app.test_client()  # the leaver, signed in elsewhere
    sign_in(other, "casey")
    assert other.get("/tasks").status_code == 200
    client_request.login("adam")
    response = client_request.post(f"/admin/people/{people['casey'].user_id}/deactivate", {"reason": "Left"})
    page = client_request.follow(response)
    assert text_of(page.select_one("#status")) == "Deactivated"
    assert page.select("#account-trail tbody tr")[0].select("td")[1].get_text() == "Deactivated"
    assert other.get("/tasks").status_code == 302  # back to sign-in
    assert sign_in(other, "casey").status_code == 401


def test_a_refused_change_says_why(client_request, people):
    client_request.login("adam")
    response = client_request.post(f"/admin/people/{people['casey'].user_id}/deactivate", {"reason": ""})
    page = client_request.follow(response)
    assert "Enter why the account is being deactivated" in text_of(page.select_one(".govuk-notification-banner"))


def test_changing_roles_from_the_page(client_request, people, runtime):
    client_request.login("adam")
    client_request.post(f"/admin/people/{people['casey'].user_id}/roles", {"roles": ["caseworker", "auditor"]})
    client_request.login("casey").get("/audit")


def test_a_deactivated_person_keeps_their_name_on_the_cases_they_worked(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    task = open_task(runtime, reference)
    claim(runtime.casework, people["cora"], task.id)
    complete_task(runtime.casework, people["cora"], task.id, {"note": "Called back."})
    accounts.deactivate(runtime.casework, people["adam"], people["cora"].user_id, "Left", runtime.clock.now())
    page = client_request.login("hana").get(f"/cases/{reference}")
    assert "by Cora Caseworker" in [text_of(b) for b in page.select(".moj-timeline__byline")]


def test_forcing_a_password_reset_shows_a_link_that_sets_a_new_password(client, client_request, people):
    client_request.login("adam")
    response = client_request.post(f"/admin/people/{people['casey'].user_id}/password-reset", status=200)
    link = re.search(r'<code id="reset-link" class="ubp-token">([^<]+)</code>', response.get_data(as_text=True))
    path = link.group(1).removeprefix("http://127.0.0.1:5000")
    form = client_request.get(path)
    assert form.h1.get_text(strip=True) == "Set your password"
    weak = client_request.post_page(path, {"password": "aaaaaaaaaaaa", "confirmation": "aaaaaaaaaaaa"})
    assert "repeated" in text_of(weak.select_one(".govuk-error-summary"))
    done = client_request.post(path, {"password": "pebble orchard violin", "confirmation": "pebble orchard violin"})
    assert done.headers["Location"] == "/sign-in"
    assert client_request.get(path, status=404).h1.get_text(strip=True) == "This link cannot be used"
    fresh = client.application.test_client()
    assert sign_in(fresh, "casey", "pebble orchard violin").status_code == 302


def test_changing_groups_from_the_persons_page(client_request, people, runtime, policy):
    from service.people import groups

    groups.create_group(runtime.casework, people["adam"], name="asb-team", label="Anti-social behaviour team",
                        description="", now=runtime.clock.now())
    client_request.login("adam")
    casey = people["casey"].user_id
    page = client_request.get(f"/admin/people/{casey}")
    boxes = {box["value"]: box for box in page.select("#groups input[name=groups]")}
    assert boxes["caseworker"].has_attr("checked") and boxes["caseworker"].has_attr("disabled")
    assert not boxes["asb-team"].has_attr("checked")
    page = client_request.follow(client_request.post(f"/admin/people/{casey}/groups", {"groups": ["asb-team"]}))
    assert "Groups saved." in text_of(page.select_one(".govuk-notification-banner"))
    assert page.select_one("#group-asb-team").has_attr("checked")
    assert text_of(page.select("#account-trail tbody tr")[0].select("td")[1]) == "Groups changed"
    client_request.login("hana").post(f"/admin/people/{casey}/groups", {"groups": []}, status=403)


def test_editing_a_persons_email_from_their_page(client_request, people):
    client_request.login("adam")
    casey = people["casey"].user_id
    page = client_request.follow(client_request.post(f"/admin/people/{casey}/email", {"email": "nope"}))
    assert "Enter an email address like name@example.org" in text_of(page.select_one(".govuk-notification-banner"))
    page = client_request.follow(client_request.post(f"/admin/people/{casey}/email", {"email": "casey@example.org"}))
    assert page.select_one("#email")["value"] == "casey@example.org"
    trail = page.select("#account-trail tbody tr")[0].select("td")
    assert text_of(trail[1]) == "Email changed" and "casey@example.org" in text_of(trail[3])
