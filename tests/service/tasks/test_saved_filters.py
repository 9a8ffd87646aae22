"""Saved inbox filters belong to one person: saved by name, replaced under the same name, deleted by them only."""

from __future__ import annotations

from service.tasks.saved_filters import delete_filter, save_filter, saved_filters


def test_a_filter_saved_under_a_used_name_replaces_it_and_others_never_see_it(runtime, people):
    casey, cora = people["casey"], people["cora"]
    save_filter(runtime.casework, casey, "Overdue", {"overdue": "yes"})
    save_filter(runtime.casework, casey, "Mine by due", {"tab": "mine", "sort": "due"})
    save_filter(runtime.casework, casey, "Overdue", {"overdue": "yes", "tab": "groups"})
    kept = saved_filters(runtime.casework, casey)
    assert [(f.name, f.query) for f in kept] == [
        ("Mine by due", {"tab": "mine", "sort": "due"}), ("Overdue", {"overdue": "yes", "tab": "groups"})]
    assert list(saved_filters(runtime.casework, cora)) == []


def test_only_the_owner_deletes_a_filter(runtime, people):
    casey, cora = people["casey"], people["cora"]
    save_filter(runtime.casework, casey, "Overdue", {"overdue": "yes"})
    (saved,) = saved_filters(runtime.casework, casey)
    assert delete_filter(runtime.casework, cora, saved.id) is False
    assert [f.name for f in saved_filters(runtime.casework, casey)] == ["Overdue"]
    assert delete_filter(runtime.casework, casey, saved.id) is True
    assert list(saved_filters(runtime.casework, casey)) == []
    assert delete_filter(runtime.casework, casey, saved.id) is False
