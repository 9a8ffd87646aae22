"""People administration at the service layer: every change audited, last administrator protected."""

from datetime import timedelta

import pytest

from service.accounts import directory, password_reset
from service.accounts import people as accounts
from service.cases.errors import Conflict, InvalidInput, NotAllowed, NotFound
from service.dao import users_dao
from tests.service.conftest import TEST_PASSWORD


def _events(runtime, user_id):
    _, trail = directory.person_with_trail(runtime.casework, user_id)
    return [entry.what for entry in trail]


def test_an_administrator_creates_a_person_who_sets_a_password_with_a_one_time_link(runtime, people):
    adam = people["adam"]
    new = _new("rita", "Rita Reviewer", ("caseworker",))
    person = accounts.create_person(runtime.casework, adam, new, runtime.clock.now())
    token = password_reset.force_reset(runtime.casework, adam, person.id, runtime.clock.now())
    assert password_reset.person_for_link(runtime.casework, token, runtime.clock.now()).username == "rita"
    with pytest.raises(InvalidInput) as weak:
        password_reset.complete_reset(runtime.casework, token, "rita12345678", "rita12345678", runtime.clock.now())
    assert weak.value.problems[0].field == "password"
    password_reset.complete_reset(runtime.casework, token, "pebble orchard violin", "pebble orchard violin",
                                  runtime.clock.now())
    with pytest.raises(NotFound):  # used once, never again
        password_reset.complete_reset(runtime.casework, token, "another fine phrase", "another fine phrase",
                                      runtime.clock.now())
    trail = directory.person_with_trail(runtime.casework, person.id)[1]
    assert [entry.what for entry in trail][::-1] == [
        "Account created", "Password reset forced; one-time link issued", "Password set with a one-time link"]
    assert trail[-1].by == "Adam Admin"


def test_a_reset_link_expires(runtime, people):
    token = password_reset.force_reset(runtime.casework, people["adam"], people["casey"].user_id, runtime.clock.now())
    runtime.clock.advance(hours=24, minutes=1)
    with pytest.raises(NotFound):
        password_reset.complete_reset(runtime.casework, token, "pebble orchard violin", "pebble orchard violin",
                                      runtime.clock.now())


def test_a_forced_reset_stops_the_old_password_and_a_newer_link_spends_the_older(runtime, people):
    first = password_reset.force_reset(runtime.casework, people["adam"], people["casey"].user_id, runtime.clock.now())
    password_reset.force_reset(runtime.casework, people["adam"], people["casey"].user_id, runtime.clock.now())
    with pytest.raises(NotFound):
        password_reset.person_for_link(runtime.casework, first, runtime.clock.now())
    with runtime.db.reading() as session:
        from service.auth.passwords import verify_password

        assert not verify_password(users_dao.get_user(session, people["casey"].user_id).password_hash, TEST_PASSWORD)


def test_invalid_people_are_refused_with_every_problem_named(runtime, people):
    with pytest.raises(InvalidInput) as refused:
        accounts.create_person(runtime.casework, people["adam"], _new("Bad Name!", "", ("wizard",)),
                                      runtime.clock.now())
    assert {p.field for p in refused.value.problems} == {"username", "full_name", "roles"}
    with pytest.raises(InvalidInput) as taken:
        accounts.create_person(runtime.casework, people["adam"], _new("casey", "C", ("caseworker",)),
                                      runtime.clock.now())
    assert taken.value.problems[0].message == "Someone already has that username"


def test_only_administrators_manage_people(runtime, people):
    with pytest.raises(NotAllowed):
        accounts.deactivate(runtime.casework, people["hana"], people["casey"].user_id, "left", runtime.clock.now())
    with pytest.raises(NotAllowed):
        accounts.change_roles(runtime.casework, people["hana"], people["hana"].user_id, ["admin"],
                                     runtime.clock.now())


def test_deactivation_and_reactivation_are_audited_and_the_last_administrator_is_kept(runtime, people):
    adam, casey = people["adam"], people["casey"]
    with pytest.raises(InvalidInput):
        accounts.deactivate(runtime.casework, adam, casey.user_id, "  ", runtime.clock.now())
    accounts.deactivate(runtime.casework, adam, casey.user_id, "Left the organisation", runtime.clock.now())
    with pytest.raises(Conflict):
        accounts.deactivate(runtime.casework, adam, casey.user_id, "again", runtime.clock.now())
    runtime.clock.advance(days=1)
    accounts.reactivate(runtime.casework, adam, casey.user_id, runtime.clock.now())
    assert _events(runtime, casey.user_id)[:2] == ["Reactivated", "Deactivated"]
    with pytest.raises(NotAllowed):
        accounts.deactivate(runtime.casework, adam, adam.user_id, "me", runtime.clock.now())
    with pytest.raises(NotAllowed, match="last active administrator"):
        accounts.change_roles(runtime.casework, None, adam.user_id, ["caseworker"], runtime.clock.now())


def test_role_changes_are_audited_with_before_and_after(runtime, people):
    accounts.change_roles(runtime.casework, people["adam"], people["casey"].user_id,
                                 ["caseworker", "head_of_service"], runtime.clock.now())
    _, trail = directory.person_with_trail(runtime.casework, people["casey"].user_id)
    assert trail[0].what == "Roles changed"
    assert trail[0].detail == {"from": ["caseworker"], "to": ["caseworker", "head_of_service"]}


def test_a_deactivated_person_keeps_their_name_on_past_decisions(runtime, people):
    accounts.deactivate(runtime.casework, people["adam"], people["hana"].user_id, "Retired", runtime.clock.now())
    with runtime.db.reading() as session:
        assert users_dao.names_by_id(session, [people["hana"].user_id]) == {people["hana"].user_id: "Hana Head"}
    assert directory.status_of(_user(runtime, "hana"), runtime.clock.now()) == "Deactivated"
    assert directory.status_of(_user(runtime, "hana"), runtime.clock.now() + timedelta(days=400)) == "Deactivated"


def _user(runtime, username):
    with runtime.db.reading() as session:
        return users_dao.get_user_by_username(session, username)


def _new(username, full_name, roles):
    return accounts.NewPerson(username=username, full_name=full_name, roles=roles)


def test_an_administrator_changes_a_persons_email_and_it_is_audited(runtime, people):
    casey = people["casey"].user_id
    with pytest.raises(InvalidInput) as refused:
        accounts.change_email(runtime.casework, people["adam"], casey, "not an address", runtime.clock.now())
    assert refused.value.problems[0].field == "email"
    with pytest.raises(NotAllowed):
        accounts.change_email(runtime.casework, people["hana"], casey, "casey@example.org", runtime.clock.now())
    accounts.change_email(runtime.casework, people["adam"], casey, " casey@example.org ", runtime.clock.now())
    user, trail = directory.person_with_trail(runtime.casework, casey)
    assert user.email == "casey@example.org"
    assert (trail[0].what, trail[0].by, trail[0].detail) == (
        "Email changed", "Adam Admin", {"from": "none", "to": "casey@example.org"})
    accounts.change_email(runtime.casework, people["adam"], casey, "casey@example.org", runtime.clock.now())
    assert _events(runtime, casey) == ["Email changed"]  # no change, nothing recorded
