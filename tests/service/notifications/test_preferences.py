"""A person's own notification choices, read and kept through the casework."""

from __future__ import annotations

import pytest

from service.cases.errors import InvalidInput
from service.notifications.preferences import choosable, choose_preferences, my_preferences


def test_the_defaults_until_a_person_chooses_then_their_choice_and_only_theirs(runtime, people):
    casey, cora = people["casey"], people["cora"]
    assert my_preferences(runtime.casework, casey).kinds == frozenset(choosable())
    choose_preferences(runtime.casework, casey, ["task_assigned"], "digest", "17:30")
    chosen = my_preferences(runtime.casework, casey)
    assert (chosen.kinds, chosen.group_tasks, chosen.digest_time) == (frozenset({"task_assigned"}), "digest", "17:30")
    assert my_preferences(runtime.casework, cora).kinds == frozenset(choosable())


def test_a_choice_not_offered_is_refused_and_nothing_is_kept(runtime, people):
    casey = people["casey"]
    with pytest.raises(InvalidInput) as refused:
        choose_preferences(runtime.casework, casey, ["task_assigned"], "digest", "25:00")
    assert [problem.field for problem in refused.value.problems] == ["digest_time"]
    assert my_preferences(runtime.casework, casey).kinds == frozenset(choosable())
