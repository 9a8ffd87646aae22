"""A person's own notification settings."""

from __future__ import annotations

from service.notifications.preferences import preferences_of


def test_a_person_chooses_what_they_hear_about_and_when(client_request, people, runtime):
    page = client_request.login("casey").get("/account/notifications")
    assert all(box.has_attr("checked") for box in page.select("input[name=kinds]"))  # everything by default
    assert page.select_one("input[name=group_tasks][checked]")["value"] == "each"
    client_request.post("/account/notifications", {"kinds": ["task_assigned", "task_overdue"],
                                                   "group_tasks": "digest", "digest_time": "16:45"})
    with runtime.db.reading() as session:
        chosen = preferences_of(session, people["casey"].user_id)
    assert chosen.kinds == {"task_assigned", "task_overdue"}
    assert (chosen.group_tasks, chosen.digest_time) == ("digest", "16:45")


def test_a_wrong_digest_time_is_explained_and_nothing_is_saved(client_request, people, runtime):
    client_request.login("casey")
    page = client_request.post_page("/account/notifications", {"group_tasks": "digest", "digest_time": "25:00"})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#digest_time"]
    with runtime.db.reading() as session:
        assert preferences_of(session, people["casey"].user_id).group_tasks == "each"


def test_settings_need_a_signed_in_person(client):
    assert client.get("/account/notifications").status_code == 302
