"""The registry through which packs tell the platform what they need."""

from __future__ import annotations

import sys
import types

import pytest
from flask import Blueprint
from sqlalchemy import select

from service.app import create_app
from service.models import Case
from service.packs import registry
from service.packs.registry import GroupSeed, Pack


@pytest.fixture
def a_pack_with_pages():
    module = types.ModuleType("a_test_pack_web")
    pages = Blueprint("a_test_pack", __name__)
    pages.add_url_rule("/a-test-pack", "hello", lambda: "hello from the pack")
    module.init_app = lambda app: app.register_blueprint(pages)
    sys.modules[module.__name__] = module
    registry.register(Pack(name="a_test_pack", process_ids=("a_test_process",), web_module=module.__name__))
    yield
    registry.unregister("a_test_pack")
    del sys.modules[module.__name__]


def test_a_process_belongs_to_one_pack():
    registry.register(Pack(name="first", process_ids=("shared_process",)))
    try:
        with pytest.raises(ValueError, match="already belongs to the pack 'first'"):
            registry.register(Pack(name="second", process_ids=("shared_process",)))
        assert registry.pack_for("shared_process").name == "first"
    finally:
        registry.unregister("first")
    assert registry.pack_for("shared_process") is None


def test_registering_twice_replaces_the_pack():
    registry.register(Pack(name="twice", process_ids=("old_process",)))
    registry.register(Pack(name="twice", process_ids=("new_process",)))
    try:
        assert registry.pack_for("old_process") is None
        assert registry.pack_for("new_process").name == "twice"
    finally:
        registry.unregister("twice")


def test_the_app_adds_each_packs_own_pages(a_pack_with_pages, runtime):
    assert "a_test_pack_web" in registry.web_modules()
    app = create_app(runtime=runtime)
    assert app.test_client().get("/a-test-pack").get_data(as_text=True) == "hello from the pack"


def test_a_web_module_two_packs_name_is_added_once(a_pack_with_pages, runtime):
    registry.register(Pack(name="a_copy", process_ids=("a_copied_process",), web_module="a_test_pack_web"))
    try:
        assert registry.web_modules().count("a_test_pack_web") == 1
        create_app(runtime=runtime)  # a blueprint registered twice would be refused
    finally:
        registry.unregister("a_copy")


def test_each_packs_audit_figures_are_read_once_in_the_order_the_packs_were_registered():
    def counted(session):
        return [("Things counted", 3)]

    before = registry.audit_figure_loaders()
    registry.register(Pack(name="counting", process_ids=("counting_process",), audit_figures=counted))
    registry.register(Pack(name="counting_copy", process_ids=("counting_copy_process",), audit_figures=counted))
    registry.register(Pack(name="silent", process_ids=("silent_process",)))
    try:
        assert registry.audit_figure_loaders() == (*before, counted)
    finally:
        for name in ("counting", "counting_copy", "silent"):
            registry.unregister(name)
    assert registry.audit_figure_loaders() == before
def test_listings_join_no_subject_when_no_registered_pack_has_one(monkeypatch):
    monkeypatch.setattr(registry, "_BY_NAME", {"plain": Pack(name="plain", process_ids=("plain_process",))})
    query = select(Case.reference)
    columns = registry.subject_columns(query)
    assert columns.query is query and "JOIN" not in str(columns.query)
    assert registry.subject_noun() is None and registry.subject_fields() == {}


def test_packs_sharing_a_subject_join_it_once():
    # The policy's pack and the tests' fixture pack (made from it) are both registered, with one subject.
    columns = registry.subject_columns(select(Case.reference))
    sql = str(columns.query.add_columns(columns.reference, columns.name, columns.pack))
    # The policy's customer is two joins (the case's link to its customer, then the customer), made once.
    assert sql.count("JOIN case_customers ") == 1 and sql.count("JOIN customers ") == 1
    assert registry.subject_noun() == "Customer" and registry.subject_fields() == {"customer": "Customer"}


def test_the_seeded_group_names_are_each_packs_groups_once_in_the_order_registered(monkeypatch):
    monkeypatch.setattr(registry, "_BY_NAME", {
        "first": Pack(name="first", process_ids=("first_process",),
                      groups=(GroupSeed("leads", "Leads"), GroupSeed("gardeners", "Gardeners"))),
        "second": Pack(name="second", process_ids=("second_process",),
                       groups=(GroupSeed("gardeners", "Gardeners"), GroupSeed("cooks", "Cooks"))),
        "plain": Pack(name="plain", process_ids=("plain_process",)),
    })
    assert registry.seeded_group_names() == ("leads", "gardeners", "cooks")
    monkeypatch.setattr(registry, "_BY_NAME", {})
    assert registry.seeded_group_names() == ()
